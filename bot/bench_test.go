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
