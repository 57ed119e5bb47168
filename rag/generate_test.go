package rag_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/internal/openaifake"
	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag"
)

const (
	sampleDir  = "../sample-knowledge"
	answerable = "数字化转型的失败率是多少?"
	headline   = "盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?"
)

// sampleStore indexes the sample knowledge base with the local embedder, as `wenda
// --knowledge sample-knowledge` does.
func sampleStore(tb testing.TB) *rag.Store {
	tb.Helper()
	store, err := rag.OpenStore(context.Background(), tb.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := (&ingest.Ingester{Store: store}).Sync(context.Background(), sampleDir)
	if err != nil || rep.Err() != nil || rep.Chunks == 0 {
		tb.Fatalf("sync sample knowledge: %v %v (%d chunks)", err, rep.Err(), rep.Chunks)
	}
	return store
}

// recorder is a Retriever that remembers the queries it was asked.
type recorder struct {
	rag.Retriever
	mu      sync.Mutex
	queries []string
}

func (r *recorder) Retrieve(ctx context.Context, query string, k int) ([]rag.Passage, error) {
	r.mu.Lock()
	r.queries = append(r.queries, query)
	r.mu.Unlock()
	return r.Retriever.Retrieve(ctx, query, k)
}

// chatModel points a chat model at the fake. MaxRetries -1 unless set, so that failure tests
// do not wait for the client's 500 ms backoff.
func chatModel(fake *openaifake.Server, opts rag.OpenAIOptions) *rag.OpenAIChat {
	opts.BaseURL, opts.APIKey, opts.Model = fake.URL(), "sk-test", "test-chat"
	if opts.MaxRetries == 0 {
		opts.MaxRetries = -1
	}
	return rag.NewOpenAIChat(opts, 0.2)
}

func llmEngine(store *rag.Store, model rag.ChatModel) *rag.Engine {
	return &rag.Engine{Store: store, Retriever: &recorder{Retriever: rag.Searcher{Store: store}}, Generator: model}
}

// ask asks e and returns the answer and the deltas it streamed (none when stream is false).
func ask(t *testing.T, e *rag.Engine, req rag.AskRequest, stream bool) (*rag.Answer, []string) {
	t.Helper()
	var deltas []string
	if stream {
		req.OnDelta = func(d string) { deltas = append(deltas, d) }
	}
	ans, err := e.Ask(t.Context(), req)
	if err != nil {
		t.Fatalf("ask %q: %v", req.Question, err)
	}
	return ans, deltas
}

var blockRE = regexp.MustCompile(`(?s)<<<文档 (\d+)\n\[\d+\] [^\n]*\n(.*?)\n>>>\n`)

// promptBlocks returns the texts of the context blocks in a user message, in order.
func promptBlocks(t *testing.T, user string) []string {
	t.Helper()
	var out []string
	for i, m := range blockRE.FindAllStringSubmatch(user, -1) {
		if m[1] != fmt.Sprint(i+1) {
			t.Errorf("block %d is numbered %s", i+1, m[1])
		}
		out = append(out, m[2])
	}
	return out
}

func TestLLMAnswerReachesModelWithContext(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "失败率超过80%[1]。" }))
	store := sampleStore(t)
	e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
	ans, _ := ask(t, e, rag.AskRequest{Question: answerable}, false)
	reqs := fake.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d chat requests, want 1", len(reqs))
	}
	msgs := reqs[0].Messages
	system, _ := prompts.Render(prompts.Chinese, "llm_system", nil)
	if len(msgs) != 2 || msgs[0].Role != "system" || msgs[0].Content != system || msgs[1].Role != "user" {
		t.Fatalf("messages are not the system prompt and one user message: %+v", msgs)
	}
	blocks := promptBlocks(t, msgs[1].Content)
	if len(blocks) == 0 || !strings.Contains(msgs[1].Content, "80%") || !strings.HasSuffix(msgs[1].Content, "问题："+answerable) {
		t.Errorf("the user message lacks the context or the question:\n%s", msgs[1].Content)
	}
	if ans.Abstained || ans.Degraded || ans.Uncited || ans.Text != "失败率超过80%[1]。" {
		t.Errorf("answer = %+v", ans)
	}
	if len(ans.Sources) != 1 || ans.Sources[0].N != 1 || ans.Sources[0].Text != blocks[0] ||
		ans.Sources[0].DocID != "数字化转型与数字疗法.txt" || ans.Sources[0].Title != "数字化转型与数字疗法" {
		t.Errorf("sources = %+v, want block 1 as [1]", ans.Sources)
	}
}

