package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// askerFunc adapts a function to rag.Asker.
type askerFunc func(context.Context, rag.AskRequest) (*rag.Answer, error)

func (f askerFunc) Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	return f(ctx, req)
}

// realDeps wires the real store, engine and ingester over a temp dir holding one document.
func realDeps(t *testing.T) Deps {
	t.Helper()
	ctx := context.Background()
	store, err := rag.OpenStore(ctx, t.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Store: store}
	text := "数字化转型的失败率很高。据研究机构数据,一般企业数字化转型的失败率超过80%。数字疗法是一种由软件驱动的循证治疗方式。"
	if _, err := in.IngestBytes(ctx, "kb.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	return Deps{
		Asker:     &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}},
		Searcher:  rag.Searcher{Store: store},
		Documents: store,
		Uploader:  in,
		Limits:    Limits{RateLimit: -1},
	}
}

func newTestServer(t *testing.T, d Deps) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewServer(d))
	t.Cleanup(srv.Close)
	return srv
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// errorCode returns the code of a JSON error body, or "" when the body is not one.
func (r response) errorCode() string {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(r.body, &e) != nil || e.Error.Message == "" {
		return ""
	}
	return e.Error.Code
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func TestAuth(t *testing.T) {
	d := realDeps(t)
	d.APIKeys = []string{"key-one", "key-two"}
	srv := newTestServer(t, d)
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"healthz needs no key", "GET", "/healthz", "", 200},
		{"readyz needs no key", "GET", "/readyz", "", 200},
		{"metrics needs no key", "GET", "/metrics", "", 200},
		{"openapi needs no key", "GET", "/openapi.json", "", 200},
		{"missing key", "GET", "/v1/models", "", 401},
		{"wrong key", "GET", "/v1/models", "Bearer key-three", 401},
		{"prefix of a key", "GET", "/v1/models", "Bearer key-on", 401},
		{"wrong scheme", "GET", "/v1/models", "Basic key-one", 401},
		{"empty bearer", "GET", "/v1/models", "Bearer ", 401},
		{"first key", "GET", "/v1/models", "Bearer key-one", 200},
		{"second key, lower-case scheme", "GET", "/v1/documents", "bearer key-two", 200},
		{"ask without key", "POST", "/v1/ask", "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h []string
			if tt.auth != "" {
				h = []string{"Authorization", tt.auth}
			}
			res := do(t, srv, tt.method, tt.path, "", h...)
			if res.status != tt.want {
				t.Fatalf("status %d, want %d: %s", res.status, tt.want, res.body)
			}
			if tt.want == 401 {
				if res.errorCode() != "unauthorized" {
					t.Errorf("body %s, want a JSON error with code unauthorized", res.body)
				}
				if res.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	long := strings.Repeat("数", rag.MaxQuestionRunes+1)
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantCode                 string
	}{
		{"broken JSON", "POST", "/v1/ask", `{"question": "数字疗法`, 400, "invalid_json"},
		{"not JSON", "POST", "/v1/ask", `question=hi`, 400, "invalid_json"},
		{"empty body", "POST", "/v1/ask", ``, 400, "invalid_json"},
		{"two values", "POST", "/v1/ask", `{"question":"数字疗法"} {}`, 400, "invalid_json"},
		{"question of wrong type", "POST", "/v1/ask", `{"question": 42}`, 400, "invalid_type"},
		{"k of wrong type", "POST", "/v1/ask", `{"question": "数字疗法", "k": "5"}`, 400, "invalid_type"},
		{"stream of wrong type", "POST", "/v1/ask", `{"question": "数字疗法", "stream": "yes"}`, 400, "invalid_type"},
		{"array body", "POST", "/v1/ask", `["数字疗法"]`, 400, "invalid_type"},
		{"negative k", "POST", "/v1/ask", `{"question": "数字疗法", "k": -1}`, 400, "invalid_k"},
		{"missing question", "POST", "/v1/ask", `{}`, 400, "bad_question"},
		{"empty question", "POST", "/v1/ask", `{"question": "   "}`, 400, "bad_question"},
		{"punctuation only", "POST", "/v1/ask", `{"question": "?!。"}`, 400, "bad_question"},
		{"too many characters", "POST", "/v1/ask", `{"question": "` + long + `"}`, 400, "bad_question"},
		{"oversized body", "POST", "/v1/ask", `{"question": "` + strings.Repeat("a", DefaultMaxQuestionBytes) + `"}`, 413, "too_large"},
		{"empty search", "POST", "/v1/search", `{"query": ""}`, 400, "bad_question"},
		{"search of wrong type", "POST", "/v1/search", `{"query": ["a"]}`, 400, "invalid_type"},
		{"chat without messages", "POST", "/v1/chat/completions", `{"model": "wenda"}`, 400, "invalid_messages"},
		{"chat with only a system message", "POST", "/v1/chat/completions", `{"messages": [{"role": "system", "content": "be nice"}]}`, 400, "invalid_messages"},
		{"chat content of wrong type", "POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": 7}]}`, 400, "invalid_type"},
		{"chat empty question", "POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": ""}]}`, 400, "bad_question"},
		{"unknown route", "GET", "/v1/nothing", ``, 404, "not_found"},
		{"unknown top-level route", "GET", "/", ``, 404, "not_found"},
		{"wrong method", "GET", "/v1/ask", ``, 405, "method_not_allowed"},
		{"wrong method on documents", "PUT", "/v1/documents", ``, 405, "method_not_allowed"},
		{"wrong method on healthz", "POST", "/healthz", ``, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, srv, tt.method, tt.path, tt.body)
			if res.status != tt.wantStatus || res.errorCode() != tt.wantCode {
				t.Fatalf("got %d %s, want %d with code %s", res.status, res.body, tt.wantStatus, tt.wantCode)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
			if res.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if tt.wantStatus == 405 && res.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

func TestRequestIDIsEchoed(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	if got := do(t, srv, "GET", "/healthz", "", "X-Request-Id", "abc-123").header.Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("X-Request-Id %q, want the caller's abc-123", got)
	}
	if got := do(t, srv, "GET", "/healthz", "", "X-Request-Id", "bad id with spaces").header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
		t.Errorf("X-Request-Id %q, want a fresh id for an unusable one", got)
	}
}

