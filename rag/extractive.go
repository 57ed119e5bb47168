package rag

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
)

// This file writes extractive answers: quotes from the documents, each with its [n], shaped by
// what the question asks for (a fact, a list, reasons, a method, a definition), and the
// abstentions and near-miss answers when the documents do not answer the question as asked.

// Extractive answer limits: enough for a fact and its context, short enough to read in a chat.
const (
	maxAnswerSentences = 3
	maxAnswerRunes     = 400
	maxRelated         = 3
	maxQuoteRunes      = 160
	// keepRatio admits further sentences to a factual answer scoring at least this share of
	// the best one: only near-equals, so no unrelated sentence is appended.
	keepRatio = 0.9
	// maxListItems bounds a list gathered across passages.
	maxListItems = 6
	// listRatio admits list items scoring at least this share of the best.
	listRatio = 0.7
	// maxFollowing is how many sentences after the topic sentence a why or how answer quotes.
	maxFollowing = 5
	// maxExplainRunes bounds a why or how answer: reasons take more room than a fact.
	maxExplainRunes = 500
	// minFollowShare is the least share of the question's asked-about weight a sentence after
	// the answer must hold to be quoted with it, unless it carries on from it (carriesOn).
	// 0.1, 0.2 and 0.3 measured alike on every set.
	minFollowShare = 0.2
)

// extractive answers q from the evidence: sents[0] fits the question and scores at least
// answerCoverage.
func (e *Engine) extractive(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	if q.figure == wantNoFigure && utf8.RuneCountInString(sents[0].text) < maxHeadlineRunes && leadOf(sents[0].text).region != "" {
		// "广东省“十四五”期间,推进数字产业化发展。" heads the province's plan: what the plan
		// does is in the sentences after it.
		return e.explain(q, passages, sents, lang)
	}
	if a := e.nthItem(q, passages, sents, lang); a != nil {
		return a
	}
	if q.kind == kindDefinition {
		return e.definition(q, passages, sents, lang)
	}
	if utf8.RuneCountInString(sents[0].text) < minStatementRunes {
		return e.explain(q, passages, sents, lang)
	}
	switch q.kind {
	case kindReason, kindMethod:
		return e.explain(q, passages, sents, lang)
	case kindList:
		return e.list(q, passages, sents, lang)
	}
	return fact(q, passages, sents, lang)
}

// nthItem answers a question for one item of a list by its position ("企业组织运营数智化的第二个
// 阶段是什么"): the item of that number in the list that the best sentence, or the one right
// after it, announces ("上述数据转型四个阶段必须配合企业组织运营的数智化。也可以分为四个阶段,……
// 其次是数据融合和组织变革配合,……"). Nil when the question names no position or no such
// list holds that many items.
func (e *Engine) nthItem(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	ords := ordinals(q.words)
	if len(ords) != 1 || q.kind == kindReason || q.kind == kindMethod {
		return nil
	}
	n := ordinalNumber(ords[0])
	if n < 1 || n > maxEnumerationItems {
		return nil
	}
	leads := []sentence{sents[0]}
	if _, after := e.following(passages, sents[0], false); len(after) > 0 {
		leads = append(leads, after[0])
	}
	// Or another sentence found that announces a list of what is asked ("四类难点" for "第二类
	// 难点"): the "第二" of "第二总部" is no position in a list.
	if noun := countedNoun(q.words, ords[0]); noun != "" {
		for _, s := range sents[1:min(len(sents), maxListLeads)] {
			if s.fits() && strings.Contains(s.folded, noun) {
				leads = append(leads, s)
			}
		}
	}
	for _, lead := range leads {
		if count := announcedCount(lead.text); count < n || pointsBack(lead.folded) {
			continue // "上述……四个阶段" counts a list already given
		}
		ps, items := e.enumeration(passages, lead)
		if len(items) < n {
			continue
		}
		picked := []sentence{items[n-1]}
		if q.kind == kindList {
			// "其中第一类具体包括哪两个方面?": what the item holds is told after it, up to the
			// next item ("技术问题主要包括两个方面,一是……二是……").
			var after []sentence
			ps, after = e.following(ps, items[n-1], false)
			picked = append(picked, readOn(after, maxFollowing, utf8.RuneCountInString(items[n-1].text), true, func(sentence) bool { return true })...)
		}
		return quoted(q, ps, picked, lang)
	}
	return nil
}

// maxListLeads is how many of the best sentences nthItem reads for the one announcing the list.
const maxListLeads = 3

// countedNoun is the noun after ord among words, past a measure word: 难点 in 第二/类/难点.
func countedNoun(words []string, ord string) string {
	i := slices.Index(words, ord)
	if i < 0 {
		return ""
	}
	for _, w := range words[i+1:] {
		if utf8.RuneCountInString(w) >= 2 {
			return w
		}
	}
	return ""
}

// ordinalNumber is the number an ordinal gives (第二 → 2, 第3 → 3), 0 when it is none this
// reads.
func ordinalNumber(ord string) int {
	rest := strings.TrimPrefix(ord, "第")
	if n, err := strconv.Atoi(rest); err == nil {
		return n
	}
	if i := slices.Index(ordinalDigits, rest); i >= 0 {
		return i + 1
	}
	return 0
}

