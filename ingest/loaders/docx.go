package loaders

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// titleLevel marks the Title paragraph style: it names the document and heads the outline.
const titleLevel = -1

// loadDOCX reads a Word document's body in order: paragraphs, headings (which build Section.Path),
// and tables rendered one row per line as "cell | cell".
func loadDOCX(_ string, data []byte, b *budget) ([]Document, error) {
	z, err := openZip(data, b)
	if err != nil {
		return nil, err
	}
	const main = "word/document.xml"
	levels, err := docxStyles(z)
	if err != nil {
		return nil, err
	}
	raw, err := z.read(main)
	if err != nil {
		return nil, err
	}
	r := docxReader{levels: levels}
	if err := walkXML(raw, b, r.token); err != nil {
		return nil, fmt.Errorf("parse %s: %w", main, err)
	}
	r.flush()
	if len(r.sections) == 0 {
		return nil, fmt.Errorf("document has no text: %w", ErrNoText)
	}
	title, err := coreTitle(z)
	if err != nil {
		return nil, err
	}
	if title == "" {
		title = r.title
	}
	return []Document{{Title: title, Sections: r.sections}}, nil
}

// coreTitle returns dc:title from docProps/core.xml, the title an Office user typed into the
// document's properties; empty when there is none.
func coreTitle(z *zipArchive) (string, error) {
	const core = "docProps/core.xml"
	if !z.has(core) {
		return "", nil
	}
	raw, err := z.read(core)
	if err != nil {
		return "", err
	}
	var props struct {
		Title string `xml:"http://purl.org/dc/elements/1.1/ title"`
	}
	if err := xml.Unmarshal(raw, &props); err != nil {
		return "", nil // a broken property sheet should not cost the document its text
	}
	return collapseSpace(props.Title), nil
}

// docxStyles maps paragraph style ids to heading levels (1-9, or titleLevel) from
// word/styles.xml: by outline level, by the English or Chinese style name ("heading 2",
// "标题 2"), or through the style it is based on.
func docxStyles(z *zipArchive) (map[string]int, error) {
	const name = "word/styles.xml"
	levels := map[string]int{}
	if !z.has(name) {
		return levels, nil
	}
	raw, err := z.read(name)
	if err != nil {
		return nil, err
	}
	var styles struct {
		Styles []struct {
			ID      string `xml:"styleId,attr"`
			Name    val    `xml:"name"`
			BasedOn val    `xml:"basedOn"`
			Outline val    `xml:"pPr>outlineLvl"`
		} `xml:"style"`
	}
	if err := xml.Unmarshal(raw, &styles); err != nil {
		return nil, fmt.Errorf("parse %s: %v: %w", name, err, ErrCorrupt)
	}
	basedOn := map[string]string{}
	for _, s := range styles.Styles {
		if lvl := headingStyleLevel(s.Name.Val); lvl != 0 {
			levels[s.ID] = lvl
		} else if lvl, ok := outlineLevel(s.Outline.Val); ok {
			levels[s.ID] = lvl
		}
		basedOn[s.ID] = s.BasedOn.Val
	}
	for id := range basedOn {
		// Follow basedOn a bounded number of steps: a crafted cycle must not loop.
		for cur, i := id, 0; i < 10 && levels[id] == 0 && cur != ""; i++ {
			cur = basedOn[cur]
			if lvl := levels[cur]; lvl != 0 && lvl != titleLevel {
				levels[id] = lvl
			}
		}
	}
	return levels, nil
}

// val is an element whose content is its w:val attribute.
type val struct {
	Val string `xml:"val,attr"`
}

// headingStyleLevel reads a heading level from a style name or id: "heading 1", "Heading1",
// "标题 1", "Title", "标题".
func headingStyleLevel(name string) int {
	n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	switch n {
	case "title", "标题":
		return titleLevel
	}
	for _, prefix := range []string{"heading", "标题"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok {
			if lvl, err := strconv.Atoi(rest); err == nil && lvl >= 1 && lvl <= 9 {
				return lvl
			}
		}
	}
	return 0
}

// outlineLevel converts a 0-based w:outlineLvl (9 means body text) to a heading level.
func outlineLevel(v string) (int, bool) {
	lvl, err := strconv.Atoi(v)
	if err != nil || lvl < 0 || lvl > 8 {
		return 0, false
	}
	return lvl + 1, true
}

