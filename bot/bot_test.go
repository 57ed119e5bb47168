package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

const wait = 5 * time.Second

func hasText(sub string) func([]sent) bool {
	return func(calls []sent) bool {
		for _, c := range calls {
			if (c.Method == "sendMessage" || c.Method == "editMessageText") && strings.Contains(c.Text, sub) {
				return true
			}
		}
		return false
	}
}

func TestAnswerInPrivateChat(t *testing.T) {
	h := startBot(t, Options{})
	h.api.push(private(5, "数字化转型的失败率是多少?"))
	calls := h.api.waitFor("the answer", wait, hasText("答:数字化转型的失败率是多少?"))
	msgs := messagesTo(calls, 5)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1:\n%s", len(msgs), dumpCalls(calls))
	}
	m := msgs[0]
	want := "答:数字化转型的失败率是多少? [1]\n\n<b>来源</b>\n[1] <b>文档一</b>"
	if m.Text != want || m.ParseMode != "HTML" {
		t.Errorf("answer = %q (mode %q), want %q in HTML", m.Text, m.ParseMode, want)
	}
	if m.ReplyTo != 0 {
		t.Errorf("private answer replies to %d; want no reply_to", m.ReplyTo)
	}
	if len(h.api.sent("sendChatAction")) == 0 {
		t.Errorf("no typing indicator sent")
	}
	if h.api.pollCount() == 0 {
		t.Errorf("the fake counted no getUpdates calls: TestWebhook's check that it does not poll would prove nothing")
	}
}

type fakeLibrary []*rag.Document

func (l fakeLibrary) Documents() []*rag.Document { return l }

type fakeResetter struct {
	mu  sync.Mutex
	ids []string
}

func (r *fakeResetter) Reset(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
	return nil
}

func TestCommands(t *testing.T) {
	reset := &fakeResetter{}
	h := startBot(t, Options{
		Library:       fakeLibrary{{ID: "a.txt", Title: "数字化转型与数字疗法"}, {ID: "b.md", Title: "B"}},
		Conversations: reset,
	})
	steps := []struct {
		send string
		want []string
	}{
		{"/start", []string{"2 篇文档", "数字化转型与数字疗法", "《数字化转型与数字疗法》主要讲了什么?"}},
		{"/help", []string{"/new", "/sources", "/ask"}},
		{"/sources", []string{"还没有可以显示出处的回答"}},
		{"问题一", []string{"答:问题一 [1]"}},
		{"/sources", []string{"上一个回答的来源", "d1#0", "片段"}},
		{"/new", []string{"已开始新对话"}},
		{"/sources", []string{"还没有可以显示出处的回答"}},
		{"/nosuch", []string{"不认识这个命令"}},
		{"/start@wenda_test_bot", []string{"2 篇文档"}},
	}
	for i, s := range steps {
		h.api.push(private(9, s.send))
		calls := h.api.waitFor(s.send, wait, func(calls []sent) bool { return len(messagesTo(calls, 9)) > i })
		got := messagesTo(calls, 9)[i].Text
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply %q lacks %q", s.send, got, w)
			}
		}
	}
	reset.mu.Lock()
	defer reset.mu.Unlock()
	if len(reset.ids) != 1 || reset.ids[0] != "tg:9" {
		t.Errorf("Reset calls = %q, want [tg:9]", reset.ids)
	}
}

func TestEnglishStrings(t *testing.T) {
	h := startBot(t, Options{})
	u := private(11, "/help")
	u.Message.From.LanguageCode = "en"
	h.api.push(u)
	h.api.waitFor("English help", wait, hasText("Send me a question"))
}

