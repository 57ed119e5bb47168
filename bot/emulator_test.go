package bot

import (
	"bufio"
	"bytes"
	"context"
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

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// emulatorDir holds the Node side of the end-to-end test: telegram-test-api and server.mjs.
const emulatorDir = "../tests/telegram-e2e"

// emulator is a running telegram-test-api server and its client API.
type emulator struct {
	t     *testing.T
	url   string
	token string
}

func startEmulator(t *testing.T, token string) *emulator {
	t.Helper()
	if _, err := os.Stat(filepath.Join(emulatorDir, "node_modules", "telegram-test-api")); err != nil {
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
	cmd.Dir = emulatorDir
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
		return &emulator{t: t, url: u, token: token}
	case <-time.After(20 * time.Second):
		t.Fatalf("emulator did not start: %s", stderr.String())
	}
	return nil
}

func (e *emulator) post(path string, body any, out any) {
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

// say sends text as user to the bot in the user's private chat.
func (e *emulator) say(user int64, text string) {
	e.post("/sendMessage", map[string]any{
		"botToken": e.token,
		"from":     map[string]any{"id": user, "first_name": "User", "is_bot": false},
		"chat":     map[string]any{"id": user, "type": "private", "first_name": "User"},
		"text":     text,
		"date":     time.Now().Unix(),
	}, nil)
}

type botMessage struct {
	ChatID    string `json:"chat_id"`
	Text      string `json:"text"`
	ParseMode string `json:"parse_mode"`
}

// replies returns the bot's messages to chat so far, oldest first, as last edited.
func (e *emulator) replies(chat int64) []botMessage {
	var res struct {
		Result []struct {
			Message json.RawMessage `json:"message"`
		} `json:"result"`
	}
	e.post("/getUpdatesHistory", map[string]any{"token": e.token}, &res)
	var out []botMessage
	for _, r := range res.Result {
		var m botMessage
		if json.Unmarshal(r.Message, &m) == nil && m.ChatID == fmt.Sprint(chat) {
			out = append(out, m)
		}
	}
	return out
}

// await waits for at least want new replies to chat after the first n, and returns the new
// ones once they stop changing (the last edit has landed).
func (e *emulator) await(chat int64, n, want int, what string) []botMessage {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got []botMessage
	stable := 0
	for time.Now().Before(deadline) {
		cur := e.replies(chat)
		if len(cur) >= n+want && len(cur) == len(got) && fmt.Sprint(cur) == fmt.Sprint(got) {
			if stable++; stable >= 3 {
				return cur[n:]
			}
		} else {
			stable = 0
		}
		got = cur
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatalf("no reply to %s (chat %d has %d messages)", what, chat, len(got))
	return nil
}

// longAsker answers one special question with a 10,000-character answer, to check splitting
// end to end; the real engine answers everything else.
type longAsker struct{ rag.Asker }

const longQuestion = "请给一个很长的回答"

func (a longAsker) Ask(ctx context.Context, req rag.AskRequest) (*rag.Answer, error) {
	if req.Question != longQuestion {
		return a.Asker.Ask(ctx, req)
	}
	text := strings.Repeat("数字化转型是一项长期工程,需要战略、组织和技术一起推进。", 370) + "[1]"
	if req.OnDelta != nil {
		req.OnDelta(text)
	}
	return &rag.Answer{Text: text, Sources: []rag.Source{{N: 1, Title: "长文", DocID: "long"}}}, nil
}

// TestEmulator runs the scenario against the telegram-test-api emulator with the real
// engine over the sample knowledge base.
func TestEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	const token = "e2e:TOKEN"
	emu := startEmulator(t, token)

	ctx := context.Background()
	dir := t.TempDir()
	store, err := rag.OpenStore(ctx, filepath.Join(dir, "data"), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ing := &ingest.Ingester{Store: store}
	if _, err := ing.Sync(ctx, "../sample-knowledge"); err != nil {
		t.Fatal(err)
	}
	convs, err := rag.NewConversations(filepath.Join(dir, "conversations"))
	if err != nil {
		t.Fatal(err)
	}
	engine := &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}, Conversations: convs}

	const user, stranger = 1, 2
	b, err := New(ctx, Options{
		Token:           token,
		Endpoint:        emu.url + "/bot%s/%s",
		Asker:           longAsker{engine},
		Library:         store,
		Conversations:   convs,
		Ingester:        ing,
		Allowed:         []int64{user},
		PollTimeout:     time.Second,
		MinPollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	steps := []struct {
		name, say string
		want      []string
		wantNot   []string
		messages  int // 0 means 1
	}{
		{name: "start", say: "/start", want: []string{"1 篇文档", "数字化转型与数字疗法"}},
		{name: "question", say: "数字化转型的失败率是多少?", want: []string{"80%", "[1]", "<b>来源</b>", "<b>数字化转型与数字疗法</b>"}},
		{name: "follow-up", say: "那中国企业呢?", want: []string{"90%", "<b>来源</b>"}},
		{name: "headline", say: "盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?",
			want: []string{"盛世笔特", "没有"}, wantNot: []string{"盛世笔特计划", "盛世笔特将"}},
		{name: "sources", say: "/sources", want: []string{"上一个回答的来源", "数字化转型与数字疗法.txt#"}},
		{name: "new", say: "/new", want: []string{"已开始新对话"}},
		{name: "long", say: longQuestion, messages: 3, want: []string{"<b>来源</b>"}},
	}
	for _, s := range steps {
		before := len(emu.replies(user))
		start := time.Now()
		emu.say(user, s.say)
		want := max(s.messages, 1)
		got := emu.await(user, before, want, s.name)
		if len(got) != want {
			t.Errorf("%s: %d messages, want %d", s.name, len(got), want)
		}
		var all strings.Builder
		for i, m := range got {
			all.WriteString(m.Text)
			if n := utf16Len(stripTags(m.Text)); n > MaxMessageUnits {
				t.Errorf("%s: message %d has %d UTF-16 units", s.name, i, n)
			}
			if m.ParseMode == "HTML" && !validHTML(m.Text) {
				t.Errorf("%s: invalid HTML %q", s.name, m.Text)
			}
		}
		for _, w := range s.want {
			if !strings.Contains(all.String(), w) {
				t.Errorf("%s: reply lacks %q:\n%s", s.name, w, truncateRunes(all.String(), 600))
			}
		}
		for _, w := range s.wantNot {
			if strings.Contains(all.String(), w) {
				t.Errorf("%s: reply says %q:\n%s", s.name, w, truncateRunes(all.String(), 600))
			}
		}
		t.Logf("%s: %d message(s) in %v", s.name, len(got), time.Since(start).Round(time.Millisecond))
	}

	// A user outside the allowlist gets one polite refusal, then silence.
	emu.say(stranger, "你好,能回答问题吗?")
	got := emu.await(stranger, 0, 1, "stranger")
	if len(got) != 1 || !strings.Contains(got[0].Text, "只对受邀的用户开放") {
		t.Errorf("stranger got %q, want one polite refusal", got)
	}
	emu.say(stranger, "数字化转型的失败率是多少?")
	time.Sleep(500 * time.Millisecond)
	if n := len(emu.replies(stranger)); n != 1 {
		t.Errorf("stranger got %d messages, want only the one refusal", n)
	}
}
