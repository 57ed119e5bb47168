package rag

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
)

// EvalQuery is one line of an eval queries file.
type EvalQuery struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	GoldIDs  []string `json:"gold_ids"`
}

// EvalReport is retrieval quality at document-id level: a hit is a retrieved chunk whose
// document id is gold. Recall@k is the share of queries with a hit in the top k chunks; MRR@10
// averages 1/rank of the first hit within the top 10.
type EvalReport struct {
	Queries  int     `json:"queries"`
	Recall1  float64 `json:"recall@1"`
	Recall5  float64 `json:"recall@5"`
	Recall10 float64 `json:"recall@10"`
	MRR10    float64 `json:"mrr@10"`
	// RecallK is the recall at the requested k when it is not 1, 5 or 10.
	K       int     `json:"k,omitempty"`
	RecallK float64 `json:"recall@k,omitempty"`
}

// ReadEvalQueries parses a queries file: one JSON object per line.
func ReadEvalQueries(r io.Reader) ([]EvalQuery, error) {
	var out []EvalQuery
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var q EvalQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if q.Question == "" || len(q.GoldIDs) == 0 {
			return nil, fmt.Errorf("line %d: need \"question\" and \"gold_ids\"", n)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// Evaluate runs every query through r, on all cores, and scores the rankings. k (at least 10)
// is the depth retrieved per query.
func Evaluate(ctx context.Context, r Retriever, queries []EvalQuery, k int) (EvalReport, error) {
	depth := max(k, 10)
	rep := EvalReport{Queries: len(queries)}
	if k != 1 && k != 5 && k != 10 {
		rep.K = k
	}
	// firstHit[i] is the 1-based rank of query i's first gold passage, 0 for none. Results are
	// summed in query order afterwards, so the report does not depend on scheduling.
	firstHit := make([]int, len(queries))
	next := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				passages, err := r.Retrieve(ctx, queries[i].Question, depth)
				if err != nil {
					select {
					case errs <- fmt.Errorf("query %s: %w", queries[i].ID, err):
					default:
					}
					continue
				}
				for rank, p := range passages {
					if slices.Contains(queries[i].GoldIDs, p.DocID) {
						firstHit[i] = rank + 1
						break
					}
				}
			}
		})
	}
	for i := range queries {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return rep, err
	default:
	}
	for _, first := range firstHit {
		hit := func(k int) float64 {
			if first > 0 && first <= k {
				return 1
			}
			return 0
		}
		rep.Recall1 += hit(1)
		rep.Recall5 += hit(5)
		rep.Recall10 += hit(10)
		if rep.K != 0 {
			rep.RecallK += hit(rep.K)
		}
		if first > 0 && first <= 10 {
			rep.MRR10 += 1 / float64(first)
		}
	}
	if n := float64(len(queries)); n > 0 {
		rep.Recall1 /= n
		rep.Recall5 /= n
		rep.Recall10 /= n
		rep.RecallK /= n
		rep.MRR10 /= n
	}
	return rep, nil
}
