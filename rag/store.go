package rag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/wenda-dev/wenda/prompts"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/philippgille/chromem-go"
)

// Store is the chunk index: documents and their chunks, their vectors in a chromem-go in-memory
// collection, and a BM25 index over the same chunks. On disk it is one segment file per
// document under DIR/docs plus DIR/index.json naming the embedder; both are replaced by atomic
// renames, so a crash at any moment leaves a directory that loads with every earlier document
// intact. chromem-go's own persistence is not used: it names files by a 32-bit hash of the id and
// rewrites them in place.
//
// A Store is safe for concurrent use. Several processes may share a directory: writes are
// serialised by a lock file, and each process sees the documents that existed when it opened
// the store plus its own writes.
type Store struct {
	dir      string
	embedder Embedder
	logger   *slog.Logger
	// tempsCleaned is set once this process has removed the temporary files a crashed writer
	// may have left: listing the directory on every write cost milliseconds at 10k documents.
	tempsCleaned atomic.Bool

	mu        sync.RWMutex
	meta      indexMeta
	docs      map[string]*Document
	byHash    map[string]string // content hash → doc id, to spot the same file uploaded twice
	slots     []slotRef
	free      []uint32
	chunkSlot map[string]uint32
	vectors   *chromem.Collection
	rows      vectorRows // the vectors' only copy, shared by slots and chromem-go
	lex       *lexicalIndex

	// subjects caches each chunk's subject (subjectBefore).
	subjects struct {
		sync.Mutex
		m map[subjectKey]lead
	}

	// glosses caches glossOf's answers for the index's shape when they were looked up: reading
	// the chunks that hold an abbreviation on every question was a tenth of an answer.
	glosses struct {
		sync.Mutex
		key [3]int
		m   map[string]string
	}

	// lang caches the documents' language (docsLang) for the index's shape when it was
	// sampled: sampling on every English question was a tenth of an answer.
	lang struct {
		sync.Mutex
		key   [3]int
		value prompts.Lang
	}
}

type slotRef struct {
	doc    *Document // nil for a free slot
	chunk  int
	vector []float32 // the chunk's unit vector: a row of Store.rows, shared with chromem-go
}

type indexMeta struct {
	Format   int    `json:"format"`
	Embedder string `json:"embedder"`
	Dim      int    `json:"dim,omitempty"`
}

const (
	indexFormat = 1
	lockWait    = 30 * time.Second
)

// StoreOptions configure OpenStore.
type StoreOptions struct {
	// Rebuild discards an index built by another embedder instead of refusing to open it.
	Rebuild bool
	Logger  *slog.Logger
}

// OpenStore loads the index in dir, creating it if needed. An index built by another embedder is
// refused with ErrEmbedderMismatch unless opts.Rebuild is set. A segment file that fails its
// checks is reported in the log and left out; the rest loads.
func OpenStore(ctx context.Context, dir string, embedder Embedder, opts StoreOptions) (*Store, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Join(dir, "docs"), 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	s := &Store{dir: dir, embedder: embedder, logger: logger}
	s.reset()

	lock, err := lockDir(dir, opts.Rebuild, lockWait)
	if err != nil {
		return nil, err
	}
	defer func() { lock.unlock() }()

	meta, err := readMeta(dir)
	if metaLost(err) && !opts.Rebuild && hasSegments(dir) {
		// Recovering rewrites index.json, which needs the writer's lock; another process may
		// have recovered it while this one waited, so read it again.
		lock.unlock()
		if lock, err = lockDir(dir, true, lockWait); err != nil {
			return nil, err
		}
		if meta, err = readMeta(dir); metaLost(err) {
			meta, err = s.recoverMeta(ctx, err)
		}
	}
	switch {
	case metaLost(err):
		// Nothing to recover (no segments), or a rebuild: segments of an unknown embedder
		// must not be mixed with the new ones.
		if hasSegments(dir) {
			logger.Warn("rebuilding an index whose index.json is missing or damaged", "file", metaPath(dir), "err", err)
			if err := s.removeAll(); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			logger.Warn("replacing a damaged index.json; the index holds no documents", "file", metaPath(dir), "err", err)
		}
		s.meta = indexMeta{Format: indexFormat, Embedder: embedder.Name()}
		return s, nil
	case err != nil:
		return nil, err
	}
	if meta.Embedder != embedder.Name() {
		if !opts.Rebuild {
			return nil, fmt.Errorf("%w: the index in %s was built with embedder %q, but this run uses %q; "+
				"rebuild it with `wenda --data %s ingest --rebuild PATH...` or choose another data directory",
				ErrEmbedderMismatch, dir, meta.Embedder, embedder.Name(), dir)
		}
		logger.Warn("rebuilding index for a new embedder", "old", meta.Embedder, "new", embedder.Name())
		if err := s.removeAll(); err != nil {
			return nil, err
		}
		s.meta = indexMeta{Format: indexFormat, Embedder: embedder.Name()}
		return s, nil
	}
	s.meta = meta
	return s, s.load(ctx)
}

