package rag

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// randomEmbedder stands in for a remote semantic embedder: each text gets a pseudo-random unit
// vector seeded by its hash, so the same text always gets the same vector.
type randomEmbedder struct{ dim int }

func (e randomEmbedder) Name() string { return fmt.Sprintf("test-random/%d", e.dim) }

func (e randomEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		h := fnv.New64a()
		h.Write([]byte(t))
		out[i] = randomUnit(rand.New(rand.NewPCG(h.Sum64(), 2)), e.dim)
	}
	return out, nil
}

func randomUnit(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	var sum float64
	for i := range v {
		v[i] = float32(rng.NormFloat64())
		sum += float64(v[i]) * float64(v[i])
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}

func randomDocs(rng *rand.Rand, prefix string, n int) []*Document {
	docs := make([]*Document, n)
	for i := range docs {
		var texts []string
		for c := range 1 + rng.IntN(16) {
			texts = append(texts, fmt.Sprintf("%s %d chunk %d v%d", prefix, i, c, rng.Uint32()))
		}
		docs[i] = testDoc(fmt.Sprintf("%s/%d.txt", prefix, i), texts...)
	}
	return docs
}

// TestVectorSearchMatchesChromem holds the store's own vector scan to chromem-go's
// QueryEmbedding, on random vectors, through adds, replacements, deletes and a reload: the same
// top-k ids (up to ties) and similarities, k beyond the index size clamped, and every vector
// held once, shared by the scan and chromem-go.
func TestVectorSearchMatchesChromem(t *testing.T) {
	const dim = 50 // not a multiple of 4: the dot product's tail is used
	dir := t.TempDir()
	emb := randomEmbedder{dim}
	open := func() *Store {
		s, err := OpenStore(t.Context(), dir, emb, StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	rng := rand.New(rand.NewPCG(1, 1))
	// Enough chunks for several blocks and the scan split over all cores.
	docs := randomDocs(rng, "a", 300)
	if _, err := s.Put(t.Context(), docs, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	checkVectorSearch(t, s, rng, "after adding")

	var gone []string
	for i := 0; i < len(docs); i += 3 {
		gone = append(gone, docs[i].ID)
	}
	if _, err := s.Delete(t.Context(), gone...); err != nil {
		t.Fatal(err)
	}
	checkVectorSearch(t, s, rng, "after deletes")

	// Replacements with other chunk counts and new documents reuse the freed slots.
	more := randomDocs(rng, "a", 60)
	more = append(more, randomDocs(rng, "b", 40)...)
	if _, err := s.Put(t.Context(), more, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	checkVectorSearch(t, s, rng, "after replacing")

	s = open()
	checkVectorSearch(t, s, rng, "after reloading")

	var all []string
	for _, d := range s.Documents() {
		all = append(all, d.ID)
	}
	if _, err := s.Delete(t.Context(), all...); err != nil {
		t.Fatal(err)
	}
	for b, block := range s.rows.blocks {
		if block != nil {
			t.Errorf("block %d still held with every document deleted", b)
		}
	}
	if _, err := s.Put(t.Context(), randomDocs(rng, "c", 5), PutOptions{}); err != nil {
		t.Fatal(err)
	}
	checkVectorSearch(t, s, rng, "after emptying and adding again")
}

func checkVectorSearch(t *testing.T, s *Store, rng *rand.Rand, when string) {
	t.Helper()
	ctx := t.Context()
	count := s.vectors.Count()
	if count != len(s.chunkSlot) {
		t.Fatalf("%s: chromem-go holds %d vectors, the store %d chunks", when, count, len(s.chunkSlot))
	}
	// chromem-go returns its own slices: each must be the store's row, not a copy.
	all, err := s.vectors.QueryEmbedding(ctx, randomUnit(rng, s.rows.dim), count, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		slot, ok := s.chunkSlot[r.ID]
		if !ok {
			t.Fatalf("%s: chromem-go holds %s, the store does not", when, r.ID)
		}
		b, off := slot/blockRows, int(slot%blockRows)*s.rows.dim
		if &r.Embedding[0] != &s.rows.blocks[b][off] || &s.slots[slot].vector[0] != &s.rows.blocks[b][off] {
			t.Fatalf("%s: the vector of %s is not the one shared row", when, r.ID)
		}
	}

	const eps = 1e-5
	for range 10 {
		q := randomUnit(rng, s.rows.dim)
		for _, k := range []int{1, 10, 50, count, count + 7} {
			ours, err := s.rows.nearest(ctx, q, k, s.slots)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := s.vectors.QueryEmbedding(ctx, q, min(k, count), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ours) != len(theirs) {
				t.Fatalf("%s, k=%d: %d results, chromem-go %d", when, k, len(ours), len(theirs))
			}
			for i, hit := range ours {
				want := theirs[i]
				if math.Abs(hit.score-float64(want.Similarity)) > eps {
					t.Fatalf("%s, k=%d, rank %d: similarity %v, chromem-go %v", when, k, i, hit.score, want.Similarity)
				}
				got := ChunkID(s.slots[hit.slot].doc.ID, s.slots[hit.slot].chunk)
				tie := i > 0 && math.Abs(float64(theirs[i-1].Similarity-want.Similarity)) <= eps ||
					i+1 < len(theirs) && math.Abs(float64(theirs[i+1].Similarity-want.Similarity)) <= eps
				if got != want.ID && !tie {
					t.Fatalf("%s, k=%d, rank %d: %s, chromem-go %s", when, k, i, got, want.ID)
				}
			}
		}
	}

	// Through the Searcher a remote embedder's query reads the whole index when k exceeds it.
	ps, err := Searcher{Store: s, Mode: VectorOnly, Semantic: true}.Retrieve(ctx, "chunk", count+3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != count {
		t.Fatalf("%s: Retrieve with k=%d returned %d passages of %d", when, count+3, len(ps), count)
	}
}

func TestVectorSearchRejectsOtherDimensions(t *testing.T) {
	s, err := OpenStore(t.Context(), t.TempDir(), randomEmbedder{8}, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), []*Document{testDoc("a.txt", "one", "two")}, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.rows.nearest(t.Context(), make([]float32, 9), 5, s.slots); err == nil {
		t.Fatal("a 9-d query against an 8-d index was accepted")
	}
}

// unevenEmbedder breaks the Embedder contract by returning shorter vectors for texts that
// say "short".
type unevenEmbedder struct{ randomEmbedder }

func (e unevenEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	vs, err := e.randomEmbedder.Embed(ctx, texts)
	for i, t := range texts {
		if strings.Contains(t, "short") {
			vs[i] = vs[i][:e.dim-1]
		}
	}
	return vs, err
}

// TestPutRefusesVectorsOfMixedDimensions: each segment file checks its own vectors, but
// documents of one Put were not checked against each other, and one odd document made every
// later vector search fail.
func TestPutRefusesVectorsOfMixedDimensions(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(t.Context(), dir, unevenEmbedder{randomEmbedder{8}}, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	docs := []*Document{testDoc("a.txt", "one", "two"), testDoc("b.txt", "short one", "short two")}
	if _, err := s.Put(t.Context(), docs, PutOptions{}); err == nil {
		t.Fatal("vectors of 8 and 7 dimensions were stored")
	}
	if st := s.Stats(); st.Chunks != 0 {
		t.Fatalf("after the refused put: %+v", st)
	}
	if files, _ := os.ReadDir(filepath.Join(dir, "docs")); len(files) != 0 {
		t.Fatalf("after the refused put the index holds %d files", len(files))
	}
}

// TestLoadSkipsSegmentOfOtherDimension: a segment file whose vectors do not fit the index (copied
// in from another index, say) is left out with the unreadable ones, instead of making every vector
// search fail.
func TestLoadSkipsSegmentOfOtherDimension(t *testing.T) {
	dir := t.TempDir()
	emb := randomEmbedder{8}
	s, err := OpenStore(t.Context(), dir, emb, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), []*Document{testDoc("a.txt", "one", "two")}, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	odd := testDoc("b.txt", "three")
	vs, _ := randomEmbedder{7}.Embed(t.Context(), []string{"three"})
	data, err := encodeSegment(odd, vs)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "docs", segmentName(odd.ID)), data, false); err != nil {
		t.Fatal(err)
	}

	s, err = OpenStore(t.Context(), dir, emb, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Documents != 1 || st.Chunks != 2 {
		t.Fatalf("after loading: %+v", st)
	}
	if _, err := (Searcher{Store: s, Mode: VectorOnly, Semantic: true}).Retrieve(t.Context(), "one", 5); err != nil {
		t.Fatal(err)
	}
}

// TestLoadSpanningBatches loads more documents than one load batch holds: every chunk must
// come back, in chromem-go and in the rows alike.
func TestLoadSpanningBatches(t *testing.T) {
	dir := t.TempDir()
	emb := randomEmbedder{12}
	s, err := OpenStore(t.Context(), dir, emb, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// One Put creates index.json; the rest are written as segments directly (no fsync).
	rng := rand.New(rand.NewPCG(3, 3))
	docs := randomDocs(rng, "d", loadBatch+loadBatch/2)
	for _, d := range docs {
		d.Chunks = d.Chunks[:1] // the documents' number is what counts here
	}
	if _, err := s.Put(t.Context(), docs[:1], PutOptions{}); err != nil {
		t.Fatal(err)
	}
	chunks := len(docs[0].Chunks)
	for _, d := range docs[1:] {
		var texts []string
		for c := range d.Chunks {
			texts = append(texts, indexText(d, c))
		}
		vs, _ := emb.Embed(t.Context(), texts)
		data, err := encodeSegment(d, vs)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(filepath.Join(dir, "docs", segmentName(d.ID)), data, false); err != nil {
			t.Fatal(err)
		}
		chunks += len(d.Chunks)
	}

	s, err = OpenStore(t.Context(), dir, emb, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Documents != len(docs) || st.Chunks != chunks {
		t.Fatalf("loaded %+v, want %d documents of %d chunks", st, len(docs), chunks)
	}
	checkVectorSearch(t, s, rng, "after loading")
}
