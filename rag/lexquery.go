package rag

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag/zh"
)

// This file turns a query into BM25 terms with weights. Real questions are full of asking words
// ("多少钱", "什么时候", "哪家好", "what", "when"): passages state answers and rarely repeat them,
// yet in BM25 they count as much as the name the question is about, and a passage that asks
// the same kind of question about something else wins. Weighting by what the segmenter reads
// took DuReader's MRR@10 from 0.793 to 0.829 and SQuAD's from 0.811 to 0.844 (BM25 alone,
// docs/benchmarks.md).

// queryTerm is a query token with the weight its BM25 contribution is multiplied by.
type queryTerm struct {
	t Token
	w float64
	// cover marks a term that stands for a whole content word of the query (a bigram inside
	// the word, the character of a one-character word, a Latin word): how many of them a chunk
	// holds is its coverage of the question (lexicalIndex.searchWeighted).
	cover bool
}

const (
	// questionWordWeight is the weight of the tokens of question and function words: enough to
	// break a tie between passages equal on the content words, never to outweigh one.
	questionWordWeight = 0.1
	// boundaryWeight is the weight of a bigram that spans two words ("格空" in "价格空调"): it
	// holds the words' order, but as a term it is mostly noise.
	boundaryWeight = 0.5
	// modelPartWeight is the weight of a part of a model number (modelParts): as much as a
	// content word, though not counted in coverage, so a passage that holds only a part of
	// the model ranks below one that writes it whole. (DuReader MRR@10 0.8280 at 0.5, 0.8291
	// at 1; nothing else moved.)
	modelPartWeight = 1.0
)

// lexicalQuery returns query's BM25 terms, each token once with its highest weight. Every token
// AppendTokens gives for query is among them, or for a Latin word that has a normal form
// (eachNormalForm), that form instead. Chinese runs are segmented (zh.Segment): the
// characters and inner bigrams of a word weigh 1, or questionWordWeight for a question or
// function word (scaffoldWords, isQuestionWord); a bigram across two words weighs
// boundaryWeight times the lighter word's weight. Latin words weigh 1, searched in their normal
// form, English stopwords questionWordWeight. A query made of nothing but question words is
// searched as asked, with every weight 1.
func lexicalQuery(query string) []queryTerm {
	var out []queryTerm
	index := map[Token]int{}
	add := func(t Token, w float64, cover bool) {
		if i, ok := index[t]; ok {
			out[i].w = max(out[i].w, w)
			out[i].cover = out[i].cover || cover
			return
		}
		index[t] = len(out)
		out = append(out, queryTerm{t, w, cover})
	}
	for _, run := range scriptRuns(FoldText(query)) {
		if r, _ := utf8.DecodeRuneInString(run); !isCJK(r) {
			stop := englishStopTokens()
			normal := map[Token]Token{}
			eachNormalForm(run, func(word, n Token) { normal[word] = n })
			eachToken(run, func(t Token) {
				n, inflected := normal[t]
				switch {
				case stop[t]:
					add(t, questionWordWeight, false)
				case inflected:
					// Every chunk that holds the word holds its normal form too, and so does
					// one that spells it otherwise. (Also searching the word as written, at 0.1
					// or 0.3, lowered SQuAD's R@5: docs/benchmarks.md.)
					add(n, 1, true)
				default:
					add(t, 1, true)
				}
			})
			for _, part := range slices.Concat(modelParts(run), joinedNames(run)) {
				eachToken(part, func(t Token) {
					if _, ok := index[t]; !ok {
						add(t, modelPartWeight, false)
					}
				})
			}
			continue
		}
		prev, prevW := rune(-1), 0.0
		for _, w := range queryWords(run) {
			weight := 1.0
			if isAskingWord(w) {
				weight = questionWordWeight
			}
			content := weight == 1
			single := utf8.RuneCountInString(w) == 1
			first := true
			for _, r := range w {
				if !isCJK(r) {
					prev = -1
					continue
				}
				add(unigramToken(r), weight, content && single)
				if prev >= 0 {
					if first {
						add(bigramToken(prev, r), boundaryWeight*min(weight, prevW), false)
					} else {
						add(bigramToken(prev, r), weight, content)
					}
				}
				prev, prevW, first = r, weight, false
			}
		}
	}
	for _, q := range out {
		if q.w == 1 {
			return out
		}
	}
	for i := range out { // only question words: search the question as asked
		out[i].w = 1
	}
	return out
}

// isAskingWord reports whether a word of a question only says how it is asked.
func isAskingWord(w string) bool { return scaffoldWords[w] || isQuestionWord(w) }

// queryWords segments a Chinese run, joining words the segmenter cut out of one question
// phrase: gse cuts 什么时候 into 什么/时候, which leaves 时候 a content word.
func queryWords(run string) []string {
	words := zh.Segment(run)
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i].Text
		for j := min(i+3, len(words)); j > i+1; j-- {
			joined := w
			for _, x := range words[i+1 : j] {
				joined += x.Text
			}
			if isAskingWord(joined) {
				w, i = joined, j-1
				break
			}
		}
		out = append(out, w)
	}
	return out
}

// englishStopTokens are the tokens of the English stopwords.
var englishStopTokens = sync.OnceValue(func() map[Token]bool {
	m := map[Token]bool{}
	for w := range englishStopwords {
		eachToken(w, func(t Token) { m[t] = true })
	}
	return m
})

// joinedNames returns each two neighbouring words of a Latin run written together: documents
// write a name as one word that a question writes as two ("PearTherapeutics" for "Pear
// Therapeutics"). English stopwords and one-letter words join nothing.
func joinedNames(run string) []string {
	words := strings.FieldsFunc(run, func(r rune) bool { return !isWordRune(r) })
	var out []string
	for i := 0; i+1 < len(words); i++ {
		a, b := words[i], words[i+1]
		if len(a) < 2 || len(b) < 2 || englishStopwords[a] || englishStopwords[b] {
			continue
		}
		out = append(out, a+b)
	}
	return out
}

// modelParts returns the parts of run's model numbers: a word that mixes letters and digits
// ("hd6100", "360n5s") is cut where letters and digits meet, and every run of its pieces other
// than the whole word, at least two characters long, is a part (hd, 6100; 360, n5s, 360n, 5s,
// …). Passages write such models apart or with the product line's name between the pieces
// ("Graphics 6100", "360手机N5s"), which the whole word never matches. Splitting into the
// pieces alone found nothing on DuReader (the first round); its parts took one more query into
// the top five, and moved no other on any eval set (docs/benchmarks.md).
func modelParts(run string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(run, func(r rune) bool { return !isWordRune(r) }) {
		var pieces []string
		rs := []rune(w)
		start := 0
		for i := 1; i <= len(rs); i++ {
			if i == len(rs) || unicode.IsDigit(rs[i]) != unicode.IsDigit(rs[i-1]) {
				pieces = append(pieces, string(rs[start:i]))
				start = i
			}
		}
		if len(pieces) < 2 || len(pieces) > 6 { // six pieces give fifteen parts; longer is a code, not a model
			continue
		}
		for a := range pieces {
			for b := a + 1; b <= len(pieces); b++ {
				if part := strings.Join(pieces[a:b], ""); (a > 0 || b < len(pieces)) && utf8.RuneCountInString(part) >= 2 {
					out = append(out, part)
				}
			}
		}
	}
	return out
}
