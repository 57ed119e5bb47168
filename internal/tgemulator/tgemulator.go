// Package tgemulator drives the telegram-test-api emulator (an npm package, installed by
// .ci/run into tests/telegram-e2e) from Go tests: it starts the Node server, sends messages as
// users and reads what the bot sent. Tests of the bot package and of wenda serve share it.
package tgemulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Emulator is a running telegram-test-api server and its client API.
type Emulator struct {
	t     *testing.T
	url   string
	token string
}

// Start runs the emulator from dir (the repository's tests/telegram-e2e, relative to the
// calling test's package) for a bot with token, and stops it when the test ends. It skips the
// test when the Node package is not installed (.ci/run installs it).
func Start(t *testing.T, dir, token string) *Emulator {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "telegram-test-api")); err != nil {
		t.Skip("telegram-test-api is not installed; .ci/run installs it with: npm ci --prefix tests/telegram-e2e")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(node, "server.mjs", fmt.Sprint(port))
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe() // closing it stops the emulator
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				ready <- u
			}
		}
		close(ready)
	}()
	select {
	case u, ok := <-ready:
		if !ok {
			t.Fatalf("emulator exited: %s", stderr.String())
		}
		return &Emulator{t: t, url: u, token: token}
	case <-time.After(20 * time.Second):
		t.Fatalf("emulator did not start: %s", stderr.String())
	}
	return nil
}

func (e *Emulator) post(path string, body any, out any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(e.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatalf("emulator %s: %v", path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			e.t.Fatalf("emulator %s: %v", path, err)
		}
	}
}

// Endpoint is the Bot API endpoint format to point the bot at (telegram-bot-api's APIEndpoint).
func (e *Emulator) Endpoint() string { return e.url + "/bot%s/%s" }

// Say sends text as user to the bot in the user's private chat.
func (e *Emulator) Say(user int64, text string) {
	e.post("/sendMessage", map[string]any{
		"botToken": e.token,
		"from":     map[string]any{"id": user, "first_name": "User", "is_bot": false},
		"chat":     map[string]any{"id": user, "type": "private", "first_name": "User"},
		"text":     text,
		"date":     time.Now().Unix(),
	}, nil)
}

// Message is a message the bot sent, as last edited.
type Message struct {
	ChatID    string `json:"chat_id"`
	Text      string `json:"text"`
	ParseMode string `json:"parse_mode"`
}

// Replies returns the bot's messages to chat so far, oldest first, as last edited.
func (e *Emulator) Replies(chat int64) []Message {
	var res struct {
		Result []struct {
			Message json.RawMessage `json:"message"`
		} `json:"result"`
	}
	e.post("/getUpdatesHistory", map[string]any{"token": e.token}, &res)
	var out []Message
	for _, r := range res.Result {
		var m Message
		if json.Unmarshal(r.Message, &m) == nil && m.ChatID == fmt.Sprint(chat) {
			out = append(out, m)
		}
	}
	return out
}

// Await waits for at least want new replies to chat after the first n, and returns the new
// ones once they stop changing (the last edit has landed): three reads 40 ms apart agree.
func (e *Emulator) Await(chat int64, n, want int, what string) []Message {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got []Message
	stable := 0
	for time.Now().Before(deadline) {
		cur := e.Replies(chat)
		if len(cur) >= n+want && len(cur) == len(got) && fmt.Sprint(cur) == fmt.Sprint(got) {
			if stable++; stable >= 3 {
				return cur[n:]
			}
		} else {
			stable = 0
		}
		got = cur
		time.Sleep(40 * time.Millisecond)
	}
	e.t.Fatalf("no reply to %s (chat %d has %d messages)", what, chat, len(got))
	return nil
}
