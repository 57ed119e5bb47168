package rag

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/wenda-dev/wenda/internal/openaifake"
)

const fakeAPIKey = "sk-test-0123456789abcdef"

// fakeEmbedder points an embedder at fake. Backoff starts at 1 ms so retry tests are quick;
// a server's Retry-After still applies in full.
func fakeEmbedder(fake *openaifake.Server, opts OpenAIOptions) *OpenAIEmbedder {
	opts.BaseURL = fake.URL()
	if opts.Model == "" {
		opts.Model = "test-embed"
	}
	if opts.APIKey == "" {
		opts.APIKey = fakeAPIKey
	}
	e := NewOpenAIEmbedder(opts)
	e.retry.base = time.Millisecond
	return e
}

func fakeChat(fake *openaifake.Server, opts OpenAIOptions) *OpenAIChat {
	opts.BaseURL = fake.URL()
	if opts.Model == "" {
		opts.Model = "test-chat"
	}
	if opts.APIKey == "" {
		opts.APIKey = fakeAPIKey
	}
	c := NewOpenAIChat(opts, 0.25)
	c.retry.base = time.Millisecond
	return c
}

func numberedPassages(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("第%d段 passage %d", i, i)
	}
	return out
}

func unitLength(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / math.Sqrt(sum))
	}
	return out
}

func vectorsClose(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5 {
			return false
		}
	}
	return true
}

func TestOpenAIEmbedderName(t *testing.T) {
	if got := NewOpenAIEmbedder(OpenAIOptions{Model: "bge-m3"}).Name(); got != "openai:bge-m3" {
		t.Errorf("Name() = %q, want %q", got, "openai:bge-m3")
	}
}

func TestOpenAIEmbedderBatching(t *testing.T) {
	tests := []struct {
		texts, batchSize int
		wantRequests     int
	}{
		{texts: 300, wantRequests: 5}, // ceil(300/64) with the default batch size
		{texts: 64, wantRequests: 1},
		{texts: 65, wantRequests: 2},
		{texts: 1, wantRequests: 1},
		{texts: 0, wantRequests: 0},
		{texts: 300, batchSize: 100, wantRequests: 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d texts by %d", tt.texts, tt.batchSize), func(t *testing.T) {
			fake := openaifake.New(t)
			in := numberedPassages(tt.texts)
			vs, err := fakeEmbedder(fake, OpenAIOptions{BatchSize: tt.batchSize}).Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != len(in) {
				t.Fatalf("got %d vectors for %d texts", len(vs), len(in))
			}
			reqs := fake.EmbeddingRequests()
			if len(reqs) != tt.wantRequests {
				t.Errorf("sent %d requests, want %d", len(reqs), tt.wantRequests)
			}
			var sent []string
			for _, r := range reqs {
				sent = append(sent, r.Input...)
				if r.Model != "test-embed" || r.Authorization != "Bearer "+fakeAPIKey {
					t.Errorf("request with model %q, auth %q", r.Model, r.Authorization)
				}
			}
			if len(reqs) > 0 && len(sent)/len(reqs) < min(32, len(in)) {
				t.Errorf("%d texts per request on average, want at least %d", len(sent)/len(reqs), min(32, len(in)))
			}
			slices.Sort(sent)
			want := slices.Clone(in)
			slices.Sort(want)
			if !slices.Equal(sent, want) {
				t.Errorf("the requests carried %d texts, not each input exactly once", len(sent))
			}
		})
	}
}

// TestOpenAIEmbedderOrder holds the first batch back so that it completes last, and checks every
// vector against the fake's vector for the same text.
func TestOpenAIEmbedderOrder(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithDim(32))
	fake.Fail(openaifake.Embeddings, openaifake.Fault{Delay: 100 * time.Millisecond})
	in := numberedPassages(300)
	vs, err := fakeEmbedder(fake, OpenAIOptions{}).Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if want := unitLength(openaifake.Vector(in[i], 32)); !vectorsClose(v, want) {
			t.Fatalf("vector %d is not the unit vector of text %d", i, i)
		}
		var sum float64
		for _, x := range v {
			sum += float64(x) * float64(x)
		}
		if math.Abs(math.Sqrt(sum)-1) > 1e-5 {
			t.Fatalf("vector %d has length %v, want 1", i, math.Sqrt(sum))
		}
	}
}

