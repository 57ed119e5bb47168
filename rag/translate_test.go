package rag_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/internal/openaifake"
	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag"
)

// An English question over Chinese documents is also searched in the model's translation, and
// that finds the passage the English words alone cannot.
func TestEnglishQuestionFindsChinesePassageThroughTranslation(t *testing.T) {
	const (
		question    = "Where is the headquarters of Midea Group?"
		translation = "美的集团的总部在哪里?"
		passage     = "美的集团的总部位于广东省佛山市顺德区北滘镇。"
	)
	store, err := rag.OpenStore(t.Context(), t.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []*rag.Document
	for i, text := range []string{
		passage,
		"数字化转型是企业利用数字技术改造业务流程的长期工程。",
		"城市大脑汇集交通、医疗和政务数据,帮助城市管理者决策。",
		"广东省的数字经济规模连续多年位居全国第一。",
	} {
		// Chinese titles: titles are indexed with the text, and an English one would match.
		id := []string{"midea.txt", "transform.txt", "brain.txt", "guangdong.txt"}[i]
		title := []string{"美的集团", "数字化转型", "城市大脑", "广东数字经济"}[i]
		docs = append(docs, &rag.Document{ID: id, Source: id, Title: title, Hash: rag.Hash([]byte(text)),
			Chunks: []rag.Chunk{{Text: text, End: len([]rune(text))}}})
	}
	if _, err := store.Put(t.Context(), docs, rag.PutOptions{}); err != nil {
		t.Fatal(err)
	}

	// The English words alone find nothing of the passage.
	searcher := rag.Searcher{Store: store}
	alone, err := searcher.Retrieve(t.Context(), question, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range alone {
		if p.DocID == "midea.txt" {
			t.Fatalf("the English question alone found the Chinese passage: %+v", alone)
		}
	}

	translateSystem, err := prompts.Render(prompts.Chinese, "translate_system", nil)
	if err != nil {
		t.Fatal(err)
	}
	fake := openaifake.New(t, openaifake.WithReply(func(r openaifake.ChatRequest) string {
		if len(r.Messages) > 0 && r.Messages[0].Content == translateSystem {
			return translation
		}
		return "Midea Group is headquartered in Beijiao, Shunde, Foshan, Guangdong[1]."
	}))
	e := llmEngine(store, chatModel(fake, rag.OpenAIOptions{}))
	if _, err := e.Ask(t.Context(), rag.AskRequest{Question: question}); err != nil {
		t.Fatal(err)
	}
	rec := e.Retriever.(*recorder)
	if !slices.Contains(rec.queries, translation) {
		t.Errorf("the translation was never searched; queries: %q", rec.queries)
	}
	var answerPrompt string
	for _, r := range fake.ChatRequests() {
		if len(r.Messages) == 2 && r.Messages[0].Content != translateSystem {
			answerPrompt = r.Messages[1].Content
		}
	}
	if !strings.Contains(answerPrompt, passage) {
		t.Errorf("the model was not shown the Chinese passage; its prompt:\n%s", answerPrompt)
	}
}
