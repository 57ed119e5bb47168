package api

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wenda-dev/wenda/rag"
)

// Metrics holds wenda's Prometheus series and writes them in the text exposition format
// (version 0.0.4). It is hand-written rather than client_golang: a few counters, gauges and
// fixed-bucket histograms do not justify the dependency.
type Metrics struct {
	mu       sync.RWMutex
	requests map[requestSeries]*atomic.Uint64
	latency  map[string]*histogram // by route
	stages   map[string]*histogram // by stage

	inflight    atomic.Int64
	llmErrors   atomic.Uint64
	rateLimited atomic.Uint64

	stats  func() rag.Stats
	rerank func() rag.RerankStats // nil without a reranker
}

type requestSeries struct {
	route  string
	status int
}

// NewMetrics returns an empty set of series.
func NewMetrics() *Metrics {
	return &Metrics{
		requests: map[requestSeries]*atomic.Uint64{},
		latency:  map[string]*histogram{},
		stages:   map[string]*histogram{},
	}
}

// latencyBuckets are the histogram upper bounds in seconds: from a cached extractive answer
// (well under a millisecond) to a slow LLM (a minute).
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

type histogram struct {
	counts []atomic.Uint64 // per bucket, not cumulative; one extra for +Inf
	sum    atomic.Uint64   // float64 bits of the sum in seconds
}

func newHistogram() *histogram {
	return &histogram{counts: make([]atomic.Uint64, len(latencyBuckets)+1)}
}

func (h *histogram) observe(seconds float64) {
	i, _ := slices.BinarySearch(latencyBuckets, seconds)
	h.counts[i].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+seconds)) {
			return
		}
	}
}

func (m *Metrics) observeRequest(route string, status int, d time.Duration) {
	key := requestSeries{route, status}
	m.mu.RLock()
	c, h := m.requests[key], m.latency[route]
	m.mu.RUnlock()
	if c == nil || h == nil {
		m.mu.Lock()
		if c = m.requests[key]; c == nil {
			c = new(atomic.Uint64)
			m.requests[key] = c
		}
		if h = m.latency[route]; h == nil {
			h = newHistogram()
			m.latency[route] = h
		}
		m.mu.Unlock()
	}
	c.Add(1)
	h.observe(d.Seconds())
	if status == http.StatusTooManyRequests {
		m.rateLimited.Add(1)
	}
}

// ObserveStage records how long one stage of answering took ("retrieve", "generate").
func (m *Metrics) ObserveStage(stage string, d time.Duration) {
	m.mu.RLock()
	h := m.stages[stage]
	m.mu.RUnlock()
	if h == nil {
		m.mu.Lock()
		if h = m.stages[stage]; h == nil {
			h = newHistogram()
			m.stages[stage] = h
		}
		m.mu.Unlock()
	}
	h.observe(d.Seconds())
}

// LLMError counts one failed call to the configured LLM.
func (m *Metrics) LLMError() { m.llmErrors.Add(1) }

// ObserveReranker makes the reranker's counts part of the series. Call it before serving.
func (m *Metrics) ObserveReranker(stats func() rag.RerankStats) { m.rerank = stats }

// stageTimes collects, per request, the time spent inside the retriever, so the handler can
// split an Ask into retrieve and generate.
type stageTimes struct {
	retrieve atomic.Int64 // nanoseconds
}

// TimeRetriever wraps r so that each Retrieve is recorded as the "retrieve" stage and counted
// against the request that made it.
func (m *Metrics) TimeRetriever(r rag.Retriever) rag.Retriever { return timedRetriever{r, m} }

type timedRetriever struct {
	next rag.Retriever
	m    *Metrics
}

func (t timedRetriever) Retrieve(ctx context.Context, query string, k int) ([]rag.Passage, error) {
	start := time.Now()
	ps, err := t.next.Retrieve(ctx, query, k)
	d := time.Since(start)
	t.m.ObserveStage("retrieve", d)
	if st := requestFrom(ctx).stages; st != nil {
		st.retrieve.Add(int64(d))
	}
	return ps, err
}

