package rag

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
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

// TestOpenAIKeyNotInErrors uses servers that repeat the key in their error messages.
func TestOpenAIKeyNotInErrors(t *testing.T) {
	const key = "sk-secret-do-not-print-42"
	echoKey := openaifake.Fault{Status: 500, Body: "upstream rejected key " + key}
	call := map[string]func(*openaifake.Server) error{
		"embed": func(fake *openaifake.Server) error {
			_, err := fakeEmbedder(fake, OpenAIOptions{APIKey: key, MaxRetries: -1}).Embed(context.Background(), numberedPassages(3))
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
