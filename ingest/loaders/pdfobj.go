package loaders

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file reads the object layer of a PDF: tokens, objects, cross-reference tables and
// streams. It is written for untrusted input: every loop the file can lengthen charges the
// budget, every reference chain is bounded, and a file whose cross-reference data is damaged is
// re-indexed by scanning for "n g obj" headers, so truncated files still yield their text.

// PDF object types. Strings are kept as raw bytes in a Go string; numbers are int or float64.
type (
	pdfName    string
	pdfKeyword string
	pdfDict    map[pdfName]any
	pdfArray   []any
	pdfRef     struct{ num, gen int }
	pdfStream  struct {
		dict     pdfDict
		raw      []byte // still encoded, a slice of the file
		num, gen int    // the object it was read as, for decryption
	}
)

// Limits that stop crafted files from spending unbounded work.
const (
	maxPDFNesting = 64      // arrays and dictionaries inside each other
	maxRefChain   = 32      // a reference that names a reference that names ...
	maxPDFObjects = 1 << 22 // object numbers a cross-reference section may declare
	maxXrefChain  = 256     // /Prev links between cross-reference sections
)

var (
	errPDFSyntax  = errors.New("pdf syntax error")
	errPDFRefLoop = errors.New("pdf reference loop")
)

// pdfLexer reads tokens and objects from PDF bytes.
type pdfLexer struct {
	data    []byte
	pos     int
	b       *budget
	scratch []byte // reused while decoding strings, so each costs one allocation
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skipSpace skips whitespace and comments.
func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isPDFSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// token returns the next token: int, float64, string, pdfName, pdfKeyword, or one of the
// delimiters "[", "]", "<<", ">>" as a pdfKeyword. io.EOF at the end.
func (l *pdfLexer) token() (any, error) {
	if err := l.b.tick(); err != nil {
		return nil, err
	}
	l.skipSpace()
	if l.pos >= len(l.data) {
		return nil, io.EOF
	}
	c := l.data[l.pos]
	switch {
	case c == '/':
		return l.name(), nil
	case c == '(':
		return l.literalString()
	case c == '<':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '<' {
			l.pos += 2
			return pdfKeyword("<<"), nil
		}
		return l.hexString()
	case c == '>':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '>' {
			l.pos += 2
			return pdfKeyword(">>"), nil
		}
		l.pos++
		return nil, fmt.Errorf("stray '>': %w", errPDFSyntax)
	case c == '[' || c == ']' || c == '{' || c == '}':
		l.pos++
		return pdfKeyword(c), nil
	case c == ')':
		l.pos++
		return nil, fmt.Errorf("stray ')': %w", errPDFSyntax)
	}
	start := l.pos
	for l.pos < len(l.data) && !isPDFSpace(l.data[l.pos]) && !isPDFDelim(l.data[l.pos]) {
		l.pos++
	}
	word := l.data[start:l.pos]
	if c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9') {
		if n, ok := parsePDFNumber(word); ok {
			return n, nil
		}
	}
	// Content streams repeat a few dozen operators; interning them saves an allocation per
	// operator, which the PDF benchmark showed as a large share of the time.
	if kw, ok := pdfOperators[string(word)]; ok {
		return kw, nil
	}
	return pdfKeyword(word), nil
}

var pdfOperators = func() map[string]pdfKeyword {
	m := map[string]pdfKeyword{}
	for _, op := range strings.Fields(`BT ET Tf Td TD Tm T* Tj TJ ' " Tc Tw Tz TL Ts Tr q Q cm Do
		re m l c v y h S s f F f* B B* b b* n W W* g G rg RG k K cs CS sc SC scn SCN gs w J j M d ri i
		sh BI ID EI BDC BMC EMC MP DP d0 d1 obj endobj R stream endstream true false null`) {
		m[op] = pdfKeyword(op)
	}
	return m
}()

