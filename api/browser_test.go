package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// send makes a request with full control over its headers and Host.
func send(t *testing.T, srv *httptest.Server, method, path, body, host string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return response{res.StatusCode, res.Header, b.Bytes()}
}

// TestBrowserRequestsWithoutKeys holds issue 11, item 7: with no keys, a web page on another
// origin can neither ask nor upload, and a DNS-rebinding name is not answered.
func TestBrowserRequestsWithoutKeys(t *testing.T) {
	d := realDeps(t)
	d.AllowedHosts = []string{"wenda.internal"}
	srv := newTestServer(t, d)
	self := strings.TrimPrefix(srv.URL, "http://")
	ask := `{"question":"数字化转型的失败率是多少"}`
	tests := []struct {
		name       string
		path, body string
		host       string
		header     []string
		wantStatus int
		wantCode   string
	}{
		{"text/plain from a page", "/v1/ask", ask, "", []string{"Content-Type", "text/plain", "Origin", "https://evil.example"}, 403, "cross_origin"},
		{"text/plain without Origin", "/v1/ask", ask, "", []string{"Content-Type", "text/plain;charset=UTF-8"}, 415, "unsupported_media_type"},
		{"form encoded", "/v1/search", `{"query":"数字化"}`, "", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		{"multipart to ask", "/v1/chat/completions", `{}`, "", []string{"Content-Type", "multipart/form-data; boundary=x"}, 415, "unsupported_media_type"},
		{"no Content-Type", "/v1/ask", ask, "", nil, 415, "unsupported_media_type"},
		{"JSON from another origin", "/v1/ask", ask, "", []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, 403, "cross_origin"},
		{"from a sandboxed frame", "/v1/ask", ask, "", []string{"Content-Type", "application/json", "Origin", "null"}, 403, "cross_origin"},
		{"cross-site without Origin", "/v1/documents", "", "", []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_origin"},
		{"rebound name", "/v1/ask", ask, "evil.example:" + strings.Split(self, ":")[1], []string{"Content-Type", "application/json"}, 403, "invalid_host"},
		{"rebound name, GET", "/v1/documents", "", "evil.example", nil, 403, "invalid_host"},

		{"JSON from curl", "/v1/ask", ask, "", []string{"Content-Type", "application/json"}, 200, ""},
		{"JSON with charset", "/v1/ask", ask, "", []string{"Content-Type", "application/json; charset=utf-8"}, 200, ""},
		{"a +json type", "/v1/search", `{"query":"数字化"}`, "", []string{"Content-Type", "application/vnd.wenda+json"}, 200, ""},
		{"same origin page", "/v1/ask", ask, "", []string{"Content-Type", "application/json", "Origin", srv.URL, "Sec-Fetch-Site", "same-origin"}, 200, ""},
		{"localhost", "/v1/documents", "", "localhost:8080", nil, 200, ""},
		{"IPv6 loopback", "/v1/documents", "", "[::1]:8080", nil, 200, ""},
		{"listed name", "/v1/documents", "", "Wenda.Internal:8080", nil, 200, ""},
		{"typed in the address bar", "/v1/documents", "", "", []string{"Sec-Fetch-Site", "none"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "POST"
			if tt.body == "" {
				method = "GET"
			}
			res := send(t, srv, method, tt.path, tt.body, tt.host, tt.header...)
			if res.status != tt.wantStatus || res.errorCode() != tt.wantCode {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tt.wantStatus, tt.wantCode)
			}
		})
	}

	// A form upload from another page's <form enctype="multipart/form-data"> stores nothing.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "planted.txt")
	fw.Write([]byte("数字化转型的失败率是0%。"))
	mw.Close()
	res := send(t, srv, "POST", "/v1/documents", body.String(), "", "Content-Type", mw.FormDataContentType(), "Origin", "https://evil.example")
	if res.status != 403 {
		t.Errorf("cross-origin upload: %d %s, want 403", res.status, res.body)
	}
	if d.Documents.Document("planted.txt") != nil {
		t.Error("a cross-origin form upload was stored")
	}
}

// TestBrowserChecksWithKeys: with keys, the key is what matters (a page cannot send one
// without a CORS preflight, which wenda does not grant), so Origin and Host are not checked;
// the JSON rule still holds.
func TestBrowserChecksWithKeys(t *testing.T) {
	d := realDeps(t)
	d.APIKeys = []string{"k1"}
	srv := newTestServer(t, d)
	ask := `{"question":"数字化转型的失败率是多少"}`
	res := send(t, srv, "POST", "/v1/ask", ask, "wenda.example.com", "Authorization", "Bearer k1", "Content-Type", "application/json", "Origin", "https://app.example.com")
	if res.status != 200 {
		t.Errorf("keyed request from a named host and another origin: %d %s, want 200", res.status, res.body)
	}
	res = send(t, srv, "POST", "/v1/ask", ask, "", "Authorization", "Bearer k1", "Content-Type", "text/plain")
	if res.status != 415 {
		t.Errorf("keyed text/plain ask: %d, want 415", res.status)
	}
	// Preflights are not granted: no Access-Control-Allow-* header ever goes out.
	res = send(t, srv, "OPTIONS", "/v1/ask", "", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	for k := range res.header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("preflight answered with %s", k)
		}
	}
	if res.status < 400 {
		t.Errorf("preflight: %d, want an error", res.status)
	}
}
