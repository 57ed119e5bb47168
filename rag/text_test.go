package rag

import (
	"slices"
	"strings"
	"testing"
)

func TestSentencesJoinLinesBrokenMidSentence(t *testing.T) {
	long := strings.Repeat("数字化转型是时间的函数", 6) // 66 runes, no punctuation
	text := long + "GE\nDigital业务乏力收缩。\n01、数字疗法界定\n数字疗法是数字健康的一个子集。"
	runes := []rune(text)
	got := spanTexts(runes, Sentences(runes))
	want := []string{long + "GE\nDigital业务乏力收缩。", "01、数字疗法界定", "数字疗法是数字健康的一个子集。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Sentences = %q, want %q", got, want)
	}
	if q := cleanQuote(got[0]); !strings.Contains(q, "GE Digital") || strings.Contains(q, "\n") {
		t.Errorf("cleanQuote kept the line break: %q", q)
	}
}

func TestSentencesGoOnAfterAnEllipsis(t *testing.T) {
	runes := []rune("如何实现人才队伍的转变……,本质上是人的转变。下一句……")
	spans := Sentences(runes)
	if len(spans) != 2 || string(runes[spans[0].Start:spans[0].End]) != "如何实现人才队伍的转变……,本质上是人的转变。" {
		t.Errorf("Sentences split inside the sentence: %v", spans)
	}
}

func TestEvidenceKeepsABookTitleWhole(t *testing.T) {
	runes := []rune("在上篇文章《数字化转型,到底是什么?|数字化转型系列谈》一文中,我们定义了三要素。《未闭合的书名?后面很长" + strings.Repeat("字", 70) + "。")
	got := spanTexts(runes, evidenceSpans(runes))
	if len(got) != 3 || !strings.HasPrefix(got[0], "在上篇文章《") || !strings.HasSuffix(got[0], "三要素。") {
		t.Errorf("a title's question mark ended the sentence, or an unclosed 《 swallowed the text: %q", got)
	}
}

// TestEvidenceSplitsACaptionFromWhatFollows: a scraped caption runs into the next statement with
// no stop between; the statement is evidence of its own.
func TestEvidenceSplitsACaptionFromWhatFollows(t *testing.T) {
	runes := []rune("图1 数字疗法与数字健康的关系来源:火石创造根据公开资料整理与传统疗法相比,数字疗法可有效提高依从性。")
	got := spanTexts(runes, evidenceSpans(runes))
	if len(got) != 2 || !strings.HasSuffix(got[0], "整理") || !strings.HasPrefix(got[1], "与传统疗法相比") {
		t.Errorf("the caption was not cut from the statement: %q", got)
	}
}

func TestDefinesByNaming(t *testing.T) {
	for _, c := range []struct {
		sentence, term string
		want           bool
	}{
		{"我们把数字技术、模式创新、长期主义定义为数字化转型三要素。", "数字化转型三要素", true},
		{"业内也将以上三类产品分别称为数字疫苗、数字药、数字医嘱。", "数字疫苗", false},
		{"数字化转型三要素的说法流传很广。", "数字化转型三要素", false},
		// A scraped heading glued to what it heads defines its term; a bare heading does not.
		{"01、希望之巅企业对数字化转型充满期待,设定目标,厘清路径。", "希望之巅", true},
		{"01、希望之巅", "希望之巅", false},
		// 这 after the term stands for it: "其次是数据资产化,这主要是……".
		{"其次是数据资产化,这主要是数据中台建设过程中,通过数据治理使得数据可用、可视。", "数据资产化", true},
		{"数据资产化,这样的说法流传很广。", "数据资产化", false},
	} {
		if got := defines(c.sentence, c.term); got != c.want {
			t.Errorf("defines(%q, %q) = %v, want %v", c.sentence, c.term, got, c.want)
		}
	}
}

// spanTexts are the texts of spans of runes.
func spanTexts(runes []rune, spans []Span) []string {
	var out []string
	for _, sp := range spans {
		out = append(out, string(runes[sp.Start:sp.End]))
	}
	return out
}

func TestOccurrences(t *testing.T) {
	for _, tt := range []struct {
		s, sub string
		want   []int
	}{
		{"公里,千米,公里", "公里", []int{0, 14}}, // byte offsets
		{"aaaa", "aa", []int{0, 2}},      // not overlapping
		{"abc", "x", nil},
		{"abc", "", nil},
	} {
		if got := slices.Collect(occurrences(tt.s, tt.sub)); !slices.Equal(got, tt.want) {
			t.Errorf("occurrences(%q, %q) = %v, want %v", tt.s, tt.sub, got, tt.want)
		}
	}
}