func TestHTMLRejectedFallsBackToPlainText(t *testing.T) {
	h := startBot(t, Options{})
	h.api.failNext("sendMessage", 400, "Bad Request: can't parse entities: Unsupported start tag", 0)
	h.api.push(private(5, "问题"))
	calls := h.api.waitFor("plain answer", wait, hasText("答:问题"))
	msgs := messagesTo(calls, 5)
	if len(msgs) != 1 || msgs[0].ParseMode != "" || !strings.Contains(msgs[0].Text, "来源\n[1] 文档一") {
		t.Errorf("want one plain-text answer with sources, got:\n%s", dumpCalls(calls))
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel() // mostly waiting; parallel tests start after the serial ones, TestStopLeavesNoGoroutines too

	const unit = 100 * time.Millisecond // what retry_after counts in this test, instead of a second
	h := startBot(t, Options{retryAfterUnit: unit})
	h.api.failNext("sendMessage", 429, "Too Many Requests: retry after 2", 2)
	h.api.push(private(5, "问题"))
	calls := h.api.waitFor("answer after 429", wait, hasText("答:问题"))
	var failedAt, okAt time.Time
	for _, c := range calls {
		switch c.Method {
		case "sendMessage!failed":
			failedAt = c.At
		case "sendMessage":
			okAt = c.At
		}
	}
	if failedAt.IsZero() {
		t.Fatalf("the 429 was never hit:\n%s", dumpCalls(calls))
	}
	if d := okAt.Sub(failedAt); d < 2*unit {
		t.Errorf("retried after %v; Telegram asked for %v", d, 2*unit)
	}
}

func TestTypingRefusedIsNotFatal(t *testing.T) {
	h := startBot(t, Options{})
	h.api.mu.Lock()
	h.api.actionOK = false
	h.api.mu.Unlock()
	h.api.push(private(5, "第一个"))
	h.api.push(private(5, "第二个"))
	h.api.waitFor("both answers", wait, func(c []sent) bool { return len(messagesTo(c, 5)) == 2 })
}

func TestAllowlist(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	asker := askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		mu.Lock()
		asked = append(asked, req.ConversationID)
		mu.Unlock()
		return echoAsker(ctx, req)
	})
	h := startBot(t, Options{Allowed: []int64{7, -100}, Asker: asker})
	h.api.push(private(8, "你好"))
	h.api.push(private(8, "还在吗"))
	h.api.push(private(7, "问题"))
	h.api.push(inGroup(-100, 8, "@wenda_test_bot 群里的问题")) // allowed chat, so user 8 may ask there
	h.api.waitFor("answers and a refusal", wait, func(c []sent) bool {
		return len(messagesTo(c, 7)) == 1 && len(messagesTo(c, -100)) == 1 && len(messagesTo(c, 8)) >= 1
	})
	// The group's answer shows every update was dispatched (in order); stopping drains what
	// the bot still meant to send, a second refusal included.
	h.stop()
	calls := h.api.sent()
	refusals := messagesTo(calls, 8)
	if len(refusals) != 1 || !strings.Contains(refusals[0].Text, "只对受邀的用户开放") {
		t.Errorf("want exactly one polite refusal for user 8, got:\n%s", dumpCalls(refusals))
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range asked {
		if id == "tg:8" {
			t.Errorf("a user outside the allowlist got an answer")
		}
	}
}

func TestRateLimitPerUser(t *testing.T) {
	h := startBot(t, Options{QuestionsPerMinute: 2})
	for i := range 4 {
		h.api.push(private(5, fmt.Sprintf("问题%d", i)))
	}
	// Commands are not questions: /help still works. Its reply, queued behind the answers,
	// is also the barrier after which nothing more may come.
	h.api.push(private(5, "/help"))
	h.api.waitFor("help despite the limit", wait, hasText("/sources"))
	h.stop() // drains notices still in flight
	calls := h.api.sent()
	var answers, refusals, help int
	for _, m := range messagesTo(calls, 5) {
		switch {
		case strings.HasPrefix(m.Text, "答:"):
			answers++
		case strings.Contains(m.Text, "太快"):
			refusals++
		case strings.Contains(m.Text, "/sources"):
			help++
		}
	}
	if answers != 2 || refusals != 1 || help != 1 || len(messagesTo(calls, 5)) != 4 {
		t.Errorf("answers=%d refusals=%d help=%d, want 2, 1 and 1 and nothing else:\n%s", answers, refusals, help, dumpCalls(calls))
	}
}

