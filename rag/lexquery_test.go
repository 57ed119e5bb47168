package rag

import (
	"slices"
	"testing"
)

func termWeights(q string) map[Token]queryTerm {
	m := map[Token]queryTerm{}
	for _, t := range lexicalQuery(q) {
		if _, dup := m[t.t]; dup {
			panic("lexicalQuery returned a token twice: " + q)
		}
		m[t.t] = t
	}
	return m
}

func TestLexicalQueryWeighsQuestionWordsDown(t *testing.T) {
	for _, tt := range []struct {
		query          string
		content, asked []string // tokens of these texts weigh 1 / questionWordWeight
	}{
		{"新房装修后多久可以入住", []string{"新房", "装修", "入住"}, []string{"多久"}},
		{"长城的门票是多少", []string{"长城", "门票"}, []string{"多少"}},
		{"What is the capital of France?", []string{"capital", "france"}, []string{"what", "the", "of"}},
	} {
		w := termWeights(tt.query)
		normal := map[Token]Token{}
		eachNormalForm(tt.query, func(word, n Token) { normal[word] = n })
		// Every token the index could hold for the query is searched, or its normal form.
		for _, tok := range AppendTokens(nil, tt.query) {
			if n, ok := normal[tok]; ok {
				tok = n
			}
			if _, ok := w[tok]; !ok {
				t.Errorf("%s: a token of the query is not searched", tt.query)
			}
		}
		for _, c := range tt.content {
			for _, tok := range AppendTokens(nil, c) {
				if n, ok := normal[tok]; ok {
					tok = n
				}
				if w[tok].w != 1 {
					t.Errorf("%s: %q weighs %v, want 1", tt.query, c, w[tok].w)
				}
			}
		}
		for _, a := range tt.asked {
			toks := AppendTokens(nil, a)
			last := toks[len(toks)-1] // the word's bigram, or the word itself
			if got := w[last]; got.w != questionWordWeight || got.cover {
				t.Errorf("%s: %q weighs %v (cover %v), want %v", tt.query, a, got.w, got.cover, questionWordWeight)
			}
		}
	}
	// A bigram across two words ("后多": 装修后|多久, or 修后 if gse cuts 装修|后) weighs less
	// than either word's own.
	w := termWeights("新房装修后多久可以入住")
	if got := w[bigramToken('后', '多')].w; got >= questionWordWeight {
		t.Errorf("boundary bigram weighs %v", got)
	}
	// Nothing but question words: the question is searched as asked.
	for _, q := range lexicalQuery("是什么") {
		if q.w != 1 {
			t.Fatalf("a question of question words only weighs %v, want 1", q.w)
		}
	}
}

// The question words of a real query ("什么时候", "多少钱") match passages that ask the same
// kind of question about something else; the passage about the query's subject must win.
func TestQuestionWordsDoNotOutweighTheSubject(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s,
		testDoc("ask.txt", "这款手表什么时候发布?什么时候能买到?什么时候降价?大家都在问什么时候。"),
		testDoc("mate.txt", "Mate 60将于9月正式发布,售价5999元。"),
		testDoc("other.txt", "今年的手机市场竞争激烈,新品不断。"),
		testDoc("price.txt", "装修多少钱?价格多少钱?多少钱都有人问。"),
		testDoc("disney.txt", "上海迪士尼乐园的票价平日为435元。"),
	)
	wantTopHits(t, s, map[string]string{
		"mate 60什么时候发布": "mate.txt",
		"上海迪士尼的票价多少钱":   "disney.txt",
	})
}

// wantTopHits checks that each query's first lexical hit is its document.
func wantTopHits(t *testing.T, s *Store, want map[string]string) {
	t.Helper()
	for query, doc := range want {
		got, err := Searcher{Store: s, Mode: LexicalOnly}.Retrieve(t.Context(), query, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].DocID != doc {
			t.Errorf("%q: top hit %v, want %s", query, docIDs(got), doc)
		}
	}
}

// A chunk that holds the characters of the question's words scattered in other words must not
// outrank one that holds the words themselves.
func TestCoverageOfTheQuestionCounts(t *testing.T) {
	x := lexFrom(
		"美丽的天空下,调皮的孩子,电灯,话筒,美丽的天空,调皮,电灯,话筒。",
		"美的空调,品质可靠,服务周到,欢迎选购,全国联保,售后无忧,安装及时,价格公道。",
		"冰箱洗衣机电视机热水器。",
		"今天天气很好。",
		"空气很新鲜。",
		"他说的话。",
	)
	hits := x.searchWeighted(lexicalQuery("美的空调电话"), 2)
	if len(hits) == 0 || hits[0].slot != 1 {
		t.Fatalf("top hit = %v, want slot 1", slotsOf(hits))
	}
}

func docIDs(ps []Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.DocID)
	}
	return out
}

func TestLexicalQueryKeepsEveryTokenOnce(t *testing.T) {
	q := "新能源汽车2024年销量 新能源汽车"
	got := lexicalQuery(q)
	toks := AppendTokens(nil, q)
	slices.Sort(toks)
	toks = slices.Compact(toks)
	if len(got) != len(toks) {
		t.Errorf("%d terms for %d distinct tokens", len(got), len(toks))
	}
}

// A Latin word is searched in its normal form, so a question finds a passage that spells its
// words otherwise: inflected, or with the accents the question left out. The index counts the
// forms when it loads (terms are never stored), so an index written before them finds them too.
func TestWordFormsMeet(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	put(t, s,
		testDoc("temur.txt", "Tugh Temür is known for founding the Academy of the Pavilion in 1329."),
		testDoc("other.txt", "The academy was a place of learning for Confucian scholars and painters."),
		testDoc("apollo.txt", "Apollo would carry three astronauts; NASA named the missions after gods."),
	)
	s = openTest(t, dir) // reload from disk, counting terms again
	wantTopHits(t, s, map[string]string{
		"Temur's academy":  "temur.txt",
		"one astronaut":    "apollo.txt",
		"naming a mission": "apollo.txt",
	})
}

// A model number is searched in its parts too, so a passage that writes it apart or with the
// product line's name between the pieces is found.
func TestModelNumberParts(t *testing.T) {
	if got, want := modelParts("rx580 ok 360n5s x"), []string{"rx", "580", "360", "360n", "360n5", "n5", "n5s", "5s"}; !slices.Equal(got, want) {
		t.Errorf("modelParts = %q, want %q", got, want)
	}
	s := openTest(t, t.TempDir())
	put(t, s,
		testDoc("radeon.txt", "Radeon RX 580 显卡的性能与上一代相近。"),
		testDoc("other.txt", "显卡的性能怎么样?显卡性能好不好?"),
	)
	got, err := Searcher{Store: s, Mode: LexicalOnly}.Retrieve(t.Context(), "rx580显卡性能", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].DocID != "radeon.txt" {
		t.Errorf("got %v, want radeon.txt first", docIDs(got))
	}
}
