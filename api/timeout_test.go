package api

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/internal/openaifake"
	"github.com/wenda-dev/wenda/rag"
)

// deadlineAsker stands for an engine that keeps the answer deadline: it waits until just
// before ctx's deadline (as for a hanging LLM) and then gives the extractive answer, degraded.
// It refuses a context without a deadline, which would let it hang.
func deadlineAsker() rag.Asker {
	return askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		deadline, ok := ctx.Deadline()
		if !ok {
			return nil, errors.New("the answer has no deadline")
		}
		select {
		case <-time.After(time.Until(deadline) - 20*time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		ans := &rag.Answer{Text: "失败率超过80%。[1]", Degraded: true, Sources: []rag.Source{{N: 1, DocID: "kb.txt", ChunkID: "kb.txt#0"}}}
		if req.OnDelta != nil {
			req.OnDelta(ans.Text)
		}
		return ans, nil
	})
}

// TestAnswerDeadlineIsShorterThanWriteDeadline holds issue 11, item 3 (HTTP side): the engine
// is given the answer deadline, and the answer it gives at that deadline is still written.
func TestAnswerDeadlineIsShorterThanWriteDeadline(t *testing.T) {
	l := Limits{AnswerTimeout: 5 * time.Second, WriteTimeout: time.Second}.withDefaults()
	if l.WriteTimeout <= l.AnswerTimeout {
		t.Errorf("write timeout %v is not longer than the answer timeout %v", l.WriteTimeout, l.AnswerTimeout)
	}
	if d := (Limits{}).withDefaults(); d.AnswerTimeout != 60*time.Second || d.WriteTimeout <= d.AnswerTimeout {
		t.Errorf("defaults: answer %v, write %v; want 60s and longer", d.AnswerTimeout, d.WriteTimeout)
	}

	d := realDeps(t)
	d.Asker = deadlineAsker()
	d.Limits.AnswerTimeout = 300 * time.Millisecond
	srv := newTestServer(t, d)
	for _, tt := range []struct{ path, body string }{
		{"/v1/ask", `{"question":"数字化转型的失败率是多少"}`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":"数字化转型的失败率是多少"}]}`},
	} {
		res := do(t, srv, "POST", tt.path, tt.body)
		if res.status != 200 || !strings.Contains(string(res.body), `"degraded":true`) {
			t.Errorf("%s: got %d %s, want 200 with the degraded answer", tt.path, res.status, res.body)
		}
	}
}

// hangingLLMDeps is realDeps with an LLM answerer whose model never replies.
func hangingLLMDeps(t *testing.T) Deps {
	fake := openaifake.New(t)
	for range 10 {
		fake.Fail(openaifake.Chat, openaifake.Fault{Delay: time.Hour})
	}
	d := realDeps(t)
	d.Asker.(*rag.Engine).Generator = rag.NewOpenAIChat(rag.OpenAIOptions{BaseURL: fake.URL(), Model: "m", MaxRetries: -1}, 0)
	// The engine keeps the model's deadline 2 s short of the answer's, for the fallback: 3 s
	// gives the model one second of hanging.
	d.Limits.AnswerTimeout = 3 * time.Second
	d.Limits.KeepAlive = 50 * time.Millisecond
	return d
}

// TestHangingLLMStillGetsAResponse: with the model hanging, a plain answer is a response, never a
// connection closed at the write deadline. The degraded answer comes from the engine's own
// model deadline (rag, issue 11 item 3), which ends before the answer's.
func TestHangingLLMStillGetsAResponse(t *testing.T) {
	srv := newTestServer(t, hangingLLMDeps(t))
	for _, tt := range []struct{ path, body string }{
		{"/v1/ask", `{"question":"数字化转型的失败率是多少"}`},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":"数字化转型的失败率是多少"}]}`},
	} {
		res := do(t, srv, "POST", tt.path, tt.body)
		if res.status != 200 || !strings.Contains(string(res.body), `"degraded":true`) {
			t.Errorf("%s: got %d %s, want the degraded answer", tt.path, res.status, res.body)
		}
	}
}

// TestStreamsKeepAliveWhileWaiting: a stream waiting on a slow model sends ": keep-alive"
// comments, so its first byte comes at once, and it still ends with a final event.
func TestStreamsKeepAliveWhileWaiting(t *testing.T) {
	srv := newTestServer(t, hangingLLMDeps(t))
	for _, tt := range []struct{ path, body, final string }{
		{"/v1/ask", `{"question":"数字化转型的失败率是多少","stream":true}`, "event: "},
		{"/v1/chat/completions", `{"stream":true,"messages":[{"role":"user","content":"数字化转型的失败率是多少"}]}`, "data: "},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res, err := srv.Client().Post(srv.URL+tt.path, "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("got %d %s, want an event stream", res.StatusCode, res.Header.Get("Content-Type"))
			}
			var comments, events int
			var last string
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				switch line := sc.Text(); {
				case line == ": keep-alive":
					if events > 0 {
						t.Error("a keep-alive came after an event")
					}
					comments++
				case strings.HasPrefix(line, tt.final):
					events++
					last = line
				}
			}
			if comments == 0 {
				t.Error("no keep-alive comment while the model was silent")
			}
			if events == 0 {
				t.Fatal("the stream ended without a final event")
			}
			if tt.path == "/v1/ask" && last != "event: done" && last != "event: error" {
				t.Errorf("last event %q, want done or error", last)
			}
		})
	}
}

// TestKeepAliveStopsBeforeTheLastEvent: once the answer is there, no comment follows it.
func TestKeepAliveStopsBeforeTheLastEvent(t *testing.T) {
	rec := &syncRecorder{header: http.Header{}}
	s := newSSEWriter(rec, time.Second)
	stop := s.keepAlive(time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	stop()
	if err := s.event("done", map[string]bool{"ok": true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	out := rec.String()
	if !strings.HasSuffix(out, "event: done\ndata: {\"ok\":true}\n\n") || !strings.HasPrefix(out, ": keep-alive\n\n") {
		t.Errorf("stream %q: want keep-alives, then the last event", out)
	}
}

// syncRecorder is a minimal ResponseWriter; the sseWriter serialises its writes.
type syncRecorder struct {
	header http.Header
	buf    strings.Builder
}

func (r *syncRecorder) Header() http.Header         { return r.header }
func (r *syncRecorder) WriteHeader(int)             {}
func (r *syncRecorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *syncRecorder) Flush()                      {}
func (r *syncRecorder) String() string              { return r.buf.String() }