func (s *Store) reset() {
	s.docs = map[string]*Document{}
	s.byHash = map[string]string{}
	s.slots = nil
	s.free = nil
	s.chunkSlot = map[string]uint32{}
	s.rows = vectorRows{}
	s.lex = newLexicalIndex()
	db := chromem.NewDB()
	// The embedding func is never called (every vector is supplied), but chromem-go's default
	// would reach for OpenAI over the network, so pass one that refuses.
	s.vectors, _ = db.CreateCollection("chunks", nil, func(context.Context, string) ([]float32, error) {
		return nil, errors.New("wenda supplies every embedding; chromem-go must not compute one")
	})
}

// ErrIndexDamaged means index.json is missing or unreadable while the data directory holds
// documents, and they cannot be shown to belong to the configured embedder. The message names
// the file and the fix.
var ErrIndexDamaged = errors.New("index damaged")

// errBadMeta marks an index.json that exists but cannot be read as one.
var errBadMeta = errors.New("damaged index metadata")

func metaPath(dir string) string { return filepath.Join(dir, "index.json") }

// metaLost reports whether index.json is missing or damaged (as opposed to unreadable for
// another reason, or written by a newer wenda).
func metaLost(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, errBadMeta)
}

func readMeta(dir string) (indexMeta, error) {
	var m indexMeta
	b, err := os.ReadFile(metaPath(dir))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: %v", errBadMeta, err)
	}
	if m.Format > indexFormat {
		return m, fmt.Errorf("%s has index format %d, which this wenda does not know (it reads %d): "+
			"it was written by a newer wenda; upgrade, or rebuild the index with `wenda --data %s ingest --rebuild PATH...`",
			metaPath(dir), m.Format, indexFormat, dir)
	}
	if m.Format != indexFormat || m.Embedder == "" {
		return m, fmt.Errorf("%w: format %d, embedder %q", errBadMeta, m.Format, m.Embedder)
	}
	return m, nil
}

// hasSegments reports whether dir holds any segment file.
func hasSegments(dir string) bool {
	entries, _ := os.ReadDir(filepath.Join(dir, "docs"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".wseg") {
			return true
		}
	}
	return false
}

