package loaders

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// loadCSV renders a .csv or .tsv table row by row under its header row.
func loadCSV(name string, data []byte, b *budget) ([]Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(s))
	if strings.EqualFold(filepath.Ext(name), ".tsv") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1 // ragged rows are common in hand-made sheets
	r.LazyQuotes = true
	r.ReuseRecord = true
	t := tableText{path: []string{filepath.Base(name)}}
	for {
		if err := b.tick(); err != nil {
			return nil, err
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read csv: %v: %w", err, ErrCorrupt)
		}
		var row []cell
		for i, v := range rec {
			if v = strings.TrimSpace(v); v != "" {
				row = append(row, cell{i, v})
			}
		}
		t.add(row)
	}
	sections := t.finish()
	if len(sections) == 0 {
		return nil, fmt.Errorf("table has no cells: %w", ErrNoText)
	}
	return []Document{{Sections: sections}}, nil
}