func TestPanicBecomes500AndServerLives(t *testing.T) {
	d := realDeps(t)
	d.Asker = askerFunc(func(context.Context, rag.AskRequest) (*rag.Answer, error) { panic("boom") })
	srv := newTestServer(t, d)
	res := do(t, srv, "POST", "/v1/ask", `{"question":"数字疗法"}`)
	if res.status != 500 || res.errorCode() != "internal" {
		t.Fatalf("got %d %s, want 500 internal", res.status, res.body)
	}
	if bytes.Contains(res.body, []byte("boom")) {
		t.Error("the panic value leaked to the client")
	}
	if res := do(t, srv, "GET", "/healthz", ""); res.status != 200 {
		t.Fatalf("after a panic /healthz gave %d", res.status)
	}
}

func TestReadyz(t *testing.T) {
	d := realDeps(t)
	d.Ready = func() error { return errors.New("the knowledge folder is being indexed") }
	srv := newTestServer(t, d)
	if res := do(t, srv, "GET", "/readyz", ""); res.status != 503 || res.errorCode() != "not_ready" {
		t.Fatalf("got %d %s, want 503 not_ready", res.status, res.body)
	}
	if res := do(t, srv, "GET", "/healthz", ""); res.status != 200 {
		t.Fatalf("/healthz %d while not ready, want 200", res.status)
	}
}

// TestReadyzTelegram: the bot's state is detail in the 200 body, whatever it is; without a
// bot the field is absent.
func TestReadyzTelegram(t *testing.T) {
	for _, state := range []string{"", "connecting", "connected", "unauthorized"} {
		d := realDeps(t)
		if state != "" {
			d.Telegram = func() string { return state }
		}
		res := do(t, newTestServer(t, d), "GET", "/readyz", "")
		var body map[string]any
		if err := json.Unmarshal(res.body, &body); err != nil {
			t.Fatal(err)
		}
		got, has := body["telegram"]
		if res.status != 200 || body["status"] != "ready" || has != (state != "") || (has && got != state) {
			t.Errorf("telegram %q: /readyz %d %s", state, res.status, res.body)
		}
	}
}