// recoverMeta rewrites a missing or damaged index.json from the segment files. They do not
// name their embedder, but they hold every chunk's vector: the configured embedder must
// reproduce a stored vector for the segments to be its own. The dimension alone would not do,
// as two models of one size would then mix silently. The caller holds the writer's lock.
func (s *Store) recoverMeta(ctx context.Context, cause error) (indexMeta, error) {
	state := "missing"
	if !errors.Is(cause, fs.ErrNotExist) {
		state = "damaged (" + strings.TrimPrefix(cause.Error(), errBadMeta.Error()+": ") + ")"
	}
	docsDir := filepath.Join(s.dir, "docs")
	fix := fmt.Sprintf("rebuild the index with `wenda --data %s ingest --rebuild PATH...`", s.dir)
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		return indexMeta{}, fmt.Errorf("read index: %w", err)
	}
	var doc *Document
	var vector []float32
	segments, empty := 0, false
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".wseg") {
			continue
		}
		segments++
		if doc != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(docsDir, e.Name()))
		if err != nil {
			continue
		}
		d, vs, err := decodeSegment(data)
		switch {
		case err != nil:
		case len(vs) == 0:
			empty = true
		default:
			doc, vector = d, vs[0]
		}
	}
	meta := indexMeta{Format: indexFormat, Embedder: s.embedder.Name()}
	switch {
	case doc != nil:
		got, err := s.embedder.Embed(ctx, []string{indexText(doc, 0)})
		if err != nil {
			return indexMeta{}, fmt.Errorf("%w: %s is %s; checking the %d documents in %s against embedder %q failed: %v; "+
				"try again once the embedder answers, or %s", ErrIndexDamaged, metaPath(s.dir), state, segments, docsDir, meta.Embedder, err, fix)
		}
		if len(got) != 1 || cosine(got[0], vector) < sameVector {
			return indexMeta{}, fmt.Errorf("%w: %s is %s, and the %d documents in %s were not built by embedder %q; %s",
				ErrIndexDamaged, metaPath(s.dir), state, segments, docsDir, meta.Embedder, fix)
		}
		meta.Dim = len(vector)
	case !empty:
		return indexMeta{}, fmt.Errorf("%w: %s is %s, and none of the %d files in %s can be read; %s",
			ErrIndexDamaged, metaPath(s.dir), state, segments, docsDir, fix)
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	if err := writeFileAtomic(metaPath(s.dir), b, true); err != nil {
		return indexMeta{}, fmt.Errorf("write index metadata: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return indexMeta{}, fmt.Errorf("write index metadata: %w", err)
	}
	s.logger.Warn("index.json was "+state+"; rewrote it from the segment files", "file", metaPath(s.dir),
		"embedder", meta.Embedder, "documents", segments)
	return meta, nil
}

// sameVector is the least cosine at which a recomputed vector counts as the stored one: the
// local embedder reproduces its vectors exactly, a remote model to rounding, while another
// model's vector for the same text lands far below.
const sameVector = 0.999

func cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// load reads every segment file, decoding on all cores.
func (s *Store) load(ctx context.Context) error {
	docsDir := filepath.Join(s.dir, "docs")
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	names := make(chan string)
	results := make(chan docToInsert)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf []Token
			for name := range names {
				path := filepath.Join(docsDir, name)
				data, err := os.ReadFile(path)
				if err == nil {
					var l docToInsert
					l.doc, l.vectors, err = decodeSegment(data)
					if err == nil {
						l.terms, buf = docTerms(l.doc, buf)
						if local, ok := s.embedder.(LocalEmbedder); ok {
							// Local vectors are derived from the text, like BM25: recomputing them
							// means a change of tokenisation (Traditional folding) needs no rebuild.
							for i := range l.vectors {
								l.vectors[i] = local.fromTerms(l.terms[i])
							}
						}
						results <- l
						continue
					}
				}
				s.logger.Error("skipping unreadable index file", "file", path, "err", err)
			}
		})
	}
	go func() {
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".wseg") {
				names <- e.Name()
			}
		}
		close(names)
		wg.Wait()
		close(results)
	}()
	var batch []docToInsert
	dim := s.meta.Dim
	for d := range results {
		if len(d.vectors) > 0 {
			if dim == 0 {
				dim = len(d.vectors[0])
			}
			if len(d.vectors[0]) != dim {
				s.logger.Error("skipping index file with vectors of another dimension", "doc", d.doc.ID, "dim", len(d.vectors[0]), "index_dim", dim)
				continue
			}
		}
		batch = append(batch, d)
		// Inserting as files arrive lets each decoded vector go once it is copied into the
		// rows, instead of holding all of them twice at the end of the load.
		if len(batch) == loadBatch {
			s.insert(ctx, batch)
			batch = batch[:0]
		}
	}
	s.insert(ctx, batch)
	return ctx.Err()
}

// loadBatch is how many loaded documents are inserted at once: enough that the BM25 postings
// still fill on all cores, few enough that their decoded vectors are a small share of the index.
const loadBatch = 1000

// docTerms counts the terms of each of doc's chunks as the indexes see them.
func docTerms(doc *Document, buf []Token) ([]chunkTerms, []Token) {
	terms := make([]chunkTerms, len(doc.Chunks))
	for i := range doc.Chunks {
		terms[i], buf = countTerms(indexText(doc, i), buf)
	}
	return terms, buf
}

