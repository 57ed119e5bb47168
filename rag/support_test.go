package rag

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCheckSupport holds the claim finder and the lookup: what counts as a number, date, URL,
// e-mail address or name, and which forms of it in a cited passage support it.
func TestCheckSupport(t *testing.T) {
	zh := "据调查，数字化转型的失败率超过80%，美的集团累计投入约120亿元，2023年5月发布报告。" +
		"GE 的 Predix 平台，访问 https://example.org/ge-report 或来信 info@example.org。《数字中国建设整体布局规划》提出 7.88% 的目标。"
	en := "Midea invested about 12 billion yuan. Jeff Immelt led GE's Predix effort; over 80% of projects fail. See www.example.org/report."
	tests := []struct {
		name, passage, answer string
		want                  []string // unsupported spans, in order
	}{
		{"supported as written", zh, "失败率超过80%[1]，美的投入约120亿元[1]。", nil},
		{"full-width digits and percent", zh, "失败率超过８０％[1]。", nil},
		{"万/亿 forms and separators", zh, "美的投入约1,200,000万元[1]，即12,000,000,000元。", nil},
		{"a figure found nowhere", zh, "失败率为99%[1]。", []string{"99%"}},
		{"digits with a unit", zh, "美的投入约150亿元[1]，用了3年。", []string{"150亿", "3年"}},
		{"a lone digit is not checked", zh, "有以下几点：1、失败率超过80%[1]；第2点。", nil},
		{"identifiers are not numbers", zh, "5G 与 v2 以及 [12a] 都不是数字。", nil},
		{"dates in other forms", zh, "报告发布于2023-05[1]，也写作2023/5[1]。", nil},
		{"a date found nowhere", zh, "报告发布于2024年5月1日[1]。", []string{"2024年5月1日"}},
		{"a URL", zh, "详见 https://example.org/ge-report/ 与 https://evil.example.com/x[1]。", []string{"https://evil.example.com/x"}},
		{"an e-mail address", zh, "来信 INFO@example.org 或 ceo@example.org。", []string{"ceo@example.org"}},
		{"Latin names in a Chinese answer", zh, "GE 推出了 Predix[1]，西门子推出了 MindSphere。Siemens 也参与了。", []string{"MindSphere", "Siemens"}},
		{"quoted names", zh, "《数字中国建设整体布局规划》提出目标[1]；《数字经济促进法》尚未出台。", []string{"《数字经济促进法》"}},
		{"English names", en, "Midea invested 12 billion yuan [1]. Later, Jeff Immelt and Satya Nadella met.", []string{"Satya Nadella"}},
		{"generic acronyms are not names", zh, "各省推进AI与IoT应用[1]。", nil},
		{"sentence-initial words are not names", en, "The company invested. However, over 80% fail [1]. According to GE, Predix led.", nil},
		{"English scale words match 亿", zh, "Midea invested 12 billion yuan [1].", nil},
		{"names across languages are not checked", zh, "Guangdong Province invested 12 billion yuan [1].", nil},
		{"no sources: everything is unsupported", "", "失败率超过80%。", []string{"80%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sources []Source
			if tt.passage != "" {
				sources = []Source{{N: 1, Text: tt.passage}}
			}
			got := checkSupport(tt.answer, 0, sources).spans()
			if !slices.Equal(got, tt.want) {
				t.Errorf("unsupported %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCheckSupportDrops holds strict mode's edit: the sentences with unsupported claims go, with
// citations that follow their end; the sources left are renumbered; text before from stays.
func TestCheckSupportDrops(t *testing.T) {
	sources := []Source{{N: 1, DocID: "a", Text: "失败率超过80%。"}, {N: 2, DocID: "b", Text: "投入120亿元。"}, {N: 3, DocID: "c", Text: "GE 与 Predix。"}}
	tests := []struct {
		name, answer string
		from         int
		want         string
		docs         []string // the sources left, in order
	}{
		{"nothing to drop", "失败率超过80%[1]。投入120亿元[2]。", 0, "失败率超过80%[1]。投入120亿元[2]。", []string{"a", "b", "c"}},
		{"middle sentence and its source", "失败率超过80%[1]。投入99亿元[2]。GE 推出 Predix[3]。", 0,
			"失败率超过80%[1]。GE 推出 Predix[2]。", []string{"a", "c"}},
		{"first sentence, renumbered", "投入99亿元[1]。投入120亿元[2]！", 0, "投入120亿元[1]！", []string{"b"}},
		{"a citation after the full stop goes along", "失败率为99%。[1] 投入120亿元。[2]", 0, "投入120亿元。[1]", []string{"b"}},
		{"a source still cited elsewhere stays", "失败率为99%[1]。失败率超过80%[1]。", 0, "失败率超过80%[1]。", []string{"a"}},
		{"lines", "资料提到：\n- 失败率超过80%[1]\n- 失败率为99%[1]\n- 投入120亿元[2]", 0,
			"资料提到：\n- 失败率超过80%[1]\n- 投入120亿元[2]", []string{"a", "b"}},
		{"English", "Over 80% fail [1]. About 99% fail [1]. Costs hit 120亿 [2].", 0, "Over 80% fail [1]. Costs hit 120亿 [2].", []string{"a", "b"}},
		{"text before from is kept", "共有99家：\n失败率为99%[1]。", 6, "共有99家：", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkSupport(tt.answer, tt.from, sources)
			if got.text != tt.want {
				t.Errorf("text %q, want %q", got.text, tt.want)
			}
			var docs []string
			for i, s := range got.sources {
				docs = append(docs, s.DocID)
				if s.N != i+1 {
					t.Errorf("source %d is numbered %d", i+1, s.N)
				}
			}
			if !slices.Equal(docs, tt.docs) && !(len(docs) == 0 && len(tt.docs) == 0) {
				t.Errorf("sources %q, want %q", docs, tt.docs)
			}
			if got.dropped != (got.text != tt.answer) {
				t.Errorf("dropped = %v for text %q", got.dropped, got.text)
			}
			if strings.Contains(got.text, "99") && tt.from == 0 {
				t.Errorf("an unsupported figure is left in %q", got.text)
			}
		})
	}
}

// TestVerbatimSentencesAreSupported: every sentence of every document of the eval corpora,
// cited against its own document, states nothing the document does not; any span flagged here
// is a false positive of the checker. It also reports how often a figure changed by one digit is
// caught (recall), for docs/llm.md.
func TestVerbatimSentencesAreSupported(t *testing.T) {
	var sentences, flagged, changed, caught int
	for _, set := range []string{"cmrc2018", "drcd", "squad-expmrc"} {
		f, err := os.Open(filepath.Join("..", "testdata", "eval", set, "corpus.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(f)
		for docs := 0; ; docs++ {
			var doc struct{ Text string }
			if err := dec.Decode(&doc); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s document %d: %v", set, docs, err)
			}
			if testing.Short() && docs%10 != 0 {
				continue
			}
			sources := []Source{{N: 1, Text: doc.Text}}
			runes := []rune(doc.Text)
			for _, sp := range Sentences(runes) {
				s := string(runes[sp.Start:sp.End])
				sentences++
				if got := checkSupport(s+"[1]", 0, sources).spans(); len(got) > 0 {
					flagged++
					if flagged <= 10 {
						t.Errorf("%s: %q flagged %q", set, s, got)
					}
				}
				if loc := regexp.MustCompile(`\d\d`).FindStringIndex(s); loc != nil {
					d := s[loc[1]-1]
					alt := s[:loc[1]-1] + string('0'+(d-'0'+1)%10) + s[loc[1]:]
					changed++
					if len(checkSupport(alt+"[1]", 0, sources).unsupported) > 0 {
						caught++
					}
				}
			}
		}
		f.Close()
	}
	if flagged > 0 {
		t.Errorf("%d of %d verbatim sentences flagged", flagged, sentences)
	}
	t.Logf("%d sentences, %d flagged; a figure changed by one digit caught in %d of %d (%.1f%%)",
		sentences, flagged, caught, changed, 100*float64(caught)/float64(max(changed, 1)))
}

func TestCheckSupportUntilSupported(t *testing.T) {
	sources := []Source{{N: 1, DocID: "a", Text: "失败率超过80%。"}, {N: 2, DocID: "b", Text: "投入120亿元，失败率为99%。"}}
	// The first sentence's 99% is stated only by source 2, which only the second sentence cites.
	got := checkSupport("失败率为99%[1]。投入150亿元[2]。", 0, sources)
	if got.text != "" || len(got.sources) != 0 || !slices.Equal(got.spans(), []string{"150亿", "99%"}) {
		t.Errorf("got %q, %d sources, unsupported %q; want nothing left", got.text, len(got.sources), got.spans())
	}
}

// FuzzCheckSupport: whatever the answer and passage, the check does not panic, keeps the text
// before from, leaves only text that the sources it still cites support, and numbers those
// sources 1..m as the text cites them.
func FuzzCheckSupport(f *testing.F) {
	f.Add("失败率为99%[1]。投入120亿元[2]。GE 与 https://x.example/a 或 a@b.co。", "投入120亿元，GE。", 0)
	f.Add("Over 80% fail [1]. Jeff Immelt said “Predix” [2].\n- 2023-05-01 [1]", "Immelt: 80%.", 3)
	f.Add("《规划》2023年5月1日[1]，１２０万[2]。[1][2]", "2023年5月，120万。", 2)
	f.Fuzz(func(t *testing.T, answer, passage string, from int) {
		if !utf8.ValidString(answer) || !utf8.ValidString(passage) {
			return
		}
		from = min(max(from, 0), utf8.RuneCountInString(answer))
		for _, m := range citeRE.FindAllStringIndex(answer, -1) {
			if lo, hi := utf8.RuneCountInString(answer[:m[0]]), utf8.RuneCountInString(answer[:m[1]]); lo < from && from < hi {
				return // wenda's own text never ends inside a citation
			}
		}
		sources := []Source{{N: 1, DocID: "a", Text: passage}, {N: 2, DocID: "b", Text: passage + " 7"}}
		got := checkSupport(answer, from, sources)
		// The text before from stays, but for its citations' numbers, which follow the sources.
		if plain := func(s string) string { return citeRE.ReplaceAllString(s, "[n]") }; !strings.HasPrefix(plain(got.text), plain(string([]rune(answer)[:from]))) {
			t.Errorf("text %q lost the first %d runes of %q", got.text, from, answer)
		}
		if !got.dropped {
			if got.text != answer {
				t.Errorf("nothing dropped but text %q != %q", got.text, answer)
			}
			return
		}
		if again := checkSupport(got.text, from, got.sources); len(again.unsupported) > 0 {
			t.Errorf("%q still has unsupported %q", got.text, again.spans())
		}
		for i, s := range got.sources {
			if s.N != i+1 || !strings.Contains(got.text, "["+strconv.Itoa(i+1)+"]") {
				t.Errorf("source %d numbered %d or not cited in %q", i+1, s.N, got.text)
			}
		}
	})
}

// BenchmarkCheckSupport checks a four-sentence answer with figures, a name and a URL against
// three sample-sized passages (300 runes each), dropping one sentence.
func BenchmarkCheckSupport(b *testing.B) {
	passage := strings.Repeat("据调查，数字化转型的失败率超过80%，美的集团累计投入约120亿元，GE 推出了 Predix 平台。", 6)
	sources := []Source{{N: 1, Text: passage}, {N: 2, Text: passage}, {N: 3, Text: passage}}
	answer := "数字化转型的失败率超过80%[1]。美的集团累计投入约120亿元[2]。GE 推出了 Predix[3]。其中99%的企业参考了 https://example.com/report[1]。"
	b.ReportAllocs()
	for b.Loop() {
		if r := checkSupport(answer, 0, sources); !r.dropped {
			b.Fatal("nothing dropped")
		}
	}
}
