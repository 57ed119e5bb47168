package zh

import (
	_ "embed"
	"iter"
	"strconv"
	"strings"
	"sync"

	"github.com/go-ego/gse"
)

// dictText is "word frequency tag" per line; namesText the same for the companies and brands
// the dictionary lacks or takes for common words, and termsText for terms of art newer than
// it, whose lines win over dict.txt's (names.txt and terms.txt say why).
var (
	//go:embed dict.txt
	dictText string
	//go:embed names.txt
	namesText string
	//go:embed terms.txt
	termsText string
)

// Word is one word of a segmented text.
type Word struct {
	Text string
	// Freq is the word's frequency in the dictionary's source corpus; 0 means the dictionary
	// does not know it (a name, a term of art, or a run of characters that make no word).
	Freq int
	// Tag is the dictionary's part of speech ("n", "v", "ns" for a place, "nr" a person, "nt"
	// an organisation, "nz" another proper noun, …); empty when Freq is 0.
	Tag string
}

// dictionary is the segmenter and the word table behind it.
type dictionary struct {
	seg   gse.Segmenter
	names map[string]bool // names.txt's words
}

// loaded is the dictionary, read on first use: about 80k words, 0.2–0.3 s and 29–30 MB live
// (BenchmarkLoad, docs/answering.md).
var loaded = sync.OnceValue(newDictionary)

func newDictionary() *dictionary {
	d := &dictionary{names: map[string]bool{}}
	d.seg.SkipLog = true
	d.seg.NotStop = true
	d.seg.Dict = gse.NewDict()
	d.seg.Init()
	// The words are added as the dictionary gives them. gse's own loader would give every
	// single character the frequency 2, which makes a rare pair beat a common word and a
	// common character: "韩国有" came out 韩/国有; with the dictionary's frequencies it is
	// cut as jieba cuts it (韩国/有).
	// gse keeps a word's first tag, so names.txt and terms.txt go first and dict.txt does not
	// re-add their words.
	ours := map[string]bool{}
	for f := range entries(namesText) {
		d.names[f[0]] = true
	}
	for f := range entries(namesText + termsText) {
		ours[f[0]] = true
		d.add(f)
	}
	for f := range entries(dictText) {
		if !ours[f[0]] {
			d.add(f)
		}
	}
	d.seg.CalcToken()
	return d
}

// entries yields the "word frequency tag" lines of a data file, without comments; the package's
// tests check the files have no other lines.
func entries(text string) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for line := range strings.Lines(text) {
			if f := strings.Fields(line); len(f) == 3 && !strings.HasPrefix(line, "#") && !yield(f) {
				return
			}
		}
	}
}

func (d *dictionary) add(f []string) {
	if freq, err := strconv.ParseFloat(f[1], 64); err == nil {
		_ = d.seg.AddToken(f[0], freq, f[2])
	}
}

// Segment cuts s into words with the dictionary, in order. Runs the dictionary does not know are
// cut by gse's hidden Markov model, so an unknown name comes back as one or two words with
// Freq 0. s should already be folded (FoldString) when it may be Traditional. Punctuation and
// spaces come back as words too; callers skip what they do not need.
func Segment(s string) []Word {
	d := loaded()
	parts := d.seg.Cut(s, true)
	out := make([]Word, 0, len(parts))
	for _, p := range parts {
		out = append(out, d.word(p))
	}
	return out
}

// Lookup returns what the dictionary knows of word.
func Lookup(word string) (Word, bool) {
	w := loaded().word(word)
	return w, w.Freq > 0
}

// IsListedName reports whether word is one of the companies and brands names.txt lists: a
// name, whatever else the dictionary says of it.
func IsListedName(word string) bool { return loaded().names[word] }

func (d *dictionary) word(text string) Word {
	freq, tag, ok := d.seg.Find(text)
	if !ok {
		return Word{Text: text}
	}
	return Word{Text: text, Freq: int(freq), Tag: tag}
}

// IsProperTag reports whether a dictionary tag marks a proper noun: a person, place,
// organisation or other name.
func IsProperTag(tag string) bool {
	switch tag {
	case "nr", "nrt", "nrfg", "ns", "nt", "nz":
		return true
	}
	return false
}
