package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/internal/tgemulator"
)

// TestServeTelegram runs the real `wenda serve` with the Telegram bot pointed at the
// telegram-test-api emulator and chats with it: /start, a question about the sample knowledge
// base with its source, a follow-up, the headline question (no invented plan) and a user
// outside the allowlist. (bot/emulator_test.go covers the rest of the scenario: /sources, /new
// and an answer long enough to split.)
func TestServeTelegram(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	const token = "4242:serve-e2e"
	emu := tgemulator.Start(t, "../../tests/telegram-e2e", token)
	base := startServe(t, sampleDir, map[string]string{
		"TELEGRAM_BOT_TOKEN":          token,
		"WENDA_TELEGRAM_API_ENDPOINT": emu.Endpoint(),
		"WENDA_TELEGRAM_ALLOWED":      "1",
	})
	waitFor(t, base+"/readyz")

	const user, stranger = 1, 2
	steps := []struct {
		say     string
		want    []string
		wantNot []string
	}{
		{say: "/start", want: []string{"数字化转型与数字疗法"}},
		{say: "数字化转型的失败率是多少?", want: []string{"80%", "[1]", "来源"}},
		{say: "那中国企业呢?", want: []string{"90%"}},
		{say: "盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?",
			want: []string{"盛世笔特", "没有"}, wantNot: []string{"盛世笔特计划", "盛世笔特将"}},
	}
	for _, s := range steps {
		before := len(emu.Replies(user))
		emu.Say(user, s.say)
		var text strings.Builder
		for _, m := range emu.Await(user, before, 1, s.say) {
			text.WriteString(m.Text)
		}
		for _, w := range s.want {
			if !strings.Contains(text.String(), w) {
				t.Errorf("%s: reply lacks %q:\n%s", s.say, w, text.String())
			}
		}
		for _, w := range s.wantNot {
			if strings.Contains(text.String(), w) {
				t.Errorf("%s: reply says %q:\n%s", s.say, w, text.String())
			}
		}
	}
	emu.Say(stranger, "你好")
	refusal := emu.Await(stranger, 0, 1, "a stranger's message")
	if strings.Contains(refusal[0].Text, "[1]") {
		t.Errorf("a user outside the allowlist got an answer: %s", refusal[0].Text)
	}
}

// fakeTelegram is a minimal Bot API for wenda serve's bot: getMe (checking the token), long
// polled updates pushed by the test, and the messages the bot sends.
type fakeTelegram struct {
	t     *testing.T
	token string

	mu      sync.Mutex
	updates []map[string]any
	sent    map[int64][]string // chat → texts, as sent or last edited
	webhook string             // the URL registered with setWebhook
	changed chan struct{}      // closed and replaced on every change
	closing chan struct{}      // closed when the test ends, ending long polls
}

// startFakeTelegram serves the fake Bot API on addr, a 127.0.0.1 port that was refusing
// connections until now.
func startFakeTelegram(t *testing.T, addr, token string) *fakeTelegram {
	f := &fakeTelegram{t: t, token: token, sent: map[int64][]string{}, changed: make(chan struct{}), closing: make(chan struct{})}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the fake Bot API cannot listen on %s again: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	// Close waits for requests in flight: a long poll of serve's bot, whose cleanup runs later.
	t.Cleanup(func() { close(f.closing); srv.Close() })
	return f
}

