package rag

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/wenda-dev/wenda/prompts"
)

// scriptedAsker answers by question and records the history each question came with.
type scriptedAsker struct {
	answers map[string]Answer
	model   ChatModel // when set, called once per question, as an engine's answer step would

	mu      sync.Mutex
	history map[string][]Turn
}

func (s *scriptedAsker) Ask(ctx context.Context, req AskRequest) (*Answer, error) {
	s.mu.Lock()
	s.history[req.Question] = req.History
	s.mu.Unlock()
	a, ok := s.answers[req.Question]
	if !ok {
		return nil, errors.New("unknown question")
	}
	if s.model != nil {
		if _, err := s.model.Complete(ctx, []ChatMessage{{Role: "system", Content: "answer"}}, nil); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

type okModel struct{}

func (okModel) Complete(context.Context, []ChatMessage, func(string)) (string, error) {
	return "ok", nil
}

func TestEvaluateAnswers(t *testing.T) {
	asker := &scriptedAsker{history: map[string][]Turn{}, answers: map[string]Answer{
		"失败率？":   {Text: "失败率超过８０％[1]。"}, // full-width digits still match "80%"
		"那中国呢？":  {Text: "在90%[2]以上[1]"}, // a citation inside the phrase still matches
		"规模？":    {Text: "知识库中没有", Abstained: true},
		"错的？":    {Text: "35.3亿美元"},
		"特斯拉？":   {Text: "知识库中没有", Abstained: true},
		"盛世笔特？":  {Text: "他们计划……"},
		"What?":  {Text: "It is PREDIX [1]."},
		"再追问一次？": {Text: "NO", Abstained: true},
	}}
	queries := []AnswerQuery{
		{ID: "1", Question: "失败率？", Answers: []string{"80%"}, Kind: "factoid"},
		{ID: "2", Question: "那中国呢？", Answers: []string{"90%以上"}, Kind: "followup", FollowupOf: "1"},
		{ID: "3", Question: "规模？", Answers: []string{"35.3亿美元"}, Kind: "factoid"},
		{ID: "4", Question: "错的？", Answers: []string{"106.2亿美元"}, Kind: "factoid"},
		{ID: "5", Question: "特斯拉？", Unanswerable: true, Kind: "absent"},
		{ID: "6", Question: "盛世笔特？", Unanswerable: true, Kind: "absent"},
		{ID: "7", Question: "What?", Answers: []string{"Predix"}},
		{ID: "8", Question: "再追问一次？", Unanswerable: true, Kind: "near_miss", FollowupOf: "2"},
	}
	rep, err := EvaluateAnswers(t.Context(), asker, queries, AnswerEvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := AnswerCounts{Questions: 8, Answerable: 5, Right: 3, AnswerAccuracy: 0.6, FalseAbstentions: 1, Unanswerable: 3, AbstainedUnanswerable: 2}
	if rep.AnswerCounts != want {
		t.Errorf("counts %+v\nwant   %+v", rep.AnswerCounts, want)
	}
	if got := rep.ByKind["factoid"]; got.Questions != 3 || got.Right != 1 || got.FalseAbstentions != 1 {
		t.Errorf("factoid counts %+v", got)
	}
	if got := rep.ByKind["other"]; got.Questions != 1 || got.Right != 1 {
		t.Errorf("a question without kind should count under \"other\": %+v", rep.ByKind)
	}
	if got := rep.ByKind["absent"]; got.Unanswerable != 2 || got.AbstainedUnanswerable != 1 {
		t.Errorf("absent counts %+v", got)
	}
	if h := asker.history["那中国呢？"]; len(h) != 1 || h[0].Question != "失败率？" || !strings.Contains(h[0].Answer, "８０") {
		t.Errorf("the follow-up came with history %+v, want the turn it follows", h)
	}
	if h := asker.history["再追问一次？"]; len(h) != 2 || h[1].Question != "那中国呢？" {
		t.Errorf("the second follow-up came with history %+v, want both earlier turns", h)
	}
	if h := asker.history["规模？"]; h != nil {
		t.Errorf("a standalone question came with history %+v", h)
	}
	for i, r := range rep.Results {
		if r.Query.ID != queries[i].ID {
			t.Fatalf("results out of file order: %d is %s", i, r.Query.ID)
		}
	}
	if rep.Results[3].Right || !rep.Results[0].Right || rep.ReachedModel != nil {
		t.Errorf("results %+v", rep.Results)
	}

	if _, err := EvaluateAnswers(t.Context(), asker, []AnswerQuery{{ID: "x", Question: "nope", Answers: []string{"a"}}}, AnswerEvalOptions{}); err == nil {
		t.Error("a failing question did not fail the evaluation")
	}
}

// TestEvaluateAnswersConversations: with the asker's conversation store, a follow-up continues
// the turn as the asker stored it (its topic included), and the store is left clean.
func TestEvaluateAnswersConversations(t *testing.T) {
	dir := t.TempDir()
	convs, err := NewConversations(dir)
	if err != nil {
		t.Fatal(err)
	}
	engineLike := askerFunc(func(_ context.Context, req AskRequest) (*Answer, error) {
		topic := req.Question
		if len(req.History) > 0 {
			topic = req.History[len(req.History)-1].Topic
		}
		if err := convs.Append(req.ConversationID, Turn{Question: req.Question, Answer: "答", Topic: topic}); err != nil {
			return nil, err
		}
		return &Answer{Text: "主题：" + topic}, nil
	})
	queries := []AnswerQuery{
		{ID: "1", Question: "广东的目标？", Answers: []string{"主题：广东的目标？"}},
		{ID: "2", Question: "那四川呢？", Answers: []string{"主题：广东的目标？"}, FollowupOf: "1"},
		{ID: "3", Question: "那浙江呢？", Answers: []string{"主题：广东的目标？"}, FollowupOf: "2"},
	}
	rep, err := EvaluateAnswers(t.Context(), engineLike, queries, AnswerEvalOptions{Conversations: convs})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Right != 3 {
		t.Errorf("the chain lost its topic: %+v", rep.Results)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("the evaluation left %d conversations behind (%v)", len(entries), err)
	}
}

func renderOrFail(t *testing.T, lang, name string) string {
	t.Helper()
	s, err := prompts.Render(prompts.Lang(lang), name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type askerFunc func(context.Context, AskRequest) (*Answer, error)

func (f askerFunc) Ask(ctx context.Context, req AskRequest) (*Answer, error) { return f(ctx, req) }

func TestEvaluateAnswersReachedModel(t *testing.T) {
	model := TrackModelCalls(okModel{})
	asker := &scriptedAsker{history: map[string][]Turn{}, model: model, answers: map[string]Answer{"问": {Text: "答"}}}
	rep, err := EvaluateAnswers(t.Context(), asker, []AnswerQuery{{ID: "1", Question: "问", Answers: []string{"答"}}}, AnswerEvalOptions{Model: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ReachedModel == nil || *rep.ReachedModel != 1 || !rep.Results[0].ReachedModel {
		t.Errorf("reached_model not counted: %+v", rep.AnswerCounts)
	}
	// A follow-up rewrite is not an answer.
	ctx := context.WithValue(t.Context(), questionTraceKey{}, &questionTrace{})
	trace := ctx.Value(questionTraceKey{}).(*questionTrace)
	for _, lang := range []string{"zh", "en"} {
		system := renderOrFail(t, lang, "rewrite_system")
		if _, err := model.Complete(ctx, []ChatMessage{{Role: "system", Content: system}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if trace.reached() {
		t.Error("a rewrite counted as reaching the model")
	}
}

func TestReadAnswerQueries(t *testing.T) {
	good := `{"id":"a","question":"问","answers":["答"],"kind":"factoid"}` + "\n\n" +
		`{"id":"b","question":"那呢","unanswerable":true,"followup_of":"a"}`
	qs, err := ReadAnswerQueries(strings.NewReader(good))
	if err != nil || len(qs) != 2 || !qs[1].Unanswerable || qs[1].FollowupOf != "a" {
		t.Fatalf("got %+v, %v", qs, err)
	}
	for name, bad := range map[string]string{
		"no answers":        `{"id":"a","question":"问"}`,
		"empty answer":      `{"id":"a","question":"问","answers":[""]}`,
		"duplicate id":      `{"id":"a","question":"问","answers":["x"]}` + "\n" + `{"id":"a","question":"问","answers":["x"]}`,
		"unknown follow-up": `{"id":"a","question":"问","answers":["x"],"followup_of":"z"}`,
		"later follow-up":   `{"id":"a","question":"问","answers":["x"],"followup_of":"b"}` + "\n" + `{"id":"b","question":"问","answers":["x"]}`,
		"no id":             `{"question":"问","answers":["x"]}`,
		"not json":          `{"id":`,
	} {
		if _, err := ReadAnswerQueries(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAnswerMatches(t *testing.T) {
	tests := []struct {
		answer string
		labels []string
		want   bool
	}{
		{"投资100多亿[1]", []string{"100多亿"}, true},
		{"ＧＥ推出了ｐｒｅｄｉｘ", []string{"Predix"}, true},
		{"数字技术、模式创新、长期主义[2]", []string{"数字技术,模式创新"}, false},
		{"数字技术， 模式创新", []string{"数字技术,模式创新"}, true},
		{"35.3亿美元", []string{"约为3亿美元"}, false},
		{"数字疗法", []string{"數字療法"}, false}, // Traditional and Simplified compare as written
	}
	for _, tt := range tests {
		if got := AnswerMatches(tt.answer, tt.labels); got != tt.want {
			t.Errorf("AnswerMatches(%q, %q) = %v, want %v", tt.answer, tt.labels, got, tt.want)
		}
	}
}

func TestAnswerHoldsAll(t *testing.T) {
	items := []string{"技术类难点", "模式难点"}
	if !answerHoldsAll("- 一是技术类难点……\n- 二是模式难点……", items) {
		t.Errorf("an answer quoting every item does not count")
	}
	if answerHoldsAll("- 一是技术类难点……", items) {
		t.Errorf("an answer missing an item counts")
	}
	if answerHoldsAll("anything", nil) {
		t.Errorf("no items must not make every answer right")
	}
}
