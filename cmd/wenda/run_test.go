package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/internal/openaifake"
	"github.com/wenda-dev/wenda/rag"
)

const sampleDir = "../../sample-knowledge"

// wenda runs the command line in-process and returns stdout, stderr and the error.
func wenda(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(t.Context(), args, getenv, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func askJSON(t *testing.T, data, question string) rag.Answer {
	t.Helper()
	out, errOut, err := wenda(t, nil, "--data", data, "--knowledge", sampleDir, "ask", "--json", question)
	if err != nil {
		t.Fatalf("ask %q: %v\n%s", question, err, errOut)
	}
	var ans rag.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json output is not JSON: %v\n%s", err, out)
	}
	return ans
}

func TestAskSampleKnowledgeBase(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		question string
		// fact must appear in the answer and in the text of a cited source.
		fact string
	}{
		{"数字化转型的失败率是多少?", "80%"},
		{"美的集团在数字化转型上投资了多少?", "100多亿"},
		{"GE推出的工业互联网平台叫什么?", "Predix"},
		{"数字疗法是什么?", "循证医学"},
		// Asked of two provinces, each answers for itself, and the joined answer's sources
		// are numbered anew.
		{"广东和江苏的灯塔工厂目标分别是多少?", "超过5家"},
		{"江苏和浙江分别要建设什么?", "浙江"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			ans := askJSON(t, data, tt.question)
			if ans.Abstained {
				t.Fatalf("abstained on an answerable question: %s", ans.Text)
			}
			if !strings.Contains(ans.Text, tt.fact) {
				t.Errorf("answer lacks %q: %s", tt.fact, ans.Text)
			}
			checkCitations(t, ans)
			cited := false
			for _, s := range ans.Sources {
				if strings.Contains(s.Text, tt.fact) {
					cited = true
				}
				if s.DocID != "数字化转型与数字疗法.txt" || s.Title != "数字化转型与数字疗法" {
					t.Errorf("source provenance wrong: %+v", s)
				}
			}
			if !cited {
				t.Errorf("no cited source contains %q", tt.fact)
			}
		})
	}
}

// checkCitations: every [n] in the answer names a source, and every source is cited.
func checkCitations(t *testing.T, ans rag.Answer) {
	t.Helper()
	if len(ans.Sources) == 0 {
		t.Fatalf("no sources: %s", ans.Text)
	}
	for i, s := range ans.Sources {
		if s.N != i+1 {
			t.Errorf("source %d numbered %d", i, s.N)
		}
		if !strings.Contains(ans.Text, "["+itoa(s.N)+"]") {
			t.Errorf("source [%d] is not cited in %q", s.N, ans.Text)
		}
	}
	if strings.Contains(ans.Text, "["+itoa(len(ans.Sources)+1)+"]") {
		t.Errorf("answer cites a source that does not exist: %s", ans.Text)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestHeadlineQuestionAbstains(t *testing.T) {
	const headline = "盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?"
	ans := askJSON(t, t.TempDir(), headline)
	if !ans.Abstained {
		t.Fatalf("did not abstain: %s", ans.Text)
	}
	if !strings.Contains(ans.Text, "盛世笔特") || !strings.Contains(ans.Text, "没有") {
		t.Errorf("answer does not say the documents have nothing on 盛世笔特: %s", ans.Text)
	}
	if strings.Contains(ans.Text, "是否计划整合") {
		t.Errorf("answer cites the question line as evidence: %s", ans.Text)
	}
	// It should still point to what the documents say about smart cities and big data.
	if len(ans.Sources) == 0 || !strings.ContainsAny(ans.Text, "城市大数据智能") {
		t.Errorf("no related passages offered: %s", ans.Text)
	}
	checkCitations(t, ans)
}

func TestUnanswerableQuestionsAbstain(t *testing.T) {
	data := t.TempDir()
	for _, q := range []string{
		"特斯拉的股价是多少?",
		"华为公司的鸿蒙系统有哪些新功能?",
		"如何做一道正宗的红烧肉?",
		"What does Acme Corporation plan for 2030?",
	} {
		t.Run(q, func(t *testing.T) {
			if ans := askJSON(t, data, q); !ans.Abstained {
				t.Errorf("answered an unanswerable question: %s", ans.Text)
			}
		})
	}
}

func TestBadQuestions(t *testing.T) {
	data := t.TempDir()
	for name, q := range map[string]string{
		"empty":        "",
		"punctuation":  "？？！。...",
		"one megabyte": strings.Repeat("数", 1<<20/3),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := wenda(t, nil, "--data", data, "--knowledge", sampleDir, "ask", q)
			if err == nil {
				t.Fatal("no error")
			}
			if !rag.IsBadQuestion(err) {
				t.Errorf("error %v is not a bad-question error", err)
			}
		})
	}
}

func TestSearchJSON(t *testing.T) {
	out, _, err := wenda(t, nil, "--data", t.TempDir(), "--knowledge", sampleDir, "search", "--json", "-k", "3", "数字孪生 城市大脑")
	if err != nil {
		t.Fatal(err)
	}
	var hits []map[string]any
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(hits) != 3 {
		t.Fatalf("%d hits, want 3", len(hits))
	}
	for _, key := range []string{"doc_id", "source", "title", "chunk_id", "score", "text"} {
		if _, ok := hits[0][key]; !ok {
			t.Errorf("hit lacks %q: %v", key, hits[0])
		}
	}
	if hits[0]["score"].(float64) < hits[2]["score"].(float64) {
		t.Error("hits not sorted best first")
	}
}