// refusingAddr returns a 127.0.0.1 address where nothing listens, so connections are refused.
func refusingAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func (f *fakeTelegram) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fakeTelegram) reply(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	token, method, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("fake Bot API: %v", err)
	}
	if token != f.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	chat, _ := strconv.ParseInt(r.Form.Get("chat_id"), 10, 64)
	switch method {
	case "getMe":
		f.reply(w, map[string]any{"id": 42, "is_bot": true, "first_name": "Wenda", "username": "wenda_serve_bot"})
	case "getUpdates":
		f.getUpdates(w, r)
	case "setWebhook":
		f.mu.Lock()
		f.webhook = r.Form.Get("url")
		f.notify()
		f.mu.Unlock()
		f.reply(w, true)
	case "sendMessage":
		f.mu.Lock()
		f.sent[chat] = append(f.sent[chat], r.Form.Get("text"))
		id := len(f.sent[chat])
		f.notify()
		f.mu.Unlock()
		f.reply(w, map[string]any{"message_id": id, "date": 1, "chat": map[string]any{"id": chat, "type": "private"}, "text": r.Form.Get("text")})
	case "editMessageText":
		id, _ := strconv.Atoi(r.Form.Get("message_id"))
		f.mu.Lock()
		if id >= 1 && id <= len(f.sent[chat]) {
			f.sent[chat][id-1] = r.Form.Get("text")
		}
		f.notify()
		f.mu.Unlock()
		f.reply(w, map[string]any{"message_id": id, "date": 1, "chat": map[string]any{"id": chat, "type": "private"}, "text": r.Form.Get("text")})
	default: // deleteWebhook, sendChatAction
		f.reply(w, true)
	}
}

func (f *fakeTelegram) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.Form.Get("offset"))
	timeout, _ := strconv.Atoi(r.Form.Get("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		f.mu.Lock()
		var out []map[string]any
		for _, u := range f.updates {
			if u["update_id"].(int) >= offset {
				out = append(out, u)
			}
		}
		ch := f.changed
		f.mu.Unlock()
		if len(out) > 0 {
			f.reply(w, out)
			return
		}
		select {
		case <-ch:
		case <-deadline:
			f.reply(w, []any{})
			return
		case <-r.Context().Done():
			return
		case <-f.closing:
			f.reply(w, []any{})
			return
		}
	}
}

// update makes a private message from user, as Telegram delivers it.
func update(id int, user int64, text string) map[string]any {
	return map[string]any{"update_id": id, "message": map[string]any{
		"message_id": id, "date": 1, "text": text,
		"from": map[string]any{"id": user, "is_bot": false, "first_name": "U"},
		"chat": map[string]any{"id": user, "type": "private"},
	}}
}

// say queues a message from user for the bot's next poll.
func (f *fakeTelegram) say(user int64, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, update(len(f.updates)+1, user, text))
	f.notify()
}

// await waits until cond holds, failing the test after 20 s.
func (f *fakeTelegram) await(what string, cond func(f *fakeTelegram) bool) {
	f.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		f.mu.Lock()
		ok := cond(f)
		ch := f.changed
		f.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			f.mu.Lock()
			defer f.mu.Unlock()
			f.t.Fatalf("timed out waiting for %s; sent %v", what, f.sent)
		}
	}
}

// readyz returns /readyz's status and its "telegram" field.
func readyz(t *testing.T, base string) (int, string) {
	t.Helper()
	status, body := call(t, "GET", base+"/readyz", "", "")
	var r struct {
		Telegram string `json:"telegram"`
	}
	if status == 200 {
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("readyz %s: %v", body, err)
		}
	}
	return status, r.Telegram
}

