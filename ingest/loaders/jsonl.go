package loaders

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PartialError reports the lines of a multi-document file that could not be read. Load returns it
// together with the documents from the good lines, which the caller should still ingest; it wraps
// ErrCorrupt, so errors.Is(err, ErrCorrupt) holds too.
type PartialError struct {
	// Lines are the 1-based numbers of the bad lines, ascending.
	Lines []int
	// Errs holds the reason for each line in Lines, in the same order.
	Errs []error
}

// Error names the bad lines and the first reason.
func (e *PartialError) Error() string {
	nums := make([]string, len(e.Lines))
	for i, n := range e.Lines {
		nums[i] = strconv.Itoa(n)
	}
	const show = 20 // a file of thousands of bad lines should not make a megabyte message
	more := ""
	if len(nums) > show {
		nums, more = nums[:show], fmt.Sprintf(" and %d more", len(e.Lines)-show)
	}
	return fmt.Sprintf("bad lines %s%s (line %d: %v)", strings.Join(nums, ", "), more, e.Lines[0], e.Errs[0])
}

// Unwrap lets errors.Is match ErrCorrupt.
func (e *PartialError) Unwrap() error { return ErrCorrupt }

// loadJSONL reads one document per line: {"id","title","text"} and optionally "url". Blank lines are
// skipped; bad lines are collected into a *PartialError while the good ones still load.
func loadJSONL(_ string, data []byte, b *budget) ([]Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	var (
		docs []Document
		bad  PartialError
	)
	for i, line := range bytes.Split([]byte(s), []byte("\n")) {
		if err := b.tick(); err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var rec struct{ ID, Title, Text, URL string }
		err := json.Unmarshal(line, &rec)
		switch {
		case err != nil:
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				err = fmt.Errorf("invalid JSON at byte %d", syn.Offset)
			}
		case rec.ID == "":
			err = errors.New(`missing "id"`)
		}
		if err != nil {
			bad.Lines, bad.Errs = append(bad.Lines, i+1), append(bad.Errs, err)
			continue
		}
		docs = append(docs, Document{ID: rec.ID, Title: rec.Title, URL: rec.URL, Sections: []Section{{Text: rec.Text}}})
	}
	if len(bad.Lines) > 0 {
		return docs, &bad
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no records: %w", ErrNoText)
	}
	return docs, nil
}
