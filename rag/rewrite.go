package rag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
)

// Follow-up rewriting limits.
const (
	// rewriteTimeout bounds the model's rewrite of a follow-up: it is a short completion on
	// every follow-up's critical path, and the heuristic query is a fair fallback.
	rewriteTimeout = 10 * time.Second
	// rewriteTurns is how many recent turns the rewrite sees: follow-ups refer to the last one
	// or two, and each turn costs prompt tokens.
	rewriteTurns = 3
	// rewriteAnswerRunes shortens each earlier answer in the rewrite prompt; its opening says
	// what it was about.
	rewriteAnswerRunes = 300
)

// followUpQuery turns a follow-up into a standalone retrieval query. With a Generator the model
// rewrites it from the last turns ("那广东呢?" → "广东省的数字化规划是什么?"); without one, or
// when the rewrite fails, the query is topic + question, the cheap heuristic whose own words
// the answer step re-weights.
func (e *Engine) followUpQuery(ctx context.Context, question, topic string, history []Turn) string {
	heuristic := topic + " " + question
	if e.Generator == nil {
		return heuristic
	}
	q, err := e.rewrite(ctx, question, history)
	if err != nil {
		e.logger().Warn("follow-up rewrite failed; using the heuristic query", "err", err)
		return heuristic
	}
	return q
}

// rewrite asks the model for a standalone version of question given the recent history.
func (e *Engine) rewrite(ctx context.Context, question string, history []Turn) (string, error) {
	turns := make([]Turn, 0, rewriteTurns)
	for _, t := range history[max(0, len(history)-rewriteTurns):] {
		if r := []rune(t.Answer); len(r) > rewriteAnswerRunes {
			t.Answer = string(r[:rewriteAnswerRunes]) + "…"
		}
		turns = append(turns, t)
	}
	lang := prompts.Detect(question)
	system, err := prompts.Render(lang, "rewrite_system", nil)
	if err != nil {
		return "", err
	}
	user, err := prompts.Render(lang, "rewrite_user", map[string]any{"Question": question, "History": turns})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, rewriteTimeout)
	defer cancel()
	e.logger().Debug("asking the model to rewrite a follow-up", "user", user)
	reply, err := e.Generator.Complete(ctx, []ChatMessage{{Role: "system", Content: system}, {Role: "user", Content: user}}, nil)
	if err != nil {
		return "", err
	}
	q := cleanRewrite(reply)
	if len(AppendTokens(nil, q)) == 0 {
		return "", fmt.Errorf("the rewrite %q has nothing to search for", reply)
	}
	if utf8.RuneCountInString(q) > MaxQuestionRunes {
		return "", errors.New("the rewrite is longer than a question may be")
	}
	return q, nil
}

// rewriteLabels are what models like to put before the rewritten question, echoing the prompt.
var rewriteLabels = []string{"改写后的问题：", "改写后的问题:", "改写后：", "改写：", "Rewritten question:", "Rewritten:"}

// cleanRewrite keeps the first non-empty line of a rewrite, without a label or quotes.
func cleanRewrite(reply string) string {
	for line := range strings.Lines(reply) {
		line = strings.TrimSpace(line)
		for _, l := range rewriteLabels {
			line = strings.TrimSpace(strings.TrimPrefix(line, l))
		}
		line = strings.Trim(line, "\"'“”‘’「」`")
		if line != "" {
			return line
		}
	}
	return ""
}