// parsePDFNumber parses an integer or real (PDF reals have no exponent) without allocating.
func parsePDFNumber(word []byte) (any, bool) {
	neg := false
	i := 0
	for i < len(word) && (word[i] == '+' || word[i] == '-') {
		neg = neg != (word[i] == '-')
		i++
	}
	var whole, frac, scale float64 = 0, 0, 1
	digits, dot := 0, false
	for ; i < len(word); i++ {
		c := word[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if dot {
				scale /= 10
				frac += float64(c-'0') * scale
			} else {
				whole = whole*10 + float64(c-'0')
			}
		case c == '.' && !dot:
			dot = true
		default:
			// Producers write things like "5-" or "1.2.3"; a broken number is better read as
			// what precedes the junk than as an operator, which would desynchronise the
			// operand stack.
			i = len(word)
		}
	}
	if digits == 0 {
		return nil, false
	}
	v := whole + frac
	if neg {
		v = -v
	}
	if !dot && v >= math.MinInt32 && v <= math.MaxInt32 {
		return int(v), true
	}
	return v, true
}

func (l *pdfLexer) name() pdfName {
	l.pos++ // '/'
	var b []byte
	for l.pos < len(l.data) && !isPDFSpace(l.data[l.pos]) && !isPDFDelim(l.data[l.pos]) {
		c := l.data[l.pos]
		if c == '#' && l.pos+2 < len(l.data) {
			if v, err := strconv.ParseUint(string(l.data[l.pos+1:l.pos+3]), 16, 8); err == nil {
				b = append(b, byte(v))
				l.pos += 3
				continue
			}
		}
		b = append(b, c)
		l.pos++
	}
	return pdfName(b)
}

func (l *pdfLexer) literalString() (any, error) {
	l.pos++ // '('
	b := l.scratch[:0]
	defer func() { l.scratch = b[:0] }()
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(b), nil
			}
		case '\\':
			if l.pos >= len(l.data) {
				return string(b), nil
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue // line continuation
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; i++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		b = append(b, c)
	}
	return string(b), nil // unterminated: keep what there is
}

func (l *pdfLexer) hexString() (any, error) {
	l.pos++ // '<'
	end := bytes.IndexByte(l.data[l.pos:], '>')
	if end < 0 {
		end = len(l.data) - l.pos
	}
	text := l.data[l.pos : l.pos+end]
	l.pos += end + 1
	l.scratch = appendHexDigits(l.scratch[:0], text)
	return string(l.scratch), nil
}

// hexValue maps a byte to its value as a hexadecimal digit, or -1; a table because hex strings
// carry most of the text in CJK content streams and this loop showed high in the profile.
var hexValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = int8(c-'a') + 10
		t[c-'a'+'A'] = int8(c-'a') + 10
	}
	return t
}()

// decodeHexDigits decodes hexadecimal text, skipping anything that is not a digit (whitespace)
// and padding an odd last digit with 0, as the PDF format says.
func decodeHexDigits(text []byte) []byte {
	return appendHexDigits(make([]byte, 0, len(text)/2+1), text)
}

// appendHexDigits is decodeHexDigits appending to out.
func appendHexDigits(out, text []byte) []byte {
	hi := int8(-1)
	for _, c := range text {
		n := hexValue[c]
		switch {
		case n < 0:
		case hi < 0:
			hi = n
		default:
			out = append(out, byte(hi)<<4|byte(n))
			hi = -1
		}
	}
	if hi >= 0 {
		out = append(out, byte(hi)<<4)
	}
	return out
}

// object reads one object; "n g R" becomes a pdfRef. Operators (keywords other than true, false,
// null) are returned as pdfKeyword for the content-stream reader.
func (l *pdfLexer) object(depth int) (any, error) {
	tok, err := l.token()
	if err != nil {
		return nil, err
	}
	return l.objectFrom(tok, depth)
}

