package bot

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/internal/tgemulator"
	"github.com/wenda-dev/wenda/rag"
)

// emulatorDir holds the Node side of the end-to-end test: telegram-test-api and server.mjs.
const emulatorDir = "../tests/telegram-e2e"

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
	t.Parallel() // mostly waiting; parallel tests start after the serial ones, TestStopLeavesNoGoroutines too
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	const token = "e2e:TOKEN"
	emu := tgemulator.Start(t, emulatorDir, token)

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
	b, err := New(Options{
		Token:           token,
		Endpoint:        emu.Endpoint(),
		Asker:           longAsker{engine},
		Library:         store,
		Conversations:   convs,
		Ingester:        ing,
		Allowed:         []int64{user},
		PollTimeout:     time.Second,
		MinPollInterval: 50 * time.Millisecond,
		// The emulator does not rate limit; TestSendPace checks the pace against the fake.
		ChatInterval: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	defer stop()

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
		before := len(emu.Replies(user))
		start := time.Now()
		emu.Say(user, s.say)
		want := max(s.messages, 1)
		got := emu.Await(user, before, want, s.name)
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
	emu.Say(stranger, "你好,能回答问题吗?")
	got := emu.Await(stranger, 0, 1, "stranger")
	if len(got) != 1 || !strings.Contains(got[0].Text, "只对受邀的用户开放") {
		t.Errorf("stranger got %q, want one polite refusal", got)
	}
	emu.Say(stranger, "数字化转型的失败率是多少?")
	// A barrier instead of a wait: once the user's later message is answered, the stranger's
	// was dispatched; stopping the bot drains any notice still in flight.
	before := len(emu.Replies(user))
	emu.Say(user, "/help")
	emu.Await(user, before, 1, "help after the stranger")
	stop()
	if n := len(emu.Replies(stranger)); n != 1 {
		t.Errorf("stranger got %d messages, want only the one refusal", n)
	}
}
