package loaders

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxColumns is the widest sheet Excel allows (XFD); a larger column is a corrupt reference.
const maxColumns = 16384

// loadXLSX renders every worksheet of an Excel workbook, each row under the sheet's header row,
// with Section.Path = [sheet name].
func loadXLSX(_ string, data []byte, b *budget) ([]Document, error) {
	z, err := openZip(data, b)
	if err != nil {
		return nil, err
	}
	const workbook = "xl/workbook.xml"
	wb, err := z.read(workbook)
	if err != nil {
		return nil, err
	}
	var book struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			RelID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil {
		return nil, fmt.Errorf("parse %s: %v: %w", workbook, err, ErrCorrupt)
	}
	rels, err := readRels(z, "xl/_rels/workbook.xml.rels", workbook)
	if err != nil {
		return nil, err
	}
	var shared []string
	ssPath := "xl/sharedStrings.xml"
	for _, r := range rels {
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			ssPath = r.Target
		}
	}
	if z.has(ssPath) {
		if shared, err = readSharedStrings(z, ssPath); err != nil {
			return nil, err
		}
	}
	var doc Document
	for _, sh := range book.Sheets {
		rel, ok := rels[sh.RelID]
		if !ok || !z.has(rel.Target) {
			continue // chart sheets and dangling references carry no cells
		}
		raw, err := z.read(rel.Target)
		if err != nil {
			return nil, err
		}
		sections, err := sheetSections(raw, sh.Name, shared, z.b)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", sh.Name, err)
		}
		doc.Sections = append(doc.Sections, sections...)
	}
	if len(doc.Sections) == 0 {
		return nil, fmt.Errorf("workbook has no cells: %w", ErrNoText)
	}
	if doc.Title, err = coreTitle(z); err != nil {
		return nil, err
	}
	return []Document{doc}, nil
}

// relationship is one entry of an OOXML .rels part, with Target resolved to an entry name.
type relationship struct {
	Type   string
	Target string
}

// readRels reads a .rels part; a missing part means no relationships.
func readRels(z *zipArchive, name, source string) (map[string]relationship, error) {
	rels := map[string]relationship{}
	if !z.has(name) {
		return rels, nil
	}
	raw, err := z.read(name)
	if err != nil {
		return nil, err
	}
	var parsed struct {
		Rels []struct {
			ID         string `xml:"Id,attr"`
			Type       string `xml:"Type,attr"`
			Target     string `xml:"Target,attr"`
			TargetMode string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(raw, &parsed); err != nil {
		return nil, fmt.Errorf("parse %s: %v: %w", name, err, ErrCorrupt)
	}
	for _, r := range parsed.Rels {
		if r.TargetMode == "External" {
			continue
		}
		rels[r.ID] = relationship{Type: r.Type, Target: resolveZipPath(source, r.Target)}
	}
	return rels, nil
}

// readSharedStrings returns the workbook's string table: the text of each <si>, leaving out
// phonetic runs (<rPh>), which repeat the reading of East Asian text.
func readSharedStrings(z *zipArchive, name string) ([]string, error) {
	raw, err := z.read(name)
	if err != nil {
		return nil, err
	}
	var (
		out   []string
		cur   strings.Builder
		inT   bool
		inRPh int
	)
	err = walkXML(raw, z.b, func(tok xml.Token) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT = true
			case "rPh":
				inRPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, cur.String())
			case "t":
				inT = false
			case "rPh":
				inRPh--
			}
		case xml.CharData:
			if inT && inRPh == 0 {
				cur.Write(t)
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return out, nil
}

// sheetSections reads one worksheet's cells in row order.
func sheetSections(raw []byte, sheet string, shared []string, b *budget) ([]Section, error) {
	t := tableText{path: []string{sheet}}
	var (
		row      []cell
		col      int    // column of the current cell
		typ      string // t attribute of the current cell
		val, str strings.Builder
		inV, inT bool
		inIs     bool
		tooLong  error // set once the sheet's text passes the budget; the rest is skipped
	)
	err := walkXML(raw, b, func(tok xml.Token) {
		if tooLong != nil {
			return
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "row":
				row = row[:0]
				col = -1
			case "c":
				typ, col = "", col+1
				for _, a := range e.Attr {
					switch a.Name.Local {
					case "t":
						typ = a.Value
					case "r":
						if c, ok := cellColumn(a.Value); ok {
							col = c
						}
					}
				}
				val.Reset()
				str.Reset()
			case "v":
				inV = true
			case "is":
				inIs = true
			case "t":
				inT = inIs
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "row":
				t.add(row)
			case "c":
				if v := strings.TrimSpace(cellValue(typ, val.String(), str.String(), shared)); v != "" {
					// A shared string is stored once and may be referenced by every cell, so
					// the text is charged here, before it piles up.
					if tooLong = b.emit(len(v)); tooLong != nil {
						return
					}
					row = append(row, cell{col, v})
				}
			case "v":
				inV = false
			case "is":
				inIs = false
			case "t":
				inT = false
			}
		case xml.CharData:
			switch {
			case inV:
				val.Write(e)
			case inT:
				str.Write(e)
			}
		}
	})
	if err == nil {
		err = tooLong
	}
	if err != nil {
		return nil, err
	}
	return t.finish(), nil
}

// cellValue is a cell's display text. Numbers are kept as stored: dates stay serial numbers,
// since formats live in styles.xml and are not worth the weight for retrieval.
func cellValue(typ, v, inline string, shared []string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(shared) {
			return ""
		}
		return shared[i]
	case "inlineStr":
		return inline
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE"
		}
		return "FALSE"
	}
	return v
}

// cellColumn parses the column of an A1-style reference ("AB12" → 27).
func cellColumn(ref string) (int, bool) {
	col, n := 0, 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		n++
		if col > maxColumns {
			return 0, false
		}
	}
	return col - 1, n > 0
}

// walkXML streams the tokens of an XML part to fn, checking the deadline as it goes.
func walkXML(raw []byte, b *budget, fn func(xml.Token)) error {
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = false // Office files from odd producers bend the rules; text still matters
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%v: %w", err, ErrCorrupt)
		}
		if err := b.tick(); err != nil {
			return err
		}
		fn(tok)
	}
}
