package loaders

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// loadText reads a plain-text file. Placeholder: UTF-8 only, until encoding detection lands.
func loadText(name string, data []byte, _ Options) ([]Document, error) {
	if !utf8.Valid(data) {
		return nil, ErrEncoding
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return []Document{{Sections: []Section{{Text: string(data)}}}}, nil
}

func loadMarkdown(name string, data []byte, opts Options) ([]Document, error) {
	return loadText(name, data, opts)
}

// loadJSONL reads one document per line: {"id","title","text"}.
func loadJSONL(name string, data []byte, _ Options) ([]Document, error) {
	var docs []Document
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var rec struct{ ID, Title, Text, URL string }
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if rec.ID == "" {
			return nil, fmt.Errorf("line %d: missing \"id\"", i+1)
		}
		docs = append(docs, Document{ID: rec.ID, Title: rec.Title, URL: rec.URL, Sections: []Section{{Text: rec.Text}}})
	}
	return docs, nil
}
