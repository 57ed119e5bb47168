package openaifake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Endpoint names one of the fake's routes, for Fail and MaxConcurrent.
type Endpoint string

// The routes the fake serves, relative to its host.
const (
	Embeddings Endpoint = "/v1/embeddings"
	Chat       Endpoint = "/v1/chat/completions"
)

// DefaultDim is the dimension of the fake's embeddings unless WithDim says otherwise.
const DefaultDim = 16

// EmbeddingRequest is one recorded call of POST /v1/embeddings.
type EmbeddingRequest struct {
	Model         string
	Input         []string
	Authorization string // the Authorization header as sent
}

// Message is one chat message of a recorded ChatRequest.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ChatRequest is one recorded call of POST /v1/chat/completions.
type ChatRequest struct {
	Model         string
	Messages      []Message
	Stream        bool
	Temperature   float32 // 0 when the client left it out
	Authorization string  // the Authorization header as sent
}

// Fault replaces or disturbs the fake's normal answer to one request. Queue faults with
// Server.Fail; each request takes the next fault queued for its endpoint, if any.
type Fault struct {
	// Delay holds the response back this long, or until the client gives up; then the request
	// is answered as the other fields say. A Delay longer than the client's timeout is a hang.
	Delay time.Duration
	// Status, when non-zero, answers with this HTTP status and Body instead of serving.
	Status int
	// Body is the response body for Status; empty means an OpenAI-style JSON error.
	Body string
	// RetryAfter, when set, is sent as the Retry-After header (seconds or an HTTP date).
	RetryAfter string
	// Dim, for embeddings, returns vectors of this dimension instead of the server's.
	Dim int
	// Empty, for chat, answers with an empty completion.
	Empty bool
	// Break, for streamed chat, aborts the connection after BreakAfter content pieces, without
	// the final chunk and "[DONE]", as a dropped connection does.
	Break      bool
	BreakAfter int
	// NoFinish, for streamed chat, leaves out the chunk that carries finish_reason, and NoDone
	// the closing "data: [DONE]". With both the response still ends cleanly: that is what a
	// client sees when a server or proxy closes a connection-delimited body mid-answer. With
	// Cut the stream also stops after BreakAfter content pieces.
	NoFinish bool
	NoDone   bool
	Cut      bool
}

// CutStream is a streamed reply that ends cleanly after n content pieces, with neither a
// finish_reason nor "[DONE]".
func CutStream(n int) Fault { return Fault{Cut: true, BreakAfter: n, NoFinish: true, NoDone: true} }

// RateLimited is a 429 fault carrying Retry-After: seconds.
func RateLimited(seconds int) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: fmt.Sprint(seconds)}
}

// Option configures New.
type Option func(*Server)

// WithDim sets the embedding dimension.
func WithDim(n int) Option { return func(s *Server) { s.dim = n } }

// WithReply chooses each chat reply. The default echoes the last user message as
// "echo: <message>".
func WithReply(f func(ChatRequest) string) Option { return func(s *Server) { s.reply = f } }

// WithStreamPieces sets how streamed replies are cut into chunks (each piece is one
// delta.content, sent as is) and the pause before every piece after the first. The default sends
// pieces of up to four runes with no pause.
func WithStreamPieces(split func(reply string) []string, delay time.Duration) Option {
	return func(s *Server) { s.split, s.pieceDelay = split, delay }
}

// WithPieceHook calls f(i) in the handler just before the i-th content piece of a streamed reply
// is written and flushed. Benchmarks take timestamps here; tests can block here to check that the
// client forwards a piece before the next one exists.
func WithPieceHook(f func(i int)) Option { return func(s *Server) { s.onPiece = f } }