// TestOpenAIEmbedderSharedConcurrency calls Embed from several goroutines, as the store does,
// and checks that the limit holds across the calls.
func TestOpenAIEmbedderSharedConcurrency(t *testing.T) {
	fake := openaifake.New(t)
	fake.Fail(openaifake.Embeddings, slices.Repeat([]openaifake.Fault{{Delay: 20 * time.Millisecond}}, 9)...)
	e := fakeEmbedder(fake, OpenAIOptions{Concurrency: 2})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := e.Embed(context.Background(), numberedPassages(130)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(fake.EmbeddingRequests()); n != 9 {
		t.Errorf("sent %d requests, want 9", n)
	}
	if got := fake.MaxConcurrent(openaifake.Embeddings); got > 2 {
		t.Errorf("%d requests in flight at once, want at most 2", got)
	}
}

func TestOpenAIEmbedderBadVectors(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithDim(16))
	fake.Fail(openaifake.Embeddings, openaifake.Fault{Dim: 8})
	_, err := fakeEmbedder(fake, OpenAIOptions{}).Embed(context.Background(), numberedPassages(200))
	if err == nil || !strings.Contains(err.Error(), "dimensions") {
		t.Errorf("got error %v, want one about dimensions", err)
	}
}

func TestOpenAIEmbedderRetries(t *testing.T) {
	status := func(code int) openaifake.Fault { return openaifake.Fault{Status: code} }
	tests := []struct {
		name         string
		opts         OpenAIOptions
		faults       []openaifake.Fault
		wantRequests int
		wantErr      string // "" for success
		minElapsed   time.Duration
		// retryAfterDate, when set, sends Retry-After as the HTTP date this far from the request.
		retryAfterDate time.Duration
	}{
		{name: "429 honours Retry-After seconds", faults: []openaifake.Fault{openaifake.RateLimited(1)},
			wantRequests: 2, minElapsed: time.Second},
		// HTTP dates have whole seconds, so 2 s ahead is more than 1 s ahead.
		{name: "429 honours Retry-After date", faults: []openaifake.Fault{{Status: 429}}, retryAfterDate: 2 * time.Second,
			wantRequests: 2, minElapsed: time.Second},
		{name: "500 then success", faults: []openaifake.Fault{status(500)}, wantRequests: 2},
		{name: "502 and 503 then success", faults: []openaifake.Fault{status(502), status(503)}, wantRequests: 3},
		{name: "500 with a plain body", faults: []openaifake.Fault{{Status: 500, Body: "upstream exploded"}},
			wantRequests: 2},
		{name: "hang past the timeout", opts: OpenAIOptions{Timeout: 200 * time.Millisecond},
			faults: []openaifake.Fault{{Delay: time.Minute}}, wantRequests: 2},
		{name: "400 not retried", faults: []openaifake.Fault{status(400)}, wantRequests: 1, wantErr: "400"},
		{name: "401 not retried", faults: []openaifake.Fault{status(401)}, wantRequests: 1, wantErr: "401"},
		{name: "403 not retried", faults: []openaifake.Fault{status(403)}, wantRequests: 1, wantErr: "403"},
		{name: "404 not retried", faults: []openaifake.Fault{status(404)}, wantRequests: 1, wantErr: "404"},
		{name: "retries run out", faults: slices.Repeat([]openaifake.Fault{status(500)}, 6),
			wantRequests: 5, wantErr: "gave up after 5 attempts"},
		{name: "retries off", opts: OpenAIOptions{MaxRetries: -1}, faults: []openaifake.Fault{status(500)},
			wantRequests: 1, wantErr: "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t)
			start := time.Now()
			if tt.retryAfterDate > 0 {
				tt.faults[0].RetryAfter = start.Add(tt.retryAfterDate).UTC().Format(http.TimeFormat)
			}
			fake.Fail(openaifake.Embeddings, tt.faults...)
			vs, err := fakeEmbedder(fake, tt.opts).Embed(context.Background(), numberedPassages(10))
			elapsed := time.Since(start)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want success", err)
			case tt.wantErr == "" && len(vs) != 10:
				t.Fatalf("got %d vectors, want 10", len(vs))
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			case tt.wantErr != "" && !strings.HasPrefix(err.Error(), "embed batch 0: "):
				t.Errorf("error %q does not name the batch", err)
			}
			if n := len(fake.EmbeddingRequests()); n != tt.wantRequests {
				t.Errorf("sent %d requests, want %d", n, tt.wantRequests)
			}
			if elapsed < tt.minElapsed {
				t.Errorf("retried after %v, sooner than the server asked (%v)", elapsed, tt.minElapsed)
			}
		})
	}
}

