// Package config holds wenda's settings: defaults in code, filled from the environment (through
// an injected getenv, so tests need no real environment) and from flags, validated once with
// every problem reported together. It imports only the standard library.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Secret is a credential. It prints as "***" in logs and formatted output, so a Config can be
// logged whole.
type Secret string

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "***"
}

// GoString implements fmt.GoStringer, so %#v does not leak it either.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// Reveal returns the credential itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// Endpoint is a remote model service: an OpenAI-compatible one for the LLM and embeddings, a
// reranking one for Rerank.
type Endpoint struct {
	BaseURL string
	APIKey  Secret
	Model   string
}

// Config is everything wenda can be told.
type Config struct {
	DataDir      string // WENDA_DATA_DIR
	KnowledgeDir string // WENDA_KNOWLEDGE_DIR
	Addr         string // WENDA_ADDR
	APIKeys      []Secret
	LLM          Endpoint // WENDA_LLM_*
	Embed        Endpoint // WENDA_EMBED_*; Model "local" (or empty) means the built-in embedder
	// Rerank is the cross-encoder service that re-scores search candidates (WENDA_RERANK_*);
	// an empty BaseURL means none. It has no fallback to OPENAI_*: a key meant for one service
	// is not sent to another host unasked.
	Rerank Endpoint
	// AnswerMode is "strict" (answer only from the documents) or "open" (the LLM may add general
	// knowledge, labelled as such). WENDA_ANSWER_MODE.
	AnswerMode string

	// ChunkSize and ChunkOverlap size chunks in runes (WENDA_CHUNK_SIZE, WENDA_CHUNK_OVERLAP);
	// 0 means the measured defaults.
	ChunkSize, ChunkOverlap int
	// LocalDim is the local embedder's dimension (WENDA_LOCAL_DIM); 0 means its default.
	LocalDim int

	// RateLimit is HTTP requests per second per API key (or client IP); 0 turns limiting off
	// (WENDA_RATE_LIMIT, default DefaultRateLimit). RateBurst is the burst (WENDA_RATE_BURST,
	// default twice the rate).
	RateLimit float64
	RateBurst int
	// MaxUploadBytes bounds a document upload (WENDA_MAX_UPLOAD_BYTES).
	MaxUploadBytes int64
	// WatchInterval is how often serve checks the knowledge folder (WENDA_WATCH_INTERVAL).
	WatchInterval time.Duration
	// AnswerTimeout bounds answering one HTTP question (WENDA_ANSWER_TIMEOUT, default
	// DefaultAnswerTimeout): a slow LLM gives way to the extractive answer before it, and
	// responses may take a little longer than it to write.
	AnswerTimeout time.Duration
	// AllowedHosts are the host names a server without API keys answers under, besides IP
	// addresses and localhost (WENDA_ALLOWED_HOSTS, comma-separated): other names are refused,
	// which stops DNS rebinding.
	AllowedHosts []string
	// AllowPublicNoAuth lets serve listen on a non-loopback address without API keys
	// (WENDA_ALLOW_PUBLIC_NO_AUTH=1); otherwise it refuses to start.
	AllowPublicNoAuth bool
	// LogLevel is debug, info, warn or error (WENDA_LOG_LEVEL); empty means info for serve and
	// warn for the other commands.
	LogLevel string

	TelegramToken    Secret  // TELEGRAM_BOT_TOKEN
	TelegramEndpoint string  // WENDA_TELEGRAM_API_ENDPOINT
	TelegramAllowed  []int64 // WENDA_TELEGRAM_ALLOWED
	TelegramAdmins   []int64 // WENDA_TELEGRAM_ADMINS
	// TelegramWebhookURL switches the bot from long polling to a webhook at this public HTTPS
	// URL, which must end in /telegram/webhook (WENDA_TELEGRAM_WEBHOOK_URL).
	TelegramWebhookURL string
	// TelegramWebhookSecret is checked on every webhook call; empty means a random one per
	// start (WENDA_TELEGRAM_WEBHOOK_SECRET).
	TelegramWebhookSecret Secret
}

// Defaults.
const (
	DefaultDataDir = "./wenda-data"
	DefaultAddr    = "127.0.0.1:8080"
	LocalEmbedder  = "local"

	DefaultRateLimit      = 20
	DefaultMaxUploadBytes = 32 << 20
	DefaultWatchInterval  = 2 * time.Second
	DefaultAnswerTimeout  = 60 * time.Second
)

