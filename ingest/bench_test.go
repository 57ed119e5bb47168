package ingest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/wenda-dev/wenda/rag"
)

// Reproduce with: go test -run '^$' -bench . -benchmem ./ingest/

const sampleFile = "../sample-knowledge/数字化转型与数字疗法.txt"

func BenchmarkChunkSampleCorpus(b *testing.B) {
	data, err := os.ReadFile(sampleFile)
	if err != nil {
		b.Fatal(err)
	}
	text := Clean(string(data))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		buildChunks([]section{{text: text}}, DefaultChunkOptions, math.MaxInt)
	}
}

// BenchmarkIngestChinese ingests a folder of 40 distinct Chinese documents (the sample corpus
// with a per-file prefix, ~3 MB) into a fresh index with the local embedder: read, decode,
// clean, chunk, embed, write segment files.
func BenchmarkIngestChinese(b *testing.B) {
	data, err := os.ReadFile(sampleFile)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var total int64
	for i := range 40 {
		content := append([]byte(fmt.Sprintf("第%d份材料。\n", i)), data...)
		total += int64(len(content))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("doc-%02d.txt", i)), content, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		in := emptyIngester(b)
		rep, err := in.Ingest(b.Context(), []string{dir})
		if err != nil || rep.Added != 40 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
}

// BenchmarkSyncSampleKnowledge is the first sync of the bundled sample knowledge base into an
// empty index, as `wenda --knowledge sample-knowledge ask` does on a fresh machine.
func BenchmarkSyncSampleKnowledge(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		in := emptyIngester(b)
		if rep, err := in.Sync(b.Context(), "../sample-knowledge"); err != nil || rep.Added != 1 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
}

// emptyIngester returns an ingester over a new, empty index, outside the benchmark's timer.
func emptyIngester(b *testing.B) *Ingester {
	b.StopTimer()
	defer b.StartTimer()
	store, err := rag.OpenStore(b.Context(), b.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return &Ingester{Store: store}
}
