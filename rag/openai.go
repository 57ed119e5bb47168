package rag

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sashabaranov/go-openai"
)

// OpenAIOptions configure the clients of an OpenAI-compatible service (OpenAI, DeepSeek,
// DashScope, SiliconFlow, Ollama, vLLM, ...). Zero values take the defaults named below.
type OpenAIOptions struct {
	// BaseURL is the API root ending in /v1; empty means OpenAI's.
	BaseURL string
	// APIKey is sent as a bearer token. It is scrubbed from every error message.
	APIKey string
	Model  string
	// Timeout bounds each attempt (default 60 s). A streamed reply is bounded by it only until
	// its first chunk; after that StreamIdleTimeout applies between chunks.
	Timeout time.Duration
	// StreamIdleTimeout is the longest pause allowed between chunks of a streamed reply
	// (default 30 s), so a long answer can stream for as long as it keeps moving.
	StreamIdleTimeout time.Duration
	// ReplyTimeout bounds one chat completion as a whole: every attempt, the waits between them
	// and the stream (default DefaultReplyTimeout). It keeps a hanging or rate-limited model from
	// using up the time an answer has; the answerer falls back when it ends. Embeddings ignore it.
	ReplyTimeout time.Duration
	// MaxRetries is how often a transient failure (429, 5xx, network, timeout) is retried
	// (default 4; negative means never).
	MaxRetries int
	// BatchSize is the number of texts per embeddings request (default 64).
	BatchSize int
	// Concurrency bounds the embedder's requests in flight across all its Embed calls
	// (default 4).
	Concurrency int
	// HTTPClient sends the requests (default a zero http.Client). Leave its Timeout zero: it
	// would cap whole streams, which the timeouts above bound more precisely.
	HTTPClient *http.Client
}

// DefaultReplyTimeout is OpenAIOptions.ReplyTimeout's default: shorter than the HTTP API's
// answer deadline (60 s), so that a degraded answer still arrives in time.
const DefaultReplyTimeout = 45 * time.Second

// Defaults for OpenAIOptions.
const (
	defaultOpenAITimeout = 60 * time.Second
	defaultStreamIdle    = 30 * time.Second
	defaultMaxRetries    = 4
	defaultBatchSize     = 64
	defaultConcurrency   = 4
)

