package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/config"
)

// startServe runs `wenda --data TMP --knowledge KNOWLEDGE serve` through run() on 127.0.0.1:0
// and returns the base URL. The server is stopped (as by SIGTERM) at cleanup, and run must then
// return nil.
func startServe(t *testing.T, knowledge string, env map[string]string) string {
	t.Helper()
	vars := map[string]string{"WENDA_ADDR": "127.0.0.1:0", "WENDA_LOG_LEVEL": "warn"}
	for k, v := range env {
		vars[k] = v
	}
	getenv := func(k string) string { return vars[k] }
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"--data", t.TempDir(), "--knowledge", knowledge, "serve"}, getenv,
			strings.NewReader(""), pw, io.Discard)
		pw.Close()
		done <- err
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addr <- a
			}
		}
		io.Copy(io.Discard, pr)
	}()
	var base string
	select {
	case base = <-addr:
	case err := <-done:
		cancel()
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("serve did not print its address")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown", err)
			}
		case <-time.After(40 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	return base
}

// waitFor polls url until it answers 200.
func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func call(t *testing.T, method, url, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// copyDir copies the flat folder src into a new temp dir.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

const sampleKnowledge = "../../sample-knowledge"

func TestServe(t *testing.T) {
	knowledge := copyDir(t, sampleKnowledge)
	base := startServe(t, knowledge, map[string]string{"WENDA_API_KEYS": "k1, k2", "WENDA_WATCH_INTERVAL": "50ms"})
	waitFor(t, base+"/healthz")
	waitFor(t, base+"/readyz")

	if status, body := call(t, "POST", base+"/v1/ask", "", `{"question":"数字化转型的失败率是多少"}`); status != 401 {
		t.Errorf("ask without a key: %d %s", status, body)
	}
	status, body := call(t, "POST", base+"/v1/ask", "k2", `{"question":"数字化转型的失败率是多少"}`)
	if status != 200 {
		t.Fatalf("ask: %d %s", status, body)
	}
	var ans struct {
		Answer    string `json:"answer"`
		Abstained bool   `json:"abstained"`
		Sources   []struct {
			DocID string `json:"doc_id"`
		} `json:"sources"`
		ConversationID string `json:"conversation_id"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Abstained || !strings.Contains(ans.Answer, "80%") || len(ans.Sources) == 0 ||
		ans.Sources[0].DocID != "数字化转型与数字疗法.txt" || ans.ConversationID == "" {
		t.Errorf("answer %s: want the 80%% figure cited from the sample document", body)
	}

	// A file dropped into the knowledge folder is indexed within seconds, without restart.
	if err := os.WriteFile(filepath.Join(knowledge, "新增.md"), []byte("# 新增\n\n盛世笔特的年度报告说明了城市规划展示业务。"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := call(t, "GET", base+"/v1/documents", "k1", "")
		if strings.Contains(string(body), `"id":"新增.md"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new file was not indexed: %s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	status, body = call(t, "GET", base+"/metrics", "", "")
	if status != 200 || !strings.Contains(string(body), `wenda_http_requests_total{route="POST /v1/ask",status="200"} 1`) ||
		!strings.Contains(string(body), `wenda_stage_duration_seconds_count{stage="retrieve"}`) {
		t.Errorf("metrics: %d\n%s", status, body)
	}
}

// TestOpenAIClient drives /v1/chat/completions with the official openai npm client
// (tests/openai-client). `.ci/run` installs it with `npm ci --prefix tests/openai-client`.
func TestOpenAIClient(t *testing.T) {
	dir, err := filepath.Abs("../../tests/openai-client")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai")); err != nil {
		t.Skip("the openai npm client is not installed; .ci/run installs it with `npm ci --prefix tests/openai-client`")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	base := startServe(t, sampleKnowledge, map[string]string{"WENDA_API_KEYS": "node-key"})
	waitFor(t, base+"/readyz")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", dir+string(filepath.Separator))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WENDA_BASE_URL="+base+"/v1", "WENDA_API_KEY=node-key")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("node --test failed: %v\n%s", err, out)
	}
	t.Logf("node --test:\n%s", out)
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeRefusesPublicAddressWithoutKeys holds issue 11, item 18: serve on every interface
// with no keys does not start silently; WENDA_ALLOW_PUBLIC_NO_AUTH=1 starts it with a warning.
func TestServeRefusesPublicAddressWithoutKeys(t *testing.T) {
	vars := map[string]string{"WENDA_ADDR": "0.0.0.0:0"}
	getenv := func(k string) string { return vars[k] }
	var stdout, stderr syncBuffer
	// Bounded, so that a serve which starts instead of refusing ends the test rather than hangs it.
	refuseCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	err := run(refuseCtx, []string{"--data", t.TempDir(), "serve"}, getenv, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "WENDA_API_KEYS") || !strings.Contains(err.Error(), "WENDA_ALLOW_PUBLIC_NO_AUTH=1") {
		t.Fatalf("run = %v, want a refusal naming WENDA_API_KEYS and WENDA_ALLOW_PUBLIC_NO_AUTH=1", err)
	}
	if strings.Contains(stdout.String(), "listening") {
		t.Error("it listened anyway")
	}

	vars["WENDA_ALLOW_PUBLIC_NO_AUTH"] = "1"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--data", t.TempDir(), "serve"}, getenv, strings.NewReader(""), &stdout, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), "listening") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("with WENDA_ALLOW_PUBLIC_NO_AUTH=1: %v", err)
	}
	if !strings.Contains(stdout.String(), "listening") || !strings.Contains(stderr.String(), "WITHOUT API KEYS") {
		t.Errorf("stdout %q, stderr %q: want it listening, with a loud warning", stdout.String(), stderr.String())
	}
}

// TestServeDefaultsWithoutKeys: the default loopback address serves without keys, the answer
// timeout reaches the API, and the outer mux's redirects are JSON.
func TestServeDefaultsWithoutKeys(t *testing.T) {
	base := startServe(t, copyDir(t, sampleKnowledge), map[string]string{"WENDA_ANSWER_TIMEOUT": "45s"})
	waitFor(t, base+"/readyz")
	if status, body := call(t, "POST", base+"/v1/ask", "", `{"question":"数字化转型的失败率是多少"}`); status != 200 {
		t.Errorf("ask without keys on loopback: %d %s", status, body)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(base + "//healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode/100 != 3 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(string(b), `"redirect"`) {
		t.Errorf("GET //healthz: %d %q %s, want a JSON redirect", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
}

func TestHTTPLimitsCarryTheAnswerTimeout(t *testing.T) {
	if l := httpLimits(config.Config{AnswerTimeout: 42 * time.Second}); l.AnswerTimeout != 42*time.Second {
		t.Errorf("AnswerTimeout %v, want 42s", l.AnswerTimeout)
	}
}
