package rag

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// RerankOptions configure a Reranker. Zero values take the defaults named below.
type RerankOptions struct {
	// BaseURL is the service's API root, such as https://api.jina.ai/v1 or a TEI server's
	// http://host:8080. Requests go to BaseURL + "/rerank"; a URL that already ends in /rerank
	// is used as given.
	BaseURL string
	// APIKey is sent as a bearer token when set. It never appears in errors or logs.
	APIKey string
	// Model names the cross-encoder; it is left out of requests when empty (TEI serves one).
	Model string
	// Depth is how many of the best fused candidates are re-scored (default 30). Passages
	// below them keep their fused order.
	Depth int
	// Timeout bounds re-scoring one search, retry included (default 10 s).
	Timeout time.Duration
	// Concurrency bounds the calls in flight for one search when its candidates need more than
	// one (default 4).
	Concurrency int
	// HTTPClient sends the requests (default one with its own keep-alive pool).
	HTTPClient *http.Client
	// Logger receives a warning for every search that fell back to the fused order.
	Logger *slog.Logger
}

// Defaults for RerankOptions, and the request size limit.
const (
	defaultRerankDepth       = 30
	defaultRerankTimeout     = 10 * time.Second
	defaultRerankConcurrency = 4
	// maxRerankBatch is the most documents one request carries: TEI refuses more than its
	// max_client_batch_size, 32 by default, and the hosted services accept at least that.
	maxRerankBatch = 32
	// rerankRetryBase is the wait before the one retry when the service names none; short,
	// since a search is waiting.
	rerankRetryBase = 200 * time.Millisecond
	// maxRerankReply bounds a reply read into memory: 32 scores with echoed documents are
	// tens of kilobytes.
	maxRerankReply = 4 << 20
)

// Reranker re-scores a search's best fused candidates with a remote cross-encoder, which reads
// the query and each passage together and so judges relevance better than either ranking that
// found them. It speaks both request shapes in use and finds out which one the service wants
// from its first reply:
//
//   - Jina/Cohere: {model, query, documents, top_n} → {results: [{index, relevance_score}]}
//     (Jina, Cohere, vLLM, Xinference, SiliconFlow, llama.cpp);
//   - TEI (Hugging Face text-embeddings-inference): {query, texts} → [{index, score}].
//
// A Reranker is safe for concurrent use. It never makes a search fail: when the service
// cannot be reached or answers nonsense, the search keeps its fused order, and the failure is
// logged and counted in Stats.
type Reranker struct {
	endpoint    string
	shownURL    string // endpoint with any password hidden, for logs
	apiKey      string
	model       string
	depth       int
	timeout     time.Duration
	concurrency int
	client      *http.Client
	logger      *slog.Logger
	retryBase   time.Duration

	shape     atomic.Int32 // a rerankShape: the last one the service accepted
	reranks   atomic.Uint64
	fallbacks atomic.Uint64
}

// RerankStats counts a Reranker's work since it was made.
type RerankStats struct {
	// Reranks is the number of searches sent to the service.
	Reranks uint64
	// Fallbacks is how many of them kept the fused order because the service failed. A search
	// whose caller gave up first is not counted as a fallback.
	Fallbacks uint64
}