// awaitReadyz polls /readyz until its telegram field is want (the bot has no event to wait on
// from outside the process).
func awaitReadyz(t *testing.T, base, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, got := readyz(t, base)
		if status == 200 && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz: %d, telegram %q; want 200 and %q", status, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// shortTelegramRetry makes the bot retry every few milliseconds for the rest of the test.
func shortTelegramRetry(t *testing.T) {
	telegramRetry.min, telegramRetry.max = 5*time.Millisecond, 50*time.Millisecond
	t.Cleanup(func() { telegramRetry.min, telegramRetry.max = 0, 0 })
}

// TestServeTelegramUnreachable (issue 11, item 12): with a token set and Telegram refusing
// connections, serve still serves HTTP (health, readiness, answers), reports the bot as
// connecting, and once Telegram is reachable the bot connects and answers.
func TestServeTelegramUnreachable(t *testing.T) {
	shortTelegramRetry(t)
	const token = "4242:unreachable"
	addr := refusingAddr(t)
	base := startServe(t, sampleDir, map[string]string{
		"TELEGRAM_BOT_TOKEN":          token,
		"WENDA_TELEGRAM_API_ENDPOINT": "http://" + addr + "/bot%s/%s",
	})
	waitFor(t, base+"/healthz")
	waitFor(t, base+"/readyz")
	if status, state := readyz(t, base); status != 200 || state != "connecting" {
		t.Errorf("/readyz while Telegram is unreachable: %d, telegram %q; want 200 and connecting", status, state)
	}
	status, body := call(t, "POST", base+"/v1/ask", "", `{"question":"数字化转型的失败率是多少?"}`)
	if status != 200 || !strings.Contains(string(body), "80%") {
		t.Errorf("/v1/ask while Telegram is unreachable: %d %s", status, body)
	}

	tg := startFakeTelegram(t, addr, token)
	awaitReadyz(t, base, "connected")
	tg.say(1, "数字化转型的失败率是多少?")
	tg.await("the bot's answer", func(f *fakeTelegram) bool {
		return len(f.sent[1]) > 0 && strings.Contains(f.sent[1][0], "80%")
	})
}

// TestServeTelegramUnauthorized: a token Telegram refuses stops the bot, not the HTTP API.
func TestServeTelegramUnauthorized(t *testing.T) {
	shortTelegramRetry(t)
	addr := refusingAddr(t)
	startFakeTelegram(t, addr, "4242:the-real-one")
	base := startServe(t, sampleDir, map[string]string{
		"TELEGRAM_BOT_TOKEN":          "4242:revoked",
		"WENDA_TELEGRAM_API_ENDPOINT": "http://" + addr + "/bot%s/%s",
	})
	waitFor(t, base+"/readyz")
	awaitReadyz(t, base, "unauthorized")
	if status, body := call(t, "POST", base+"/v1/ask", "", `{"question":"数字化转型的失败率是多少?"}`); status != 200 {
		t.Errorf("/v1/ask with the bot stopped: %d %s", status, body)
	}
}

// TestServeTelegramWebhookBeforeConnect: in webhook mode the route is there from the start and
// answers 503 until the bot has connected and registered the webhook; then it takes updates.
func TestServeTelegramWebhookBeforeConnect(t *testing.T) {
	shortTelegramRetry(t)
	const token, secret = "4242:webhook", "hook-secret"
	addr := refusingAddr(t)
	base := startServe(t, sampleDir, map[string]string{
		"TELEGRAM_BOT_TOKEN":            token,
		"WENDA_TELEGRAM_API_ENDPOINT":   "http://" + addr + "/bot%s/%s",
		"WENDA_TELEGRAM_WEBHOOK_URL":    "https://bot.example/telegram/webhook",
		"WENDA_TELEGRAM_WEBHOOK_SECRET": secret,
	})
	waitFor(t, base+"/readyz")
	post := func(id int, text string) int {
		t.Helper()
		b, _ := json.Marshal(update(id, 1, text))
		req, _ := http.NewRequest("POST", base+"/telegram/webhook", bytes.NewReader(b))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if status := post(1, "你好"); status != http.StatusServiceUnavailable {
		t.Errorf("webhook before the bot connected: %d, want 503", status)
	}
	tg := startFakeTelegram(t, addr, token)
	awaitReadyz(t, base, "connected")
	tg.await("setWebhook", func(f *fakeTelegram) bool { return f.webhook == "https://bot.example/telegram/webhook" })
	if status := post(2, "数字化转型的失败率是多少?"); status != http.StatusOK {
		t.Errorf("webhook after the bot connected: %d, want 200", status)
	}
	tg.await("the bot's answer", func(f *fakeTelegram) bool {
		return len(f.sent[1]) > 0 && strings.Contains(f.sent[1][0], "80%")
	})
}