func (l *pdfLexer) objectFrom(tok any, depth int) (any, error) {
	if depth > maxPDFNesting {
		return nil, fmt.Errorf("nesting deeper than %d: %w", maxPDFNesting, errPDFSyntax)
	}
	switch t := tok.(type) {
	case int:
		// "n g R" is a reference; look ahead without consuming on a miss.
		save := l.pos
		if gen, err := l.token(); err == nil {
			if g, ok := gen.(int); ok {
				if r, err := l.token(); err == nil && r == pdfKeyword("R") {
					return pdfRef{t, g}, nil
				}
			}
		}
		l.pos = save
		return t, nil
	case pdfKeyword:
		switch t {
		case "[":
			var arr pdfArray
			for {
				tok, err := l.token()
				if err != nil {
					return arr, err
				}
				if tok == pdfKeyword("]") {
					return arr, nil
				}
				v, err := l.objectFrom(tok, depth+1)
				if err != nil {
					return arr, err
				}
				arr = append(arr, v)
			}
		case "<<":
			d := pdfDict{}
			for {
				tok, err := l.token()
				if err != nil {
					return d, err
				}
				if tok == pdfKeyword(">>") {
					return d, nil
				}
				key, ok := tok.(pdfName)
				if !ok {
					continue // junk in a dictionary: skip it and resynchronise on the next name
				}
				v, err := l.object(depth + 1)
				if err != nil {
					return d, err
				}
				if kw, ok := v.(pdfKeyword); ok && kw == ">>" {
					return d, nil
				}
				d[key] = v
			}
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	}
	return tok, nil
}

// xrefEntry locates an object: at a file offset, or as the index-th object of an object stream.
type xrefEntry struct {
	offset    int
	inStream  bool
	streamNum int
	index     int
}

// pdfFile is an opened PDF.
type pdfFile struct {
	data      []byte
	b         *budget
	xref      map[int]xrefEntry
	trailer   pdfDict
	cache     map[int]any
	resolving map[int]bool
	objStms   map[int]*pdfObjStm
	crypt     *pdfCrypt // nil unless the file is encrypted
}

// pdfObjStm is a decoded object stream: its data and each object's offset in it.
type pdfObjStm struct {
	data    []byte
	offsets []int
}

var objHeader = regexp.MustCompile(`(\d{1,10})\s+(\d{1,5})\s+obj\b`)

// openPDF indexes the file's objects from its cross-reference data, or by scanning when that is
// missing or damaged.
func openPDF(data []byte, b *budget) (*pdfFile, error) {
	// Viewers accept junk (a mail header, a BOM) before the header within the first kilobyte.
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("no %%PDF header: %w", ErrCorrupt)
	}
	f := &pdfFile{data: data, b: b, xref: map[int]xrefEntry{}, cache: map[int]any{},
		resolving: map[int]bool{}, objStms: map[int]*pdfObjStm{}}
	if err := f.readXrefChain(); err != nil || f.trailer == nil || f.trailer["Root"] == nil {
		if errors.Is(err, ErrTimeout) || errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		if err := f.rebuildXref(); err != nil {
			return nil, err
		}
	}
	if f.trailer["Encrypt"] != nil {
		c, err := newPDFCrypt(f)
		if err != nil {
			return nil, err
		}
		// Objects read so far (the encryption dictionary) were read in the clear; read them
		// again through the decrypter as needed.
		f.crypt, f.cache, f.objStms = c, map[int]any{}, map[int]*pdfObjStm{}
	}
	return f, nil
}

// readXrefChain reads the cross-reference sections from the last startxref back through /Prev.
// Newer sections come first, so an object's first entry wins.
func (f *pdfFile) readXrefChain() error {
	i := bytes.LastIndex(f.data, []byte("startxref"))
	if i < 0 {
		return fmt.Errorf("no startxref: %w", errPDFSyntax)
	}
	l := &pdfLexer{data: f.data, pos: i + len("startxref"), b: f.b}
	tok, err := l.token()
	off, ok := tok.(int)
	if err != nil || !ok {
		return fmt.Errorf("bad startxref: %w", errPDFSyntax)
	}
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if seen[off] || n > maxXrefChain {
			return fmt.Errorf("cross-reference sections loop: %w", errPDFRefLoop)
		}
		seen[off] = true
		trailer, err := f.readXrefSection(off)
		if err != nil {
			return err
		}
		if f.trailer == nil {
			f.trailer = trailer
		}
		if x, ok := trailer["XRefStm"].(int); ok && !seen[x] {
			// A hybrid file lists objects kept in object streams in a second, stream section.
			seen[x] = true
			if _, err := f.readXrefSection(x); err != nil {
				return err
			}
		}
		prev, ok := trailer["Prev"].(int)
		if !ok {
			return nil
		}
		off = prev
	}
}

