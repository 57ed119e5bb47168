package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// request is what the middleware knows about one request; handlers reach it through the
// context.
type request struct {
	id    string
	route string // the route's pattern, set when a route matched
	// scope names whose data the request may see: the key's short digest ("k" + 16 hex), or ""
	// when authentication is off. Conversations are stored under it.
	scope  string
	logger *slog.Logger
	stages *stageTimes
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r
	}
	return &request{logger: slog.New(slog.DiscardHandler)}
}

// loggerFrom returns the request's logger, carrying its request id.
func loggerFrom(ctx context.Context) *slog.Logger { return requestFrom(ctx).logger }

// responseWriter records the status, so the request line, the metrics and panic recovery know
// what was sent.
type responseWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and the write deadlines.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher for code that type-asserts it.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// observe gives each request an id (the caller's X-Request-Id when it is sane), a logger that
// carries it, one log line and its metrics, and turns a panic into a 500 while the server
// lives on.
func observe(logger *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = randomID(8)
		}
		req := &request{id: id, logger: logger.With("request_id", id)}
		w.Header().Set("X-Request-Id", id)
		rw := &responseWriter{ResponseWriter: w}
		m.inflight.Add(1)
		defer func() {
			m.inflight.Add(-1)
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				req.logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rw.status == 0 {
					writeError(rw, r, errInternal)
				} else {
					// Headers are out (a stream): all we can do is cut the connection.
					panic(http.ErrAbortHandler)
				}
			}
			route := req.route
			if route == "" {
				route = "unmatched"
			}
			status := rw.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			m.observeRequest(route, status, elapsed)
			level := slog.LevelInfo
			if quietRoutes[route] && status < 400 {
				level = slog.LevelDebug
			}
			req.logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
				"status", status, "bytes", rw.bytes, "duration", elapsed.Round(time.Microsecond))
		}()
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), requestKey{}, req)))
	})
}

// quietRoutes are polled by machines; their successes are logged at Debug only.
var quietRoutes = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// named records which route matched, for the log line and the metrics.
func named(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestFrom(r.Context()).route = route
		h.ServeHTTP(w, r)
	})
}

// keyring checks bearer keys. Keys are compared as SHA-256 digests with
// subtle.ConstantTimeCompare, against every key without stopping early, so neither the length
// nor the position of a key leaks through timing.
type keyring struct {
	digests [][sha256.Size]byte
}

func newKeyring(keys []string) *keyring {
	k := &keyring{}
	for _, key := range keys {
		if key != "" {
			k.digests = append(k.digests, sha256.Sum256([]byte(key)))
		}
	}
	return k
}

func (k *keyring) enabled() bool { return len(k.digests) > 0 }

// check returns the index of the matching key, or -1.
func (k *keyring) check(token string) int {
	d := sha256.Sum256([]byte(token))
	found := -1
	for i := range k.digests {
		if subtle.ConstantTimeCompare(d[:], k.digests[i][:]) == 1 {
			found = i
		}
	}
	return found
}

// scope names key i for the data kept per key: a digest of the key, so that it is stable when
// keys are added or reordered and says nothing about the key itself.
func (k *keyring) scope(i int) string { return "k" + hex.EncodeToString(k.digests[i][:8]) }

// bearer returns the token of an "Authorization: Bearer TOKEN" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// guard authenticates and rate-limits a /v1/ route. The rate limit is per key, or per client
// IP when authentication is off. Without keys, requests a web page made are refused unless the
// page is served from this server's own origin (see fromBrowserElsewhere and hostPolicy): a
// key is the only thing that stops any page a user visits from asking, uploading and, through
// DNS rebinding, reading the answers.
func guard(keys *keyring, hosts *hostPolicy, limiter *rateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := ""
		if !keys.enabled() {
			if !hosts.allowed(r.Host) {
				writeError(w, r, &apiError{Status: http.StatusForbidden, Code: "invalid_host",
					Message: "the Host header " + strconv.Quote(sanitize(r.Host, 100)) + " is not an address of this server; without API keys only IP addresses, localhost and WENDA_ALLOWED_HOSTS are served"})
				return
			}
			if fromBrowserElsewhere(r) {
				writeError(w, r, &apiError{Status: http.StatusForbidden, Code: "cross_origin",
					Message: "requests from web pages on other origins are refused while the server has no API keys"})
				return
			}
		}
		if keys.enabled() {
			token, ok := bearer(r)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="wenda"`)
				writeError(w, r, errUnauthorized("missing bearer key: send Authorization: Bearer <key>"))
				return
			}
			i := keys.check(token)
			if i < 0 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="wenda", error="invalid_token"`)
				writeError(w, r, errUnauthorized("invalid API key"))
				return
			}
			client = "key:" + strconv.Itoa(i)
			requestFrom(r.Context()).scope = keys.scope(i)
		} else {
			client = "ip:" + clientIP(r)
		}
		if wait, ok := limiter.allow(client, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
			writeError(w, r, errRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// fromBrowserElsewhere reports whether a browser sent r from a page of another origin. Browsers
// send Origin with every cross-origin POST (and "null" from sandboxed frames and files), and
// Sec-Fetch-Site with every request; curl and SDKs send neither.
func fromBrowserElsewhere(r *http.Request) bool {
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		return err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none": // none: typed in the address bar
		return false
	}
	return true
}

// hostPolicy decides which Host headers a server without keys answers. A DNS-rebinding page
// reaches 127.0.0.1 under its own name (Host: evil.example:8080), so names are refused unless
// listed; IP addresses and localhost cannot be rebound by a page.
type hostPolicy struct {
	names map[string]bool
}

func newHostPolicy(names []string) *hostPolicy {
	p := &hostPolicy{names: map[string]bool{}}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			p.names[strings.ToLower(strings.TrimSuffix(n, "."))] = true
		}
	}
	return p
}

func (p *hostPolicy) allowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	switch {
	case host == "":
		return false // HTTP/1.0 without Host: no browser sends that
	case net.ParseIP(host) != nil, host == "localhost", strings.HasSuffix(host, ".localhost"):
		return true
	}
	return p.names[host]
}

// requireJSON refuses a body that is not declared as JSON with 415. A web page can send a
// cross-origin POST without a CORS preflight only as text/plain, a form, or with no
// Content-Type at all, so no such request reaches a JSON route.
func requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || !(mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
			writeError(w, r, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
				Message: "send the body as JSON with Content-Type: application/json"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the connection's address. X-Forwarded-For is not trusted: behind a proxy, turn
// on API keys to get per-client limits.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limitBody caps the request body; reading past it fails with *http.MaxBytesError, which
// writeError maps to 413.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			writeError(w, r, &http.MaxBytesError{Limit: n})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}