// fact quotes the best sentence and any near-equal ones, in document order.
func fact(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	var picked []sentence
	runes := 0
	seen := map[string]bool{}
	for _, s := range sents {
		if len(picked) == maxAnswerSentences || !s.answers() || s.score < keepRatio*sents[0].score {
			break
		}
		if len(picked) > 0 && s.direct < keepRatio*sents[0].direct {
			continue // it scores on its context: the best sentence already says it
		}
		n := utf8.RuneCountInString(s.text)
		if seen[s.folded] || (len(picked) > 0 && runes+n > maxAnswerRunes) {
			continue
		}
		seen[s.folded] = true
		picked = append(picked, s)
		runes += n
	}
	sortByPosition(passages, picked)
	if pointsBack(picked[0].folded) {
		// "这也是企业要面对的第一关": what 这 stands for is the sentence before.
		if prev, ok := previousSentence(passages, picked[0]); ok && !seen[prev.folded] {
			picked = append([]sentence{prev}, picked...)
		}
	}
	return quoted(q, passages, picked, lang)
}

// pointsBack reports whether a sentence opens with a word that stands for what was said before
// it ("这也是……", "此举……", "上述……"), so that it says little without that sentence.
func pointsBack(folded string) bool {
	s := strings.TrimLeftFunc(folded, func(r rune) bool { return !isCJK(r) && !unicode.IsLetter(r) })
	if strings.HasPrefix(s, "此外") || strings.HasPrefix(s, "这里") {
		return false // "此外" adds something new; "这里" points at a place
	}
	return strings.HasPrefix(s, "这") || strings.HasPrefix(s, "此") || strings.HasPrefix(s, "上述") || strings.HasPrefix(s, "以上")
}

// namesAskedBack reports whether folded refers to what is asked by pointing back ("数字疗法在
// 应对这些病症时有着显著的效果" for "哪些病症"): the sentence before names them.
func namesAskedBack(folded string, words []string) bool {
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 2 && containsAny(folded, []string{"这些" + w, "这类" + w, "上述" + w, "以上" + w}) {
			return true
		}
	}
	return false
}

// maxHeadlineRunes: a region's opening sentence shorter than this is the headline of its plan.
const maxHeadlineRunes = 40

// minStatementRunes: a picked sentence shorter than this is a heading or a label ("预防类:数字疫苗。")
// whose statement follows it.
const minStatementRunes = 16

// definitionCues follow the defined term in a defining sentence.
var definitionCues = []string{"就是", "是指", "指的是", "指", "界定为", "定义为", "被定义为", "是一种", "是一类", "是一个", "是", "即",
	"这主要是", "这是", "也就是", // "其次是数据资产化,这主要是……": 这 stands for the term
	" is ", " are ", " refers to", " means "}

// definition prefers, among the strong sentences, one that defines the term asked about: the
// term, perhaps a bracketed gloss, then 是/指/界定为… ("数字疗法(Digital Therapeutics,DTx)是……").
func (e *Engine) definition(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	term := q.definiendum()
	// A term the asker quotes ("“在线应用”阶段是什么意思") is what must be defined: the sentence
	// that defines it may share little else with the question.
	least := listRatio * sents[0].score
	if quotedTerm(q.folded) != "" {
		least = min(least, quotedDefinitionScore)
	}
	for _, s := range sents {
		if !s.fits() || s.score < least {
			break
		}
		if term != "" && defines(s.folded, term) {
			return quoted(q, passages, []sentence{s}, lang)
		}
	}
	if lead, def, ok := labelled(passages, term); ok {
		if utf8.RuneCountInString(lead.text) > maxLabelRunes {
			// The label is glued to a caption: the term, not the caption, heads the quote.
			def.subject = q.asWritten(term)
			return quoted(q, passages, []sentence{def}, lang)
		}
		return quoted(q, passages, []sentence{lead, def}, lang)
	}
	if utf8.RuneCountInString(sents[0].text) < minStatementRunes {
		return e.explain(q, passages, sents, lang) // a label ("治疗类:数字药品。"): what follows says what it is
	}
	return fact(q, passages, sents, lang)
}

// quotedDefinitionScore is the least score of a sentence that defines a quoted term to be
// quoted for it.
const quotedDefinitionScore = 0.3

// namingCues come before the term in a sentence that names something with it ("我们把数字技术、
// 模式创新、长期主义定义为数字化转型三要素", "……被称为数字药").
var namingCues = []string{"定义为", "称为", "称之为", "叫做", "叫作", "统称为"}

// termHead returns what a term of the form A的B names, B, when it is a word of two characters
// or more, else "": "数字化转型的变革难点" is defined as 变革难点, in a passage about the rest.
func termHead(term string) string {
	_, head, ok := strings.Cut(term, "的")
	if !ok || utf8.RuneCountInString(head) < 2 {
		return ""
	}
	return head
}