// FromEnv builds a Config from defaults and the environment. Problems are collected and
// returned together.
func FromEnv(getenv func(string) string) (Config, error) {
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	c := Config{
		DataDir:      first("WENDA_DATA_DIR"),
		KnowledgeDir: first("WENDA_KNOWLEDGE_DIR"),
		Addr:         first("WENDA_ADDR"),
		AnswerMode:   first("WENDA_ANSWER_MODE"),
		LLM: Endpoint{
			BaseURL: first("WENDA_LLM_BASE_URL", "OPENAI_BASE_URL"),
			APIKey:  Secret(first("WENDA_LLM_API_KEY", "OPENAI_API_KEY")),
			Model:   first("WENDA_LLM_MODEL"),
		},
		Embed: Endpoint{
			BaseURL: first("WENDA_EMBED_BASE_URL", "OPENAI_BASE_URL"),
			APIKey:  Secret(first("WENDA_EMBED_API_KEY", "OPENAI_API_KEY")),
			Model:   first("WENDA_EMBED_MODEL"),
		},
		Rerank: Endpoint{
			BaseURL: first("WENDA_RERANK_BASE_URL"),
			APIKey:  Secret(first("WENDA_RERANK_API_KEY")),
			Model:   first("WENDA_RERANK_MODEL"),
		},
		TelegramToken:         Secret(first("TELEGRAM_BOT_TOKEN")),
		TelegramEndpoint:      first("WENDA_TELEGRAM_API_ENDPOINT"),
		TelegramWebhookURL:    first("WENDA_TELEGRAM_WEBHOOK_URL"),
		TelegramWebhookSecret: Secret(first("WENDA_TELEGRAM_WEBHOOK_SECRET")),
		LogLevel:              strings.ToLower(first("WENDA_LOG_LEVEL")),
		RateLimit:             DefaultRateLimit,
		MaxUploadBytes:        DefaultMaxUploadBytes,
		WatchInterval:         DefaultWatchInterval,
		AnswerTimeout:         DefaultAnswerTimeout,
		AllowedHosts:          splitList(getenv("WENDA_ALLOWED_HOSTS")),
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.AnswerMode == "" {
		c.AnswerMode = "strict"
	}
	if c.Embed.Model == "" {
		c.Embed.Model = LocalEmbedder
	}
	for _, k := range splitList(getenv("WENDA_API_KEYS")) {
		c.APIKeys = append(c.APIKeys, Secret(k))
	}
	var errs []error
	var err error
	for _, n := range []struct {
		name string
		dst  *int
	}{{"WENDA_CHUNK_SIZE", &c.ChunkSize}, {"WENDA_CHUNK_OVERLAP", &c.ChunkOverlap}, {"WENDA_LOCAL_DIM", &c.LocalDim}} {
		if v := first(n.name); v != "" {
			if *n.dst, err = strconv.Atoi(v); err != nil || *n.dst < 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a non-negative whole number", n.name, v))
			}
		}
	}
	if v := first("WENDA_RATE_LIMIT"); v != "" {
		if c.RateLimit, err = strconv.ParseFloat(v, 64); err != nil || c.RateLimit < 0 {
			errs = append(errs, fmt.Errorf("WENDA_RATE_LIMIT: %q is not a non-negative number of requests per second", v))
		}
	}
	if v := first("WENDA_RATE_BURST"); v != "" {
		if c.RateBurst, err = strconv.Atoi(v); err != nil || c.RateBurst < 1 {
			errs = append(errs, fmt.Errorf("WENDA_RATE_BURST: %q is not a positive whole number", v))
		}
	}
	if v := first("WENDA_MAX_UPLOAD_BYTES"); v != "" {
		if c.MaxUploadBytes, err = strconv.ParseInt(v, 10, 64); err != nil || c.MaxUploadBytes < 1 {
			errs = append(errs, fmt.Errorf("WENDA_MAX_UPLOAD_BYTES: %q is not a positive whole number", v))
		}
	}
	if v := first("WENDA_WATCH_INTERVAL"); v != "" {
		if c.WatchInterval, err = time.ParseDuration(v); err != nil || c.WatchInterval <= 0 {
			errs = append(errs, fmt.Errorf("WENDA_WATCH_INTERVAL: %q is not a positive duration such as 2s", v))
		}
	}
	if v := first("WENDA_ANSWER_TIMEOUT"); v != "" {
		if c.AnswerTimeout, err = time.ParseDuration(v); err != nil || c.AnswerTimeout <= 0 {
			errs = append(errs, fmt.Errorf("WENDA_ANSWER_TIMEOUT: %q is not a positive duration such as 60s", v))
		}
	}
	if v := first("WENDA_ALLOW_PUBLIC_NO_AUTH"); v != "" {
		if c.AllowPublicNoAuth, err = strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Errorf("WENDA_ALLOW_PUBLIC_NO_AUTH: %q is not 1 or 0", v))
		}
	}
	if c.TelegramAllowed, err = parseIDs("WENDA_TELEGRAM_ALLOWED", getenv("WENDA_TELEGRAM_ALLOWED")); err != nil {
		errs = append(errs, err)
	}
	if c.TelegramAdmins, err = parseIDs("WENDA_TELEGRAM_ADMINS", getenv("WENDA_TELEGRAM_ADMINS")); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(append(errs, c.Validate())...)
}

