package rag

import (
	"slices"
	"testing"
)

func TestPerPlaceQuestions(t *testing.T) {
	tests := []struct {
		question  string
		questions []string
	}{
		{"江苏和浙江分别要建设什么", []string{"江苏分别要建设什么", "浙江分别要建设什么"}},
		{"北京市、上海市和广东省分别要打造什么", []string{"北京市分别要打造什么", "上海市分别要打造什么", "广东省分别要打造什么"}},
		// Asked about one, a comparison asks what it is.
		{"北京和上海的定位有什么不同", []string{"北京的定位是什么", "上海的定位是什么"}},
		// Which of them is the answer: asked once.
		{"新加坡和香港近十五年的人均GDP表现中,何者较优异?", nil},
		{"广东的灯塔工厂目标是多少", nil},
		{"江苏的数字货币试验区和无锡有什么关系", nil}, // not side by side
	}
	for _, tt := range tests {
		if _, got := perPlaceQuestions(tt.question); !slices.Equal(got, tt.questions) {
			t.Errorf("perPlaceQuestions(%s) = %q, want %q", tt.question, got, tt.questions)
		}
	}
}
