package openaifake

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/prompts"
)

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestEmbeddings(t *testing.T) {
	s := New(t, WithDim(8))
	s.Fail(Embeddings, Fault{Dim: 3})
	for _, want := range []int{3, 8} {
		resp := post(t, s.URL()+"/embeddings", `{"model":"m","input":["a","b"]}`)
		var got struct {
			Data []struct {
				Index     int       `json:"index"`
				Embedding []float32 `json:"embedding"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if len(got.Data) != 2 || got.Data[1].Index != 1 || len(got.Data[1].Embedding) != want {
			t.Fatalf("got %+v, want 2 vectors of dimension %d", got.Data, want)
		}
		if want == 8 && !slices.Equal(got.Data[1].Embedding, Vector("b", 8)) {
			t.Errorf("vector of %q = %v, want Vector's %v", "b", got.Data[1].Embedding, Vector("b", 8))
		}
	}
	reqs := s.EmbeddingRequests()
	if len(reqs) != 2 || reqs[0].Model != "m" || !slices.Equal(reqs[0].Input, []string{"a", "b"}) {
		t.Errorf("recorded %+v", reqs)
	}
}

func TestFaultStatus(t *testing.T) {
	s := New(t)
	s.Fail(Chat, RateLimited(7))
	resp := post(t, s.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("got %d Retry-After %q, want 429 and 7", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp = post(t, s.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if resp.StatusCode != 200 {
		t.Errorf("second request got %d, want 200 once the fault is used up", resp.StatusCode)
	}
}

// TestStream reads the SSE body as raw lines, to pin the wire format clients parse.
func TestStream(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		wantPieces []string
		wantDone   bool
		wantFinish bool
	}{
		{"whole", Fault{}, []string{"echo", ": 你好", "世界"}, true, true},
		{"broken after one piece", Fault{Break: true, BreakAfter: 1}, []string{"echo"}, false, false},
		{"cut cleanly after one piece", CutStream(1), []string{"echo"}, false, false},
		{"no finish reason", Fault{NoFinish: true}, []string{"echo", ": 你好", "世界"}, true, false},
		{"no [DONE]", Fault{NoDone: true}, []string{"echo", ": 你好", "世界"}, false, true},
		{"empty", Fault{Empty: true}, nil, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			s.Fail(Chat, tt.fault)
			resp := post(t, s.URL()+"/chat/completions",
				`{"model":"m","stream":true,"messages":[{"role":"user","content":"你好世界"}]}`)
			var pieces []string
			done, finish := false, false
			r := bufio.NewReader(resp.Body)
			for {
				line, err := r.ReadString('\n')
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					break
				}
				if err != nil {
					if tt.wantDone {
						t.Fatal(err)
					}
					break
				}
				data, ok := strings.CutPrefix(strings.TrimSpace(line), "data: ")
				if !ok {
					continue
				}
				if data == "[DONE]" {
					done = true
					continue
				}
				var c struct {
					Choices []struct {
						Delta        struct{ Content string } `json:"delta"`
						FinishReason *string                  `json:"finish_reason"`
					} `json:"choices"`
				}
				if err := json.Unmarshal([]byte(data), &c); err != nil {
					t.Fatalf("chunk %q: %v", data, err)
				}
				if c.Choices[0].FinishReason != nil {
					finish = true
				}
				if p := c.Choices[0].Delta.Content; p != "" {
					pieces = append(pieces, p)
				}
			}
			if !slices.Equal(pieces, tt.wantPieces) || done != tt.wantDone || finish != tt.wantFinish {
				t.Errorf("got pieces %q, [DONE] %v, finish_reason %v; want %q, %v, %v",
					pieces, done, finish, tt.wantPieces, tt.wantDone, tt.wantFinish)
			}
			if reqs := s.ChatRequests(); len(reqs) != 1 || !reqs[0].Stream {
				t.Errorf("recorded %+v, want one streamed request", reqs)
			}
		})
	}
}

// TestReader renders wenda's real prompts, so a change in their shape that the reader no longer
// understands fails here.
func TestReader(t *testing.T) {
	reader := NewReader(map[string][]string{
		"美的投资了多少？": {"100多亿"},
		"那迪士尼呢？":   {"10亿美元"},
		"特斯拉的股价？":  nil,
	}, prompts.NoAnswerMarker)
	render := func(lang prompts.Lang, name string, data map[string]any) string {
		s, err := prompts.Render(lang, name, data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ask := func(lang prompts.Lang, question string, texts ...string) string {
		var blocks []prompts.Block
		for i, text := range texts {
			blocks = append(blocks, prompts.Block{N: i + 1, Title: "t", Source: "s", Text: text})
		}
		return reader.Reply(ChatRequest{Messages: []Message{
			{Role: "system", Content: render(lang, "llm_system", nil)},
			{Role: "user", Content: render(lang, "llm_user", map[string]any{"Question": question, "Blocks": blocks})},
		}})
	}
	if got := ask(prompts.Chinese, "美的投资了多少？", "迪士尼投资10亿美元。", "美的十年投资100多亿。"); got != "100多亿 [2]" {
		t.Errorf("reply %q, want the answer citing block 2", got)
	}
	if rec, ok := reader.Record("美的投资了多少？"); !ok || rec != (ReaderRecord{Calls: 1, Evidence: true, Block: 2}) {
		t.Errorf("record %+v, %v", rec, ok)
	}
	if got := ask(prompts.English, "特斯拉的股价？", "特斯拉上海工厂"); got != prompts.NoAnswerMarker {
		t.Errorf("unanswerable: reply %q, want the marker", got)
	}
	if got := ask(prompts.Chinese, "美的投资了多少？", "迪士尼投资10亿美元。"); got != prompts.NoAnswerMarker {
		t.Errorf("evidence missing: reply %q, want the marker", got)
	}
	if rec, _ := reader.Record("美的投资了多少？"); rec != (ReaderRecord{Calls: 2}) {
		t.Errorf("record after a request without evidence %+v", rec)
	}

	rewritten := reader.Reply(ChatRequest{Messages: []Message{
		{Role: "system", Content: render(prompts.Chinese, "rewrite_system", nil)},
		{Role: "user", Content: render(prompts.Chinese, "rewrite_user", map[string]any{
			"Question": "那迪士尼呢？", "History": []map[string]string{{"Question": "美的投资了多少？", "Answer": "100多亿[1]"}},
		})},
	}})
	if rewritten != "美的投资了多少？ 那迪士尼呢？" {
		t.Errorf("rewrite %q", rewritten)
	}
	if got := ask(prompts.Chinese, rewritten, "迪士尼投资10亿美元。"); got != "10亿美元 [1]" {
		t.Errorf("the rewritten follow-up got %q, want its own labelled answer", got)
	}
	if rec, ok := reader.Record("那迪士尼呢？"); !ok || !rec.Evidence {
		t.Errorf("the follow-up's record %+v, %v", rec, ok)
	}
	if _, ok := reader.Record("没问过的"); ok {
		t.Error("a question never asked has a record")
	}
}
