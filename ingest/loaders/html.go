package loaders

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// maxHTMLDepth bounds the recursion of the text walk; deeper markup (only ever seen in crafted
// files) is skipped rather than allowed to grow the stack without limit.
const maxHTMLDepth = 512

// dropped are elements whose content is never visible page text, or is site chrome repeated on
// every page (navigation, footers, sidebars, forms) that would pollute retrieval.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Head: true, atom.Nav: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Iframe: true, atom.Object: true, atom.Button: true, atom.Select: true,
	atom.Img: true, atom.Picture: true, atom.Video: true, atom.Audio: true, atom.Canvas: true,
}

// blocks are elements that start a new line in the extracted text.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Table: true, atom.Tr: true, atom.Blockquote: true, atom.Pre: true,
	atom.Hr: true, atom.Br: true, atom.Figure: true, atom.Figcaption: true, atom.Address: true,
	atom.Caption: true, atom.Details: true, atom.Summary: true, atom.Body: true, atom.Center: true,
}

// headingLevel is 1..6 for h1..h6, else 0.
func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// loadHTML extracts the visible text of a web page, split into sections by its headings.
func loadHTML(_ string, data []byte, b *budget) ([]Document, error) {
	s, err := decodeHTML(data)
	if err != nil {
		return nil, err
	}
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", ErrCorrupt)
	}
	page, err := extractHTML(root, b)
	if err != nil {
		return nil, err
	}
	if len(page.sections) == 0 {
		return nil, fmt.Errorf("page has no visible text: %w", ErrNoText)
	}
	title := page.title
	if title == "" {
		title = page.firstH1
	}
	return []Document{{Title: title, URL: page.canonical, Sections: page.sections}}, nil
}

