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
		seen = map[string]int{} // id → the line that used it first
	)
	for i, line := range bytes.Split([]byte(s), []byte("\n")) {
		if err := b.tick(); err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var rec struct {
			ID    string `json:"id"` // tagged so a type error names the field as the file spells it
			Title string `json:"title"`
			Text  string `json:"text"`
			URL   string `json:"url"`
		}
		err := json.Unmarshal(line, &rec)
		switch {
		case err != nil:
			// The reasons reach uploaders line by line; they are worded here, not by encoding/json.
			var syn *json.SyntaxError
			var typ *json.UnmarshalTypeError
			switch {
			case errors.As(err, &syn):
				err = fmt.Errorf("invalid JSON at byte %d", syn.Offset)
			case errors.As(err, &typ) && typ.Field != "":
				err = fmt.Errorf("%q must be a string", typ.Field)
			default:
				err = errors.New(`not a JSON object {"id","title","text"}`)
			}
		case rec.ID == "":
			err = errors.New(`missing "id"`)
		case HasControl(rec.ID):
			err = errors.New(`"id" holds control characters`)
		case seen[rec.ID] > 0:
			// The first line wins; counting both as added would report a document that the
			// second one silently replaced.
			err = fmt.Errorf("id %q already used on line %d", rec.ID, seen[rec.ID])
		}
		if err != nil {
			bad.Lines, bad.Errs = append(bad.Lines, i+1), append(bad.Errs, err)
			continue
		}
		seen[rec.ID] = i + 1
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
