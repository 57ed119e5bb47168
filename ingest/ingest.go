package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/wenda-dev/wenda/ingest/loaders"
	"github.com/wenda-dev/wenda/rag"
)

// Ingester reads files into a rag.Store.
type Ingester struct {
	Store    *rag.Store
	Chunking ChunkOptions
	Limits   loaders.Options
	// MaxChunks is the most chunks one file may make, all its documents together; 0 means
	// DefaultMaxChunks. A larger file fails with an error wrapping loaders.ErrTooLarge.
	MaxChunks int
	Logger    *slog.Logger
}

// DefaultMaxChunks bounds what one file may add to the index. Every chunk costs about 13 KB
// while it is embedded and indexed (a 30 MB text made 148k chunks and took the server from 17 MB
// to 1.9 GB), so 20,000 chunks keep one file near 260 MB. At the default chunk size that is
// about 6 million characters, several thousand pages; the largest eval corpus makes 1,600.
const DefaultMaxChunks = 20000

// Errors a caller can branch on with errors.Is.
var (
	// ErrManagedByFolder means an upload would replace documents that the knowledge folder owns;
	// those change only through their files.
	ErrManagedByFolder = errors.New("documents managed by the knowledge folder")
	// ErrBadName means a file name or document id holds control characters, which would reach
	// terminals and logs as escape sequences.
	ErrBadName = errors.New("name holds control characters")
)

// Report sums up an ingest or a sync.
type Report struct {
	Files      int   // files read
	Bytes      int64 // bytes read
	Added      int   // documents new to the index
	Replaced   int   // documents whose content changed
	Unchanged  int   // documents or files skipped because their content hash was unchanged
	Duplicates int   // documents skipped because another document has the same content
	Removed    int   // documents deleted (their file left the knowledge folder)
	Chunks     int   // chunks written
	Skipped    []string
	Failed     []FileError
}

// FileError is one file that could not be ingested.
type FileError struct {
	Path string
	Err  error
}

func (e FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// ErrSomeFailed is returned, wrapped, when at least one file failed but the rest was ingested.
var ErrSomeFailed = errors.New("some files could not be ingested")

// Err returns nil when every file was ingested, else an error wrapping ErrSomeFailed that names
// each failed file.
func (r *Report) Err() error {
	if len(r.Failed) == 0 {
		return nil
	}
	errs := []error{ErrSomeFailed}
	for _, f := range r.Failed {
		errs = append(errs, f)
	}
	return errors.Join(errs...)
}

func (r *Report) count(results []rag.PutResult) {
	for _, res := range results {
		switch res.Status {
		case "added":
			r.Added++
			r.Chunks += res.Chunks
		case "replaced":
			r.Replaced++
			r.Chunks += res.Chunks
		case "unchanged":
			r.Unchanged++
		case "duplicate":
			r.Duplicates++
		}
	}
}

func (in *Ingester) logger() *slog.Logger {
	if in.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return in.Logger
}

// Ingest reads files and folders. A folder's files get ids relative to it; a file named directly
// keeps the path as given. Bad files are reported in the Report and skipped; the returned error
// is for failures of the index itself.
func (in *Ingester) Ingest(ctx context.Context, paths []string) (Report, error) {
	var rep Report
	var jobs []fileJob
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			rep.Failed = append(rep.Failed, FileError{p, err})
			continue
		}
		if !info.IsDir() {
			jobs = append(jobs, fileJob{path: p, id: filepath.ToSlash(filepath.Clean(p))})
			continue
		}
		files, skipped, err := walk(p)
		rep.Skipped = append(rep.Skipped, skipped...)
		if err != nil {
			rep.Failed = append(rep.Failed, FileError{p, err})
		}
		for _, rel := range files {
			jobs = append(jobs, fileJob{path: filepath.Join(p, rel), id: rel})
		}
	}
	_, err := in.ingestFiles(ctx, &rep, jobs, "")
	return rep, err
}

// IngestBytes ingests one uploaded file's content under name (also its id, unless the format
// names its documents). Unlike a folder sync, a same-content upload under another name is
// skipped as a duplicate.
func (in *Ingester) IngestBytes(ctx context.Context, name string, data []byte) (Report, error) {
	var rep Report
	rep.Files, rep.Bytes = 1, int64(len(data))
	docs, err := in.documents(name, data, "")
	if err != nil {
		// A partial failure (bad .jsonl lines) keeps the good documents, as a folder ingest does.
		rep.Failed = append(rep.Failed, FileError{name, err})
		if len(docs) == 0 {
			return rep, nil
		}
	}
	var owned []string
	for _, d := range docs {
		if old := in.Store.Document(d.ID); old != nil && old.Origin == rag.OriginKnowledge {
			owned = append(owned, d.ID)
		}
	}
	if len(owned) > 0 {
		// Refused whole: replacing a folder's document would last only until its file changes,
		// and deleting the upload later would take the folder's document with it.
		rep.Failed = []FileError{{name, fmt.Errorf("%w: %s", ErrManagedByFolder, strings.Join(owned, ", "))}}
		return rep, nil
	}
	results, err := in.Store.Put(ctx, docs, rag.PutOptions{SkipDuplicates: true})
	if err != nil {
		return rep, err
	}
	rep.count(results)
	return rep, nil
}

// fileJob is one file to ingest and the document id it gets.
type fileJob struct{ path, id string }

// loadedFile is a fileJob's outcome before indexing.
type loadedFile struct {
	size int
	docs []*rag.Document
	err  error // with docs, a partial failure (bad .jsonl lines); without, the file failed
}