// defines reports whether sentence defines term.
func defines(sentence, term string) bool {
	if head := termHead(term); head != "" && !strings.Contains(sentence, term) {
		term = head
	}
	if opensSection(sentence) {
		// A scraped heading glued to what it heads: "01、希望之巅企业对数字化转型充满期待……".
		_, rest, _ := strings.Cut(sentence, "、")
		if d, ok := strings.CutPrefix(strings.TrimSpace(rest), term); ok && utf8.RuneCountInString(d) >= minStatementRunes {
			return true
		}
	}
	for off := 0; ; {
		i := strings.Index(sentence[off:], term)
		if i < 0 {
			return false
		}
		i += off
		if before := sentence[:i]; slices.ContainsFunc(namingCues, func(c string) bool {
			// "分别称为数字疫苗、数字药、……" names a list's items, defining none of them.
			return strings.HasSuffix(before, c) && !strings.HasSuffix(before, "分别"+c)
		}) {
			return true
		}
		off = i + len(term)
		rest := strings.TrimSpace(sentence[off:])
		for _, pair := range [][2]string{{"(", ")"}, {"（", "）"}} {
			if strings.HasPrefix(rest, pair[0]) {
				if j := strings.Index(rest, pair[1]); j > 0 {
					rest = strings.TrimSpace(rest[j+len(pair[1]):])
				}
			}
		}
		if strings.HasPrefix(rest, ")") || strings.HasPrefix(rest, "）") {
			// The term as a bracketed gloss: "数字疗法(digital therapeutics,dtx)是……"
			rest = strings.TrimLeft(rest, ")）")
		}
		rest = strings.TrimLeft(rest, ",，:： ")
		for _, cue := range definitionCues {
			if strings.HasPrefix(rest, strings.TrimSpace(cue)) {
				return true
			}
		}
	}
}

// explain answers why and how: the topic sentence, then the sentences after it that give the
// reasons or steps ("GE数字化转型还谈不上失败,但绝称不上成功" is followed by why).
func (e *Engine) explain(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	kind := q.kind
	if introducesList(sents[0].text) {
		if ps, items := e.enumeration(passages, sents[0]); len(items) > 0 {
			return itemized(q, ps, sents[0], items, lang)
		}
	}
	picked := []sentence{sents[0]}
	runes := utf8.RuneCountInString(sents[0].text)
	// A why-answer that only says again what is asked ("……能熬过去数字化变革难点的企业……也是
	// 少之又少") closes the point its reason was made in: the sentence before gives it.
	restated := kind == kindReason && !answersKind(kindReason, sents[0].folded) &&
		heldShare(e.Store.askedWeights(q), sents[0].folded) >= restatedShare
	explainedBefore := false
	if (kind == kindReason && (statesConsequence(sents[0].folded) || restated)) || pointsBack(sents[0].folded) || namesAskedBack(sents[0].folded, q.words) {
		// "战略短视最终导致……收缩": the cause is often told in the sentence before, and what
		// "这也是……" stands for always is.
		if prev, ok := previousSentence(passages, sents[0]); ok {
			picked = []sentence{prev, sents[0]}
			runes += utf8.RuneCountInString(prev.text)
			// With a name to hold to, a reason said elsewhere is still sought: "至此,GE数字化
			// 转型还谈不上失败" follows GE's story, and its reason comes later.
			explainedBefore = restated && len(q.names) == 0
		}
	}
	// A why-answer still wants a reason when nothing picked gives one and the sentence before
	// did not explain it.
	wantsReason := func() bool {
		return kind == kindReason && !explainedBefore && !slices.ContainsFunc(picked, func(s sentence) bool { return answersKind(kindReason, s.folded) })
	}
	seen := map[string]bool{sents[0].folded: true}
	// A statement that answers is followed by what explains it, or by what the text says next
	// about something else ("【新疆】提高网络安全防护能力……。据全球多家研究机构数据,……"): a
	// sentence after it is quoted only while it carries on (a connective, a pointer back) or
	// holds enough of what is asked. A region's opening sentence, a label or a sentence that
	// introduces a list is followed by what it heads.
	onTopic := func(sentence) bool { return true }
	if kind != kindReason && utf8.RuneCountInString(sents[0].text) >= minStatementRunes && leadOf(sents[0].text).region == "" && !introducesList(sents[0].text) {
		words := e.Store.askedWeights(q)
		onTopic = func(s sentence) bool { return carriesOn(s.folded) || heldShare(words, s.folded) >= minFollowShare }
	}
	passages, after := e.following(passages, sents[0], false)
	// A topic sentence followed by a list's first item ("……弯道超车成为必然。一是……") heads
	// the list: its later items are its reasons too. An item's own explanation stops at the next.
	heads := len(after) > 0 && opensItem(after[0].text, 0)
	picked = append(picked, readOn(after, maxFollowing, runes, !heads, func(s sentence) bool {
		if seen[s.folded] || !onTopic(s) {
			return false // the document says it twice, or speaks of something else
		}
		seen[s.folded] = true
		return true
	})...)
	if wantsReason() {
		// "至此,GE数字化转型还谈不上失败,但绝称不上成功。" restates what is asked, and nothing
		// after it gives a reason: the best sentence that does ("由于GE领导层变更……等原因") is
		// quoted too.
		for _, s := range sents[1:] {
			if s.answers() && s.score >= reasonRatio*sents[0].score && !seen[s.folded] && answersKind(kindReason, s.folded) {
				if prev, ok := previousSentence(passages, s); ok && statesConsequence(s.folded) && !seen[prev.folded] {
					picked = append(picked, prev) // "……偏重短期盈利。战略短视最终导致……"
				}
				picked = append(picked, s)
				break
			}
		}
	}
	if wantsReason() {
		// Nor did the search find one: the text may give it further on, past a question of its
		// own ("……到底难在哪里呢?"), as it does for GE ("战略短视最终导致GE Digital业务乏力收缩").
		var reason []sentence
		passages, reason = e.reasonFurtherOn(q, passages, sents[0], seen)
		picked = append(picked, reason...)
	}
	return quoted(q, passages, picked, lang)
}