// NewReranker returns a reranker for the service at opts.BaseURL, which must be an http or
// https URL.
func NewReranker(opts RerankOptions) (*Reranker, error) {
	u, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("reranker base URL %q is not an http:// or https:// URL", opts.BaseURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/rerank") {
		u.Path += "/rerank"
	}
	u.RawPath = ""
	r := &Reranker{
		endpoint:    u.String(),
		shownURL:    u.Redacted(),
		apiKey:      opts.APIKey,
		model:       opts.Model,
		depth:       opts.Depth,
		timeout:     opts.Timeout,
		concurrency: opts.Concurrency,
		client:      opts.HTTPClient,
		logger:      opts.Logger,
		retryBase:   rerankRetryBase,
	}
	if r.depth <= 0 {
		r.depth = defaultRerankDepth
	}
	if r.timeout <= 0 {
		r.timeout = defaultRerankTimeout
	}
	if r.concurrency <= 0 {
		r.concurrency = defaultRerankConcurrency
	}
	if r.client == nil {
		// The default transport keeps two idle connections per host; concurrent searches would
		// open and close connections to the reranker all the time.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 16
		r.client = &http.Client{Transport: t}
	}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

// URL is where the reranker posts, with any password in it hidden.
func (r *Reranker) URL() string { return r.shownURL }

// Stats returns the counts so far.
func (r *Reranker) Stats() RerankStats {
	return RerankStats{Reranks: r.reranks.Load(), Fallbacks: r.fallbacks.Load()}
}

// Rerank scores each document's relevance to query: one score per document, in input order,
// higher meaning more relevant (the service's scale, comparable within one call). A document
// the service left out of its reply scores -Inf. Documents go in requests of at most 32, up to
// Concurrency at a time, all within Timeout; the first to fail cancels the rest and its error
// is returned.
func (r *Reranker) Rerank(ctx context.Context, query string, docs []string) ([]float64, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	calls := (len(docs) + maxRerankBatch - 1) / maxRerankBatch
	if calls == 1 {
		scores, err := r.call(ctx, query, docs)
		return scores, redact(err, r.apiKey)
	}
	// Even batches: 40 documents go as 20 + 20, not 32 + 8, so neither call waits on the other.
	size := (len(docs) + calls - 1) / calls
	scores := make([]float64, len(docs))
	ctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	sem := make(chan struct{}, r.concurrency)
	var wg sync.WaitGroup
	for start := 0; start < len(docs); start += size {
		end := min(start+size, len(docs))
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			s, err := r.call(ctx, query, docs[start:end])
			if err != nil {
				fail(fmt.Errorf("documents %d to %d: %w", start, end-1, err))
				return
			}
			copy(scores[start:end], s)
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, redact(err, r.apiKey)
	}
	return scores, nil
}

// rerank re-scores the first Depth passages of ps (fused order, best first) and returns the
// best k: the re-scored ones by relevance, with it as their Score, then the rest in fused order.
// Equal scores keep their fused order. On failure ps keeps its order.
func (r *Reranker) rerank(ctx context.Context, query string, ps []Passage, k int) []Passage {
	n := min(len(ps), r.depth)
	if n == 0 {
		return ps
	}
	r.reranks.Add(1)
	texts := make([]string, n)
	for i := range n {
		texts[i] = ps[i].Chunk.Text
	}
	scores, err := r.Rerank(ctx, query, texts)
	if err != nil {
		if ctx.Err() != nil {
			r.logger.Debug("rerank abandoned: the search was cancelled", "err", err)
		} else {
			r.fallbacks.Add(1)
			r.logger.Warn("reranker failed; search results keep the fused order",
				"url", r.shownURL, "candidates", n, "err", err)
		}
		return ps[:min(k, len(ps))]
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	out := make([]Passage, 0, min(k, len(ps)))
	for _, i := range order {
		if len(out) == k {
			return out
		}
		p := ps[i]
		if !math.IsInf(scores[i], -1) { // left unscored by the service: keeps its fused score
			p.Score = scores[i]
		}
		out = append(out, p)
	}
	for _, p := range ps[n:] {
		if len(out) == k {
			break
		}
		out = append(out, p)
	}
	return out
}

// retrieveReranked is Retrieve with a reranker: the fused ranking is read deep enough to fill
// the rerank window, and the store's lock is released before the (slow, remote) re-scoring.
func (r Searcher) retrieveReranked(ctx context.Context, query string, k int) ([]Passage, error) {
	if k <= 0 {
		k = 5
	}
	fused := r
	fused.Reranker = nil
	ps, err := fused.Retrieve(ctx, query, max(k, r.Reranker.depth))
	if err != nil {
		return nil, err
	}
	return r.Reranker.rerank(ctx, query, ps, k), nil
}

// rerankShape is a request body layout.
type rerankShape int32

const (
	shapeCohere rerankShape = iota // Jina/Cohere: documents in, results out; tried first
	shapeTEI                       // text-embeddings-inference: texts in, a bare array out
)

func (s rerankShape) other() rerankShape { return 1 - s }

// docsField is the request field that carries the documents: the one a service of the other
// shape says is missing.
func (s rerankShape) docsField() string {
	if s == shapeTEI {
		return "texts"
	}
	return "documents"
}

func (s rerankShape) String() string {
	if s == shapeTEI {
		return "tei"
	}
	return "jina/cohere"
}

// call scores one batch. A 4xx that names the other shape's documents field (TEI: "missing
// field `texts`"; vLLM: "documents: Field required") switches the shape for this and every
// later call; a transient failure (timeout, network, 408, 429, 5xx) is retried once, after the
// service's Retry-After when it gives one, unless the wait would pass ctx's deadline.
func (r *Reranker) call(ctx context.Context, query string, docs []string) ([]float64, error) {
	switched, retried := false, false
	for {
		shape := rerankShape(r.shape.Load())
		scores, err := r.post(ctx, shape, query, docs)
		if err == nil {
			return scores, nil
		}
		var se *rerankStatusError
		isStatus := errors.As(err, &se)
		if isStatus && !switched && se.names(shape.other().docsField()) {
			if r.shape.CompareAndSwap(int32(shape), int32(shape.other())) {
				r.logger.Info("reranker wants the other request shape; switching", "url", r.shownURL, "shape", shape.other())
			}
			switched = true
			continue
		}
		if retried || ctx.Err() != nil || !rerankRetryable(err) {
			return nil, err
		}
		retried = true
		wait := r.retryBase/2 + rand.N(r.retryBase/2+1)
		if isStatus && se.retryAfter > 0 {
			wait = se.retryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return nil, fmt.Errorf("%w (a retry in %s would pass the deadline)", err, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting to retry: %w)", context.Cause(ctx), err)
		}
	}
}

type cohereRerankRequest struct {
	Model     string   `json:"model,omitempty"`
	Query     string   `json:"query"`
	Documents []string `json:"documents"`
	TopN      int      `json:"top_n"` // all of them: the caller merges batches and keeps what it needs
}

type teiRerankRequest struct {
	Query string   `json:"query"`
	Texts []string `json:"texts"`
	// Truncate lets TEI cut a passage longer than the model's window instead of refusing it.
	Truncate bool `json:"truncate"`
}

// post sends one request in the given shape and parses the reply.
func (r *Reranker) post(ctx context.Context, shape rerankShape, query string, docs []string) ([]float64, error) {
	var body any = cohereRerankRequest{Model: r.model, Query: query, Documents: docs, TopN: len(docs)}
	if shape == shapeTEI {
		body = teiRerankRequest{Query: query, Texts: docs, Truncate: true}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode rerank request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.endpoint, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("rerank request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if r.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.apiKey)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Read enough to find a named field and to show the service's message in the log; the
		// rest is drained a little so the connection can be reused.
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &rerankStatusError{status: resp.StatusCode, body: string(msg), retryAfter: retryAfter(resp.Header, time.Now())}
	}
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxRerankReply+1))
	if err != nil {
		return nil, fmt.Errorf("read rerank reply: %w", err)
	}
	if len(reply) > maxRerankReply {
		return nil, fmt.Errorf("rerank reply is larger than %d bytes", maxRerankReply)
	}
	scores, err := parseRerankReply(reply, docs)
	if err != nil {
		return nil, fmt.Errorf("rerank reply (%s shape): %w", shape, err)
	}
	return scores, nil
}

// rerankStatusError is a reply other than 200.
type rerankStatusError struct {
	status     int
	body       string
	retryAfter time.Duration
}

func (e *rerankStatusError) Error() string {
	msg := strings.Join(strings.Fields(e.body), " ")
	if len(msg) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	if msg == "" {
		return fmt.Sprintf("reranker answered %d %s", e.status, http.StatusText(e.status))
	}
	return fmt.Sprintf("reranker answered %d %s: %s", e.status, http.StatusText(e.status), msg)
}

// names reports whether the reply is a client error that complains about field: the service
// expects the other request shape.
func (e *rerankStatusError) names(field string) bool {
	if e.status < 400 || e.status >= 500 || e.status == http.StatusTooManyRequests {
		return false
	}
	body := strings.ToLower(e.body)
	return strings.Contains(body, field) && (strings.Contains(body, "missing") || strings.Contains(body, "required"))
}

// rerankRetryable reports whether err is worth one more try: a timeout, a network failure, or
// a 408, 429 or 5xx reply.
func rerankRetryable(err error) bool {
	var se *rerankStatusError
	if errors.As(err, &se) {
		return se.status == http.StatusRequestTimeout || se.status == http.StatusTooManyRequests || se.status >= 500
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// rerankItem is one scored document in any of the reply layouts seen.
type rerankItem struct {
	Index          *int     `json:"index"`
	RelevanceScore *float64 `json:"relevance_score"`
	Score          *float64 `json:"score"`
	// Document (Jina, Cohere with return_documents: a string or {"text": ...}) and Text (TEI
	// with return_text) identify the document when a service leaves out the index.
	Document json.RawMessage `json:"document"`
	Text     *string         `json:"text"`
}

// parseRerankReply reads {"results": [...]}, {"data": [...]} or a bare array of items, and
// returns one score per document in docs' order, -Inf for a document the reply leaves out.
func parseRerankReply(reply []byte, docs []string) ([]float64, error) {
	reply = bytes.TrimSpace(reply)
	var items []rerankItem
	switch {
	case len(reply) > 0 && reply[0] == '[':
		if err := json.Unmarshal(reply, &items); err != nil {
			return nil, fmt.Errorf("not a list of scores: %w", err)
		}
	case len(reply) > 0 && reply[0] == '{':
		var env struct {
			Results *[]rerankItem `json:"results"`
			Data    *[]rerankItem `json:"data"`
		}
		if err := json.Unmarshal(reply, &env); err != nil {
			return nil, fmt.Errorf("not a reply object: %w", err)
		}
		switch {
		case env.Results != nil:
			items = *env.Results
		case env.Data != nil:
			items = *env.Data
		default:
			return nil, errors.New("the reply has neither results nor data")
		}
	default:
		return nil, errors.New("the reply is not JSON")
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no scores for %d documents", len(docs))
	}
	scores := make([]float64, len(docs))
	for i := range scores {
		scores[i] = math.Inf(-1)
	}
	seen := make([]bool, len(docs))
	for n, it := range items {
		var s float64
		switch {
		case it.RelevanceScore != nil:
			s = *it.RelevanceScore
		case it.Score != nil:
			s = *it.Score
		default:
			return nil, fmt.Errorf("result %d has no score", n)
		}
		i := -1
		if it.Index != nil {
			i = *it.Index
		} else if text, ok := it.text(); ok {
			for j, d := range docs {
				if !seen[j] && d == text {
					i = j
					break
				}
			}
		}
		if i < 0 || i >= len(docs) || seen[i] {
			return nil, fmt.Errorf("result %d names no document of the %d sent, or one already scored", n, len(docs))
		}
		seen[i] = true
		scores[i] = s
	}
	return scores, nil
}

// text is the document text an item echoes, if any.
func (it rerankItem) text() (string, bool) {
	if it.Text != nil {
		return *it.Text, true
	}
	if len(it.Document) == 0 {
		return "", false
	}
	var s string
	if json.Unmarshal(it.Document, &s) == nil {
		return s, true
	}
	var obj struct {
		Text *string `json:"text"`
	}
	if json.Unmarshal(it.Document, &obj) == nil && obj.Text != nil {
		return *obj.Text, true
	}
	return "", false
}
