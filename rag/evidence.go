package rag

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
}

// fits reports whether the sentence meets every constraint of the question.
func (s sentence) fits() bool { return len(s.unmet) == 0 }

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
)

// weightedWord is a question content word and how much it says about what is asked.
type weightedWord struct {
	text   string
	weight float64
	pairs  []string // a long CJK word's character pairs, for partial matches
}

// weighWords returns each content word's weight: the BM25 inverse document frequency of its
// rarest character pair (or of the word, for Latin words and single characters). A word the
// index never holds weighs nothing, as no sentence can hold it; names the documents never
// mention are absentNames' business. own, when set, are a follow-up's own words: they count
// double and the earlier topic's words half. The caller holds s.mu.
func (s *Store) weighWords(q question, own map[string]bool) []weightedWord {
	out := make([]weightedWord, 0, len(q.words))
	for _, w := range q.words {
		ww := weightedWord{text: w}
		runes := []rune(w)
		switch {
		case len(runes) >= 2 && allCJK(w):
			best := -1.0
			for i := 0; i+1 < len(runes); i++ {
				t := bigramToken(runes[i], runes[i+1])
				if s.lex.df(t) == 0 {
					best = 0
					break
				}
				best = max(best, s.lex.idf(t))
				if len(runes) >= 3 {
					ww.pairs = append(ww.pairs, string(runes[i:i+2]))
				}
			}
			ww.weight = max(best, 0)
		default:
			toks := AppendTokens(nil, w)
			if len(toks) == 0 {
				continue
			}
			for _, t := range toks {
				if s.lex.df(t) > 0 {
					ww.weight = max(ww.weight, s.lex.idf(t))
				}
			}
			if len(runes) == 1 {
				ww.weight *= singleCharWeight
			}
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
	return out
}

// matchWord is how much of w text holds: 1 when whole, else partial credit for a long word's
// character pairs.
func matchWord(w weightedWord, folded string) float64 {
	if strings.Contains(folded, w.text) {
		return 1
	}
	if !allCJK(w.text) && !strings.ContainsFunc(w.text, isCJK) {
		// Latin words and numbers: as tokens, so "ge" does not match inside "general".
		return tokenMatch(w.text, folded)
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

// tokenMatch is 1 when the Latin word or number w occurs in folded as a whole token.
func tokenMatch(w, folded string) float64 {
	want := AppendTokens(nil, w)
	if len(want) == 0 {
		return 0
	}
	have := map[Token]bool{}
	eachToken(folded, func(t Token) { have[t] = true })
	for _, t := range want {
		if !have[t] {
			return 0
		}
	}
	return 1
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
	var total float64
	for _, w := range words {
		total += w.weight
	}
	qset := tokenSet(q.folded)
	var out []sentence
	for pi, p := range passages {
		runes := []rune(p.Chunk.Text)
		meta := FoldText(p.Title + " " + strings.Join(p.Chunk.Section, " "))
		spans := Sentences(runes)
		chunkFolded := statedText(runes, spans)
		prev := ""
		for _, sp := range spans {
			text := string(runes[sp.Start:sp.End])
			folded := FoldText(text)
			context := prev
			if isQuestionSentence(text) {
				prev = ""
				continue
			}
			prev = folded
			if sp.End-sp.Start < minEvidenceRunes || isCaption(text) || restates(qset, folded) {
				continue
			}
			sent := sentence{passage: pi, start: sp.Start, end: sp.End, text: text, folded: folded}
			if sp.Start == 0 {
				if head := s.sentenceHead(p); head != "" {
					sent.text = head + text // the chunk starts mid-sentence ("川省“十四五”期间")
				}
			}
			if !namesSubject(folded) {
				sent.subject = s.subjectBefore(p, sp.Start)
			}
			ctx := context + " " + FoldText(sent.subject) + " " + meta
			if total > 0 {
				var got, direct float64
				for _, w := range words {
					m := matchWord(w, folded)
					direct += w.weight * m
					if m < 1 {
						m = max(m, contextCredit*matchWord(w, ctx))
					}
					got += w.weight * m
				}
				sent.score, sent.direct = got/total, direct/total
			}
			sent.unmet = unmetConstraints(q, folded, context, ctx, chunkFolded)
			out = append(out, sent)
		}
	}
	slices.SortStableFunc(out, func(a, b sentence) int {
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
	})
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
// state where they would have to be: a year in the sentence or the one before it; a place in
// the sentence, its subject, or the document's title or section (not merely elsewhere in the
// chunk, which may be another province's plan); a name anywhere in the chunk or its title.
func unmetConstraints(q question, sent, prev, ctx, chunk string) []string {
	var unmet []string
	for _, y := range q.years {
		if tokenMatch(y, sent) == 0 && tokenMatch(y, prev) == 0 {
			unmet = append(unmet, y+"年")
		}
	}
	for _, p := range q.places {
		if !strings.Contains(sent, p) && !strings.Contains(ctx, p) {
			unmet = append(unmet, p)
		}
	}
	for _, n := range q.names {
		if matchWord(weightedWord{text: n}, sent) == 0 && matchWord(weightedWord{text: n}, chunk) == 0 &&
			matchWord(weightedWord{text: n}, ctx) == 0 {
			unmet = append(unmet, n)
		}
	}
	return unmet
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
	return strings.Contains(s, "来源:") || strings.Contains(s, "来源：") || strings.Contains(s, "Source:")
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
	for _, n := range q.names {
		if !s.statedLiteral(n) {
			absent = append(absent, n)
		}
	}
	return absent
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
	rare, rareDF := toks[0], s.lex.df(toks[0])
	for _, t := range toks[1:] {
		if df := s.lex.df(t); df < rareDF {
			rare, rareDF = t, df
		}
	}
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
	for _, p := range s.lex.entry(rare).postings {
		if !s.lex.alive[p.slot] {
			continue
		}
		ref := s.slots[p.slot]
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
	}
	return false
}
