package rag

import (
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
// and at every line break. Spans exclude the line breaks and the spaces between sentences.
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
			emit(i)
		case strings.ContainsRune(sentenceEnds, r),
			r == '.' && (i+1 == len(runes) || unicode.IsSpace(runes[i+1])):
			j := i + 1
			for j < len(runes) && (strings.ContainsRune(sentenceEnds, runes[j]) || strings.ContainsRune(closers, runes[j])) {
				j++
			}
			emit(j)
			i = j - 1
		}
	}
	emit(len(runes))
	return out
}
