package zh

import (
	_ "embed"
	"strings"
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
