// Package loaders turns the bytes of one file into plain-text documents, ready for cleaning and
// chunking by package ingest. It knows file formats and text encodings and nothing about the index;
// it imports only the standard library and golang.org/x packages (plus pure-Go format parsers).
package loaders

import (
	"errors"
	"path/filepath"
	"strings"
	"time"
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
	// Timeout bounds the extraction of one file; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Defaults for Options.
const (
	DefaultMaxBytes = 64 << 20
	DefaultTimeout  = 30 * time.Second
)

// Errors a caller can branch on with errors.Is. Every error names the reason in its text too.
var (
	ErrUnsupported = errors.New("unsupported file type")
	ErrBinary      = errors.New("binary content, not text")
	ErrEncoding    = errors.New("unknown text encoding")
	ErrTooLarge    = errors.New("file too large")
	ErrNoText      = errors.New("no extractable text")
)

// loadFunc extracts documents from one file's bytes.
type loadFunc func(name string, data []byte, opts Options) ([]Document, error)

// byExt maps a lower-case extension (with the dot) to its loader.
var byExt = map[string]loadFunc{
	".txt":      loadText,
	".text":     loadText,
	".md":       loadMarkdown,
	".markdown": loadMarkdown,
	".jsonl":    loadJSONL,
}

// Supported reports whether Load knows the file's format by its extension.
func Supported(name string) bool {
	_, ok := byExt[strings.ToLower(filepath.Ext(name))]
	return ok
}

// Load extracts the documents in data, choosing the format by name's extension.
func Load(name string, data []byte, opts Options) ([]Document, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	load, ok := byExt[strings.ToLower(filepath.Ext(name))]
	if !ok {
		return nil, ErrUnsupported
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, ErrTooLarge
	}
	return load(name, data, opts)
}

