package rag

import (
	"math"
	"slices"
	"sync"
)

// BM25 parameters: the usual defaults; k1 rewards repeated terms up to a point, b normalises
// by chunk length.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

type posting struct {
	slot uint32
	tf   uint32
}

// termEntry is one term's document frequency and postings. Postings may include dead slots
// until compaction; df counts live ones only.
type termEntry struct {
	df       int32
	postings []posting
}

// termFreq is a term and how often it occurs in one chunk.
type termFreq struct {
	t Token
	n uint32
}

// chunkTerms is a chunk's distinct terms with their frequencies, and its length in tokens.
type chunkTerms struct {
	freqs  []termFreq
	length int
}

// countTerms tokenises text into term frequencies (in order of first occurrence), reusing buf.
// The normal forms of its Latin words (eachNormalForm) are terms too, but not part of its length:
// a chunk that says "astronauts" holds "astronaut" as well, and is no longer for it. It counts with a small open-addressing table from a pool: sorting the tokens instead took
// 2.5 times as long, more than tokenising itself (BenchmarkCountTerms).
func countTerms(text string, buf []Token) (chunkTerms, []Token) {
	tt := termTables.Get().(*termTable)
	defer termTables.Put(tt)
	buf, tt.forms = buf[:0], tt.forms[:0]
	scanTokens(text, func(t Token) { buf = append(buf, t) }, func(_, form Token) { tt.forms = append(tt.forms, form) })
	length := len(buf)
	buf = append(buf, tt.forms...)
	size := 64
	for size < 2*len(buf) {
		size <<= 1
	}
	if len(tt.keys) < size {
		tt.keys, tt.counts = make([]Token, size), make([]uint32, size)
	}
	mask := uint64(len(tt.keys) - 1)
	tt.used = tt.used[:0]
	for _, t := range buf {
		i := (uint64(t) ^ uint64(t)>>32) & mask
		for tt.counts[i] != 0 && tt.keys[i] != t {
			i = (i + 1) & mask
		}
		if tt.counts[i] == 0 {
			tt.keys[i] = t
			tt.used = append(tt.used, uint32(i))
		}
		tt.counts[i]++
	}
	ct := chunkTerms{length: length, freqs: make([]termFreq, len(tt.used))}
	for k, i := range tt.used {
		ct.freqs[k] = termFreq{tt.keys[i], tt.counts[i]}
		tt.counts[i] = 0 // leave the table empty for the next chunk
	}
	return ct, buf
}

// termTable is countTerms' scratch hash table: a count of 0 marks an empty slot.
type termTable struct {
	keys   []Token
	counts []uint32
	used   []uint32
	forms  []Token // the normal forms of the chunk's words, counted after its tokens
}

var termTables = sync.Pool{New: func() any { return new(termTable) }}

// lexicalIndex is a BM25 inverted index over chunk slots. It is derived from the stored chunks,
// never persisted: rebuilding it on load is cheaper than keeping a second file format crash-safe.
//
// Removal marks a slot dead and fixes the document frequencies at once; the dead postings stay
// until compact drops them, so deleting a document costs only its own terms.
type lexicalIndex struct {
	// terms is split into shards by token so that a bulk load fills them in parallel: building
	// the postings is bound by memory latency (a cache miss per term per chunk), which two
	// cores overlap.
	terms    [lexShards]map[Token]*termEntry
	lens     []uint32 // token count per slot; 0 for dead or empty slots
	alive    []bool
	live     int
	totalLen int64
	dead     int // postings lists may hold this many dead slots
}

// lexShards is the number of term shards; a power of two.
const lexShards = 4

func newLexicalIndex() *lexicalIndex {
	x := &lexicalIndex{}
	for i := range x.terms {
		x.terms[i] = map[Token]*termEntry{}
	}
	return x
}

func shardOf(t Token) int { return int(uint64(t) >> 60 & (lexShards - 1)) }

// entry returns t's entry, or nil.
func (x *lexicalIndex) entry(t Token) *termEntry { return x.terms[shardOf(t)][t] }

// slotTerms is one chunk to index.
type slotTerms struct {
	slot  uint32
	terms chunkTerms
}

// add indexes chunks under their slots, which must be new or previously removed. Large batches
// fill the term shards in parallel.
func (x *lexicalIndex) add(chunks []slotTerms) {
	for _, c := range chunks {
		for int(c.slot) >= len(x.lens) {
			x.lens = append(x.lens, 0)
			x.alive = append(x.alive, false)
		}
		x.lens[c.slot] = uint32(c.terms.length)
		x.alive[c.slot] = true
		x.live++
		x.totalLen += int64(c.terms.length)
	}
	fill := func(shard int) {
		m := x.terms[shard]
		for _, c := range chunks {
			for _, f := range c.terms.freqs {
				if shardOf(f.t) != shard {
					continue
				}
				e := m[f.t]
				if e == nil {
					e = &termEntry{}
					m[f.t] = e
				}
				e.postings = append(e.postings, posting{slot: c.slot, tf: f.n})
				e.df++
			}
		}
	}
	if len(chunks) < 64 {
		for shard := range lexShards {
			fill(shard)
		}
		return
	}
	var wg sync.WaitGroup
	for shard := range lexShards {
		wg.Go(func() { fill(shard) })
	}
	wg.Wait()
}

