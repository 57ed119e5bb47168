package rag_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/internal/openaifake"
	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag"
)

func TestFollowUpRewrite(t *testing.T) {
	const (
		first     = "浙江省的数字化规划是什么?"
		followUp  = "那广东呢?"
		rewritten = "广东省的数字化规划是什么?"
		heuristic = first + " " + followUp
	)
	history := []rag.Turn{{Question: first, Answer: "浙江提出建设“城市大脑”[1]。" + strings.Repeat("很长的回答。", 100), Topic: first}}
	rewriteSystem, _ := prompts.Render(prompts.Chinese, "rewrite_system", nil)
	store := sampleStore(t)
	tests := []struct {
		name        string
		rewrite     string // the model's reply to the rewrite prompt
		fault       *openaifake.Fault
		question    string
		wantQuery   string // "" when the question stands alone
		wantRewrite bool   // whether a rewrite request is made
	}{
		{"rewritten", rewritten, nil, followUp, rewritten, true},
		{"label and quotes stripped", "改写后的问题：“" + rewritten + "”\n（补全了省份）", nil, followUp, rewritten, true},
		{"model fails", "", &openaifake.Fault{Status: http.StatusServiceUnavailable}, followUp, heuristic, true},
		{"nothing to search for", "？？", nil, followUp, heuristic, true},
		{"standalone question", rewritten, nil, "数字疗法是什么?", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t, openaifake.WithReply(func(r openaifake.ChatRequest) string {
				if r.Messages[0].Content == rewriteSystem {
					return tt.rewrite
				}
				return "回答[1]。"
			}))
			if tt.fault != nil {
				fake.Fail(openaifake.Chat, *tt.fault)
			}
			e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
			ans, _ := ask(t, e, rag.AskRequest{Question: tt.question, History: history}, true)
			if ans.Query != tt.wantQuery {
				t.Errorf("Answer.Query = %q, want %q", ans.Query, tt.wantQuery)
			}
			retrieval := tt.wantQuery
			if retrieval == "" {
				retrieval = tt.question
			}
			// The question is searched as asked (rewritten), then by its content words alone.
			if q := e.Retriever.(*recorder).queries; len(q) == 0 || len(q) > 2 || q[0] != retrieval {
				t.Errorf("retrieval queries %q, want [%q] first", q, retrieval)
			}
			reqs := fake.ChatRequests()
			rewrites := 0
			for _, r := range reqs {
				if r.Messages[0].Content != rewriteSystem {
					continue
				}
				rewrites++
				user := r.Messages[1].Content
				if r.Stream || !strings.Contains(user, "用户："+first) || !strings.Contains(user, "追问："+followUp) ||
					strings.Count(user, "很长的回答") > 60 {
					t.Errorf("rewrite request lacks the history or the follow-up, or holds too much:\n%s", user)
				}
			}
			if (rewrites == 1) != tt.wantRewrite || rewrites > 1 {
				t.Errorf("%d rewrite requests, want %v", rewrites, tt.wantRewrite)
			}
			// The answer request, if the documents answer the query, asks the standalone query.
			if last := reqs[len(reqs)-1]; last.Messages[0].Content != rewriteSystem && tt.wantQuery != "" {
				if !strings.HasSuffix(last.Messages[1].Content, "问题："+tt.wantQuery) {
					t.Errorf("the answer request does not ask the standalone query %q:\n%s", tt.wantQuery, last.Messages[1].Content)
				}
			}
		})
	}
}

// Without a model the heuristic query is used and nothing is sent anywhere.
func TestFollowUpWithoutModel(t *testing.T) {
	store := sampleStore(t)
	e := &rag.Engine{Store: store, Retriever: &recorder{Retriever: rag.Searcher{Store: store}}}
	ans, _ := ask(t, e, rag.AskRequest{Question: "那广东呢?", History: []rag.Turn{{Question: "浙江省的数字化规划是什么?"}}}, false)
	if ans.Query != "浙江省的数字化规划是什么? 那广东呢?" {
		t.Errorf("Query = %q", ans.Query)
	}
}