// TestCitationCheck runs each reply plain, streamed in pieces of four runes and streamed one
// rune at a time; all three must give the same answer, and a stream's deltas must concatenate to
// Answer.Text.
func TestCitationCheck(t *testing.T) {
	noAnswer, _ := prompts.Render(prompts.Chinese, "no_answer", nil)
	tests := []struct {
		name, reply string
		want        string
		cites       []int // the blocks cited, in the answer's order
		abstained   bool
		uncited     bool
	}{
		{"kept", "失败率超过80%[1]。", "失败率超过80%[1]。", []int{1}, false, false},
		{"renumbered by first citation", "甲[3]，乙[1]，丙[3]。", "甲[1]，乙[2]，丙[1]。", []int{3, 1}, false, false},
		{"bogus removed with its space", "失败率超过80% [9][1]。另见 [0]。", "失败率超过80%[1]。另见。", []int{1}, false, false},
		{"lists and ranges", "甲[3, 1]，乙[1-2]，丙[2，2、9]。", "甲[1][2]，乙[2][3]，丙[3]。", []int{3, 1, 2}, false, false},
		{"full-width brackets", "甲【2】。", "甲[1]。", []int{2}, false, false},
		{"brackets that are not citations", "见[附录]、[12a]和 [x] 与 []。", "见[附录]、[12a]和 [x] 与 []。", nil, false, true},
		{"unclosed bracket at the end", "失败率很高[1", "失败率很高[1", nil, false, true},
		{"cites nothing", "失败率很高。", "失败率很高。", nil, false, true},
		{"only bogus citations", "失败率很高[7]。", "失败率很高。", nil, false, true},
		{"white space trimmed", "  \n失败率很高[1]。 \n\n", "失败率很高[1]。", []int{1}, false, false},
		{"no-answer marker", "NO_ANSWER\n资料中提到失败率超过80%[1]。", noAnswer + "\n资料中提到失败率超过80%[1]。", []int{1}, true, false},
		{"no-answer marker alone", " NO_ANSWER", noAnswer, nil, true, false},
		{"no-answer marker with colon", "NO_ANSWER: 无相关资料[9]", noAnswer + "\n无相关资料", nil, true, false},
		{"no-answer marker later", "说明：NO_ANSWER", "说明：" + noAnswer, nil, true, false},
		{"starts like the marker", "NO 2 成功率[1]", "NO 2 成功率[1]", []int{1}, false, false},
	}
	store := sampleStore(t)
	for _, tt := range tests {
		for _, mode := range []string{"plain", "stream4", "stream1"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				opts := []openaifake.Option{openaifake.WithReply(func(openaifake.ChatRequest) string { return tt.reply })}
				if mode == "stream1" {
					opts = append(opts, openaifake.WithStreamPieces(func(r string) []string { return strings.Split(r, "") }, 0))
				}
				fake := openaifake.New(t, opts...)
				ans, deltas := ask(t, llmEngine(store, chatModel(fake, rag.OpenAIOptions{})), rag.AskRequest{Question: answerable}, mode != "plain")
				if ans.Text != tt.want {
					t.Errorf("text = %q, want %q", ans.Text, tt.want)
				}
				if got := strings.Join(deltas, ""); mode != "plain" && got != ans.Text && tt.name != "no-answer marker later" {
					t.Errorf("deltas %q concatenate to %q, not the answer %q", deltas, got, ans.Text)
				}
				if ans.Abstained != tt.abstained || ans.Uncited != tt.uncited || ans.Degraded {
					t.Errorf("abstained %v uncited %v degraded %v, want %v %v false", ans.Abstained, ans.Uncited, ans.Degraded, tt.abstained, tt.uncited)
				}
				blocks := promptBlocks(t, fake.ChatRequests()[0].Messages[1].Content)
				if len(ans.Sources) != len(tt.cites) {
					t.Fatalf("%d sources, want %d: %+v", len(ans.Sources), len(tt.cites), ans.Sources)
				}
				for i, s := range ans.Sources {
					if s.N != i+1 || s.Text != blocks[tt.cites[i]-1] {
						t.Errorf("source %d is [%d] %.30q, want [%d] = block %d %.30q", i, s.N, s.Text, i+1, tt.cites[i], blocks[tt.cites[i]-1])
					}
				}
			})
		}
	}
}