func TestAskJSON(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	res := do(t, srv, "POST", "/v1/ask", `{"question":"数字化转型的失败率是多少"}`)
	if res.status != 200 {
		t.Fatalf("got %d %s", res.status, res.body)
	}
	var ans struct {
		Answer         string       `json:"answer"`
		Abstained      *bool        `json:"abstained"`
		Sources        []rag.Source `json:"sources"`
		ConversationID string       `json:"conversation_id"`
	}
	if err := json.Unmarshal(res.body, &ans); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Answer, "80%") || ans.Abstained == nil || *ans.Abstained || len(ans.Sources) == 0 {
		t.Errorf("answer %s: want the 80%% figure, abstained false, sources", res.body)
	}
	if !regexp.MustCompile(`^tmp-[0-9a-f]{32}$`).MatchString(ans.ConversationID) {
		t.Errorf("conversation_id %q, want a fresh tmp- id", ans.ConversationID)
	}
	res = do(t, srv, "POST", "/v1/ask", `{"question":"数字疗法是什么","conversation_id":"c-1"}`)
	if !bytes.Contains(res.body, []byte(`"conversation_id":"c-1"`)) {
		t.Errorf("the given conversation id is not echoed: %s", res.body)
	}
}

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct{ name, data string }

func readEvents(t *testing.T, r io.Reader) []sseEvent {
	t.Helper()
	var events []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			events = append(events, cur)
			cur = sseEvent{}
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.data += strings.TrimPrefix(line, "data: ")
		case strings.HasPrefix(line, ":"):
			cur.name = ":" // a comment (keep-alive); its blank line ends it as an event
		default:
			t.Errorf("unexpected SSE line %q", line)
		}
	}
	return events
}

// deltaAsker streams the answer in pieces, as an LLM answerer does.
func deltaAsker(pieces ...string) rag.Asker {
	return askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		for _, p := range pieces {
			if req.OnDelta != nil {
				req.OnDelta(p)
			}
		}
		return &rag.Answer{Text: strings.Join(pieces, ""), ConversationID: req.ConversationID,
			Sources: []rag.Source{{N: 1, DocID: "kb.txt", ChunkID: "kb.txt#0", Text: "passage"}}}, nil
	})
}

func TestAskStream(t *testing.T) {
	d := realDeps(t)
	d.Asker = deltaAsker("失败率", "超过", "80%。[1]")
	srv := newTestServer(t, d)
	res, err := srv.Client().Post(srv.URL+"/v1/ask", "application/json", strings.NewReader(`{"question":"失败率","stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	events := readEvents(t, res.Body)
	if len(events) != 4 {
		t.Fatalf("got %d events %+v, want 3 deltas and done", len(events), events)
	}
	var text string
	for _, e := range events[:3] {
		var d struct{ Text string }
		if e.name != "delta" || json.Unmarshal([]byte(e.data), &d) != nil {
			t.Fatalf("event %+v, want a delta", e)
		}
		text += d.Text
	}
	var done struct {
		Answer         string       `json:"answer"`
		Sources        []rag.Source `json:"sources"`
		ConversationID string       `json:"conversation_id"`
		Abstained      *bool        `json:"abstained"`
	}
	if events[3].name != "done" || json.Unmarshal([]byte(events[3].data), &done) != nil {
		t.Fatalf("last event %+v, want done", events[3])
	}
	if done.Answer != text || len(done.Sources) != 1 || done.ConversationID == "" || done.Abstained == nil {
		t.Errorf("done %s: want the concatenated deltas %q, sources, conversation id, abstained", events[3].data, text)
	}
}

func TestAskStreamErrorMidway(t *testing.T) {
	d := realDeps(t)
	d.Asker = askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		req.OnDelta("部分")
		return nil, errors.New("llm: connection reset")
	})
	srv := newTestServer(t, d)
	res, err := srv.Client().Post(srv.URL+"/v1/ask", "application/json", strings.NewReader(`{"question":"失败率","stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := readEvents(t, res.Body)
	if len(events) != 2 || events[1].name != "error" || !strings.Contains(events[1].data, `"code":"internal"`) {
		t.Fatalf("events %+v, want a delta then an internal error", events)
	}
	if strings.Contains(events[1].data, "connection reset") {
		t.Error("internal error details leaked")
	}
}

func TestChatCompletions(t *testing.T) {
	d := realDeps(t)
	var got rag.AskRequest
	var mu sync.Mutex
	inner := deltaAsker("答案", "[1]")
	d.Asker = askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		mu.Lock()
		got = req
		mu.Unlock()
		return inner.Ask(ctx, req)
	})
	srv := newTestServer(t, d)
	body := `{"model":"gpt-4o","temperature":0.2,"messages":[
		{"role":"system","content":"You are helpful."},
		{"role":"user","content":"浙江省的数字化规划是什么?"},
		{"role":"assistant","content":"浙江提出……[1]"},
		{"role":"user","content":[{"type":"text","text":"那广东呢?"},{"type":"image_url","image_url":{"url":"x"}}]}]}`
	res := do(t, srv, "POST", "/v1/chat/completions", body)
	if res.status != 200 {
		t.Fatalf("got %d %s", res.status, res.body)
	}
	mu.Lock()
	if got.Question != "那广东呢?" || len(got.History) != 1 || got.History[0].Question != "浙江省的数字化规划是什么?" || got.History[0].Answer != "浙江提出……[1]" {
		t.Errorf("asked %+v, want the last user message with one earlier turn", got)
	}
	mu.Unlock()
	var c struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		Model   string `json:"model"`
		Choices []struct {
			Index   int `json:"index"`
			Message struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			TotalTokens int `json:"total_tokens"`
		} `json:"usage"`
		Wenda struct {
			Sources   []rag.Source `json:"sources"`
			Abstained *bool        `json:"abstained"`
		} `json:"wenda"`
	}
	if err := json.Unmarshal(res.body, &c); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.ID, "chatcmpl-") || c.Object != "chat.completion" || c.Created == 0 || c.Model != "wenda" ||
		len(c.Choices) != 1 || c.Choices[0].Message.Role != "assistant" || c.Choices[0].Message.Content != "答案[1]" ||
		c.Choices[0].FinishReason != "stop" || c.Usage.TotalTokens == 0 || len(c.Wenda.Sources) != 1 || c.Wenda.Abstained == nil {
		t.Errorf("completion %s is not the expected shape", res.body)
	}

	res = do(t, srv, "GET", "/v1/models", "")
	if res.status != 200 || !bytes.Contains(res.body, []byte(`"object":"list"`)) || !bytes.Contains(res.body, []byte(`"id":"wenda"`)) {
		t.Errorf("/v1/models: %d %s", res.status, res.body)
	}
}

