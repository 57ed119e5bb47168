package rag

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag/zh"
)

// This file weighs what the retrieved passages say about a question: which sentences hold its
// content words, whether they hold its constraints (place, year, name), and whether the
// documents mention the question's names at all. Both answerers use it; the engine decides on
// it (engine.go).

var englishStopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of to in on at by for with from as and or not no is are was were be been
	being do does did done have has had having it its this that these those there here what which who whom whose when
	where why how can could would should will shall may might must i you he she we they me him her us them my your our
	their his about into over under than then so if but also any some all each more most other such only own same
	too very just tell please know like explain describe mean means meaning`) {
		englishStopwords[w] = true
	}
}

// isQuestionSentence reports whether a sentence asks rather than states: documents that quote a
// question (the sample page starts with a visitor's) must not be taken as answering it.
func isQuestionSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(closers, r) })
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '?' || r == '？'
}

// sentence is one candidate evidence sentence from a retrieved passage.
type sentence struct {
	passage int    // index into the passages
	start   int    // rune offset within the passage's chunk text
	end     int    // rune offset of its end
	text    string // the sentence as written
	folded  string // FoldText(text)
	// subject is the region the sentence is about when it names none itself ("广东省" for
	// "全省……"); "" when it names its own or none was found.
	subject string
	// score is the share of the question's weighted content words the sentence holds, with
	// words found only in its context (subject, previous sentence, title, section) counting
	// for less; direct counts the sentence alone.
	score, direct float64
	// unmet are the question's constraints (places, years, names) neither the sentence nor its
	// context states; empty when the sentence fits the question.
	unmet []string
	// figureless: the question asks for a figure (how many, which year) the sentence does not
	// state.
	figureless bool
	// quotedBy is the span of the sentence that opened the quotation the sentence is in, in the
	// same chunk (its End is 0 when there is none): "……说,“" says whose words these are.
	quotedBy Span
}

// fits reports whether the sentence meets every constraint of the question.
func (s sentence) fits() bool { return len(s.unmet) == 0 }

// answers reports whether the sentence may answer the question: it fits, and states a figure
// when one is asked for.
func (s sentence) answers() bool { return s.fits() && !s.figureless }

// Evidence weights.
const (
	// contextCredit is what a word found only in a sentence's context counts for.
	contextCredit = 0.7
	// partialCredit scales the share of a long word's character pairs a sentence holds, for
	// words the sentence does not hold whole ("数字化转型" against "数字转型").
	partialCredit = 0.6
	// singleCharWeight scales the weight of one-character words (难, 钱): they carry meaning but
	// match everywhere.
	singleCharWeight = 0.4
	// weakDirect is the score below which a sentence's own words are too few to let its
	// context carry it.
	weakDirect = 0.25
	// kindBonus is added to a sentence shaped as the answer the question asks for: a reason
	// for why, a method for how, an enumeration for a list.
	kindBonus = 0.1
	// minQuestionWeight is the least total weight a question's words are scored against, as a
	// share of the weight of a word one chunk alone holds.
	minQuestionWeight = 0.25
	// titleWordWeight: a word weighing this little is held by nearly every chunk, as the words
	// of a one-document index's title are.
	titleWordWeight = 0.05
	// offTopicPenalty is taken from a sentence whose chunk never says such a word of the
	// question.
	offTopicPenalty = 0.15
	// phraseBonus is added to a sentence that holds phraseRunes of the question as written.
	phraseBonus = 0.1
	// headlineBonus is added to a region's opening sentence when the question names nothing
	// but the region.
	headlineBonus = 0.05
	// fuzzyCredit is what a word found with one character changed counts for: typing 规摸 for
	// 规模 or 数子化 for 数字化 should not lose the answer.
	fuzzyCredit = 0.8
)

// questionPhrases are the runs of phraseRunes CJK characters a folded question holds, particles
// and all but for those holding a question word, which no statement repeats: a sentence holding
// one says the asker's words as they were put.
func questionPhrases(folded string) []string {
	var out []string
	for _, run := range strings.FieldsFunc(folded, func(r rune) bool { return !isCJK(r) }) {
		r := []rune(run)
		for i := 0; i+phraseRunes <= len(r); i++ {
			p := string(r[i : i+phraseRunes])
			if !containsAny(p, []string{"什么", "哪些", "怎么", "如何", "为什么", "是否", "多少"}) {
				out = append(out, p)
			}
		}
	}
	return out
}

// phraseRunes is how long a run of the question a sentence must hold as written to earn
// phraseBonus.
const phraseRunes = 6

// aimNouns ask for what a plan aims at, which its opening sentence states.
var aimNouns = map[string]bool{"目标": true, "定位": true, "方向": true, "思路": true}

// kindMarkers are words a sentence answering each kind of question tends to use.
var kindMarkers = map[questionKind][]string{
	kindReason: {"因为", "由于", "原因", "在于", "难在", "导致", "源于", "因此", "所以", "是因", "不仅", "because", "due to", "reason"},
	kindMethod: {"通过", "需要", "应该", "应当", "要", "可以", "方法", "措施", "步骤", "首先", "才能", "只有", ",应", "by ", "should", "need"},
	kindList:   {"、", "一是", "二是", "第一", "包括", "分别", "以下", "如下"},
}

// answersKind reports whether a sentence has the shape of the answer kind asks for.
func answersKind(kind questionKind, folded string) bool {
	if opensSection(folded) {
		// "04、谷底之溃……": the heading number's 、 enumerates nothing.
		folded = strings.TrimLeftFunc(folded, func(r rune) bool { return unicode.IsDigit(r) || strings.ContainsRune(cjkNumerals+"、．", r) })
	}
	if kind == kindList && introducesList(folded) {
		return true
	}
	return containsAny(folded, kindMarkers[kind])
}

// weightedWord is a question content word and how much it says about what is asked.
type weightedWord struct {
	text   string
	weight float64
	pairs  []string // a long CJK word's character pairs, for partial matches
	unseen bool     // the index never holds the word
	alias  string   // what the documents gloss a Latin abbreviation as ("数字疗法(…,DTx)": 疗法), or ""
	pieces []string // the words a glued name was made of (question.pieces)
	glued  bool     // two words joined (question.glued): matched as written, never fuzzily
}

// weighWords returns each content word's weight: the BM25 inverse document frequency of its
// rarest character pair (or of the word, for Latin words and single characters). own, when set, are a follow-up's own words: they count
// double and the earlier topic's words half. The caller holds s.mu.
func (s *Store) weighWords(q question, own map[string]bool) []weightedWord {
	unseen := -1.0 // marks a word the index never holds: it is weighed below, once the rest are
	out := make([]weightedWord, 0, len(q.words))
	for _, w := range q.words {
		ww := weightedWord{text: w, pieces: q.pieces[w], glued: q.glued[w]}
		runes := []rune(w)
		switch {
		case len(runes) >= 2 && allCJK(w):
			best := -1.0
			for i := 0; i+1 < len(runes); i++ {
				t := bigramToken(runes[i], runes[i+1])
				if s.lex.df(t) == 0 {
					best = unseen
					break
				}
				best = max(best, s.lex.idf(t))
				if len(runes) >= 3 {
					ww.pairs = append(ww.pairs, string(runes[i:i+2]))
				}
			}
			ww.weight = best // -1 when unseen, weighed below
		default:
			toks := AppendTokens(nil, w)
			if len(toks) == 0 {
				continue
			}
			for _, t := range toks {
				if s.lex.df(t) > 0 {
					ww.weight = max(ww.weight, s.lex.idf(t))
				} else {
					ww.weight = max(ww.weight, unseen)
				}
			}
			if len(runes) == 1 {
				ww.weight *= singleCharWeight
			}
		}
		if q.kind == kindFact && isPlaceOrTime(q, w) {
			ww.weight *= constraintWeight
		}
		if q.background[w] {
			ww.weight *= backgroundWeight
		}
		if q.source[w] {
			ww.weight *= sourceWeight
		}
		if own != nil {
			if own[w] {
				ww.weight *= 2
			} else {
				ww.weight *= 0.5
			}
		}
		out = append(out, ww)
	}
	// A word the index never holds weighs as much as the median word it does hold: now that
	// questions are cut into words, an unseen word is something asked about that no passage
	// speaks to (年产量, 缩写), and a typo still earns fuzzy credit.
	var seen []float64
	for _, w := range out {
		if w.weight >= 0 {
			seen = append(seen, w.weight)
		}
	}
	slices.Sort(seen)
	median := 1.0
	if len(seen) > 0 {
		median = seen[len(seen)/2]
	}
	for i := range out {
		if out[i].weight < 0 {
			out[i].weight, out[i].unseen = median, true
			if utf8.RuneCountInString(out[i].text) == 1 {
				out[i].weight *= singleCharWeight
			}
		}
	}
	for i := range out {
		if q.framing[out[i].text] {
			out[i].weight *= framingWeight // seen or not: 定位 may be in no passage
		}
		if q.qualifiers[out[i].text] {
			out[i].weight *= qualifierWeight // seen or not: 还要 may be in no passage
		}
	}
	if last := len(out) - 1; q.yesNo && last > 0 && isPredicate(out[last].text) {
		// What a yes-or-no question asks of its subject comes last ("销售模式成熟了吗?"), and the
		// answer says yes or no in its own words ("处于探索阶段"): that word weighs half. A thing
		// asked about ("要发展数字农业吗?") is not: the answer names it.
		out[last].weight *= 0.5
	}
	return out
}

// askedWeights returns q's weighted content words other than its constraints (places, years,
// names): what a sentence must speak of to say more about what is asked.
func (s *Store) askedWeights(q question) []weightedWord {
	s.mu.RLock()
	defer s.mu.RUnlock()
	words := s.weighWords(q, nil)
	if asked := slices.DeleteFunc(slices.Clone(words), func(w weightedWord) bool { return q.constrains(w.text) }); len(asked) > 0 {
		return asked
	}
	return words // "新疆在网络安全上有什么打算": the names are what is asked about
}

// wordWeights returns "word=weight" for each of q's content words, for the debug log.
func (s *Store) wordWeights(q question) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, w := range s.weighWords(q, nil) {
		out = append(out, fmt.Sprintf("%s=%.1f", w.text, w.weight))
	}
	return out
}

// matchWord is how much of w text holds: 1 when whole, else partial credit for a long word's
// character pairs.
func matchWord(w weightedWord, folded string) float64 {
	if strings.Contains(folded, w.text) || (w.pieces != nil && all(w.pieces, func(p string) bool { return strings.Contains(folded, p) })) {
		return 1
	}
	if holdsSynonym(w.text, folded) || (w.alias != "" && strings.Contains(folded, w.alias)) {
		return synonymCredit
	}
	if !allCJK(w.text) && !strings.ContainsFunc(w.text, isCJK) {
		if !strings.ContainsAny(w.text, ".-") {
			// One token, and the text does not hold it: no token of the text can be it.
			// (Tokenising every sentence for every Latin word was 7% of an answer, pprof.)
			return 0
		}
		// Latin words with dots or hyphens are several tokens ("predix-2.0").
		return tokenMatch(w.text, folded)
	}
	// Two-character words are matched fuzzily only when the index lacks them (a typo): "投资"
	// must not half-match "投一".
	if r := []rune(w.text); (len(r) >= 3 || w.unseen) && !w.glued && fuzzyContains(folded, r, false) {
		return fuzzyCredit
	}
	if len(w.pairs) == 0 {
		return 0
	}
	n := 0
	for _, p := range w.pairs {
		if strings.Contains(folded, p) {
			n++
		}
	}
	return partialCredit * float64(n) / float64(len(w.pairs))
}

// fuzzyContains reports whether text holds word with exactly one character changed (or, for
// four characters or more, two neighbours swapped), for CJK words of two to six characters.
// With sameHead, and always for a two-character word (half of two characters matches too
// much), the first character must not be the one changed.
func fuzzyContains(text string, word []rune, sameHead bool) bool {
	n := len(word)
	sameHead = sameHead || n == 2
	if n < 2 || n > 6 || sameHead && !strings.Contains(text, string(word[:1])) {
		return false
	}
	// All but one of the word's characters must be in the text: most sentences fail that
	// before their runes are decoded.
	missing := 0
	for _, r := range word {
		if !strings.ContainsRune(text, r) {
			if missing++; missing > 1 {
				return false
			}
		}
	}
	runes := []rune(text)
	for i := 0; i+n <= len(runes); i++ {
		diff, first := 0, -1
		for j := 0; j < n && diff < 3; j++ {
			if runes[i+j] != word[j] {
				diff++
				if sameHead && j == 0 {
					diff = 3
				}
				if diff == 1 {
					first = j
				} else if diff == 2 && (j != first+1 || n < 4 || runes[i+j] != word[first] || runes[i+first] != word[j]) {
					diff = 3 // two slips, not two neighbours swapped
				}
			}
		}
		// One character changed, or, in a word of four or more, two neighbours swapped
		// (专精特新 written 专特精新).
		if diff == 1 || diff == 2 {
			return true
		}
	}
	return false
}

// tokenMatch is 1 when the Latin word or number w occurs in folded as a whole token.
func tokenMatch(w, folded string) float64 {
	want := AppendTokens(nil, w)
	if len(want) == 0 {
		return 0
	}
	// Scanned, not collected into a set: this runs for every Latin word of the question against
	// every evidence sentence, and building a map each time was 8% of an answer (pprof).
	found := 0
	seen := make([]bool, len(want))
	eachToken(folded, func(t Token) {
		for i, x := range want {
			if x == t && !seen[i] {
				seen[i] = true
				found++
			}
		}
	})
	if found == len(want) {
		return 1
	}
	return 0
}

// minEvidenceRunes drops fragments too short to state anything ("01", "见下表").
const minEvidenceRunes = 6

// assess splits the passages into evidence sentences, scores each against the question and
// checks its constraints, best first: sentences that fit the question before those that do not,
// then by score. Sentences that ask a question or restate this one are left out. own, when
// set, are a follow-up's own words (see weighWords).
func (s *Store) assess(q question, passages []Passage, own map[string]bool) []sentence {
	s.mu.RLock()
	defer s.mu.RUnlock()
	words := s.weighWords(q, own)
	q.glosses = s.glossesOf(q.names)
	for i := range words {
		words[i].alias = q.glosses[words[i].text]
	}
	var total float64
	places := make([]string, len(words)) // each word's place name, if it is one
	// things are the nouns asked of a place, which a sentence under its plan must name itself.
	things := make([]bool, len(words))
	for i, w := range words {
		total += w.weight
		if p, ok := placeName(w.text); ok {
			places[i] = p
		} else {
			things[i] = w.weight > 0 && !q.constrains(w.text) && q.substantive(w.text) && !isVerbal(w.text)
		}
	}
	norm := total
	if q.kind != kindDefinition && len(q.names)+len(q.places) == 0 {
		// Words that together weigh next to nothing ("数字疗法怎么收费" in an index whose every
		// chunk holds its title, 数字化转型与数字疗法) tell no sentence from another: scored
		// against their own total, any sentence holding 数字 would answer. A definition asks of
		// its term alone, and a name or place is weighed on its own terms.
		norm = max(total, minQuestionWeight*s.lex.rareIDF())
	}
	onlyPlaces := len(words) > 0 && !slices.ContainsFunc(places, func(p string) bool { return p == "" })
	qset := tokenSet(q.folded)
	// A phrase made mostly of the title's words ("数字化转型的", weighing nothing here) or of a
	// cited source's says nothing a sentence could hold as the asker put it.
	asked := q.folded
	if q.turn != "" {
		asked = q.turn // a follow-up's own words: its topic's may name what it swapped (第三)
	}
	phrases := slices.DeleteFunc(questionPhrases(asked), func(p string) bool {
		for _, w := range words {
			if w.weight <= titleWordWeight || q.source[w.text] {
				p = strings.ReplaceAll(p, w.text, "")
			}
		}
		return utf8.RuneCountInString(p) < phraseRunes
	})
	var out []sentence
	for pi, p := range passages {
		runes := []rune(p.Chunk.Text)
		meta := FoldText(p.Title + " " + strings.Join(p.Chunk.Section, " "))
		spans := evidenceSpans(runes)
		// Folded once for the chunk: folding maps rune to rune, so a sentence's folded text
		// is the same span of it (folding each sentence apart was a tenth of an answer).
		foldedRunes := make([]rune, len(runes))
		for i, r := range runes {
			foldedRunes[i] = foldRune(r)
		}
		chunkFolded := "" // statedText, built when a name or a five-year plan needs it
		// A word every chunk's title holds weighs nothing (数字化转型与数字疗法: 数字, 疗法), yet
		// the chunk's own text may still say it or not: "数字疗法的商业模式" is not asked of a
		// passage on digital transformation that never says 疗法.
		offTopic, body := false, ""
		for _, w := range words {
			if w.weight > titleWordWeight || w.unseen || utf8.RuneCountInString(w.text) < 2 || !allCJK(w.text) {
				continue
			}
			if body == "" {
				body = string(foldedRunes)
			}
			if matchWord(w, body) == 0 {
				offTopic = true
				break
			}
		}
		prev := ""
		// The subject is looked up once, before the chunk, then carried through its sentences:
		// looking back from every sentence rebuilt up to 4,000 runes each time.
		subject, gapFrom := s.subjectBefore(p), 0
		earlier := subject.earlier
		// speaker is the sentence that opened a quotation still open ("方洪波接受采访时说,“……"):
		// the quoted sentences after it are its speaker's words, and it is their context.
		speaker, speakerSpan := "", Span{}
		for _, sp := range spans {
			text := string(runes[sp.Start:sp.End])
			if slices.Contains(runes[gapFrom:sp.Start], '\n') {
				subject, speaker = lead{}, "" // a subject holds within its paragraph, and so does a quotation
				if earlier != "" {
					earlier, chunkFolded = "", "" // and so do the periods it named: state the chunk without them
				}
			}
			gapFrom = sp.End
			head := ""
			if sp.Start == 0 {
				head = s.sentenceHead(p) // the chunk starts mid-sentence ("川省“十四五”期间")
			}
			if opensSection(text) {
				subject = lead{}
			}
			cur := subject
			folded := string(foldedRunes[sp.Start:sp.End])
			opensPlan := false
			if l := leadOf(head + text); l.region != "" {
				subject, opensPlan = l, true
				// A region's plan opens here: the sentence before ends another region's, and
				// says nothing of this one ("……建成数字政府。陕西省“十四五”期间,……").
				prev = ""
			} else if leadsWithCountry(head + text) {
				subject, cur = lead{}, lead{} // about the whole country, and so is what follows
			}
			context, quotedBy := prev, Span{}
			// "这个阶段,企业需要……" is about the stage the sentence before it named: that
			// sentence's words are this one's as surely as its own, when it holds some of the
			// question's words itself ("以上正文结束" says nothing of what came before).
			pointedAt := ""
			if pointsBack(folded) {
				pointedAt = prev
			}
			if speaker != "" {
				quotedBy = speakerSpan
				if speaker != prev {
					context += " " + speaker
				}
			}
			if opens, closes := strings.Count(text, "“"), strings.Count(text, "”"); opens > closes && opensSpeech(text) {
				speaker, speakerSpan = folded, sp
			} else if closes > opens {
				speaker = ""
			}
			if isQuestionSentence(text) {
				prev = ""
				continue
			}
			prev = folded
			if sp.End-sp.Start < minEvidenceRunes || isCaption(text) {
				continue
			}
			sent := sentence{passage: pi, start: sp.Start, end: sp.End, text: text, folded: folded, quotedBy: quotedBy}
			sent.text = head + text
			about := meta // what the sentence is about
			if !namesSubject(folded) && cur.region != "" {
				sent.subject = cur.region
				about = FoldText(cur.region) + " " + cur.periods + " " + meta
			}
			ctx := context + " " + about
			if total > 0 {
				var got, gotBack, direct, bySubject float64
				holdsAsked, asked := true, false // it holds every thing asked of the place itself
				for i, w := range words {
					m := matchWord(w, folded)
					direct += w.weight * m
					if things[i] {
						asked, holdsAsked = true, holdsAsked && m == 1
					}
					if p := places[i]; p != "" && m < 1 && strings.HasPrefix(sent.subject, p) {
						// The sentence's subject is the place asked about: it says so as
						// surely as the lead sentence that named it ("全省……" under 天津市).
						bySubject += w.weight * (1 - m)
						m = 1
					}
					if m < 1 {
						m = max(m, contextCredit*matchWord(w, ctx))
					}
					if opensPlan && q.framing[w.text] && aimNouns[w.text] {
						// "宁夏回族自治区“十四五”期间,加快数字化运用" is the plan's headline: what it
						// aims at, whether or not it says 目标.
						m = max(m, contextCredit)
					}
					got += w.weight * m
					if m < 1 && pointedAt != "" {
						m = max(m, matchWord(w, pointedAt))
					}
					gotBack += w.weight * m
				}
				if pointedAt != "" && direct > 0 {
					got = gotBack
				} else {
					pointedAt = ""
				}
				sent.score, sent.direct = got/norm, direct/norm
				if sent.direct < weakDirect && pointedAt == "" {
					// A sentence that holds little itself and scores on its neighbour's words
					// ("医保支付方面。") is not the answer; its neighbour is. But one that names
					// every thing asked of its place, which its subject states, holds what is
					// asked ("全面提升数字安全水平" under 重庆市 for its 数字安全); what it is to
					// do ("广东省要建设什么") is no thing, and any sentence of the plan says 建设.
					own := direct
					if asked && holdsAsked {
						own += bySubject
					}
					sent.score = own/norm + 0.5*(sent.score-own/norm)
				}
				if offTopic {
					sent.score = max(0, sent.score-offTopicPenalty)
				}
				if slices.ContainsFunc(phrases, func(p string) bool { return strings.Contains(folded, p) }) {
					// "那加快推动治理数字化包括哪些": the sentence that says the asker's phrase as
					// written ("加快推动治理数字化。") outranks one that holds its words apart.
					sent.score += phraseBonus
				}
				if opensPlan && onlyPlaces {
					// "告诉我关于海南的一切": asked of nothing but a place, the plan's opening
					// sentence says what it is about, before any one sentence that names it.
					sent.score += headlineBonus
				}
				if sent.score > 0 && (answersKind(q.kind, folded) || (q.unit != 0 && countsIn(folded, string(q.unit)))) {
					sent.score += kindBonus
				}
			}
			// Only a sentence holding much of the question can restate it; the check builds a
			// token set, so it waits for the score. A statement that shares the question's words
			// is usually what the question was written from ("促进数字经济新业态规范发展" for
			// "广东打算怎么让数字经济新业态规范发展"): only a sentence that asks as the question
			// does (a heading without its question mark) restates it.
			if sent.direct >= weakDirect && asksLikeAQuestion(folded) && restates(qset, folded) &&
				(q.figure == wantNoFigure || !q.answeredBy(folded)) {
				continue
			}
			if chunkFolded == "" && len(q.names)+len(q.periods)+len(q.places) > 0 {
				chunkFolded = statedText(runes, spans)
				if earlier != "" && len(q.periods) > 0 {
					chunkFolded += " " + earlier // the paragraph named its period before the chunk
				}
			}
			sent.unmet = unmetConstraints(q, folded, context, about, chunkFolded)
			if len(sent.unmet) == 0 && len(q.names) > 0 {
				if n := askedOfAnother(q, words, text, folded); n != "" {
					sent.unmet = append(sent.unmet, n)
				} else if n := latinNameForAnother(q, text, folded); n != "" {
					sent.unmet = append(sent.unmet, n)
				}
			}
			if q.figure != wantNoFigure && sent.score >= relatedCoverage {
				// Asked which province, a sentence under a province's plan answers with its
				// subject ("【广东省】到2025年,全省灯塔工厂数量超过5家").
				short, _ := placeName(sent.subject)
				bySubject := q.figure == wantPlace && short != "" && !mentionsPlace(q.folded, short) && containsAny(q.folded, provinceCues)
				sent.figureless = !bySubject && !q.answeredBy(folded)
			}
			out = append(out, sent)
		}
	}
	slices.SortStableFunc(out, bySentenceRank)
	return out
}

// bySentenceRank orders sentences best first: those that may answer, then those that fit the
// question, then by score, then by passage.
func bySentenceRank(a, b sentence) int {
	if a.answers() != b.answers() {
		if a.answers() {
			return -1
		}
		return 1
	}
	if a.fits() != b.fits() {
		if a.fits() {
			return -1
		}
		return 1
	}
	switch {
	case a.score > b.score:
		return -1
	case a.score < b.score:
		return 1
	}
	return a.passage - b.passage
}

// evidenceSpans splits text into sentences, joined again where one ended inside a 《book title》
// (inTitle), and split further before scraped heading numbers glued into them ("…整理03、数字疗
// 法产业发展情况1、市场现状从市场规模看,2020年…"), so that a heading or caption does not hide the
// statement after it. (Chunks are cut at Sentences alone, so that this changes no index.)
func evidenceSpans(runes []rune) []Span {
	var out []Span
	sentences := Sentences(runes)
	for n := 0; n < len(sentences); n++ {
		sp := sentences[n]
		for n+1 < len(sentences) && inTitle(runes, sp.Start, sp.End-1) {
			n++
			sp.End = sentences[n].End
		}
		// A caption runs into what follows it with no stop between ("图1 ……的关系来源:火石创造根据
		// 公开资料整理与传统疗法相比,……"): the statement after it is evidence, the caption not.
		for {
			cut := captionEnd(runes[sp.Start:sp.End])
			if cut == 0 || sp.Start+cut >= sp.End {
				break
			}
			out = append(out, Span{sp.Start, sp.Start + cut})
			sp.Start += cut
		}
		start := sp.Start
		for i := sp.Start + 1; i < sp.End-1; i++ {
			if !unicode.IsDigit(runes[i]) || unicode.IsDigit(runes[i-1]) || runes[i-1] < 0x80 {
				continue
			}
			j := i
			for j < sp.End && unicode.IsDigit(runes[j]) && j-i < 2 {
				j++
			}
			if j < sp.End && (runes[j] == '、' || runes[j] == '．') && i > start {
				out = append(out, Span{start, i})
				start = i
			}
		}
		out = append(out, Span{start, sp.End})
	}
	return out
}

// sentenceHead returns the start of the sentence a chunk begins in the middle of, or "" when
// the chunk begins a sentence. The caller holds s.mu.
func (s *Store) sentenceHead(p Passage) string {
	doc := s.docs[p.DocID]
	if doc == nil || p.Chunk.Start == 0 || p.Chunk.Index >= len(doc.Chunks) {
		return ""
	}
	before := []rune(textBefore(doc, p.Chunk.Index, p.Chunk.Start, maxQuoteRunes))
	i := len(before)
	for i > 0 && !strings.ContainsRune(sentenceEnds+"\n", before[i-1]) {
		i--
	}
	if i == 0 && len(before) == maxQuoteRunes {
		return "" // no sentence start within reach: leave the quote as it is
	}
	for i < len(before) && strings.ContainsRune(closers, before[i]) {
		i++
	}
	return strings.TrimLeftFunc(string(before[i:]), unicode.IsSpace)
}

// statedText is the folded text of a chunk's sentences that state rather than ask: a name in a
// quoted question is not evidence of anything.
func statedText(runes []rune, spans []Span) string {
	var b strings.Builder
	for _, sp := range spans {
		if t := string(runes[sp.Start:sp.End]); !isQuestionSentence(t) {
			b.WriteString(FoldText(t))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// unmetConstraints returns the question's places, years and names that a sentence does not
// state where they would have to be: a year in the sentence or the one before it (and, when a
// quantity is asked for, not only beside another year's figure); a place in
// the sentence, its subject, or the document's title or section (about), not merely nearby,
// which may be another province's plan; a name anywhere in the chunk or its title.
func unmetConstraints(q question, sent, prev, about, chunk string) []string {
	ctx := about
	var unmet []string
	for _, y := range q.years {
		// The sentence before, the title or the section date a sentence only when it states no
		// year of its own: "2019年,德国……。2020年12月,日本……" does not say what Japan did in 2019.
		inSent := tokenMatch(y, sent) > 0
		switch {
		case !inSent && (tokenMatch(y, prev) == 0 && tokenMatch(y, ctx) == 0 || len(yearsIn(sent)) > 0),
			q.figure == wantQuantity && inSent && yearOfAnotherFigure(sent, y):
			unmet = append(unmet, y+"年")
		}
	}
	for _, p := range q.periods {
		// A plan's later sentences seldom repeat its period: the chunk or section saying it is
		// enough, unless the sentence (or, when it names none, the one before) names another.
		named := periodsIn(sent)
		if len(named) == 0 {
			named = periodsIn(prev)
		}
		if !slices.Contains(named, p) && (len(named) > 0 || (!strings.Contains(chunk, p) && !strings.Contains(ctx, p))) {
			unmet = append(unmet, p)
		}
	}
	var placesUnmet []string
	for _, p := range q.places {
		if mentionsPlace(sent, p) || mentionsPlace(ctx, p) {
			continue
		}
		if p != "全球" && mentionsPlace(chunk, p) && !namesRegion(sent+" "+ctx, func(r string) bool { return r != p }) &&
			!(p == "中国" && namesAnotherCountry(sent)) {
			// The passage names the place and the sentence, with its subject, no other: a
			// passage about Taiwan's industrial parks need not repeat 台湾 in each sentence.
			// A sentence that says 全球 or 美国 is about there, though the next says 我国.
			continue
		}
		if p == "中国" && !namesAnotherCountry(sent) && !namesAnotherCountry(ctx) {
			// Documents written in Chinese about China seldom name it: a sentence is about
			// China unless it says it is about somewhere else ("全球", "美国").
			continue
		}
		placesUnmet = append(placesUnmet, p)
	}
	if q.eachPlace && len(placesUnmet) < len(q.places) {
		placesUnmet = nil // "江苏和浙江分别……": a sentence about either answers for it
	}
	unmet = append(unmet, placesUnmet...)
	held := func(n string) bool {
		w := weightedWord{text: n, alias: q.glosses[n]} // DTx is held where the text says 数字疗法
		return matchWord(w, sent) > 0 || matchWord(w, chunk) > 0 || matchWord(w, ctx) > 0
	}
	for _, n := range q.names {
		if pieces := q.pieces[n]; pieces != nil && !held(n) {
			// 支付宝 and 提现, each as written (支付宝 is no typo of 支付的), or the name is
			// unmet as a whole: its pieces the dictionary lacks are seldom words to quote.
			if !all(pieces, func(p string) bool {
				return strings.Contains(sent, p) || strings.Contains(chunk, p) || strings.Contains(ctx, p)
			}) {
				unmet = append(unmet, n)
			}
		} else if !held(n) {
			unmet = append(unmet, missingParts(n, q.parts[n], held)...)
		}
	}
	return unmet
}

// missingParts returns what a reply names as missing of a name the text does not hold whole:
// nothing when the text holds each of its parts, the parts it lacks when it holds some of
// several ("东德" of "东德中央政治局"), else the whole name. A single part (the stem "煤泥烘"
// of "煤泥烘干机", the organisation 税务局 of "税务局开票") is no word to quote alone.
func missingParts(name string, parts []string, has func(string) bool) []string {
	if len(parts) == 0 {
		return []string{name}
	}
	missing := slices.DeleteFunc(slices.Clone(parts), has)
	if len(missing) > 0 && (len(parts) == 1 || len(missing) == len(parts)) {
		return []string{name}
	}
	return missing
}

// latinNameForAnother returns the question's Latin name that a sentence leaves out while it
// names another by a word of mixed case, or "": "以SilverCloud Health的数字疗法为例,临床研究
// 显示3个月后……" is about SilverCloud, though Happify, asked about, is named beside it in the
// passage. Capitals alone (FDA, IT, AI) are agencies and terms more often than the company a
// sentence is about. A question asking for a name ("原计划用什么名字发售") is answered by
// another.
func latinNameForAnother(q question, text, folded string) string {
	if containsAny(q.folded, asksForAName) {
		return ""
	}
	for _, n := range q.names {
		if strings.ContainsFunc(n, isCJK) || strings.Contains(folded, n) || (q.glosses[n] != "" && strings.Contains(folded, q.glosses[n])) {
			continue // DTx is there where the text says 数字疗法
		}
		for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) || isCJK(r) }) {
			if isMixedCase(f) && !slices.Contains(q.words, FoldText(f)) && !slices.Contains(q.names, FoldText(f)) {
				return n
			}
		}
	}
	return ""
}

// asksForAName are the words that ask for a name or who.
var asksForAName = []string{"名字", "名称", "叫什么", "叫啥", "称为", "谁", "哪家", "哪款", "哪个公司", "哪些公司", "什么公司",
	"哪个企业", "哪些企业", "什么企业", "哪个产品", "哪些产品", "什么产品", "哪个品牌", "什么品牌", "name", "who", "which"}

// isMixedCase reports whether a Latin word starts with a capital and holds a small letter, as
// names are written (Happify, SilverCloud).
func isMixedCase(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r < utf8.RuneSelf && unicode.IsUpper(r) && strings.ContainsFunc(w, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsLower(r) })
}

// opensSpeech reports whether the quotation a sentence leaves open is someone speaking: a saying
// verb comes just before its last opening mark ("方洪波接受采访时说,“……"). Scraped text
// also leaves marks open by mistake ("3数字化转型“十四五“期间"), and the sentences after it
// are nobody's words.
func opensSpeech(text string) bool {
	i := strings.LastIndex(text, "“")
	before := []rune(text[:i])
	before = before[max(0, len(before)-6):]
	return containsAny(string(before), []string{"说", "表示", "认为", "指出", "称", "道", "强调", "提到", "坦言", "直言", "介绍", "回忆", "问", ":", "："}) // 道: 写道, 说道
}

// asksLikeAQuestion reports whether a sentence holds a question word, as a question's heading
// does when it lacks its question mark ("数字化转型为什么这么难").
func asksLikeAQuestion(folded string) bool {
	return containsAny(folded, []string{"什么", "为何", "如何", "怎么", "怎样", "哪", "谁", "吗", "多少", "是否"})
}

// restates reports whether a sentence mostly repeats the question: at least 60% of its distinct
// tokens are the question's and it holds 60% of the question's.
func restates(question map[Token]struct{}, folded string) bool {
	sent := tokenSet(folded)
	shared := 0
	for t := range sent {
		if _, ok := question[t]; ok {
			shared++
		}
	}
	return len(sent) > 0 && len(question) > 0 &&
		float64(shared) >= 0.6*float64(len(sent)) && float64(shared) >= 0.6*float64(len(question))
}

// askedOfAnother returns the question's name that opens a clause of the sentence holding nothing
// of what is asked, when another clause holds it and opens with another name, or "": in
// "迪士尼投资开发魔术手环投资10亿美元,IBM为导入设计思维仅培训和招聘费用三年投资1亿美元" each
// clause is about the name it opens with, and none says what 迪士尼 spent on 设计思维. A clause
// that names the name again ("科迪亚克最新消息,斯柯达科迪亚克将于……上市") is still about it.
func askedOfAnother(q question, words []weightedWord, text, folded string) string {
	opens := func(n string) bool { // cheap: most sentences open no clause with a name asked about
		return strings.HasPrefix(folded, n) || strings.Contains(folded, ","+n) || strings.Contains(folded, ";"+n)
	}
	if !slices.ContainsFunc(q.names, opens) {
		return ""
	}
	clauses := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",;，；", r) })
	if len(clauses) < 2 {
		return ""
	}
	cf := make([]string, len(clauses))
	for i, c := range clauses {
		cf[i] = strings.TrimSpace(FoldText(c))
	}
	asked := func(c string) bool {
		for _, w := range words {
			if !q.constrains(w.text) && matchWord(w, c) > 0 {
				return true
			}
		}
		return false
	}
	for _, n := range q.names {
		k := slices.IndexFunc(cf, func(c string) bool { return strings.HasPrefix(c, n) })
		if k < 0 || asked(cf[k]) {
			continue
		}
		for j, c := range clauses {
			if j != k && !strings.Contains(cf[j], n) && asked(cf[j]) && opensWithAnotherName(c, n) {
				return n
			}
		}
	}
	return ""
}

// opensWithAnotherName reports whether a clause opens with a company, person or brand other than
// name: a capitalised Latin word ("IBM为……") or a proper noun of the dictionary.
func opensWithAnotherName(clause, name string) bool {
	clause = strings.TrimSpace(clause)
	if r, _ := utf8.DecodeRuneInString(clause); unicode.IsUpper(r) {
		f := strings.FieldsFunc(clause, func(r rune) bool { return !isWordRune(r) || isCJK(r) })
		return len(f) > 0 && utf8.RuneCountInString(f[0]) > 1 && FoldText(f[0]) != name
	}
	ws := zh.Segment(FoldText(clause))
	return len(ws) > 0 && zh.IsProperTag(ws[0].Tag) && ws[0].Tag != "ns" && ws[0].Text != name
}

// captionEnd returns where a caption's source line ends in s ("来源:……根据公开资料整理"), in
// runes, or 0 when s has none.
func captionEnd(s []rune) int {
	if !slices.Contains(s, '源') {
		return 0 // most sentences: no string built to find that out (a tenth of evidenceSpans)
	}
	text := string(s)
	i := sourceLine(text)
	if i < 0 {
		return 0
	}
	end := -1
	for _, w := range []string{"整理", "绘制", "制图", "制作"} {
		if j := strings.Index(text[i:], w); j >= 0 && (end < 0 || i+j+len(w) < end) {
			end = i + j + len(w)
		}
	}
	if end < 0 {
		return 0
	}
	return utf8.RuneCountInString(text[:end])
}

// isCaption reports whether a sentence is a table or figure caption scraped into the text
// ("表2 国内数字疗法相关政策来源:…"): it labels something that is not there.
func isCaption(s string) bool {
	s = strings.TrimSpace(s)
	for _, p := range []string{"表", "图", "Table ", "Figure ", "Fig. "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			r, _ := utf8.DecodeRuneInString(strings.TrimSpace(rest))
			if unicode.IsDigit(r) {
				return true
			}
		}
	}
	return sourceLine(s) >= 0 || strings.Contains(s, "Source:")
}

// sourceLine returns where a caption's source line ("来源:火石创造根据公开资料整理") starts in
// s, as written (either colon), or -1.
func sourceLine(s string) int {
	if i := strings.Index(s, "来源:"); i >= 0 {
		return i
	}
	return strings.Index(s, "来源：")
}

// tokenSet returns the distinct tokens of text.
func tokenSet(text string) map[Token]struct{} {
	set := map[Token]struct{}{}
	eachToken(text, func(t Token) { set[t] = struct{}{} })
	return set
}

// absentNames returns the names of q that the knowledge base never states: asked what
// "盛世笔特" plans, when the documents mention it only in a visitor's question, it returns
// ["盛世笔特"]. Only names count (words the dictionary does not know, rare proper nouns,
// capitalised Latin words; see readQuestion), never common words, so the answer to whether a
// question is refused does not depend on what else happens to be indexed.
func (s *Store) absentNames(q question) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var absent []string
	stated := func(n string) bool {
		if aliases, ok := placeAliases[n]; ok {
			return slices.ContainsFunc(aliases, s.statedLiteral) // 中国 is stated as 国内, 我国
		}
		return s.statedLiteral(n) || s.nearTypo(n)
	}
	for _, n := range slices.Concat(q.places, q.names, q.rare) {
		switch {
		case stated(n):
		case q.pieces[n] != nil && all(q.pieces[n], stated): // 华为 and 郭平, stated apart
		default:
			absent = append(absent, missingParts(n, q.parts[n], stated)...)
		}
	}
	return absent
}

// nearTypo reports whether the index states a CJK name with one character changed: "数子化"
// is 数字化 mistyped, not a name the documents lack. The caller holds s.mu.
func (s *Store) nearTypo(name string) bool {
	runes := []rune(name)
	// A two-character name with one character changed is another name: 小米 is not 小微
	// mistyped, nor 鸿蒙 鸿沟.
	if len(runes) < 3 || !allCJK(name) {
		return false
	}
	// A name the dictionary knows differs from its neighbours by more than a slip where it
	// starts (京东方 is not 新东方 mistyped, but 迪斯尼 is 迪士尼 spelled another way).
	_, known := zh.Lookup(name)
	// Any character pair of the name, else any character, anchors the search; fuzzyContains
	// then tries every one-character change (keeping the first for a known name).
	var anchors []Token
	for i := 0; i+1 < len(runes); i++ {
		anchors = append(anchors, bigramToken(runes[i], runes[i+1]))
	}
	for _, r := range runes {
		anchors = append(anchors, unigramToken(r))
	}
	for _, t := range anchors {
		if s.lex.df(t) == 0 {
			continue
		}
		// The rarest anchors come first: one scan decides.
		return s.someChunk(t, func(ref slotRef) bool {
			return fuzzyContains(FoldText(ref.doc.Chunks[ref.chunk].Text), runes, known)
		})
	}
	return false
}

// someChunk reports whether f holds for one of the first statedCheckLimit live chunks that
// hold t, calling it on each in turn until it does. The caller holds s.mu.
func (s *Store) someChunk(t Token, f func(ref slotRef) bool) bool {
	checked := 0
	for _, p := range s.lex.entry(t).postings {
		if !s.lex.alive[p.slot] {
			continue
		}
		if checked++; checked > statedCheckLimit {
			return false
		}
		if f(s.slots[p.slot]) {
			return true
		}
	}
	return false
}

// rarestToken returns the token of toks that the fewest chunks hold, and how many do.
// The caller holds s.mu.
func (s *Store) rarestToken(toks []Token) (Token, int) {
	rare, rareDF := toks[0], s.lex.df(toks[0])
	for _, t := range toks[1:] {
		if df := s.lex.df(t); df < rareDF {
			rare, rareDF = t, df
		}
	}
	return rare, rareDF
}

// statedCheckLimit bounds how many chunks statedLiteral reads: a literal whose rarest token is
// in more chunks than this is surely stated somewhere.
const statedCheckLimit = 400

// statedLiteral reports whether some sentence of the index that is not a question, or some
// document title, holds the folded literal. The caller holds s.mu.
func (s *Store) statedLiteral(lit string) bool {
	toks := AppendTokens(nil, lit)
	if len(toks) == 0 {
		return true
	}
	latin := !strings.ContainsFunc(lit, isCJK)
	rare, rareDF := s.rarestToken(toks)
	if rareDF == 0 {
		return false
	}
	if rareDF > statedCheckLimit {
		return true
	}
	holds := func(text string) bool {
		if latin {
			return tokenMatch(lit, text) == 1
		}
		return strings.Contains(text, lit)
	}
	return s.someChunk(rare, func(ref slotRef) bool {
		if holds(FoldText(ref.doc.Title)) {
			return true
		}
		runes := []rune(FoldText(ref.doc.Chunks[ref.chunk].Text))
		for _, sp := range Sentences(runes) {
			sent := string(runes[sp.Start:sp.End])
			if holds(sent) && !isQuestionSentence(sent) {
				return true
			}
		}
		return false
	})
}

// minLatinTypoRunes: a Latin name shorter than this is not corrected; "GE" with one letter
// changed is another name.
const minLatinTypoRunes = 5

// correctLatinTypos replaces each Latin name of q the index never holds by the one word it
// does hold one letter away (an insertion, deletion, substitution or swap): "Digtal" is
// Digital mistyped. A name with no such neighbour, or more than one, stays as asked.
func (s *Store) correctLatinTypos(q question) question {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var buf []Token
	indexed := func(w string) bool { // a word the tokenizer reads as one token the index holds
		buf = AppendTokens(buf[:0], w)
		return len(buf) == 1 && s.lex.df(buf[0]) > 0
	}
	fixed := map[string]string{}
	for _, n := range q.names {
		if utf8.RuneCountInString(n) < minLatinTypoRunes || strings.ContainsFunc(n, func(r rune) bool { return r < 'a' || r > 'z' }) {
			continue
		}
		if indexed(n) {
			continue
		}
		if found := onlyOne(oneEditAway(n), indexed); found != "" {
			fixed[n] = found
		}
	}
	return q.rewritten(fixed)
}

// onlyOne returns the one distinct candidate ok takes, or "" when it takes none or several:
// with two readings a correction is not ours to choose.
func onlyOne(candidates []string, ok func(string) bool) string {
	found := ""
	for _, c := range candidates {
		if c == found || !ok(c) {
			continue
		}
		if found != "" {
			return ""
		}
		found = c
	}
	return found
}

// rewritten is q with each word that fixed maps rewritten as it maps it, in its words, names
// and folded text. A word fixed is no longer one the dictionary lacks: it leaves rare.
func (q question) rewritten(fixed map[string]string) question {
	if len(fixed) == 0 {
		return q
	}
	rewrite := func(list []string) []string {
		out := slices.Clone(list)
		for i, w := range out {
			if f, ok := fixed[w]; ok {
				out[i] = f
			}
		}
		return out
	}
	q.names, q.words = rewrite(q.names), rewrite(q.words)
	q.rare = slices.DeleteFunc(slices.Clone(q.rare), func(w string) bool { _, ok := fixed[w]; return ok })
	for from, to := range fixed {
		q.folded = strings.ReplaceAll(q.folded, from, to)
	}
	return q
}

// correctCJKTypos replaces each two-character CJK word of q that neither the dictionary nor the
// index holds by the one the index writes one character away before (or after) the word that
// follows (or comes before) it in the question: "工叶" before "互联网" is 工业, since the index
// holds 工业互联网.
// The search then finds what the asker meant; scoring alone forgave the typo, but only among
// passages found without it. A word with no such reading, or several, stays as asked, and so do
// names and places, which must be stated as asked.
func (s *Store) correctCJKTypos(q question) question {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fixed := map[string]string{}
	for i, w := range q.words {
		r := []rune(w)
		if _, known := zh.Lookup(w); known || len(r) != 2 || !allCJK(w) || s.lex.df(bigramToken(r[0], r[1])) > 0 || q.constrains(w) {
			continue // a word the dictionary knows is no typo: 深远 is not 深刻 mistyped
		}
		var fix string
		if i+1 < len(q.words) && strings.Contains(q.folded, w+q.words[i+1]) {
			fix = s.neighbourReading(w, q.words[i+1], true)
		}
		if fix == "" && i > 0 && strings.Contains(q.folded, q.words[i-1]+w) {
			fix = s.neighbourReading(w, q.words[i-1], false)
		}
		if fix != "" {
			fixed[w] = fix
		}
	}
	return q.rewritten(fixed)
}

// dotNames writes each CJK name of q the index does not hold as the index writes it with a
// middle dot between given name and surname ("约翰科特" → 约翰·科特): transliterated names carry the
// dot in print and seldom when typed. A name stated both ways, or dotted in more than one place,
// stays as asked.
func (s *Store) dotNames(q question) question {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fixed := map[string]string{}
	for _, n := range q.names {
		r := []rune(n)
		if len(r) < 4 || !allCJK(n) || s.statedLiteral(n) {
			continue
		}
		var dotted []string
		for i := 2; i <= len(r)-2; i++ {
			dotted = append(dotted, string(r[:i])+"·"+string(r[i:]))
		}
		if found := onlyOne(dotted, s.statedLiteral); found != "" {
			fixed[n] = found
		}
	}
	return q.rewritten(fixed)
}

// mainlandWording rewrites the Taiwan phrases of question that the index writes only as the
// mainland does ("數位療法是什麼" over documents that say 数字疗法), so that the question finds
// and matches them; a phrase the index holds as asked stays (DRCD's 軟體 is found as 軟體).
func (s *Store) mainlandWording(question string) string {
	phrases := zh.TaiwanPhrases(FoldText(question))
	if len(phrases) == 0 {
		return question
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	runes := []rune(question) // FoldText maps rune to rune: offsets hold in both
	var b strings.Builder
	at := 0
	for _, p := range phrases {
		if s.statedLiteral(p.Taiwan) || !s.statedLiteral(p.Mainland) {
			continue
		}
		b.WriteString(string(runes[at:p.Start]))
		b.WriteString(p.Mainland)
		at = p.Start + utf8.RuneCountInString(p.Taiwan)
	}
	if at == 0 {
		return question
	}
	b.WriteString(string(runes[at:]))
	return b.String()
}

// neighbourReading returns the two characters the index writes right before neighbour (after
// it, when before is false) that differ from w in one character, when there is exactly one
// such reading. The caller holds s.mu.
func (s *Store) neighbourReading(w, neighbour string, before bool) string {
	nr := []rune(neighbour)
	if len(nr) < 2 || !allCJK(neighbour) {
		return ""
	}
	pairs := make([]Token, 0, len(nr)-1)
	for i := 0; i+1 < len(nr); i++ {
		pairs = append(pairs, bigramToken(nr[i], nr[i+1]))
	}
	rare, rareDF := s.rarestToken(pairs)
	if rareDF == 0 {
		return ""
	}
	wr := []rune(w)
	found := ""
	ambiguous := s.someChunk(rare, func(ref slotRef) bool {
		text := FoldText(ref.doc.Chunks[ref.chunk].Text)
		for j := range occurrences(text, neighbour) {
			var cand []rune
			if before {
				cand = []rune(text[:j])
				cand = cand[max(0, len(cand)-2):]
			} else {
				cand = []rune(text[j+len(neighbour):])
				cand = cand[:min(2, len(cand))]
			}
			if len(cand) != 2 || !allCJK(string(cand)) || (cand[0] != wr[0]) == (cand[1] != wr[1]) {
				continue // not one character away (or the same)
			}
			if c := string(cand); found == "" {
				found = c
			} else if found != c {
				return true // two readings: the typo is not clear
			}
		}
		return false
	})
	if ambiguous {
		return ""
	}
	return found
}

// oneEditAway returns the lower-case words one letter away from w.
func oneEditAway(w string) []string {
	var out []string
	for i := 0; i <= len(w); i++ {
		if i < len(w) {
			out = append(out, w[:i]+w[i+1:]) // deletion
		}
		if i+1 < len(w) {
			out = append(out, w[:i]+string(w[i+1])+string(w[i])+w[i+2:]) // swap
		}
		for c := byte('a'); c <= 'z'; c++ {
			out = append(out, w[:i]+string(c)+w[i:]) // insertion
			if i < len(w) && w[i] != c {
				out = append(out, w[:i]+string(c)+w[i+1:]) // substitution
			}
		}
	}
	return out
}

// all reports whether f holds for every one of xs.
func all(xs []string, f func(string) bool) bool {
	for _, x := range xs {
		if !f(x) {
			return false
		}
	}
	return true
}

// isPredicate reports whether the dictionary gives w as an adjective or a verb.
func isPredicate(w string) bool {
	d, _ := zh.Lookup(w)
	return strings.HasPrefix(d.Tag, "a") || strings.HasPrefix(d.Tag, "v")
}

// constraintWeight scales the places, years and periods of a fact question, which are checked
// as constraints anyway: at full weight a province's opening sentence ("河北省“十四五”期间,……"),
// which holds little but the place and the period, answered what the plan does not say ("河北要
// 打造什么产业集群"). Other kinds keep them whole: "广东省的数字化转型规划是什么" asks about the
// place itself, and its plan names neither 转型 nor 规划.
const constraintWeight = 0.5

// backgroundWeight is the weight of a word the question says only as a given (除了X, 在X的同时):
// the sentence that repeats the given is not the answer.
const backgroundWeight = 0.5

// provinceCues ask for a province by name, which a province's plan gives as its subject.
var provinceCues = []string{"哪个省", "哪些省", "哪几个省", "哪一个省", "哪省", "哪个自治区", "which province"}

// sourceWeight is the weight of a word naming the source the question cites ("正略咨询那篇文章
// 说……"): the answer stands under the article's heading and seldom repeats it, but among
// articles that each answer, the one cited should ("据正略咨询的文章,数字化转型分几个阶段"
// has its five stages, not another article's four). At 0.25 the framework's name drew
// "按照正略咨询的数字化转型曲线,处在改进之坡的企业应该怎么做" to the sentence listing the
// stages; 0.1 and 0.05 measured alike on every set.
const sourceWeight = 0.1

// framingWeight is the weight of a noun that names the kind of answer asked for (framingNouns).
const framingWeight = 0.5

// qualifierWeight is the weight of a word that says how the asker puts the question
// (question.qualifiers) rather than what about.
const qualifierWeight = 0.5

func isPlaceOrTime(q question, w string) bool {
	if p, ok := placeName(w); ok && slices.Contains(q.places, p) {
		return true
	}
	return slices.Contains(q.places, w) || slices.Contains(q.years, w) || slices.Contains(q.periods, w)
}

// glossesOf returns what the documents gloss each Latin name of names as (glossOf), nil when
// they gloss none. The caller holds s.mu.
func (s *Store) glossesOf(names []string) map[string]string {
	var out map[string]string
	for _, n := range names {
		if strings.ContainsFunc(n, isCJK) {
			continue
		}
		if g := s.glossOf(n); g != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[n] = g
		}
	}
	return out
}

// glossOf returns the word a Latin abbreviation glosses in the documents, the last word of the
// Chinese written right before the parenthesis that holds it ("数字疗法(Digital
// Therapeutics,DTx)" gives 疗法 for dtx), or "". The caller holds s.mu.
func (s *Store) glossOf(name string) string {
	key := s.shape()
	s.glosses.Lock()
	defer s.glosses.Unlock()
	if s.glosses.key != key || s.glosses.m == nil {
		s.glosses.key, s.glosses.m = key, map[string]string{}
	}
	if g, ok := s.glosses.m[name]; ok {
		return g
	}
	g := s.findGloss(name)
	if len(s.glosses.m) < maxCachedGlosses {
		s.glosses.m[name] = g
	}
	return g
}

// maxCachedGlosses bounds the gloss cache: every Latin word a question names is looked up.
const maxCachedGlosses = 4096

// findGloss is glossOf without the cache. The caller holds s.mu.
func (s *Store) findGloss(name string) string {
	toks := AppendTokens(nil, name)
	if len(toks) != 1 || s.lex.df(toks[0]) == 0 {
		return ""
	}
	gloss := ""
	s.someChunk(toks[0], func(ref slotRef) bool {
		text := FoldText(ref.doc.Chunks[ref.chunk].Text)
		for i := range occurrences(text, name) {
			open := strings.LastIndex(text[:i], "(")
			if open < 0 || strings.Contains(text[open:i], ")") || i-open > 80 {
				continue
			}
			before := []rune(text[:open])
			start := len(before)
			for start > 0 && isCJK(before[start-1]) && len(before)-start < 12 {
				start--
			}
			words := zh.Segment(string(before[start:]))
			if n := len(words); n > 0 && utf8.RuneCountInString(words[n-1].Text) >= 2 {
				gloss = words[n-1].Text
				return true
			}
		}
		return false
	})
	return gloss
}
