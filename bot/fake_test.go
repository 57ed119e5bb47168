package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/wenda-dev/wenda/rag"
)

const testToken = "123456:SECRET-token-value"

// sent is one call the bot made to the fake Bot API.
type sent struct {
	Method    string
	ChatID    int64
	MessageID int // the message sent or edited
	Text      string
	ParseMode string
	ReplyTo   int
	At        time.Time
}

// fakeAPI is an httptest Bot API: it long-polls updates pushed by the test, records what the
// bot sends, and can be told to fail calls.
type fakeAPI struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	updates   []tgbotapi.Update
	nextUpd   int
	nextMsg   int
	calls     []sent
	changed   chan struct{} // closed and replaced on every change
	fail      map[string][]apiFailure
	files     map[string][]byte
	actionOK  bool
	gotToken  []string      // tokens seen in request paths
	polls     int           // getUpdates calls, which are not recorded in calls
	getMes    int           // getMe calls, answered or failed
	getMeGate chan struct{} // when set, getMe waits for it to be closed
}

type apiFailure struct {
	code       int
	desc       string
	retryAfter int
}

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{t: t, nextUpd: 1, nextMsg: 1000, changed: make(chan struct{}), fail: map[string][]apiFailure{},
		files: map[string][]byte{}, actionOK: true}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) endpoint() string { return f.srv.URL + "/bot%s/%s" }

func (f *fakeAPI) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// failNext makes the next call of method fail.
func (f *fakeAPI) failNext(method string, code int, desc string, retryAfter int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], apiFailure{code, desc, retryAfter})
}

// push queues an update for the bot's next getUpdates.
func (f *fakeAPI) push(u tgbotapi.Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u.UpdateID = f.nextUpd
	f.nextUpd++
	f.updates = append(f.updates, u)
	f.notify()
}

// sent returns the calls of the given methods (all when none given).
func (f *fakeAPI) sent(methods ...string) []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sent
	for _, c := range f.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// waitFor waits until cond holds for the recorded calls, failing the test after timeout.
func (f *fakeAPI) waitFor(what string, timeout time.Duration, cond func(calls []sent) bool) []sent {
	f.t.Helper()
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		calls := append([]sent(nil), f.calls...)
		ch := f.changed
		f.mu.Unlock()
		if cond(calls) {
			return calls
		}
		select {
		case <-ch:
		case <-deadline:
			f.t.Fatalf("timed out waiting for %s; calls so far:\n%s", what, dumpCalls(calls))
			return nil
		}
	}
}

func dumpCalls(calls []sent) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "  %s chat=%d msg=%d reply_to=%d mode=%q text=%q\n", c.Method, c.ChatID, c.MessageID, c.ReplyTo, c.ParseMode, c.Text)
	}
	return b.String()
}