func TestChatCompletionsStream(t *testing.T) {
	d := realDeps(t)
	d.Asker = deltaAsker("数字", "疗法", "[1]")
	srv := newTestServer(t, d)
	res, err := srv.Client().Post(srv.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"wenda","stream":true,"messages":[{"role":"user","content":"数字疗法是什么"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := readEvents(t, res.Body)
	if len(events) < 3 || events[len(events)-1].data != "[DONE]" {
		t.Fatalf("events %+v, want chunks then [DONE]", events)
	}
	type chunk struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Model   string `json:"model"`
		Choices []struct {
			Delta struct {
				Role    string  `json:"role"`
				Content *string `json:"content"`
			} `json:"delta"`
			FinishReason *string `json:"finish_reason"`
		} `json:"choices"`
		Wenda *struct {
			Sources []rag.Source `json:"sources"`
		} `json:"wenda"`
	}
	var text string
	var id string
	chunks := events[:len(events)-1]
	for i, e := range chunks {
		var c chunk
		if e.name != "" || json.Unmarshal([]byte(e.data), &c) != nil || len(c.Choices) != 1 {
			t.Fatalf("event %d %+v is not a chunk", i, e)
		}
		if c.Object != "chat.completion.chunk" || c.Model != "wenda" || (id != "" && c.ID != id) {
			t.Errorf("chunk %d: %s", i, e.data)
		}
		id = c.ID
		if i == 0 && c.Choices[0].Delta.Role != "assistant" {
			t.Errorf("first chunk %s has no assistant role", e.data)
		}
		last := i == len(chunks)-1
		if last != (c.Choices[0].FinishReason != nil) {
			t.Errorf("chunk %d: finish_reason %v", i, c.Choices[0].FinishReason)
		}
		if last && (*c.Choices[0].FinishReason != "stop" || c.Wenda == nil || len(c.Wenda.Sources) != 1) {
			t.Errorf("last chunk %s: want finish_reason stop and the wenda sources", e.data)
		}
		if c.Choices[0].Delta.Content != nil {
			text += *c.Choices[0].Delta.Content
		}
	}
	if text != "数字疗法[1]" {
		t.Errorf("content %q, want the deltas concatenated", text)
	}
}

func TestStreamClientDisconnectLeaksNothing(t *testing.T) {
	for _, tc := range []struct{ path, body string }{
		{"/v1/ask", `{"question":"数字疗法","stream":true}`},
		{"/v1/chat/completions", `{"stream":true,"messages":[{"role":"user","content":"数字疗法"}]}`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			d := realDeps(t)
			returned := make(chan error, 1)
			d.Asker = askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
				tick := time.NewTicker(2 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-ctx.Done():
						returned <- ctx.Err()
						return nil, ctx.Err()
					case <-tick.C:
						req.OnDelta("字")
					}
				}
			})
			srv := newTestServer(t, d)
			before := runtime.NumGoroutine()

			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(res.Body).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "data: ") && !strings.HasPrefix(line, "event: ") {
				t.Fatalf("first line %q, %v", line, err)
			}
			cancel()
			res.Body.Close()
			select {
			case err := <-returned:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("asker ended with %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the answer kept running after the client left")
			}
			srv.Client().Transport.(*http.Transport).CloseIdleConnections()
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before+2 {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines after the disconnect, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	d := realDeps(t)
	d.APIKeys = []string{"a", "b"}
	d.Limits = Limits{RateLimit: 0.5, RateBurst: 2}
	srv := newTestServer(t, d)
	for i := range 2 {
		if res := do(t, srv, "GET", "/v1/models", "", "Authorization", "Bearer a"); res.status != 200 {
			t.Fatalf("request %d within the burst: %d", i+1, res.status)
		}
	}
	res := do(t, srv, "GET", "/v1/models", "", "Authorization", "Bearer a")
	if res.status != 429 || res.errorCode() != "rate_limited" {
		t.Fatalf("past the burst: %d %s, want 429", res.status, res.body)
	}
	if s, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
		t.Errorf("Retry-After %q, want 1 or 2 seconds", res.header.Get("Retry-After"))
	}
	if res := do(t, srv, "GET", "/v1/models", "", "Authorization", "Bearer b"); res.status != 200 {
		t.Errorf("another key was limited too: %d", res.status)
	}
	if res := do(t, srv, "GET", "/healthz", ""); res.status != 200 {
		t.Errorf("probes were limited: %d", res.status)
	}
}