// reasonFurtherOn returns the first sentence among the maxReasonLookahead after s (through the
// text's own questions and into the next chunk) that gives a reason and names every name q
// asks about, with the sentence before it when it states a consequence of that one; nothing
// when there is none. The passages come back with the next chunk added when it was read.
func (e *Engine) reasonFurtherOn(q question, passages []Passage, s sentence, seen map[string]bool) ([]Passage, []sentence) {
	if len(q.names) == 0 {
		return passages, nil // without a name to hold to, a reason further on may be anyone's
	}
	more, after := e.following(passages, s, true)
	for i, r := range after[:min(maxReasonLookahead, len(after))] {
		if seen[r.folded] || !answersKind(kindReason, r.folded) || !all(q.names, func(n string) bool { return strings.Contains(r.folded, n) }) {
			continue
		}
		if i > 0 && statesConsequence(r.folded) && !seen[after[i-1].folded] {
			return more, []sentence{after[i-1], r}
		}
		return more, []sentence{r}
	}
	return passages, nil
}

// maxReasonLookahead is how many sentences after a topic sentence reasonFurtherOn reads.
const maxReasonLookahead = 8

// readOn returns, of the sentences after an answer's, those keep takes, reading at most limit
// of them and stopping where another topic starts ("3、……", another region's "……省“十四五”期间",
// with items the next point of a list, "二是……") or where they would pass maxExplainRunes with
// the used runes already quoted.
func readOn(after []sentence, limit, used int, items bool, keep func(sentence) bool) []sentence {
	var out []sentence
	for i, s := range after {
		n := utf8.RuneCountInString(s.text)
		if i >= limit || used+n > maxExplainRunes || opensSection(s.text) || (items && opensNextItem(s.text)) || leadOf(s.text).region != "" {
			break
		}
		if keep(s) {
			out = append(out, s)
			used += n
		}
	}
	return out
}

// continuationCues open a sentence that carries on from the one before.
var continuationCues = []string{"一是", "首先", "其次", "再次", "最后", "第一", "此外", "另外", "同时", "而且", "并且", "因此", "所以", "因而", "从而",
	"这", "此", "其", "该", "它", "由于", "因为", "但", "然而", "不过", "可见", "总之", "综上", "例如", "比如", "如", "即", "也", "还", "更", "即使", "尤其", "特别是", "具体"}

// carriesOn reports whether a folded sentence opens by carrying on from the one before.
func carriesOn(folded string) bool {
	s := strings.TrimLeftFunc(folded, func(r rune) bool { return !isCJK(r) && !unicode.IsLetter(r) })
	for _, c := range continuationCues {
		if strings.HasPrefix(s, c) {
			return true
		}
	}
	return false
}

// heldShare is the share of words' weight a folded sentence holds; 1 when they weigh nothing.
func heldShare(words []weightedWord, folded string) float64 {
	var got, total float64
	for _, w := range words {
		total += w.weight
		got += w.weight * matchWord(w, folded)
	}
	if total == 0 {
		return 1
	}
	return got / total
}

// nextCues ask what happened after what was said: "后来怎么样了?", "然后呢?".
var nextCues = []string{"后来", "然后", "接下来", "之后", "后面", "接着", "再后来"}

// asksWhatNext reports whether a follow-up asks only what came after the last answer.
func asksWhatNext(q question) bool {
	return len(q.words) == 0 && containsAny(q.folded, nextCues)
}

// whatCameNext answers "后来呢?" with the sentences the documents write after the last one the
// previous answer quoted, or returns nil when that answer quoted none of the passages.
func (e *Engine) whatCameNext(q question, passages []Passage, prev string, lang prompts.Lang) *Answer {
	prevFolded := FoldText(prev)
	at := func(s sentence) int { return passages[s.passage].Chunk.Start + s.end } // offset in its document
	last, found := sentence{}, false
	for pi, p := range passages {
		runes := []rune(p.Chunk.Text)
		for _, sp := range evidenceSpans(runes) {
			text := string(runes[sp.Start:sp.End])
			folded := FoldText(text)
			if sp.End-sp.Start < minEvidenceRunes || !strings.Contains(prevFolded, folded) {
				continue
			}
			cand := sentence{passage: pi, start: sp.Start, end: sp.End, text: text, folded: folded}
			if !found || (p.DocID == passages[last.passage].DocID && at(cand) > at(last)) {
				last, found = cand, true
			}
		}
	}
	if !found {
		return nil
	}
	passages, after := e.following(passages, last, false)
	picked := readOn(after, maxNext, 0, false, func(sentence) bool { return true })
	if len(picked) == 0 {
		return nil
	}
	return quoted(q, passages, picked, lang)
}

