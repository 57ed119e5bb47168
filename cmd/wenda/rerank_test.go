package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/internal/rerankfake"
	"github.com/wenda-dev/wenda/rag"
)

func searchHits(t *testing.T, env map[string]string, data string, k string, query string) ([]rag.Hit, string) {
	t.Helper()
	out, errOut, err := wenda(t, env, "--data", data, "--knowledge", sampleDir, "search", "--json", "-k", k, query)
	if err != nil {
		t.Fatalf("search: %v\n%s", err, errOut)
	}
	var hits []rag.Hit
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return hits, errOut
}

func chunkIDs(hits []rag.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ChunkID
	}
	return ids
}

// TestSearchJSONReranked: with WENDA_RERANK_* set, `search --json` returns the fused top 30
// re-sorted by the service's scores, and those scores; both request shapes work from the base
// URL alone.
func TestSearchJSONReranked(t *testing.T) {
	const query = "数字孪生 城市大脑"
	data := t.TempDir()
	fused, _ := searchHits(t, nil, data, "30", query)
	if len(fused) != 30 {
		t.Fatalf("%d fused hits, want 30 (the default rerank window)", len(fused))
	}
	want := slices.Clone(fused)
	slices.SortStableFunc(want, func(a, b rag.Hit) int {
		sa, sb := rerankfake.Score(query, a.Text), rerankfake.Score(query, b.Text)
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	want = want[:5]
	if slices.Equal(chunkIDs(want), chunkIDs(fused[:5])) {
		t.Fatal("the fake's scores keep the fused order; the test proves nothing")
	}
	for _, shape := range []rerankfake.Shape{rerankfake.Cohere, rerankfake.TEI} {
		t.Run(shape.String(), func(t *testing.T) {
			fake := rerankfake.New(t, rerankfake.WithShape(shape), rerankfake.WithMaxBatch(32))
			env := map[string]string{"WENDA_RERANK_BASE_URL": fake.URL(), "WENDA_RERANK_API_KEY": "rk-test", "WENDA_RERANK_MODEL": "bge-reranker-v2-m3"}
			got, _ := searchHits(t, env, data, "5", query)
			if !slices.Equal(chunkIDs(got), chunkIDs(want)) {
				t.Errorf("reranked order %v, want %v (fused: %v)", chunkIDs(got), chunkIDs(want), chunkIDs(fused[:5]))
			}
			for i, h := range got {
				if s := rerankfake.Score(query, h.Text); h.Score != s {
					t.Errorf("hit %d score %v, want the reranker's %v", i, h.Score, s)
				}
			}
			if reqs := fake.Requests(); len(reqs) == 0 || reqs[len(reqs)-1].Authorization != "Bearer rk-test" {
				t.Errorf("requests: %+v", reqs)
			}
		})
	}
}

// TestSearchRerankerDown: a failing reranker leaves the fused order, says so on stderr once,
// and keeps its key out of it.
func TestSearchRerankerDown(t *testing.T) {
	const query = "数字化转型的失败率"
	data := t.TempDir()
	fused, _ := searchHits(t, nil, data, "5", query)
	fake := rerankfake.New(t)
	fake.Fail(rerankfake.Fault{Status: 503, Body: "overloaded"}, rerankfake.Fault{Status: 503, Body: "overloaded"})
	env := map[string]string{"WENDA_RERANK_BASE_URL": fake.URL(), "WENDA_RERANK_API_KEY": "rk-secret-key"}
	got, stderr := searchHits(t, env, data, "5", query)
	if !slices.Equal(chunkIDs(got), chunkIDs(fused)) {
		t.Errorf("order %v, want the fused %v", chunkIDs(got), chunkIDs(fused))
	}
	if !strings.Contains(stderr, "level=WARN") || !strings.Contains(stderr, "reranker failed") || strings.Count(stderr, "level=WARN") != 1 {
		t.Errorf("want one warning about the reranker, got:\n%s", stderr)
	}
	if strings.Contains(stderr, "rk-secret-key") {
		t.Errorf("the rerank key reached the log:\n%s", stderr)
	}
}

// TestServeRerankMetrics: /metrics counts reranked searches and fallbacks.
func TestServeRerankMetrics(t *testing.T) {
	fake := rerankfake.New(t)
	fake.Fail(rerankfake.Fault{Status: 500}, rerankfake.Fault{Status: 500})
	base := startServe(t, sampleKnowledge, map[string]string{"WENDA_RERANK_BASE_URL": fake.URL()})
	waitFor(t, base+"/readyz")
	for range 2 {
		if status, body := call(t, "POST", base+"/v1/search", "", `{"query":"数字疗法"}`); status != 200 {
			t.Fatalf("search: %d %s", status, body)
		}
	}
	_, body := call(t, "GET", base+"/metrics", "", "")
	for _, want := range []string{"# TYPE wenda_rerank_total counter", "wenda_rerank_total 2", "wenda_rerank_fallbacks_total 1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}
