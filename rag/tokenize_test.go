package rag

import "testing"

func TestAppendTokens(t *testing.T) {
	tok := func(s string) []Token { return AppendTokens(nil, s) }
	tests := []struct {
		name string
		text string
		want []Token
	}{
		{"cjk unigrams and bigrams", "数字化", []Token{unigramToken('数'), unigramToken('字'), bigramToken('数', '字'), unigramToken('化'), bigramToken('字', '化')}},
		{"latin words lower-cased", "Digital TWIN", append(tok("digital"), tok("twin")...)},
		{"full-width folded", "ＧＤＰ", tok("gdp")},
		{"decimal stays one number", "7.88%", tok("7.88")},
		{"thousands separator", "1,000 units", append(tok("1,000"), tok("units")...)},
		{"sentence dot is not decimal", "end. 2", append(tok("end"), tok("2")...)},
		{"version-like trailing dot", "v3.x", append(tok("v3"), tok("x")...)},
		{"punctuation only", "?!。，", nil},
		{"mixed scripts", "DTx产品", append(tok("dtx"), tok("产品")...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tok(tt.text)
			if len(got) != len(tt.want) {
				t.Fatalf("AppendTokens(%q) = %d tokens, want %d", tt.text, len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("token %d of %q differs", i, tt.text)
				}
			}
		})
	}
	if tok("7.88")[0] == tok("788")[0] {
		t.Error("7.88 and 788 hash alike")
	}
	if bigramToken('a', 'b') == tok("ab")[0] {
		t.Error("a CJK-style bigram collides with a word of the same runes")
	}
}

func TestLocalEmbedderUnitLengthAndDeterministic(t *testing.T) {
	e := LocalEmbedder{Dim: 256}
	vs, err := e.Embed(t.Context(), []string{"数字化转型", "数字化转型", "", "the of and"})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if len(v) != 256 {
			t.Fatalf("vector %d has %d dims", i, len(v))
		}
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if n < 0.999 || n > 1.001 {
			t.Errorf("vector %d has squared norm %f", i, n)
		}
	}
	for i := range vs[0] {
		if vs[0][i] != vs[1][i] {
			t.Fatal("same text, different vectors")
		}
	}
	if e.Name() != "local-v1/256" {
		t.Errorf("Name() = %q", e.Name())
	}
}

func TestNormalForm(t *testing.T) {
	form := func(w string) string {
		n, ok := normalForm(nil, []rune(w))
		if !ok {
			return "(none)"
		}
		return string(n)
	}
	for _, same := range [][]string{
		{"astronaut", "astronauts"},
		{"name", "named", "names", "naming"},
		{"study", "studies", "studied"},
		{"stop", "stopped", "stopping", "stops"},
		{"produce", "produces", "produced", "producing"},
		{"centre", "centred"},
		{"temür", "temur"},
		{"möngke", "mongke"},
		{"céloron", "celoron"},
		{"call", "called"},
	} {
		for _, w := range same[1:] {
			if form(w) != form(same[0]) {
				t.Errorf("%s → %s, %s → %s: want one form", same[0], form(same[0]), w, form(w))
			}
		}
	}
	for _, w := range []string{"class", "bus", "this", "king", "need", "speed", "was", "яблоко"} {
		if got := form(w); got != w && got != "(none)" {
			t.Errorf("%s → %s, want it unchanged", w, got)
		}
	}
	// Only words of letters get a normal form; "rtx4090s" stays as written.
	var n int
	eachNormalForm("RTX4090s the astronauts' Temür", func(_, _ Token) { n++ })
	if n != 2 {
		t.Errorf("%d normal forms, want 2 (astronauts, temür)", n)
	}
}