// maxNext is how many sentences answer "后来呢?".
const maxNext = 3

// reasonRatio: a sentence that gives a reason is quoted beside a better one that gives none when
// it scores at least this share of it.
const reasonRatio = 0.5

// restatedShare is the share of what is asked a why-answer holds when it only says it again.
const restatedShare = 0.8

// list answers "有哪些": a sentence that introduces its items ("有以下几点", "包括……") with the
// sentences after it; otherwise the items gathered across passages, each with its subject
// ("哪些省份提出了建设智慧城市?" is answered province by province).
func (e *Engine) list(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	// Of sentences that score alike, the one that counts what it lists answers a list question:
	// "数字化转型有哪几个阶段" finds "……是第一阶段的重点主题" as well as "……可以分为四个阶段".
	for i, s := range sents[1:] {
		if s.score < sents[0].score || introducesList(sents[0].text) {
			break
		}
		if _, counted := countedItems(s.text); counted && s.fits() {
			sents = append([]sentence{s}, slices.Delete(slices.Clone(sents), i+1, i+2)...)
			break
		}
	}
	lead := sents[0]
	if introducesList(lead.text) {
		return e.explain(q, passages, sents, lang)
	}
	if !q.asksForEntities() {
		return e.explain(q, passages, sents, lang)
	}
	var items []sentence
	seen := map[string]bool{}
	places := q.asksForPlaces()
	for _, s := range sents {
		if len(items) == maxListItems || !s.fits() || s.score < listRatio*lead.score || s.score < answerCoverage {
			break
		}
		if places && s.subject == "" && !namesSubject(s.folded) {
			continue // "哪些省份……" is answered province by province, not by the national overview
		}
		key := s.subject + "|" + passages[s.passage].ChunkID
		if seen[s.folded] || seen[key] {
			continue
		}
		seen[s.folded], seen[key] = true, true
		items = append(items, s)
	}
	if len(items) < 2 {
		return e.explain(q, passages, sents, lang)
	}
	cites := newCitations(passages)
	var b strings.Builder
	for i, s := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- %s[%d]", withSubject(s.subject, quote(cleanQuote(s.text), q.words)), cites.number(s.passage))
	}
	return &Answer{Text: b.String(), Sources: cites.sources}
}

// placeNouns and entityNouns name the things a list question may ask for one by one.
var (
	placeNouns  = []string{"省份", "省", "城市", "地区", "地方", "国家", "provinces", "cities", "countries"}
	entityNouns = append([]string{"企业", "公司", "机构", "部门", "产品", "案例", "companies"}, placeNouns...)
)

// asksForEntities reports whether a list question asks which places, organisations or products
// ("哪些省份…"), whose items stand in different passages, rather than for the items of one list.
func (q question) asksForEntities() bool { return q.asksWhich(entityNouns) }

// asksForPlaces reports whether a list question asks which places ("哪些省份…", "哪几个城市").
func (q question) asksForPlaces() bool { return q.asksWhich(placeNouns) }

// asksWhich reports whether the question asks which of one of nouns: "哪些", "哪几个" or
// "which" right before it.
func (q question) asksWhich(nouns []string) bool {
	for _, cue := range []string{"哪些", "哪几个", "which "} {
		for i := range occurrences(q.folded, cue) {
			rest := q.folded[i+len(cue):]
			if slices.ContainsFunc(nouns, func(n string) bool { return strings.HasPrefix(rest, n) }) {
				return true
			}
		}
	}
	return false
}

// introducesList reports whether a sentence announces items that follow it.
func introducesList(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ":") || strings.HasSuffix(s, "：") {
		return true
	}
	if containsAny(s, []string{"以下", "如下", "几点", "几个方面"}) {
		return true
	}
	_, counted := countedItems(s) // "四类难点", "三个阶段", "五大任务": a count of what follows
	return counted
}