// WithAPIKey makes the fake require "Authorization: Bearer key". Other requests get a 401 whose
// message repeats the key presented, as some compatible servers do, so tests can check that
// clients keep keys out of their errors.
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// Server is a running fake. It is safe for concurrent requests.
type Server struct {
	t          testing.TB
	srv        *httptest.Server
	done       chan struct{} // closed at cleanup, to release delayed handlers
	dim        int
	reply      func(ChatRequest) string
	split      func(string) []string
	pieceDelay time.Duration
	onPiece    func(int)
	apiKey     string

	mu       sync.Mutex
	embeds   []EmbeddingRequest
	chats    []ChatRequest
	faults   map[Endpoint][]Fault
	inFlight map[Endpoint]int
	maxIn    map[Endpoint]int
}

// New starts a fake and closes it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	s := &Server{
		t:        t,
		done:     make(chan struct{}),
		dim:      DefaultDim,
		reply:    echo,
		split:    func(r string) []string { return splitRunes(r, 4) },
		faults:   map[Endpoint][]Fault{},
		inFlight: map[Endpoint]int{},
		maxIn:    map[Endpoint]int{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+string(Embeddings), s.embeddings)
	mux.HandleFunc("POST "+string(Chat), s.chat)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL returns the base URL of the API, ending in /v1, as go-openai's BaseURL expects.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Fail queues faults for the next requests to ep, one fault per request, in order.
func (s *Server) Fail(ep Endpoint, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[ep] = append(s.faults[ep], faults...)
}

// EmbeddingRequests returns every embeddings request received so far, failed ones included, in
// arrival order.
func (s *Server) EmbeddingRequests() []EmbeddingRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]EmbeddingRequest(nil), s.embeds...)
}

// ChatRequests returns every chat request received so far, failed ones included, in arrival
// order.
func (s *Server) ChatRequests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.chats...)
}

// MaxConcurrent returns the largest number of requests to ep that were in progress at once. A
// request counts from its arrival until the fake starts the last write of its response, because
// the client may have everything it needs as soon as that write is made.
func (s *Server) MaxConcurrent(ep Endpoint) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn[ep]
}

// Vector is the fake's embedding of text: deterministic, derived from the text's hash, and
// deliberately not unit length, as some real models' vectors are not.
func Vector(text string, dim int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	x := h.Sum64()
	v := make([]float32, dim)
	for i := range v {
		// splitmix64: a well-mixed stream from one seed, so similar texts get unrelated vectors.
		x += 0x9E3779B97F4A7C15
		z := x
		z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		z ^= z >> 31
		v[i] = float32(z>>11)/float32(1<<53)*4 - 2 // uniform in [-2, 2)
	}
	return v
}

// begin records that a request to ep started, takes its fault and returns a func to call just
// before the last write of the response (and deferred, for the paths that write nothing); only
// its first call counts.
func (s *Server) begin(ep Endpoint, record func()) (Fault, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	record()
	var f Fault
	if q := s.faults[ep]; len(q) > 0 {
		f, s.faults[ep] = q[0], q[1:]
	}
	s.inFlight[ep]++
	s.maxIn[ep] = max(s.maxIn[ep], s.inFlight[ep])
	return f, sync.OnceFunc(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.inFlight[ep]--
	})
}

// disturb applies a fault's delay, status and auth check, calling end before it answers. It
// reports whether the request has been answered (or abandoned) and the handler should stop.
func (s *Server) disturb(w http.ResponseWriter, r *http.Request, f Fault, end func()) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		case <-s.done:
			return true
		}
	}
	if got := r.Header.Get("Authorization"); s.apiKey != "" && got != "Bearer "+s.apiKey {
		end()
		writeError(w, http.StatusUnauthorized, "incorrect API key provided: "+strings.TrimPrefix(got, "Bearer "))
		return true
	}
	if f.Status == 0 {
		return false
	}
	end()
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Body != "" {
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	writeError(w, f.Status, "fake failure: "+http.StatusText(f.Status))
	return true
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": msg, "type": "fake_error", "code": status},
	})
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.t.Errorf("openaifake: decode embeddings request: %v", err)
		writeError(w, http.StatusBadRequest, "bad json")
		return
	}
	var input []string
	if err := json.Unmarshal(body.Input, &input); err != nil {
		var one string
		if err := json.Unmarshal(body.Input, &one); err != nil {
			s.t.Errorf("openaifake: embeddings input is neither a string nor a list of strings: %s", body.Input)
			writeError(w, http.StatusBadRequest, "bad input")
			return
		}
		input = []string{one}
	}
	f, end := s.begin(Embeddings, func() {
		s.embeds = append(s.embeds, EmbeddingRequest{Model: body.Model, Input: input, Authorization: r.Header.Get("Authorization")})
	})
	defer end()
	if s.disturb(w, r, f, end) {
		return
	}
	dim := s.dim
	if f.Dim > 0 {
		dim = f.Dim
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	data := make([]item, len(input))
	tokens := 0
	for i, text := range input {
		data[i] = item{Object: "embedding", Index: i, Embedding: Vector(text, dim)}
		tokens += len([]rune(text))
	}
	end()
	writeJSON(w, map[string]any{
		"object": "list",
		"data":   data,
		"model":  body.Model,
		"usage":  map[string]int{"prompt_tokens": tokens, "total_tokens": tokens},
	})
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model       string    `json:"model"`
		Messages    []Message `json:"messages"`
		Stream      bool      `json:"stream"`
		Temperature float32   `json:"temperature"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.t.Errorf("openaifake: decode chat request: %v", err)
		writeError(w, http.StatusBadRequest, "bad json")
		return
	}
	req := ChatRequest{
		Model: body.Model, Messages: body.Messages, Stream: body.Stream,
		Temperature: body.Temperature, Authorization: r.Header.Get("Authorization"),
	}
	f, end := s.begin(Chat, func() { s.chats = append(s.chats, req) })
	defer end()
	if s.disturb(w, r, f, end) {
		return
	}
	reply := ""
	if !f.Empty {
		reply = s.reply(req)
	}
	if !body.Stream {
		end()
		writeJSON(w, map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": body.Model,
			"choices": []any{map[string]any{
				"index":         0,
				"message":       map[string]string{"role": "assistant", "content": reply},
				"finish_reason": "stop",
			}},
		})
		return
	}
	s.stream(w, r, body.Model, reply, f, end)
}

// stream writes reply as server-sent events the way OpenAI does: a role-only chunk, one chunk per
// piece, a chunk with finish_reason, then [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, model, reply string, f Fault, end func()) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	send := func(delta map[string]string, finish any) {
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		fmt.Fprintf(w, "data: %s\n\n", b)
		_ = rc.Flush()
	}
	abort := func() {
		// ErrAbortHandler makes net/http drop the connection without ending the chunked body and
		// without logging, which is what the client of a dead upstream sees.
		panic(http.ErrAbortHandler)
	}
	send(map[string]string{"role": "assistant", "content": ""}, nil)
	var pieces []string
	if reply != "" {
		pieces = s.split(reply)
	}
	for i, p := range pieces {
		if f.Break && i == f.BreakAfter {
			abort()
		}
		if f.Cut && i == f.BreakAfter {
			break
		}
		if i > 0 && s.pieceDelay > 0 {
			select {
			case <-time.After(s.pieceDelay):
			case <-r.Context().Done():
				return
			case <-s.done:
				return
			}
		}
		if s.onPiece != nil {
			s.onPiece(i)
		}
		send(map[string]string{"content": p}, nil)
	}
	if f.Break {
		abort()
	}
	end()
	if !f.NoFinish {
		send(map[string]string{}, "stop")
	}
	if !f.NoDone {
		fmt.Fprint(w, "data: [DONE]\n\n")
		_ = rc.Flush()
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func echo(req ChatRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			return "echo: " + req.Messages[i].Content
		}
	}
	return "echo: (no user message)"
}

// splitRunes cuts s into pieces of up to n runes, so multi-byte characters are never split.
func splitRunes(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}
