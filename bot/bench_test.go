package bot

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// sampleEngine builds the real extractive engine over the repository's sample knowledge base.
func sampleEngine(tb testing.TB) *rag.Engine {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	store, err := rag.OpenStore(ctx, filepath.Join(dir, "data"), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := (&ingest.Ingester{Store: store}).Sync(ctx, "../sample-knowledge"); err != nil {
		tb.Fatal(err)
	}
	convs, err := rag.NewConversations(filepath.Join(dir, "conversations"))
	if err != nil {
		tb.Fatal(err)
	}
	return &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}, Conversations: convs}
}

// BenchmarkReplyLatency measures, against the fake Bot API, the time from an update being
// handed to the bot's long poll to the first sendMessage of its answer, with the extractive
// engine over the sample knowledge base. Each iteration is a new chat, so Telegram's per-chat
// pace does not count. Reported as ms/reply (mean) and p95-ms.
func BenchmarkReplyLatency(b *testing.B) {
	h := startBot(b, Options{Asker: sampleEngine(b), GlobalPerSecond: 1_000_000, QuestionsPerMinute: 1_000_000})
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		chat := int64(10_000 + i)
		start := time.Now()
		h.api.push(private(chat, "数字化转型的失败率是多少?"))
		calls := h.api.waitFor("answer", 10*time.Second, func(c []sent) bool {
			for j := len(c) - 1; j >= 0; j-- {
				if c[j].Method == "sendMessage" && c[j].ChatID == chat {
					return true
				}
			}
			return false
		})
		for _, c := range calls {
			if c.Method == "sendMessage" && c.ChatID == chat {
				took = append(took, c.At.Sub(start))
				break
			}
		}
	}
	b.StopTimer()
	slices.Sort(took)
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	b.ReportMetric(float64(sum.Microseconds())/float64(len(took))/1000, "ms/reply")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// TestConversationSurvivesRestart checks a follow-up after the bot restarts is still
// understood: history lives in the engine's conversation files, keyed by chat.
func TestConversationSurvivesRestart(t *testing.T) {
	t.Parallel() // mostly waiting; parallel tests start after the serial ones, TestStopLeavesNoGoroutines too
	engine := sampleEngine(t)
	first := startBot(t, Options{Asker: engine})
	first.api.push(private(5, "数字化转型的失败率是多少?"))
	first.api.waitFor("first answer", wait, hasText("80%"))
	first.stop()

	second := startBot(t, Options{Asker: engine, Conversations: engine.Conversations})
	second.api.push(private(5, "那中国企业呢?"))
	second.api.waitFor("follow-up answer after restart", wait, hasText("90%"))
	// The answer alone does not prove the history was used (this follow-up happens to stand on
	// its own): the stored turn must continue the first question's topic.
	turns, err := engine.Conversations.Load("tg:5")
	if err != nil || len(turns) != 2 || turns[1].Topic != "数字化转型的失败率是多少?" {
		t.Errorf("conversation after restart = %+v (err %v); want the follow-up to continue the first question", turns, err)
	}
	second.api.push(private(5, "/new"))
	second.api.waitFor("reset", wait, hasText("已开始新对话"))
	if turns, err := engine.Conversations.Load("tg:5"); err != nil || len(turns) != 0 {
		t.Errorf("after /new the conversation has %d turns (err %v), want none", len(turns), err)
	}
}
