package api

import (
	"fmt"
	"net/http"
)

// MaxHeaderBytes bounds a request's header fields, names and values, as the API counts them.
// Set http.Server.MaxHeaderBytes well above it (its default, 1 MiB, is): requests between the
// two get the API's JSON 431, while net/http refuses larger ones itself, in plain text, before
// any handler runs.
const MaxHeaderBytes = 64 << 10

// JSONMuxErrors wraps a handler built on http.ServeMux so that what the mux answers by itself
// comes out as the API's JSON errors too: its redirects (to a cleaned path, or to a subtree's
// trailing slash), which otherwise have an HTML body or none, keep their status and Location
// and gain {"error":{"code":"redirect",…}}. It also answers oversized headers with a JSON 431.
// NewServer applies it; wrap any mux placed in front of the API (wenda serve's, which also
// routes the Telegram webhook) as well.
func JSONMuxErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := headerBytes(r); n > MaxHeaderBytes {
			writeError(w, r, &apiError{Status: http.StatusRequestHeaderFieldsTooLarge, Code: "headers_too_large",
				Message: fmt.Sprintf("the request headers take %d bytes, more than the %d allowed", n, MaxHeaderBytes)})
			return
		}
		next.ServeHTTP(&redirectWriter{ResponseWriter: w, r: r}, r)
	})
}

func headerBytes(r *http.Request) int {
	n := len(r.Host) + len(r.RequestURI)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// redirectWriter turns a redirect written by the mux into a JSON one. wenda's handlers never
// redirect, so any 3xx with a Location is the mux's.
type redirectWriter struct {
	http.ResponseWriter
	r          *http.Request
	redirected bool
}

func (w *redirectWriter) WriteHeader(code int) {
	loc := w.Header().Get("Location")
	if code < 300 || code > 399 || loc == "" || w.redirected {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.redirected = true
	w.Header().Del("Content-Type")
	_ = encode(w.ResponseWriter, code, errorBody{&apiError{Status: code, Code: "redirect",
		Message: fmt.Sprintf("%s %s is served at %s; send the request there", w.r.Method, sanitize(w.r.URL.Path, 100), sanitize(loc, 200))}})
}

// Write drops the mux's own body (an HTML link) after a redirect.
func (w *redirectWriter) Write(b []byte) (int, error) {
	if w.redirected {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and the write deadlines.
func (w *redirectWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher for code that type-asserts it.
func (w *redirectWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// handleDeleteWithoutID answers DELETE /v1/documents, which the {id...} pattern would otherwise
// redirect to /v1/documents/.
func handleDeleteWithoutID() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD, POST")
		writeError(w, r, &apiError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: "DELETE needs a document id: DELETE /v1/documents/{id}"})
	})
}
