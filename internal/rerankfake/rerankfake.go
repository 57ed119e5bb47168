// Package rerankfake is an httptest fake of a reranking (cross-encoder) service, shared by the
// tests of rag and cmd/wenda. It speaks one of the two request shapes in use, Jina/Cohere or
// Hugging Face TEI, answers the other with the client error a real server of its kind sends,
// records every request and fails on demand from a scripted queue. It imports only the
// standard library.
package rerankfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// Shape is the request and reply layout a fake speaks.
type Shape int

const (
	// Cohere is POST /v1/rerank {model, query, documents, top_n} → {results: [{index,
	// relevance_score, document}]}, as Jina, Cohere, vLLM and SiliconFlow serve it.
	Cohere Shape = iota
	// TEI is POST /rerank {query, texts} → [{index, score}], as text-embeddings-inference
	// serves it.
	TEI
)

func (s Shape) String() string {
	if s == TEI {
		return "tei"
	}
	return "cohere"
}

// Request is one recorded request, in either shape.
type Request struct {
	Shape         Shape // the shape the request was in (not necessarily the fake's)
	Model         string
	Query         string
	Docs          []string
	TopN          int
	Authorization string
}

// Fault replaces the fake's normal answer to one request. Queue faults with Server.Fail.
type Fault struct {
	// Delay holds the answer back this long, or until the client gives up.
	Delay time.Duration
	// Status, when positive, answers with this status and Body; negative closes the
	// connection without an answer.
	Status int
	Body   string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
}

// Option configures New.
type Option func(*Server)

// WithShape sets the shape the fake speaks (default Cohere).
func WithShape(s Shape) Option { return func(srv *Server) { srv.shape = s } }

// WithScore sets how a document is scored against a query (default Score).
func WithScore(f func(query, doc string) float64) Option { return func(s *Server) { s.score = f } }

// WithMaxBatch makes the fake refuse requests of more than n documents, as TEI refuses more
// than its max_client_batch_size.
func WithMaxBatch(n int) Option { return func(s *Server) { s.maxBatch = n } }

// Server is a running fake. It is safe for concurrent requests.
type Server struct {
	srv      *httptest.Server
	done     chan struct{}
	shape    Shape
	score    func(query, doc string) float64
	maxBatch int

	mu       sync.Mutex
	reqs     []Request
	faults   []Fault
	inFlight int
	maxIn    int
	busy     time.Duration
}

// New starts a fake and closes it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	s := &Server{done: make(chan struct{}), score: Score}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL is the base URL a user would configure: the root for TEI, the root plus /v1 otherwise.
func (s *Server) URL() string {
	if s.shape == TEI {
		return s.srv.URL
	}
	return s.srv.URL + "/v1"
}

// Fail queues faults for the next requests, one per request, in order.
func (s *Server) Fail(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Requests returns every request received so far, failed ones included, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// MaxConcurrent is the largest number of requests in progress at once.
func (s *Server) MaxConcurrent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

// Busy is the total time spent inside the fake's handler, from reading the request to the end
// of writing its reply: the fake's own share of a client's time, for benchmarks to subtract.
func (s *Server) Busy() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy
}

// Score is the default scoring: deterministic and unrelated to any ranking, so a client that
// uses it visibly reorders its candidates. It is in [0, 1).
func Score(query, doc string) float64 {
	h := fnv.New64a()
	h.Write([]byte(query))
	h.Write([]byte{0})
	h.Write([]byte(doc))
	return float64(h.Sum64()>>11) / (1 << 53)
}

type request struct {
	Model     string    `json:"model"`
	Query     *string   `json:"query"`
	Documents *[]string `json:"documents"`
	Texts     *[]string `json:"texts"`
	TopN      int       `json:"top_n"`
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		s.mu.Lock()
		s.busy += time.Since(start)
		s.inFlight--
		s.mu.Unlock()
	}()
	var req request
	decodeErr := json.NewDecoder(r.Body).Decode(&req)
	rec := Request{Model: req.Model, TopN: req.TopN, Authorization: r.Header.Get("Authorization")}
	if req.Query != nil {
		rec.Query = *req.Query
	}
	switch {
	case req.Texts != nil:
		rec.Shape, rec.Docs = TEI, *req.Texts
	case req.Documents != nil:
		rec.Docs = *req.Documents
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	var f Fault
	if len(s.faults) > 0 {
		f, s.faults = s.faults[0], s.faults[1:]
	}
	s.inFlight++
	s.maxIn = max(s.maxIn, s.inFlight)
	s.mu.Unlock()

	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	if f.Status < 0 {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.WriteHeader(f.Status)
		fmt.Fprint(w, f.Body)
		return
	}
	path := "/v1/rerank"
	if s.shape == TEI {
		path = "/rerank"
	}
	switch {
	case r.Method != http.MethodPost || r.URL.Path != path:
		http.NotFound(w, r)
		return
	case decodeErr != nil || req.Query == nil:
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	case s.shape == TEI && req.Texts == nil:
		// What TEI's JSON extractor says, word for word in the part that matters.
		http.Error(w, "Failed to deserialize the JSON body into the target type: missing field `texts` at line 1 column 42",
			http.StatusUnprocessableEntity)
		return
	case s.shape == Cohere && req.Documents == nil:
		// vLLM's (pydantic's) way of saying it.
		writeJSON(w, http.StatusBadRequest, map[string]any{"object": "error", "type": "BadRequestError", "code": 400,
			"message": "[{'type': 'missing', 'loc': ('body', 'documents'), 'msg': 'Field required'}]"})
		return
	case s.maxBatch > 0 && len(rec.Docs) > s.maxBatch:
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error_type": "Validation",
			"error": fmt.Sprintf("batch size %d > maximum allowed batch size %d", len(rec.Docs), s.maxBatch)})
		return
	}
	type result struct {
		Index int     `json:"index"`
		Score float64 `json:"score"`
	}
	results := make([]result, len(rec.Docs))
	for i, d := range rec.Docs {
		results[i] = result{i, s.score(rec.Query, d)}
	}
	slices.SortStableFunc(results, func(a, b result) int { return cmp.Compare(b.Score, a.Score) })
	if s.shape == TEI {
		writeJSON(w, http.StatusOK, results)
		return
	}
	if req.TopN > 0 && req.TopN < len(results) {
		results = results[:req.TopN]
	}
	out := make([]map[string]any, len(results))
	for i, res := range results {
		out[i] = map[string]any{"index": res.Index, "relevance_score": res.Score, "document": map[string]string{"text": rec.Docs[res.Index]}}
	}
	writeJSON(w, http.StatusOK, map[string]any{"model": req.Model, "results": out, "usage": map[string]int{"total_tokens": 1}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
