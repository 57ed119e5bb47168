package rag

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/internal/rerankfake"
)

func newTestReranker(t *testing.T, opts RerankOptions) *Reranker {
	t.Helper()
	r, err := NewReranker(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.retryBase = time.Millisecond // tests need not wait the real backoff
	return r
}

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("第%d段：城市大脑与数字孪生", i)
	}
	return out
}

func TestRerankSpeaksBothShapes(t *testing.T) {
	for _, shape := range []rerankfake.Shape{rerankfake.Cohere, rerankfake.TEI} {
		t.Run(shape.String(), func(t *testing.T) {
			fake := rerankfake.New(t, rerankfake.WithShape(shape))
			r := newTestReranker(t, RerankOptions{BaseURL: fake.URL(), APIKey: "sk-rerank", Model: "bge-reranker-v2-m3"})
			docs := texts(5)
			for round := range 2 {
				got, err := r.Rerank(t.Context(), "城市大脑", docs)
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				for i, d := range docs {
					if want := rerankfake.Score("城市大脑", d); got[i] != want {
						t.Errorf("round %d: score %d = %v, want %v (scores must come back in input order)", round, i, got[i], want)
					}
				}
			}
			reqs := fake.Requests()
			// Jina/Cohere is tried first; a TEI server's 422 naming "texts" switches the shape
			// once, and the switch is remembered.
			wantShapes := []rerankfake.Shape{rerankfake.Cohere, rerankfake.Cohere}
			if shape == rerankfake.TEI {
				wantShapes = []rerankfake.Shape{rerankfake.Cohere, rerankfake.TEI, rerankfake.TEI}
			}
			var gotShapes []rerankfake.Shape
			for _, q := range reqs {
				gotShapes = append(gotShapes, q.Shape)
				if q.Authorization != "Bearer sk-rerank" || q.Query != "城市大脑" || len(q.Docs) != 5 {
					t.Errorf("request: %+v", q)
				}
				if q.Shape == rerankfake.Cohere && (q.Model != "bge-reranker-v2-m3" || q.TopN != 5) {
					t.Errorf("Jina/Cohere request lacks model or top_n: %+v", q)
				}
			}
			if !slices.Equal(gotShapes, wantShapes) {
				t.Errorf("request shapes %v, want %v", gotShapes, wantShapes)
			}
		})
	}
}