func TestOpenAIEmbedderCancel(t *testing.T) {
	fake := openaifake.New(t)
	fake.Fail(openaifake.Embeddings, slices.Repeat([]openaifake.Fault{{Delay: time.Minute}}, 10)...)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := fakeEmbedder(fake, OpenAIOptions{Concurrency: 4}).Embed(ctx, numberedPassages(600))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Embed returned %v after the cancel", d)
	}
	if n := len(fake.EmbeddingRequests()); n > 4 {
		t.Errorf("sent %d requests, want no more than the 4 in flight at the cancel", n)
	}
}

func TestOpenAIChatComplete(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithReply(func(r openaifake.ChatRequest) string {
		return "答：" + r.Messages[len(r.Messages)-1].Content
	}))
	msgs := []ChatMessage{{Role: "system", Content: "只根据资料回答。"}, {Role: "user", Content: "什么是城市大脑？"}}
	got, err := fakeChat(fake, OpenAIOptions{}).Complete(context.Background(), msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "答：什么是城市大脑？"; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	reqs := fake.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("sent %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	wantMsgs := []openaifake.Message{{Role: "system", Content: "只根据资料回答。"}, {Role: "user", Content: "什么是城市大脑？"}}
	if r.Stream || r.Model != "test-chat" || r.Temperature != 0.25 || !slices.Equal(r.Messages, wantMsgs) ||
		r.Authorization != "Bearer "+fakeAPIKey {
		t.Errorf("request %+v", r)
	}
}

var streamPieces = []string{"根据", "资料[1]，", "各省", "建设城市大脑。"}

func splitStreamPieces(string) []string { return streamPieces }

func TestOpenAIChatStream(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithStreamPieces(splitStreamPieces, 5*time.Millisecond))
	var deltas []string
	got, err := fakeChat(fake, OpenAIOptions{}).Complete(context.Background(),
		[]ChatMessage{{Role: "user", Content: "q"}}, func(d string) { deltas = append(deltas, d) })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(deltas, streamPieces) {
		t.Errorf("deltas %q, want %q in order", deltas, streamPieces)
	}
	if got != strings.Join(deltas, "") {
		t.Errorf("reply %q is not the deltas joined", got)
	}
	if reqs := fake.ChatRequests(); len(reqs) != 1 || !reqs[0].Stream {
		t.Errorf("requests %+v, want one streamed", reqs)
	}
}