func (o OpenAIOptions) withDefaults() OpenAIOptions {
	if o.Timeout <= 0 {
		o.Timeout = defaultOpenAITimeout
	}
	if o.StreamIdleTimeout <= 0 {
		o.StreamIdleTimeout = defaultStreamIdle
	}
	if o.ReplyTimeout <= 0 {
		o.ReplyTimeout = DefaultReplyTimeout
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = defaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.BatchSize <= 0 {
		o.BatchSize = defaultBatchSize
	}
	if o.Concurrency <= 0 {
		o.Concurrency = defaultConcurrency
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	return o
}

func (o OpenAIOptions) client() *openai.Client {
	cfg := openai.DefaultConfig(o.APIKey)
	if o.BaseURL != "" {
		cfg.BaseURL = o.BaseURL
	}
	cfg.HTTPClient = retryAfterRecorder{o.HTTPClient}
	return openai.NewClientWithConfig(cfg)
}

// OpenAIEmbedder is an Embedder backed by an OpenAI-compatible embeddings endpoint. It sends
// texts in batches with bounded concurrency, retries transient failures and normalises every
// vector to unit length, since not every remote model does.
type OpenAIEmbedder struct {
	client  *openai.Client
	model   string
	apiKey  string
	timeout time.Duration
	batch   int
	// sem is shared by all Embed calls: the store calls Embed from several goroutines at once,
	// and the service's rate limit applies to their sum.
	sem   chan struct{}
	retry retrier
}

// NewOpenAIEmbedder returns an embedder for opts.Model at opts.BaseURL.
func NewOpenAIEmbedder(opts OpenAIOptions) *OpenAIEmbedder {
	opts = opts.withDefaults()
	return &OpenAIEmbedder{
		client:  opts.client(),
		model:   opts.Model,
		apiKey:  opts.APIKey,
		timeout: opts.Timeout,
		batch:   opts.BatchSize,
		sem:     make(chan struct{}, opts.Concurrency),
		retry:   retrier{maxRetries: opts.MaxRetries, base: retryBase},
	}
}

// Name implements Embedder: "openai:" and the model name.
func (e *OpenAIEmbedder) Name() string { return "openai:" + e.model }

// Embed implements Embedder. The first batch to fail cancels the others, and its error is
// returned.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
batches:
	for b := 0; b*e.batch < len(texts); b++ {
		start := b * e.batch
		end := min(start+e.batch, len(texts))
		select {
		case e.sem <- struct{}{}:
		case <-ctx.Done():
			break batches
		}
		if ctx.Err() != nil { // select picks at random when both cases are ready
			<-e.sem
			break
		}
		wg.Go(func() {
			defer func() { <-e.sem }()
			vs, err := e.embedBatch(ctx, texts[start:end])
			if err != nil {
				cancel(fmt.Errorf("embed batch %d: %w", b, err))
				return
			}
			copy(out[start:end], vs)
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, redact(err, e.apiKey)
	}
	for i, v := range out {
		if len(v) != len(out[0]) {
			return nil, fmt.Errorf("model %s returned %d dimensions for text 0 but %d for text %d",
				e.model, len(out[0]), len(v), i)
		}
	}
	return out, nil
}

// embedBatch embeds one request's worth of texts, retrying transient failures.
func (e *OpenAIEmbedder) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	var vs [][]float32
	err := e.retry.do(ctx, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, e.timeout)
		defer cancel()
		resp, err := e.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
			Input: texts,
			Model: openai.EmbeddingModel(e.model),
		})
		if err != nil {
			return err
		}
		vs, err = unitVectors(resp.Data, len(texts))
		return err
	})
	return vs, err
}

// unitVectors puts the response's vectors in input order (by their index field, which the API
// defines as the order of the inputs) and scales each to unit length.
func unitVectors(data []openai.Embedding, n int) ([][]float32, error) {
	if len(data) != n {
		return nil, fmt.Errorf("got %d vectors for %d texts", len(data), n)
	}
	vs := make([][]float32, n)
	for _, d := range data {
		if d.Index < 0 || d.Index >= n || vs[d.Index] != nil {
			return nil, fmt.Errorf("response has a bad or repeated index %d", d.Index)
		}
		var sum float64
		for _, x := range d.Embedding {
			sum += float64(x) * float64(x)
		}
		norm := math.Sqrt(sum)
		if norm == 0 || math.IsNaN(norm) || math.IsInf(norm, 0) {
			return nil, fmt.Errorf("vector %d has no direction (length %v)", d.Index, norm)
		}
		inv := float32(1 / norm)
		for i := range d.Embedding {
			d.Embedding[i] *= inv
		}
		vs[d.Index] = d.Embedding
	}
	return vs, nil
}

// ErrStreamBroken means a streamed reply failed after some of it had been passed to onDelta. It
// is not retried, since the caller has already shown part of the reply; the caller decides
// whether to keep the part, say it was cut off, or ask again.
var ErrStreamBroken = errors.New("reply stream broken")

// ErrEmptyCompletion means the model answered with no text (for example when a content filter
// or the token limit stopped it). It is not retried.
var ErrEmptyCompletion = errors.New("empty completion")

// errStalled ends a stream that stopped sending. It wraps context.DeadlineExceeded so that it
// counts as a timeout, which is retried while nothing has been forwarded yet.
var errStalled = fmt.Errorf("reply stream stalled: %w", context.DeadlineExceeded)