func TestRateLimiterRefills(t *testing.T) {
	l := newRateLimiter(10, 1)
	now := time.Unix(1000, 0)
	if _, ok := l.allow("c", now); !ok {
		t.Fatal("first request refused")
	}
	wait, ok := l.allow("c", now)
	if ok || wait <= 0 || wait > 100*time.Millisecond {
		t.Fatalf("second request at once: ok=%v wait=%v, want refused with ≤100ms", ok, wait)
	}
	if _, ok := l.allow("c", now.Add(100*time.Millisecond)); !ok {
		t.Fatal("refused after the refill time")
	}
}

func upload(t *testing.T, srv *httptest.Server, name, content string, multi bool) response {
	t.Helper()
	var body bytes.Buffer
	ct := "application/octet-stream"
	path := "/v1/documents?name=" + url.QueryEscape(name)
	if multi {
		mw := multipart.NewWriter(&body)
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, content)
		mw.Close()
		ct = mw.FormDataContentType()
		if !strings.Contains(name, "/") {
			path = "/v1/documents" // the file name names it (multipart keeps only the base name)
		}
	} else {
		body.WriteString(content)
	}
	return do(t, srv, "POST", path, body.String(), "Content-Type", ct)
}

func TestDocuments(t *testing.T) {
	d := realDeps(t)
	d.Limits.MaxUploadBytes = 4 << 10
	srv := newTestServer(t, d)
	status := func(r response) string {
		var res uploadResult
		json.Unmarshal(r.body, &res)
		return res.Status
	}
	steps := []struct {
		name, file, content string
		multi               bool
		wantStatus          int
		want                string // upload status or error code
	}{
		{"multipart upload", "notes/a.txt", "数字孪生城市把城市的运行状态映射到数字空间。", true, 201, "added"},
		{"same content again", "notes/a.txt", "数字孪生城市把城市的运行状态映射到数字空间。", false, 200, "unchanged"},
		{"same name, new content", "notes/a.txt", "城市大脑汇聚政务数据,支撑城市治理。", false, 200, "replaced"},
		{"same content, other name", "b.txt", "城市大脑汇聚政务数据,支撑城市治理。", true, 200, "duplicate"},
		{"unsupported type", "a.exe", "MZ\x90\x00", false, 422, "unsupported_type"},
		{"no text", "c.txt", "\x00\x01\x02\x03\x00\x00binary", false, 422, ""},
		{"too large", "big.txt", strings.Repeat("大", 2<<10), false, 413, "too_large"},
		{"name escapes", "../x.txt", "文本", false, 400, "invalid_name"},
	}
	for _, s := range steps {
		res := upload(t, srv, s.file, s.content, s.multi)
		got := status(res)
		if res.status >= 400 {
			got = res.errorCode()
			if s.want == "" && got != "" {
				got, s.want = "", ""
			}
		}
		if res.status != s.wantStatus || got != s.want {
			t.Errorf("%s: got %d %s, want %d %s", s.name, res.status, res.body, s.wantStatus, s.want)
		}
	}
	if res := do(t, srv, "POST", "/v1/documents", "raw", "Content-Type", "text/plain"); res.status != 400 || res.errorCode() != "missing_name" {
		t.Errorf("raw upload without name: %d %s", res.status, res.body)
	}

	res := do(t, srv, "GET", "/v1/documents", "")
	var list documentList
	if err := json.Unmarshal(res.body, &list); err != nil {
		t.Fatal(err)
	}
	ids := map[string]documentInfo{}
	for _, d := range list.Documents {
		ids[d.ID] = d
	}
	a, ok := ids["notes/a.txt"]
	if !ok || a.Chunks == 0 || a.Size == 0 || a.IngestedAt.IsZero() || a.Title != "a" || len(list.Documents) != 2 {
		t.Errorf("list %s: want kb.txt and notes/a.txt with chunks, size, time", res.body)
	}

	if res := do(t, srv, "DELETE", "/v1/documents/notes%2Fa.txt", ""); res.status != 200 {
		t.Fatalf("delete (escaped id): %d %s", res.status, res.body)
	}
	if res := do(t, srv, "DELETE", "/v1/documents/notes/a.txt", ""); res.status != 404 || res.errorCode() != "not_found" {
		t.Errorf("second delete: %d %s, want 404", res.status, res.body)
	}
	if res := upload(t, srv, "dir/sub/c.md", "# 标题\n\n数字疗法的正文。", true); res.status != 201 {
		t.Fatalf("multipart upload with ?name=: %d %s", res.status, res.body)
	}
	if res := do(t, srv, "DELETE", "/v1/documents/dir/sub/c.md", ""); res.status != 200 {
		t.Errorf("delete (slashed id): %d %s", res.status, res.body)
	}
}

