package zh

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"甘肅要開展什麼工程試點":   "甘肃要开展什么工程试点",
		"數位轉型":          "数位转型",
		"already 简体 ok": "already 简体 ok",
	} {
		if got := FoldString(in); got != want {
			t.Errorf("FoldString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSegment(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // words joined by "/"
	}{
		{"数字化转型为什么这么难", "数字化/转型/为什么/这么/难"},
		{"哪些省份提出了建设智慧城市", "哪些/省份/提出/了/建设/智慧/城市"},
		{"苏宁消费金融2019年底的资产负债率", "苏宁/消费/金融/2019/年底/的/资产负债率"},
		// gse's dictionary gave 出 and 回 a frequency of 8 and 11 (rag/zh/gen).
		{"发展出哪些新模式", "发展/出/哪些/新/模式"},
		{"糖尿病患者才能用", "糖尿病/患者/才能/用"},
		// and 房 and 盖 (4 and 9), whose Traditional forms it gives too: 盖房/子 came out.
		{"在盖房子这一块", "在/盖/房子/这/一块"},
	} {
		var got []string
		for _, w := range Segment(c.in) {
			got = append(got, w.Text)
		}
		if g := strings.Join(got, "/"); g != c.want {
			t.Errorf("Segment(%q) = %s, want %s", c.in, g, c.want)
		}
	}
	if w, ok := Lookup("特斯拉"); !ok || !IsProperTag(w.Tag) {
		t.Errorf("Lookup(特斯拉) = %+v, %v; want a proper noun", w, ok)
	}
	if w, ok := Lookup("年底"); !ok || IsProperTag(w.Tag) || w.Freq == 0 {
		t.Errorf("Lookup(年底) = %+v, %v; want a common word", w, ok)
	}
	for _, w := range Segment("盛世笔特") {
		if w.Text == "盛世笔特" && w.Freq != 0 {
			t.Errorf("an unknown name has a frequency: %+v", w)
		}
	}
}

// BenchmarkLoad measures loading the dictionary, and reports the heap it keeps live
// (live-MB: in use after a collection, with the dictionary held, less before).
func BenchmarkLoad(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var d *dictionary
	for b.Loop() {
		d = newDictionary()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(d)
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/1e6, "live-MB")
}

// gse gives single characters frequency 2 whatever the dictionary says; restored, a place
// followed by a common character is cut as jieba cuts it.
func TestSingleCharactersKeepTheirFrequency(t *testing.T) {
	words := Segment("韩国有多少款产品")
	if len(words) == 0 || words[0].Text != "韩国" {
		t.Errorf("Segment(韩国有多少款产品) = %v, want 韩国 first", words)
	}
	if w, _ := Lookup("有"); w.Freq < 1000 {
		t.Errorf("有 has frequency %d", w.Freq)
	}
}

func TestDictionaryLinesAreWellFormed(t *testing.T) {
	for file, text := range map[string]string{"dict.txt": dictText, "names.txt": namesText, "terms.txt": termsText} {
		for n, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if strings.HasPrefix(line, "#") && file != "dict.txt" {
				continue
			}
			if f := strings.Fields(line); len(f) != 3 {
				t.Fatalf("%s line %d: %q, want word, frequency and tag", file, n+1, line)
			}
		}
	}
}

func TestCompanyNames(t *testing.T) {
	for _, name := range []string{"字节跳动", "小米", "百度", "拼多多"} {
		if w, ok := Lookup(name); !ok || w.Tag != "nt" {
			t.Errorf("%s: %+v, want an organisation", name, w)
		}
	}
	if words := Segment("字节跳动的数字化转型"); words[0].Text != "字节跳动" {
		t.Errorf("字节跳动 cut as %v", words)
	}
}

// TestTermsOfArt: terms newer than the dictionary are common words, cut whole.
func TestTermsOfArt(t *testing.T) {
	if w, ok := Lookup("区块链"); !ok || IsProperTag(w.Tag) {
		t.Errorf("区块链: %+v, want a common noun", w)
	}
	words := Segment("贵州要建大数据中心")
	if !slices.ContainsFunc(words, func(w Word) bool { return w.Text == "大数据" }) {
		t.Errorf("贵州要建大数据中心 cut as %v", words)
	}
}

func TestTaiwanPhrases(t *testing.T) {
	got := TaiwanPhrases("数位疗法用的软体和人工智慧")
	want := []Phrase{{Start: 0, Taiwan: "数位", Mainland: "数字"}, {Start: 6, Taiwan: "软体", Mainland: "软件"}, {Start: 9, Taiwan: "人工智慧", Mainland: "人工智能"}}
	if !slices.Equal(got, want) {
		t.Errorf("TaiwanPhrases = %v, want %v", got, want)
	}
	if got := TaiwanPhrases("数字疗法"); len(got) != 0 {
		t.Errorf("mainland wording read as Taiwan's: %v", got)
	}
}
