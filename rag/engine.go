package rag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
)

// Engine answers questions: it understands follow-ups, retrieves passages, decides whether the
// knowledge base answers the question, and has the answer written, extractively or by an LLM,
// with citations that point at the passages used.
type Engine struct {
	Store     *Store
	Retriever Retriever
	// Conversations keeps multi-turn history; nil means every question stands alone.
	Conversations *Conversations
	// K is how many passages to retrieve; 0 means DefaultK.
	K int
	// Generator, when set, writes the answers the documents support, from the retrieved
	// passages with checked [n] citations, and rewrites follow-ups into standalone queries
	// (generate.go, rewrite.go). Nil means extractive answers.
	Generator ChatModel
	// AnswerMode is AnswerStrict (the default, also for "") or AnswerOpen: whether the
	// Generator may answer from general knowledge when the documents do not.
	AnswerMode string
	// ContextRunes bounds the passages given to the Generator; 0 means DefaultContextRunes.
	ContextRunes int
	Logger       *slog.Logger
}

// DefaultK is how many passages an answer draws on by default.
const DefaultK = 6

// MaxQuestionRunes bounds a question; longer input is refused rather than searched.
const MaxQuestionRunes = 2000

// Errors Ask returns for bad questions; front ends show them as the asker's mistake.
var (
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionRunes)
)

// Answer thresholds, as shares of the question's weighted terms found in one sentence. Chosen on
// the eval sets and the sample corpus's answerable and unanswerable questions (docs/answering.md).
const (
	// answerCoverage is the least coverage of the best sentence for an answer.
	answerCoverage = 0.45
	// relatedCoverage is the least coverage for a sentence to be offered as related.
	relatedCoverage = 0.1
)

// Ask implements Asker.
func (e *Engine) Ask(ctx context.Context, req AskRequest) (*Answer, error) {
	question := strings.TrimSpace(req.Question)
	if utf8.RuneCountInString(question) > MaxQuestionRunes {
		return nil, ErrQuestionTooLong
	}
	if len(AppendTokens(nil, question)) == 0 {
		return nil, ErrEmptyQuery
	}
	history := req.History
	if history == nil && req.ConversationID != "" && e.Conversations != nil {
		var err error
		if history, err = e.Conversations.Load(req.ConversationID); err != nil {
			e.logger().Warn("conversation history unreadable; starting afresh", "conversation", req.ConversationID, "err", err)
		}
	}
	lang := prompts.Detect(question)
	topic, followUp := standaloneQuery(question, history)
	query := question
	if followUp {
		query = e.followUpQuery(ctx, question, topic, history)
	}
	ans, err := e.answer(ctx, question, query, followUp, string(lang), req)
	if err != nil {
		return nil, err
	}
	ans.ConversationID = req.ConversationID
	if query != question {
		ans.Query = query
		e.logger().Debug("rewrote follow-up", "question", question, "query", query)
	}
	if req.ConversationID != "" && e.Conversations != nil {
		turn := Turn{Question: question, Answer: ans.Text, Topic: topic}
		if err := e.Conversations.Append(req.ConversationID, turn); err != nil {
			e.logger().Warn("could not save conversation", "conversation", req.ConversationID, "err", err)
		}
	}
	return ans, nil
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Logger
}

