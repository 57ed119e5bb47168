package rag

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Benchmarks run on synthetic documents made of real sentences (the sample corpus and the eval
// passages, shuffled), so token statistics are those of real Chinese and English text.
// Reproduce with: go test -run '^$' -bench . -benchmem ./rag/

var sentencePool = sync.OnceValue(func() []string {
	var texts []string
	if b, err := os.ReadFile("../sample-knowledge/数字化转型与数字疗法.txt"); err == nil {
		texts = append(texts, string(b))
	}
	for _, set := range []string{"cmrc2018", "drcd", "squad-expmrc"} {
		f, err := os.Open(filepath.Join("../testdata/eval", set, "corpus.jsonl"))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var rec struct{ Text string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil {
				texts = append(texts, rec.Text)
			}
		}
		f.Close()
	}
	var pool []string
	for _, t := range texts {
		r := []rune(t)
		for _, s := range Sentences(r) {
			if s.End-s.Start >= 10 {
				pool = append(pool, string(r[s.Start:min(s.End, s.Start+200)]))
			}
		}
	}
	return pool
})

// syntheticDocs makes n documents of chunksPer chunks of about 300 runes each.
func syntheticDocs(seed uint64, n, chunksPer int) []*Document {
	pool := sentencePool()
	rng := rand.New(rand.NewPCG(seed, 1))
	docs := make([]*Document, n)
	for i := range docs {
		d := &Document{ID: fmt.Sprintf("synthetic/%d-%d.txt", seed, i), Title: fmt.Sprintf("文档 %d", i)}
		for c := range chunksPer {
			var b strings.Builder
			for b.Len() < 800 { // ~300 CJK runes
				b.WriteString(pool[rng.IntN(len(pool))])
			}
			d.Chunks = append(d.Chunks, Chunk{Index: c, Text: b.String()})
		}
		d.Source, d.Hash = d.ID, Hash([]byte(d.ID))
		docs[i] = d
	}
	return docs
}

// benchDataVersion names the synthetic index layout; bump it when syntheticDocs or the segment
// format changes, so stale cached indexes are not reused.
const benchDataVersion = "v1"

// benchStore opens a store of about chunks chunks (documents of 10 chunks). The index is built
// once into the system temp directory and reused by later runs, as building 100k chunks takes
// longer than the benchmarks themselves; a "complete" marker guards against a half-built one.
func benchStore(b *testing.B, chunks int) (*Store, string) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("wenda-bench-%d-%s", chunks, benchDataVersion))
	marker := filepath.Join(dir, "complete")
	if _, err := os.Stat(marker); err != nil {
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		s, err := OpenStore(b.Context(), dir, LocalEmbedder{}, StoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < chunks/10; start += 1000 {
			docs := syntheticDocs(uint64(start), min(1000, chunks/10-start), 10)
			for i, d := range docs {
				d.ID = fmt.Sprintf("synthetic/%d.txt", start+i)
			}
			if _, err := s.Put(b.Context(), docs, PutOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	s, err := OpenStore(b.Context(), dir, LocalEmbedder{}, StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return s, dir
}

var benchQueries = []string{
	"数字化转型的失败率是多少", "美的集团在数字化转型上投资了多少", "《战国无双3》是由哪两个公司合作开发的",
	"What did the GE Digital unit launch in 2015?", "广东省数字化转型规划的重点", "城市大脑与数字孪生",
}

func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for _, mode := range []struct {
			name string
			m    Mode
		}{{"hybrid", Hybrid}, {"bm25", LexicalOnly}, {"vector", VectorOnly}} {
			b.Run(fmt.Sprintf("chunks=%d/%s", n, mode.name), func(b *testing.B) {
				s, _ := benchStore(b, n)
				r := Searcher{Store: s, Mode: mode.m}
				// The first query loads the segmenter's dictionary, once per process (0.2 s).
				if _, err := r.Retrieve(b.Context(), benchQueries[0], 10); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := r.Retrieve(b.Context(), benchQueries[i%len(benchQueries)], 10); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

func BenchmarkAskExtractive(b *testing.B) {
	for _, n := range []int{10_000} {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			s, _ := benchStore(b, n)
			e := &Engine{Store: s, Retriever: Searcher{Store: s}}
			// The word dictionary loads on the first question (zh.BenchmarkLoad measures it):
			// what is measured here is every question after it.
			if _, err := e.Ask(b.Context(), AskRequest{Question: benchQueries[0]}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.Ask(b.Context(), AskRequest{Question: benchQueries[i%len(benchQueries)]}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkOpenStore measures loading an index from disk, and reports its size.
func BenchmarkOpenStore(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("chunks=%d", n), func(b *testing.B) {
			_, dir := benchStore(b, n)
			var disk int64
			entries, _ := os.ReadDir(filepath.Join(dir, "docs"))
			for _, e := range entries {
				if info, err := e.Info(); err == nil {
					disk += info.Size()
				}
			}
			var s *Store
			for b.Loop() {
				s = nil
				var err error
				if s, err = OpenStore(b.Context(), dir, LocalEmbedder{}, StoreOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			// Live heap with the store loaded, against the heap without it.
			var with, without runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&with)
			runtime.KeepAlive(s)
			s = nil
			runtime.GC()
			runtime.ReadMemStats(&without)
			b.ReportMetric(float64(with.HeapAlloc-without.HeapAlloc)/float64(n), "heap-bytes/chunk")
			b.ReportMetric(float64(disk)/float64(n), "disk-bytes/chunk")
			if mb := peakRSSMB(); mb > 0 {
				b.ReportMetric(mb, "peak-RSS-MB")
			}
		})
	}
}

// peakRSSMB is the process's peak resident memory so far in MB (Linux; 0 elsewhere). A
// benchmark that loads a cached index reports the load's peak, as nothing before it holds more.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(rest, &kb)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkPutOneDocument adds one small document to a large index: the cost must not grow
// with the index, since only the document's own segment file is written.
func BenchmarkPutOneDocument(b *testing.B) {
	s, _ := benchStore(b, 100_000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d := syntheticDocs(uint64(1_000_000+i), 1, 3)[0]
		d.ID = fmt.Sprintf("bench-put/%d.txt", i%10) // replace a few, so the cached index stays ~100k
		if _, err := s.Put(b.Context(), []*Document{d}, PutOptions{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkLocalEmbed(b *testing.B) {
	texts := make([]string, 64)
	for i, d := range syntheticDocs(7, 64, 1) {
		texts[i] = d.Chunks[0].Text
	}
	var bytes int64
	for _, t := range texts {
		bytes += int64(len(t))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (LocalEmbedder{}).Embed(b.Context(), texts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVectorQuery is the full vector scan a remote embedder's every query pays, at 100k
// 1024-d chunks, against the memory-bandwidth floor in the same run: a plain 4-accumulator dot
// product over one contiguous copy of the same vectors, with no ranking at all. The floor runs
// on one core and split over all cores; the store's own scan (wenda) is held to the faster of
// the two. The machine is shared, so "interleaved" also times the three back to back for each
// query and reports their ratios, which drift far less with other load than separate runs do.
func BenchmarkVectorQuery(b *testing.B) {
	const n = 100_000
	s, _ := benchStore(b, n)
	queries, err := LocalEmbedder{}.Embed(b.Context(), benchQueries)
	if err != nil {
		b.Fatal(err)
	}
	const k = defaultCandidates
	chromemQuery := func(b *testing.B, q []float32) {
		if _, err := s.vectors.QueryEmbedding(b.Context(), q, k, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	wendaQuery := func(b *testing.B, q []float32) {
		s.mu.RLock() // as Retrieve holds it
		_, err := s.rows.nearest(b.Context(), q, k, s.slots)
		s.mu.RUnlock()
		if err != nil {
			b.Fatal(err)
		}
	}
	dim := len(queries[0])
	matrix := make([]float32, 0, n*dim)
	for _, ref := range s.slots {
		if ref.doc != nil {
			matrix = append(matrix, ref.vector...)
		}
	}
	floor := func(q []float32, workers int) {
		rows := len(matrix) / dim
		sums := make([]float32, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				var sum float32
				for r := w * rows / workers; r < (w+1)*rows/workers; r++ {
					sum += dot4(q, matrix[r*dim:(r+1)*dim])
				}
				sums[w] = sum
			})
		}
		wg.Wait()
	}
	cores := runtime.GOMAXPROCS(0)

	for _, c := range []struct {
		name  string
		query func(*testing.B, []float32)
	}{
		{"chromem-go", chromemQuery},
		{"wenda", wendaQuery},
		{"floor-1core", func(_ *testing.B, q []float32) { floor(q, 1) }},
		{fmt.Sprintf("floor-%dcore", cores), func(_ *testing.B, q []float32) { floor(q, cores) }},
	} {
		b.Run(fmt.Sprintf("chunks=%d/%s", n, c.name), func(b *testing.B) {
			b.SetBytes(int64(4 * len(matrix)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c.query(b, queries[i%len(queries)])
				i++
			}
		})
	}

	b.Run(fmt.Sprintf("chunks=%d/interleaved", n), func(b *testing.B) {
		var chromemTime, wendaTime, floorTime time.Duration
		i := 0
		for b.Loop() {
			q := queries[i%len(queries)]
			t0 := time.Now()
			chromemQuery(b, q)
			t1 := time.Now()
			wendaQuery(b, q)
			t2 := time.Now()
			floor(q, 1)
			t3 := time.Now()
			floor(q, cores)
			t4 := time.Now()
			chromemTime += t1.Sub(t0)
			wendaTime += t2.Sub(t1)
			floorTime += min(t3.Sub(t2), t4.Sub(t3))
			i++
		}
		b.ReportMetric(float64(chromemTime)/float64(floorTime), "chromem/floor")
		b.ReportMetric(float64(wendaTime)/float64(floorTime), "wenda/floor")
		b.ReportMetric(floorTime.Seconds()*1000/float64(i), "floor-ms")
	})
}