func TestRerankURLRule(t *testing.T) {
	for base, want := range map[string]string{
		"https://api.jina.ai/v1":              "https://api.jina.ai/v1/rerank",
		"https://api.siliconflow.cn/v1/":      "https://api.siliconflow.cn/v1/rerank",
		"http://tei:8080":                     "http://tei:8080/rerank",
		"http://tei:8080/":                    "http://tei:8080/rerank",
		"http://localhost:8000/v2/rerank":     "http://localhost:8000/v2/rerank",
		" http://user:pw@gw/v1 ":              "http://user:xxxxx@gw/v1/rerank",
		"http://x/api?tenant=a":               "http://x/api/rerank?tenant=a",
		"https://gw.example.com/ai/v1/rerank": "https://gw.example.com/ai/v1/rerank",
	} {
		r, err := NewReranker(RerankOptions{BaseURL: base})
		if err != nil {
			t.Errorf("%q: %v", base, err)
			continue
		}
		if r.URL() != want {
			t.Errorf("%q posts to %q, want %q", base, r.URL(), want)
		}
	}
	for _, bad := range []string{"", "tei:8080", "ftp://x/v1", "http://", "://x"} {
		if _, err := NewReranker(RerankOptions{BaseURL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseRerankReply(t *testing.T) {
	docs := []string{"甲", "乙", "丙"}
	ninf := math.Inf(-1)
	tests := []struct {
		name, reply string
		want        []float64 // nil: an error
	}{
		{"jina results", `{"model":"m","results":[{"index":2,"relevance_score":0.9,"document":{"text":"丙"}},{"index":0,"relevance_score":0.1}, {"index":1,"relevance_score":0.5}]}`, []float64{0.1, 0.5, 0.9}},
		{"data and score", `{"data":[{"index":1,"score":3},{"index":0,"score":-2},{"index":2,"score":0}]}`, []float64{-2, 3, 0}},
		{"tei bare array", " [{\"index\":0,\"score\":0.7},{\"index\":2,\"score\":0.2},{\"index\":1,\"score\":0.3}]\n", []float64{0.7, 0.3, 0.2}},
		{"document as string, no index", `{"results":[{"document":"乙","relevance_score":0.8},{"document":"甲","relevance_score":0.4},{"document":"丙","relevance_score":0.6}]}`, []float64{0.4, 0.8, 0.6}},
		{"document as object, no index", `{"results":[{"document":{"text":"丙"},"relevance_score":1}]}`, []float64{ninf, ninf, 1}},
		{"tei text, no index", `[{"text":"甲","score":0.5}]`, []float64{0.5, ninf, ninf}},
		{"relevance_score wins over score", `[{"index":0,"relevance_score":0.9,"score":5}]`, []float64{0.9, ninf, ninf}},
		{"top_n honoured: the rest unscored", `{"results":[{"index":1,"relevance_score":0.9}]}`, []float64{ninf, 0.9, ninf}},
		{"index out of range", `[{"index":3,"score":1}]`, nil},
		{"negative index", `[{"index":-1,"score":1}]`, nil},
		{"index repeated", `[{"index":1,"score":1},{"index":1,"score":2}]`, nil},
		{"unknown document", `{"results":[{"document":"丁","relevance_score":1}]}`, nil},
		{"no score", `[{"index":0}]`, nil},
		{"score not a number", `[{"index":0,"score":"high"}]`, nil},
		{"empty list", `[]`, nil},
		{"neither results nor data", `{"object":"list"}`, nil},
		{"an error object", `{"error":"model not loaded"}`, nil},
		{"html", `<html>502 Bad Gateway</html>`, nil},
		{"empty", ``, nil},
		{"truncated", `{"results":[{"index":0,"relevance_score":0.`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRerankReply([]byte(tt.reply), docs)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("accepted: %v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("scores %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRerankSplitsLargeRequests(t *testing.T) {
	fake := rerankfake.New(t, rerankfake.WithShape(rerankfake.TEI), rerankfake.WithMaxBatch(32))
	r := newTestReranker(t, RerankOptions{BaseURL: fake.URL(), Concurrency: 2})
	// Slow replies, so that calls overlap if the client lets them.
	for range 10 {
		fake.Fail(rerankfake.Fault{Delay: 20 * time.Millisecond})
	}
	docs := texts(70)
	got, err := r.Rerank(t.Context(), "数字孪生", docs)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		if want := rerankfake.Score("数字孪生", d); got[i] != want {
			t.Fatalf("score %d = %v, want %v: batches merged out of order", i, got[i], want)
		}
	}
	var sizes []int
	for _, q := range fake.Requests() {
		if q.Shape == rerankfake.TEI {
			sizes = append(sizes, len(q.Docs))
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{22, 24, 24}) {
		t.Errorf("TEI requests of %v documents, want three even batches of at most 32 (22, 24, 24)", sizes)
	}
	if n := fake.MaxConcurrent(); n > 2 {
		t.Errorf("%d requests in flight, want at most Concurrency = 2", n)
	}
}

func TestRerankRetries(t *testing.T) {
	tests := []struct {
		name     string
		faults   []rerankfake.Fault
		timeout  time.Duration
		wantErr  string // empty: success
		requests int
	}{
		{name: "503 then success", faults: []rerankfake.Fault{{Status: 503, Body: "loading model"}}, requests: 2},
		{name: "429 with a Retry-After that fits", faults: []rerankfake.Fault{{Status: 429, RetryAfter: "1"}}, requests: 2},
		{name: "connection closed then success", faults: []rerankfake.Fault{{Status: -1}}, requests: 2},
		{name: "two 502s: one retry only", faults: []rerankfake.Fault{{Status: 502}, {Status: 502}}, wantErr: "502", requests: 2},
		{name: "Retry-After past the deadline", timeout: 2 * time.Second,
			faults: []rerankfake.Fault{{Status: 429, RetryAfter: "30"}}, wantErr: "would pass the deadline", requests: 1},
		{name: "400 is not retried", faults: []rerankfake.Fault{{Status: 400, Body: `{"detail":"query too long"}`}},
			wantErr: "query too long", requests: 1},
		{name: "401 is not retried", faults: []rerankfake.Fault{{Status: 401, Body: "bad key"}}, wantErr: "401", requests: 1},
		{name: "a hang ends at the deadline", timeout: 100 * time.Millisecond,
			faults: []rerankfake.Fault{{Delay: time.Minute}}, wantErr: "deadline", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := rerankfake.New(t)
			fake.Fail(tt.faults...)
			r := newTestReranker(t, RerankOptions{BaseURL: fake.URL(), Timeout: tt.timeout})
			_, err := r.Rerank(t.Context(), "问题", texts(3))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one mentioning %q", err, tt.wantErr)
			}
			if n := len(fake.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestRerankKeepsTheKeyOutOfErrors(t *testing.T) {
	fake := rerankfake.New(t)
	fake.Fail(rerankfake.Fault{Status: 401, Body: `{"message":"invalid api key: sk-very-secret"}`})
	r := newTestReranker(t, RerankOptions{BaseURL: fake.URL(), APIKey: "sk-very-secret"})
	_, err := r.Rerank(t.Context(), "问题", texts(2))
	if err == nil || strings.Contains(err.Error(), "sk-very-secret") || strings.Contains(fmt.Sprintf("%#v", err), "sk-very-secret") {
		t.Errorf("error %v: want one without the key", err)
	}
}

// rerankStore is a small index where a reranker has something to reorder.
func rerankStore(t *testing.T) *Store {
	t.Helper()
	s := openTest(t, t.TempDir())
	var docs []*Document
	for i := range 12 {
		docs = append(docs, testDoc(fmt.Sprintf("d%02d.txt", i), strings.Repeat("城市大脑", i%4+1)+fmt.Sprintf("，第%d个城市的规划。", i)))
	}
	put(t, s, docs...)
	return s
}

func TestSearcherReranks(t *testing.T) {
	s := rerankStore(t)
	const q = "城市大脑"
	fused := search(t, s, q, 12)
	if len(fused) != 12 {
		t.Fatalf("%d fused passages, want 12", len(fused))
	}
	// The fake scores by length, shortest first: an order unlike the fused one.
	byLength := func(_, doc string) float64 { return -float64(len([]rune(doc))) }
	for _, shape := range []rerankfake.Shape{rerankfake.Cohere, rerankfake.TEI} {
		t.Run(shape.String(), func(t *testing.T) {
			fake := rerankfake.New(t, rerankfake.WithShape(shape), rerankfake.WithScore(byLength))
			r := newTestReranker(t, RerankOptions{BaseURL: fake.URL(), Depth: 8})
			got, err := Searcher{Store: s, Reranker: r}.Retrieve(t.Context(), q, 10)
			if err != nil {
				t.Fatal(err)
			}
			// The first 8 fused candidates, re-sorted by the fake's score (ties in fused order),
			// then fused 9 and 10 as they were.
			want := slices.Clone(fused[:8])
			slices.SortStableFunc(want, func(a, b Passage) int {
				return len([]rune(a.Chunk.Text)) - len([]rune(b.Chunk.Text))
			})
			for i := range want {
				want[i].Score = byLength(q, want[i].Chunk.Text)
			}
			want = append(want, fused[8:10]...)
			if len(got) != len(want) {
				t.Fatalf("%d passages, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].ChunkID != want[i].ChunkID || got[i].Score != want[i].Score {
					t.Errorf("passage %d: %s (score %v), want %s (score %v)", i, got[i].ChunkID, got[i].Score, want[i].ChunkID, want[i].Score)
				}
			}
			if slices.EqualFunc(got[:8], fused[:8], func(a, b Passage) bool { return a.ChunkID == b.ChunkID }) {
				t.Error("the reranker changed nothing; the test needs a score that reorders")
			}
			for _, req := range fake.Requests() {
				if len(req.Docs) != 8 {
					t.Errorf("re-scored %d candidates, want Depth = 8", len(req.Docs))
				}
			}
			if st := r.Stats(); st != (RerankStats{Reranks: 1}) {
				t.Errorf("stats %+v, want one rerank, no fallback", st)
			}
		})
	}
}

func TestSearcherRerankFallsBackToFusedOrder(t *testing.T) {
	s := rerankStore(t)
	const q = "城市大脑"
	fused := search(t, s, q, 5)
	tests := []struct {
		name   string
		faults []rerankfake.Fault
	}{
		{"service down", []rerankfake.Fault{{Status: 503}, {Status: 503}}},
		{"bad key", []rerankfake.Fault{{Status: 401, Body: "invalid key sk-rerank-secret"}}},
		{"not JSON", []rerankfake.Fault{{Status: 200, Body: "<html>ok</html>"}}},
		{"wrong model", []rerankfake.Fault{{Status: 404, Body: `{"detail":"model not found"}`}}},
		{"hang", []rerankfake.Fault{{Delay: time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := rerankfake.New(t)
			fake.Fail(tt.faults...)
			var logs bytes.Buffer
			r := newTestReranker(t, RerankOptions{BaseURL: fake.URL(), APIKey: "sk-rerank-secret", Timeout: 200 * time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			got, err := Searcher{Store: s, Reranker: r}.Retrieve(t.Context(), q, 5)
			if err != nil {
				t.Fatalf("a failing reranker failed the search: %v", err)
			}
			if len(got) != len(fused) {
				t.Fatalf("%d passages, want %d", len(got), len(fused))
			}
			for i := range fused {
				if got[i].ChunkID != fused[i].ChunkID || got[i].Score != fused[i].Score {
					t.Errorf("passage %d: %s, want the fused %s", i, got[i].ChunkID, fused[i].ChunkID)
				}
			}
			if st := r.Stats(); st != (RerankStats{Reranks: 1, Fallbacks: 1}) {
				t.Errorf("stats %+v, want one rerank that fell back", st)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "fused order") {
				t.Errorf("no warning logged:\n%s", logs.String())
			}
			if strings.Contains(logs.String(), "sk-rerank-secret") {
				t.Errorf("the API key reached the log:\n%s", logs.String())
			}
		})
	}
}

func TestSearcherRerankCancelledIsNoFallback(t *testing.T) {
	s := rerankStore(t)
	fake := rerankfake.New(t)
	fake.Fail(rerankfake.Fault{Delay: time.Minute})
	r := newTestReranker(t, RerankOptions{BaseURL: fake.URL()})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for len(fake.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	got, err := Searcher{Store: s, Reranker: r}.Retrieve(ctx, "城市大脑", 3)
	if err != nil || len(got) != 3 {
		t.Fatalf("got %d passages, err %v; want the fused 3", len(got), err)
	}
	if st := r.Stats(); st.Fallbacks != 0 {
		t.Errorf("a search its caller abandoned counted as a fallback: %+v", st)
	}
}

func TestSearcherRerankEdgeCases(t *testing.T) {
	s := rerankStore(t)
	fake := rerankfake.New(t)
	r := newTestReranker(t, RerankOptions{BaseURL: fake.URL()})
	rs := Searcher{Store: s, Reranker: r}
	if _, err := rs.Retrieve(t.Context(), "？！", 5); !errors.Is(err, ErrEmptyQuery) {
		t.Errorf("empty query: %v, want ErrEmptyQuery", err)
	}
	got, err := rs.Retrieve(t.Context(), "完全无关的火星文字", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 && len(fake.Requests()) != 0 {
		t.Error("no candidates, yet the reranker was called")
	}
	// k = 0 means the default 5, reranked or not.
	if got, err := rs.Retrieve(t.Context(), "城市大脑", 0); err != nil || len(got) != 5 {
		t.Errorf("k = 0: %d passages, err %v; want 5", len(got), err)
	}
}

func TestRerankStatusErrorNamesField(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
		want   bool
	}{
		{422, "Failed to deserialize the JSON body into the target type: missing field `texts` at line 1", true},
		{400, `{"detail":[{"type":"missing","loc":["body","texts"],"msg":"Field required"}]}`, true},
		{422, "texts: too many", false},
		{503, "missing field `texts`", false},
		{429, "missing field `texts`", false},
	} {
		e := &rerankStatusError{status: tt.status, body: tt.body}
		if got := e.names("texts"); got != tt.want {
			t.Errorf("%d %q names texts: %v, want %v", tt.status, tt.body, got, tt.want)
		}
	}
	if got := (&rerankStatusError{status: http.StatusBadGateway}).Error(); got != "reranker answered 502 Bad Gateway" {
		t.Errorf("message %q", got)
	}
}

// BenchmarkRerankOverhead measures what a reranker adds to a search, in process, against a fake
// service that answers at once (its handler's own time is measured and subtracted):
//
//   - paired: each op is the same query searched twice, without and with the reranker, one
//     after the other, so that load from outside hits both alike. fused-ms/op and
//     reranked-ms/op are the two searches; overhead-ms/op is reranked less fused less the
//     fake's time: what wenda adds around the rerank call (reading 30 candidates instead of
//     10, encoding, the loopback HTTP round trip, decoding, reordering).
//   - rerank-step: the re-scoring alone on each query's fused top 30; overhead-ms/op is its
//     time less the fake's.
//
// Reproduce with: go test -run '^$' -bench 'RerankOverhead/chunks=100000' -benchmem ./rag/
func BenchmarkRerankOverhead(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		prefix := fmt.Sprintf("chunks=%d/", n)
		// One store for both: loading 100k chunks takes seconds and a gigabyte.
		var store *Store
		open := func(b *testing.B) *Store {
			if store == nil {
				store, _ = benchStore(b, n)
				runtime.GC() // the load's garbage would otherwise be collected during the first run
			}
			return store
		}
		b.Run(prefix+"paired", func(b *testing.B) {
			s := open(b)
			fake := rerankfake.New(b)
			rr, err := NewReranker(RerankOptions{BaseURL: fake.URL()})
			if err != nil {
				b.Fatal(err)
			}
			plain, reranked := Searcher{Store: s}, Searcher{Store: s, Reranker: rr}
			var fusedTime, rerankedTime time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				q := benchQueries[i%len(benchQueries)]
				start := time.Now()
				if _, err := plain.Retrieve(b.Context(), q, 10); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := reranked.Retrieve(b.Context(), q, 10); err != nil {
					b.Fatal(err)
				}
				fusedTime += mid.Sub(start)
				rerankedTime += time.Since(mid)
				i++
			}
			if st := rr.Stats(); st.Fallbacks > 0 {
				b.Fatalf("%d of %d reranks fell back", st.Fallbacks, st.Reranks)
			}
			busy := fake.Busy()
			b.ReportMetric(ms(fusedTime, i), "fused-ms/op")
			b.ReportMetric(ms(rerankedTime, i), "reranked-ms/op")
			b.ReportMetric(ms(busy, i), "fake-ms/op")
			b.ReportMetric(ms(rerankedTime-fusedTime-busy, i), "overhead-ms/op")
		})
		b.Run(prefix+"rerank-step", func(b *testing.B) {
			s := open(b)
			fake := rerankfake.New(b)
			rr, err := NewReranker(RerankOptions{BaseURL: fake.URL()})
			if err != nil {
				b.Fatal(err)
			}
			fused := make([][]Passage, len(benchQueries))
			for qi, q := range benchQueries {
				if fused[qi], err = (Searcher{Store: s}).Retrieve(b.Context(), q, rr.depth); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				qi := i % len(benchQueries)
				// rerank reorders a copy: the fused lists stay as they were for the next round.
				if out := rr.rerank(b.Context(), benchQueries[qi], slices.Clone(fused[qi]), 10); len(out) != 10 {
					b.Fatalf("%d passages", len(out))
				}
				i++
			}
			if st := rr.Stats(); st.Fallbacks > 0 {
				b.Fatalf("%d of %d reranks fell back", st.Fallbacks, st.Reranks)
			}
			busy := fake.Busy()
			b.ReportMetric(ms(busy, i), "fake-ms/op")
			b.ReportMetric(ms(b.Elapsed()-busy, i), "overhead-ms/op")
		})
	}
}

// ms is d per op in milliseconds.
func ms(d time.Duration, ops int) float64 {
	if ops == 0 {
		return 0
	}
	return float64(d.Microseconds()) / 1000 / float64(ops)
}
