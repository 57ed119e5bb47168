package rag

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/width"

	"github.com/wenda-dev/wenda/prompts"
)

// AnswerQuery is one line of a labelled answers file (`wenda eval --answers`).
type AnswerQuery struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	// Answers are short strings of which a right answer contains at least one (compared by
	// AnswerMatches). Empty for an unanswerable question.
	Answers []string `json:"answers"`
	// AllOf, when set, is another way to be right: the answer holds every one of these (the
	// items of a list, quoted one by one rather than in the sentence Answers holds).
	AllOf []string `json:"all_of,omitempty"`
	// Unanswerable marks a question the documents do not answer: the right reply abstains.
	Unanswerable bool `json:"unanswerable,omitempty"`
	// Kind groups questions in the report ("factoid", "near_miss", ...); empty counts as "other".
	Kind string `json:"kind,omitempty"`
	// FollowupOf names an earlier question's id: this one is asked in the same conversation
	// right after it.
	FollowupOf string `json:"followup_of,omitempty"`
	// Translation is the question in the documents' language, for a question asked in another:
	// what a perfect translator would give. Only the perfect-reader test model reads it;
	// wenda translates with the configured model.
	Translation string `json:"translation,omitempty"`
}

// AnswerCounts are the answer-level figures of a set of questions.
type AnswerCounts struct {
	Questions int `json:"questions"`
	// AnswerAccuracy is the share of answerable questions answered right: not abstained, and
	// the answer contains one of the labelled answers.
	AnswerAccuracy float64 `json:"answer_accuracy"`
	Answerable     int     `json:"answerable"`
	Right          int     `json:"right"`
	// FalseAbstentions counts answerable questions the answerer abstained on.
	FalseAbstentions int `json:"false_abstentions"`
	Unanswerable     int `json:"unanswerable"`
	// AbstainedUnanswerable counts unanswerable questions the answerer abstained on.
	AbstainedUnanswerable int `json:"abstained_unanswerable"`
	// ReachedModel counts questions whose answer the chat model was asked to write; nil when
	// no model was configured.
	ReachedModel *int `json:"reached_model,omitempty"`
}

// AnswerReport is the result of EvaluateAnswers: the counts over all questions, per kind, and
// each question's outcome in file order.
type AnswerReport struct {
	AnswerCounts
	ByKind map[string]AnswerCounts `json:"by_kind"`
	// Results are in the JSON report only when asked for (`eval --answers --json -v`).
	Results []AnswerResult `json:"results,omitempty"`
}

// AnswerResult is one question's outcome.
type AnswerResult struct {
	Query     AnswerQuery `json:"query"`
	Answer    string      `json:"answer"`
	Abstained bool        `json:"abstained"`
	// Right: an answerable question answered right, or an unanswerable one abstained on.
	Right bool `json:"right"`
	// ReachedModel: the chat model was asked to write this answer.
	ReachedModel bool `json:"reached_model,omitempty"`
}

// ReadAnswerQueries parses a labelled answers file, one JSON object per line, and checks it:
// ids unique, every answerable question with answers, every follow-up naming an earlier id.
func ReadAnswerQueries(r io.Reader) ([]AnswerQuery, error) {
	var out []AnswerQuery
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var q AnswerQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		switch {
		case q.ID == "" || strings.TrimSpace(q.Question) == "":
			return nil, fmt.Errorf("line %d: need \"id\" and \"question\"", n)
		case seen[q.ID]:
			return nil, fmt.Errorf("line %d: id %q is used twice", n, q.ID)
		case !q.Unanswerable && len(q.Answers) == 0:
			return nil, fmt.Errorf("line %d: an answerable question needs \"answers\" (or \"unanswerable\": true)", n)
		case q.FollowupOf != "" && !seen[q.FollowupOf]:
			return nil, fmt.Errorf("line %d: \"followup_of\" %q names no earlier question", n, q.FollowupOf)
		}
		if slices.Contains(q.Answers, "") {
			return nil, fmt.Errorf("line %d: an empty answer would match everything", n)
		}
		seen[q.ID] = true
		out = append(out, q)
	}
	return out, sc.Err()
}