// TestSendPace checks the pace of messages: bursts of three per chat, then one per
// ChatInterval; across chats, bursts of GlobalPerSecond, then that many a second. (The other
// tests run with both paces fast.)
func TestSendPace(t *testing.T) {
	// gaps returns the times between the arrivals of consecutive messages.
	gaps := func(msgs []sent) []time.Duration {
		var out []time.Duration
		for i := 1; i < len(msgs); i++ {
			out = append(out, msgs[i].At.Sub(msgs[i-1].At))
		}
		return out
	}
	t.Run("chat", func(t *testing.T) {
		const interval = 100 * time.Millisecond
		h := startBot(t, Options{ChatInterval: interval})
		for range 6 {
			h.api.push(private(5, "/help"))
		}
		calls := h.api.waitFor("six replies", wait, func(c []sent) bool { return len(messagesTo(c, 5)) == 6 })
		g := gaps(messagesTo(calls, 5))
		// The first three are a burst; the fake stamps arrivals, so allow for latency.
		for i, d := range g[2:] {
			if d < interval*3/4 {
				t.Errorf("message %d came %v after the previous one; want one per %v after a burst of 3", i+4, d, interval)
			}
		}
		if burst := g[0] + g[1]; burst > interval {
			t.Errorf("the first three messages took %v; want them at once", burst)
		}
	})
	t.Run("global", func(t *testing.T) {
		const perSecond = 10
		h := startBot(t, Options{GlobalPerSecond: perSecond})
		for c := range perSecond + 3 {
			h.api.push(private(int64(200+c), "/help"))
		}
		calls := h.api.waitFor("a reply to every chat", wait, func(c []sent) bool {
			return len(c) >= perSecond+3 && len(h.api.sent("sendMessage")) == perSecond+3
		})
		var msgs []sent
		for _, c := range calls {
			if c.Method == "sendMessage" {
				msgs = append(msgs, c)
			}
		}
		g := gaps(msgs)
		for i, d := range g[perSecond-1:] {
			if d < time.Second/perSecond*3/4 {
				t.Errorf("message %d came %v after the previous one; want %d a second after a burst", i+perSecond+1, d, perSecond)
			}
		}
	})
}

func TestGroups(t *testing.T) {
	h := startBot(t, Options{})
	const g = -1001
	tests := []struct {
		name     string
		update   tgbotapi.Update
		wantText string // "" means the bot must stay silent
	}{
		{"unaddressed", inGroup(g, 1, "大家好,今天开会吗?"), ""},
		{"mention", inGroup(g, 1, "@wenda_test_bot 数字疗法是什么?"), "答:数字疗法是什么? [1]"},
		{"mention_any_case_mid", inGroup(g, 1, "请问 @Wenda_Test_Bot,失败率?"), "答:请问 ,失败率? [1]"},
		{"ask", inGroup(g, 2, "/ask 中国企业呢?"), "答:中国企业呢? [1]"},
		{"ask_addressed", inGroup(g, 2, "/ask@wenda_test_bot 广东呢?"), "答:广东呢? [1]"},
		{"ask_other_bot", inGroup(g, 2, "/ask@other_bot 别理我"), ""},
		{"ask_empty", inGroup(g, 2, "/ask"), "请在 /ask 后面写上问题"},
		{"reply_to_bot", func() tgbotapi.Update {
			u := inGroup(g, 3, "那医疗呢?")
			u.Message.ReplyToMessage = &tgbotapi.Message{MessageID: 1, From: &tgbotapi.User{ID: 42, IsBot: true}}
			return u
		}(), "答:那医疗呢? [1]"},
		{"reply_to_someone_else", func() tgbotapi.Update {
			u := inGroup(g, 3, "我同意")
			u.Message.ReplyToMessage = &tgbotapi.Message{MessageID: 1, From: &tgbotapi.User{ID: 77}}
			return u
		}(), ""},
		{"unknown_command", inGroup(g, 3, "/weather"), ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(messagesTo(h.api.sent(), g))
			h.api.push(tc.update)
			if tc.wantText == "" {
				// A barrier: a message the bot must answer, sent after. Updates are dispatched
				// in order and a chat's replies leave in order, so once its answer is there, any
				// reply to the first message would have come before it.
				barrier := fmt.Sprintf("屏障%d", i)
				h.api.push(inGroup(g, 1, "@wenda_test_bot "+barrier))
				calls := h.api.waitFor("the barrier's answer", wait, hasText("答:"+barrier))
				if after := messagesTo(calls, g)[before:]; len(after) != 1 || !strings.HasPrefix(after[0].Text, "答:"+barrier) {
					t.Errorf("bot answered a message it should ignore:\n%s", dumpCalls(after))
				}
				return
			}
			calls := h.api.waitFor(tc.name, wait, func(c []sent) bool { return len(messagesTo(c, g)) > before })
			m := messagesTo(calls, g)[before]
			if !strings.HasPrefix(m.Text, tc.wantText) {
				t.Errorf("reply %q, want prefix %q", m.Text, tc.wantText)
			}
			if m.ReplyTo != tc.update.Message.MessageID {
				t.Errorf("reply_to = %d, want the asking message %d", m.ReplyTo, tc.update.Message.MessageID)
			}
		})
	}
}

