package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// BenchmarkAsk measures POST /v1/ask through the whole handler (middleware, decoding, the
// extractive engine, encoding) over the sample knowledge base (or $WENDA_BENCH_KNOWLEDGE),
// without the network.
func BenchmarkAsk(b *testing.B) {
	ctx := context.Background()
	store, err := rag.OpenStore(ctx, b.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	dir := os.Getenv("WENDA_BENCH_KNOWLEDGE") // e.g. a 10k-chunk folder; see docs/benchmarks.md
	if dir == "" {
		dir = "../sample-knowledge"
	}
	if _, err := (&ingest.Ingester{Store: store}).Sync(ctx, dir); err != nil {
		b.Fatal(err)
	}
	h := NewServer(Deps{
		Asker:     &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}},
		Searcher:  rag.Searcher{Store: store},
		Documents: store,
		Limits:    Limits{RateLimit: -1},
	})
	body := `{"question":"数字化转型的失败率是多少"}`
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			// As curl to 127.0.0.1 sends it: wenda without keys answers no other Host.
			req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/v1/ask", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Errorf("status %d: %s", w.Code, w.Body)
				return
			}
		}
	})
}