// following returns the sentences after s in its passage, continuing into the document's next
// chunk when s ends its own. When nothing follows s in its chunk, the next chunk is read even if
// the search did not find it ("加快推动治理数字化。" may end a chunk): it is appended to (a copy
// of) passages, returned with the sentences, so that it can be cited. It stops at a question
// the text asks, unless throughAsked, which also reads the next chunk whatever this one holds.
func (e *Engine) following(passages []Passage, s sentence, throughAsked bool) ([]Passage, []sentence) {
	p := passages[s.passage]
	var out []sentence
	asked := false // the text asks a question of its own: what follows it answers that one
	add := func(pi int, text string, from int) {
		runes := []rune(text)
		for _, sp := range evidenceSpans(runes) { // as assess cuts them: "《数字化转型,到底是什么?|……》" is not cut
			if asked || sp.Start < from || sp.End-sp.Start < minEvidenceRunes {
				continue
			}
			t := string(runes[sp.Start:sp.End])
			if isQuestionSentence(t) {
				asked = !throughAsked // "……数字化转型,到底难在哪里呢?" opens the next point
				continue
			}
			if isCaption(t) {
				continue
			}
			out = append(out, sentence{passage: pi, start: sp.Start, end: sp.End, text: t, folded: FoldText(t), subject: s.subject})
		}
	}
	add(s.passage, p.Chunk.Text, s.end)
	if (len(out) >= 2 || asked) && !throughAsked {
		return passages, out
	}
	next, ok := e.Store.nextChunk(p)
	if !ok {
		return passages, out
	}
	// The chunks overlap: start after what this chunk already holds.
	from := 0
	if overlap := p.Chunk.End - next.Chunk.Start; overlap > 0 {
		from = overlap
	}
	pi := slices.IndexFunc(passages, func(q Passage) bool { return q.ChunkID == next.ChunkID })
	if pi < 0 {
		if len(out) > 0 && !throughAsked {
			return passages, out // the search did not find the next chunk: it is about something else
		}
		passages = append(slices.Clip(passages), next) // s ends its chunk: what it announces is in the next
		pi = len(passages) - 1
	}
	add(pi, next.Chunk.Text, from)
	return passages, out
}

// nextChunk returns the passage after p in its document.
func (s *Store) nextChunk(p Passage) (Passage, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	doc := s.docs[p.DocID]
	i := p.Chunk.Index + 1
	if doc == nil || i >= len(doc.Chunks) {
		return Passage{}, false
	}
	return Passage{DocID: doc.ID, Source: doc.Source, Title: doc.Title, URL: doc.URL, ChunkID: ChunkID(doc.ID, i), Chunk: doc.Chunks[i]}, true
}

// quoted writes the picked sentences as the answer, each followed by its [n].
func quoted(q question, passages []Passage, picked []sentence, lang prompts.Lang) *Answer {
	if first := picked[0]; first.quotedBy.End > 0 && !slices.ContainsFunc(picked, func(s sentence) bool {
		return s.passage == first.passage && s.start == first.quotedBy.Start
	}) {
		// Quoted words are quoted with who says them: "方洪波接受采访时说,“……".
		runes := []rune(passages[first.passage].Chunk.Text)
		t := string(runes[first.quotedBy.Start:first.quotedBy.End])
		opener := sentence{passage: first.passage, start: first.quotedBy.Start, end: first.quotedBy.End, text: t, folded: FoldText(t), subject: first.subject}
		picked = append([]sentence{opener}, picked...)
	}
	cites := newCitations(passages)
	var b strings.Builder
	for i, s := range picked {
		if i > 0 && lang == prompts.English {
			b.WriteByte(' ')
		}
		text := cleanQuote(s.text)
		if i == 0 || s.subject != picked[i-1].subject {
			text = withSubject(s.subject, text)
		}
		b.WriteString(quote(text, q.words))
		fmt.Fprintf(&b, "[%d]", cites.number(s.passage))
	}
	return &Answer{Text: b.String(), Sources: cites.sources}
}

// itemized writes a sentence that announces a list, then its items one per line, each with its
// [n].
func itemized(q question, passages []Passage, lead sentence, items []sentence, lang prompts.Lang) *Answer {
	cites := newCitations(passages)
	var b strings.Builder
	fmt.Fprintf(&b, "%s[%d]", withSubject(lead.subject, quote(cleanQuote(lead.text), q.words)), cites.number(lead.passage))
	for _, s := range items {
		fmt.Fprintf(&b, "\n- %s[%d]", quote(cleanQuote(s.text), q.words), cites.number(s.passage))
	}
	return &Answer{Text: b.String(), Sources: cites.sources}
}

// sortByPosition orders sentences as they stand in the documents.
func sortByPosition(passages []Passage, sents []sentence) {
	slices.SortFunc(sents, func(a, b sentence) int {
		pa, pb := passages[a.passage], passages[b.passage]
		if c := strings.Compare(pa.DocID, pb.DocID); c != 0 {
			return c
		}
		if c := pa.Chunk.Start - pb.Chunk.Start; c != 0 {
			return c
		}
		return a.start - b.start
	})
}

// nearMiss answers a question whose content the documents hold for another place, year or name
// than the one asked about: it says so, then quotes what they do give, labelled with whom it
// is about. It is an abstention: the question as asked is not answered.
func nearMiss(q question, passages []Passage, sents []sentence, lang prompts.Lang) *Answer {
	best := slices.IndexFunc(sents, func(s sentence) bool { return !s.fits() && !s.figureless && s.score >= answerCoverage })
	var unmet []string
	for _, u := range sents[best].unmet {
		unmet = append(unmet, q.asWritten(u))
	}
	head, err := prompts.Render(lang, "near_miss", map[string]any{"Terms": unmet})
	if err != nil {
		head = err.Error() // a template bug must show, not hide the answer
	}
	cites := newCitations(passages)
	var lines []string
	seen := map[string]bool{}
	for _, s := range sents[best:] {
		if len(lines) == 2 || s.score < answerCoverage || s.score < keepRatio*sents[best].score {
			break
		}
		if s.fits() || s.figureless || seen[s.folded] {
			continue
		}
		seen[s.folded] = true
		lines = append(lines, fmt.Sprintf("- %s[%d]", withSubject(s.subject, quote(cleanQuote(s.text), q.words)), cites.number(s.passage)))
	}
	intro, _ := prompts.Render(lang, "near_miss_intro", nil)
	return &Answer{Text: head + "\n" + intro + "\n" + strings.Join(lines, "\n"), Abstained: true, Sources: cites.sources}
}

