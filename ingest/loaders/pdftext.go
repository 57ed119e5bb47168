package loaders

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Limits on the page structure of crafted files.
const (
	maxPageTreeDepth = 64
	maxFormDepth     = 8   // forms drawn inside forms
	maxGStateDepth   = 256 // q without Q
)

// loadPDF extracts each page's text in content order, one section per page.
func loadPDF(_ string, data []byte, b *budget) ([]Document, error) {
	f, err := openPDF(data, b)
	if err != nil {
		return nil, pdfError(err)
	}
	pages, err := f.pages()
	if err != nil {
		return nil, pdfError(err)
	}
	doc := Document{Title: f.infoTitle()}
	fonts := map[any]*pdfFont{}
	glyphs := 0
	for i, page := range pages {
		x := &pdfTextExtractor{f: f, fonts: fonts}
		if err := x.run(page.contents(f), page.resources, ident, 0); err != nil {
			return nil, pdfError(fmt.Errorf("page %d: %w", i+1, err))
		}
		glyphs += x.glyphs
		if text := strings.TrimSpace(x.out.String()); text != "" {
			doc.Sections = append(doc.Sections, Section{Page: i + 1, Text: text})
		}
	}
	if len(doc.Sections) == 0 {
		if glyphs > 0 {
			return nil, fmt.Errorf("%d glyphs, but the fonts map none to Unicode: %w", glyphs, ErrNoText)
		}
		return nil, fmt.Errorf("no text layer: the PDF looks scanned, and OCR is not supported: %w", ErrNoText)
	}
	return []Document{doc}, nil
}

// pdfError maps the PDF reader's internal errors onto the package's sentinels.
func pdfError(err error) error {
	if errors.Is(err, errPDFSyntax) || errors.Is(err, errPDFRefLoop) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%v: %w", err, ErrCorrupt)
	}
	return err
}

// pdfPage is a page dictionary with its inherited resources.
type pdfPage struct {
	dict      pdfDict
	resources pdfDict
}