func (e *Engine) answer(ctx context.Context, question, query string, followUp bool, lang string, req AskRequest) (*Answer, error) {
	l := prompts.Lang(lang)
	emit := func(a *Answer) *Answer {
		a.Lang = lang
		if req.OnDelta != nil && a.Text != "" {
			req.OnDelta(a.Text)
		}
		return a
	}
	if e.Store.Stats().Chunks == 0 {
		text, err := prompts.Render(l, "empty_index", nil)
		return emit(&Answer{Text: text, Abstained: true, Sources: []Source{}}), err
	}
	k := req.K
	if k <= 0 {
		k = e.K
	}
	if k <= 0 {
		k = DefaultK
	}
	depth := k
	if followUp {
		depth = 3 * k // the follow-up's own words re-rank a wider net
	}
	passages, err := e.Retriever.Retrieve(ctx, query, depth)
	if err != nil {
		return nil, err
	}
	missing := e.Store.MissingTerms(query)
	terms := withoutTerms(questionTerms(query), missing)
	weights := e.Store.weights(terms)
	var own []Token
	if followUp {
		// The follow-up's own words ("广东" in "那广东呢?") decide between passages that all
		// match the earlier topic, and the topic's words ("浙江") count for less.
		own = withStatedOnly(questionTerms(question), weights, terms)
		ownSet := map[Token]bool{}
		for _, t := range own {
			ownSet[t] = true
		}
		for i, t := range terms {
			if ownSet[t] {
				weights[i] *= 2
			} else {
				weights[i] *= 0.5
			}
		}
		rankByCoverage(passages, terms, weights)
		passages = passages[:min(k, len(passages))]
	}
	sents := candidateSentences(query, passages, terms, weights)
	if len(own) > 0 {
		// An answer to a follow-up must speak to what it adds.
		sents = slices.DeleteFunc(sents, func(s sentence) bool { return !containsAny(tokenSet(s.text), own) })
	}

	var best float64
	if len(sents) > 0 {
		best = sents[0].score
	}
	e.logger().Debug("assessed question", "query", query, "passages", len(passages), "best_coverage", best, "missing", missing)
	answerable := len(missing) == 0 && best >= answerCoverage
	if e.Generator != nil && (answerable || e.AnswerMode == AnswerOpen) {
		modelQuestion := question
		if followUp {
			modelQuestion = query // the model sees no history
		}
		return e.generate(ctx, generation{
			question: modelQuestion, lang: l, passages: passages, open: !answerable, onDelta: req.OnDelta,
			fallback: func() *Answer {
				if answerable {
					return extractiveAnswer(passages, sents, l)
				}
				return abstain(passages, sents, missing, l)
			},
		})
	}
	if answerable {
		return emit(extractiveAnswer(passages, sents, l)), nil
	}
	return emit(abstain(passages, sents, missing, l)), nil
}

// withStatedOnly keeps the tokens of sub that carry weight in terms (found in the index).
func withStatedOnly(sub []Token, weights []float64, terms []Token) []Token {
	w := map[Token]float64{}
	for i, t := range terms {
		w[t] = weights[i]
	}
	return slices.DeleteFunc(sub, func(t Token) bool { return w[t] == 0 })
}

func containsAny(set map[Token]struct{}, toks []Token) bool {
	for _, t := range toks {
		if _, ok := set[t]; ok {
			return true
		}
	}
	return false
}

// withoutTerms drops the tokens of missing terms, so that related passages are ranked by what
// the documents can speak to.
func withoutTerms(terms []Token, missing []string) []Token {
	if len(missing) == 0 {
		return terms
	}
	drop := tokenSet(strings.Join(missing, " "))
	return slices.DeleteFunc(terms, func(t Token) bool {
		_, ok := drop[t]
		return ok
	})
}

// rankByCoverage reorders passages by how much of the weighted terms each holds, keeping the
// retrieval order among equals.
func rankByCoverage(passages []Passage, terms []Token, weights []float64) {
	var total float64
	for _, w := range weights {
		total += w
	}
	cov := make(map[string]float64, len(passages))
	for _, p := range passages {
		cov[p.ChunkID] = coverage(terms, weights, total, tokenSet(p.Chunk.Text))
	}
	slices.SortStableFunc(passages, func(a, b Passage) int {
		switch ca, cb := cov[a.ChunkID], cov[b.ChunkID]; {
		case ca > cb:
			return -1
		case ca < cb:
			return 1
		}
		return 0
	})
}

// weights returns each term's BM25 inverse document frequency: rare words decide what a
// question is about. A term found nowhere weighs nothing: no sentence can hold it, and it is
// mostly a pair of characters across two words ("型上" in "转型上投资"); unknown names are
// MissingTerms' business.
func (s *Store) weights(terms []Token) []float64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	w := make([]float64, len(terms))
	for i, t := range terms {
		if s.lex.df(t) > 0 {
			w[i] = s.lex.idf(t)
		}
	}
	return w
}