// TestHeadlineQuestionSkipsModel: the documents never say what 盛世笔特 plans, so in strict mode
// the model, which would invent a plan, is never asked.
func TestHeadlineQuestionSkipsModel(t *testing.T) {
	const invented = "盛世笔特计划投资100亿元建设城市大脑[1]。"
	store := sampleStore(t)
	for _, mode := range []string{"", rag.AnswerStrict} {
		fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return invented }))
		e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
		e.AnswerMode = mode
		ans, deltas := ask(t, e, rag.AskRequest{Question: headline}, true)
		if n := len(fake.ChatRequests()); n != 0 {
			t.Errorf("mode %q: %d chat requests, want 0", mode, n)
		}
		if !ans.Abstained || !strings.Contains(ans.Text, "盛世笔特") || !strings.Contains(ans.Text, "没有") ||
			strings.Contains(ans.Text, "100亿") || strings.Contains(ans.Text, "是否计划整合") {
			t.Errorf("mode %q: answer %+v", mode, ans)
		}
		if len(ans.Sources) == 0 || strings.Join(deltas, "") != ans.Text {
			t.Errorf("mode %q: no related passages, or deltas %q differ from the answer", mode, deltas)
		}
	}
}

func TestOpenModeLabelsGeneralKnowledge(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "我不了解盛世笔特的计划[1]。" }))
	e := llmEngine(sampleStore(t), chatModel(fake, rag.OpenAIOptions{}))
	e.AnswerMode = rag.AnswerOpen
	ans, deltas := ask(t, e, rag.AskRequest{Question: headline}, true)
	label, _ := prompts.Render(prompts.Chinese, "general_knowledge_label", nil)
	if want := label + "\n我不了解盛世笔特的计划。"; ans.Text != want || strings.Join(deltas, "") != want {
		t.Errorf("text %q, deltas %q, want %q", ans.Text, deltas, want)
	}
	if !ans.Abstained || len(ans.Sources) != 0 || ans.Uncited {
		t.Errorf("answer %+v, want abstained with no sources", ans)
	}
	reqs := fake.ChatRequests()
	system, _ := prompts.Render(prompts.Chinese, "llm_open_system", nil)
	if len(reqs) != 1 || reqs[0].Messages[0].Content != system || strings.Contains(reqs[0].Messages[1].Content, "<<<") {
		t.Errorf("requests %+v, want one with the open system prompt and no context", reqs)
	}
	// An answerable question is answered from the documents as in strict mode.
	ans, _ = ask(t, e, rag.AskRequest{Question: answerable}, false)
	if ans.Abstained || len(fake.ChatRequests()) != 2 || strings.Contains(fake.ChatRequests()[1].Messages[0].Content, "一般知识") {
		t.Errorf("answerable question in open mode: %+v", ans)
	}
}