// TestOpenAIChatStreamForwardsEachDelta makes the fake wait, before writing each piece, until
// the previous one reached onDelta: a client that buffered deltas would never get there.
func TestOpenAIChatStreamForwardsEachDelta(t *testing.T) {
	forwarded := make(chan struct{}, len(streamPieces))
	fake := openaifake.New(t, openaifake.WithStreamPieces(splitStreamPieces, 0),
		openaifake.WithPieceHook(func(i int) {
			if i == 0 {
				return
			}
			select {
			case <-forwarded:
			case <-time.After(5 * time.Second):
				t.Errorf("piece %d was not forwarded before piece %d was written", i-1, i)
			}
		}))
	_, err := fakeChat(fake, OpenAIOptions{}).Complete(context.Background(),
		[]ChatMessage{{Role: "user", Content: "q"}}, func(string) { forwarded <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenAIChatFailures(t *testing.T) {
	tests := []struct {
		name         string
		stream       bool
		faults       []openaifake.Fault
		wantErr      error // nil for success
		wantErrText  string
		wantRequests int
		wantDeltas   []string
	}{
		{name: "stream broken after the first delta", stream: true,
			faults:  []openaifake.Fault{{Break: true, BreakAfter: 1}},
			wantErr: ErrStreamBroken, wantRequests: 1, wantDeltas: streamPieces[:1]},
		{name: "stream broken before any delta is retried", stream: true,
			faults:       []openaifake.Fault{{Break: true, BreakAfter: 0}},
			wantRequests: 2, wantDeltas: streamPieces},
		{name: "stream cut cleanly after the first delta", stream: true,
			faults:  []openaifake.Fault{openaifake.CutStream(1)},
			wantErr: ErrStreamBroken, wantRequests: 1, wantDeltas: streamPieces[:1]},
		{name: "stream cut cleanly before any delta is retried", stream: true,
			faults:       []openaifake.Fault{openaifake.CutStream(0)},
			wantRequests: 2, wantDeltas: streamPieces},
		{name: "stream with [DONE] but no finish_reason", stream: true,
			faults:       []openaifake.Fault{{NoFinish: true}},
			wantRequests: 1, wantDeltas: streamPieces},
		{name: "stream with finish_reason but no [DONE]", stream: true,
			faults:       []openaifake.Fault{{NoDone: true}},
			wantRequests: 1, wantDeltas: streamPieces},
		{name: "stream 429 then success", stream: true, faults: []openaifake.Fault{{Status: 429}},
			wantRequests: 2, wantDeltas: streamPieces},
		{name: "stream 401 not retried", stream: true, faults: []openaifake.Fault{{Status: 401}},
			wantErrText: "401", wantRequests: 1},
		{name: "stream empty", stream: true, faults: []openaifake.Fault{{Empty: true}},
			wantErr: ErrEmptyCompletion, wantRequests: 1},
		{name: "500 then success", faults: []openaifake.Fault{{Status: 500}}, wantRequests: 2},
		{name: "hang then success", faults: []openaifake.Fault{{Delay: time.Minute}}, wantRequests: 2},
		{name: "empty", faults: []openaifake.Fault{{Empty: true}}, wantErr: ErrEmptyCompletion, wantRequests: 1},
		{name: "404 not retried", faults: []openaifake.Fault{{Status: 404}}, wantErrText: "404", wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t, openaifake.WithStreamPieces(splitStreamPieces, 0),
				openaifake.WithReply(func(openaifake.ChatRequest) string { return strings.Join(streamPieces, "") }))
			fake.Fail(openaifake.Chat, tt.faults...)
			var deltas []string
			var onDelta func(string)
			if tt.stream {
				onDelta = func(d string) { deltas = append(deltas, d) }
			}
			chat := fakeChat(fake, OpenAIOptions{Timeout: 300 * time.Millisecond})
			got, err := chat.Complete(context.Background(), []ChatMessage{{Role: "user", Content: "q"}}, onDelta)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			case tt.wantErrText != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErrText)):
				t.Errorf("got error %v, want one containing %q", err, tt.wantErrText)
			case tt.wantErr == nil && tt.wantErrText == "" && (err != nil || got != strings.Join(streamPieces, "")):
				t.Errorf("got %q, %v; want the whole reply", got, err)
			}
			if err != nil && got != "" {
				t.Errorf("got reply %q with error %v", got, err)
			}
			if n := len(fake.ChatRequests()); n != tt.wantRequests {
				t.Errorf("sent %d requests, want %d", n, tt.wantRequests)
			}
			if !slices.Equal(deltas, tt.wantDeltas) {
				t.Errorf("deltas %q, want %q", deltas, tt.wantDeltas)
			}
		})
	}
}

// TestOpenAIChatStreamTimeouts checks that a stream is bounded by the pause between chunks, not
// by its total length.
func TestOpenAIChatStreamTimeouts(t *testing.T) {
	tests := []struct {
		name     string
		delay    time.Duration // between pieces
		consumer time.Duration // time onDelta takes
		opts     OpenAIOptions
		wantErr  bool
	}{
		{name: "long stream that keeps moving", delay: 60 * time.Millisecond,
			opts: OpenAIOptions{Timeout: 100 * time.Millisecond, StreamIdleTimeout: time.Second}},
		{name: "slow consumer is not a stall", delay: 20 * time.Millisecond, consumer: 200 * time.Millisecond,
			opts: OpenAIOptions{StreamIdleTimeout: 50 * time.Millisecond}},
		{name: "stall after the first delta", delay: 2 * time.Second,
			opts: OpenAIOptions{StreamIdleTimeout: 50 * time.Millisecond}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t, openaifake.WithStreamPieces(splitStreamPieces, tt.delay))
			var deltas []string
			got, err := fakeChat(fake, tt.opts).Complete(context.Background(),
				[]ChatMessage{{Role: "user", Content: "q"}}, func(d string) {
					deltas = append(deltas, d)
					time.Sleep(tt.consumer)
				})
			if !tt.wantErr {
				if err != nil || got != strings.Join(streamPieces, "") {
					t.Errorf("got %q, %v; want the whole reply", got, err)
				}
				return
			}
			if !errors.Is(err, ErrStreamBroken) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got error %v, want ErrStreamBroken from a timeout", err)
			}
			if len(fake.ChatRequests()) != 1 || !slices.Equal(deltas, streamPieces[:1]) {
				t.Errorf("%d requests and deltas %q; want 1 request and the first piece", len(fake.ChatRequests()), deltas)
			}
		})
	}
}

