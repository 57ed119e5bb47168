package rag

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file decides what in the retrieved passages bears on a question, and whether the
// knowledge base answers it at all. Both answerers use it, so an LLM is never asked to answer a
// question the documents cannot support.

// functionWords are question words and particles: they say how something is asked, not what is
// asked about, so they neither count as evidence nor as terms the documents must contain.
var functionWords = []string{
	"是不是", "有没有", "能不能", "什么时候", "为什么", "怎么样", "是否", "什么", "哪些", "哪个", "哪里", "哪儿",
	"哪年", "如何", "怎样", "怎么", "为何", "何时", "多少", "多大", "多长", "多久", "多高", "多远", "几个", "请问",
	"能否", "可以", "比如", "例如", "以及", "还有", "一下", "那么",
	// Single characters only where they rarely sit inside a word: "能", "会", "有", "要" would
	// cut 功能, 社会, 所有 and 重要 in half.
	"哪", "几", "吗", "呢", "吧", "啊", "的", "了", "是", "在", "与", "及", "或", "把", "被", "给", "请", "很",
	"该", "这", "那", "它", "他", "她",
}

var englishStopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of to in on at by for with from as and or not no is are was were be been
	being do does did done have has had having it its this that these those there here what which who whom whose when
	where why how can could would should will shall may might must i you he she we they me him her us them my your our
	their his about into over under than then so if but also any some all each more most other such only own same
	too very just tell please know like`) {
		englishStopwords[w] = true
	}
}

// stripFunctionWords replaces function words in a CJK question with a separator, leaving the
// content segments ("盛世笔特", "数字化智能化技术", ...).
func stripFunctionWords(q string) string {
	for _, w := range functionWords {
		q = strings.ReplaceAll(q, w, " ")
	}
	return q
}

// questionTerms returns the question's content tokens (function words and English stopwords
// removed), each once.
func questionTerms(q string) []Token {
	var toks []Token
	for _, f := range strings.FieldsFunc(stripFunctionWords(q), func(r rune) bool {
		return !isCJK(r) && !isWordRune(r) && r != '.' && r != ','
	}) {
		if englishStopwords[strings.ToLower(f)] {
			continue
		}
		toks = AppendTokens(toks, f)
	}
	slices.Sort(toks)
	return slices.Compact(toks)
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
	text    string // the sentence
	score   float64
}

// tokenSet returns the distinct tokens of text.
func tokenSet(text string) map[Token]struct{} {
	set := map[Token]struct{}{}
	eachToken(text, func(t Token) { set[t] = struct{}{} })
	return set
}

// coverage is the share of the question's term weight found in set.
func coverage(terms []Token, weights []float64, total float64, set map[Token]struct{}) float64 {
	if total == 0 {
		return 0
	}
	var got float64
	for i, t := range terms {
		if _, ok := set[t]; ok {
			got += weights[i]
		}
	}
	return got / total
}

// sentenceScorer scores many sentences against one question without allocating per sentence:
// this runs for every sentence of every retrieved passage on every question, and building a map
// per sentence was half the cost of an answer (pprof, docs/benchmarks.md).
type sentenceScorer struct {
	weight   map[Token]float64  // question term → weight
	question map[Token]struct{} // every distinct token of the question
	total    float64
	buf      []Token
}

func newSentenceScorer(question string, terms []Token, weights []float64) *sentenceScorer {
	sc := &sentenceScorer{weight: make(map[Token]float64, len(terms)), question: tokenSet(question)}
	for i, t := range terms {
		sc.weight[t] = weights[i]
		sc.total += weights[i]
	}
	return sc
}

// score returns the sentence's coverage of the weighted terms, and whether the sentence mostly
// restates the question: at least 60% of its distinct tokens are the question's and it holds
// 60% of the question's.
func (sc *sentenceScorer) score(text string) (coverage float64, restates bool) {
	sc.buf = AppendTokens(sc.buf[:0], text)
	slices.Sort(sc.buf)
	distinct := slices.Compact(sc.buf)
	shared := 0
	var got float64
	for _, t := range distinct {
		if _, ok := sc.question[t]; ok {
			shared++
		}
		got += sc.weight[t]
	}
	restates = len(distinct) > 0 && len(sc.question) > 0 &&
		float64(shared) >= 0.6*float64(len(distinct)) && float64(shared) >= 0.6*float64(len(sc.question))
	if sc.total > 0 {
		coverage = got / sc.total
	}
	return coverage, restates
}

// minEvidenceRunes drops fragments too short to state anything ("01", "见下表").
const minEvidenceRunes = 6

// candidateSentences splits the passages into sentences that may serve as evidence, scored by
// how much of the question's weighted terms they contain, best first. Sentences that ask a
// question or restate this one are left out.
func candidateSentences(question string, passages []Passage, terms []Token, weights []float64) []sentence {
	sc := newSentenceScorer(question, terms, weights)
	var out []sentence
	for pi, p := range passages {
		runes := []rune(p.Chunk.Text)
		for _, sp := range Sentences(runes) {
			text := string(runes[sp.Start:sp.End])
			if sp.End-sp.Start < minEvidenceRunes || isQuestionSentence(text) {
				continue
			}
			cov, restates := sc.score(text)
			if restates {
				continue
			}
			out = append(out, sentence{passage: pi, start: sp.Start, text: text, score: cov})
		}
	}
	slices.SortStableFunc(out, func(a, b sentence) int {
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

// rareDF is the document frequency up to which a term's occurrences are checked one by one:
// a term found in more chunks than this is surely stated somewhere, not only asked about.
const rareDF = 3

// stated reports whether some sentence in the index that is not a question contains literal
// (whose token is t). The caller holds s.mu.
func (s *Store) stated(t Token, literal string) bool {
	df := s.lex.df(t)
	if df == 0 {
		return false
	}
	if df > rareDF {
		return true
	}
	literal = strings.ToLower(literal)
	for _, p := range s.lex.entry(t).postings {
		if !s.lex.alive[p.slot] {
			continue
		}
		ref := s.slots[p.slot]
		runes := []rune(ref.doc.Chunks[ref.chunk].Text)
		for _, sp := range Sentences(runes) {
			sent := strings.ToLower(string(runes[sp.Start:sp.End]))
			if strings.Contains(sent, literal) && !isQuestionSentence(sent) {
				return true
			}
		}
		if strings.Contains(strings.ToLower(ref.doc.Title), literal) {
			return true
		}
	}
	return false
}

// MissingTerms returns the terms of a question that the knowledge base never states: names and
// words that appear nowhere in it except, perhaps, in a quoted question. Asked what "盛世笔特"
// plans, when the documents mention it only in a visitor's question, it returns ["盛世笔特"].
//
// Chinese has no spaces, so terms are found from character pairs: after function words are cut
// out, a run of adjacent pairs the index never states marks an unknown term when it is three
// pairs long or covers two thirds of its segment ("股价" alone, "鸿蒙系统"); shorter runs are
// usually just words meeting. When the run covers half its segment or more, the whole segment
// is reported, as that is how the person wrote the name. Latin words count when capitalised
// (names, acronyms); ordinary English words vary too much in form to demand.
func (s *Store) MissingTerms(question string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var missing []string
	segments := strings.FieldsFunc(stripFunctionWords(question), func(r rune) bool {
		return !isCJK(r) && !isWordRune(r)
	})
	for _, seg := range segments {
		for _, piece := range splitScripts(seg) {
			runes := []rune(piece)
			if !isCJK(runes[0]) {
				if unicode.IsUpper(runes[0]) && len(runes) > 1 && !englishStopwords[strings.ToLower(piece)] &&
					!s.stated(AppendTokens(nil, piece)[0], piece) {
					missing = append(missing, piece)
				}
				continue
			}
			missing = append(missing, s.unstatedRuns(runes)...)
		}
	}
	return slices.Compact(missing)
}

// unstatedRuns finds runs of unstated character pairs in a CJK segment. The caller holds s.mu.
func (s *Store) unstatedRuns(runes []rune) []string {
	pairs := len(runes) - 1
	if pairs < 1 {
		return nil
	}
	var out []string
	for i := 0; i < pairs; {
		if s.stated(bigramToken(foldRune(runes[i]), foldRune(runes[i+1])), string(runes[i:i+2])) {
			i++
			continue
		}
		j := i + 1
		for j < pairs && !s.stated(bigramToken(foldRune(runes[j]), foldRune(runes[j+1])), string(runes[j:j+2])) {
			j++
		}
		// Two unstated pairs in a row also happen where a one-character word sits between two
		// words ("转型上投资"), so a run must be three pairs long, or most of its segment.
		if n := j - i; n >= 3 || 3*n >= 2*pairs {
			if 2*n >= pairs {
				return []string{string(runes)}
			}
			out = append(out, string(runes[i:j+1]))
		}
		i = j
	}
	return out
}

// splitScripts cuts a segment into CJK runs and runs of other letters and digits.
func splitScripts(seg string) []string {
	var out []string
	start, prev := 0, -1
	for i, r := range seg {
		kind := 0
		if isCJK(r) {
			kind = 1
		}
		if prev >= 0 && kind != prev {
			out = append(out, seg[start:i])
			start = i
		}
		prev = kind
	}
	if start < len(seg) {
		out = append(out, seg[start:])
	}
	return out
}