// TestModelFailureFallsBack: whatever goes wrong with the model, the asker gets the extractive
// answer, marked degraded.
func TestModelFailureFallsBack(t *testing.T) {
	store := sampleStore(t)
	want, _ := ask(t, &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}}, rag.AskRequest{Question: answerable}, false)
	tests := []struct {
		name   string
		faults []openaifake.Fault
		opts   rag.OpenAIOptions
		stream bool
	}{
		{"server error", []openaifake.Fault{{Status: http.StatusInternalServerError}}, rag.OpenAIOptions{}, false},
		{"rate limited after retries", []openaifake.Fault{openaifake.RateLimited(0), openaifake.RateLimited(0)}, rag.OpenAIOptions{MaxRetries: 1}, true},
		{"timeout", []openaifake.Fault{{Delay: 10 * time.Second}}, rag.OpenAIOptions{Timeout: 100 * time.Millisecond}, false},
		{"stalled stream", []openaifake.Fault{{Delay: 10 * time.Second}}, rag.OpenAIOptions{Timeout: 100 * time.Millisecond}, true},
		{"empty completion", []openaifake.Fault{{Empty: true}}, rag.OpenAIOptions{}, true},
		{"broken before any delta", []openaifake.Fault{{Break: true}}, rag.OpenAIOptions{}, true},
		{"broken stream", []openaifake.Fault{{Break: true, BreakAfter: 2}}, rag.OpenAIOptions{}, true},
		{"stream cut cleanly", []openaifake.Fault{openaifake.CutStream(2)}, rag.OpenAIOptions{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "数字化转型的失败率超过80%[1]。" }))
			fake.Fail(openaifake.Chat, tt.faults...)
			start := time.Now()
			ans, deltas := ask(t, llmEngine(store, chatModel(fake, tt.opts)), rag.AskRequest{Question: answerable}, tt.stream)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			if !ans.Degraded || ans.Abstained || ans.Text != want.Text || len(ans.Sources) != len(want.Sources) {
				t.Fatalf("answer %+v, want the extractive %q marked degraded", ans, want.Text)
			}
			got := strings.Join(deltas, "")
			switch {
			case !tt.stream:
			case tt.name == "broken stream", tt.name == "stream cut cleanly":
				if !strings.HasSuffix(got, "\n\n"+ans.Text) || got == "\n\n"+ans.Text {
					t.Errorf("deltas %q are not the cut-off text, a blank line and the answer", got)
				}
			case got != ans.Text:
				t.Errorf("deltas %q, want the answer %q", got, ans.Text)
			}
		})
	}
	t.Run("retried then answered", func(t *testing.T) {
		fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "超过80%[1]。" }))
		fake.Fail(openaifake.Chat, openaifake.Fault{Status: http.StatusBadGateway})
		ans, _ := ask(t, llmEngine(store, chatModel(fake, rag.OpenAIOptions{MaxRetries: 1})), rag.AskRequest{Question: answerable}, true)
		if ans.Degraded || ans.Text != "超过80%[1]。" || len(fake.ChatRequests()) != 2 {
			t.Errorf("answer %+v after %d requests", ans, len(fake.ChatRequests()))
		}
	})
	t.Run("asker gives up", func(t *testing.T) {
		fake := openaifake.New(t)
		fake.Fail(openaifake.Chat, openaifake.Fault{Delay: 10 * time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		ans, err := llmEngine(store, chatModel(fake, rag.OpenAIOptions{})).Ask(ctx, rag.AskRequest{Question: answerable})
		if err == nil {
			t.Errorf("answered %+v after the context ended", ans)
		}
	})
}

// TestModelDeadlineLeavesTimeToFallBack (issue 11, items 3 and 5): the model's deadline ends
// before the asker's, so a hanging or rate-limited model still gets the asker a degraded answer
// before the asker's deadline, instead of the asker's deadline passing with no answer.
func TestModelDeadlineLeavesTimeToFallBack(t *testing.T) {
	store := sampleStore(t)
	want, _ := ask(t, &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}}, rag.AskRequest{Question: answerable}, false)
	reply := func(openaifake.ChatRequest) string { return "数字化转型的失败率超过80%[1]。" }
	inThreeSeconds := func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name     string
		deadline time.Duration // the asker's; 0 for none
		opts     rag.OpenAIOptions
		faults   []openaifake.Fault
		stream   bool
		requests int // chat requests made
	}{
		// The asker allows 2.5 s: the model gets 0.5 s of it.
		{name: "hang", deadline: 2500 * time.Millisecond,
			faults: []openaifake.Fault{{Delay: time.Minute}}, requests: 1},
		{name: "hang before a stream", deadline: 2500 * time.Millisecond, stream: true,
			faults: []openaifake.Fault{{Delay: time.Minute}}, requests: 1},
		{name: "stalled mid-stream", deadline: 2500 * time.Millisecond, stream: true,
			opts:   rag.OpenAIOptions{StreamIdleTimeout: time.Minute},
			faults: []openaifake.Fault{{Delay: time.Minute}}, requests: 1},
		// A Retry-After past the model's deadline is not waited for, in either form.
		{name: "Retry-After in seconds", deadline: 2500 * time.Millisecond, opts: rag.OpenAIOptions{MaxRetries: 3},
			faults: []openaifake.Fault{openaifake.RateLimited(2)}, requests: 1},
		{name: "Retry-After as a date", deadline: 2500 * time.Millisecond, opts: rag.OpenAIOptions{MaxRetries: 3}, stream: true,
			faults: []openaifake.Fault{{Status: http.StatusTooManyRequests, RetryAfter: inThreeSeconds()}}, requests: 1},
		// Too little time to ask the model at all.
		{name: "deadline too close", deadline: time.Second, requests: 0},
		// No deadline from the asker: the client's ReplyTimeout bounds the model.
		{name: "reply timeout", opts: rag.OpenAIOptions{ReplyTimeout: 300 * time.Millisecond, Timeout: time.Minute},
			faults: []openaifake.Fault{{Delay: time.Minute}}, requests: 1},
		{name: "reply timeout with Retry-After", opts: rag.OpenAIOptions{ReplyTimeout: 1500 * time.Millisecond, MaxRetries: 3},
			faults: []openaifake.Fault{openaifake.RateLimited(1)}, requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t, openaifake.WithReply(reply), openaifake.WithStreamPieces(func(r string) []string {
				return []string{r[:6], r[6:]}
			}, time.Minute))
			if tt.name == "stalled mid-stream" {
				tt.faults = nil // the minute between pieces is the stall
			}
			fake.Fail(openaifake.Chat, tt.faults...)
			ctx := t.Context()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			req := rag.AskRequest{Question: answerable}
			var deltas []string
			if tt.stream {
				req.OnDelta = func(d string) { deltas = append(deltas, d) }
			}
			ans, err := llmEngine(store, chatModel(fake, tt.opts)).Ask(ctx, req)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			if ctx.Err() != nil {
				t.Errorf("answered after the asker's deadline")
			}
			if !ans.Degraded || ans.Text != want.Text {
				t.Errorf("answer %+v, want the extractive %q marked degraded", ans, want.Text)
			}
			if n := len(fake.ChatRequests()); n != tt.requests {
				t.Errorf("%d chat requests, want %d", n, tt.requests)
			}
			if got := strings.Join(deltas, ""); tt.stream && !strings.HasSuffix(got, ans.Text) {
				t.Errorf("deltas %q do not end with the answer", got)
			}
		})
	}
}