func TestBusyBeyondQueue(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	asker := askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return echoAsker(ctx, req)
	})
	h := startBot(t, Options{Asker: asker, QueuePerChat: 1})
	h.api.push(private(5, "一"))
	<-started
	h.api.push(private(5, "二"))
	h.api.push(private(5, "三"))
	h.api.waitFor("busy notice", wait, hasText("请稍后再问"))
	close(release)
	calls := h.api.waitFor("two answers", wait, func(c []sent) bool { return len(messagesTo(c, 5)) == 3 })
	var got []string
	for _, m := range messagesTo(calls, 5) {
		got = append(got, strings.SplitN(m.Text, " ", 2)[0])
	}
	if got[1] != "答:一" || got[2] != "答:二" {
		t.Errorf("replies %q; want the busy notice, then 答:一 and 答:二 in order", got)
	}
}

// TestStreamingEditsAtMostOncePerInterval streams an answer a delta every 20 ms; the message
// must grow by edits at most once per EditInterval (production: 1 s; here 200 ms).
func TestStreamingEditsAtMostOncePerInterval(t *testing.T) {
	const interval = 200 * time.Millisecond
	asker := askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		var text strings.Builder
		for i := range 25 {
			d := fmt.Sprintf("第%d句。", i)
			text.WriteString(d)
			req.OnDelta(d)
			time.Sleep(interval / 10) // the model's pace, not a wait for the bot
		}
		text.WriteString("[1]")
		req.OnDelta("[1]")
		return &rag.Answer{Text: text.String(), Sources: []rag.Source{{N: 1, Title: "T"}}}, nil
	})
	h := startBot(t, Options{Asker: asker, EditInterval: interval})
	start := time.Now()
	h.api.push(private(5, "流式"))
	calls := h.api.waitFor("final edit", 10*time.Second, func(c []sent) bool {
		for _, x := range c {
			if x.Method == "editMessageText" && x.ParseMode == "HTML" {
				return true
			}
		}
		return false
	})
	var first *sent
	var edits []sent
	for i, c := range calls {
		switch c.Method {
		case "sendMessage":
			if first == nil {
				first = &calls[i]
			} else {
				t.Errorf("a second message was sent instead of edits: %q", c.Text)
			}
		case "editMessageText":
			edits = append(edits, c)
		}
	}
	if first == nil || first.ParseMode != "" || !strings.HasPrefix(first.Text, "第0句。") {
		t.Fatalf("first streamed message wrong:\n%s", dumpCalls(calls))
	}
	if d := first.At.Sub(start); d > time.Second {
		t.Errorf("first text shown after %v", d)
	}
	if len(edits) < 2 {
		t.Errorf("want the answer to grow by edits, got %d", len(edits))
	}
	prev := first.At
	for _, e := range edits[:len(edits)-1] { // the final, formatted edit may follow sooner
		// The fake stamps calls on arrival, so a gap may look shorter than the bot's by the
		// difference of two requests' latencies; unthrottled edits would come every 20 ms.
		if gap := e.At.Sub(prev); gap < interval*3/4 {
			t.Errorf("edit %v after the previous one; want at most one per %v", gap, interval)
		}
		if e.MessageID != first.MessageID {
			t.Errorf("edited message %d, want %d", e.MessageID, first.MessageID)
		}
		prev = e.At
	}
	final := edits[len(edits)-1]
	if !strings.Contains(final.Text, "第24句。[1]") || !strings.Contains(final.Text, "<b>来源</b>") {
		t.Errorf("final edit %q lacks the full answer and sources", final.Text)
	}
}

func TestLongAnswerIsSplit(t *testing.T) {
	long := strings.Repeat("数字化转型需要长期投入,企业要先想清楚目标。", 500) // 11,000 runes
	asker := askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		text := long + "[1]"
		req.OnDelta(text)
		return &rag.Answer{Text: text, Sources: []rag.Source{{N: 1, Title: "T"}}}, nil
	})
	h := startBot(t, Options{Asker: asker})
	h.api.push(private(5, "长回答"))
	calls := h.api.waitFor("all parts", 10*time.Second, hasText("<b>来源</b>"))
	msgs := messagesTo(calls, 5)
	if len(msgs) != 3 {
		t.Errorf("got %d messages, want 3", len(msgs))
	}
	var all strings.Builder
	for _, m := range msgs {
		if !strings.HasSuffix(strings.Split(m.Text, "\n")[0], "。") && !strings.Contains(m.Text, "[1]") {
			t.Errorf("a part does not end at a sentence: …%q", m.Text[max(0, len(m.Text)-30):])
		}
		all.WriteString(strings.Split(m.Text, "\n\n")[0])
	}
	if all.String() != long+"[1]" {
		t.Errorf("the parts do not add up to the answer")
	}
}

