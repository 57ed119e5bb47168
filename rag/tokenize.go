package rag

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

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
func eachToken(text string, yield func(t Token)) { scanTokens(text, yield, nil) }

// scanTokens calls yield for every token of text in order and, when normal is not nil, normal
// for every word of letters whose normal form differs from it (see eachNormalForm), right after
// the word's token. One pass does both: BenchmarkCountTerms took 5.3 ms without normal forms,
// 9.5 ms with a second scan of the text for them, 6.5 ms with this one.
func scanTokens(text string, yield func(t Token), normal func(word, form Token)) {
	var (
		prevCJK rune = -1
		word    uint64
		inWord  bool
		prevDig bool // the word's last rune was a digit
		pending rune // a "." or "," after a digit, kept only if a digit follows
		letters [48]rune
		n       int      // the word's runes in letters; -1 once it has a digit or is too long
		form    [96]rune // the normal form's runes; unaccenting may double a letter (ß → ss)
	)
	flush := func() {
		if inWord {
			yield(Token(word))
			if normal != nil && n >= 3 {
				if f, ok := normalForm(form[:0], letters[:n]); ok {
					if t := Token(hashString(f)); t != Token(word) {
						normal(Token(word), t)
					}
				}
			}
		}
		inWord, pending, n = false, 0, 0
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
			switch {
			case normal == nil: // eachToken: no normal forms wanted
			case dig || n < 0 || n == len(letters):
				n = -1
			default:
				letters[n] = r
				n++
			}
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

// Word forms. A question asks "When did Tugh Temur found his academy?" of a passage that writes
// "Temür" and "founding": the words are the same, their spelling is not. Every Latin word made
// of letters alone has a normal form, its accents removed and a few English endings stripped
// (normalForm), and the index holds that form as a term too whenever it differs from the word
// (eachNormalForm, countTerms). A query searches the normal form, so "founded", "founding" and
// "found" meet.

// eachNormalForm calls yield for every word of text made of letters only whose normal form
// differs from it, with the word's own token (as eachToken gives it) and its normal form's.
func eachNormalForm(text string, yield func(word, normal Token)) {
	scanTokens(text, func(Token) {}, yield)
}

func hashString(rs []rune) uint64 {
	h := uint64(fnvOffset)
	for _, r := range rs {
		h = hashRunes(h, r)
	}
	return h
}

// normalForm appends to out word (lower-case letters) with its accents removed and its English
// inflection stripped (stem), or returns false if it is not a Latin word.
func normalForm(out, word []rune) ([]rune, bool) {
	for _, r := range word {
		if r < 0x80 {
			out = append(out, r)
			continue
		}
		base, ok := unaccented(r)
		if !ok {
			return nil, false
		}
		for _, b := range base {
			out = append(out, rune(b))
		}
	}
	return stem(out), true
}

// unaccented maps a Latin letter with a diacritic to its base letters (é → e, ß → ss).
func unaccented(r rune) (string, bool) {
	if r < 0xC0 || r > 0x24F {
		return "", false
	}
	base := latinBase()[r-0xC0]
	return base, base != ""
}

// latinBase is unaccented's table for U+00C0–U+024F: the letter its canonical decomposition
// starts with, or the letters it is written as without the mark.
var latinBase = sync.OnceValue(func() []string {
	t := make([]string, 0x250-0xC0)
	for r := rune(0xC0); r < 0x250; r++ {
		d := []rune(norm.NFD.String(string(r)))
		if len(d) > 1 && d[0] < 0x80 && unicode.IsLetter(d[0]) {
			t[r-0xC0] = strings.ToLower(string(d[0]))
		}
	}
	for r, s := range map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'ı': "i"} {
		t[r-0xC0] = s
	}
	return t
})

// stem strips the common English inflections from a lower-case ASCII word, in place: plural
// -s and -es, -ed, -ing, and a final -e, so that "named" and "name", "produces" and "produce",
// "studies" and "studied" share a form. It is a light stemmer on purpose: derivational endings
// (-ation, -ment) change what a word means often enough to cost more than they find. A stem
// keeps at least three letters and a vowel.
func stem(w []rune) []rune {
	for _, r := range w {
		if r >= 0x80 {
			return w
		}
	}
	if len(w) < 4 {
		return w
	}
	has := func(suffix string) bool {
		if len(w) < len(suffix) {
			return false
		}
		tail := w[len(w)-len(suffix):]
		for i := range len(suffix) {
			if tail[i] != rune(suffix[i]) {
				return false
			}
		}
		return true
	}
	cut := func(k int) { w = w[:len(w)-k] }
	switch {
	case has("sses"):
		cut(2)
	case has("ies") && len(w) > 4:
		cut(3)
		w = append(w, 'y')
	case has("ss"), has("us"), has("is"):
	case has("s"):
		cut(1)
	}
	switch {
	case has("ied") && len(w) > 4:
		cut(3)
		w = append(w, 'y')
	case has("eed"):
	case has("ed") && stemmable(w[:len(w)-2]):
		cut(2)
		undouble(&w)
	case has("ing") && stemmable(w[:len(w)-3]):
		cut(3)
		undouble(&w)
	}
	if has("e") && len(w) >= 4 {
		cut(1)
	}
	return w
}

// stemmable reports whether what is left after a cut can be a stem: three letters with a vowel.
func stemmable(w []rune) bool {
	if len(w) < 3 {
		return false
	}
	for _, r := range w {
		switch r {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return true
		}
	}
	return false
}

// undouble drops the second of a doubled final consonant left by a cut ("stopped" → stop),
// except l, s and z, which English doubles in the stem itself (call, pass, buzz).
func undouble(w *[]rune) {
	s := *w
	if n := len(s); n >= 2 && s[n-1] == s[n-2] {
		switch s[n-1] {
		case 'a', 'e', 'i', 'o', 'u', 'l', 's', 'z':
		default:
			*w = s[:n-1]
		}
	}
}