func (p pdfPage) contents(f *pdfFile) []pdfStream {
	v, _ := f.resolve(p.dict["Contents"])
	var out []pdfStream
	switch c := v.(type) {
	case pdfStream:
		out = append(out, c)
	case pdfArray:
		for _, e := range c {
			if s, err := f.resolve(e); err == nil {
				if s, ok := s.(pdfStream); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// pages walks the page tree in order. Each node is visited once: a tree whose Kids lead back to
// an ancestor is a reference loop and fails instead of running forever.
func (f *pdfFile) pages() ([]pdfPage, error) {
	root := f.dict(f.trailer["Root"])
	if root == nil {
		return nil, fmt.Errorf("no document catalog: %w", errPDFSyntax)
	}
	var out []pdfPage
	seen := map[int]bool{}
	var walk func(v any, inherited pdfDict, depth int) error
	walk = func(v any, inherited pdfDict, depth int) error {
		if depth > maxPageTreeDepth {
			return fmt.Errorf("page tree deeper than %d: %w", maxPageTreeDepth, errPDFRefLoop)
		}
		if r, ok := v.(pdfRef); ok {
			if seen[r.num] {
				return fmt.Errorf("page tree revisits object %d: %w", r.num, errPDFRefLoop)
			}
			seen[r.num] = true
		}
		if err := f.b.tick(); err != nil {
			return err
		}
		obj, err := f.resolve(v)
		if err != nil {
			return err
		}
		node, _ := obj.(pdfDict)
		if node == nil {
			return nil
		}
		res := inherited
		if r := f.dict(node["Resources"]); r != nil {
			res = r
		}
		kids, hasKids := node["Kids"]
		if node["Type"] == pdfName("Page") || !hasKids {
			out = append(out, pdfPage{dict: node, resources: res})
			return nil
		}
		for _, kid := range f.array(kids) {
			if err := walk(kid, res, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root["Pages"], nil, 0); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no pages: %w", errPDFSyntax)
	}
	return out, nil
}

// infoTitle returns the Info dictionary's /Title, if any.
func (f *pdfFile) infoTitle() string {
	v, err := f.resolve(f.dict(f.trailer["Info"])["Title"])
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return collapseSpace(pdfTextString(s))
}

// pdfTextString decodes a PDF "text string": UTF-16BE with a byte-order mark, UTF-8 with one
// (PDF 2.0), else PDFDocEncoding, which matches Latin-1 closely enough for titles.
func pdfTextString(s string) string {
	switch {
	case strings.HasPrefix(s, "\xfe\xff"):
		return utf16BE(s[2:])
	case strings.HasPrefix(s, "\xef\xbb\xbf"):
		return strings.ToValidUTF8(s[3:], "\uFFFD")
	}
	out, _ := charmap.ISO8859_1.NewDecoder().String(s)
	return out
}

// utf16BE decodes big-endian UTF-16; an odd trailing byte is dropped.
func utf16BE(s string) string {
	return string(utf16.Decode(utf16Units(s)))
}

// matrix is a PDF transformation [a b c d e f].
type matrix [6]float64

var ident = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: m applied first, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// pdfGState is the part of the graphics state that places text.
type pdfGState struct {
	ctm                             matrix
	font                            *pdfFont
	size, cs, ws, scale, lead, rise float64
}

// pdfTextExtractor runs content streams and writes the text they show in stream order, with
// line breaks and spaces inferred from where each run of glyphs lands.
type pdfTextExtractor struct {
	f      *pdfFile
	fonts  map[any]*pdfFont // parsed fonts, shared across pages
	out    strings.Builder
	glyphs int // glyphs shown, mapped or not

	gs           pdfGState
	stack        []pdfGState
	tm, tlm      matrix
	lastX, lastY float64 // where the previous run ended, in device space
	lastSize     float64
	started      bool
	forms        map[int]bool // form XObjects being drawn, to stop recursion
	scratch      []byte       // the text of the run being shown, reused
	charged      int          // bytes of out already charged to the budget
}

// chargeText charges the text written since the last call. A font may map one byte to a long
// string and a form may be drawn many times, so a page's text is not bounded by its streams.
func (x *pdfTextExtractor) chargeText() error {
	n := x.out.Len() - x.charged
	if n == 0 {
		return nil
	}
	x.charged = x.out.Len()
	return x.f.b.emit(n)
}

func (x *pdfTextExtractor) run(streams []pdfStream, res pdfDict, ctm matrix, depth int) error {
	x.gs = pdfGState{ctm: ctm, scale: 1}
	for _, s := range streams {
		data, err := x.f.decodeStream(s)
		if err != nil {
			if errors.Is(err, ErrTimeout) || errors.Is(err, ErrTooLarge) {
				return err
			}
			continue // one unreadable content stream should not cost the page's other text
		}
		if err := x.interpret(data, res, depth); err != nil {
			return err
		}
	}
	return nil
}

// interpret executes one content stream's text and state operators.
func (x *pdfTextExtractor) interpret(data []byte, res pdfDict, depth int) error {
	l := &pdfLexer{data: data, b: x.f.b}
	var args []any
	for {
		tok, err := l.token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if errors.Is(err, errPDFSyntax) {
				args = args[:0]
				continue // skip the bad token and go on, as viewers do
			}
			return err
		}
		op, isOp := tok.(pdfKeyword)
		if !isOp || op == "[" || op == "<<" {
			v, err := l.objectFrom(tok, 0)
			if err != nil && !errors.Is(err, io.EOF) {
				if errors.Is(err, errPDFSyntax) {
					continue
				}
				return err
			}
			if len(args) < 64 { // operators take at most a handful; junk must not pile up
				args = append(args, v)
			}
			continue
		}
		if op == "BI" {
			skipInlineImage(l)
			args = args[:0]
			continue
		}
		if err := x.op(string(op), args, res, depth); err != nil {
			return err
		}
		if err := x.chargeText(); err != nil {
			return err
		}
		args = args[:0]
	}
}

// skipInlineImage moves past the binary data of an inline image, which ends at "EI" standing as
// a word on its own.
func skipInlineImage(l *pdfLexer) {
	for l.pos+2 <= len(l.data) {
		i := strings.Index(string(l.data[l.pos:]), "EI")
		if i < 0 {
			l.pos = len(l.data)
			return
		}
		at := l.pos + i
		l.pos = at + 2
		before := at == 0 || isPDFSpace(l.data[at-1])
		after := l.pos >= len(l.data) || isPDFSpace(l.data[l.pos]) || isPDFDelim(l.data[l.pos])
		if before && after {
			return
		}
	}
}

func num(args []any, i int) float64 {
	if i >= len(args) {
		return 0
	}
	switch n := args[i].(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

func (x *pdfTextExtractor) op(op string, args []any, res pdfDict, depth int) error {
	g := &x.gs
	switch op {
	case "q":
		if len(x.stack) < maxGStateDepth {
			x.stack = append(x.stack, *g)
		}
	case "Q":
		if n := len(x.stack); n > 0 {
			*g, x.stack = x.stack[n-1], x.stack[:n-1]
		}
	case "cm":
		if len(args) == 6 {
			g.ctm = matrix{num(args, 0), num(args, 1), num(args, 2), num(args, 3), num(args, 4), num(args, 5)}.mul(g.ctm)
		}
	case "BT":
		x.tm, x.tlm = ident, ident
	case "Tf":
		if len(args) == 2 {
			name, _ := args[0].(pdfName)
			g.font = x.font(res, name)
			g.size = num(args, 1)
		}
	case "Tc":
		g.cs = num(args, 0)
	case "Tw":
		g.ws = num(args, 0)
	case "Tz":
		g.scale = num(args, 0) / 100
	case "TL":
		g.lead = num(args, 0)
	case "Ts":
		g.rise = num(args, 0)
	case "Td":
		x.moveLine(num(args, 0), num(args, 1))
	case "TD":
		g.lead = -num(args, 1)
		x.moveLine(num(args, 0), num(args, 1))
	case "Tm":
		if len(args) == 6 {
			x.tm = matrix{num(args, 0), num(args, 1), num(args, 2), num(args, 3), num(args, 4), num(args, 5)}
			x.tlm = x.tm
		}
	case "T*":
		x.moveLine(0, -g.lead)
	case "Tj":
		if len(args) > 0 {
			s, _ := args[0].(string)
			x.show(s)
		}
	case "'":
		x.moveLine(0, -g.lead)
		if len(args) > 0 {
			s, _ := args[0].(string)
			x.show(s)
		}
	case "\"":
		if len(args) == 3 {
			g.ws, g.cs = num(args, 0), num(args, 1)
			x.moveLine(0, -g.lead)
			s, _ := args[2].(string)
			x.show(s)
		}
	case "TJ":
		if len(args) > 0 {
			arr, _ := args[0].(pdfArray)
			for _, e := range arr {
				switch v := e.(type) {
				case string:
					x.show(v)
				case int, float64:
					x.kern(num([]any{v}, 0))
				}
			}
		}
	case "Do":
		if len(args) > 0 {
			name, _ := args[0].(pdfName)
			return x.form(res, name, depth)
		}
	}
	return nil
}

func (x *pdfTextExtractor) moveLine(tx, ty float64) {
	x.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(x.tlm)
	x.tm = x.tlm
}

// kern applies a TJ adjustment (thousandths of a unit of text space, positive moves left). A
// large negative one is how many producers write the space between words.
func (x *pdfTextExtractor) kern(n float64) {
	g := &x.gs
	tx := -n / 1000 * g.size * g.scale
	x.tm = matrix{1, 0, 0, 1, tx, 0}.mul(x.tm)
}

// show writes a string's glyphs, first inferring a line break or space from where they start
// compared with where the previous run ended.
func (x *pdfTextExtractor) show(s string) {
	g := &x.gs
	if g.font == nil || s == "" {
		return
	}
	trm := x.tm.mul(g.ctm)
	size := g.size * math.Hypot(trm[2], trm[3])
	if size == 0 {
		size = 1
	}
	var advance float64
	var n int
	x.scratch, advance, n = g.font.decode(x.scratch[:0], s, g)
	x.glyphs += n
	if len(x.scratch) > 0 {
		x.place(trm[4], trm[5], size, x.scratch)
	}
	x.tm = matrix{1, 0, 0, 1, advance * g.scale, 0}.mul(x.tm)
	end := x.tm.mul(g.ctm)
	if len(x.scratch) > 0 {
		x.lastX, x.lastY, x.lastSize = end[4], end[5], size
	}
}

// place writes text starting at device position (px, py).
func (x *pdfTextExtractor) place(px, py, size float64, text []byte) {
	if x.started {
		dy := math.Abs(py - x.lastY)
		dx := px - x.lastX
		ref := max(size, x.lastSize)
		switch {
		case dy > ref*0.5:
			x.out.WriteByte('\n')
		case dx > ref*0.2 || dx < -ref:
			// A gap of a fifth of an em is a word space in Latin text. Chinese has no spaces,
			// so there only a gap of half an em or more (a table column) counts.
			last, _ := utf8.DecodeLastRuneInString(x.out.String())
			first, _ := utf8.DecodeRune(text)
			cjk := isCJK(last) || isCJK(first)
			if (!cjk || dx > ref*0.5 || dx < -ref) && !unicode.IsSpace(last) && !unicode.IsSpace(first) {
				x.out.WriteByte(' ')
			}
		}
	}
	x.started = true
	x.out.Write(text)
}

// form draws a form XObject's content, once per nesting chain.
func (x *pdfTextExtractor) form(res pdfDict, name pdfName, depth int) error {
	if depth >= maxFormDepth {
		return nil
	}
	ref, _ := x.f.dict(res["XObject"])[name].(pdfRef)
	obj, err := x.f.resolve(ref)
	if err != nil {
		return nil
	}
	s, ok := obj.(pdfStream)
	if !ok || s.dict["Subtype"] != pdfName("Form") {
		return nil
	}
	if x.forms == nil {
		x.forms = map[int]bool{}
	}
	if x.forms[ref.num] {
		return nil // a form that draws itself
	}
	x.forms[ref.num] = true
	defer delete(x.forms, ref.num)
	formRes := x.f.dict(s.dict["Resources"])
	if formRes == nil {
		formRes = res
	}
	m := matrix{1, 0, 0, 1, 0, 0}
	if a := x.f.array(s.dict["Matrix"]); len(a) == 6 {
		m = matrix{x.f.number(a[0]), x.f.number(a[1]), x.f.number(a[2]), x.f.number(a[3]), x.f.number(a[4]), x.f.number(a[5])}
	}
	saved, savedStack, tm, tlm := x.gs, x.stack, x.tm, x.tlm
	x.stack = nil
	x.gs.ctm = m.mul(saved.ctm)
	data, err := x.f.decodeStream(s)
	if err == nil {
		err = x.interpret(data, formRes, depth+1)
	}
	x.gs, x.stack, x.tm, x.tlm = saved, savedStack, tm, tlm
	if errors.Is(err, ErrTimeout) || errors.Is(err, ErrTooLarge) {
		return err
	}
	return nil
}

// font returns the parsed font a resource name refers to, parsing each font object once.
func (x *pdfTextExtractor) font(res pdfDict, name pdfName) *pdfFont {
	v := x.f.dict(res["Font"])[name]
	key := any(v)
	if r, ok := v.(pdfRef); ok {
		key = r.num
	} else {
		key = fmt.Sprintf("%p/%s", res, name) // a direct font dictionary, rare
	}
	if ft, ok := x.fonts[key]; ok {
		return ft
	}
	ft := x.f.parseFont(x.f.dict(v))
	x.fonts[key] = ft
	return ft
}

// pdfFont maps a font's character codes to Unicode and to glyph widths.
type pdfFont struct {
	composite bool              // Type0: multi-byte codes, CID widths
	toUnicode *pdfCMap          // the font's /ToUnicode map, preferred when present
	simple    *[256]rune        // single-byte fonts without ToUnicode
	codec     encoding.Encoding // predefined CJK CMaps without ToUnicode: GBK, Big5, UCS-2
	utf16     bool              // predefined Uni*-UCS2/UTF16 CMaps: codes are UTF-16BE
	widths    map[int]float64   // code (simple) or CID (composite) → width in 1/1000 em
	dw        float64           // default width
	memo      map[int]pdfGlyph  // code → text and width, filled as codes are shown
}

func (f *pdfFile) parseFont(d pdfDict) *pdfFont {
	ft := &pdfFont{widths: map[int]float64{}, dw: 500}
	if d == nil {
		return ft
	}
	if s, err := f.resolve(d["ToUnicode"]); err == nil {
		if s, ok := s.(pdfStream); ok {
			if data, err := f.decodeStream(s); err == nil {
				ft.toUnicode = parseCMap(data, f.b)
			}
		}
	}
	enc, _ := f.resolve(d["Encoding"])
	if d["Subtype"] == pdfName("Type0") {
		ft.composite = true
		ft.dw = 1000
		if name, ok := enc.(pdfName); ok {
			n := string(name)
			switch {
			case strings.Contains(n, "UCS2"), strings.Contains(n, "UTF16"):
				ft.utf16 = true
			case strings.HasPrefix(n, "GB"):
				ft.codec = simplifiedchinese.GB18030
			case strings.HasPrefix(n, "B5"), strings.HasPrefix(n, "ETen"), strings.HasPrefix(n, "HKscs"):
				ft.codec = traditionalchinese.Big5
			}
		}
		if desc := f.array(d["DescendantFonts"]); len(desc) > 0 {
			cid := f.dict(desc[0])
			if dw, ok := cid["DW"]; ok {
				ft.dw = f.number(dw)
			}
			ft.readCIDWidths(f, f.array(cid["W"]))
		}
		return ft
	}
	first, _ := f.resolveInt(d["FirstChar"])
	for i, w := range f.array(d["Widths"]) {
		if first+i >= 0 && first+i < 256 {
			ft.widths[first+i] = f.number(w)
		}
	}
	if ft.toUnicode == nil {
		ft.simple = simpleEncoding(f, enc)
	}
	return ft
}

// readCIDWidths reads a /W array: "c [w1 w2 ...]" and "cFirst cLast w" entries.
func (ft *pdfFont) readCIDWidths(f *pdfFile, w pdfArray) {
	const maxWidths = 1 << 16
	for i := 0; i < len(w) && len(ft.widths) < maxWidths; {
		start, _ := f.resolveInt(w[i])
		if i+1 >= len(w) {
			return
		}
		if arr := f.array(w[i+1]); arr != nil {
			for j, v := range arr {
				ft.widths[start+j] = f.number(v)
			}
			i += 2
			continue
		}
		if i+2 >= len(w) {
			return
		}
		end, _ := f.resolveInt(w[i+1])
		width := f.number(w[i+2])
		for c := start; c <= end && c-start < maxWidths; c++ {
			ft.widths[c] = width
		}
		i += 3
	}
}

// decode appends the text of a shown string to buf; it also returns the horizontal advance in
// text space units (before horizontal scaling) and the number of glyphs.
func (ft *pdfFont) decode(buf []byte, s string, g *pdfGState) ([]byte, float64, int) {
	var (
		advance float64
		n       int
	)
	for len(s) > 0 {
		code, size := ft.nextCode(s)
		raw := s[:size]
		s = s[size:]
		n++
		// Memoised per code: the benchmark showed CMap lookups, their string building and the
		// width lookup as the largest costs, and a document repeats few distinct codes.
		gl, ok := ft.memo[code]
		if !ok {
			gl = ft.glyph(code, raw)
			if ft.memo == nil {
				ft.memo = map[int]pdfGlyph{}
			}
			if len(ft.memo) < 1<<16 {
				ft.memo[code] = gl
			}
		}
		advance += gl.width/1000*g.size + g.cs
		if size == 1 && code == ' ' {
			advance += g.ws
		}
		t := gl.text
		buf = append(buf, t...)
	}
	return buf, advance, n
}

// nextCode splits off the next character code: by the ToUnicode map's code space, else one byte
// for simple fonts, two for composite ones (one for ASCII bytes in GB and Big5 encodings).
func (ft *pdfFont) nextCode(s string) (int, int) {
	size := 1
	switch {
	case ft.toUnicode != nil && len(ft.toUnicode.spaces) > 0:
		size = ft.toUnicode.codeLen(s)
	case ft.composite && ft.codec != nil && s[0] < 0x80:
		size = 1
	case ft.composite:
		size = 2
	}
	size = min(size, len(s))
	code := 0
	for i := range size {
		code = code<<8 | int(s[i])
	}
	return code, size
}

// pdfGlyph is what a font says about one character code.
type pdfGlyph struct {
	text  string
	width float64 // in 1/1000 em
}

func (ft *pdfFont) glyph(code int, raw string) pdfGlyph {
	w, ok := ft.widths[code]
	if !ok {
		w = ft.dw
	}
	return pdfGlyph{ft.text(code, raw), w}
}

// text returns the cleaned text of one code. The raw bytes matter for codes whose mapping is
// an encoding of the bytes themselves (GBK, UCS-2).
func (ft *pdfFont) text(code int, raw string) string {
	if ft.toUnicode != nil {
		if t, ok := ft.toUnicode.lookup(code); ok {
			return cleanText(t)
		}
	}
	switch {
	case ft.simple != nil:
		if r := ft.simple[code&0xff]; r != 0 {
			return cleanText(string(r))
		}
	case ft.utf16:
		return cleanText(utf16BE(raw))
	case ft.codec != nil:
		if t, err := ft.codec.NewDecoder().String(raw); err == nil {
			return cleanText(t)
		}
	case !ft.composite:
		// A simple font with neither map: the code is most likely Latin-1.
		return cleanText(string(rune(code)))
	}
	return ""
}

// cleanText drops control characters and invalid UTF-8, which some ToUnicode maps produce.
func cleanText(t string) string {
	clean := true
	for _, r := range t {
		if r == utf8.RuneError || (r < 0x20 && r != '\t') || r == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return t
	}
	var b strings.Builder
	for _, r := range t {
		if r == utf8.RuneError || (r < 0x20 && r != '\t') || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// simpleEncoding builds the code → rune table of a single-byte font from its /Encoding: a base
// encoding (WinAnsi unless MacRoman is named) and /Differences glyph names.
func simpleEncoding(f *pdfFile, enc any) *[256]rune {
	var table [256]rune
	base := encoding.Encoding(charmap.Windows1252)
	d, _ := enc.(pdfDict)
	name, _ := enc.(pdfName)
	if d != nil {
		name, _ = d["BaseEncoding"].(pdfName)
	}
	if name == "MacRomanEncoding" {
		base = charmap.Macintosh
	}
	dec := base.NewDecoder()
	for c := range 256 {
		if c < 0x20 {
			continue
		}
		if s, err := dec.Bytes([]byte{byte(c)}); err == nil {
			if r, _ := utf8.DecodeRune(s); r != utf8.RuneError {
				table[c] = r
			}
		}
	}
	code := 0
	for _, v := range f.array(d["Differences"]) {
		switch e := v.(type) {
		case int:
			code = e
		case pdfName:
			if code >= 0 && code < 256 {
				table[code] = glyphRune(string(e))
			}
			code++
		}
	}
	return &table
}

// glyphRune maps a glyph name to its character: uniXXXX and uXXXX[XX] names, single letters and
// digits, and the common punctuation names. Others map to nothing.
func glyphRune(name string) rune {
	if len(name) == 1 {
		return rune(name[0])
	}
	if h, ok := strings.CutPrefix(name, "uni"); ok && len(h) == 4 {
		if v, err := strconv.ParseUint(h, 16, 32); err == nil {
			return rune(v)
		}
	}
	if h, ok := strings.CutPrefix(name, "u"); ok && len(h) >= 4 && len(h) <= 6 {
		if v, err := strconv.ParseUint(h, 16, 32); err == nil && utf8.ValidRune(rune(v)) {
			return rune(v)
		}
	}
	return glyphNames[name]
}

// glyphNames holds the Adobe glyph names that Differences arrays commonly use for ASCII.
var glyphNames = map[string]rune{
	"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$', "percent": '%',
	"ampersand": '&', "quotesingle": '\'', "quoteright": '\u2019', "quoteleft": '\u2018',
	"parenleft": '(', "parenright": ')', "asterisk": '*', "plus": '+', "comma": ',', "hyphen": '-',
	"period": '.', "slash": '/', "zero": '0', "one": '1', "two": '2', "three": '3', "four": '4',
	"five": '5', "six": '6', "seven": '7', "eight": '8', "nine": '9', "colon": ':',
	"semicolon": ';', "less": '<', "equal": '=', "greater": '>', "question": '?', "at": '@',
	"bracketleft": '[', "backslash": '\\', "bracketright": ']', "asciicircum": '^',
	"underscore": '_', "grave": '`', "braceleft": '{', "bar": '|', "braceright": '}',
	"asciitilde": '~', "bullet": '\u2022', "endash": '\u2013', "emdash": '\u2014',
	"quotedblleft": '\u201c', "quotedblright": '\u201d', "ellipsis": '\u2026', "fi": '\ufb01',
	"fl": '\ufb02', "degree": '\u00b0', "copyright": '\u00a9', "registered": '\u00ae',
	"trademark": '\u2122', "nbspace": '\u00a0', "minus": '\u2212', "periodcentered": '\u00b7',
}