// errReplyTimeout ends a chat completion that took longer than its ReplyTimeout.
var errReplyTimeout = fmt.Errorf("no reply within the reply timeout: %w", context.DeadlineExceeded)

// errStreamCut ends a stream whose body ended with neither a finish_reason nor "[DONE]". It wraps
// io.ErrUnexpectedEOF so that it is retried while nothing has been forwarded yet.
var errStreamCut = fmt.Errorf("reply stream ended without finish_reason or [DONE]: %w", io.ErrUnexpectedEOF)

// OpenAIChat is a ChatModel backed by an OpenAI-compatible chat completions endpoint.
type OpenAIChat struct {
	client      *openai.Client
	model       string
	apiKey      string
	temperature float32
	timeout     time.Duration
	idle        time.Duration
	reply       time.Duration
	retry       retrier
}

// NewOpenAIChat returns a chat model for opts.Model at opts.BaseURL. A temperature of 0 is left
// out of requests (go-openai omits zero), so the service's default applies; pass a small
// positive value for near-deterministic answers.
func NewOpenAIChat(opts OpenAIOptions, temperature float32) *OpenAIChat {
	opts = opts.withDefaults()
	return &OpenAIChat{
		client:      opts.client(),
		model:       opts.Model,
		apiKey:      opts.APIKey,
		temperature: temperature,
		timeout:     opts.Timeout,
		idle:        opts.StreamIdleTimeout,
		reply:       opts.ReplyTimeout,
		retry:       retrier{maxRetries: opts.MaxRetries, base: retryBase},
	}
}

// Complete implements ChatModel. Transient failures are retried only until the first delta has
// been passed to onDelta; after that a failure is returned as ErrStreamBroken. A stream whose
// body ends with neither a finish_reason nor "[DONE]" failed too: it was cut off, not finished.
// An empty reply is ErrEmptyCompletion. The whole call ends after ReplyTimeout, with an error
// that wraps context.DeadlineExceeded; a retry that would not start, with a second to spare,
// before then is not waited for.
func (c *OpenAIChat) Complete(ctx context.Context, msgs []ChatMessage, onDelta func(string)) (string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.reply, errReplyTimeout)
	defer cancel()
	req := openai.ChatCompletionRequest{
		Model:       c.model,
		Temperature: c.temperature,
		Messages:    make([]openai.ChatCompletionMessage, len(msgs)),
	}
	for i, m := range msgs {
		req.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	var reply string
	err := c.retry.do(ctx, func(ctx context.Context) error {
		var err error
		if onDelta == nil {
			reply, err = c.complete(ctx, req)
		} else {
			reply, err = c.stream(ctx, req, onDelta)
		}
		return err
	})
	if err != nil {
		if errors.Is(context.Cause(ctx), errReplyTimeout) && !errors.Is(err, errReplyTimeout) {
			err = fmt.Errorf("%w: %w", errReplyTimeout, err)
		}
		return "", redact(fmt.Errorf("chat completion: %w", err), c.apiKey)
	}
	return reply, nil
}

// callerGone reports whether the caller's own context ended, as opposed to the client's
// ReplyTimeout: a reply cut by the timeout is broken, one the caller abandoned is not.
func callerGone(ctx context.Context) bool {
	return ctx.Err() != nil && !errors.Is(context.Cause(ctx), errReplyTimeout)
}

func (c *OpenAIChat) complete(ctx context.Context, req openai.ChatCompletionRequest) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.client.CreateChatCompletion(ctx, req)
	if err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("%w: no choices", ErrEmptyCompletion)
	}
	ch := resp.Choices[0]
	if strings.TrimSpace(ch.Message.Content) == "" {
		return "", fmt.Errorf("%w (finish reason %q)", ErrEmptyCompletion, ch.FinishReason)
	}
	return ch.Message.Content, nil
}

