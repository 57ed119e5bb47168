package rag

import (
	"strings"
	"unicode"

	"github.com/wenda-dev/wenda/rag/zh"
)

// Token is a hashed term: a CJK character, a pair of adjacent CJK characters, or a lower-cased
// Latin word or number. Hashing keeps tokenisation allocation-free; 64 bits make collisions
// negligible at any corpus size wenda serves.
type Token uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// isCJK reports whether r is written without spaces between words (Han, kana, Hangul), so it is
// indexed as character 1- and 2-grams rather than as words.
func isCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	if r >= 0x4E00 && r <= 0x9FFF { // the common ideographs: nearly all Chinese text
		return true
	}
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// foldRune maps full-width ASCII to ASCII, upper case to lower case and Traditional Chinese
// characters to Simplified, so "ＧＤＰ" matches "gdp" and 甘肅 matches 甘肃.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if s := zh.Fold(r); s != r {
		return s
	}
	return unicode.ToLower(r)
}

// FoldText applies foldRune to every rune of s: the form in which texts are compared.
func FoldText(s string) string { return strings.Map(foldRune, s) }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func hashRunes(h uint64, r rune) uint64 {
	for x := uint32(r); ; x >>= 8 {
		h ^= uint64(x & 0xFF)
		h *= fnvPrime
		if x < 0x100 {
			return h
		}
	}
}

// unigramToken and bigramToken hash CJK grams; a separator byte keeps a bigram from colliding
// with a word made of the same runes.
func unigramToken(r rune) Token { return Token(hashRunes(fnvOffset, r)) }

func bigramToken(a, b rune) Token {
	h := hashRunes(fnvOffset, a)
	h = (h ^ 0x1F) * fnvPrime
	return Token(hashRunes(h, b))
}

// AppendTokens appends text's tokens to dst in text order and returns the extended slice.
// CJK runs give every character and every adjacent pair; other letters and digits give
// lower-cased words, keeping a "." or "," between digits so "7.88" stays one number.
func AppendTokens(dst []Token, text string) []Token {
	eachToken(text, func(t Token) { dst = append(dst, t) })
	return dst
}

// eachToken calls yield for every token of text in order, without allocating.
func eachToken(text string, yield func(t Token)) {
	var (
		prevCJK rune = -1
		word    uint64
		inWord  bool
		prevDig bool // the word's last rune was a digit
		pending rune // a "." or "," after a digit, kept only if a digit follows
	)
	flush := func() {
		if inWord {
			yield(Token(word))
		}
		inWord, pending = false, 0
	}
	for _, r := range text {
		if r < 0x4E00 || r > 0x9FFF { // common ideographs have no case: one table lookup
			r = foldRune(r)
		} else {
			r = zh.Fold(r)
		}
		if isCJK(r) {
			flush()
			yield(unigramToken(r))
			if prevCJK >= 0 {
				yield(bigramToken(prevCJK, r))
			}
			prevCJK = r
			continue
		}
		prevCJK = -1
		if isWordRune(r) {
			dig := unicode.IsDigit(r)
			switch {
			case !inWord:
				word, inWord = fnvOffset, true
			case pending != 0 && dig:
				word = hashRunes(word, pending)
			case pending != 0: // "3.x": the number ended at the dot
				flush()
				word, inWord = fnvOffset, true
			}
			pending = 0
			word = hashRunes(word, r)
			prevDig = dig
			continue
		}
		if inWord && prevDig && pending == 0 && (r == '.' || r == ',') {
			pending = r
			continue
		}
		flush()
	}
	flush()
}
