package rag

import (
	"slices"
	"testing"
)

// TestNameRunsLoseTheirParticles holds what a name is when the segmenter leaves particles beside
// it or glues them into unknown words.
func TestNameRunsLoseTheirParticles(t *testing.T) {
	tests := []struct {
		question    string
		names       []string // exactly these
		words, notW []string // among the content words, and not among them
	}{
		// 为 ends 华为 but is a particle too: trimming characters left 华.
		{"华为在数字化转型上投资了多少钱？", []string{"华为"}, []string{"华为"}, []string{"华"}},
		// 却 and 没 glued to 涨 are no name the documents lack.
		{"为什么企业规模增长了利润却没涨？", nil, []string{"利润"}, []string{"却没涨", "却"}},
		// The hidden Markov model glued 是 to 关.
		{"企业要面对的第一关是啥", nil, []string{"关"}, []string{"关是"}},
		{"盛世笔特是否计划整合先进的数字化智能化技术", []string{"盛世笔特"}, nil, nil},
		// The hidden Markov model glued the question word to 率, and 说 to 麦肯锡.
		{"中国企业数字化转型失败率多高", nil, []string{"失败", "率"}, []string{"率多高"}},
		{"麦肯锡说失败率是多少", []string{"麦肯锡"}, []string{"失败"}, []string{"麦肯锡说"}},
		// jieba tags 普通 as a proper noun: a word that common is no name.
		{"数字疗法和普通的药有什么区别", nil, []string{"普通", "区别"}, nil},
	}
	for _, tt := range tests {
		q := readQuestion(tt.question)
		if !slices.Equal(q.names, tt.names) {
			t.Errorf("%s: names %q, want %q", tt.question, q.names, tt.names)
		}
		for _, w := range tt.words {
			if !slices.Contains(q.words, w) {
				t.Errorf("%s: words %q lack %q", tt.question, q.words, w)
			}
		}
		for _, w := range tt.notW {
			if slices.Contains(q.words, w) {
				t.Errorf("%s: words %q hold %q", tt.question, q.words, w)
			}
		}
	}
}

// TestAskedNouns: "内容" or "类型" after a question word says that something is asked, not what
// about.
func TestAskedNouns(t *testing.T) {
	if q := readQuestion("山西推动治理数字化包括哪些内容"); slices.Contains(q.words, "内容") {
		t.Errorf("words %q hold 内容", q.words)
	}
	if q := readQuestion("该平原用形成原因来划分属于哪种类型?"); slices.Contains(q.words, "类型") {
		t.Errorf("words %q hold 类型", q.words)
	}
	if q := readQuestion("广东准备建的那个中心叫什么名字？"); slices.Contains(q.words, "名字") {
		t.Errorf("words %q hold 名字", q.words)
	}
	if q := readQuestion("报告的内容涉及哪些省份"); !slices.Contains(q.words, "内容") {
		t.Errorf("words %q lack 内容, which this question asks about", q.words)
	}
}

func TestColloquialDefinitions(t *testing.T) {
	for _, q := range []string{"数字药是啥", "啥是数字疗法", "DTx是啥意思"} {
		if got := readQuestion(q); got.kind != kindDefinition {
			t.Errorf("%s: kind %d, want a definition", q, got.kind)
		} else if got.definiendum() == "" {
			t.Errorf("%s: no term", q)
		}
	}
}

// TestAnotAQuestions: "多不多", "难不难" ask yes or no; they are no name the documents lack.
func TestAnotAQuestions(t *testing.T) {
	q := readQuestion("舍得为数字化转型砸几十亿上百亿的企业多不多")
	if !q.yesNo || slices.Contains(q.names, "多不多") || slices.Contains(q.words, "多不多") {
		t.Errorf("yesNo %v, names %q, words %q", q.yesNo, q.names, q.words)
	}
	if q := readQuestion("数字化转型难不难"); !q.yesNo || slices.Contains(q.words, "难不难") {
		t.Errorf("数字化转型难不难: yesNo %v, words %q", q.yesNo, q.words)
	}
}

// TestAspectsAreNoNames: "网络安全方面" is an aspect of what is asked, so that "那网络安全方面呢?"
// keeps the topic's province.
func TestAspectsAreNoNames(t *testing.T) {
	if q := readQuestion("那网络安全方面呢？"); len(q.names) > 0 || !slices.Contains(q.words, "网络安全") {
		t.Errorf("names %q, words %q", q.names, q.words)
	}
}

// TestQuotedTermIsDefined: quotation marks in a definition question mark its term.
func TestQuotedTermIsDefined(t *testing.T) {
	if got := readQuestion("数智化组织的“在线应用”阶段指的是什么？").definiendum(); got != "在线应用" {
		t.Errorf("term %q, want 在线应用", got)
	}
	if got := readQuestion("什么是数字疗法").definiendum(); got != "数字疗法" {
		t.Errorf("term %q, want 数字疗法", got)
	}
}
