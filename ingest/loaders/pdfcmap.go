package loaders

import (
	"errors"
	"io"
	"sort"
	"unicode/utf16"
)

// maxCMapRange bounds one bfrange; real ones span at most a byte's worth of codes per range
// line, and a crafted 0-FFFFFFFF range must not allocate.
const maxCMapRange = 1 << 16

// pdfCMap is a parsed ToUnicode CMap: the code space (how many bytes each code takes) and the
// code → text mappings.
type pdfCMap struct {
	spaces []codeSpace
	single map[int]string
	ranges []cmapRange // sorted by lo
}

// codeSpace is a codespacerange line: codes of n bytes between lo and hi.
type codeSpace struct {
	n      int
	lo, hi int
}

// cmapRange maps lo..hi to consecutive text starting at base, or to one entry of list each.
type cmapRange struct {
	lo, hi int
	base   []uint16 // UTF-16 of lo's text; the last unit counts up
	list   []string
}

// parseCMap reads the mappings of a ToUnicode CMap, ignoring everything else in the PostScript
// around them. It never fails: whatever parsed is kept.
func parseCMap(data []byte, b *budget) *pdfCMap {
	m := &pdfCMap{single: map[int]string{}}
	l := &pdfLexer{data: data, b: b}
	var operands []any
	for {
		tok, err := l.token()
		if errors.Is(err, io.EOF) || (err != nil && !errors.Is(err, errPDFSyntax)) {
			break
		}
		if err != nil {
			continue
		}
		kw, ok := tok.(pdfKeyword)
		if !ok || kw == "[" {
			v, err := l.objectFrom(tok, 0)
			if err != nil && !errors.Is(err, errPDFSyntax) {
				break
			}
			if len(operands) < 3*100+3 { // a block holds at most 100 entries
				operands = append(operands, v)
			}
			continue
		}
		switch kw {
		case "endcodespacerange":
			for i := 0; i+1 < len(operands); i += 2 {
				lo, ok1 := operands[i].(string)
				hi, ok2 := operands[i+1].(string)
				if ok1 && ok2 && len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
					m.spaces = append(m.spaces, codeSpace{len(lo), bytesInt(lo), bytesInt(hi)})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(operands); i += 2 {
				src, ok1 := operands[i].(string)
				if !ok1 || len(src) > 4 {
					continue
				}
				switch dst := operands[i+1].(type) {
				case string:
					m.single[bytesInt(src)] = utf16BE(dst)
				case pdfName:
					if r := glyphRune(string(dst)); r != 0 {
						m.single[bytesInt(src)] = string(r)
					}
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(operands); i += 3 {
				lo, ok1 := operands[i].(string)
				hi, ok2 := operands[i+1].(string)
				if !ok1 || !ok2 || len(lo) > 4 || len(hi) > 4 {
					continue
				}
				r := cmapRange{lo: bytesInt(lo), hi: bytesInt(hi)}
				if r.hi < r.lo || r.hi-r.lo >= maxCMapRange {
					continue
				}
				switch dst := operands[i+2].(type) {
				case string:
					r.base = utf16Units(dst)
					if len(r.base) == 0 {
						continue
					}
				case pdfArray:
					for _, e := range dst {
						s, _ := e.(string)
						r.list = append(r.list, utf16BE(s))
					}
				default:
					continue
				}
				m.ranges = append(m.ranges, r)
			}
		}
		operands = operands[:0]
	}
	sort.Slice(m.ranges, func(i, j int) bool { return m.ranges[i].lo < m.ranges[j].lo })
	return m
}

// codeLen returns how many bytes the code at the start of s takes, by the code space ranges.
func (m *pdfCMap) codeLen(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		code := bytesInt(s[:n])
		for _, sp := range m.spaces {
			if sp.n == n && code >= sp.lo && code <= sp.hi {
				return n
			}
		}
	}
	// No range matches: take the shortest code length the CMap uses, as viewers do.
	shortest := 4
	for _, sp := range m.spaces {
		shortest = min(shortest, sp.n)
	}
	return shortest
}

// lookup returns the text of a code.
func (m *pdfCMap) lookup(code int) (string, bool) {
	if s, ok := m.single[code]; ok {
		return s, true
	}
	// The ranges starting at or before code, nearest first; ranges do not overlap in practice,
	// so a few steps back suffice for the odd CMap that nests them.
	i := sort.Search(len(m.ranges), func(i int) bool { return m.ranges[i].lo > code }) - 1
	for stop := i - 8; i >= 0 && i > stop; i-- {
		r := m.ranges[i]
		if code > r.hi {
			continue
		}
		off := code - r.lo
		if r.list != nil {
			if off < len(r.list) {
				return r.list[off], true
			}
			return "", false
		}
		units := append([]uint16(nil), r.base...)
		units[len(units)-1] += uint16(off)
		return string(utf16.Decode(units)), true
	}
	return "", false
}

func bytesInt(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n<<8 | int(s[i])
	}
	return n
}

func utf16Units(s string) []uint16 {
	units := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		units = append(units, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return units
}