// docToInsert is a document with its chunks' vectors and terms.
type docToInsert struct {
	doc     *Document
	vectors [][]float32
	terms   []chunkTerms
}

// insert adds documents to the in-memory indexes, replacing earlier versions. The caller holds
// s.mu (or owns s exclusively).
func (s *Store) insert(ctx context.Context, batch []docToInsert) {
	// The last version of an id wins; an earlier one in the same batch is never indexed (its
	// terms would otherwise be added after its slots had been freed for the later one).
	last := make(map[string]int, len(batch))
	for i, d := range batch {
		last[d.doc.ID] = i
	}
	var lex []slotTerms
	for i, d := range batch {
		if last[d.doc.ID] != i {
			continue
		}
		doc := d.doc
		if old := s.docs[doc.ID]; old != nil {
			s.evict(old)
		}
		s.docs[doc.ID] = doc
		s.byHash[doc.Hash] = doc.ID
		if len(d.vectors) > 0 && s.meta.Dim == 0 {
			s.meta.Dim = len(d.vectors[0])
		}
		cdocs := make([]chromem.Document, len(doc.Chunks))
		for i := range doc.Chunks {
			var slot uint32
			if n := len(s.free); n > 0 {
				slot, s.free = s.free[n-1], s.free[:n-1]
			} else {
				slot = uint32(len(s.slots))
				s.slots = append(s.slots, slotRef{})
			}
			row := s.rows.set(slot, d.vectors[i])
			s.slots[slot] = slotRef{doc, i, row}
			id := ChunkID(doc.ID, i)
			s.chunkSlot[id] = slot
			lex = append(lex, slotTerms{slot, d.terms[i]})
			cdocs[i] = chromem.Document{ID: id, Embedding: row}
		}
		// The rows are unit length, so chromem-go keeps them as they are (no copy); errors are
		// impossible for documents with ids and embeddings.
		if len(cdocs) > 0 {
			_ = s.vectors.AddDocuments(ctx, cdocs, 1)
		}
		// The rows hold the vectors now: drop the loaded copy at once, so that a load does not
		// keep every vector twice until it ends.
		batch[i].vectors = nil
	}
	s.lex.add(lex)
}

// evict removes a document from the in-memory indexes. The caller holds s.mu.
func (s *Store) evict(doc *Document) {
	terms, _ := docTerms(doc, nil)
	ids := make([]string, len(doc.Chunks))
	for i := range doc.Chunks {
		id := ChunkID(doc.ID, i)
		ids[i] = id
		slot := s.chunkSlot[id]
		s.lex.remove(slot, terms[i])
		s.slots[slot] = slotRef{}
		s.rows.free(slot)
		s.free = append(s.free, slot)
		delete(s.chunkSlot, id)
	}
	if len(ids) > 0 {
		_ = s.vectors.Delete(context.Background(), nil, nil, ids...)
	}
	delete(s.docs, doc.ID)
	if s.byHash[doc.Hash] == doc.ID {
		delete(s.byHash, doc.Hash)
	}
	if s.lex.needsCompaction() {
		s.lex.compact()
	}
}

// shape tells apart the states of the index for the caches that hold until it changes (the
// documents' language, glosses): slots, free slots and documents. The caller holds s.mu.
func (s *Store) shape() [3]int { return [3]int{len(s.slots), len(s.free), len(s.docs)} }

// indexText is what both indexes see of a chunk: the title and section path give every chunk of
// a document the words that name its subject, which the chunk's own sentences often leave out.
func indexText(doc *Document, i int) string {
	c := &doc.Chunks[i]
	var b strings.Builder
	b.Grow(len(doc.Title) + len(c.Text) + 16)
	b.WriteString(doc.Title)
	for _, s := range c.Section {
		b.WriteString(" ")
		b.WriteString(s)
	}
	b.WriteString("\n")
	b.WriteString(c.Text)
	return b.String()
}

// PutResult says what Put did with one document.
type PutResult struct {
	ID string
	// Status is "added", "replaced", "unchanged" or "duplicate" (same content as DuplicateOf).
	Status      string
	DuplicateOf string
	Chunks      int
}

