package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/wenda-dev/wenda/ingest"
)

// uploaderFunc adapts a function to Uploader.
type uploaderFunc func(ctx context.Context, name string, data []byte) (ingest.Report, error)

func (f uploaderFunc) IngestBytes(ctx context.Context, name string, data []byte) (ingest.Report, error) {
	return f(ctx, name, data)
}

// TestStorageErrors holds issue 11, item 18: a full or read-only disk is named as such, not a
// bare 500 internal.
func TestStorageErrors(t *testing.T) {
	tests := []struct {
		err        error
		wantStatus int
		wantCode   string
	}{
		{&fs.PathError{Op: "write", Path: "/data/segments/x", Err: syscall.ENOSPC}, 507, "insufficient_storage"},
		{fmt.Errorf("write segment: %w", &fs.PathError{Op: "write", Path: "x", Err: syscall.EDQUOT}), 507, "insufficient_storage"},
		{fmt.Errorf("rename: %w", &fs.PathError{Op: "rename", Path: "x", Err: syscall.EROFS}), 503, "storage_unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.wantCode, func(t *testing.T) {
			d := realDeps(t)
			d.Uploader = uploaderFunc(func(context.Context, string, []byte) (ingest.Report, error) { return ingest.Report{}, tt.err })
			srv := newTestServer(t, d)
			res := do(t, srv, "POST", "/v1/documents?name=notes.txt", "some notes")
			if res.status != tt.wantStatus || res.errorCode() != tt.wantCode {
				t.Fatalf("got %d %s, want %d %s", res.status, res.body, tt.wantStatus, tt.wantCode)
			}
			if strings.Contains(string(res.body), "/data") || strings.Contains(string(res.body), "segment") {
				t.Errorf("the body shows internal details: %s", res.body)
			}
		})
	}
}

// TestTypeErrorMessages: a wrong type reads as the asker's words ("k must be a whole number"),
// not Go's ("must be a number, not number 5.5").
func TestTypeErrorMessages(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	tests := []struct{ path, body, want string }{
		{"/v1/ask", `{"question":"数字疗法","k":5.5}`, `field "k" must be a whole number, not 5.5`},
		{"/v1/ask", `{"question":"数字疗法","k":"5"}`, `field "k" must be a whole number, not a string`},
		{"/v1/ask", `{"question":"数字疗法","k":1e3}`, `field "k" must be a whole number, not 1e3`},
		{"/v1/ask", `{"question":"数字疗法","k":99999999999999999999}`, `field "k" is out of range: 99999999999999999999`},
		{"/v1/ask", `{"question":["数字疗法"]}`, `field "question" must be a string, not an array`},
		{"/v1/ask", `{"question":"数字疗法","stream":1}`, `field "stream" must be a boolean, not a number`},
		{"/v1/ask", `"数字疗法"`, `the body must be a JSON object, not a string`},
		{"/v1/search", `{"query":"数字疗法","k":{}}`, `field "k" must be a whole number, not an object`},
		{"/v1/chat/completions", `{"messages":{"role":"user"}}`, `field "messages" must be an array, not an object`},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			res := do(t, srv, "POST", tt.path, tt.body)
			if res.status != 400 || res.errorCode() != "invalid_type" || !strings.Contains(res.errorMessage(), tt.want) {
				t.Errorf("got %d %s, want 400 invalid_type saying %s", res.status, res.body, tt.want)
			}
		})
	}
}

// errorMessage returns the message of a JSON error body.
func (r response) errorMessage() string {
	var e errorBody
	if json.Unmarshal(r.body, &e) != nil || e.Error == nil {
		return ""
	}
	return e.Error.Message
}

// TestMuxAnswersAreJSON holds the rest of issue 11, item 18: what ServeMux answers by itself
// (redirects) and oversized headers come out as JSON errors, and DELETE without an id says so.
func TestMuxAnswersAreJSON(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	res := do(t, srv, "DELETE", "/v1/documents", "")
	if res.status != 405 || res.errorCode() != "method_not_allowed" || !strings.Contains(res.errorMessage(), "/v1/documents/{id}") {
		t.Errorf("DELETE /v1/documents: %d %s, want 405 naming DELETE /v1/documents/{id}", res.status, res.body)
	}
	if allow := res.header.Get("Allow"); strings.Contains(allow, "DELETE") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow %q", allow)
	}
	res = do(t, srv, "PUT", "/v1/documents", "")
	if allow := res.header.Get("Allow"); strings.Contains(allow, "DELETE") {
		t.Errorf("PUT /v1/documents: Allow %q offers DELETE without an id", allow)
	}

	for _, path := range []string{"/v1//models", "/v1/documents/../models", "/./healthz"} {
		res := send(t, srv, "GET", path, "", "")
		if res.status < 300 || res.status > 399 || res.errorCode() != "redirect" || res.header.Get("Location") == "" {
			t.Errorf("GET %s: %d %q %s, want a JSON redirect with Location", path, res.status, res.header.Get("Content-Type"), res.body)
		}
	}

	res = send(t, srv, "GET", "/v1/models", "", "", "X-Big", strings.Repeat("a", MaxHeaderBytes))
	if res.status != 431 || res.errorCode() != "headers_too_large" {
		t.Errorf("oversized headers: %d %s, want 431 headers_too_large", res.status, res.body)
	}
}