// decodeHTML picks the page's charset from a byte-order mark, then a <meta> declaration, then
// the same guesses as for plain text, and falls back to Windows-1252 as browsers do.
func decodeHTML(data []byte) (string, error) {
	if s, ok, err := decodeByBOM(data); ok {
		return s, err
	}
	if looksBinary(data) {
		return "", ErrBinary
	}
	// DetermineEncoding reports windows-1252 both for a page that declares it and for one that
	// declares nothing; either way our own guess is better, since Chinese pages often omit or
	// misstate the charset. A declared utf-8 that is not valid UTF-8 is likewise misstated.
	if enc, name, _ := charset.DetermineEncoding(data, ""); name != "windows-1252" && name != "utf-8" {
		s, err := enc.NewDecoder().Bytes(data)
		if err == nil {
			return string(bytes.ToValidUTF8(s, []byte("\uFFFD"))), nil
		}
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	if s, ok := decodeGB18030(data); ok {
		return s, nil
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("decode as windows-1252: %w", ErrEncoding)
	}
	return string(s), nil
}

// htmlPage is what extractHTML finds in a parsed page.
type htmlPage struct {
	title     string // <title>
	canonical string // <link rel=canonical href>
	firstH1   string // text of the first <h1> in the content
	firstHead string // text of the first heading of any level in the content
	sections  []Section
}

// extractHTML walks a parsed page. Content comes from <main> if there is one, else from the
// <article> elements, else from <body>: the first two leave out the site's chrome.
func extractHTML(root *html.Node, b *budget) (htmlPage, error) {
	var page htmlPage
	var mains, articles []*html.Node
	var find func(n *html.Node, depth int)
	find = func(n *html.Node, depth int) {
		if depth > maxHTMLDepth {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if page.title == "" {
					page.title = collapseSpace(textContent(n))
				}
			case atom.Link:
				if hasToken(attr(n, "rel"), "canonical") && page.canonical == "" {
					page.canonical = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Main:
				if !isHidden(n) {
					mains = append(mains, n)
				}
			case atom.Article:
				if !isHidden(n) {
					articles = append(articles, n)
				}
				return // a nested article belongs to its outer one
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c, depth+1)
		}
	}
	find(root, 0)

	content := []*html.Node{root}
	switch {
	case len(mains) > 0:
		content = mains[:1]
	case len(articles) > 0:
		content = articles
	}
	w := &htmlWalker{b: b, page: &page}
	for _, n := range content {
		w.walk(n, 0)
		w.newline()
	}
	w.flush()
	return page, w.err
}

// htmlWalker accumulates the text of a page into sections.
type htmlWalker struct {
	b     *budget
	page  *htmlPage
	heads outline
	buf   strings.Builder
	space bool // whitespace seen since the last word
	pre   int  // depth of <pre> elements: whitespace is kept inside
	cells int  // cells written in the current table row
	err   error
}

func (w *htmlWalker) walk(n *html.Node, depth int) {
	if w.err != nil || depth > maxHTMLDepth {
		return
	}
	if w.err = w.b.tick(); w.err != nil {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
	default:
		return // comments, doctypes
	}
	if n.Type == html.ElementNode {
		if dropped[n.DataAtom] || isHidden(n) {
			return
		}
		if level := headingLevel(n.DataAtom); level > 0 {
			w.heading(n, level)
			return
		}
		switch n.DataAtom {
		case atom.Pre:
			w.pre++
			defer func() { w.pre-- }()
		case atom.Tr:
			w.cells = 0
		case atom.Td, atom.Th:
			if w.cells > 0 {
				w.buf.WriteString(" | ")
				w.space = false
			}
			w.cells++
		}
		if blocks[n.DataAtom] {
			w.newline()
			defer w.newline()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}

// heading ends the current section and opens a new one under the heading's path.
func (w *htmlWalker) heading(n *html.Node, level int) {
	title := collapseSpace(visibleText(n))
	if title == "" {
		return
	}
	w.flush()
	if level == 1 && w.page.firstH1 == "" {
		w.page.firstH1 = title
	}
	if w.page.firstHead == "" {
		w.page.firstHead = title
	}
	w.heads.enter(level, title)
}

// text appends a text node, collapsing whitespace outside <pre>.
func (w *htmlWalker) text(s string) {
	if w.pre > 0 {
		w.buf.WriteString(s)
		return
	}
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if unicode.IsSpace(r) {
			w.space = true
			s = s[size:]
			continue
		}
		if w.space && w.buf.Len() > 0 && !endsWith(&w.buf, '\n') && !(endsWithCJK(&w.buf) && isCJK(r)) {
			// A line break between two Chinese characters is a source-formatting artefact;
			// Chinese does not put spaces between words.
			w.buf.WriteByte(' ')
		}
		w.space = false
		w.buf.WriteString(s[:size])
		s = s[size:]
	}
}

// newline ends the current line unless it is empty.
func (w *htmlWalker) newline() {
	w.space = false
	if w.buf.Len() > 0 && !endsWith(&w.buf, '\n') {
		w.buf.WriteByte('\n')
	}
}

// flush stores the text gathered so far as a section under the current heading path.
func (w *htmlWalker) flush() {
	text := strings.TrimSpace(w.buf.String())
	w.buf.Reset()
	w.space = false
	if text != "" {
		w.page.sections = append(w.page.sections, Section{Path: w.heads.current(), Text: text})
	}
}

func endsWith(b *strings.Builder, c byte) bool {
	s := b.String()
	return len(s) > 0 && s[len(s)-1] == c
}

func endsWithCJK(b *strings.Builder) bool {
	r, _ := utf8.DecodeLastRuneInString(b.String())
	return isCJK(r)
}

// isCJK reports Han characters and the punctuation written between them.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || isCJKSymbol(r)
}

// isHidden reports elements a browser would not show: the hidden attribute, aria-hidden, or an
// inline display:none.
func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			if strings.Contains(strings.ReplaceAll(strings.ToLower(a.Val), " ", ""), "display:none") {
				return true
			}
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasToken reports whether the space-separated list (a rel attribute) contains tok.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// textContent returns all text below n, hidden or not; for <title>.
func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxHTMLDepth {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// visibleText returns the text below n that the page would show; for headings.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxHTMLDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			if dropped[n.DataAtom] || isHidden(n) {
				return
			}
			if n.DataAtom == atom.Br {
				b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// collapseSpace joins the words of s with single spaces.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