// Validate reports every invalid setting at once.
func (c Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("the data directory must not be empty"))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("WENDA_ADDR %q is not host:port: %w", c.Addr, err))
	}
	if c.AnswerMode != "strict" && c.AnswerMode != "open" {
		errs = append(errs, fmt.Errorf("WENDA_ANSWER_MODE %q must be strict or open", c.AnswerMode))
	}
	if c.LLM.Model != "" && c.LLM.BaseURL == "" && c.LLM.APIKey == "" {
		errs = append(errs, errors.New("WENDA_LLM_MODEL is set but neither WENDA_LLM_BASE_URL nor WENDA_LLM_API_KEY is"))
	}
	if !c.LocalEmbeddings() && c.Embed.BaseURL == "" && c.Embed.APIKey == "" {
		errs = append(errs, fmt.Errorf("WENDA_EMBED_MODEL %q needs WENDA_EMBED_BASE_URL or WENDA_EMBED_API_KEY", c.Embed.Model))
	}
	if c.Rerank.BaseURL == "" && (c.Rerank.Model != "" || c.Rerank.APIKey != "") {
		errs = append(errs, errors.New("WENDA_RERANK_MODEL or WENDA_RERANK_API_KEY is set but WENDA_RERANK_BASE_URL is not"))
	}
	if c.Rerank.BaseURL != "" {
		u, err := url.Parse(c.Rerank.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			shown := c.Rerank.BaseURL
			if err == nil {
				shown = u.Redacted() // a password in the URL is a secret too
			}
			errs = append(errs, fmt.Errorf("WENDA_RERANK_BASE_URL %q must be an http:// or https:// URL, e.g. https://api.jina.ai/v1", shown))
		}
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("WENDA_LOG_LEVEL %q must be debug, info, warn or error", c.LogLevel))
	}
	if c.TelegramWebhookURL != "" && (!strings.HasPrefix(c.TelegramWebhookURL, "https://") || !strings.HasSuffix(c.TelegramWebhookURL, "/telegram/webhook")) {
		errs = append(errs, fmt.Errorf("WENDA_TELEGRAM_WEBHOOK_URL %q must be an https:// URL ending in /telegram/webhook", c.TelegramWebhookURL))
	}
	if c.TelegramEndpoint != "" && strings.Count(c.TelegramEndpoint, "%s") != 2 {
		errs = append(errs, errors.New("WENDA_TELEGRAM_API_ENDPOINT must contain two %s (token, method), e.g. http://127.0.0.1:9000/bot%s/%s"))
	}
	return errors.Join(errs...)
}

// LocalEmbeddings reports whether the built-in embedder is used.
func (c Config) LocalEmbeddings() bool {
	return c.Embed.Model == "" || c.Embed.Model == LocalEmbedder
}

// LLMEnabled reports whether a chat model is configured.
func (c Config) LLMEnabled() bool { return c.LLM.Model != "" }

// RerankEnabled reports whether a reranking service is configured.
func (c Config) RerankEnabled() bool { return c.Rerank.BaseURL != "" }

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseIDs(name, s string) ([]int64, error) {
	var ids []int64
	for _, f := range splitList(s) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a numeric Telegram id", name, f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