// TestOpenAIChatCancel cancels while the server hangs and while a reply is streaming: the
// caller's cancellation is reported as such, not as a broken stream, and never retried.
func TestOpenAIChatCancel(t *testing.T) {
	tests := []struct {
		name   string
		stream bool
		fault  openaifake.Fault
	}{
		{name: "hang", fault: openaifake.Fault{Delay: time.Minute}},
		{name: "hang before a stream", stream: true, fault: openaifake.Fault{Delay: time.Minute}},
		{name: "mid-stream", stream: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := openaifake.New(t, openaifake.WithStreamPieces(splitStreamPieces, time.Minute))
			fake.Fail(openaifake.Chat, tt.fault)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			var onDelta func(string)
			if tt.stream {
				onDelta = func(string) {}
			}
			_, err := fakeChat(fake, OpenAIOptions{}).Complete(ctx, []ChatMessage{{Role: "user", Content: "q"}}, onDelta)
			if !errors.Is(err, context.Canceled) || errors.Is(err, ErrStreamBroken) {
				t.Errorf("got error %v, want context.Canceled", err)
			}
			if n := len(fake.ChatRequests()); n != 1 {
				t.Errorf("sent %d requests, want 1", n)
			}
		})
	}
}

// TestOpenAIKeyNotInErrors uses servers that repeat the key in their error messages.
func TestOpenAIKeyNotInErrors(t *testing.T) {
	const key = "sk-secret-do-not-print-42"
	echoKey := openaifake.Fault{Status: 500, Body: "upstream rejected key " + key}
	call := map[string]func(*openaifake.Server) error{
		"embed": func(fake *openaifake.Server) error {
			_, err := fakeEmbedder(fake, OpenAIOptions{APIKey: key, MaxRetries: -1}).Embed(context.Background(), numberedPassages(3))
			return err
		},
		"chat": func(fake *openaifake.Server) error {
			_, err := fakeChat(fake, OpenAIOptions{APIKey: key, MaxRetries: -1}).Complete(context.Background(),
				[]ChatMessage{{Role: "user", Content: "q"}}, nil)
			return err
		},
		"chat stream": func(fake *openaifake.Server) error {
			_, err := fakeChat(fake, OpenAIOptions{APIKey: key, MaxRetries: -1}).Complete(context.Background(),
				[]ChatMessage{{Role: "user", Content: "q"}}, func(string) {})
			return err
		},
	}
	for name, f := range call {
		for _, server := range []string{"wrong key", "plain body"} {
			t.Run(name+"/"+server, func(t *testing.T) {
				var fake *openaifake.Server
				if server == "wrong key" {
					fake = openaifake.New(t, openaifake.WithAPIKey("sk-the-right-one"))
				} else {
					fake = openaifake.New(t)
					fake.Fail(openaifake.Embeddings, echoKey)
					fake.Fail(openaifake.Chat, echoKey)
				}
				err := f(fake)
				if err == nil {
					t.Fatal("no error")
				}
				for _, s := range []string{err.Error(), fmt.Sprintf("%v %+v %#v %q", err, err, err, err)} {
					if strings.Contains(s, key) {
						t.Errorf("error shows the key: %s", s)
					}
				}
				if !strings.Contains(err.Error(), "***") {
					t.Errorf("error %q lost the server's message", err)
				}
			})
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header http.Header
		want   time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{"Retry-After": {"3"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{http.Header{}, 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.header, now); got != tt.want {
			t.Errorf("retryAfter(%v) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// BenchmarkChatStreamFirstDelta measures the time from the fake writing the first content chunk
// to onDelta receiving it (first-delta-ms); the product target is under 50 ms.
func BenchmarkChatStreamFirstDelta(b *testing.B) {
	var written atomic.Pointer[time.Time]
	fake := openaifake.New(b, openaifake.WithPieceHook(func(i int) {
		if i == 0 {
			now := time.Now()
			written.Store(&now)
		}
	}))
	chat := NewOpenAIChat(OpenAIOptions{BaseURL: fake.URL(), APIKey: fakeAPIKey, Model: "test-chat"}, 0)
	msgs := []ChatMessage{{Role: "user", Content: "城市大脑是什么？请详细说明各省的建设规划。"}}
	var total time.Duration
	b.ReportAllocs()
	for b.Loop() {
		first := true
		_, err := chat.Complete(context.Background(), msgs, func(string) {
			if first {
				total += time.Since(*written.Load())
				first = false
			}
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "first-delta-ms")
}

// TestDoneWatcher reads each body one byte at a time, so the marker is always split across
// reads.
func TestDoneWatcher(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{"data: {}\n\ndata: [DONE]\n\n", true},
		{"data:[DONE]\r\n", true},
		{"data: [DONE]", true}, // no final newline
		{"  data:   [DONE]  \n", true},
		{"data: {}\n\n", false},
		{"data: [DONE]x\n", false},
		{": [DONE]\n", false},
		{"data: \"[DONE]\"\n", false},
		{"data: " + strings.Repeat(" ", 80) + "[DONE]\n", false}, // too long to be the marker
		{"data: " + strings.Repeat("x", 100) + "\ndata: [DONE]\n", true},
	}
	for _, tt := range tests {
		notes := &attemptNotes{}
		w := &doneWatcher{ReadCloser: io.NopCloser(iotest.OneByteReader(strings.NewReader(tt.body))), notes: notes}
		if _, err := io.Copy(io.Discard, w); err != nil {
			t.Fatal(err)
		}
		if notes.sawDone != tt.want {
			t.Errorf("body %q: sawDone %v, want %v", tt.body, notes.sawDone, tt.want)
		}
	}
}

// TestOpenAIChatReplyTimeout: ReplyTimeout bounds the whole call, waits for a retry included,
// and a stream it cuts is broken (the caller did not give up).
func TestOpenAIChatReplyTimeout(t *testing.T) {
	t.Run("stream still moving", func(t *testing.T) {
		fake := openaifake.New(t, openaifake.WithStreamPieces(splitStreamPieces, 150*time.Millisecond))
		var deltas []string
		_, err := fakeChat(fake, OpenAIOptions{ReplyTimeout: 250 * time.Millisecond}).Complete(context.Background(),
			[]ChatMessage{{Role: "user", Content: "q"}}, func(d string) { deltas = append(deltas, d) })
		if !errors.Is(err, ErrStreamBroken) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got error %v, want ErrStreamBroken from the reply timeout", err)
		}
		if len(deltas) == 0 || len(deltas) == len(streamPieces) {
			t.Errorf("deltas %q, want some but not all", deltas)
		}
	})
	t.Run("Retry-After past it", func(t *testing.T) {
		for _, retryAfter := range []string{"2", time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)} {
			fake := openaifake.New(t)
			fake.Fail(openaifake.Chat, openaifake.Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_, err := fakeChat(fake, OpenAIOptions{ReplyTimeout: 1500 * time.Millisecond}).Complete(ctx,
				[]ChatMessage{{Role: "user", Content: "q"}}, nil)
			cancel()
			if err == nil || !strings.Contains(err.Error(), "429") || !strings.Contains(err.Error(), "leave no time") {
				t.Errorf("Retry-After %s: got error %v, want the 429 without waiting", retryAfter, err)
			}
			if n := len(fake.ChatRequests()); n != 1 {
				t.Errorf("Retry-After %s: %d requests, want 1", retryAfter, n)
			}
		}
	})
	t.Run("Retry-After within it", func(t *testing.T) {
		fake := openaifake.New(t)
		fake.Fail(openaifake.Chat, openaifake.RateLimited(1))
		got, err := fakeChat(fake, OpenAIOptions{ReplyTimeout: 5 * time.Second}).Complete(context.Background(),
			[]ChatMessage{{Role: "user", Content: "q"}}, nil)
		if err != nil || got != "echo: q" || len(fake.ChatRequests()) != 2 {
			t.Errorf("got %q, %v after %d requests; want the reply after one retry", got, err, len(fake.ChatRequests()))
		}
	})
}