// PutOptions tune Put.
type PutOptions struct {
	// SkipDuplicates skips a new document whose content equals another document's, so the same
	// file uploaded under two names is indexed once.
	SkipDuplicates bool
}

// Put embeds and stores documents, replacing earlier versions with the same id. A document
// whose content hash and title are unchanged is skipped without embedding.
func (s *Store) Put(ctx context.Context, docs []*Document, opts PutOptions) ([]PutResult, error) {
	results := make([]PutResult, len(docs))
	var todo []int
	s.mu.RLock()
	for i, d := range docs {
		results[i] = PutResult{ID: d.ID, Chunks: len(d.Chunks)}
		old := s.docs[d.ID]
		switch {
		case old != nil && old.Hash == d.Hash && old.Title == d.Title && old.Source == d.Source:
			results[i].Status = "unchanged"
		case old == nil && opts.SkipDuplicates && s.byHash[d.Hash] != "":
			results[i].Status, results[i].DuplicateOf = "duplicate", s.byHash[d.Hash]
		default:
			results[i].Status = "added"
			if old != nil {
				results[i].Status = "replaced"
			}
			todo = append(todo, i)
		}
	}
	s.mu.RUnlock()
	if len(todo) == 0 {
		return results, nil
	}

	terms, vectors, err := s.prepare(ctx, docs, todo)
	if err == nil {
		err = sameDim(s.embedder.Name(), vectors)
	}
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(s.dir, true, lockWait)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	if err := s.writeMeta(vectors); err != nil {
		return nil, err
	}
	docsDir := filepath.Join(s.dir, "docs")
	if !s.tempsCleaned.Load() {
		if err := removeTempFiles(docsDir); err != nil {
			return nil, fmt.Errorf("clean index: %w", err)
		}
		s.tempsCleaned.Store(true)
	}
	now := time.Now().UTC()
	for j, i := range todo {
		docs[i].IngestedAt = now
		data, err := encodeSegment(docs[i], vectors[j])
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", docs[i].ID, err)
		}
		if err := writeFileAtomic(filepath.Join(docsDir, segmentName(docs[i].ID)), data, true); err != nil {
			return nil, fmt.Errorf("write %s: %w", docs[i].ID, err)
		}
	}
	if err := syncDir(docsDir); err != nil {
		return nil, fmt.Errorf("sync index: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	batch := make([]docToInsert, len(todo))
	for j, i := range todo {
		batch[j] = docToInsert{docs[i], vectors[j], terms[j]}
	}
	s.insert(ctx, batch)
	return results, nil
}

// prepare counts the terms of every chunk of docs[todo...] and embeds them, on all cores and
// per chunk, so one large document keeps every core busy too. The local embedder builds its
// vectors from the counted terms instead of tokenising again.
func (s *Store) prepare(ctx context.Context, docs []*Document, todo []int) ([][]chunkTerms, [][][]float32, error) {
	type ref struct{ j, c int }
	var refs []ref
	terms := make([][]chunkTerms, len(todo))
	for j, i := range todo {
		terms[j] = make([]chunkTerms, len(docs[i].Chunks))
		for c := range docs[i].Chunks {
			refs = append(refs, ref{j, c})
		}
	}
	local, isLocal := s.embedder.(LocalEmbedder)
	var vectors [][][]float32
	if isLocal {
		vectors = make([][][]float32, len(todo))
		for j, i := range todo {
			vectors[j] = make([][]float32, len(docs[i].Chunks))
		}
	}
	parallel(len(refs), func(k int, buf []Token) []Token {
		r := refs[k]
		terms[r.j][r.c], buf = countTerms(indexText(docs[todo[r.j]], r.c), buf)
		if isLocal {
			vectors[r.j][r.c] = local.fromTerms(terms[r.j][r.c])
		}
		return buf
	})
	if isLocal {
		return terms, vectors, ctx.Err()
	}
	vectors, err := s.embedDocs(ctx, docs, todo)
	return terms, vectors, err
}

// embedDocs embeds the chunks of docs[todo...], batching across documents.
func (s *Store) embedDocs(ctx context.Context, docs []*Document, todo []int) ([][][]float32, error) {
	var texts []string
	for _, i := range todo {
		for c := range docs[i].Chunks {
			texts = append(texts, indexText(docs[i], c))
		}
	}
	flat, err := embedParallel(ctx, s.embedder, texts)
	if err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	out := make([][][]float32, len(todo))
	for j, i := range todo {
		n := len(docs[i].Chunks)
		out[j], flat = flat[:n:n], flat[n:]
	}
	return out, nil
}

// embedBatch is how many texts go to the embedder at once: small enough that one file's chunks
// spread over all cores, large enough for remote embedders to batch requests well.
const embedBatch = 64

// parallel runs f(0..n-1) on all cores; each worker keeps its own token buffer.
func parallel(n int, f func(i int, buf []Token) []Token) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			var buf []Token
			for i := range next {
				buf = f(i, buf)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// embedParallel embeds texts in batches on all cores; remote embedders bound their own
// concurrency on top of this.
func embedParallel(ctx context.Context, e Embedder, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for start := 0; start < len(texts); start += embedBatch {
		end := min(start+embedBatch, len(texts))
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			vs, err := e.Embed(ctx, texts[start:end])
			if err == nil && len(vs) != end-start {
				err = fmt.Errorf("embedder returned %d vectors for %d texts", len(vs), end-start)
			}
			if err != nil {
				cancel(err)
				return
			}
			copy(out[start:end], vs)
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// writeMeta records the embedder and dimension the first time vectors are written, and refuses
// vectors of another dimension.
func (s *Store) writeMeta(vectors [][][]float32) error {
	dim := 0
	for _, vs := range vectors {
		if len(vs) > 0 {
			dim = len(vs[0])
			break
		}
	}
	s.mu.RLock()
	meta := s.meta
	s.mu.RUnlock()
	if dim == 0 || meta.Dim == dim {
		if _, err := os.Stat(metaPath(s.dir)); err == nil {
			return nil
		}
	}
	if meta.Dim != 0 && dim != 0 && meta.Dim != dim {
		return fmt.Errorf("%w: embedder %s returned %d dimensions, the index holds %d", ErrEmbedderMismatch, meta.Embedder, dim, meta.Dim)
	}
	if meta.Dim == 0 {
		meta.Dim = dim
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	if err := writeFileAtomic(metaPath(s.dir), b, true); err != nil {
		return fmt.Errorf("write index metadata: %w", err)
	}
	s.mu.Lock()
	s.meta = meta
	s.mu.Unlock()
	return syncDir(s.dir)
}

// Delete removes documents by id; unknown ids are ignored. It returns the ids removed.
func (s *Store) Delete(ctx context.Context, ids ...string) ([]string, error) {
	lock, err := lockDir(s.dir, true, lockWait)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	var removed []string
	for _, id := range ids {
		doc := s.docs[id]
		err := os.Remove(filepath.Join(s.dir, "docs", segmentName(id)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("delete %s: %w", id, err)
		}
		if doc != nil {
			s.evict(doc)
			removed = append(removed, id)
		}
	}
	return removed, syncDir(filepath.Join(s.dir, "docs"))
}

// removeAll deletes every segment (used by a rebuild). The caller holds the exclusive lock.
func (s *Store) removeAll() error {
	docsDir := filepath.Join(s.dir, "docs")
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(docsDir, e.Name())); err != nil {
			return err
		}
	}
	if err := os.Remove(metaPath(s.dir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(docsDir)
}

// Documents returns the stored documents, sorted by id. The documents are shared: do not modify.
func (s *Store) Documents() []*Document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Document, 0, len(s.docs))
	for _, d := range s.docs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *Document) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Document returns one stored document, or nil.
func (s *Store) Document(id string) *Document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.docs[id]
}

// Stats are the index's sizes.
type Stats struct {
	Documents int
	Chunks    int
	Embedder  string
	Dim       int
}

// Stats returns the index's current sizes.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return Stats{Documents: len(s.docs), Chunks: len(s.chunkSlot), Embedder: s.meta.Embedder, Dim: s.meta.Dim}
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }
