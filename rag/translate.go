package rag

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
)

// translateTimeout bounds the model's translation of a question: a short completion on the
// question's critical path, and the untranslated query is a fair fallback.
const translateTimeout = 10 * time.Second

// translateQuery asks the model for the question in the documents' language, so that an English
// question finds Chinese passages. It returns "" when there is no model, the languages agree,
// or the translation fails (logged): the original query is then searched alone.
func (e *Engine) translateQuery(ctx context.Context, query string, docsLang func() prompts.Lang) string {
	if e.Generator == nil {
		return ""
	}
	docs := docsLang()
	if prompts.Detect(query) == docs {
		return ""
	}
	system, err := prompts.Render(docs, "translate_system", nil)
	if err != nil {
		return ""
	}
	user, err := prompts.Render(docs, "translate_user", map[string]any{"Question": query})
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, translateTimeout)
	defer cancel()
	reply, err := e.Generator.Complete(ctx, []ChatMessage{{Role: "system", Content: system}, {Role: "user", Content: user}}, nil)
	if err == nil {
		reply = cleanRewrite(reply)
		switch {
		case strings.Contains(reply, prompts.NoAnswerMarker):
			err = fmt.Errorf("the model answered the translation request with the no-answer marker")
		case len(AppendTokens(nil, reply)) == 0:
			err = fmt.Errorf("the translation %q has nothing to search for", reply)
		case utf8.RuneCountInString(reply) > MaxQuestionRunes:
			err = fmt.Errorf("the translation is longer than a question may be")
		}
	}
	if err != nil {
		e.logger().Warn("query translation failed; searching the question as asked", "err", err)
		return ""
	}
	e.logger().Debug("translated the query", "query", query, "translation", reply)
	return reply
}

// mergePassages merges two result lists for the same question, each scored on its own scale:
// every passage keeps the better of its two scores normalised by its list's best, and the
// first k are returned.
func mergePassages(a, b []Passage, k int) []Passage {
	norm := func(ps []Passage) map[string]float64 {
		m := map[string]float64{}
		for _, p := range ps {
			if ps[0].Score > 0 {
				m[p.ChunkID] = p.Score / ps[0].Score
			}
		}
		return m
	}
	na, nb := norm(a), norm(b)
	seen := map[string]bool{}
	var out []Passage
	for _, p := range append(slices.Clone(a), b...) {
		if seen[p.ChunkID] {
			continue
		}
		seen[p.ChunkID] = true
		p.Score = max(na[p.ChunkID], nb[p.ChunkID])
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(x, y Passage) int {
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return 0
	})
	return out[:min(k, len(out))]
}
