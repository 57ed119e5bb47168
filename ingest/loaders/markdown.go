package loaders

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// markdown parses CommonMark with the GitHub tables, strikethrough and task-list extensions. A
// real parser, not patterns: emphasis, escapes, entities, raw HTML and pipe tables used to reach
// answers and citations as "**数字疗法**是一种*循证*…". Linkify is left out: a bare URL is text
// either way.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList))

// maxMarkdownDepth bounds the nesting the text walk follows (lists in quotes in lists...); only
// a hostile file nests deeper, and what lies below is skipped rather than recursed into.
const maxMarkdownDepth = 200

// loadMarkdown splits a Markdown file into sections by its headings, with the heading path as
// Section.Path. The text is what the page would show: markup, images and link targets go, code
// blocks and list items stay (items as "- " or "1. " lines), tables become one line per row as
// for spreadsheets, and raw HTML keeps only its visible text. Front matter is dropped.
func loadMarkdown(_ string, data []byte, b *budget) ([]Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	source := []byte(strings.Join(defuseMarkdown(stripFrontMatter(lines)), "\n"))
	root := markdown.Parser().Parse(text.NewReader(source))

	w := mdWriter{src: source, b: b}
	for n := root.FirstChild(); n != nil && w.err == nil; n = n.NextSibling() {
		w.block(n, 0)
	}
	if w.err != nil {
		return nil, w.err
	}
	w.flush()
	if len(w.doc.Sections) == 0 {
		return nil, fmt.Errorf("markdown has no text: %w", ErrNoText)
	}
	return []Document{w.doc}, nil
}

// mdWriter collects a Markdown document's text section by section.
type mdWriter struct {
	src   []byte
	b     *budget
	err   error
	doc   Document
	heads outline
	body  []string // blocks of the current section, joined by blank lines
}

func (w *mdWriter) flush() {
	if text := strings.TrimSpace(strings.Join(w.body, "\n\n")); text != "" {
		w.doc.Sections = append(w.doc.Sections, Section{Path: w.heads.current(), Text: text})
	}
	w.body = w.body[:0]
}

func (w *mdWriter) add(text string) {
	if text = strings.TrimSpace(text); text != "" {
		w.body = append(w.body, text)
	}
}

// block writes one top-level block: headings open sections, everything else adds to the body.
func (w *mdWriter) block(n ast.Node, depth int) {
	if w.err = w.b.tick(); w.err != nil {
		return
	}
	if h, ok := n.(*ast.Heading); ok {
		w.flush()
		title := collapseSpace(w.inline(h, depth))
		if h.Level == 1 && w.doc.Title == "" {
			w.doc.Title = title
		}
		w.heads.enter(h.Level, title)
		return
	}
	w.add(w.blockText(n, depth))
}

// blockText renders a block other than a heading (a heading nested in a list or quote is plain
// text there).
func (w *mdWriter) blockText(n ast.Node, depth int) string {
	if depth > maxMarkdownDepth {
		return ""
	}
	if w.err == nil {
		w.err = w.b.tick()
	}
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return w.inline(n, depth)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return strings.TrimRight(w.lines(n), "\n")
	case *ast.HTMLBlock:
		raw := w.lines(n)
		if n.HasClosure() {
			raw += string(n.ClosureLine.Value(w.src))
		}
		return htmlText(raw)
	case *ast.List:
		return w.list(n, depth)
	case *east.Table:
		return w.table(n, depth)
	case *ast.ThematicBreak:
		return ""
	}
	// Blockquotes, list items and anything an extension adds: their child blocks in order.
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t := strings.TrimSpace(w.blockText(c, depth+1)); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// lines returns a block's source lines as they are (code keeps its layout).
func (w *mdWriter) lines(n ast.Node) string {
	var sb strings.Builder
	segs := n.Lines()
	for i := range segs.Len() {
		seg := segs.At(i)
		sb.Write(seg.Value(w.src))
	}
	return sb.String()
}

// list renders each item on its own line(s), with its marker, nested lists indented.
func (w *mdWriter) list(l *ast.List, depth int) string {
	var sb strings.Builder
	num := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "- "
		if l.IsOrdered() {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		var parts []string
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			t := strings.TrimSpace(w.blockText(c, depth+1))
			if t == "" {
				continue
			}
			if _, nested := c.(*ast.List); nested {
				t = "  " + strings.ReplaceAll(t, "\n", "\n  ")
			}
			parts = append(parts, t)
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(marker + strings.Join(parts, "\n"))
	}
	return sb.String()
}

// table renders rows as "header: value; header: value" lines, as CSV and spreadsheets are, so a
// row stands on its own in a chunk.
func (w *mdWriter) table(t *east.Table, depth int) string {
	tt := tableText{}
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []cell
		col := 0
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			if v := collapseSpace(w.inline(c, depth+1)); v != "" {
				cells = append(cells, cell{col, v})
			}
			col++
		}
		tt.add(cells)
	}
	var rows []string
	for _, s := range tt.finish() {
		rows = append(rows, s.Text)
	}
	return strings.Join(rows, "\n")
}

