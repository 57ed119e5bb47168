package rag

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// vectorRows holds every slot's unit vector as a row of a few large blocks, so a full vector
// search streams through memory instead of chasing one pointer per chunk. The rows are the only
// copy: the Store's slots and chromem-go's documents hold slices of them.
//
// chromem-go stays the store of record, but its QueryEmbedding is not used to search: at 100k
// 1024-d chunks it took several times the memory-bandwidth floor (docs/benchmarks.md), as it
// copies every document pointer out of a map through a channel, takes a mutex for every
// document to offer it to one shared heap, and sums each dot product in one serial chain.
//
// Rows never move once written (blocks are allocated whole and never grown), so the slices
// handed out stay valid; a block whose rows are all free is released.
type vectorRows struct {
	dim    int
	blocks [][]float32 // blockRows*dim floats each; nil while every row in it is free
	live   []int       // live rows per block
}

// blockRows is the number of rows per block: 1 MB at 1024 dimensions, large enough that the
// scan runs at memory speed, small enough that a small index does not reserve much.
const blockRows = 256

// set copies v into slot's row and returns the row. The slot must be free.
func (m *vectorRows) set(slot uint32, v []float32) []float32 {
	if m.dim == 0 {
		m.dim = len(v)
	}
	b := int(slot / blockRows)
	for len(m.blocks) <= b {
		m.blocks = append(m.blocks, nil)
		m.live = append(m.live, 0)
	}
	if m.blocks[b] == nil {
		m.blocks[b] = make([]float32, blockRows*m.dim)
	}
	off := int(slot%blockRows) * m.dim
	row := m.blocks[b][off : off+m.dim : off+m.dim]
	copy(row, v)
	m.live[b]++
	// chromem-go keeps a vector it judges unit length and silently stores a normalised copy
	// of any other; normalising here first, the same way, keeps one shared copy of each.
	if !isUnit(row) {
		normalize(row)
	}
	return row
}

// free marks slot's row unused, releasing its block when it was the last one in use.
func (m *vectorRows) free(slot uint32) {
	b := slot / blockRows
	m.live[b]--
	if m.live[b] == 0 {
		m.blocks[b] = nil
	}
}

// scanParallelRows is the index size from which a search is split over all cores: below it
// starting goroutines costs more than the scan.
const scanParallelRows = 8 * blockRows

// nearest returns up to n live slots by descending cosine similarity to q, ties by slot: the
// same ranking chromem-go's QueryEmbedding gives (up to float rounding: the sums are added in
// another order), but n larger than the index is not an error. slots says which rows are live.
func (m *vectorRows) nearest(ctx context.Context, q []float32, n int, slots []slotRef) ([]scored, error) {
	if n <= 0 || len(slots) == 0 {
		return nil, nil
	}
	if len(q) != m.dim {
		return nil, fmt.Errorf("the query vector has %d dimensions, the index %d", len(q), m.dim)
	}
	if !isUnit(q) {
		q = slices.Clone(q)
		normalize(q)
	}
	nblocks := (len(slots) + blockRows - 1) / blockRows
	workers := 1
	if len(slots) >= scanParallelRows {
		workers = min(runtime.GOMAXPROCS(0), nblocks)
	}
	tops := make([]topScored, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		scan := func() {
			top := topScored{n: n}
			for b := w * nblocks / workers; b < (w+1)*nblocks/workers; b++ {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				block := m.blocks[b]
				if block == nil {
					continue
				}
				first := b * blockRows
				for r := range min(blockRows, len(slots)-first) {
					if slots[first+r].doc == nil {
						continue
					}
					sim := dot4(q, block[r*m.dim:(r+1)*m.dim])
					top.offer(scored{uint32(first + r), float64(sim)})
				}
			}
			tops[w] = top
		}
		if w == workers-1 {
			scan() // the calling goroutine takes the last share
		} else {
			wg.Go(scan)
		}
	}
	wg.Wait()
	var out []scored
	for w := range workers {
		if errs[w] != nil {
			return nil, errs[w]
		}
		out = append(out, tops[w].h...)
	}
	slices.SortFunc(out, func(a, b scored) int {
		if better(a.score, a.slot, b) {
			return -1
		}
		return 1
	})
	return out[:min(n, len(out))], nil
}

// topScored keeps the n best offers in a heap whose root is the worst of them, so most offers
// are turned away by one comparison.
type topScored struct {
	n int
	h []scored
}

func (t *topScored) offer(c scored) {
	if len(t.h) < t.n {
		t.h = append(t.h, c)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !better(t.h[p].score, t.h[p].slot, t.h[i]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	if !better(c.score, c.slot, t.h[0]) {
		return
	}
	t.h[0] = c
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(t.h) && better(t.h[worst].score, t.h[worst].slot, t.h[l]) {
			worst = l
		}
		if r < len(t.h) && better(t.h[worst].score, t.h[worst].slot, t.h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		t.h[i], t.h[worst] = t.h[worst], t.h[i]
		i = worst
	}
}

// dot4 is the dot product summed in four independent chains, so each add need not wait for the
// one before: a single chain, as chromem-go sums, is bound by the add's latency, not by memory.
func dot4(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		x, y := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// isUnit applies chromem-go's test for a normalised vector (length within 1e-6 of 1, summed in
// float64), so the vectors it is given are the ones it keeps.
func isUnit(v []float32) bool {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	return math.Abs(math.Sqrt(sum)-1) < 1e-6
}

// normalize scales v to unit length in place, computing the norm in float32 as chromem-go does.
// A zero vector stays zero: it is similar to nothing.
func normalize(v []float32) {
	var sum float32
	for _, x := range v {
		sum += x * x
	}
	if sum == 0 {
		return
	}
	norm := float32(math.Sqrt(float64(sum)))
	for i := range v {
		v[i] /= norm
	}
}

// sameDim checks that an embedder returned vectors of one non-zero dimension, as every row of
// the index has the same length.
func sameDim(embedder string, vectors [][][]float32) error {
	dim := -1
	for _, vs := range vectors {
		for _, v := range vs {
			switch {
			case len(v) == 0:
				return fmt.Errorf("embedder %s returned an empty vector", embedder)
			case dim < 0:
				dim = len(v)
			case len(v) != dim:
				return fmt.Errorf("embedder %s returned vectors of %d and %d dimensions", embedder, dim, len(v))
			}
		}
	}
	return nil
}