// readXrefSection reads a cross-reference table or stream at off and returns its trailer.
func (f *pdfFile) readXrefSection(off int) (pdfDict, error) {
	if off < 0 || off >= len(f.data) {
		return nil, fmt.Errorf("xref offset %d outside the file: %w", off, errPDFSyntax)
	}
	l := &pdfLexer{data: f.data, pos: off, b: f.b}
	tok, err := l.token()
	if err != nil {
		return nil, err
	}
	if tok == pdfKeyword("xref") {
		return f.readXrefTable(l)
	}
	l.pos = off
	obj, err := f.readIndirect(l, -1)
	if err != nil {
		return nil, err
	}
	s, ok := obj.(pdfStream)
	if !ok || s.dict["Type"] != pdfName("XRef") {
		return nil, fmt.Errorf("no xref at %d: %w", off, errPDFSyntax)
	}
	return s.dict, f.readXrefStream(s)
}

func (f *pdfFile) readXrefTable(l *pdfLexer) (pdfDict, error) {
	for {
		tok, err := l.token()
		if err != nil {
			return nil, err
		}
		if tok == pdfKeyword("trailer") {
			d, err := l.object(0)
			if err != nil {
				return nil, err
			}
			dict, ok := d.(pdfDict)
			if !ok {
				return nil, fmt.Errorf("trailer is not a dictionary: %w", errPDFSyntax)
			}
			return dict, nil
		}
		start, ok1 := tok.(int)
		cnt, err := l.token()
		count, ok2 := cnt.(int)
		if err != nil || !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxPDFObjects {
			return nil, fmt.Errorf("bad xref subsection: %w", errPDFSyntax)
		}
		for i := range count {
			o, _ := l.token()
			_, _ = l.token() // generation
			kind, _ := l.token()
			offset, ok := o.(int)
			if !ok {
				return nil, fmt.Errorf("bad xref entry: %w", errPDFSyntax)
			}
			if _, dup := f.xref[start+i]; !dup && kind == pdfKeyword("n") {
				f.xref[start+i] = xrefEntry{offset: offset}
			}
		}
	}
}

func (f *pdfFile) readXrefStream(s pdfStream) error {
	data, err := f.decodeStream(s)
	if err != nil {
		return err
	}
	w, _ := s.dict["W"].(pdfArray)
	if len(w) < 3 {
		return fmt.Errorf("xref stream without W: %w", errPDFSyntax)
	}
	var widths [3]int
	rowLen := 0
	for i := range 3 {
		n, _ := w[i].(int)
		if n < 0 || n > 8 {
			return fmt.Errorf("xref stream W out of range: %w", errPDFSyntax)
		}
		widths[i] = n
		rowLen += n
	}
	if rowLen == 0 {
		return fmt.Errorf("xref stream W is zero: %w", errPDFSyntax)
	}
	size, _ := s.dict["Size"].(int)
	index, _ := s.dict["Index"].(pdfArray)
	if index == nil {
		index = pdfArray{0, size}
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, _ := index[i].(int)
		count, _ := index[i+1].(int)
		if start < 0 || count < 0 || start+count > maxPDFObjects {
			return fmt.Errorf("xref stream Index out of range: %w", errPDFSyntax)
		}
		for j := range count {
			if pos+rowLen > len(data) {
				return nil // short stream: keep the entries read so far
			}
			var field [3]int
			for k := range 3 {
				for range widths[k] {
					field[k] = field[k]<<8 | int(data[pos])
					pos++
				}
			}
			if widths[0] == 0 {
				field[0] = 1 // the type defaults to "in use"
			}
			num := start + j
			if _, dup := f.xref[num]; dup {
				continue
			}
			switch field[0] {
			case 1:
				f.xref[num] = xrefEntry{offset: field[1]}
			case 2:
				f.xref[num] = xrefEntry{inStream: true, streamNum: field[1], index: field[2]}
			}
		}
	}
	return nil
}