// inline renders the inline content of n as plain text: emphasis and links keep their text,
// images and raw HTML tags go, code spans keep their code, soft line breaks stay line breaks.
func (w *mdWriter) inline(n ast.Node, depth int) string {
	var sb strings.Builder
	w.inlineTo(&sb, n, depth)
	return sb.String()
}

func (w *mdWriter) inlineTo(sb *strings.Builder, n ast.Node, depth int) {
	if depth > maxMarkdownDepth {
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(w.src)
			if c.IsRaw() {
				sb.Write(v)
			} else {
				sb.Write(plainText(v))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				sb.WriteByte('\n')
			}
		case *ast.String:
			sb.Write(c.Value)
		case *ast.AutoLink:
			sb.Write(c.Label(w.src))
		case *ast.RawHTML:
			// A tag's text, if any, is in sibling nodes; only a line break matters here, or
			// "line<br>next" would run together.
			if c.Segments.Len() > 0 {
				first := c.Segments.At(0)
				tag := strings.ToLower(string(first.Value(w.src)))
				if strings.HasPrefix(tag, "<br") {
					sb.WriteByte('\n')
				}
			}
		case *ast.Image, *east.TaskCheckBox:
			// Images carry no text worth indexing.
		default:
			w.inlineTo(sb, c, depth+1)
		}
	}
}

// plainText resolves what Markdown text escapes: backslash escapes and entity references.
func plainText(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

// htmlText is the visible text of a raw HTML block in Markdown.
func htmlText(raw string) string {
	nodes, err := html.ParseFragment(strings.NewReader(raw), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return ""
	}
	var parts []string
	for _, n := range nodes {
		if t := collapseSpace(visibleText(n)); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// Limits that keep goldmark linear. It has no deadline of its own, and on some inputs its time
// grows with the square of the input or worse (measured with v1.8.7): 50 KB of "[a](" takes 5.5 s
// (100 KB: 24 s; a 32 MB upload would run for weeks), 500 list levels in 250 KB take 6 s, 50,000
// nested quotes more than 20 s. With the limits below the same inputs at 1 MB parse in 25 ms
// (escaped brackets), 0.3 s (quotes) and 0.6 s (lists); natural documents never reach them.
const (
	// maxQuoteDepth is the most ">" markers a line keeps; deeper quotes are read at this depth.
	maxQuoteDepth = 16
	// maxIndent is the most leading columns a line keeps (16 list levels at two spaces).
	maxIndent = 32
	// maxBracketWork bounds the "[" in a paragraph times its length: above it the paragraph's
	// brackets are escaped, so its links read as text ("[label](target)") instead of taking
	// quadratic time. 64 links in a 500 KB paragraph stay links.
	maxBracketWork = 32 << 20
)

// fenceOpen opens or closes a fenced code block, whose lines are left as they are.
var fenceOpen = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")

// defuseMarkdown rewrites the rare lines and paragraphs that would make the parser slow (see
// maxQuoteDepth); everything else is returned as it is.
func defuseMarkdown(lines []string) []string {
	out := make([]string, 0, len(lines))
	var fenceOf string
	para := -1 // index in out where the current paragraph starts; -1 between paragraphs
	brackets, size := 0, 0
	endPara := func() {
		if para >= 0 && brackets*size > maxBracketWork {
			for i := para; i < len(out); i++ {
				out[i] = strings.ReplaceAll(out[i], "[", `\[`)
			}
		}
		para, brackets, size = -1, 0, 0
	}
	for _, line := range lines {
		if m := fenceOpen.FindStringSubmatch(line); m != nil {
			switch {
			case fenceOf == "":
				endPara()
				fenceOf = m[1]
				out = append(out, line)
				continue
			case m[1][0] == fenceOf[0] && len(m[1]) >= len(fenceOf):
				fenceOf = ""
				out = append(out, line)
				continue
			}
		}
		if fenceOf != "" {
			out = append(out, line)
			continue
		}
		if strings.TrimSpace(line) == "" {
			endPara()
			out = append(out, line)
			continue
		}
		line = flattenPrefix(line)
		if para < 0 {
			para = len(out)
		}
		brackets += strings.Count(line, "[")
		size += len(line)
		out = append(out, line)
	}
	endPara()
	return out
}

// flattenPrefix caps a line's quote markers at maxQuoteDepth and its indent at maxIndent.
func flattenPrefix(line string) string {
	i, quotes, col := 0, 0, 0
	for i < len(line) {
		switch line[i] {
		case '>':
			quotes++
			col = 0
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			goto done
		}
		i++
	}
done:
	if quotes <= maxQuoteDepth && col <= maxIndent {
		return line
	}
	prefix := strings.Repeat("> ", min(quotes, maxQuoteDepth)) + strings.Repeat(" ", min(col, maxIndent))
	return prefix + line[i:]
}

// stripFrontMatter drops a YAML ("---") or TOML ("+++") block that opens the file.
func stripFrontMatter(lines []string) []string {
	if len(lines) == 0 {
		return lines
	}
	open := strings.TrimSpace(lines[0])
	if open != "---" && open != "+++" {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == open || (open == "---" && l == "...") {
			return lines[i+1:]
		}
	}
	return lines // no closing line: not front matter after all
}