// citeMarker matches the [n] citation markers answers carry, which may fall inside a phrase.
var citeMarker = regexp.MustCompile(`\[\d+\]`)

// normalizeAnswer folds what should not decide whether an answer is right: case, full- and
// half-width forms (“，” and “,”, “５Ｇ” and “5G”), white space and citation markers.
// Traditional and Simplified characters are compared as they are.
func normalizeAnswer(s string) string {
	s = citeMarker.ReplaceAllString(s, "")
	s = strings.ToLower(width.Fold.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// AnswerMatches reports whether answer contains one of the labelled answers, after
// normalising both (see normalizeAnswer).
func AnswerMatches(answer string, labelled []string) bool {
	a := normalizeAnswer(answer)
	for _, l := range labelled {
		if n := normalizeAnswer(l); n != "" && strings.Contains(a, n) {
			return true
		}
	}
	return false
}

// answerHoldsAll reports whether answer contains every one of parts (none: false).
func answerHoldsAll(answer string, parts []string) bool {
	a := normalizeAnswer(answer)
	for _, p := range parts {
		if n := normalizeAnswer(p); n == "" || !strings.Contains(a, n) {
			return false
		}
	}
	return len(parts) > 0
}

// AnswerEvalOptions configures EvaluateAnswers.
type AnswerEvalOptions struct {
	// Conversations, when set, is the store the asker keeps its conversations in (the
	// Engine's): follow-ups then continue the turn exactly as the asker recorded it, topic
	// included. The evaluation's conversations are deleted from it afterwards.
	Conversations *Conversations
	// Model says that a chat model answers (wrapped by TrackModelCalls), so the report counts
	// the questions that reached it.
	Model bool
}

// EvaluateAnswers asks every question and scores the answers. Questions run on all cores,
// except that a follow-up is asked after the question it follows, in the same conversation;
// the report does not depend on scheduling. It fails on the first question the asker fails.
func EvaluateAnswers(ctx context.Context, asker Asker, queries []AnswerQuery, opts AnswerEvalOptions) (AnswerReport, error) {
	index := make(map[string]int, len(queries))
	for i, q := range queries {
		index[q.ID] = i
	}
	// A chain is a standalone question and every follow-up under it, in file order; chains
	// are independent of each other.
	root := make([]int, len(queries))
	var chains [][]int
	chainOf := map[int]int{}
	for i, q := range queries {
		root[i] = i
		if q.FollowupOf != "" {
			p, ok := index[q.FollowupOf]
			if !ok || p >= i {
				return AnswerReport{}, fmt.Errorf("question %s: \"followup_of\" %q names no earlier question", q.ID, q.FollowupOf)
			}
			root[i] = root[p]
		}
		if root[i] == i {
			chainOf[i] = len(chains)
			chains = append(chains, nil)
		}
		c := chainOf[root[i]]
		chains[c] = append(chains[c], i)
	}

	nonce := make([]byte, 6)
	_, _ = rand.Read(nonce)
	prefix := "wenda-eval-answers-" + hex.EncodeToString(nonce) + "-"
	results := make([]AnswerResult, len(queries))
	next := make(chan []int)
	errs := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for chain := range next {
				if err := askChain(ctx, asker, queries, index, chain, prefix, opts.Conversations, results); err != nil {
					select {
					case errs <- err:
						cancel()
					default:
					}
				}
			}
		})
	}
feed:
	for _, c := range chains {
		select {
		case next <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return AnswerReport{}, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return AnswerReport{}, err
	}
	return scoreAnswers(results, opts.Model), nil
}

