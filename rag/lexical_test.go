package rag

import (
	"fmt"
	"testing"
)

func lexFrom(texts ...string) *lexicalIndex {
	x := newLexicalIndex()
	var chunks []slotTerms
	for i, t := range texts {
		ct, _ := countTerms(t, nil)
		chunks = append(chunks, slotTerms{uint32(i), ct})
	}
	x.add(chunks)
	return x
}

func slotsOf(hits []scored) []uint32 {
	var out []uint32
	for _, h := range hits {
		out = append(out, h.slot)
	}
	return out
}

func TestBM25RanksRareTermsFirst(t *testing.T) {
	x := lexFrom(
		"数字化转型是企业的长期工程",
		"美的集团十年数字化转型投资一百多亿",
		"数字疗法是数字健康的一个子集",
		"企业企业企业企业企业",
	)
	hits := x.search(AppendTokens(nil, "美的集团投资"), 3)
	if len(hits) == 0 || hits[0].slot != 1 {
		t.Fatalf("top hit = %v, want slot 1", slotsOf(hits))
	}
	hits = x.search(AppendTokens(nil, "数字疗法"), 2)
	if hits[0].slot != 2 {
		t.Fatalf("数字疗法 top hit = %v, want slot 2", slotsOf(hits))
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].score > hits[i-1].score {
			t.Errorf("scores not descending: %v", hits)
		}
	}
	if got := x.search(AppendTokens(nil, "天气预报"), 5); len(got) != 0 {
		t.Errorf("unknown words matched %v", slotsOf(got))
	}
}

func TestBM25RemoveAndCompact(t *testing.T) {
	texts := []string{"apple banana", "banana cherry", "cherry durian", "apple durian"}
	x := lexFrom(texts...)
	ct0, _ := countTerms(texts[0], nil)
	x.remove(0, ct0)
	x.remove(0, ct0) // removing twice is a no-op
	if x.live != 3 {
		t.Fatalf("live = %d, want 3", x.live)
	}
	before := x.search(AppendTokens(nil, "apple"), 5)
	if len(before) != 1 || before[0].slot != 3 {
		t.Fatalf("after remove, apple hits %v, want [3]", slotsOf(before))
	}
	x.compact()
	after := x.search(AppendTokens(nil, "apple"), 5)
	if len(after) != 1 || after[0].slot != 3 || after[0].score != before[0].score {
		t.Fatalf("compaction changed results: %v vs %v", after, before)
	}
	// A fresh index over the surviving texts scores identically: df and lengths were kept exact.
	fresh := newLexicalIndex()
	for _, i := range []int{1, 2, 3} {
		ct, _ := countTerms(texts[i], nil)
		fresh.add([]slotTerms{{uint32(i), ct}})
	}
	want := fresh.search(AppendTokens(nil, "durian cherry"), 5)
	got := x.search(AppendTokens(nil, "durian cherry"), 5)
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i].slot != want[i].slot || abs(got[i].score-want[i].score) > 1e-6 {
			t.Errorf("hit %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestTopKIsDeterministic(t *testing.T) {
	acc := []float32{1, 3, 3, 2, 0, 3}
	got := slotsOf(topK([]uint32{0, 1, 2, 3, 5}, acc, 3))
	want := []uint32{1, 2, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("topK = %v, want %v", got, want)
		}
	}
}

// TestBulkAddMatchesOneByOne: the parallel, sharded bulk path builds the same index as adding
// chunks one at a time.
func TestBulkAddMatchesOneByOne(t *testing.T) {
	var texts []string
	for i := range 300 {
		texts = append(texts, fmt.Sprintf("第%d段 数字化转型 chunk %d 城市大脑 %d", i, i*7, i%13))
	}
	bulk := lexFrom(texts...) // one call: 300 chunks take the parallel path
	single := newLexicalIndex()
	for i, text := range texts {
		ct, _ := countTerms(text, nil)
		single.add([]slotTerms{{uint32(i), ct}})
	}
	for _, q := range []string{"城市大脑 7", "第12段", "chunk 84", "数字化"} {
		a, b := bulk.search(AppendTokens(nil, q), 10), single.search(AppendTokens(nil, q), 10)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%q: bulk %v, one by one %v", q, a, b)
		}
	}
}

func BenchmarkCountTerms(b *testing.B) {
	docs := syntheticDocs(3, 50, 10)
	var buf []Token
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			for _, c := range d.Chunks {
				_, buf = countTerms(c.Text, buf)
			}
		}
	}
}

// search (for these tests) returns up to k live slots by descending BM25 score for the query tokens, all weighing
// 1 and none counting for coverage. Repeated query tokens count once: a question does not mean
// a word more by saying it twice.
func (x *lexicalIndex) search(query []Token, k int) []scored {
	terms := make([]queryTerm, 0, len(query))
	seen := make(map[Token]struct{}, len(query))
	for _, t := range query {
		if _, dup := seen[t]; !dup {
			seen[t] = struct{}{}
			terms = append(terms, queryTerm{t: t, w: 1})
		}
	}
	return x.searchWeighted(terms, k)
}