// Batching: files are loaded this many at a time on all cores, and their documents are written
// once this many chunks are pending, so embedding and indexing always have work for every core
// (one file at a time left a core idle: 2 MB/s against 5+ MB/s batched, docs/benchmarks.md).
const (
	loadWindow  = 32
	batchChunks = 1024
)

// ingestFiles loads files in parallel and writes their documents in batches. It returns, per
// job, the ids of the documents the file produced, nil when the file failed (the failure is
// recorded in rep). Only a failure of the index is returned as an error.
func (in *Ingester) ingestFiles(ctx context.Context, rep *Report, jobs []fileJob, origin string) ([][]string, error) {
	ids := make([][]string, len(jobs))
	var pending []*rag.Document
	pendingChunks := 0
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		results, err := in.Store.Put(ctx, pending, rag.PutOptions{})
		if err != nil {
			return fmt.Errorf("index: %w", err)
		}
		rep.count(results)
		pending, pendingChunks = nil, 0
		return nil
	}
	for start := 0; start < len(jobs); start += loadWindow {
		if err := ctx.Err(); err != nil {
			return ids, err
		}
		window := jobs[start:min(start+loadWindow, len(jobs))]
		loaded := make([]loadedFile, len(window))
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for i, job := range window {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				loaded[i] = in.loadFile(job, origin)
			})
		}
		wg.Wait()
		for i, lf := range loaded {
			job := window[i]
			if lf.err != nil {
				rep.Failed = append(rep.Failed, FileError{job.path, lf.err})
				if len(lf.docs) == 0 {
					in.logger().Warn("skipping file", "file", job.path, "err", lf.err)
					continue
				}
			}
			rep.Files++
			rep.Bytes += int64(lf.size)
			for _, d := range lf.docs {
				ids[start+i] = append(ids[start+i], d.ID)
				pendingChunks += len(d.Chunks)
			}
			pending = append(pending, lf.docs...)
			in.logger().Info("read", "file", job.path, "documents", len(lf.docs), "chunks", chunkCount(lf.docs))
			if pendingChunks >= batchChunks {
				if err := flush(); err != nil {
					return ids, err
				}
			}
		}
	}
	return ids, flush()
}

// loadFile reads, extracts, cleans and chunks one file.
func (in *Ingester) loadFile(job fileJob, origin string) loadedFile {
	data, err := readLimited(job.path, in.Limits.MaxBytes)
	if err != nil {
		return loadedFile{err: err}
	}
	docs, err := in.documents(job.id, data, origin)
	var partial *loaders.PartialError
	if err != nil && !errors.As(err, &partial) {
		docs = nil
	}
	return loadedFile{size: len(data), docs: docs, err: err}
}

func chunkCount(docs []*rag.Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Chunks)
	}
	return n
}

// readLimited reads a file, refusing one larger than max bytes (0: the loaders' default).
func readLimited(path string, max int64) ([]byte, error) {
	if max <= 0 {
		max = loaders.DefaultMaxBytes
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", loaders.ErrTooLarge, info.Size(), max)
	}
	return os.ReadFile(path)
}

// documents extracts, cleans and chunks the documents in one file. id is the file's document id
// (its path relative to the folder given); documents that name themselves (.jsonl) keep their
// own ids. On a partial failure it returns the good documents and the error.
func (in *Ingester) documents(id string, data []byte, origin string) ([]*rag.Document, error) {
	if loaders.HasControl(id) {
		return nil, ErrBadName
	}
	extracted, err := loaders.Load(id, data, in.Limits)
	if err != nil && len(extracted) == 0 {
		return nil, err
	}
	maxChunks := in.MaxChunks
	if maxChunks <= 0 {
		maxChunks = DefaultMaxChunks
	}
	sourceHash := rag.Hash(data)
	docs := make([]*rag.Document, 0, len(extracted))
	chunksLeft := maxChunks
	for _, ex := range extracted {
		doc := &rag.Document{
			ID:         ex.ID,
			Source:     id,
			Title:      collapseSpaces(ex.Title), // a title is one line, without control characters
			URL:        ex.URL,
			SourceHash: sourceHash,
			Origin:     origin,
		}
		if doc.ID == "" {
			doc.ID = id
		}
		if doc.Title == "" {
			doc.Title = strings.TrimSuffix(filepath.Base(id), filepath.Ext(id))
		}
		sections := make([]section, 0, len(ex.Sections))
		for _, s := range ex.Sections {
			sections = append(sections, section{path: s.Path, page: s.Page, text: Clean(s.Text)})
		}
		text, chunks, ok := buildChunks(sections, in.chunking(), chunksLeft)
		if !ok {
			return nil, fmt.Errorf("more than %d chunks; split it into smaller files: %w", maxChunks, loaders.ErrTooLarge)
		}
		chunksLeft -= len(chunks)
		if len(chunks) == 0 {
			continue // an empty record in a corpus is not worth failing the file for
		}
		doc.Hash = rag.Hash([]byte(text))
		doc.Size = len(text)
		doc.Chunks = chunks
		docs = append(docs, doc)
	}
	if len(docs) == 0 && err == nil {
		err = loaders.ErrNoText
	}
	return docs, err
}

func (in *Ingester) chunking() ChunkOptions {
	if in.Chunking.Size <= 0 {
		return DefaultChunkOptions
	}
	return in.Chunking
}

// walk lists the supported files under dir, relative to it, in lexical order, skipping hidden
// files and folders. Files of unknown types are returned as skipped.
func walk(dir string) (files, skipped []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path != dir && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if loaders.Supported(name) {
			files = append(files, rel)
		} else {
			skipped = append(skipped, rel)
		}
		return nil
	})
	return files, skipped, err
}
