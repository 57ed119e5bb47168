package rag

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
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

// Searcher is the Store's Retriever: vector and BM25 rankings fused by reciprocal rank.
type Searcher struct {
	Store *Store
	Mode  Mode
	// Candidates is how deep each ranking is read before fusion; 0 means defaultCandidates.
	Candidates int
}

const (
	defaultCandidates = 50
	// rrfK dampens the weight of top ranks in reciprocal rank fusion; 60 is the value from the
	// original RRF paper and measured as good as any here.
	rrfKx = 60
)

var scoreFusion = os.Getenv("WENDA_RRF") == ""
var rrfK = envFloat("WENDA_RRFK", 60)

var vectorWeight = envFloat("WENDA_VW", 0.2)

// Retrieve implements Retriever.
func (r Searcher) Retrieve(ctx context.Context, query string, k int) ([]Passage, error) {
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
	if r.Mode != LexicalOnly && s.vectors.Count() > 0 {
		n := min(depth, s.vectors.Count()) // chromem-go errors when asked for more than it holds
		res, err := s.vectors.QueryEmbedding(ctx, qvec, n, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("vector search: %w", err)
		}
		for rank, hit := range res {
			if slot, ok := s.chunkSlot[hit.ID]; ok {
				if scoreFusion {
					fused[slot] += vectorWeight * float64(hit.Similarity) / float64(res[0].Similarity)
				} else {
					fused[slot] += vectorWeight / (rrfK + float64(rank+1))
				}
			}
		}
	}
	if r.Mode != VectorOnly {
		hits := s.lex.search(toks, depth)
		for rank, hit := range hits {
			if scoreFusion {
				fused[hit.slot] += hit.score / hits[0].score
			} else {
				fused[hit.slot] += 1.0 / (rrfK + float64(rank+1))
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

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}