// abstain says the knowledge base does not answer the question, naming the names it never
// mentions, and lists the closest related sentences with citations. An English question over
// Chinese documents is told to ask in Chinese: without a language model wenda matches words,
// and the words are Chinese.
func abstain(q question, passages []Passage, sents []sentence, absent []string, lang prompts.Lang, docs prompts.Lang) *Answer {
	var head string
	var err error
	switch {
	case len(absent) > 0:
		terms := make([]string, len(absent))
		for i, a := range absent {
			terms[i] = q.asWritten(a)
		}
		head, err = prompts.Render(lang, "no_answer_terms", map[string]any{"Terms": terms})
	case lang == prompts.English && docs == prompts.Chinese:
		head, err = prompts.Render(lang, "no_answer_other_language", nil)
	default:
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
		if seen[s.folded] {
			continue
		}
		seen[s.folded] = true
		lines = append(lines, fmt.Sprintf("- %s[%d]", withSubject(s.subject, quote(cleanQuote(s.text), q.words)), cites.number(s.passage)))
	}
	text := head
	if len(lines) > 0 {
		intro, _ := prompts.Render(lang, "related_intro", nil)
		text += "\n" + intro + "\n" + strings.Join(lines, "\n")
	}
	return &Answer{Text: text, Abstained: true, Sources: cites.sources}
}

// docsLang is the language most of the indexed text is written in, judged on a sample of chunks.
func (e *Engine) docsLang() prompts.Lang {
	s := e.Store
	s.mu.RLock()
	defer s.mu.RUnlock()
	key := s.shape()
	s.lang.Lock()
	defer s.lang.Unlock()
	if s.lang.key == key && s.lang.value != "" {
		return s.lang.value
	}
	var b strings.Builder
	for i, n := 0, 0; i < len(s.slots) && n < 64; i += max(1, len(s.slots)/64) {
		if ref := s.slots[i]; ref.doc != nil && ref.chunk < len(ref.doc.Chunks) {
			b.WriteString(ref.doc.Chunks[ref.chunk].Text)
			n++
		}
	}
	s.lang.key, s.lang.value = key, prompts.Detect(b.String())
	return s.lang.value
}

// quote shortens a sentence for display. Cut at its end, a long sentence can lose the clause
// that answers: "宗座华盖(Umbraculum),意大利文称为……, 现代被用作罗马天主…" asked what it stands
// for today. So when the clause holding most of the question's words lies past the cut, the
// quote keeps the sentence's opening clause (what it is about), if short, and reads on from
// that clause. Only words the opening lacks count.
func quote(s string, words []string) string {
	runes := []rune(s)
	if len(runes) <= maxQuoteRunes {
		return s
	}
	folded := []rune(FoldText(s))
	clauses := clauseSpans(folded)
	opening := string(folded[clauses[0].Start:clauses[0].End])
	best, bestHits := clauses[0], 0
	for _, c := range clauses[1:] {
		hits := 0
		for _, w := range words {
			// The opening names what the sentence is about: a later clause that names it
			// again says no more for it.
			if !strings.Contains(opening, w) && strings.Contains(string(folded[c.Start:c.End]), w) {
				hits += utf8.RuneCountInString(w)
			}
		}
		if hits > bestHits {
			best, bestHits = c, hits
		}
	}
	var head string
	if first := clauses[0]; first.End <= maxQuoteRunes/4 {
		head = string(runes[:first.End])
	}
	room := maxQuoteRunes - utf8.RuneCountInString(head)
	if best.End <= maxQuoteRunes || best.End-best.Start > room {
		// The cut keeps the clause, or no cut can: a run of lyrics or a table has no commas.
		return string(runes[:maxQuoteRunes]) + "…"
	}
	from := best.Start
	if len(runes)-from < room {
		// The clause ends the sentence: show what leads to it as well, from a clause start.
		from = max(best.Start-(room-(len(runes)-best.Start)), clauses[0].End)
		for _, c := range clauses {
			if c.Start >= from {
				from = min(c.Start, best.Start)
				break
			}
		}
	}
	to := min(len(runes), from+room)
	out := head + "…" + string(runes[from:to])
	if to < len(runes) {
		out += "…"
	}
	return out
}

// clauseSpans cuts a sentence after each comma, semicolon and colon.
func clauseSpans(runes []rune) []Span {
	var out []Span
	start := 0
	for i, r := range runes {
		if strings.ContainsRune(",，;；:：、", r) && i+1 < len(runes) {
			out = append(out, Span{start, i + 1})
			start = i + 1
		}
	}
	return append(out, Span{start, len(runes)})
}