func (f *fakeAPI) reply(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(result)
	fmt.Fprintf(w, `{"ok":true,"result":%s}`, b)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if strings.HasPrefix(path, "file/bot") {
		rest := strings.TrimPrefix(path, "file/bot")
		token, fp, _ := strings.Cut(rest, "/")
		f.mu.Lock()
		data, ok := f.files[fp]
		f.gotToken = append(f.gotToken, token)
		f.mu.Unlock()
		if !ok || token != testToken {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	rest, ok := strings.CutPrefix(path, "bot")
	if !ok {
		http.NotFound(w, r)
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("fake API: bad form: %v", err)
	}
	f.mu.Lock()
	gate := f.getMeGate
	f.mu.Unlock()
	if method == "getMe" && gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	f.mu.Lock()
	f.gotToken = append(f.gotToken, token)
	switch method {
	case "getUpdates":
		f.polls++
	case "getMe":
		f.getMes++
	}
	if fs := f.fail[method]; len(fs) > 0 {
		fl := fs[0]
		f.fail[method] = fs[1:]
		f.calls = append(f.calls, sent{Method: method + "!failed", ChatID: atoi(r.Form.Get("chat_id")), Text: r.Form.Get("text"), ParseMode: r.Form.Get("parse_mode"), At: time.Now()})
		f.notify()
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.code)
		params := ""
		if fl.retryAfter > 0 {
			params = fmt.Sprintf(`,"parameters":{"retry_after":%d}`, fl.retryAfter)
		}
		fmt.Fprintf(w, `{"ok":false,"error_code":%d,"description":%q%s}`, fl.code, fl.desc, params)
		return
	}
	f.mu.Unlock()
	if token != testToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	switch method {
	case "getMe":
		f.reply(w, tgbotapi.User{ID: 42, IsBot: true, FirstName: "Wenda", UserName: "wenda_test_bot"})
	case "deleteWebhook", "setWebhook":
		f.record(sent{Method: method, Text: r.Form.Get("url") + " " + r.Form.Get("secret_token")})
		f.reply(w, true)
	case "getUpdates":
		f.getUpdates(w, r)
	case "sendChatAction":
		f.mu.Lock()
		ok := f.actionOK
		f.mu.Unlock()
		f.record(sent{Method: method, ChatID: atoi(r.Form.Get("chat_id"))})
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"API method 'sendChatAction' is not supported."}`)
			return
		}
		f.reply(w, true)
	case "sendMessage":
		f.mu.Lock()
		f.nextMsg++
		id := f.nextMsg
		f.mu.Unlock()
		c := sent{Method: method, ChatID: atoi(r.Form.Get("chat_id")), MessageID: id, Text: r.Form.Get("text"),
			ParseMode: r.Form.Get("parse_mode"), ReplyTo: int(atoi(r.Form.Get("reply_to_message_id")))}
		if c.ParseMode == "HTML" && !validHTML(c.Text) {
			f.t.Errorf("fake API: invalid HTML sent: %q", c.Text)
		}
		if n := utf16Len(stripTags(c.Text)); n > MaxMessageUnits {
			f.t.Errorf("fake API: message of %d UTF-16 units", n)
		}
		f.record(c)
		f.reply(w, tgbotapi.Message{MessageID: id, Chat: &tgbotapi.Chat{ID: c.ChatID}, Text: c.Text})
	case "editMessageText":
		c := sent{Method: method, ChatID: atoi(r.Form.Get("chat_id")), MessageID: int(atoi(r.Form.Get("message_id"))),
			Text: r.Form.Get("text"), ParseMode: r.Form.Get("parse_mode")}
		f.record(c)
		f.reply(w, tgbotapi.Message{MessageID: c.MessageID, Chat: &tgbotapi.Chat{ID: c.ChatID}, Text: c.Text})
	case "getFile":
		id := r.Form.Get("file_id")
		f.reply(w, tgbotapi.File{FileID: id, FilePath: "documents/" + id})
	default:
		f.t.Errorf("fake API: unexpected method %s", method)
		w.WriteHeader(http.StatusNotFound)
	}
}

func (f *fakeAPI) record(c sent) {
	c.At = time.Now()
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.notify()
	f.mu.Unlock()
}

func (f *fakeAPI) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset := int(atoi(r.Form.Get("offset")))
	timeout, _ := strconv.Atoi(r.Form.Get("timeout"))
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		f.mu.Lock()
		var out []tgbotapi.Update
		for _, u := range f.updates {
			if u.UpdateID >= offset {
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
			f.reply(w, []tgbotapi.Update{})
			return
		case <-r.Context().Done():
			return
		}
	}
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// validHTML checks the markup is what Telegram accepts: only known tags, balanced, and no bare
// < or & outside entities.
func validHTML(s string) bool {
	var stack []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return false
			}
			tag := s[i+1 : i+j]
			i += j
			if strings.HasPrefix(tag, "/") {
				if len(stack) == 0 || stack[len(stack)-1] != tag[1:] {
					return false
				}
				stack = stack[:len(stack)-1]
				continue
			}
			name, _, _ := strings.Cut(tag, " ")
			if !contains([]string{"b", "i", "a", "code", "pre"}, name) {
				return false
			}
			stack = append(stack, name)
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 || !contains([]string{"&amp;", "&lt;", "&gt;", "&quot;", "&#34;", "&#39;"}, s[i:i+j+1]) {
				return false
			}
		case '>':
			return false
		}
	}
	return len(stack) == 0
}

// stripTags returns the visible text of Telegram HTML.
func stripTags(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '<' {
			if j := strings.IndexByte(s[i:], '>'); j >= 0 {
				i += j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#34;", `"`, "&#39;", "'")
	return r.Replace(b.String())
}

// askerFunc adapts a function to rag.Asker.
type askerFunc func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error)

func (f askerFunc) Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	return f(ctx, req)
}

