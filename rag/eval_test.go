package rag

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fixedRetriever returns canned rankings by question.
type fixedRetriever map[string][]string

func (f fixedRetriever) Retrieve(_ context.Context, q string, k int) ([]Passage, error) {
	ids, ok := f[q]
	if !ok {
		return nil, errors.New("unknown question")
	}
	var out []Passage
	for _, id := range ids[:min(k, len(ids))] {
		out = append(out, Passage{DocID: id})
	}
	return out, nil
}

func TestEvaluate(t *testing.T) {
	r := fixedRetriever{
		"q1": {"a", "b"},                                              // hit at 1
		"q2": {"x", "x", "b"},                                         // hit at 3
		"q3": {"x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "b"}, // hit at 11: beyond @10
		"q4": {},                                                      // nothing
	}
	queries := []EvalQuery{
		{ID: "1", Question: "q1", GoldIDs: []string{"a"}},
		{ID: "2", Question: "q2", GoldIDs: []string{"b"}},
		{ID: "3", Question: "q3", GoldIDs: []string{"b"}},
		{ID: "4", Question: "q4", GoldIDs: []string{"b"}},
	}
	rep, err := Evaluate(t.Context(), r, queries, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := EvalReport{Queries: 4, Recall1: 0.25, Recall5: 0.5, Recall10: 0.5, MRR10: (1 + 1.0/3) / 4, K: 20, RecallK: 0.75}
	if rep != want {
		t.Errorf("got %+v\nwant %+v", rep, want)
	}
	if _, err := Evaluate(t.Context(), r, []EvalQuery{{ID: "x", Question: "nope", GoldIDs: []string{"a"}}}, 10); err == nil {
		t.Error("a failing query did not fail the evaluation")
	}
}

func TestReadEvalQueries(t *testing.T) {
	qs, err := ReadEvalQueries(strings.NewReader(`{"id":"1","question":"问","gold_ids":["a"]}` + "\n\n"))
	if err != nil || len(qs) != 1 || qs[0].GoldIDs[0] != "a" {
		t.Fatalf("got %+v, %v", qs, err)
	}
	if _, err := ReadEvalQueries(strings.NewReader(`{"id":"1","question":"问"}`)); err == nil {
		t.Error("a query without gold ids was accepted")
	}
}
