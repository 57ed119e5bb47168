package rag

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testDoc builds a document with one chunk per text.
func testDoc(id string, texts ...string) *Document {
	d := &Document{ID: id, Source: id, Title: id, Hash: Hash([]byte(strings.Join(texts, "\n")))}
	pos := 0
	for i, t := range texts {
		n := len([]rune(t))
		d.Chunks = append(d.Chunks, Chunk{Index: i, Start: pos, End: pos + n, Text: t})
		pos += n + 1
	}
	return d
}

func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := OpenStore(t.Context(), dir, LocalEmbedder{Dim: 64}, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func put(t *testing.T, s *Store, docs ...*Document) []PutResult {
	t.Helper()
	res, err := s.Put(t.Context(), docs, PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func search(t *testing.T, s *Store, q string, k int) []Passage {
	t.Helper()
	ps, err := Searcher{Store: s}.Retrieve(t.Context(), q, k)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestStorePersistsReplacesAndDeletes(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	res := put(t, s, testDoc("a.txt", "苹果和香蕉", "香蕉和樱桃"), testDoc("b.txt", "火龙果"))
	if res[0].Status != "added" || res[1].Status != "added" {
		t.Fatalf("statuses %+v", res)
	}
	if res := put(t, s, testDoc("a.txt", "苹果和香蕉", "香蕉和樱桃")); res[0].Status != "unchanged" {
		t.Fatalf("re-put of same content: %+v", res)
	}

	s = openTest(t, dir) // reload from disk
	if st := s.Stats(); st.Documents != 2 || st.Chunks != 3 || st.Dim != 64 {
		t.Fatalf("after reload: %+v", st)
	}
	if ps := search(t, s, "樱桃", 1); len(ps) != 1 || ps[0].ChunkID != "a.txt#1" {
		t.Fatalf("search 樱桃 = %+v", ps)
	}

	if res := put(t, s, testDoc("a.txt", "只剩榴莲")); res[0].Status != "replaced" {
		t.Fatalf("replace: %+v", res)
	}
	for _, p := range search(t, s, "樱桃 香蕉", 10) {
		if strings.Contains(p.Chunk.Text, "香蕉") {
			t.Fatalf("old chunk of a.txt still retrievable: %+v", p)
		}
	}
	if _, err := s.Delete(t.Context(), "b.txt", "missing.txt"); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	if st := s.Stats(); st.Documents != 1 || st.Chunks != 1 {
		t.Fatalf("after replace+delete+reload: %+v", st)
	}
	if d := s.Document("a.txt"); d == nil || d.Chunks[0].Text != "只剩榴莲" {
		t.Fatalf("a.txt = %+v", d)
	}
}

func TestStoreSkipsDuplicateContent(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s, testDoc("one.txt", "同一份内容"))
	res, err := s.Put(t.Context(), []*Document{testDoc("copy.txt", "同一份内容")}, PutOptions{SkipDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Status != "duplicate" || res[0].DuplicateOf != "one.txt" {
		t.Fatalf("got %+v, want duplicate of one.txt", res[0])
	}
}

func TestStoreRefusesAnotherEmbedder(t *testing.T) {
	dir := t.TempDir()
	put(t, openTest(t, dir), testDoc("a.txt", "内容"))
	_, err := OpenStore(t.Context(), dir, LocalEmbedder{Dim: 128}, StoreOptions{})
	if !errors.Is(err, ErrEmbedderMismatch) {
		t.Fatalf("err = %v, want ErrEmbedderMismatch", err)
	}
	if !strings.Contains(err.Error(), "--rebuild") {
		t.Errorf("error does not say how to rebuild: %v", err)
	}
	s, err := OpenStore(t.Context(), dir, LocalEmbedder{Dim: 128}, StoreOptions{Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Stats().Documents; n != 0 {
		t.Fatalf("rebuilt store has %d documents", n)
	}
}

func TestStoreSkipsCorruptSegment(t *testing.T) {
	dir := t.TempDir()
	put(t, openTest(t, dir), testDoc("good.txt", "完好的文档"), testDoc("bad.txt", "将被损坏"))
	path := filepath.Join(dir, "docs", segmentName("bad.txt"))
	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 0xFF
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openTest(t, dir)
	if s.Document("good.txt") == nil || s.Document("bad.txt") != nil {
		t.Fatalf("want good.txt loaded and bad.txt skipped, got %v", s.Documents())
	}
}

// chromem-go errors when asked for more results than it holds; the searcher must clamp.
func TestSearchClampsToCollectionSize(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s, testDoc("a.txt", "只有一个块"))
	if ps := search(t, s, "一个", 50); len(ps) != 1 {
		t.Fatalf("got %d passages, want 1", len(ps))
	}
	if _, err := (Searcher{Store: s}).Retrieve(t.Context(), "?!。", 5); !errors.Is(err, ErrEmptyQuery) {
		t.Fatalf("punctuation query: err = %v, want ErrEmptyQuery", err)
	}
}

func TestSearchModes(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s, testDoc("a.txt", "数字疗法是数字健康的子集"), testDoc("b.txt", "城市大脑与数字孪生"), testDoc("c.txt", "美的集团的转型"))
	for _, m := range []Mode{Hybrid, VectorOnly, LexicalOnly} {
		ps, err := Searcher{Store: s, Mode: m}.Retrieve(t.Context(), "城市大脑", 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 || ps[0].DocID != "b.txt" {
			t.Errorf("mode %d: top = %+v, want b.txt", m, ps)
		}
	}
}

// TestCrashDuringIngestLeavesLoadableIndex kills a writer process at various moments of an
// ingest and checks that the index still loads with every document written before the writer
// started (in its old or new version, which the writer keeps rewriting), and with no document
// half-written. Each round waits until the writer has completed at least one batch before
// killing it, and checks that batch is on disk, so no round passes by killing a writer that
// never wrote.
func TestCrashDuringIngestLeavesLoadableIndex(t *testing.T) {
	if os.Getenv("WENDA_CRASH_WRITER") != "" {
		crashWriter(os.Getenv("WENDA_CRASH_WRITER"))
		return
	}
	dir := t.TempDir()
	base := openTest(t, dir)
	var early []*Document
	for i := range 20 {
		early = append(early, testDoc(fmt.Sprintf("early-%d.txt", i), fmt.Sprintf("早期文档 %d 的内容", i), "第二块"))
	}
	put(t, base, early...)

	for round := range 10 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringIngestLeavesLoadableIndex$")
		cmd.Env = append(os.Environ(), "WENDA_CRASH_WRITER="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		batches := make(chan struct{}, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if sc.Text() == crashBatchDone {
					select {
					case batches <- struct{}{}:
					default:
					}
				}
			}
			close(batches)
		}()
		// The first batch is done; kill at a different moment of a later one each round.
		select {
		case _, ok := <-batches:
			if !ok {
				cmd.Wait()
				t.Fatalf("round %d: the writer exited before writing a batch: %s", round, stderr.String())
			}
		case <-time.After(2 * time.Minute): // a guard against hanging, not a timing check
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: the writer wrote no batch: %s", round, stderr.String())
		}
		time.Sleep(time.Duration(round*7) * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		s := openTest(t, dir)
		t.Logf("round %d: %d documents", round, len(s.Documents()))
		for _, d := range early {
			got := s.Document(d.ID)
			if got == nil || len(got.Chunks) != 2 {
				t.Fatalf("round %d: early document %s lost or damaged: %+v", round, d.ID, got)
			}
		}
		for j := range 10 {
			if d := s.Document("late-" + strconv.Itoa(j) + ".txt"); d == nil || len(d.Chunks) != 3 {
				t.Fatalf("round %d: late-%d.txt, written in a completed batch, is missing or damaged: %+v", round, j, d)
			}
		}
		for _, d := range s.Documents() {
			if !strings.HasPrefix(d.ID, "early-") && len(d.Chunks) != 3 {
				t.Fatalf("round %d: half-written document %s has %d chunks", round, d.ID, len(d.Chunks))
			}
		}
		if ps := search(t, s, "早期文档 7", 1); len(ps) == 0 || ps[0].DocID != "early-7.txt" {
			t.Fatalf("round %d: search after crash = %+v", round, ps)
		}
	}
}

// crashBatchDone is what the crash writer prints after each batch it has written.
const crashBatchDone = "batch written"

// crashWriter rewrites the early documents (alternating two versions, so a torn write would
// destroy one) and adds late ones, forever, until it is killed. It reports each batch written.
func crashWriter(dir string) {
	s, err := OpenStore(context.Background(), dir, LocalEmbedder{Dim: 64}, StoreOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		var batch []*Document
		for j := range 20 {
			batch = append(batch, testDoc(fmt.Sprintf("early-%d.txt", j), fmt.Sprintf("早期文档 %d 的内容", j), "第二块 "+strconv.Itoa(i%2)))
		}
		for j := range 10 {
			n := strconv.Itoa(i*10 + j)
			batch = append(batch, testDoc("late-"+strconv.Itoa(j)+".txt", "后期 "+n, "内容 "+n, strings.Repeat("填充", 500)))
		}
		if _, err := s.Put(context.Background(), batch, PutOptions{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Println(crashBatchDone)
	}
}

// otherEmbedder has the local embedder's name and dimension but other vectors, as a second
// model of the same size would.
type otherEmbedder struct{ LocalEmbedder }

func (e otherEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	vs, err := e.LocalEmbedder.Embed(ctx, texts)
	for _, v := range vs {
		slices.Reverse(v)
	}
	return vs, err
}

// TestStoreRecoversIndexJSON checks a deleted or damaged index.json is rewritten from the
// segment files when they belong to the configured embedder, with a warning, instead of the
// index opening empty (deleted) or failing with a bare JSON error (damaged).
func TestStoreRecoversIndexJSON(t *testing.T) {
	for _, damage := range []string{"deleted", "truncated", "empty object"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			put(t, openTest(t, dir), testDoc("a.txt", "苹果和香蕉", "香蕉和樱桃"), testDoc("b.txt", "火龙果"))
			want, _ := os.ReadFile(filepath.Join(dir, "index.json"))
			switch damage {
			case "deleted":
				os.Remove(filepath.Join(dir, "index.json"))
			case "truncated":
				os.WriteFile(filepath.Join(dir, "index.json"), want[:len(want)/2], 0o644)
			case "empty object":
				os.WriteFile(filepath.Join(dir, "index.json"), []byte("{}"), 0o644)
			}
			var logs strings.Builder
			s, err := OpenStore(t.Context(), dir, LocalEmbedder{Dim: 64}, StoreOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			if st := s.Stats(); st.Documents != 2 || st.Chunks != 3 || st.Dim != 64 {
				t.Errorf("after recovery: %+v, want both documents", st)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, "index.json")); string(got) != string(want) {
				t.Errorf("index.json = %s, want %s", got, want)
			}
			if !strings.Contains(logs.String(), "rewrote it from the segment files") || !strings.Contains(logs.String(), "index.json") {
				t.Errorf("recovery not logged:\n%s", logs.String())
			}
		})
	}
}

// TestStoreRefusesUnverifiableIndex checks that with index.json lost, segments another
// embedder built (even one of the same dimension) are refused with a message naming the file
// and the fix, and that --rebuild then discards them rather than mixing them with new ones.
func TestStoreRefusesUnverifiableIndex(t *testing.T) {
	for _, tc := range []struct {
		name     string
		embedder Embedder
		damage   []byte // nil deletes index.json
	}{
		{"deleted, other dimension", LocalEmbedder{Dim: 128}, nil},
		{"deleted, same dimension", otherEmbedder{LocalEmbedder{Dim: 64}}, nil},
		{"truncated, other dimension", LocalEmbedder{Dim: 128}, []byte(`{"format":1,"emb`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			put(t, openTest(t, dir), testDoc("a.txt", "苹果和香蕉"), testDoc("b.txt", "火龙果"))
			meta := filepath.Join(dir, "index.json")
			if tc.damage == nil {
				os.Remove(meta)
			} else {
				os.WriteFile(meta, tc.damage, 0o644)
			}
			_, err := OpenStore(t.Context(), dir, tc.embedder, StoreOptions{})
			if !errors.Is(err, ErrIndexDamaged) {
				t.Fatalf("err = %v, want ErrIndexDamaged", err)
			}
			for _, w := range []string{meta, "ingest --rebuild", "2 documents"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if _, statErr := os.Stat(meta); (statErr == nil) != (tc.damage != nil) {
				t.Errorf("a refused open changed index.json (stat: %v)", statErr)
			}

			s, err := OpenStore(t.Context(), dir, tc.embedder, StoreOptions{Rebuild: true})
			if err != nil {
				t.Fatalf("rebuild: %v", err)
			}
			if _, err := s.Put(t.Context(), []*Document{testDoc("new.txt", "新文档")}, PutOptions{}); err != nil {
				t.Fatal(err)
			}
			s, err = OpenStore(t.Context(), dir, tc.embedder, StoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if docs := s.Documents(); len(docs) != 1 || docs[0].ID != "new.txt" {
				t.Errorf("after rebuild the index holds %d documents, want only new.txt", len(docs))
			}
		})
	}
}

// TestStoreNewerIndexFormat checks an index from a newer wenda is refused, not recovered over.
func TestStoreNewerIndexFormat(t *testing.T) {
	dir := t.TempDir()
	put(t, openTest(t, dir), testDoc("a.txt", "内容"))
	os.WriteFile(filepath.Join(dir, "index.json"), []byte(`{"format":9,"embedder":"local-v1/64"}`), 0o644)
	_, err := OpenStore(t.Context(), dir, LocalEmbedder{Dim: 64}, StoreOptions{})
	if err == nil || !strings.Contains(err.Error(), "newer wenda") || !strings.Contains(err.Error(), "index.json") {
		t.Fatalf("err = %v, want a refusal naming index.json and a newer wenda", err)
	}
}