// stream passes each delta to onDelta as soon as its chunk is decoded: go-openai reads the body
// line by line, so nothing waits for more data than one SSE event.
func (c *OpenAIChat) stream(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (string, error) {
	notes, _ := ctx.Value(attemptKey{}).(*attemptNotes)
	if notes == nil {
		notes = new(attemptNotes)
	}
	notes.stream = true
	sctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	// Until the first chunk the model may be reading a long prompt, so the attempt timeout
	// applies; after that only pauses are bounded.
	idle := time.AfterFunc(c.timeout, func() { stop(errStalled) })
	defer idle.Stop()
	s, err := c.client.CreateChatCompletionStream(sctx, req)
	if err != nil {
		return "", streamErr(ctx, sctx, err)
	}
	defer s.Close()
	var b strings.Builder
	var finish openai.FinishReason
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			err = streamErr(ctx, sctx, err)
			if b.Len() > 0 && !callerGone(ctx) {
				return "", fmt.Errorf("%w after %d bytes: %w", ErrStreamBroken, b.Len(), err)
			}
			return "", err
		}
		// The clock stops while onDelta runs: it measures the model's silence, not a slow
		// consumer's.
		idle.Stop()
		if len(chunk.Choices) > 0 { // a usage-only chunk has none
			if fr := chunk.Choices[0].FinishReason; fr != "" {
				finish = fr
			}
			if d := chunk.Choices[0].Delta.Content; d != "" {
				b.WriteString(d)
				onDelta(d)
			}
		}
		idle.Reset(c.idle)
	}
	if finish == "" && !notes.sawDone {
		// The body just ended: a server or proxy closed a connection-delimited response
		// mid-answer. What arrived may be any part of the reply.
		if b.Len() > 0 {
			return "", fmt.Errorf("%w after %d bytes: %w", ErrStreamBroken, b.Len(), errStreamCut)
		}
		return "", errStreamCut
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", fmt.Errorf("%w (finish reason %q)", ErrEmptyCompletion, finish)
	}
	return b.String(), nil
}

// streamErr replaces the bare "context canceled" go-openai reports when the stall timer
// cancelled sctx with errStalled, so it reads and retries as the timeout it was.
func streamErr(ctx, sctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(context.Cause(sctx), errStalled) {
		return errStalled
	}
	return err
}

// Retry policy: exponential backoff from retryBase, doubling up to maxBackoff, with jitter so
// that the store's parallel batches do not retry in lockstep. A server's Retry-After wins when
// longer, up to maxRetryAfter. A wait that would not leave minAttempt before the deadline is not
// waited: the caller gets the error at once and can fall back while it still has time.
const (
	retryBase     = 500 * time.Millisecond
	maxBackoff    = 30 * time.Second
	maxRetryAfter = 2 * time.Minute
	minAttempt    = time.Second
)

type retrier struct {
	maxRetries int
	base       time.Duration
}

// do calls attempt until it succeeds, fails permanently, retries run out or ctx ends. Each
// attempt's ctx carries attemptNotes that retryAfterRecorder fills from the response.
func (r retrier) do(ctx context.Context, attempt func(context.Context) error) error {
	for n := 0; ; n++ {
		notes := new(attemptNotes)
		err := attempt(context.WithValue(ctx, attemptKey{}, notes))
		if err == nil || !retryable(err) {
			return err
		}
		if n == r.maxRetries {
			if n == 0 {
				return err
			}
			return fmt.Errorf("gave up after %d attempts: %w", n+1, err)
		}
		d := r.backoff(n)
		if notes.after > d {
			d = min(notes.after, maxRetryAfter)
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d+minAttempt {
			return fmt.Errorf("%w (a retry in %s would leave no time before the deadline)", err, d.Round(time.Millisecond))
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up waiting to retry: %w)", context.Cause(ctx), err)
		}
	}
}

