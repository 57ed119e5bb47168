package ingest

import (
	"strings"

	"github.com/wenda-dev/wenda/rag"
)

// ChunkOptions size chunks, in runes.
type ChunkOptions struct {
	// Size is the most runes in a chunk; a longer sentence is cut at a pause near the limit.
	Size int
	// Overlap is the most runes of whole sentences repeated from the end of one chunk at the start
	// of the next, so a fact that spans the boundary is found whole in one of them.
	Overlap int
}

// DefaultChunkOptions were picked on the eval sets and the sample corpus (docs/benchmarks.md).
var DefaultChunkOptions = ChunkOptions{Size: 300, Overlap: 60}

// Chunks packs the sentences of runes into chunks of at most opts.Size runes, with whole-sentence
// overlap, and returns their spans. Only a sentence longer than Size is cut, at a comma or space
// close to the limit when there is one.
func Chunks(runes []rune, opts ChunkOptions) []rag.Span {
	if opts.Size <= 0 {
		opts = DefaultChunkOptions
	}
	var sents []rag.Span
	for _, s := range rag.Sentences(runes) {
		sents = append(sents, cutLong(runes, s, opts.Size)...)
	}
	var out []rag.Span
	for i := 0; i < len(sents); {
		start, j := sents[i].Start, i
		for j < len(sents) && sents[j].End-start <= opts.Size {
			j++
		}
		if j == i { // cannot happen after cutLong, but never loop forever
			j = i + 1
		}
		out = append(out, rag.Span{Start: start, End: sents[j-1].End})
		if j == len(sents) {
			break
		}
		// Start the next chunk with the trailing sentences that fit in the overlap, but always
		// move forward by at least one sentence.
		next := j
		for next-1 > i && sents[j-1].End-sents[next-1].Start <= opts.Overlap {
			next--
		}
		i = next
	}
	return out
}

// pauses are where an over-long sentence is best cut.
const pauses = "，,、：: "

// cutLong splits a sentence longer than size into pieces of at most size runes, each cut at the
// last pause in the final quarter of the window when there is one.
func cutLong(runes []rune, s rag.Span, size int) []rag.Span {
	var out []rag.Span
	for s.End-s.Start > size {
		cut := s.Start + size
		for k := cut - 1; k > s.Start+size*3/4; k-- {
			if strings.ContainsRune(pauses, runes[k]) {
				cut = k + 1
				break
			}
		}
		out = append(out, rag.Span{Start: s.Start, End: cut})
		s.Start = cut
		for s.Start < s.End && runes[s.Start] == ' ' {
			s.Start++
		}
	}
	if s.End > s.Start {
		out = append(out, s)
	}
	return out
}

// section is cleaned text under one heading path or on one page.
type section struct {
	path []string
	page int
	text string
}

// buildChunks chunks each section on its own, so a chunk never straddles two sections, and
// returns the document's full text (sections joined by blank lines) with chunks whose rune
// offsets point into it. It stops with ok false as soon as the chunks would pass limit, before
// holding them all.
func buildChunks(sections []section, opts ChunkOptions, limit int) (text string, chunks []rag.Chunk, ok bool) {
	var full strings.Builder
	base := 0
	for _, sec := range sections {
		if sec.text == "" {
			continue
		}
		if full.Len() > 0 {
			full.WriteString("\n\n")
			base += 2
		}
		full.WriteString(sec.text)
		runes := []rune(sec.text)
		spans := Chunks(runes, opts)
		if len(chunks)+len(spans) > limit {
			return "", nil, false
		}
		for _, sp := range spans {
			chunks = append(chunks, rag.Chunk{
				Index:   len(chunks),
				Start:   base + sp.Start,
				End:     base + sp.End,
				Section: sec.path,
				Page:    sec.page,
				Text:    string(runes[sp.Start:sp.End]),
			})
		}
		base += len(runes)
	}
	return full.String(), chunks, true
}
