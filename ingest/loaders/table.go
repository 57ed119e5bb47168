package loaders

import (
	"strconv"
	"strings"
)

// rowsPerSection is how many table rows share one section: enough that a section is a useful
// chunk, few enough that a question about one row still finds a small section.
const rowsPerSection = 50

// cell is one non-empty value of a table row, at a 0-based column.
type cell struct {
	col int
	val string
}

// tableText renders rows as "header: value; header: value" lines under the first non-empty row's
// headers, so each line stands on its own when a question is about that row. Rows are grouped
// rowsPerSection to a section, each with the given path. A table of one row renders that row as is.
type tableText struct {
	path     []string
	header   map[int]string
	rows     []string
	sections []Section
}

func (t *tableText) add(row []cell) {
	if len(row) == 0 {
		return
	}
	for i := range row {
		// A line break inside a cell would split the row's line in two.
		row[i].val = collapseSpace(row[i].val)
	}
	if t.header == nil {
		t.header = make(map[int]string, len(row))
		for _, c := range row {
			t.header[c.col] = c.val
		}
		return
	}
	parts := make([]string, 0, len(row))
	for _, c := range row {
		h := t.header[c.col]
		if h == "" {
			h = columnName(c.col)
		}
		parts = append(parts, h+": "+c.val)
	}
	t.rows = append(t.rows, strings.Join(parts, "; "))
	if len(t.rows) == rowsPerSection {
		t.flush()
	}
}

func (t *tableText) flush() {
	if len(t.rows) > 0 {
		t.sections = append(t.sections, Section{Path: append([]string(nil), t.path...), Text: strings.Join(t.rows, "\n")})
		t.rows = t.rows[:0]
	}
}

// finish returns the sections; a table with a header row only yields that row as text.
func (t *tableText) finish() []Section {
	t.flush()
	if len(t.sections) == 0 && len(t.header) > 0 {
		var vals []string
		for col := 0; len(vals) < len(t.header); col++ {
			if v, ok := t.header[col]; ok {
				vals = append(vals, v)
			}
		}
		t.sections = append(t.sections, Section{Path: append([]string(nil), t.path...), Text: strings.Join(vals, " | ")})
	}
	return t.sections
}

// columnName is the spreadsheet name of a 0-based column: A, B, ..., Z, AA.
func columnName(col int) string {
	if col < 0 {
		return strconv.Itoa(col)
	}
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}