// backoff is the wait before retry n+1: base·2ⁿ, capped, with "equal jitter" (half fixed, half
// random) so that waits still grow.
func (r retrier) backoff(n int) time.Duration {
	d := min(r.base<<n, maxBackoff)
	if d <= 0 { // shifted past the int64 range
		d = maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// retryable reports whether err is transient: 408, 429 and 5xx responses, network failures and
// timeouts. Other statuses (400, 401, 403, 404, ...) would fail again the same way.
func retryable(err error) bool {
	if errors.Is(err, ErrStreamBroken) || errors.Is(err, ErrEmptyCompletion) {
		return false
	}
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		// Status 0 is an error event inside a stream: the model's answer, not a transport fault.
		return retryableStatus(apiErr.HTTPStatusCode)
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return retryableStatus(reqErr.HTTPStatusCode)
	}
	// url.Error wraps everything http.Client.Do fails with, including a bad URL scheme, so look
	// at what it wraps.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

type attemptKey struct{}

// attemptNotes carry what the transport saw of one attempt's response back to the client: the
// wait the server asked for, and whether a stream's body held its closing "data: [DONE]".
type attemptNotes struct {
	after time.Duration
	// stream asks the transport to watch the body for [DONE]; sawDone is the answer.
	stream  bool
	sawDone bool
}

// retryAfterRecorder is the HTTP client go-openai sends through. go-openai's errors carry the
// status but not the headers, so the Retry-After of a failed response is recorded here, into the
// attemptNotes of the attempt's context; and go-openai reports a stream's "[DONE]" and a body
// that simply ends alike (io.EOF), so a stream's body is watched here for the [DONE] line. Do and
// the body's reads run on the attempt's goroutine, so no locking is needed.
type retryAfterRecorder struct{ c *http.Client }

// Do implements openai.HTTPDoer.
func (r retryAfterRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.c.Do(req)
	notes, ok := req.Context().Value(attemptKey{}).(*attemptNotes)
	if err != nil || !ok {
		return resp, err
	}
	if resp.StatusCode >= 400 {
		notes.after = retryAfter(resp.Header, time.Now())
	} else if notes.stream {
		resp.Body = &doneWatcher{ReadCloser: resp.Body, notes: notes}
	}
	return resp, err
}

// doneWatcher passes a streamed body through and sets notes.sawDone when it holds a line
// "data: [DONE]" (the spacing go-openai accepts: any around the value). It keeps at most the first
// maxDoneLine bytes of each line; a longer line is not the marker.
type doneWatcher struct {
	io.ReadCloser
	notes *attemptNotes
	line  []byte
	long  bool
}

const maxDoneLine = 64

func (w *doneWatcher) Read(p []byte) (int, error) {
	n, err := w.ReadCloser.Read(p)
	for _, c := range p[:n] {
		switch {
		case c == '\n':
			w.endLine()
		case len(w.line) < maxDoneLine:
			w.line = append(w.line, c)
		default:
			w.long = true
		}
	}
	if err != nil {
		w.endLine() // a last line without its newline
	}
	return n, err
}

func (w *doneWatcher) endLine() {
	if !w.long {
		if v, ok := bytes.CutPrefix(bytes.TrimSpace(w.line), []byte("data:")); ok && string(bytes.TrimSpace(v)) == "[DONE]" {
			w.notes.sawDone = true
		}
	}
	w.line, w.long = w.line[:0], false
}

// retryAfter reads Retry-After (seconds or an HTTP date) or OpenAI's finer retry-after-ms.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.Atoi(h.Get("Retry-After-Ms")); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	v := h.Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// redact keeps key out of err's message. errors.Is and errors.As still reach the original
// chain, so a caller that digs out go-openai's error and prints it is on its own.
func redact(err error, key string) error {
	if err == nil || key == "" {
		return err
	}
	return redactedError{msg: strings.ReplaceAll(err.Error(), key, "***"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }

// GoString keeps %#v from printing the wrapped errors field by field.
func (e redactedError) GoString() string { return strconv.Quote(e.msg) }

func (e redactedError) Unwrap() error { return e.err }