// remove forgets slot; ct must be the terms it was added with.
func (x *lexicalIndex) remove(slot uint32, ct chunkTerms) {
	if int(slot) >= len(x.alive) || !x.alive[slot] {
		return
	}
	for _, f := range ct.freqs {
		if e := x.entry(f.t); e != nil {
			e.df--
		}
	}
	x.totalLen -= int64(x.lens[slot])
	x.lens[slot] = 0
	x.alive[slot] = false
	x.live--
	x.dead++
}

// df is the number of live chunks holding t.
func (x *lexicalIndex) df(t Token) int {
	if e := x.entry(t); e != nil {
		return int(e.df)
	}
	return 0
}

// needsCompaction reports whether dead postings have grown to the live ones' size.
func (x *lexicalIndex) needsCompaction() bool { return x.dead > 1024 && x.dead > x.live }

// compact drops postings of dead slots and terms no chunk holds.
func (x *lexicalIndex) compact() {
	for _, m := range x.terms {
		for t, e := range m {
			e.postings = slices.DeleteFunc(e.postings, func(p posting) bool { return !x.alive[p.slot] })
			if len(e.postings) == 0 {
				delete(m, t)
			} else {
				e.postings = slices.Clip(e.postings)
			}
		}
	}
	x.dead = 0
}

// idf is BM25's inverse document frequency, floored at a small positive value so very common
// terms still break ties instead of subtracting.
func (x *lexicalIndex) idf(t Token) float64 {
	n := float64(x.live)
	df := float64(x.df(t))
	return math.Max(math.Log(1+(n-df+0.5)/(df+0.5)), 0.01)
}

// rareIDF is the inverse document frequency of a token one live chunk holds: the most a word
// can weigh.
func (x *lexicalIndex) rareIDF() float64 {
	n := float64(x.live)
	return math.Max(math.Log(1+(n-0.5)/1.5), 0.01)
}

// scored is a slot with its score.
type scored struct {
	slot  uint32
	score float64
}

// Coverage: a chunk's BM25 score is multiplied by the square root of its share of the
// query's content words (weighted by idf), so a chunk that repeats one word of the question
// many times does not outrank one that holds them all. A chunk holding half of them keeps 0.71
// of its score (DRCD MRR@10 0.964 → 0.970, docs/benchmarks.md).

// searchWeighted returns up to k live slots by descending weighted BM25 score: each term's
// contribution is multiplied by its weight, and when some terms are marked cover, each score by
// the chunk's coverage of them (see above). Terms must be distinct.
func (x *lexicalIndex) searchWeighted(query []queryTerm, k int) []scored {
	if x.live == 0 || k <= 0 {
		return nil
	}
	avg := float64(x.totalLen) / float64(x.live)
	acc := make([]float32, len(x.lens))
	var covered []float32 // idf of the cover terms each slot holds, allocated only when needed
	var coverTotal float64
	touched := make([]uint32, 0, 256)
	for _, q := range query {
		e := x.entry(q.t)
		if e == nil || e.df == 0 || q.w <= 0 {
			continue
		}
		idf := x.idf(q.t)
		var cover float32
		if q.cover {
			cover = float32(idf)
			coverTotal += idf
			if covered == nil {
				covered = make([]float32, len(x.lens))
			}
		}
		w := q.w * idf
		for _, p := range e.postings {
			if !x.alive[p.slot] {
				continue
			}
			tf := float64(p.tf)
			norm := bm25K1 * (1 - bm25B + bm25B*float64(x.lens[p.slot])/avg)
			if acc[p.slot] == 0 {
				touched = append(touched, p.slot)
			}
			acc[p.slot] += float32(w * tf * (bm25K1 + 1) / (tf + norm))
			if cover > 0 {
				covered[p.slot] += cover
			}
		}
	}
	if covered != nil {
		// A chunk holding none of the content words keeps a tenth of its score: it still
		// ranks, below those that hold some.
		for _, s := range touched {
			acc[s] *= float32(math.Sqrt(float64(covered[s])/coverTotal + 0.01))
		}
	}
	return topK(touched, acc, k)
}

// topK picks the k best touched slots, best first, ties broken by slot for determinism.
func topK(touched []uint32, acc []float32, k int) []scored {
	out := make([]scored, 0, min(k, len(touched))+1)
	for _, s := range touched {
		sc := float64(acc[s])
		if len(out) == k && !better(sc, s, out[k-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(out, scored{s, sc}, func(a, b scored) int {
			if better(a.score, a.slot, b) {
				return -1
			}
			return 1
		})
		out = slices.Insert(out, i, scored{s, sc})
		if len(out) > k {
			out = out[:k]
		}
	}
	return out
}

func better(score float64, slot uint32, than scored) bool {
	return score > than.score || score == than.score && slot < than.slot
}
