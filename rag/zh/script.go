package zh

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// tschars holds "Traditional Simplified" rune pairs, one per line (OpenCC's TSCharacters, first
// candidate).
//
//go:embed tschars.txt
var tschars string

// foldBase and foldTable map the CJK blocks where Traditional forms live to their Simplified
// forms: a flat table is a single load per rune on the tokeniser's hot path, where a map cost
// more than the rest of tokenising a character.
const (
	foldBase = 0x3400
	foldEnd  = 0xA000
)

var foldTable []rune

// foldExtra holds the few pairs outside [foldBase, foldEnd) (supplementary-plane forms).
var foldExtra = map[rune]rune{}

func init() {
	foldTable = make([]rune, foldEnd-foldBase)
	for line := range strings.Lines(tschars) {
		rs := []rune(strings.TrimSpace(line))
		if len(rs) != 3 {
			continue
		}
		t, s := rs[0], rs[2]
		if t >= foldBase && t < foldEnd {
			foldTable[t-foldBase] = s
		} else {
			foldExtra[t] = s
		}
	}
}

// Fold returns r's Simplified form, or r itself when it has none (it is already Simplified,
// or not a Chinese character). It is lossy by design: 乾 and 幹 both fold to 干. Use it to
// compare and index, never to display.
func Fold(r rune) rune {
	if r >= foldBase && r < foldEnd {
		if s := foldTable[r-foldBase]; s != 0 {
			return s
		}
		return r
	}
	if r > 0xFFFF {
		if s, ok := foldExtra[r]; ok {
			return s
		}
	}
	return r
}

// FoldString returns s with every character folded to its Simplified form.
func FoldString(s string) string {
	changed := false
	for _, r := range s {
		if Fold(r) != r {
			changed = true
			break
		}
	}
	if !changed {
		return s
	}
	return strings.Map(Fold, s)
}

// twphrases holds "Taiwan mainland" phrase pairs in Simplified characters (OpenCC's
// TWPhrasesRev): 数位 for 数字, 软体 for 软件, 资讯 for 信息.
//
//go:embed twphrases.txt
var twphrases string

// Phrase is a Taiwan phrase found in a text, at rune offset Start, with its mainland wording.
type Phrase struct {
	Start            int
	Taiwan, Mainland string
}

// taiwanByRune indexes the Taiwan phrases by their first rune, longest first.
var taiwanByRune = sync.OnceValue(func() map[rune][][2]string {
	m := map[rune][][2]string{}
	for line := range strings.Lines(twphrases) {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(f[0])
		m[r] = append(m[r], [2]string{f[0], f[1]})
	}
	for _, ps := range m {
		slices.SortFunc(ps, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	}
	return m
})

// TaiwanPhrases returns the Taiwan phrases in folded (a text as rag folds it: Simplified
// characters), each where it starts, longest match first, without overlaps.
func TaiwanPhrases(folded string) []Phrase {
	byRune := taiwanByRune()
	var out []Phrase
	skip, n := 0, 0 // bytes still inside the last phrase found; runes read
	for i, r := range folded {
		if i >= skip {
			for _, p := range byRune[r] {
				if strings.HasPrefix(folded[i:], p[0]) {
					out = append(out, Phrase{Start: n, Taiwan: p[0], Mainland: p[1]})
					skip = i + len(p[0])
					break
				}
			}
		}
		n++
	}
	return out
}