// rebuildXref indexes objects by scanning for their headers, for files whose cross-reference
// data is missing, damaged or truncated. Later definitions win, as with incremental updates.
func (f *pdfFile) rebuildXref() error {
	f.xref = map[int]xrefEntry{}
	f.cache = map[int]any{}
	for _, m := range objHeader.FindAllSubmatchIndex(f.data, -1) {
		if err := f.b.tick(); err != nil {
			return err
		}
		num, err := strconv.Atoi(string(f.data[m[2]:m[3]]))
		if err != nil || num > maxPDFObjects {
			continue
		}
		f.xref[num] = xrefEntry{offset: m[0]}
	}
	f.trailer = nil
	// The last trailer dictionary, else the dictionary of the last xref stream, else a made-up
	// one pointing at the catalog.
	if i := bytes.LastIndex(f.data, []byte("trailer")); i >= 0 {
		l := &pdfLexer{data: f.data, pos: i + len("trailer"), b: f.b}
		if d, err := l.object(0); err == nil {
			if dict, ok := d.(pdfDict); ok && dict["Root"] != nil {
				f.trailer = dict
			}
		}
	}
	if f.trailer == nil {
		for num := range f.xref {
			obj, err := f.object(num)
			if err != nil {
				if errors.Is(err, ErrTimeout) || errors.Is(err, ErrTooLarge) {
					return err
				}
				continue
			}
			var d pdfDict
			switch o := obj.(type) {
			case pdfDict:
				d = o
			case pdfStream:
				d = o.dict
			}
			if d["Type"] == pdfName("XRef") && d["Root"] != nil {
				f.trailer = d
				break
			}
			if d["Type"] == pdfName("Catalog") {
				f.trailer = pdfDict{"Root": pdfRef{num, 0}, "Encrypt": f.trailerEncrypt()}
				break
			}
		}
	}
	if f.trailer == nil {
		return fmt.Errorf("no document catalog found: %w", ErrCorrupt)
	}
	return nil
}

// trailerEncrypt keeps the sign of encryption when the trailer is lost: an /Encrypt dictionary
// anywhere in the file.
func (f *pdfFile) trailerEncrypt() any {
	if bytes.Contains(f.data, []byte("/Encrypt")) {
		return true
	}
	return nil
}

