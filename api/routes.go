package api

import (
	"net/http"
	"slices"
	"strings"
)

// route is one entry of the API. The table below is the only list of routes: the server
// registers it and the OpenAPI test compares it with openapi.json.
type route struct {
	method string
	path   string // ServeMux path, e.g. /v1/documents/{id...}
	// public routes need no key and are not rate-limited (probes and scrapers).
	public  bool
	maxBody int64
	// json routes read a JSON body and refuse any other Content-Type (see requireJSON).
	json    bool
	handler http.Handler
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// routes lists every route of the API.
func routes(d *Deps) []route {
	q, up := d.Limits.MaxQuestionBytes, d.Limits.MaxUploadBytes
	return []route{
		{method: "GET", path: "/healthz", public: true, handler: handleHealthz()},
		{method: "GET", path: "/readyz", public: true, handler: handleReadyz(d.Ready, d.Documents, d.Telegram)},
		{method: "GET", path: "/metrics", public: true, handler: handleMetrics(d.Metrics)},
		{method: "GET", path: "/openapi.json", public: true, handler: handleOpenAPI()},

		{method: "POST", path: "/v1/ask", maxBody: q, json: true, handler: handleAsk(d.Asker, d.Metrics, d.Limits)},
		{method: "POST", path: "/v1/search", maxBody: q, json: true, handler: handleSearch(d.Searcher)},
		{method: "POST", path: "/v1/chat/completions", maxBody: q, json: true, handler: handleChatCompletions(d.Asker, d.Metrics, d.Limits)},
		{method: "GET", path: "/v1/models", handler: handleModels()},

		{method: "POST", path: "/v1/documents", maxBody: up, handler: handleUpload(d.Uploader, d.Documents)},
		{method: "GET", path: "/v1/documents", handler: handleListDocuments(d.Documents)},
		// Ids are paths relative to the knowledge folder ("guides/intro.md"): {id...} takes the
		// rest of the path, slashes and all, and %2F-escaped ids work as well.
		{method: "DELETE", path: "/v1/documents/{id...}", handler: handleDeleteDocument(d.Documents)},
	}
}

// addRoutes registers the table, wrapping each route in its body limit and, under /v1/, the
// key check (or, without keys, the browser checks) and rate limit. Anything else gets a JSON
// 404 or 405.
func addRoutes(mux *http.ServeMux, d *Deps) {
	keys := newKeyring(d.APIKeys)
	limiter := newRateLimiter(d.Limits.RateLimit, d.Limits.RateBurst)
	hosts := newHostPolicy(d.AllowedHosts)
	for _, rt := range routes(d) {
		maxBody := rt.maxBody
		if maxBody == 0 {
			maxBody = 4 << 10 // GET and DELETE take no body
		}
		h := limitBody(maxBody, rt.handler)
		if rt.json {
			h = requireJSON(h)
		}
		if !rt.public {
			h = guard(keys, hosts, limiter, h)
		}
		mux.Handle(rt.pattern(), named(rt.pattern(), h))
	}
	mux.Handle(deleteWithoutID, named(deleteWithoutID, handleDeleteWithoutID()))
	mux.Handle("/", handleNoRoute(mux))
}

// deleteWithoutID is registered only to answer a DELETE that names no document.
const deleteWithoutID = "DELETE /v1/documents"

// handleNoRoute answers what no route matched: 405 with Allow when the path exists under
// another method, else 404. (ServeMux's own 404 and 405 are plain text.)
func handleNoRoute(mux *http.ServeMux) http.Handler {
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range methods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" && pattern != deleteWithoutID {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			if slices.Contains(allowed, "GET") {
				allowed = append(allowed, "HEAD")
			}
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, r, &apiError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
				Message: r.Method + " is not allowed here; use " + strings.Join(allowed, " or ")})
			return
		}
		writeError(w, r, errNotFound("no route for "+r.Method+" "+sanitize(r.URL.Path, 100)))
	})
}