func TestIngestReportsBadFilesAndKeepsTheRest(t *testing.T) {
	docs := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(docs, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", "好的文档讲的是榴莲的产地。")
	write("broken.txt", "\x00\x01\x02binary\x00\xff\xfe garbage")
	write("photo.png", "\x89PNG")
	data := t.TempDir()
	out, _, err := wenda(t, nil, "--data", data, "ingest", docs)
	if err == nil {
		t.Fatal("ingest with a broken file reported success")
	}
	if !strings.Contains(out, "broken.txt") {
		t.Errorf("report does not name broken.txt:\n%s", out)
	}
	out, _, err = wenda(t, nil, "--data", data, "search", "--json", "榴莲")
	if err != nil || !strings.Contains(out, "good.txt") {
		t.Fatalf("good.txt not ingested: %v %s", err, out)
	}
}

func TestKnowledgeFolderSync(t *testing.T) {
	docs, data := t.TempDir(), t.TempDir()
	path := filepath.Join(docs, "notes.md")
	write := func(content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	search := func(q string) string {
		out, errOut, err := wenda(t, nil, "--data", data, "--knowledge", docs, "search", "--json", q)
		if err != nil {
			t.Fatalf("%v\n%s", err, errOut)
		}
		return out
	}
	write("# 笔记\n\n火龙果产自越南。")
	if !strings.Contains(search("火龙果"), "notes.md") {
		t.Fatal("new file not indexed")
	}
	_, errOut, _ := wenda(t, nil, "--data", data, "--knowledge", docs, "search", "火龙果")
	if strings.Contains(errOut, "synced") {
		t.Errorf("unchanged folder was re-ingested: %s", errOut)
	}
	write("# 笔记\n\n山竹产自泰国。")
	if out := search("火龙果 越南"); strings.Contains(out, "火龙果") {
		t.Errorf("old content still indexed after change: %s", out)
	}
	if !strings.Contains(search("山竹"), "notes.md") {
		t.Error("changed content not indexed")
	}
	os.Remove(path)
	if out := search("山竹"); strings.Contains(out, "notes.md") {
		t.Errorf("deleted file still indexed: %s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"ingest"}, {"eval"}, {"search", "--mode", "psychic", "x"}} {
		if _, _, err := wenda(t, nil, args...); !errors.Is(err, errUsage) {
			t.Errorf("wenda %q: err = %v, want a usage error", args, err)
		}
	}
}

// TestAskWithLLM runs the command line against a fake OpenAI-compatible service for both the
// chat model and the embeddings: answers come from the model with checked citations, the
// headline question never reaches it, and switching embedders is refused with a rebuild hint.
func TestAskWithLLM(t *testing.T) {
	fake := openaifake.New(t, openaifake.WithReply(func(req openaifake.ChatRequest) string {
		// Like a model, it cites the block that holds the figure, and (unlike one) a block
		// that does not exist, which must not reach the user.
		last := req.Messages[len(req.Messages)-1].Content
		for _, m := range regexp.MustCompile(`(?s)<<<(?:文档|document) (\d+)\n(.*?)\n>>>`).FindAllStringSubmatch(last, -1) {
			if strings.Contains(m[2], "80%") {
				return "据资料，一般企业数字化转型的失败率超过80%[" + m[1] + "]，另有说法见[7]。"
			}
		}
		return "NO_ANSWER"
	}))
	env := map[string]string{
		"WENDA_LLM_BASE_URL": fake.URL(), "WENDA_LLM_API_KEY": "sk-test", "WENDA_LLM_MODEL": "fake-chat",
		"WENDA_EMBED_MODEL": "fake-embed", "WENDA_EMBED_BASE_URL": fake.URL(),
	}
	data := t.TempDir()
	ask := func(q string) rag.Answer {
		out, errOut, err := wenda(t, env, "--data", data, "--knowledge", sampleDir, "ask", "--json", q)
		if err != nil {
			t.Fatalf("ask %q: %v\n%s", q, err, errOut)
		}
		var ans rag.Answer
		if err := json.Unmarshal([]byte(out), &ans); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return ans
	}
	ans := ask("数字化转型的失败率是多少?")
	// The sample's 109 chunks go to the embeddings API in batches (target: ≥ 32 texts a
	// request on average); the question itself is embedded alone.
	var texts, batches int
	for _, r := range fake.EmbeddingRequests() {
		if len(r.Input) > 1 {
			texts += len(r.Input)
			batches++
		}
	}
	if texts < 100 || texts/batches < 32 {
		t.Errorf("ingest embedded %d texts in %d requests; want the sample's chunks at ≥ 32 a request", texts, batches)
	}
	if ans.Abstained || ans.Degraded || !strings.Contains(ans.Text, "80%[1]") || strings.Contains(ans.Text, "[7]") {
		t.Errorf("LLM answer not used or citations not checked: %+v", ans)
	}
	checkCitations(t, ans)
	before := len(fake.ChatRequests())
	headline := ask("盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?")
	if !headline.Abstained || len(fake.ChatRequests()) != before {
		t.Errorf("headline question reached the model or was answered: %+v", headline)
	}
	if len(fake.EmbeddingRequests()) == 0 {
		t.Error("the remote embedder was never called")
	}
	_, _, err := wenda(t, nil, "--data", data, "search", "数字化")
	if !errors.Is(err, rag.ErrEmbedderMismatch) || !strings.Contains(err.Error(), "--rebuild") {
		t.Errorf("switching back to the local embedder: err = %v, want a mismatch naming --rebuild", err)
	}
}