// readIndirect reads "n g obj ... endobj" at the lexer's position; num is the expected object
// number, or -1 for any.
func (f *pdfFile) readIndirect(l *pdfLexer, num int) (any, error) {
	n, err := l.token()
	if err != nil {
		return nil, err
	}
	g, _ := l.token()
	gen, _ := g.(int)
	kw, err := l.token()
	if err != nil {
		return nil, err
	}
	got, ok := n.(int)
	if !ok || kw != pdfKeyword("obj") || (num >= 0 && got != num) {
		return nil, fmt.Errorf("object %d not found at its offset: %w", num, errPDFSyntax)
	}
	obj, err := l.object(0)
	if err != nil {
		return nil, err
	}
	if f.crypt != nil {
		obj = f.crypt.decryptStrings(obj, got, gen, 0)
	}
	dict, ok := obj.(pdfDict)
	if !ok {
		return obj, nil
	}
	save := l.pos
	if tok, err := l.token(); err != nil || tok != pdfKeyword("stream") {
		l.pos = save
		return dict, nil
	}
	// The data starts after the end of line that follows "stream".
	if l.pos < len(l.data) && l.data[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(l.data) && l.data[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	end := -1
	if length, err := f.resolveInt(dict["Length"]); err == nil && length >= 0 && start+length <= len(l.data) {
		end = start + length
		if !bytes.HasPrefix(bytes.TrimLeft(l.data[end:min(end+32, len(l.data))], "\r\n \t"), []byte("endstream")) {
			end = -1 // /Length lies; trust the endstream keyword instead
		}
	}
	if end < 0 {
		i := bytes.Index(l.data[start:], []byte("endstream"))
		if i < 0 {
			end = len(l.data) // truncated file: the stream runs to the end
		} else {
			end = start + i
		}
	}
	return pdfStream{dict: dict, raw: l.data[start:end], num: got, gen: gen}, nil
}

// object returns the object with the given number, reading it once.
func (f *pdfFile) object(num int) (any, error) {
	if obj, ok := f.cache[num]; ok {
		return obj, nil
	}
	if f.resolving[num] {
		return nil, fmt.Errorf("object %d refers to itself: %w", num, errPDFRefLoop)
	}
	e, ok := f.xref[num]
	if !ok {
		return nil, nil // a missing object is null
	}
	f.resolving[num] = true
	defer delete(f.resolving, num)
	var (
		obj any
		err error
	)
	if e.inStream {
		obj, err = f.objectInStream(e)
	} else {
		if e.offset < 0 || e.offset >= len(f.data) {
			return nil, fmt.Errorf("object %d offset outside the file: %w", num, errPDFSyntax)
		}
		obj, err = f.readIndirect(&pdfLexer{data: f.data, pos: e.offset, b: f.b}, num)
	}
	if err != nil {
		return nil, err
	}
	f.cache[num] = obj
	return obj, nil
}

func (f *pdfFile) objectInStream(e xrefEntry) (any, error) {
	stm, ok := f.objStms[e.streamNum]
	if !ok {
		obj, err := f.object(e.streamNum)
		if err != nil {
			return nil, err
		}
		s, ok := obj.(pdfStream)
		if !ok {
			return nil, fmt.Errorf("object stream %d is not a stream: %w", e.streamNum, errPDFSyntax)
		}
		data, err := f.decodeStream(s)
		if err != nil {
			return nil, err
		}
		n, _ := s.dict["N"].(int)
		first, _ := s.dict["First"].(int)
		if n < 0 || n > maxPDFObjects || first < 0 || first > len(data) {
			return nil, fmt.Errorf("object stream %d header: %w", e.streamNum, errPDFSyntax)
		}
		stm = &pdfObjStm{data: data}
		l := &pdfLexer{data: data[:first], b: f.b}
		for range n {
			_, err1 := l.token()
			off, err2 := l.token()
			o, ok := off.(int)
			if err1 != nil || err2 != nil || !ok {
				break
			}
			stm.offsets = append(stm.offsets, first+o)
		}
		f.objStms[e.streamNum] = stm
	}
	if e.index < 0 || e.index >= len(stm.offsets) || stm.offsets[e.index] >= len(stm.data) {
		return nil, nil
	}
	return (&pdfLexer{data: stm.data, pos: stm.offsets[e.index], b: f.b}).object(0)
}

// resolve follows references to the object they name; null for a dangling one.
func (f *pdfFile) resolve(v any) (any, error) {
	for range maxRefChain {
		r, ok := v.(pdfRef)
		if !ok {
			return v, nil
		}
		var err error
		if v, err = f.object(r.num); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("reference chain longer than %d: %w", maxRefChain, errPDFRefLoop)
}

// dict resolves v to a dictionary (a stream's dictionary counts); nil otherwise.
func (f *pdfFile) dict(v any) pdfDict {
	v, err := f.resolve(v)
	if err != nil {
		return nil
	}
	switch d := v.(type) {
	case pdfDict:
		return d
	case pdfStream:
		return d.dict
	}
	return nil
}

func (f *pdfFile) array(v any) pdfArray {
	v, _ = f.resolve(v)
	a, _ := v.(pdfArray)
	return a
}

func (f *pdfFile) resolveInt(v any) (int, error) {
	v, err := f.resolve(v)
	if err != nil {
		return 0, err
	}
	switch n := v.(type) {
	case int:
		return n, nil
	case float64:
		return int(n), nil
	}
	return 0, fmt.Errorf("not a number: %w", errPDFSyntax)
}

func (f *pdfFile) number(v any) float64 {
	v, _ = f.resolve(v)
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

// decodeStream applies a stream's filters, charging the expanded bytes to the budget.
func (f *pdfFile) decodeStream(s pdfStream) ([]byte, error) {
	filters := []any{s.dict["Filter"]}
	if a := f.array(s.dict["Filter"]); a != nil {
		filters = a
	}
	params := []any{s.dict["DecodeParms"]}
	if a := f.array(s.dict["DecodeParms"]); a != nil {
		params = a
	}
	data := s.raw
	if f.crypt != nil && s.dict["Type"] != pdfName("XRef") {
		// Cross-reference streams are never encrypted: they are needed to find the key.
		data = f.crypt.decrypt(f.crypt.stm, s.num, s.gen, data)
	}
	for i, fv := range filters {
		fv, _ = f.resolve(fv)
		if fv == nil {
			continue
		}
		name, _ := fv.(pdfName)
		var parm pdfDict
		if i < len(params) {
			parm = f.dict(params[i])
		}
		var err error
		switch name {
		case "Crypt":
			// Per-stream crypt filters name the document's own handler in practice, applied
			// above.
		case "FlateDecode", "Fl":
			data, err = f.inflate(data)
			if err == nil {
				data, err = f.unpredict(data, parm)
			}
		case "ASCIIHexDecode", "AHx":
			if i := bytes.IndexByte(data, '>'); i >= 0 {
				data = data[:i]
			}
			data = decodeHexDigits(data)
		case "ASCII85Decode", "A85":
			data, err = decodeASCII85(data)
		default:
			// Image codecs carry no text; LZW and run-length are too rare in text streams to
			// be worth the code.
			return nil, fmt.Errorf("unsupported stream filter %s: %w", name, errPDFSyntax)
		}
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

// inflate decompresses zlib data (or raw deflate, which some producers write), stopping with
// ErrTooLarge once the budget is spent. A truncated stream yields what was decoded so far.
func (f *pdfFile) inflate(data []byte) ([]byte, error) {
	var r io.Reader
	if zr, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
		r = zr
	} else {
		r = flate.NewReader(bytes.NewReader(data))
	}
	// Text streams inflate about four to one; sizing the buffer for that saves most of the
	// regrowth that io.ReadAll would do.
	buf := bytes.NewBuffer(make([]byte, 0, min(int64(len(data))*4+512, max(f.b.left, 0)+1)))
	_, err := buf.ReadFrom(io.LimitReader(r, max(f.b.left, 0)+1))
	out := buf.Bytes()
	if err := f.b.take(int64(len(out))); err != nil {
		return nil, err
	}
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("inflate: %v: %w", err, errPDFSyntax)
	}
	return out, nil
}

// unpredict undoes the PNG predictors used by cross-reference streams.
func (f *pdfFile) unpredict(data []byte, parm pdfDict) ([]byte, error) {
	pred, _ := parm["Predictor"].(int)
	if pred < 10 {
		return data, nil
	}
	cols, ok := parm["Columns"].(int)
	if !ok {
		cols = 1
	}
	colors, ok := parm["Colors"].(int)
	if !ok {
		colors = 1
	}
	bpc, ok := parm["BitsPerComponent"].(int)
	if !ok {
		bpc = 8
	}
	if cols <= 0 || cols > 1<<16 || colors <= 0 || colors > 32 || bpc <= 0 || bpc > 16 {
		return nil, fmt.Errorf("bad predictor parameters: %w", errPDFSyntax)
	}
	bpp := max((colors*bpc+7)/8, 1)
	rowLen := (cols*colors*bpc + 7) / 8
	out := make([]byte, 0, len(data))
	prev := make([]byte, rowLen)
	for len(data) >= rowLen+1 {
		kind, row := data[0], append([]byte(nil), data[1:rowLen+1]...)
		data = data[rowLen+1:]
		for i := range row {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = row[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch kind {
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				row[i] += paeth(left, up, upLeft)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// decodeASCII85 decodes up to the "~>" end marker, ignoring whitespace.
func decodeASCII85(data []byte) ([]byte, error) {
	if i := bytes.Index(data, []byte("~>")); i >= 0 {
		data = data[:i]
	}
	data = bytes.TrimPrefix(bytes.TrimSpace(data), []byte("<~"))
	out := make([]byte, len(data)*4/5+4)
	n, _, err := ascii85.Decode(out, data, true)
	if err != nil {
		return nil, fmt.Errorf("ascii85: %v: %w", err, errPDFSyntax)
	}
	return out[:n], nil
}
