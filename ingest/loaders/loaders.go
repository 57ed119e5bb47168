// Package loaders turns the bytes of one file into plain-text documents, ready for cleaning and
// chunking by package ingest. It knows file formats and text encodings and nothing about the index;
// it imports the standard library, golang.org/x packages and goldmark (Markdown, pure Go, no
// dependencies): the Office, EPUB and PDF readers are written here, on archive/zip, encoding/xml
// and compress/zlib.
//
// Load is safe to call on untrusted files: it bounds the bytes a container may expand to
// (Options.MaxBytes), the time spent (Options.Timeout), and turns a parser panic into an error, so
// one malicious file fails alone instead of stopping the ingest of a folder.
package loaders

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Document is the text extracted from one file or from one record of a multi-document file
// (a .jsonl line). Text is UTF-8; whitespace is left for ingest to normalise.
type Document struct {
	// ID is set only when the format names its documents (the "id" of a .jsonl line); empty means
	// the caller derives the id from the file's path.
	ID string
	// Title is the document's own title (HTML <title>, first heading, .jsonl "title"); empty when
	// the format has none, and the caller falls back to the file name.
	Title string
	// URL links to the original when the format records one (a saved web page's canonical link).
	URL string
	// Sections hold the text in reading order. Formats without structure return one section.
	Sections []Section
}

// Section is a run of text under one heading path, or on one page.
type Section struct {
	// Path is the heading path, outermost first ("第一章", "1.2 数据"); empty when there is none.
	Path []string
	// Page is the 1-based page number for paged formats (PDF); 0 when unknown.
	Page int
	// Text is the section's body text.
	Text string
}

// Text returns all sections' text joined by blank lines.
func (d Document) Text() string {
	parts := make([]string, 0, len(d.Sections))
	for _, s := range d.Sections {
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, "\n\n")
}

// Options bound the work spent on one file.
type Options struct {
	// MaxBytes is the largest file accepted, and the most bytes a compressed container may
	// expand to; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxText is the most bytes of UTF-8 text one file may yield, all its documents together;
	// 0 means DefaultMaxText. It is separate from MaxBytes because text can grow past the bytes
	// it came from: a spreadsheet cell may reference one shared string a million times.
	MaxText int64
	// Timeout bounds the extraction of one file; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Defaults for Options.
//
// DefaultMaxText is 64 MiB: a text file at DefaultMaxBytes in a two-byte encoding (GBK, UTF-16)
// grows by half when decoded to UTF-8, so honest files stay under it, while a 119 KB workbook that
// references one 21,000-character string from a million cells (21 GB of text, an OOM kill before
// this limit) stops after 64 MiB.
const (
	DefaultMaxBytes = 64 << 20
	DefaultMaxText  = 64 << 20
	DefaultTimeout  = 30 * time.Second
)

// Errors a caller can branch on with errors.Is. Every error names the reason in its text too.
var (
	ErrUnsupported = errors.New("unsupported file type")
	ErrBinary      = errors.New("binary content, not text")
	ErrEncoding    = errors.New("unknown text encoding")
	ErrTooLarge    = errors.New("file too large")
	ErrNoText      = errors.New("no extractable text")
	// ErrTimeout means extraction took longer than Options.Timeout.
	ErrTimeout = errors.New("extraction timed out")
	// ErrCorrupt means the file is truncated or malformed beyond what the parser tolerates.
	ErrCorrupt = errors.New("corrupt or truncated file")
	// ErrEncrypted means the file is password-protected or encrypted.
	ErrEncrypted = errors.New("encrypted file")
)

// loadFunc extracts documents from one file's bytes, spending at most what b allows.
type loadFunc func(name string, data []byte, b *budget) ([]Document, error)

// byExt maps a lower-case extension (with the dot) to its loader.
var byExt = map[string]loadFunc{
	".txt":      loadText,
	".text":     loadText,
	".md":       loadMarkdown,
	".markdown": loadMarkdown,
	".jsonl":    loadJSONL,
	".html":     loadHTML,
	".htm":      loadHTML,
	".xhtml":    loadHTML,
	".csv":      loadCSV,
	".tsv":      loadCSV,
	".xlsx":     loadXLSX,
	".docx":     loadDOCX,
	".epub":     loadEPUB,
	".pdf":      loadPDF,
}

// Supported reports whether Load knows the file's format by its extension.
func Supported(name string) bool {
	_, ok := byExt[strings.ToLower(filepath.Ext(name))]
	return ok
}

// Extensions returns the lower-case extensions (with the dot) that Load supports, sorted.
func Extensions() []string {
	exts := make([]string, 0, len(byExt))
	for ext := range byExt {
		exts = append(exts, ext)
	}
	slices.Sort(exts)
	return exts
}

// Load extracts the documents in data, choosing the format by name's extension.
//
// It returns within about opts.Timeout even if a parser does not: the parser then keeps running in
// the background until its own deadline checks stop it. Errors wrap the package's sentinels. For
// .jsonl files Load may return documents together with a *PartialError naming the bad lines; the
// caller should ingest those documents.
func Load(name string, data []byte, opts Options) ([]Document, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxText <= 0 {
		opts.MaxText = DefaultMaxText
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	load, ok := byExt[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return nil, fmt.Errorf("%s: %w", filepath.Ext(name), ErrUnsupported)
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", len(data), opts.MaxBytes, ErrTooLarge)
	}
	b := newBudget(opts)
	type result struct {
		docs []Document
		err  error
	}
	done := make(chan result, 1) // buffered so a parser that finishes late does not block forever
	go func() {
		defer func() {
			// A malicious file can drive a parser into a panic (third-party PDF code panics on
			// bad input by design); it must fail this file only, not the whole ingest.
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("parser panic: %v: %w", r, ErrCorrupt)}
			}
		}()
		docs, err := load(name, data, b)
		if err == nil || len(docs) > 0 {
			// Loaders whose text can outgrow their input charge it as they go (b.emit); this
			// holds every format to the same limit on what it returns.
			if tooLong := checkText(docs, opts.MaxText); tooLong != nil {
				docs, err = nil, tooLong
			}
		}
		done <- result{docs, err}
	}()
	timer := time.NewTimer(opts.Timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.docs, r.err
	case <-timer.C:
		return nil, fmt.Errorf("after %v: %w", opts.Timeout, ErrTimeout)
	}
}

// checkText fails with ErrTooLarge when docs hold more than max bytes of text.
func checkText(docs []Document, max int64) error {
	var n int64
	for _, d := range docs {
		n += int64(len(d.ID) + len(d.Title) + len(d.URL))
		for _, s := range d.Sections {
			n += int64(len(s.Text))
		}
	}
	if n > max {
		return fmt.Errorf("extracted text is %d bytes, limit %d: %w", n, max, ErrTooLarge)
	}
	return nil
}

// HasControl reports whether s holds a control character (C0, DEL or C1) or a bidirectional
// override. Names and ids with them would reach terminals and logs as escape sequences, or show
// one name while meaning another.
func HasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return true
		}
	}
	return false
}
