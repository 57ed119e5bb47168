package rag

import (
	"iter"
	"strings"
	"unicode"
)

// Span is a half-open range of rune offsets.
type Span struct{ Start, End int }

// sentenceEnds are the runes after which a sentence ends. ASCII "." is handled apart: it ends a
// sentence only before white space or the end of the text, never inside "7.88" or "2.8万".
const sentenceEnds = "。！？；!?;…"

// closers may follow a sentence end and still belong to the sentence.
const closers = "”’」』）)\"'】》"

// Sentences splits runes into sentences: after 。！？；!?; and …, after a "." followed by space,
// and at line breaks, except one that cuts a long line mid-sentence (see brokenLine). Spans
// exclude the line breaks and the spaces between sentences.
func Sentences(runes []rune) []Span {
	var out []Span
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && unicode.IsSpace(runes[s]) {
			s++
		}
		for e > s && unicode.IsSpace(runes[e-1]) {
			e--
		}
		if e > s {
			out = append(out, Span{s, e})
		}
		start = end
	}
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r == '\n':
			if !brokenLine(runes, i) {
				emit(i)
			}
		case strings.ContainsRune(sentenceEnds, r),
			r == '.' && (i+1 == len(runes) || unicode.IsSpace(runes[i+1])):
			j := i + 1
			for j < len(runes) && (strings.ContainsRune(sentenceEnds, runes[j]) || strings.ContainsRune(closers, runes[j])) {
				j++
			}
			if r == '…' && j < len(runes) && strings.ContainsRune(",，、", runes[j]) {
				i = j - 1 // "……,本质上是人的转变": an ellipsis the sentence goes on after
				continue
			}
			emit(j)
			i = j - 1
		}
	}
	emit(len(runes))
	return out
}

// inTitle reports whether runes[i] is inside a 《book title》 opened since start and closed within
// maxTitleRunes of it: "《数字化转型,到底是什么?|数字化转型系列谈》一文中……" goes on after the
// title's question mark (evidenceSpans).
func inTitle(runes []rune, start, i int) bool {
	open := -1
	for k := i - 1; k >= start && k >= i-maxTitleRunes; k-- {
		if runes[k] == '》' || runes[k] == '\n' {
			return false
		}
		if runes[k] == '《' {
			open = k
			break
		}
	}
	if open < 0 {
		return false
	}
	for k := i + 1; k < len(runes) && k <= open+maxTitleRunes; k++ {
		switch runes[k] {
		case '》':
			return true
		case '《', '\n':
			return false
		}
	}
	return false
}

// maxTitleRunes bounds how long a book title may be: an unclosed 《 does not swallow the text.
const maxTitleRunes = 60

// minBrokenLineRunes: a line at least this long that ends without punctuation was broken in
// the middle of a sentence (scraped pages wrap "……最终导致GE\nDigital业务乏力收缩"); a shorter
// one is a heading or a list item.
const minBrokenLineRunes = 60

// brokenLine reports whether the line break at runes[i] cuts a sentence: the line before is long
// and ends in a Latin letter, and the next line goes on with one ("GE\nDigital").
func brokenLine(runes []rune, i int) bool {
	if i == 0 || i+1 >= len(runes) {
		return false
	}
	// Only between Latin letters: a Chinese line that ends without punctuation is as often
	// a paragraph of its own (a byline, a caption) as a broken one.
	last, next := runes[i-1], runes[i+1]
	if !isLatinLetter(last) || !isLatinLetter(next) {
		return false
	}
	n := 0
	for j := i - 1; j >= 0 && runes[j] != '\n'; j-- {
		if n++; n >= minBrokenLineRunes {
			return true
		}
	}
	return false
}

func isLatinLetter(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }

// containsAny reports whether s contains one of subs.
// occurrences yields the byte offset of every occurrence of sub in s, left to right and not
// overlapping.
func occurrences(s, sub string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for at := 0; sub != ""; {
			i := strings.Index(s[at:], sub)
			if i < 0 || !yield(at+i) {
				return
			}
			at += i + len(sub)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// cueTable maps cue phrases to what they signal; the first entry with a cue in the text wins.
type cueTable[K any] []struct {
	kind K
	cues []string
}

// first returns the kind of the first entry one of whose cues the folded text holds, padded
// with spaces so that English cues can require a word boundary ("why ").
func (t cueTable[K]) first(folded string) (K, bool) {
	padded := " " + folded + " "
	for _, c := range t {
		if containsAny(padded, c.cues) {
			return c.kind, true
		}
	}
	var none K
	return none, false
}