// Extractive answer limits: enough for a fact and its context, short enough to read in a chat.
const (
	maxAnswerSentences = 3
	maxAnswerRunes     = 400
	maxRelated         = 3
	maxQuoteRunes      = 160
	// keepRatio admits further sentences scoring at least this share of the best one.
	keepRatio = 0.75
)

// extractiveAnswer quotes the best sentences, in document order, each followed by its [n].
func extractiveAnswer(passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	var picked []sentence
	runes := 0
	seen := map[string]bool{}
	for _, s := range sents {
		if len(picked) == maxAnswerSentences || s.score < keepRatio*sents[0].score {
			break
		}
		n := utf8.RuneCountInString(s.text)
		if seen[s.text] || (len(picked) > 0 && runes+n > maxAnswerRunes) {
			continue
		}
		seen[s.text] = true
		picked = append(picked, s)
		runes += n
	}
	slices.SortFunc(picked, func(a, b sentence) int {
		pa, pb := passages[a.passage], passages[b.passage]
		if c := strings.Compare(pa.DocID, pb.DocID); c != 0 {
			return c
		}
		if c := pa.Chunk.Start - pb.Chunk.Start; c != 0 {
			return c
		}
		return a.start - b.start
	})
	cites := newCitations(passages)
	var b strings.Builder
	for i, s := range picked {
		if i > 0 && lang == prompts.English {
			b.WriteByte(' ')
		}
		b.WriteString(quote(s.text))
		fmt.Fprintf(&b, "[%d]", cites.number(s.passage))
	}
	return &Answer{Text: b.String(), Sources: cites.sources}
}

// abstain says the knowledge base does not answer the question, naming the terms it never
// mentions, and lists the closest related sentences with citations.
func abstain(passages []Passage, sents []sentence, missing []string, lang prompts.Lang) *Answer {
	var head string
	var err error
	if len(missing) > 0 {
		head, err = prompts.Render(lang, "no_answer_terms", map[string]any{"Terms": missing})
	} else {
		head, err = prompts.Render(lang, "no_answer", nil)
	}
	if err != nil {
		head = err.Error() // a template bug must show, not hide the answer
	}
	cites := newCitations(passages)
	var lines []string
	seen := map[string]bool{}
	for _, s := range sents {
		if len(lines) == maxRelated || s.score < relatedCoverage {
			break
		}
		if seen[s.text] {
			continue
		}
		seen[s.text] = true
		lines = append(lines, fmt.Sprintf("- %s[%d]", quote(s.text), cites.number(s.passage)))
	}
	text := head
	if len(lines) > 0 {
		intro, _ := prompts.Render(lang, "related_intro", nil)
		text += "\n" + intro + "\n" + strings.Join(lines, "\n")
	}
	return &Answer{Text: text, Abstained: true, Sources: cites.sources}
}

// quote shortens a sentence for display.
func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoteRunes {
		return s
	}
	return string([]rune(s)[:maxQuoteRunes]) + "…"
}

// citations numbers passages in order of first citation.
type citations struct {
	passages []Passage
	byIndex  map[int]int
	sources  []Source
}

func newCitations(passages []Passage) *citations {
	return &citations{passages: passages, byIndex: map[int]int{}, sources: []Source{}}
}

func (c *citations) number(passage int) int {
	if n, ok := c.byIndex[passage]; ok {
		return n
	}
	p := c.passages[passage]
	n := len(c.sources) + 1
	c.byIndex[passage] = n
	c.sources = append(c.sources, SourceOf(n, p))
	return n
}

// SourceOf builds the citation entry for passage p numbered n.
func SourceOf(n int, p Passage) Source {
	return Source{
		N: n, DocID: p.DocID, Source: p.Source, Title: p.Title, URL: p.URL, ChunkID: p.ChunkID,
		Section: p.Chunk.Section, Page: p.Chunk.Page, Text: p.Chunk.Text,
	}
}

// IsBadQuestion reports whether err is the asker's mistake (empty or oversized question), as
// opposed to a failure of wenda.
func IsBadQuestion(err error) bool {
	return errors.Is(err, ErrEmptyQuery) || errors.Is(err, ErrQuestionTooLong)
}