func TestDeleteKnowledgeDocumentRefused(t *testing.T) {
	d := realDeps(t)
	store := d.Documents.(*rag.Store)
	dir := t.TempDir()
	if err := writeFile(dir+"/k.txt", "知识库文件的内容。"); err != nil {
		t.Fatal(err)
	}
	if _, err := (&ingest.Ingester{Store: store}).Sync(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, d)
	if res := do(t, srv, "DELETE", "/v1/documents/k.txt", ""); res.status != 409 || res.errorCode() != "managed_by_folder" {
		t.Errorf("deleting a knowledge-folder document: %d %s, want 409", res.status, res.body)
	}
}

func TestMetrics(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	do(t, srv, "POST", "/v1/ask", `{"question":"数字化转型的失败率是多少"}`)
	do(t, srv, "POST", "/v1/search", `{"query":"数字疗法"}`)
	do(t, srv, "GET", "/nope", "")
	res := do(t, srv, "GET", "/metrics", "")
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(res.body)
	for _, want := range []string{
		"# TYPE wenda_http_requests_total counter",
		`wenda_http_requests_total{route="POST /v1/ask",status="200"} 1`,
		`wenda_http_requests_total{route="unmatched",status="404"} 1`,
		"# TYPE wenda_http_request_duration_seconds histogram",
		`wenda_http_request_duration_seconds_count{route="POST /v1/ask"} 1`,
		`wenda_http_request_duration_seconds_bucket{route="POST /v1/ask",le="+Inf"} 1`,
		`wenda_stage_duration_seconds_count{stage="generate"} 1`,
		`wenda_stage_duration_seconds_count{stage="retrieve"} 1`,
		"wenda_documents 1",
		"wenda_llm_errors_total 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Every sample line belongs to a declared family.
	declared := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[1] == "TYPE" {
			declared[f[2]] = true
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		name := strings.FieldsFunc(line, func(r rune) bool { return r == '{' || r == ' ' })[0]
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if !declared[name] && !declared[base] {
			t.Errorf("sample %q has no # TYPE", line)
		}
	}
}

func TestLabelEscaping(t *testing.T) {
	if got, want := labelValue("a\"b\\c\nd"), `"a\"b\\c\nd"`; got != want {
		t.Errorf("labelValue = %s, want %s", got, want)
	}
}