// cleanQuote takes scraped heading numbers off a sentence: a leading "01"/"02、"/"一、" glued
// to the text, a trailing "03、" that belongs to the next heading, and a short heading glued
// before the sentence that repeats its first words ("数字疗法界定数字疗法(…)是…").
func cleanQuote(s string) string {
	s = joinBrokenLines(s)
	runes := []rune(strings.TrimLeft(strings.TrimSpace(s), "|｜,，、;；》」』】)）"))
	i := 0
	for i < len(runes) && i < 3 && (unicode.IsDigit(runes[i]) || strings.ContainsRune("一二三四五六七八九十", runes[i])) {
		i++
	}
	if i > 0 && i < len(runes) {
		marked := strings.ContainsRune("、.．:：)） ", runes[i])
		// "01规模增" is a heading number glued to text; "四川", "2019年", "3个" are not.
		glued := unicode.IsDigit(runes[0]) && i == 2 && isCJK(runes[i]) && !strings.ContainsRune("年月日号个家项万亿元岁倍", runes[i])
		if marked || glued {
			for i < len(runes) && strings.ContainsRune("、.．:：)） ", runes[i]) {
				i++
			}
			runes = runes[i:]
		}
	}
	j := len(runes)
	for j > 0 && strings.ContainsRune("、.．", runes[j-1]) {
		j--
	}
	k := j
	for k > 0 && unicode.IsDigit(runes[k-1]) && j-k < 2 {
		k--
	}
	if k < j && j-k == 2 && k > 0 && !unicode.IsDigit(runes[k-1]) && j < len(runes) {
		runes = runes[:k]
	}
	// A glued heading: the text after its first 4 to 10 runes starts again with its first two.
	for h := 4; h <= 10 && h+2 <= len(runes); h++ {
		if runes[h] == runes[0] && runes[h+1] == runes[1] && allCJK(string(runes[:h])) {
			runes = runes[h:]
			break
		}
	}
	return string(runes)
}

// joinBrokenLines removes the line breaks a sentence carries from a line broken mid-sentence:
// a space between two Latin letters ("GE Digital"), nothing between Chinese characters.
func joinBrokenLines(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		if r != '\n' {
			b.WriteRune(r)
			continue
		}
		if i > 0 && i+1 < len(runes) && runes[i-1] < 0x80 && runes[i+1] < 0x80 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// consequenceMarkers say that a sentence tells a result of something said before it.
var consequenceMarkers = []string{"导致", "因此", "所以", "因而", "从而", "于是", "最终", "结果"}

func statesConsequence(folded string) bool { return containsAny(folded, consequenceMarkers) }

// previousSentence returns the sentence before s in its chunk, if s is not the first and does
// not open a section.
func previousSentence(passages []Passage, s sentence) (sentence, bool) {
	if opensSection(s.text) {
		return sentence{}, false // "3、国企改革……是必然结果" owes nothing to the last point of section 2
	}
	runes := []rune(passages[s.passage].Chunk.Text)
	var prev Span
	found := false
	for _, sp := range evidenceSpans(runes) {
		if sp.End > s.start {
			break
		}
		if sp.End-sp.Start >= minEvidenceRunes {
			prev, found = sp, true
		}
	}
	if !found {
		return sentence{}, false
	}
	t := string(runes[prev.Start:prev.End])
	if isQuestionSentence(t) || isCaption(t) {
		return sentence{}, false
	}
	return sentence{passage: s.passage, start: prev.Start, end: prev.End, text: t, folded: FoldText(t), subject: s.subject}, true
}

// maxLabelRunes: a label longer than this ("……整理预防类:数字疫苗。") is glued to a scraped
// caption, and only the definition after it is quoted.
const maxLabelRunes = 20

// labelled finds the term as a label in the passages, and the sentence after it that defines
// it: "预防类:数字疫苗。预防类产品是用软件的形式……".
func labelled(passages []Passage, term string) (label, def sentence, ok bool) {
	if term == "" {
		return sentence{}, sentence{}, false
	}
	if head := termHead(term); head != "" {
		if l, d, ok := labelled(passages, head); ok {
			return l, d, ok
		}
	}
	for pi, p := range passages {
		runes := []rune(p.Chunk.Text)
		spans := Sentences(runes)
		for i, sp := range spans[:max(0, len(spans)-1)] {
			text := string(runes[sp.Start:sp.End])
			folded := strings.TrimRight(FoldText(text), "。.:：")
			if !strings.HasSuffix(folded, term) {
				continue
			}
			// The term alone, or after a colon: "预防类:数字疫苗。", also glued to a scraped
			// caption ("……整理预防类:数字疫苗。"). "……也都使用露天操场。" ends with 操场 and
			// labels nothing.
			head := strings.TrimSuffix(folded, term)
			before, _ := utf8.DecodeLastRuneInString(head)
			if head != "" && before != ':' && before != '：' {
				continue
			}
			next := spans[i+1]
			t := string(runes[next.Start:next.End])
			if next.End-next.Start < minStatementRunes || isCaption(t) || isQuestionSentence(t) {
				continue
			}
			return sentence{passage: pi, start: sp.Start, end: sp.End, text: text, folded: FoldText(text)},
				sentence{passage: pi, start: next.Start, end: next.End, text: t, folded: FoldText(t)}, true
		}
	}
	return sentence{}, sentence{}, false
}
