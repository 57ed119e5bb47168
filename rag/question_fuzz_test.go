package rag

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReadQuestion: any question, however typed, is read without a panic, and what is read
// from it is the question's own: every constraint is a content word or comes from the
// question's text, and a figure is wanted only of a fact question.
func FuzzReadQuestion(f *testing.F) {
	for _, seed := range []string{
		"数字化转型为什么这么难？", "哪些省份提出了建设智慧城市？", "2021年GE Digital有多少人", "那湖南呢？",
		"甘肅要開展什麼工程試點?", "DTx是什么的缩写？", "企业数字化转型分为哪四个阶段？", "是什么?", "😀😀 数字疗法是什么？🙏",
		"1944年到2009年，提名的影片一次几部?", "GE Digtal是哪一年成立的？", "How much did Midea invest?", "？？？", "哪",
		"多少个多少个多少个", "(1)(2)一是二是", "东德中央政治局在何时宣称",
		"江苏和浙江分别要建设什么", "北京、上海和广东的定位有什么不同", "《数字化转型,到底是什么?》一文中,真正的数字化转型等于什么",
		"照正略咨询的说法,", "國內數位療法", "那篇讲的文章说",
		"第二类难点是什么", "第三步", "规划中说的", "正略咨询说的忧伤之谷是啥", "希望之巅", "建成一个什么样的", "融资情况怎么样",
		"华为郭平觉得", "补齐集成电路", "接受度高不高", "经挤学里的", "钉钉在", "钉", "打造成什么区", "是从哪一年", "浪潮集团的", "集团",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxQuestionRunes {
			return
		}
		q := readQuestion(text)
		for _, c := range slices.Concat(q.places, q.names, q.years, q.rare) {
			if c == "" {
				t.Fatalf("%q: an empty constraint in %+v", text, q)
			}
		}
		for _, y := range q.years {
			if !strings.Contains(q.folded, y) {
				t.Fatalf("%q: the year %s is not in the question", text, y)
			}
		}
		if q.figure != wantNoFigure && q.kind != kindFact {
			t.Fatalf("%q: a figure wanted of a kind-%d question", text, q.kind)
		}
		_ = q.definiendum()
		if places, questions := perPlaceQuestions(text); len(places) != len(questions) {
			t.Fatalf("%q: %d places, %d questions", text, len(places), len(questions))
		}
		_ = focusCheck(q)
		statesFigure(q.figure, q.folded, q.folded)
		q.answeredBy(q.folded)
		announcedCount(text)
		for n := range 3 {
			opensItem(text, n)
		}
	})
}

// focusCheck runs the helpers that read a question's words against its own text.
func focusCheck(q question) bool {
	return yearOfAnotherFigure(q.folded, "2020") || countsIn(q.folded, "个") || hasDate(q.folded)
}
