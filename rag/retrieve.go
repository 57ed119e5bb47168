package rag

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Retriever finds the passages that bear on a query, best first.
type Retriever interface {
	// Retrieve returns at most k passages in descending relevance. It returns ErrEmptyQuery for a
	// query with no searchable characters.
	Retrieve(ctx context.Context, query string, k int) ([]Passage, error)
}

// ErrEmptyQuery means a query has no letters, digits or CJK characters to search for.
var ErrEmptyQuery = errors.New("the query has nothing to search for")

// Mode selects which rankings a search uses.
type Mode int

// Search modes. Hybrid is the default: on every eval set it matched or beat the better of the
// two alone (docs/benchmarks.md).
const (
	Hybrid Mode = iota
	VectorOnly
	LexicalOnly
)

// ParseMode parses "hybrid", "vector" or "bm25".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "hybrid":
		return Hybrid, nil
	case "vector":
		return VectorOnly, nil
	case "bm25", "lexical":
		return LexicalOnly, nil
	}
	return 0, fmt.Errorf("unknown search mode %q (want hybrid, vector or bm25)", s)
}

// Searcher is the Store's Retriever. It reads the BM25 and vector rankings and fuses their
// scores, each normalised by its list's best: fused = bm25/bm25_best + w·cos/cos_best. BM25
// weighs the query's words by what they do (lexicalQuery: question words count a tenth) and
// rewards chunks that hold all of them (lexicalIndex.searchWeighted).
//
// Score fusion beat reciprocal rank fusion on every eval set here, because it keeps BM25's
// confidence (a clear winner stays the winner) where RRF flattens it (docs/benchmarks.md).
//
// How the vector ranking is read depends on the embedder. A semantic model finds passages that
// share no words with the query, so every vector is searched (w = 1; see vectorRows). The local
// embedder's hashed n-grams cannot find a passage BM25 misses; they only reorder BM25's
// candidates, so their similarity is computed for those candidates alone (w by script, see
// localVectorWeight). On the pooled eval sets that re-ranking scored the same as chromem-go's
// full search (MRR@10 within 0.001 on all three) at a thirtieth of the cost at 10k chunks.
type Searcher struct {
	Store *Store
	Mode  Mode
	// Candidates is how deep each ranking is read before fusion; 0 means defaultCandidates.
	Candidates int
	// Semantic says the store's embedder is a semantic model (a remote embedding API) rather
	// than the local hashed n-grams.
	Semantic bool
	// Reranker, when set, re-scores the best fused candidates with a cross-encoder service
	// (rerank.go); nil means the fused order stands.
	Reranker *Reranker
}

const defaultCandidates = 50

// localVectorWeight gives the hashed local embedder's weight by the query's script. For Chinese
// its character n-grams repeat what BM25 already sees, so it only breaks near-ties (weights up to
// 0.2 lowered MRR@10 on DRCD); for English, where it drops stopwords and normalises differently,
// it adds real signal (SQuAD MRR@10 0.812 → 0.838 at 0.5). Once BM25 searched the normal forms
// of English words too, less of it was better: 0.8664 at 0.5, 0.8707 at 0.2 (0.8698 at 0.15,
// 0.8697 at 0.25), against 0.8681 for BM25 alone.
func localVectorWeight(query string) float64 {
	if cjkShare(query) > 0.5 {
		return 0.05
	}
	return 0.2
}

// Retrieve implements Retriever.
func (r Searcher) Retrieve(ctx context.Context, query string, k int) ([]Passage, error) {
	if r.Reranker != nil {
		return r.retrieveReranked(ctx, query, k)
	}
	toks := AppendTokens(nil, query)
	if len(toks) == 0 {
		return nil, ErrEmptyQuery
	}
	if k <= 0 {
		k = 5
	}
	depth := max(r.Candidates, k)
	if r.Candidates == 0 {
		depth = max(defaultCandidates, k)
	}
	vw := 1.0
	if !r.Semantic {
		vw = localVectorWeight(query)
	}
	var qvec []float32
	if r.Mode != LexicalOnly {
		vs, err := r.Store.embedder.Embed(ctx, []string{query})
		if err != nil {
			return nil, fmt.Errorf("embed query: %w", err)
		}
		qvec = vs[0]
	}

	s := r.Store
	s.mu.RLock()
	defer s.mu.RUnlock()
	fused := map[uint32]float64{}
	var lexical []scored
	if r.Mode != VectorOnly {
		lexical = s.lex.searchWeighted(lexicalQuery(query), depth)
		for _, hit := range lexical {
			fused[hit.slot] += hit.score / lexical[0].score
		}
	}
	if r.Mode == VectorOnly {
		vw = 1
	}
	switch {
	case r.Mode == LexicalOnly || s.vectors.Count() == 0:
	case r.Mode == Hybrid && !r.Semantic:
		var best float64
		sims := make([]float64, len(lexical))
		for i, hit := range lexical {
			sims[i] = dot(qvec, s.slots[hit.slot].vector)
			best = max(best, sims[i])
		}
		for i, hit := range lexical {
			if best > 0 {
				fused[hit.slot] += vw * sims[i] / best
			}
		}
	default:
		// The store's own scan ranks as chromem-go's QueryEmbedding does, at a fraction of its
		// cost (docs/benchmarks.md).
		res, err := s.rows.nearest(ctx, qvec, depth, s.slots)
		if err != nil {
			return nil, fmt.Errorf("vector search: %w", err)
		}
		for _, hit := range res {
			if res[0].score > 0 {
				fused[hit.slot] += vw * hit.score / res[0].score
			}
		}
	}
	ranked := make([]scored, 0, len(fused))
	for slot, sc := range fused {
		ranked = append(ranked, scored{slot, sc})
	}
	slices.SortFunc(ranked, func(a, b scored) int {
		if better(a.score, a.slot, b) {
			return -1
		}
		return 1
	})
	if len(ranked) > k {
		ranked = ranked[:k]
	}
	out := make([]Passage, len(ranked))
	for i, hit := range ranked {
		ref := s.slots[hit.slot]
		out[i] = Passage{
			DocID:   ref.doc.ID,
			Source:  ref.doc.Source,
			Title:   ref.doc.Title,
			URL:     ref.doc.URL,
			ChunkID: ChunkID(ref.doc.ID, ref.chunk),
			Chunk:   ref.doc.Chunks[ref.chunk],
			Score:   hit.score,
		}
	}
	return out, nil
}

// cjkShare is the share of CJK among the letters of s.
func cjkShare(s string) float64 {
	var cjk, letters int
	for _, r := range s {
		if isCJK(r) {
			cjk++
			letters++
		} else if isWordRune(r) {
			letters++
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(cjk) / float64(letters)
}

func dot(a, b []float32) float64 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}