// docxReader turns the token stream of word/document.xml into sections.
type docxReader struct {
	levels   map[string]int
	heads    outline
	title    string
	body     []string
	sections []Section

	paras  []docxPara // open paragraphs; text boxes nest them
	tables []docxTable
	inRun  int
	inText bool
	skip   int // depth inside content to ignore (mc:Fallback repeats mc:Choice)
}

type docxPara struct {
	text  strings.Builder
	level int // 0 for body text
}

type docxTable struct {
	rows  []string
	cells []string
	cell  []string // paragraphs of the open cell
}

func (r *docxReader) token(tok xml.Token) {
	switch t := tok.(type) {
	case xml.StartElement:
		if r.skip > 0 || t.Name.Local == "Fallback" {
			r.skip++
			return
		}
		r.start(t)
	case xml.EndElement:
		if r.skip > 0 {
			r.skip--
			return
		}
		r.end(t.Name.Local)
	case xml.CharData:
		if r.skip == 0 && r.inText && len(r.paras) > 0 {
			r.paras[len(r.paras)-1].text.Write(t)
		}
	}
}

func (r *docxReader) start(t xml.StartElement) {
	switch t.Name.Local {
	case "p":
		r.paras = append(r.paras, docxPara{})
	case "pStyle":
		if len(r.paras) > 0 {
			id := xmlAttr(t, "val")
			lvl, ok := r.levels[id]
			if !ok {
				lvl = headingStyleLevel(id) // documents without styles.xml name styles by id
			}
			r.paras[len(r.paras)-1].level = lvl
		}
	case "outlineLvl":
		if lvl, ok := outlineLevel(xmlAttr(t, "val")); ok && len(r.paras) > 0 {
			r.paras[len(r.paras)-1].level = lvl
		}
	case "r":
		r.inRun++
	case "t":
		r.inText = true
	case "tab":
		r.write("\t") // outside a run, w:tab is a tab-stop definition
	case "br", "cr":
		r.write("\n")
	case "tbl":
		r.tables = append(r.tables, docxTable{})
	case "tr":
		if len(r.tables) > 0 {
			r.tables[len(r.tables)-1].cells = nil
		}
	case "tc":
		if len(r.tables) > 0 {
			r.tables[len(r.tables)-1].cell = nil
		}
	}
}

func (r *docxReader) write(s string) {
	if r.inRun > 0 && len(r.paras) > 0 {
		r.paras[len(r.paras)-1].text.WriteString(s)
	}
}

func (r *docxReader) end(local string) {
	switch local {
	case "p":
		if len(r.paras) == 0 {
			return
		}
		p := r.paras[len(r.paras)-1]
		r.paras = r.paras[:len(r.paras)-1]
		r.paragraph(strings.TrimSpace(p.text.String()), p.level)
	case "r":
		r.inRun = max(r.inRun-1, 0)
	case "t":
		r.inText = false
	case "tc":
		if len(r.tables) > 0 {
			tb := &r.tables[len(r.tables)-1]
			tb.cells = append(tb.cells, collapseSpace(strings.Join(tb.cell, " ")))
		}
	case "tr":
		if len(r.tables) > 0 {
			tb := &r.tables[len(r.tables)-1]
			if row := strings.Join(tb.cells, " | "); strings.Trim(row, " |") != "" {
				tb.rows = append(tb.rows, row)
			}
		}
	case "tbl":
		if len(r.tables) == 0 {
			return
		}
		tb := r.tables[len(r.tables)-1]
		r.tables = r.tables[:len(r.tables)-1]
		r.paragraph(strings.Join(tb.rows, "\n"), 0)
	}
}

// paragraph places finished text: into the open table cell, as a heading, or as body text.
func (r *docxReader) paragraph(text string, level int) {
	if text == "" {
		return
	}
	if len(r.tables) > 0 {
		tb := &r.tables[len(r.tables)-1]
		tb.cell = append(tb.cell, text)
		return
	}
	if level == 0 {
		r.body = append(r.body, text)
		return
	}
	r.flush()
	title := collapseSpace(text)
	if level == titleLevel {
		level = 1
		if r.title == "" {
			r.title = title
		}
	}
	if r.title == "" && r.heads.path == nil {
		r.title = title
	}
	r.heads.enter(level, title)
}

func (r *docxReader) flush() {
	if text := strings.TrimSpace(strings.Join(r.body, "\n")); text != "" {
		r.sections = append(r.sections, Section{Path: r.heads.current(), Text: text})
	}
	r.body = r.body[:0]
}

// xmlAttr returns the value of the attribute with the given local name.
func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