// recordingIngester is an Ingester that records what it was given.
type recordingIngester struct {
	mu    sync.Mutex
	names []string
	data  [][]byte
	rep   ingest.Report
}

func (r *recordingIngester) IngestBytes(ctx context.Context, name string, data []byte) (ingest.Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, name)
	r.data = append(r.data, data)
	return r.rep, nil
}

func TestUploads(t *testing.T) {
	ing := &recordingIngester{rep: ingest.Report{Files: 1, Added: 1, Chunks: 4}}
	h := startBot(t, Options{Admins: []int64{1}, Ingester: ing, MaxUploadBytes: 1000})
	h.api.mu.Lock()
	h.api.files["documents/f-ok"] = []byte("# 标题\n\n正文。")
	h.api.files["documents/f-big"] = bytes.Repeat([]byte("x"), 2000)
	h.api.mu.Unlock()
	doc := func(user int64, id, name string, size int) tgbotapi.Update {
		u := private(user, "")
		u.Message.Document = &tgbotapi.Document{FileID: id, FileUniqueID: id, FileName: name, FileSize: size}
		return u
	}
	tests := []struct {
		name   string
		update tgbotapi.Update
		want   string
	}{
		{"admin", doc(1, "f-ok", "笔记.md", 20), "已添加《笔记.md》:新增 1 篇文档"},
		{"not_admin", doc(2, "f-ok", "笔记.md", 20), "只有管理员可以添加文档"},
		{"declared_too_large", doc(1, "f-ok", "big.md", 5000), "文件太大了(上限 1 KB)"},
		{"actually_too_large", doc(1, "f-big", "big.md", 10), "文件太大了"},
		{"unsupported", doc(1, "f-ok", "tool.exe", 10), "不支持这种文件格式(.exe)"},
		{"download_fails", doc(1, "missing", "gone.md", 10), "没能下载这个文件"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chat := tc.update.Message.Chat.ID
			before := len(messagesTo(h.api.sent(), chat))
			h.api.push(tc.update)
			calls := h.api.waitFor(tc.name, wait, func(c []sent) bool { return len(messagesTo(c, chat)) > before })
			if got := messagesTo(calls, chat)[before].Text; !strings.Contains(got, tc.want) {
				t.Errorf("reply %q, want %q", got, tc.want)
			}
		})
	}
	ing.mu.Lock()
	defer ing.mu.Unlock()
	if len(ing.names) != 1 || ing.names[0] != "telegram/笔记.md" || string(ing.data[0]) != "# 标题\n\n正文。" {
		t.Errorf("ingested %q, want only telegram/笔记.md with its content", ing.names)
	}
}

