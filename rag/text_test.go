package rag

import (
	"strings"
	"testing"
)

func TestSentencesJoinLinesBrokenMidSentence(t *testing.T) {
	long := strings.Repeat("数字化转型是时间的函数", 6) // 66 runes, no punctuation
	text := long + "GE\nDigital业务乏力收缩。\n01、数字疗法界定\n数字疗法是数字健康的一个子集。"
	runes := []rune(text)
	var got []string
	for _, sp := range Sentences(runes) {
		got = append(got, string(runes[sp.Start:sp.End]))
	}
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