// TestStreamingAddsNoBuffering: the fake writes piece i only after piece i-1 has reached
// OnDelta, so the test deadlocks (and fails on the hook's timeout) if wenda holds a delta back
// waiting for the next.
func TestStreamingAddsNoBuffering(t *testing.T) {
	pieces := []string{"数字化转型", "的失败率", "超过八成", "[1]。"}
	forwarded := make(chan string, len(pieces))
	hook := func(i int) {
		if i == 0 {
			return
		}
		select {
		case d := <-forwarded:
			if d != pieces[i-1] {
				t.Errorf("piece %d forwarded as %q, want %q", i-1, d, pieces[i-1])
			}
		case <-time.After(2 * time.Second):
			t.Errorf("piece %d was not forwarded before piece %d was sent", i-1, i)
		}
	}
	fake := openaifake.New(t,
		openaifake.WithReply(func(openaifake.ChatRequest) string { return strings.Join(pieces, "") }),
		openaifake.WithStreamPieces(func(string) []string { return pieces }, 0),
		openaifake.WithPieceHook(hook))
	e := llmEngine(sampleStore(t), chatModel(fake, rag.OpenAIOptions{}))
	var deltas []string
	ans, err := e.Ask(t.Context(), rag.AskRequest{Question: answerable, OnDelta: func(d string) {
		deltas = append(deltas, d)
		forwarded <- d
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(deltas, "|") != strings.Join(pieces, "|") || ans.Text != strings.Join(pieces, "") {
		t.Errorf("deltas %q, answer %q; want the pieces %q", deltas, ans.Text, pieces)
	}
}

// TestContextBudget: long passages are cut and low-ranked ones dropped so that the context
// stays within Engine.ContextRunes.
func TestContextBudget(t *testing.T) {
	store, err := rag.OpenStore(t.Context(), t.TempDir(), rag.LocalEmbedder{Dim: 64}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []*rag.Document
	for i := range 8 {
		text := fmt.Sprintf("烟台苹果的产地是山东烟台，第%d份资料。", i) + strings.Repeat("果园里种满了树。", 300)
		id := fmt.Sprintf("doc%d.txt", i)
		docs = append(docs, &rag.Document{ID: id, Source: id, Title: id, Hash: rag.Hash([]byte(text)),
			Chunks: []rag.Chunk{{End: utf8.RuneCountInString(text), Text: text}}})
	}
	if _, err := store.Put(t.Context(), docs, rag.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, budget := range []int{0, 1000, 3000} {
		fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "山东烟台[1]。" }))
		e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
		e.ContextRunes = budget
		ans, _ := ask(t, e, rag.AskRequest{Question: "烟台苹果的产地是哪里?"}, false)
		if len(fake.ChatRequests()) != 1 {
			t.Fatalf("budget %d: the model was not asked: %+v", budget, ans)
		}
		if budget == 0 {
			budget = rag.DefaultContextRunes
		}
		blocks := promptBlocks(t, fake.ChatRequests()[0].Messages[1].Content)
		total, cut := 0, 0
		for i, b := range blocks {
			n := utf8.RuneCountInString(b)
			total += n
			whole := n == utf8.RuneCountInString(docs[0].Chunks[0].Text)
			if n > budget/2 || (!whole && !strings.HasSuffix(b, "…")) {
				t.Errorf("budget %d: block %d has %d runes, more than half the budget", budget, i+1, n)
			}
			cut += map[bool]int{false: 1}[whole]
		}
		if len(blocks) == 0 || len(blocks) >= 6 || total > budget || cut == 0 {
			t.Errorf("budget %d: %d blocks (%d cut) of %d runes in all", budget, len(blocks), cut, total)
		}
		if ans.Sources[0].Text != docs[0].Chunks[0].Text && !strings.HasPrefix(ans.Sources[0].Text, "烟台苹果") {
			t.Errorf("the source is not the whole passage: %.40q", ans.Sources[0].Text)
		}
	}
}

// instantModel answers at once, streaming its reply in pieces of four runes.
type instantModel struct{ reply string }

func (m instantModel) Complete(_ context.Context, _ []rag.ChatMessage, onDelta func(string)) (string, error) {
	if onDelta != nil {
		r := []rune(m.reply)
		for i := 0; i < len(r); i += 4 {
			onDelta(string(r[i:min(i+4, len(r))]))
		}
	}
	return m.reply, nil
}

// syntheticStore holds n chunks of generated Chinese sentences about cities, years and
// projects, so that a question about one city, year and project is answerable.
func syntheticStore(b *testing.B, n int) *rag.Store {
	b.Helper()
	store, err := rag.OpenStore(b.Context(), b.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	cities := strings.Fields("杭州 宁波 温州 广州 深圳 佛山 东莞 南京 苏州 无锡 常州 成都 绵阳 武汉 宜昌 长沙 株洲 西安 郑州 洛阳 合肥 芜湖 福州 厦门 济南 青岛 烟台 沈阳 大连 哈尔滨")
	projects := strings.Fields("城市大脑 数字孪生 大数据平台 工业互联网 智慧医疗 智慧交通 电子政务 数据中台 云计算中心 区块链平台 人工智能实验室 物联网示范区")
	verbs := strings.Fields("推进 建设 完善 启动 扩建 升级")
	const perDoc = 10
	var docs []*rag.Document
	for d := 0; d*perDoc < n; d++ {
		doc := &rag.Document{ID: fmt.Sprintf("doc-%05d.txt", d), Source: fmt.Sprintf("doc-%05d.txt", d), Title: fmt.Sprintf("规划 %d", d)}
		var all strings.Builder
		for c := range min(perDoc, n-d*perDoc) {
			var text strings.Builder
			for s := range 8 {
				k := d*131 + c*17 + s*7
				fmt.Fprintf(&text, "%s在%d年%s%s，投资%d亿元，覆盖%d个区县。", cities[k%len(cities)], 2015+k%10,
					verbs[k%len(verbs)], projects[(k/3)%len(projects)], k%97+1, k%13+2)
			}
			doc.Chunks = append(doc.Chunks, rag.Chunk{Index: c, Text: text.String()})
			all.WriteString(text.String())
		}
		doc.Hash = rag.Hash([]byte(all.String()))
		docs = append(docs, doc)
	}
	if _, err := store.Put(b.Context(), docs, rag.PutOptions{}); err != nil {
		b.Fatal(err)
	}
	return store
}

// BenchmarkAskLLMOverhead measures what wenda adds around an LLM call at 10k chunks: retrieval,
// the abstention decision, prompt rendering, the streamed citation check and the answer. The
// model answers instantly: in-process, or through go-openai and the fake server on loopback
// (which adds HTTP, JSON and SSE decoding). "extractive" is the same question without a model.
func BenchmarkAskLLMOverhead(b *testing.B) {
	store := syntheticStore(b, 10_000)
	if got := store.Stats().Chunks; got != 10_000 {
		b.Fatalf("%d chunks", got)
	}
	const question = "杭州在2018年建设城市大脑投资了多少?"
	const reply = "杭州在2018年建设城市大脑，投资了若干亿元[1]，覆盖多个区县[2]。"
	fake := openaifake.New(b, openaifake.WithReply(func(openaifake.ChatRequest) string { return reply }))
	for _, bc := range []struct {
		name  string
		model rag.ChatModel
	}{
		{"extractive", nil},
		{"model=inprocess", instantModel{reply}},
		{"model=http", chatModel(fake, rag.OpenAIOptions{})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}, Generator: bc.model}
			req := rag.AskRequest{Question: question, OnDelta: func(string) {}}
			ans, err := e.Ask(b.Context(), req)
			if err != nil || ans.Abstained || ans.Degraded || (bc.model != nil && len(ans.Sources) != 2) {
				b.Fatalf("answer %+v, err %v", ans, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Ask(b.Context(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAskFirstDelta measures how long the first piece of a streamed answer takes from the
// moment the fake server writes it to the moment OnDelta receives it, through go-openai, the
// engine and the citation filter: the latency wenda adds to the first visible word.
func BenchmarkAskFirstDelta(b *testing.B) {
	store := sampleStore(b)
	var sent time.Time
	var mu sync.Mutex
	fake := openaifake.New(b,
		openaifake.WithReply(func(openaifake.ChatRequest) string { return "数字化转型的失败率超过80%[1]。" }),
		openaifake.WithPieceHook(func(i int) {
			if i == 0 {
				mu.Lock()
				sent = time.Now()
				mu.Unlock()
			}
		}))
	e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
	var total time.Duration
	b.ReportAllocs()
	for b.Loop() {
		first := true
		_, err := e.Ask(b.Context(), rag.AskRequest{Question: answerable, OnDelta: func(string) {
			if first {
				first = false
				mu.Lock()
				total += time.Since(sent)
				mu.Unlock()
			}
		}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/first-delta")
}

// TestUnsupportedSpecifics (issue 11, item 15): a figure and a URL found in no cited passage are
// flagged; strict mode drops their sentences (falling back when nothing is left), open mode
// keeps them.
func TestUnsupportedSpecifics(t *testing.T) {
	store := sampleStore(t)
	extractive, _ := ask(t, &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}}, rag.AskRequest{Question: answerable}, false)
	const (
		good = "数字化转型的失败率超过80%[1]。"
		bad  = "其中99%的企业参考了 https://example.com/report [1]。"
	)
	tests := []struct {
		name, mode, reply string
		want              string // the answer's text; "" for the extractive fallback
		degraded          bool
	}{
		{"strict drops the sentence", rag.AnswerStrict, good + bad, good, false},
		{"strict falls back when nothing is left", rag.AnswerStrict, bad, "", true},
		{"open keeps and flags", rag.AnswerOpen, good + bad, good + bad, false},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", tt.name, stream), func(t *testing.T) {
				fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return tt.reply }))
				e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
				e.AnswerMode = tt.mode
				ans, deltas := ask(t, e, rag.AskRequest{Question: answerable}, stream)
				want := tt.want
				if want == "" {
					want = extractive.Text
				}
				if ans.Text != want || ans.Degraded != tt.degraded || ans.Abstained {
					t.Errorf("answer %q (degraded %v), want %q (degraded %v)", ans.Text, ans.Degraded, want, tt.degraded)
				}
				if wantSpans := []string{"99%", "https://example.com/report"}; !slices.Equal(ans.Unsupported, wantSpans) {
					t.Errorf("unsupported %q, want %q", ans.Unsupported, wantSpans)
				}
				if len(ans.Sources) == 0 || ans.Uncited {
					t.Errorf("sources %d, uncited %v", len(ans.Sources), ans.Uncited)
				}
				got := strings.Join(deltas, "")
				switch {
				case !stream:
				case tt.mode == rag.AnswerOpen:
					if got != ans.Text {
						t.Errorf("deltas %q, want the answer %q", got, ans.Text)
					}
				case !strings.HasSuffix(got, "\n\n"+ans.Text) || !strings.Contains(got, "99%"):
					t.Errorf("deltas %q are not the streamed reply, a blank line and the checked answer", got)
				}
			})
		}
	}
	t.Run("no answer, with unsupported related information", func(t *testing.T) {
		noAnswer, _ := prompts.Render(prompts.Chinese, "no_answer", nil)
		fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "NO_ANSWER\n" + bad }))
		ans, _ := ask(t, llmEngine(store, chatModel(fake, rag.OpenAIOptions{})), rag.AskRequest{Question: answerable}, false)
		if ans.Text != noAnswer || !ans.Abstained || ans.Degraded || len(ans.Sources) != 0 || len(ans.Unsupported) != 2 {
			t.Errorf("answer %+v, want the no-answer message alone", ans)
		}
	})
}