func TestWebhook(t *testing.T) {
	h := startBot(t, Options{WebhookURL: "https://bot.example/telegram/webhook", WebhookSecret: "s3cret"})
	h.api.waitFor("setWebhook", wait, func(c []sent) bool {
		for _, x := range c {
			if x.Method == "setWebhook" && x.Text == "https://bot.example/telegram/webhook s3cret" {
				return true
			}
		}
		return false
	})
	waitState(t, h.bot, StateConnected, wait) // the bot has read setWebhook's answer
	srv := httptest.NewServer(h.bot.WebhookHandler())
	defer srv.Close()
	body := `{"update_id":1,"message":{"message_id":3,"from":{"id":5,"is_bot":false,"first_name":"U"},"chat":{"id":5,"type":"private"},"date":1,"text":"网钩问题"}}`
	tests := []struct {
		name, method, secret string
		want                 int
	}{
		{"get", http.MethodGet, "s3cret", http.StatusMethodNotAllowed},
		{"no_secret", http.MethodPost, "", http.StatusForbidden},
		{"wrong_secret", http.MethodPost, "s3cres", http.StatusForbidden},
		{"ok", http.MethodPost, "s3cret", http.StatusOK},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, srv.URL, strings.NewReader(body))
		if tc.secret != "" {
			req.Header.Set(SecretHeader, tc.secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	calls := h.api.waitFor("webhook answer", wait, hasText("答:网钩问题"))
	if n := len(messagesTo(calls, 5)); n != 1 {
		t.Errorf("%d answers, want 1 (only the request with the right secret counts)", n)
	}
	h.stop()
	// TestAnswerInPrivateChat checks the fake does count polls.
	if n := h.api.pollCount(); n != 0 {
		t.Errorf("polled %d times in webhook mode", n)
	}
	if n := len(h.api.sent("deleteWebhook")); n != 0 {
		t.Errorf("deleted the webhook %d times in webhook mode", n)
	}
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	// A server that is not there: the library's transport error names the URL, token and all.
	dead := httptest.NewServer(http.NotFoundHandler())
	endpoint := dead.URL + "/bot%s/%s"
	dead.Close()
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := New(Options{Token: testToken, Endpoint: endpoint, Asker: echoAsker, Logger: logger,
		RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = b.connect(context.Background())
	if err == nil {
		t.Fatal("connecting to a closed server succeeded")
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(fmt.Sprintf("%+v", err), testToken) {
		t.Errorf("error leaks the token: %v", err)
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), testToken) {
			t.Errorf("a wrapped error leaks the token: %v", e)
		}
	}
	// Run keeps retrying, logging each failed attempt without the token.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	logs.waitFor(t, "cannot connect; retrying", 3, wait)
	if s := b.State(); s != StateConnecting {
		t.Errorf("state %q while Telegram cannot be reached, want %q", s, StateConnecting)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run cancelled while connecting returned %v, want nil", err)
	}

	// A running bot whose API goes away: polling errors are logged without the token.
	h := startBot(t, Options{Logger: logger})
	h.api.push(private(5, "问题"))
	h.api.waitFor("answer", wait, hasText("答:问题"))
	h.api.srv.CloseClientConnections()
	h.api.srv.Close()
	logs.waitFor(t, "getUpdates failed", 1, wait)
	if s := h.bot.State(); s != StateConnecting {
		t.Errorf("state %q after polls failed, want %q", s, StateConnecting)
	}
	h.stop()
	if out := logs.String(); strings.Contains(out, testToken) {
		t.Errorf("logs leak the token:\n%s", out)
	}
}

func TestUserErrors(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{rag.ErrQuestionTooLong, "问题太长了"},
		{fmt.Errorf("ask: %w", rag.ErrEmptyQuery), "请用文字提问"},
		{context.DeadlineExceeded, "回答得太久了"},
		{errors.New("db: disk on fire at /var/lib/x"), "出了点问题"},
	}
	b := &Bot{}
	for _, tc := range tests {
		got := b.userError(tc.err, "zh")
		if !strings.Contains(got, tc.want) || strings.Contains(got, "disk") {
			t.Errorf("userError(%v) = %q, want %q and no internals", tc.err, got, tc.want)
		}
	}
}

func TestStopLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		h := startBot(t, Options{})
		for i := range 5 {
			h.api.push(private(int64(100+i), "问题"))
		}
		h.api.waitFor("answers", wait, func(c []sent) bool { return len(h.api.sent("sendMessage")) == 5 })
		h.stop()
		h.api.srv.Close()
	}()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before, %d after Stop:\n%s", before, n, buf)
	}
}

func TestManyChatsAtOnce(t *testing.T) {
	const chats = 50
	asker := askerFunc(func(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
		time.Sleep(5 * time.Millisecond) // some work, so answers overlap
		return echoAsker(ctx, req)
	})
	h := startBot(t, Options{Asker: asker, Workers: 8})
	start := time.Now()
	for round := range 2 {
		for c := range chats {
			h.api.push(private(int64(1000+c), fmt.Sprintf("chat%d-q%d", c, round)))
		}
	}
	calls := h.api.waitFor("every answer", 15*time.Second, func(c []sent) bool {
		n := 0
		for _, x := range c {
			if x.Method == "sendMessage" {
				n++
			}
		}
		return n >= 2*chats
	})
	t.Logf("%d chats × 2 questions answered in %v", chats, time.Since(start).Round(time.Millisecond))
	for c := range chats {
		msgs := messagesTo(calls, int64(1000+c))
		if len(msgs) != 2 {
			t.Errorf("chat %d got %d answers, want 2", c, len(msgs))
			continue
		}
		for round, m := range msgs {
			if want := fmt.Sprintf("答:chat%d-q%d [1]", c, round); !strings.HasPrefix(m.Text, want) {
				t.Errorf("chat %d answer %d = %q, want %q (in order)", c, round, m.Text, want)
			}
		}
	}
}
