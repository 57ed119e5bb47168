package rag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag/zh"
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

// Answer thresholds, as shares of the question's weighted content words that the best sentence
// (with its context) holds. Chosen on the sample's labelled dev questions and checked on the
// held-out ones (docs/answering.md).
const (
	// answerCoverage is the least score of the best fitting sentence for an extractive answer.
	answerCoverage = 0.55
	// relevantCoverage is, with an LLM, the least score of the best sentence for the passages
	// to be worth the model's reading at all.
	relevantCoverage = 0.2
	// relatedCoverage is the least score for a sentence to be offered as related.
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
	if !followUp && elliptical(question, history) {
		topic, followUp = lastTopic(history), true
	}
	query := question
	if followUp {
		query = e.followUpQuery(ctx, question, topic, history)
	}
	prev := "" // what the last answer quoted, for "后来呢?"
	if followUp && len(history) > 0 && !history[len(history)-1].Abstained {
		prev = history[len(history)-1].Answer
	}
	var places, questions []string
	if !followUp && e.Generator == nil {
		places, questions = perPlaceQuestions(question) // a model compares the places itself
	}
	var ans *Answer
	var err error
	if places != nil {
		ans, err = e.askEachPlace(ctx, places, questions, string(lang), req)
	} else {
		ans, err = e.answer(ctx, question, query, topic, prev, followUp, string(lang), req)
	}
	if err != nil {
		return nil, err
	}
	ans.ConversationID = req.ConversationID
	if query != question {
		ans.Query = query
		e.logger().Debug("rewrote follow-up", "question", question, "query", query)
	}
	if req.ConversationID != "" && e.Conversations != nil {
		if followUp {
			// "那四川呢?" after 广东's plan: what follows is about 四川.
			topic = swapSubject(topic, readQuestion(question))
		}
		turn := Turn{Question: question, Answer: ans.Text, Topic: topic, Abstained: ans.Abstained}
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

func (e *Engine) answer(ctx context.Context, question, query, topic, prev string, followUp bool, lang string, req AskRequest) (*Answer, error) {
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
	own := e.Store.readAsked(question)
	q := own
	var ownWords map[string]bool
	var ownSubjects []string // the places and names a follow-up adds to its topic
	depth := k
	if followUp {
		q = continueTopic(e.Store.readAsked(query), own)
		// The follow-up's own content words count double. A follow-up that only swaps the
		// subject ("那湖南呢?") adds none: its place is a constraint, and the topic's words are
		// what the answer must hold. Words the topic already asked add nothing either:
		// "是什么时候批准的?" after "……是哪个国家批准的?" asks the topic's question for a date,
		// and "具体有哪些措施?" asks for the topic's answer in detail: a framing noun names the
		// kind of answer, not something it must add. Nor does a single character or a
		// qualifier: "花了多长时间?" after what Midea invested asks for the topic's span of time.
		topicFolded := FoldText(topic)
		for _, n := range slices.Concat(own.places, own.names) {
			if !strings.Contains(topicFolded, n) {
				ownSubjects = append(ownSubjects, n)
			}
		}
		for _, w := range own.words {
			if own.constrains(w) || strings.Contains(topicFolded, w) || !own.substantive(w) || isOrdinal(w) {
				continue // an ordinal says which item of the topic's list: "05、……" need not say 第五
			}
			if ownWords == nil {
				ownWords = map[string]bool{}
			}
			ownWords[w] = true
		}
		depth = 3 * k // the follow-up's own words re-rank a wider net
	}
	if q.kind == kindList && q.asksForEntities() {
		// "哪些省份提到了区块链": each province's plan is its own passage, and the answer
		// gathers as many of them as it can quote.
		depth = max(depth, entityListDepth*k)
	}
	passages, err := e.retrieve(ctx, query, q, depth)
	if err != nil {
		return nil, err
	}
	// The documents' language is sampled only when it matters (a model to translate for, or a
	// question not in Chinese): sampling on every question was 8% of an answer (pprof).
	docs := sync.OnceValue(e.docsLang)
	translated := e.translateQuery(ctx, query, docs)
	if translated != "" {
		// An English question over Chinese documents: search both, and weigh the evidence in
		// the documents' language.
		tq := readQuestion(translated)
		more, err := e.Retriever.Retrieve(ctx, translated, depth)
		if err != nil && !errors.Is(err, ErrEmptyQuery) {
			return nil, err
		}
		passages = mergePassages(more, passages, depth)
		q = tq
		if !followUp {
			own = tq
		}
	}
	// Only the question's own names can be absent: a follow-up never inherits a refusal.
	absent := e.Store.absentNames(own)
	if translated == "" && own.lang != prompts.Chinese && own.lang != docs() {
		// Untranslated, a name in another script ("Guangdong") may well be in the documents
		// in theirs: only say a name is absent when it is written as they would write it.
		absent = slices.DeleteFunc(absent, func(n string) bool { return (docs() == prompts.Chinese) != strings.ContainsFunc(n, isCJK) })
	}
	if followUp {
		passages = e.Store.rerankByWords(q, ownWords, passages, k)
	}
	weigh := func(passages []Passage) []sentence {
		sents := e.Store.assess(q, passages, ownWords)
		if len(ownWords) > 0 {
			// An answer to a follow-up must speak to what it adds, in its words or their
			// synonyms ("截止到什么时候" is answered by "截至2021年12月22日"), or of whom it
			// asks ("那GE最后走到哪一步了?" after a stage of the curve: what GE went through).
			sents = slices.DeleteFunc(sents, func(s sentence) bool {
				if slices.ContainsFunc(ownSubjects, func(n string) bool { return strings.Contains(s.folded, n) }) {
					return false
				}
				for w := range ownWords {
					if strings.Contains(s.folded, w) || holdsSynonym(w, s.folded) || strings.Contains(FoldText(s.subject), w) {
						return false
					}
				}
				return true
			})
		}
		return sents
	}
	sents := weigh(passages)
	if len(absent) == 0 && translated == "" && !followUp && (!answered(sents) || sents[0].score < weakAnswer || leadOf(sents[0].text).region != "") {
		// A follow-up searches with its topic's words already. A region's opening sentence
		// scores high on the place and any word of its summary; the plan's heading for what
		// is asked ("建设数字社会。") may be in a chunk that never names the region.
		passages, sents = e.widen(ctx, q, passages, sents, weigh, depth)
	}
	// best is the score of the best sentence that may answer; bestNear of the best that would
	// if it were about what was asked (a near-miss); bestAny of any, for the model's gate.
	var best, bestNear, bestAny, bestFits float64
	if len(sents) > 0 {
		if sents[0].answers() {
			best = sents[0].score
		}
		for _, s := range sents {
			bestAny = max(bestAny, s.score)
			if !s.fits() && !s.figureless {
				bestNear = max(bestNear, s.score)
			}
			if s.fits() {
				bestFits = max(bestFits, s.score)
			}
		}
	}
	if log := e.logger(); log.Enabled(ctx, slog.LevelDebug) {
		log.Debug("assessed question", "query", query, "kind", q.kind, "words", e.Store.wordWeights(q), "places", q.places,
			"years", q.years, "names", q.names, "absent", absent, "passages", len(passages), "best", best, "best_near", bestNear, "best_any", bestAny)
		for _, s := range sents[:min(5, len(sents))] {
			log.Debug("evidence", "score", s.score, "unmet", s.unmet, "figureless", s.figureless, "subject", s.subject, "text", s.text)
		}
	}
	answerable := len(absent) == 0 && best >= answerCoverage
	if answerable && translated == "" && l == prompts.English && docs() == prompts.Chinese && !anchoredAcross(q, sents[0]) {
		// Offline, an English question finds Chinese documents only through the English they
		// quote. Matched on common words ("digital transformation" in an article's title), the
		// best sentence is a guess: the asker is told to ask in Chinese instead.
		answerable = false
	}
	offline := func() *Answer {
		if followUp && asksWhatNext(own) {
			if next := e.whatCameNext(q, passages, prev, l); next != nil {
				return next
			}
		}
		switch {
		case answerable:
			return e.extractive(q, passages, sents, l)
		case len(absent) == 0 && bestNear >= answerCoverage && bestNear > bestFits && (l != prompts.English || docs() != prompts.Chinese):
			// Only when another place's, year's or name's sentence speaks to the question more
			// than any about the one asked: "甘肃要在哪个城市建国家超算中心" is answered by 甘肃's
			// plan without a city, and the documents do not lack 甘肃.
			// An English question over Chinese documents cannot be told apart from a near
			// miss offline: its words are not theirs. It is told to ask in Chinese instead.
			return nearMiss(q, passages, sents, l)
		}
		docsLang := prompts.Chinese
		if l == prompts.English {
			docsLang = docs()
		}
		return abstain(q, passages, sents, absent, l, docsLang)
	}
	// With an LLM the model judges: it is skipped only when a name is absent from the documents
	// or nothing retrieved bears on the question. Strict mode still never lets it answer from
	// general knowledge: its no-answer marker becomes an abstention.
	relevant := len(absent) == 0 && bestAny >= relevantCoverage
	if e.Generator != nil && (relevant || e.AnswerMode == AnswerOpen) {
		modelQuestion := question
		if followUp {
			modelQuestion = query // the model sees no history
		}
		return e.generate(ctx, generation{
			question: modelQuestion, lang: l, passages: e.withWhatFollows(q, passages, sents), open: !relevant, onDelta: req.OnDelta,
			fallback: offline,
		})
	}
	return emit(offline()), nil
}

// readAsked reads a question as the index would have it asked: in the mainland's wording where
// the index writes that, with its typos corrected and its names dotted as the index prints them.
func (s *Store) readAsked(question string) question {
	return s.dotNames(s.correctCJKTypos(s.correctLatinTypos(readQuestion(s.mainlandWording(question)))))
}

// entityListDepth is how many times k passages a question asking which provinces, companies or
// products searches for.
const entityListDepth = 4

// anchoredAcross reports whether an English question's match with a sentence of Chinese
// documents holds on what a translation would keep as written: one of the question's names
// (GE, FDA, Predix), or, for a definition question, the whole term defined ("数字疗法(Digital
// Therapeutics,DTx)").
func anchoredAcross(q question, s sentence) bool {
	for _, n := range q.names {
		if strings.Contains(s.folded, n) {
			return true
		}
	}
	d := q.definiendum()
	return q.kind == kindDefinition && d != "" && strings.Contains(s.folded, d)
}

// withWhatFollows adds to the passages for the model the chunk after the one that holds the best
// sentence, when that sentence ends its chunk and is a heading ("加快推动治理数字化。") or the
// question asks how, why or which: what it heads, or what explains it, is in the next chunk,
// which the search may not have found. The extractive answer reads on the same way (following).
func (e *Engine) withWhatFollows(q question, passages []Passage, sents []sentence) []Passage {
	if len(sents) == 0 {
		return passages
	}
	// What explains, lists or gives the steps of the best sentence follows it, as a heading's
	// content does.
	readsOn := q.kind == kindMethod || q.kind == kindReason || q.kind == kindList
	if !readsOn && utf8.RuneCountInString(sents[0].text) >= minStatementRunes {
		return passages
	}
	p := passages[sents[0].passage]
	if strings.TrimSpace(string([]rune(p.Chunk.Text)[sents[0].end:])) != "" {
		return passages
	}
	next, ok := e.Store.nextChunk(p)
	if !ok || slices.ContainsFunc(passages, func(q Passage) bool { return q.ChunkID == next.ChunkID }) {
		return passages
	}
	return append(slices.Clip(passages), next)
}

// elliptical reports whether a question with no follow-up marker still leans on the last turn:
// it names no place, year or name of its own, is short, and either opens as a continuation
// ("具体包括哪些5G应用示范?" after an answer about 5G pilots) or uses only words of the last
// turn and positions ("第三个阶段是什么?" after the stages). A short question with words of its
// own ("数字疗法是什么?") stands alone.
func elliptical(question string, history []Turn) bool {
	if len(history) == 0 {
		return false
	}
	q := readQuestion(question)
	if len(q.places)+len(q.years)+len(q.names) > 0 || utf8.RuneCountInString(question) > 24 {
		return false
	}
	if !slices.ContainsFunc(q.words, q.substantive) {
		// "后来怎么样了?", "为什么呢?": only how it asks, so about the last turn; "有什么目标?"
		// names only the kind of answer, and "花了多长时间?" only a verb, without a subject.
		return true
	}
	if !slices.ContainsFunc(q.words, func(w string) bool { return q.substantive(w) && !isVerb(w) }) {
		// "截止到什么时候?", "最后并到哪了?": a verb and no subject, so the last turn's.
		return true
	}
	last := history[len(history)-1]
	prev := FoldText(last.Question + " " + last.Answer)
	shared := 0
	for _, w := range q.words {
		// A position counts as the last turn's: "第三个阶段是什么?" after the stages.
		if strings.Contains(prev, w) || isOrdinal(w) {
			shared++
		}
	}
	if shared == len(q.words) {
		return true
	}
	for _, opener := range continuationOpeners {
		if strings.HasPrefix(q.folded, opener) {
			return shared > 0 || len(q.words) <= 2 // "具体有哪些措施?" after a province's plan
		}
	}
	// "为什么会这样?", "这是怎么回事?": a question that points back and asks little else.
	return len(q.words) <= 1 && containsAny(q.folded, pointingBack)
}

// isVerb reports whether the dictionary knows w only as a verb, not as one that names a thing
// (发展, 管理: vn).
func isVerb(w string) bool {
	v, ok := zh.Lookup(w)
	return ok && (v.Tag == "v" || v.Tag == "vd" || v.Tag == "vi")
}

// isVerbal reports whether the dictionary gives w any verb's tag, a verbal noun's (建设)
// included: what a plan does rather than a thing it names.
func isVerbal(w string) bool {
	v, ok := zh.Lookup(w)
	return ok && strings.HasPrefix(v.Tag, "v")
}

// continuationOpeners begin questions that continue the last answer.
var continuationOpeners = []string{"具体", "其中", "分别", "主要", "都", "还", "又", "另外", "其他", "其余", "除此之外", "除了", "详细", "更多",
	"后来", "然后", "接着", "之后", "再后来", "specifically", "more ", "then ", "after that"}

// pointingBack are words that refer to what was just said.
var pointingBack = []string{"这样", "这么", "如此", "这种情况", "这是"}

// lastTopic is the standalone question the conversation is about.
func lastTopic(history []Turn) string {
	last := history[len(history)-1]
	if last.Topic != "" {
		return last.Topic
	}
	return last.Question
}

// retrieve searches the question's content words, and a definition question as asked
// ("什么是X" finds "X是…"). Since issue 10 the lexical search weighs question words down itself
// (lexquery.go), so searching the question as asked finds "Somryst是干什么的" too; the content
// words still answered one more CMRC 2018 question (0.76 against 0.75, `eval --answers` on the
// near-miss set) and cost nothing. Searching both and merging them, as the first round did,
// cost 0.3 ms and changed no answer.
func (e *Engine) retrieve(ctx context.Context, query string, q question, k int) ([]Passage, error) {
	if len(q.words) == 0 {
		return e.Retriever.Retrieve(ctx, query, k)
	}
	if q.kind == kindDefinition {
		return e.retrieveDefinition(ctx, query, q, k)
	}
	return e.Retriever.Retrieve(ctx, strings.Join(q.words, " "), k)
}

// retrieveDefinition searches a definition question in a wider net and brings forward the
// passages that define the term ("数字疗法(…)是……"): ranking cannot tell them from the many
// passages that use the term, and with other documents indexed the defining one fell out of
// the first k.
func (e *Engine) retrieveDefinition(ctx context.Context, query string, q question, k int) ([]Passage, error) {
	passages, err := e.Retriever.Retrieve(ctx, query, definitionDepth*k)
	term := q.definiendum()
	if err != nil || term == "" {
		return passages[:min(k, len(passages))], err
	}
	defining := func(p Passage) bool {
		runes := []rune(p.Chunk.Text)
		for _, sp := range evidenceSpans(runes) {
			if defines(FoldText(string(runes[sp.Start:sp.End])), term) {
				return true
			}
		}
		return false
	}
	var first, rest []Passage
	for _, p := range passages {
		if defining(p) {
			first = append(first, p)
		} else {
			rest = append(rest, p)
		}
	}
	out := append(first, rest...)
	return out[:min(k, len(out))], nil
}

// answered reports whether the best of sents answers the question.
func answered(sents []sentence) bool {
	return len(sents) > 0 && sents[0].answers() && sents[0].score >= answerCoverage
}

// widen searches again more widely when nothing answers q or only weakly, and keeps what that
// finds only if it answers better: searching so on every question, and ranking by the wider
// search, cost answers the first search had found. It searches the synonyms of the words the
// best sentence lacks ("公司" finds the passage that says 企业) and, for a question about a place,
// its other words among the passages about the place: a province's plan names it in its first
// sentence only, so the chunk that answers "江西要打造什么产业基地" may not say 江西. Half as many
// passages each as the first search (what they add is near their top), and only the new ones are
// weighed: weigh is how the caller weighs passages.
func (e *Engine) widen(ctx context.Context, q question, passages []Passage, sents []sentence, weigh func([]Passage) []sentence, k int) ([]Passage, []sentence) {
	best := ""
	if len(sents) > 0 {
		best = sents[0].folded
	}
	more := append(e.searchSynonyms(ctx, q, best, (k+1)/2), e.searchAboutPlaces(ctx, q, (k+1)/2)...)
	var added []Passage
	for _, p := range more {
		if !slices.ContainsFunc(passages, func(x Passage) bool { return x.ChunkID == p.ChunkID }) &&
			!slices.ContainsFunc(added, func(x Passage) bool { return x.ChunkID == p.ChunkID }) {
			added = append(added, p)
		}
	}
	s := weigh(added)
	if !answered(s) || (answered(sents) && s[0].score <= sents[0].score) {
		return passages, sents
	}
	for i := range s {
		s[i].passage += len(passages)
	}
	sents = append(sents, s...)
	slices.SortStableFunc(sents, bySentenceRank)
	return append(slices.Clip(passages), added...), sents
}

// searchSynonyms searches q's content words with the synonyms (synonyms.go) of those the best
// sentence so far lacks, or returns nothing when none of them has any.
func (e *Engine) searchSynonyms(ctx context.Context, q question, best string, k int) []Passage {
	words := slices.Clone(q.words)
	for _, w := range q.words {
		if !strings.Contains(best, w) {
			words = append(words, synonyms[w]...)
		}
	}
	if len(words) == len(q.words) {
		return nil
	}
	more, err := e.Retriever.Retrieve(ctx, strings.Join(words, " "), k)
	if err != nil {
		e.logger().Warn("synonym search failed", "err", err)
		return nil
	}
	return more
}

// searchAboutPlaces searches q's content words other than its places, and keeps the passages
// about every one of them (by their text or their subject, subject.go); nothing when q names
// no place or has no other word.
func (e *Engine) searchAboutPlaces(ctx context.Context, q question, k int) []Passage {
	if len(q.places) == 0 {
		return nil
	}
	words := slices.DeleteFunc(slices.Clone(q.words), q.constrains)
	if len(words) == 0 {
		return nil
	}
	found, err := e.Retriever.Retrieve(ctx, strings.Join(words, " "), placeDepth*k)
	if err != nil {
		e.logger().Warn("place search failed", "err", err)
		return nil
	}
	return e.Store.aboutPlaces(found, q.places, k)
}

// placeDepth is how many times k passages searchAboutPlaces reads to find k about the place.
const placeDepth = 5

// weakAnswer: an answer scoring below it is checked against a wider search (widen). 0.7 and
// 0.8 measured alike until a sentence's subject counted as stating its place in full: that
// raised the scores of sentences the wider search must still be able to beat.
const weakAnswer = 0.8

// definitionDepth is how many times k passages a definition question searches.
const definitionDepth = 3

// swapSubject is the topic a follow-up leaves for the next one: the topic with its place, year,
// name, quoted term or ordinal replaced by the one the follow-up asked about ("广东省的规划是什么?"
// + "那四川呢?" → "四川省的规划是什么?"), so that "具体有哪些措施?" then asks about 四川. A
// follow-up that swaps nothing, or more than one of a kind, leaves the topic as it was.
func swapSubject(topic string, own question) string {
	t := readQuestion(topic)
	out := t.folded
	swap := func(from, to []string) {
		if len(from) == 1 && len(to) == 1 && from[0] != to[0] && strings.Contains(out, from[0]) {
			out = strings.ReplaceAll(out, from[0], to[0])
		}
	}
	swap(t.places, own.places)
	swap(t.years, own.years)
	swap(t.names, own.names)
	// The term and ordinal swaps of continueTopic, for the follow-up after this one.
	if ord := ordinals(own.words); len(ord) == 1 {
		swap(ordinals(t.words), ord)
	} else if term, lead := quotedTerm(t.folded), followUpLead(own.folded); term != "" && lead != "" {
		swap([]string{term}, []string{lead})
	}
	if out == t.folded {
		return topic
	}
	return out
}

// continueTopic is the question a follow-up asks: the topic's, with the follow-up's own words
// added and its places, years and names replacing the topic's of the same kind ("那四川呢?"
// after a question about 广东 asks about 四川).
func continueTopic(topic, own question) question {
	q := own
	q.text = topic.text + " " + own.text
	q.folded = topic.folded + " " + own.folded
	q.turn = own.folded
	if own.kind == kindFact && own.figure == wantNoFigure {
		// "那贵州呢?" asks the same kind of question, for the same figure; "它在中国市场多大?"
		// after what 数字疗法 is asks for a figure, not a definition.
		q.kind, q.figure, q.unit = topic.kind, topic.figure, topic.unit
	}
	replaced := map[string]bool{}
	inherit := func(ownList, topicList []string) []string {
		if len(ownList) > 0 {
			for _, t := range topicList {
				// The topic may already name the follow-up's own (a rewritten or combined query).
				replaced[t] = !slices.Contains(ownList, t)
			}
			return ownList
		}
		return topicList
	}
	// Places and names are both what a question is about: "那广东省呢?" after a question about
	// 盛世笔特 asks about Guangdong, not about 盛世笔特 in Guangdong.
	if ownSubjects := slices.Concat(own.places, own.names); len(ownSubjects) > 0 {
		inherit(ownSubjects, slices.Concat(topic.places, topic.names)) // marks the topic's replaced
		q.places, q.names = own.places, own.names
	} else {
		q.places, q.names = topic.places, topic.names
	}
	q.years = inherit(own.years, topic.years)
	// A follow-up that puts its own term in place of the topic's quoted one ("忧伤之谷呢?" after
	// a question about “现实之退”), or its own ordinal in place of the topic's ("那第四个阶段呢?"
	// after 第三阶段), asks the topic's question of it.
	asked := strings.TrimSuffix(topic.folded, own.folded) // the topic as asked, without the follow-up
	lead, ownOrd := followUpLead(own.folded), ordinals(own.words)
	if len(own.places)+len(own.names) == 0 && len(ownOrd) == 0 && len(topic.names) > 0 && lead != "" && !strings.Contains(asked, lead) && !leansOnTopic(lead) {
		// "那灯塔工厂呢?" after "广东打算把哪个地区建成全国集成电路新发展极?" asks about 广东's
		// 灯塔工厂, not about 集成电路: the term takes the place of the topic's name, as a place
		// or a name of its own would.
		for _, n := range topic.names {
			replaced[n] = true
		}
		q.names = nil
	}
	if len(ownOrd) == 1 {
		swapped := false
		for _, w := range ordinals(topic.words) {
			replaced[w] = replaced[w] || w != ownOrd[0]
			swapped = swapped || w != ownOrd[0]
		}
		if t := quotedTerm(asked); swapped && t != "" {
			// "那第二个阶段呢?" after "……第四个阶段“理想的数智化组织管理”具体指什么": the quoted
			// term named the fourth item; the words it shares with the rest of the topic
			// (组织, 数智化) still name the list.
			rest := strings.Replace(asked, t, " ", 1)
			for _, w := range topic.words {
				if strings.Contains(t, w) && !strings.Contains(rest, w) {
					replaced[w] = true
				}
			}
		}
	} else if t := quotedTerm(asked); t != "" && lead != "" && !strings.Contains(asked, lead) {
		for _, w := range topic.words {
			if strings.Contains(t, w) && !strings.Contains(lead, w) {
				replaced[w] = true
			}
		}
	} else if lead != "" && !strings.Contains(asked, lead) {
		// "那传统产业呢?" after a question about "云计算、大数据……这些新兴产业": the follow-up's
		// term takes the place of the topic's of the same kind (产业), and of the examples
		// that listed it.
		for _, w := range topic.words {
			// The topic's term is one word (新兴产业) or its modifier is (新兴/产业).
			term := w
			if head, ok := termHead2(lead); ok && !strings.HasSuffix(w, head) && strings.Contains(asked, w+head) {
				term = w + head
			}
			if term != lead && sameHead(term, lead) {
				replaced[w] = true
				for _, x := range listedWords(topic.words, listedBefore(asked, term)) {
					replaced[x] = true
				}
			}
		}
	}
	seen := map[string]bool{}
	q.words = nil
	q.framing = topic.framing
	if len(ownOrd) == 1 {
		// "那第五个呢?" asks for an item of the topic's list, which writes it "五是……", "05、":
		// the ordinal says which one, and weighs as a frame does.
		q.framing = maps.Clone(topic.framing)
		if q.framing == nil {
			q.framing = map[string]bool{}
		}
		q.framing[ownOrd[0]] = true
	}
	for _, w := range append(slices.Clone(own.words), topic.words...) {
		if p, ok := placeName(w); ok && replaced[p] {
			continue
		}
		if own.framing[w] && !isOrdinal(w) && !strings.Contains(asked, w) {
			continue // "主要任务是什么?": the kind of answer, of the topic's question; 第三 is which one
		}
		if seen[w] || replaced[w] {
			continue
		}
		seen[w] = true
		q.words = append(q.words, w)
	}
	return q
}

// sameHead reports whether two CJK terms of three characters or more end in the same two ("新兴
// 产业", "传统产业"): the same kind of thing, told apart by what comes before.
func sameHead(a, b string) bool {
	ha, okA := termHead2(a)
	hb, okB := termHead2(b)
	return okA && okB && ha == hb
}

// termHead2 returns the last two characters of a CJK term of three or more: its head.
func termHead2(term string) (string, bool) {
	r := []rune(term)
	if len(r) < 3 || !allCJK(term) {
		return "", false
	}
	return string(r[len(r)-2:]), true
}

// listedBefore returns the items of an enumeration that stands right before term in folded
// ("发展云计算、大数据、物联网、人工智能这些新兴产业": 发展云计算, 大数据, …, 人工智能), or nothing
// when no enumeration does.
func listedBefore(folded, term string) []string {
	before, _, ok := strings.Cut(folded, term)
	if !ok {
		return nil
	}
	for _, pointer := range []string{"这些", "这几个", "等等", "等"} {
		before = strings.TrimSuffix(before, pointer)
	}
	if i := strings.LastIndexAny(before, ",;:?"); i >= 0 {
		before = before[i+1:]
	}
	items := strings.Split(before, "、")
	if len(items) < 2 {
		return nil
	}
	return items
}

// listedWords returns the words that items of an enumeration hold; the first item is glued to
// the words before it ("发展云计算"), so only a word it ends with counts.
func listedWords(words, items []string) []string {
	var out []string
	for _, x := range words {
		for i, item := range items {
			if (i == 0 && strings.HasSuffix(item, x)) || (i > 0 && strings.Contains(item, x)) {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// leansOnTopic reports whether a follow-up's lead speaks of the topic's subject: it points back
// ("它的市场规模呢?", followUpWords) or names an aspect of it ("那网络安全方面呢?").
func leansOnTopic(lead string) bool {
	for a := range aspectNouns {
		if strings.HasSuffix(lead, a) {
			return true
		}
	}
	return containsAny(lead, followUpWords) || isDemonstrative(lead)
}

// followUpLead is what an elliptical follow-up names before its 呢 ("忧伤之谷" in "忧伤之谷呢,又该
// 咋办?"), or "" when it names nothing there.
func followUpLead(folded string) string {
	lead, _, ok := strings.Cut(strings.TrimPrefix(folded, "那"), "呢")
	if !ok || utf8.RuneCountInString(lead) < 2 || !allCJK(lead) || isQuestionWord(lead) || scaffoldWords[lead] {
		return ""
	}
	return lead
}

// rerankByWords reorders passages by how much of q's weighted words each holds, keeping the
// retrieval order among equals, and keeps the first k.
func (s *Store) rerankByWords(q question, own map[string]bool, passages []Passage, k int) []Passage {
	s.mu.RLock()
	words := s.weighWords(q, own)
	cov := make(map[string]float64, len(passages))
	about := make(map[string]bool, len(passages)) // the chunk is about every place q asks of
	for _, p := range passages {
		folded := FoldText(p.Chunk.Text)
		for _, w := range words {
			cov[p.ChunkID] += w.weight * matchWord(w, folded)
		}
		// A chunk that names none of the places asked, nor carries on a plan of one ("以工业
		// 互联网为重点……" under 云南省), cannot answer a question about it, however many of
		// the topic's words it holds: the chunks that can come first.
		subject := ""
		if len(q.places) > 0 {
			subject = FoldText(s.subjectBefore(p).region)
		}
		about[p.ChunkID] = all(q.places, func(place string) bool {
			return mentionsPlace(folded, place) || (subject != "" && strings.HasPrefix(subject, place))
		})
	}
	s.mu.RUnlock()
	slices.SortStableFunc(passages, func(a, b Passage) int {
		if aa, ab := about[a.ChunkID], about[b.ChunkID]; aa != ab {
			if aa {
				return -1
			}
			return 1
		}
		switch ca, cb := cov[a.ChunkID], cov[b.ChunkID]; {
		case ca > cb:
			return -1
		case ca < cb:
			return 1
		}
		return 0
	})
	return passages[:min(k, len(passages))]
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