// echoAsker answers "答:<question> [1]" citing one source, through OnDelta like the engine.
var echoAsker = askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	text := "答:" + req.Question + " [1]"
	if req.OnDelta != nil {
		req.OnDelta(text)
	}
	return &rag.Answer{Text: text, Sources: []rag.Source{{N: 1, DocID: "d1", Title: "文档一", ChunkID: "d1#0", Text: "片段"}}}, nil
})

// harness runs a bot against a fake API.
type harness struct {
	t    testing.TB
	api  *fakeAPI
	bot  *Bot
	stop func()
}

// startBot runs a bot against a new fake API, with the test defaults of testOptions.
func startBot(t testing.TB, opts Options) *harness {
	t.Helper()
	return runBot(t, newFakeAPI(t), opts)
}

// testOptions points opts at api and shortens what would make tests wait in real time: the
// pace of messages (a chat's and overall), streaming edits and connection retries. Tests of
// those set their own values.
func testOptions(api *fakeAPI, opts Options) Options {
	if opts.Token == "" {
		opts.Token = testToken
	}
	opts.Endpoint = api.endpoint()
	if opts.Asker == nil {
		opts.Asker = echoAsker
	}
	if opts.PollTimeout == 0 {
		opts.PollTimeout = time.Second
	}
	if opts.DrainTimeout == 0 {
		opts.DrainTimeout = 2 * time.Second
	}
	if opts.ChatInterval == 0 {
		opts.ChatInterval = time.Millisecond
	}
	if opts.GlobalPerSecond == 0 {
		opts.GlobalPerSecond = 1000
	}
	if opts.EditInterval == 0 {
		opts.EditInterval = 50 * time.Millisecond
	}
	if opts.RetryMin == 0 {
		opts.RetryMin = 5 * time.Millisecond
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 50 * time.Millisecond
	}
	return opts
}

// runBot creates a bot for api and runs it until the test ends or stop is called; stop fails
// the test if Run returns an error. The bot may still be connecting when runBot returns.
func runBot(t testing.TB, api *fakeAPI, opts Options) *harness {
	t.Helper()
	b, err := New(testOptions(api, opts))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Run did not return after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return &harness{t: t, api: api, bot: b, stop: stop}
}

var nextMessageID = struct {
	sync.Mutex
	n int
}{n: 1}

func newMessageID() int {
	nextMessageID.Lock()
	defer nextMessageID.Unlock()
	nextMessageID.n++
	return nextMessageID.n
}

// private makes a private-chat text message from user id (chat id = user id).
func private(user int64, text string) tgbotapi.Update {
	return tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: newMessageID(),
		From:      &tgbotapi.User{ID: user, FirstName: "U"},
		Chat:      &tgbotapi.Chat{ID: user, Type: "private"},
		Text:      text,
		Date:      int(time.Now().Unix()),
	}}
}

// inGroup makes a group message from user in chat.
func inGroup(chat, user int64, text string) tgbotapi.Update {
	return tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: newMessageID(),
		From:      &tgbotapi.User{ID: user, FirstName: "U"},
		Chat:      &tgbotapi.Chat{ID: chat, Type: "supergroup", Title: "G"},
		Text:      text,
		Date:      int(time.Now().Unix()),
	}}
}

// messagesTo returns the sendMessage calls to chat.
func messagesTo(calls []sent, chat int64) []sent {
	var out []sent
	for _, c := range calls {
		if c.Method == "sendMessage" && c.ChatID == chat {
			out = append(out, c)
		}
	}
	return out
}

// pollCount is how many getUpdates calls the fake has received.
func (f *fakeAPI) pollCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.polls
}

// getMeCount is how many getMe calls the fake has received.
func (f *fakeAPI) getMeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.getMes
}

// holdGetMe makes getMe calls wait until release is called, so a test can look at a bot that
// has not connected yet.
func (f *fakeAPI) holdGetMe() (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.getMeGate = gate
	f.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(gate) }) }
}

// syncBuffer is a log destination that tests can read while the bot writes, and wait on.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until sub appears n times in the log, failing the test after timeout.
func (s *syncBuffer) waitFor(t testing.TB, sub string, n int, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		out := s.b.String()
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if strings.Count(out, sub) >= n {
			return out
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out waiting for %d × %q in the log:\n%s", n, sub, out)
			return ""
		}
	}
}

// waitState waits until the bot reports want, failing the test after timeout. The bot has no
// notification for its state, so this checks every few milliseconds.
func waitState(t testing.TB, b *Bot, want State, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for b.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("bot state %q after %v, want %q", b.State(), timeout, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