// WriteTo writes every series in the Prometheus text format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	m.mu.RLock()
	reqKeys := make([]requestSeries, 0, len(m.requests))
	for k := range m.requests {
		reqKeys = append(reqKeys, k)
	}
	slices.SortFunc(reqKeys, func(a, b requestSeries) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.status - b.status
	})
	header(&b, "wenda_http_requests_total", "counter", "HTTP requests by route pattern and status code.")
	for _, k := range reqKeys {
		fmt.Fprintf(&b, "wenda_http_requests_total{route=%s,status=\"%d\"} %d\n", labelValue(k.route), k.status, m.requests[k].Load())
	}
	header(&b, "wenda_http_request_duration_seconds", "histogram", "HTTP request latency by route pattern, until the handler returns (whole stream included).")
	for _, route := range sortedKeys(m.latency) {
		writeHistogram(&b, "wenda_http_request_duration_seconds", "route", route, m.latency[route])
	}
	header(&b, "wenda_stage_duration_seconds", "histogram", "Time per answering stage: retrieve (search), generate (writing the answer, after retrieval).")
	for _, stage := range sortedKeys(m.stages) {
		writeHistogram(&b, "wenda_stage_duration_seconds", "stage", stage, m.stages[stage])
	}
	m.mu.RUnlock()

	header(&b, "wenda_http_requests_in_flight", "gauge", "HTTP requests being served.")
	fmt.Fprintf(&b, "wenda_http_requests_in_flight %d\n", m.inflight.Load())
	header(&b, "wenda_http_rate_limited_total", "counter", "Requests refused with 429 by the per-client rate limit.")
	fmt.Fprintf(&b, "wenda_http_rate_limited_total %d\n", m.rateLimited.Load())
	header(&b, "wenda_llm_errors_total", "counter", "Failed LLM calls (answers that fell back to extractive are counted here).")
	fmt.Fprintf(&b, "wenda_llm_errors_total %d\n", m.llmErrors.Load())
	if m.rerank != nil {
		st := m.rerank()
		header(&b, "wenda_rerank_total", "counter", "Searches whose best candidates were sent to the reranker.")
		fmt.Fprintf(&b, "wenda_rerank_total %d\n", st.Reranks)
		header(&b, "wenda_rerank_fallbacks_total", "counter", "Searches that kept the fused order because the reranker failed (the log says why).")
		fmt.Fprintf(&b, "wenda_rerank_fallbacks_total %d\n", st.Fallbacks)
	}
	if m.stats != nil {
		st := m.stats()
		header(&b, "wenda_documents", "gauge", "Documents in the index.")
		fmt.Fprintf(&b, "wenda_documents %d\n", st.Documents)
		header(&b, "wenda_chunks", "gauge", "Chunks (passages) in the index.")
		fmt.Fprintf(&b, "wenda_chunks %d\n", st.Chunks)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func header(b *strings.Builder, name, typ, help string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, escapeHelp(help), name, typ)
}

func writeHistogram(b *strings.Builder, name, label, value string, h *histogram) {
	lv := labelValue(value)
	var cum uint64
	for i, le := range latencyBuckets {
		cum += h.counts[i].Load()
		fmt.Fprintf(b, "%s_bucket{%s=%s,le=\"%s\"} %d\n", name, label, lv, strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	cum += h.counts[len(latencyBuckets)].Load()
	// The total is the +Inf bucket, so _count never disagrees with the buckets mid-update.
	fmt.Fprintf(b, "%s_bucket{%s=%s,le=\"+Inf\"} %d\n", name, label, lv, cum)
	fmt.Fprintf(b, "%s_sum{%s=%s} %s\n", name, label, lv, strconv.FormatFloat(math.Float64frombits(h.sum.Load()), 'g', -1, 64))
	fmt.Fprintf(b, "%s_count{%s=%s} %d\n", name, label, lv, cum)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// labelValue quotes a label value, escaping backslash, double quote and newline as the text
// format requires.
func labelValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// escapeHelp escapes backslash and newline in HELP text.
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func handleMetrics(m *Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = m.WriteTo(w)
	})
}
