package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// Documents is the document store as the API sees it.
type Documents interface {
	// Documents returns the stored documents sorted by id; they are shared and must not be
	// modified.
	Documents() []*rag.Document
	// Document returns one document, or nil.
	Document(id string) *rag.Document
	// Delete removes documents by id and returns the ids it removed; unknown ids are ignored.
	Delete(ctx context.Context, ids ...string) ([]string, error)
	// Stats returns the index's sizes.
	Stats() rag.Stats
}

// Uploader ingests one uploaded file. A failed file is reported in Report.Failed with a nil
// error; the error is for failures of the index itself.
type Uploader interface {
	IngestBytes(ctx context.Context, name string, data []byte) (ingest.Report, error)
}

// Deps is what the server needs. Asker, Searcher and Documents are required; a nil Uploader
// turns uploads off (501).
type Deps struct {
	Asker     rag.Asker
	Searcher  rag.Retriever
	Documents Documents
	Uploader  Uploader
	// Ready reports whether the index is loaded and usable; nil means always ready.
	Ready func() error
	// Telegram reports the Telegram bot's state ("connected", "connecting", "unauthorized")
	// for /readyz's detail; nil means no bot runs. It does not affect readiness: the HTTP API
	// serves whatever the bot's state (docs/http.md says why).
	Telegram func() string
	// Logger receives one line per request and every internal error; nil discards.
	Logger *slog.Logger
	// APIKeys are the accepted bearer keys; empty means no authentication.
	APIKeys []string
	// AllowedHosts are host names (besides IP addresses and localhost) a server without keys
	// answers under; see hostPolicy.
	AllowedHosts []string
	// Metrics collects the Prometheus series; nil means a fresh set.
	Metrics *Metrics
	Limits  Limits
}

// Limits bound what one request may cost. Zero fields take the defaults below.
type Limits struct {
	// MaxQuestionBytes bounds the body of /v1/ask, /v1/search and /v1/chat/completions.
	MaxQuestionBytes int64
	// MaxUploadBytes bounds the body of POST /v1/documents.
	MaxUploadBytes int64
	// RateLimit is the sustained requests per second per API key (per client IP when
	// authentication is off) on /v1/ routes; negative disables rate limiting.
	RateLimit float64
	// RateBurst is how many requests a client may make at once; 0 means 2×RateLimit.
	RateBurst int
	// AnswerTimeout bounds answering one question (/v1/ask, /v1/chat/completions), streamed
	// or not: the engine gets a context with this deadline and, when its LLM is slow, gives the
	// extractive answer marked degraded before it passes.
	AnswerTimeout time.Duration
	// WriteTimeout bounds writing a plain (non-streaming) response, counted from the start of
	// the handler. It is always longer than AnswerTimeout (at least by WriteMargin), so that an
	// answer given at its deadline is still written.
	WriteTimeout time.Duration
	// StreamIdleTimeout bounds each write of a stream: a stream may run for long, but a client
	// that stops reading for this long is dropped.
	StreamIdleTimeout time.Duration
	// KeepAlive is how long a stream may go without an event before the server sends a
	// ": keep-alive" comment, so that clients and proxies see it is alive while the answer is
	// being prepared.
	KeepAlive time.Duration
}

// Default limits.
const (
	DefaultMaxQuestionBytes  = 64 << 10
	DefaultMaxUploadBytes    = 32 << 20
	DefaultRateLimit         = 20
	DefaultAnswerTimeout     = 60 * time.Second
	DefaultStreamIdleTimeout = 30 * time.Second
	DefaultKeepAlive         = 10 * time.Second
	// WriteMargin is how much longer than the answer deadline a plain response may take to
	// write: encoding and sending an answer takes milliseconds, so this only absorbs a slow
	// reader and a scheduler hiccup.
	WriteMargin = 15 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.MaxQuestionBytes <= 0 {
		l.MaxQuestionBytes = DefaultMaxQuestionBytes
	}
	if l.MaxUploadBytes <= 0 {
		l.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if l.RateLimit == 0 {
		l.RateLimit = DefaultRateLimit
	}
	if l.RateBurst <= 0 {
		l.RateBurst = max(1, int(2*l.RateLimit))
	}
	if l.AnswerTimeout <= 0 {
		l.AnswerTimeout = DefaultAnswerTimeout
	}
	if l.WriteTimeout < l.AnswerTimeout+WriteMargin {
		l.WriteTimeout = l.AnswerTimeout + WriteMargin
	}
	if l.StreamIdleTimeout <= 0 {
		l.StreamIdleTimeout = DefaultStreamIdleTimeout
	}
	if l.KeepAlive <= 0 {
		l.KeepAlive = DefaultKeepAlive
	}
	return l
}

// NewServer returns the HTTP API as one handler.
func NewServer(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.Ready == nil {
		d.Ready = func() error { return nil }
	}
	d.Limits = d.Limits.withDefaults()
	d.Metrics.stats = d.Documents.Stats
	d.Searcher = d.Metrics.TimeRetriever(d.Searcher)
	mux := http.NewServeMux()
	addRoutes(mux, &d)
	return observe(d.Logger, d.Metrics, JSONMuxErrors(mux))
}