// TestModelSeesWhatExplainsTheAnswer: asked how, the model is handed the chunk after the one
// whose last sentence answers best, where the extractive answer would read on: 湖北's plan for
// its new industries ends a chunk, and the plan goes on in the next.
func TestModelSeesWhatExplainsTheAnswer(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "发展云计算服务商[1]。" }))
	e := llmEngine(sampleStore(t), chatModel(fake, rag.OpenAIOptions{}))
	ask(t, e, rag.AskRequest{Question: "湖北打算怎么发展云计算、大数据、物联网、人工智能这些新兴产业？"}, false)
	reqs := fake.ChatRequests()
	if user := reqs[len(reqs)-1].Messages[1].Content; !strings.Contains(user, "布局区块链等前沿产业") {
		t.Errorf("the model is not shown how 湖北's plan goes on:\n%s", user)
	}
}

// TestFollowUpsNamingTheirOwnSubjectReachTheModel: "那GE最后走到哪一步了?" after what a stage of
// the curve means adds GE, not the words of its answer (最终跌入“谷底之溃”): the passage about GE
// is sent to the model, not dropped for lacking 最后 or 走到.
func TestFollowUpsNamingTheirOwnSubjectReachTheModel(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithReply(func(openaifake.ChatRequest) string { return "谷底之溃[1]。" }))
	e := llmEngine(sampleStore(t), chatModel(fake, rag.OpenAIOptions{}))
	first := "数字化转型曲线里的“现实之退”指的是什么阶段？"
	ans, _ := ask(t, e, rag.AskRequest{Question: first}, false)
	calls := len(fake.ChatRequests())
	ask(t, e, rag.AskRequest{Question: "那GE最后走到哪一步了？", History: []rag.Turn{{Question: first, Answer: ans.Text, Topic: first}}}, false)
	reqs := fake.ChatRequests()
	if len(reqs) == calls {
		t.Fatal("the follow-up never reached the model")
	}
	if user := reqs[len(reqs)-1].Messages[1].Content; !strings.Contains(user, "GE领导层变更") {
		t.Errorf("the model is not shown what became of GE:\n%s", user)
	}
}