// askChain asks one chain's questions in order, each follow-up with the history that led to
// the question it follows.
func askChain(ctx context.Context, asker Asker, queries []AnswerQuery, index map[string]int, chain []int, prefix string, convs *Conversations, results []AnswerResult) error {
	history := map[int][]Turn{} // the conversation up to and including question i
	for _, i := range chain {
		q := queries[i]
		var before []Turn
		if q.FollowupOf != "" {
			before = history[index[q.FollowupOf]]
		}
		req := AskRequest{Question: q.Question, History: before}
		if convs != nil {
			req.ConversationID = prefix + q.ID
		}
		trace := &questionTrace{}
		ans, err := asker.Ask(context.WithValue(ctx, questionTraceKey{}, trace), req)
		if err != nil {
			return fmt.Errorf("question %s: %w", q.ID, err)
		}
		turn := Turn{Question: q.Question, Answer: ans.Text, Abstained: ans.Abstained}
		if convs != nil {
			// The asker stored the turn as it understood it (the topic a follow-up continues).
			if turns, err := convs.Load(req.ConversationID); err == nil && len(turns) > 0 {
				turn = turns[len(turns)-1]
			}
			_ = convs.Reset(req.ConversationID)
		}
		history[i] = append(slices.Clip(before), turn)
		res := AnswerResult{Query: q, Answer: ans.Text, Abstained: ans.Abstained, ReachedModel: trace.reached()}
		if q.Unanswerable {
			res.Right = ans.Abstained
		} else {
			res.Right = !ans.Abstained && (AnswerMatches(ans.Text, q.Answers) || answerHoldsAll(ans.Text, q.AllOf))
		}
		results[i] = res
	}
	return nil
}

func scoreAnswers(results []AnswerResult, model bool) AnswerReport {
	rep := AnswerReport{ByKind: map[string]AnswerCounts{}, Results: results}
	add := func(c *AnswerCounts, r AnswerResult) {
		c.Questions++
		if r.Query.Unanswerable {
			c.Unanswerable++
			if r.Abstained {
				c.AbstainedUnanswerable++
			}
		} else {
			c.Answerable++
			if r.Right {
				c.Right++
			}
			if r.Abstained {
				c.FalseAbstentions++
			}
		}
		if model {
			if c.ReachedModel == nil {
				c.ReachedModel = new(int)
			}
			if r.ReachedModel {
				*c.ReachedModel++
			}
		}
	}
	for _, r := range results {
		add(&rep.AnswerCounts, r)
		kind := KindOf(r.Query)
		c := rep.ByKind[kind]
		add(&c, r)
		rep.ByKind[kind] = c
	}
	finish := func(c *AnswerCounts) {
		if c.Answerable > 0 {
			c.AnswerAccuracy = float64(c.Right) / float64(c.Answerable)
		}
	}
	finish(&rep.AnswerCounts)
	for k, c := range rep.ByKind {
		finish(&c)
		rep.ByKind[k] = c
	}
	return rep
}

// KindOf is the kind a question is reported under: its own, else "other".
func KindOf(q AnswerQuery) string {
	if q.Kind == "" {
		return "other"
	}
	return q.Kind
}

// questionTrace records, for one question of an evaluation, whether the chat model was asked
// to answer it. It travels in the context passed to Ask, which the engine hands on to the
// model, so concurrent questions cannot be confused.
type questionTrace struct {
	mu    sync.Mutex
	calls int
}

func (t *questionTrace) reached() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calls > 0
}

type questionTraceKey struct{}

// TrackModelCalls wraps m so that EvaluateAnswers can tell which questions reached the model.
// Rewrites of follow-ups do not count: only calls that write an answer do. Outside an
// evaluation the wrapper only passes calls on.
func TrackModelCalls(m ChatModel) ChatModel {
	rewrite := map[string]bool{}
	for _, l := range []prompts.Lang{prompts.Chinese, prompts.English} {
		if s, err := prompts.Render(l, "rewrite_system", nil); err == nil {
			rewrite[s] = true
		}
	}
	return trackedModel{ChatModel: m, rewrite: rewrite}
}

type trackedModel struct {
	ChatModel
	rewrite map[string]bool // the rewrite prompts' system messages
}

func (m trackedModel) Complete(ctx context.Context, msgs []ChatMessage, onDelta func(string)) (string, error) {
	if t, ok := ctx.Value(questionTraceKey{}).(*questionTrace); ok && (len(msgs) == 0 || !m.rewrite[msgs[0].Content]) {
		t.mu.Lock()
		t.calls++
		t.mu.Unlock()
	}
	return m.ChatModel.Complete(ctx, msgs, onDelta)
}
