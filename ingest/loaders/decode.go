package loaders

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// sniffLen is how much of a file the binary check looks at; binary formats show themselves early.
const sniffLen = 8 << 10

// Byte-order marks, checked longest first where they share a prefix.
var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
)

// bomEncoding returns the encoding a byte-order mark at the start of data names, and the data
// without the mark; nil when there is none.
func bomEncoding(data []byte) (encoding.Encoding, []byte) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return xunicode.UTF8, data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), data[2:]
	case bytes.HasPrefix(data, bomUTF16BE):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), data[2:]
	}
	return nil, data
}

// decodeByBOM decodes data by its byte-order mark; ok is false when it has none.
func decodeByBOM(data []byte) (s string, ok bool, err error) {
	enc, rest := bomEncoding(data)
	if enc == nil {
		return "", false, nil
	}
	b, err := enc.NewDecoder().Bytes(rest)
	if err != nil {
		return "", true, fmt.Errorf("decode after byte-order mark: %w", ErrEncoding)
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), true, nil
}

// decodeText turns the bytes of a text file into UTF-8: a byte-order mark decides first, then valid
// UTF-8, then GB18030 (a superset of GBK and GB2312) when the result reads like Chinese or ASCII
// text. Binary content fails with ErrBinary, anything else with ErrEncoding.
func decodeText(data []byte) (string, error) {
	if s, ok, err := decodeByBOM(data); ok {
		return s, err
	}
	if looksBinary(data) {
		return "", ErrBinary
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	if s, ok := decodeGB18030(data); ok {
		return s, nil
	}
	return "", fmt.Errorf("neither UTF-8 nor GB18030: %w", ErrEncoding)
}

// looksBinary reports NUL bytes or many control bytes near the start. UTF-16 without a BOM also
// lands here; such files are rare and cannot be told from binary reliably.
func looksBinary(data []byte) bool {
	head := data[:min(len(data), sniffLen)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	control := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b {
			control++
		}
	}
	// Text files carry almost no control bytes; 5% leaves room for stray form feeds and the like.
	return control*20 > len(head)
}

// decodeGB18030 decodes data as GB18030 and accepts the result only if it is plausible: GB18030
// maps nearly every byte sequence to something, so a wrong guess shows as replacement characters,
// control characters or runes from scripts Chinese text does not use.
func decodeGB18030(data []byte) (string, bool) {
	b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", false
	}
	s := string(b)
	total, bad := 0, 0
	for _, r := range s {
		total++
		switch {
		case r < utf8.RuneSelf:
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
				bad++
			}
		case r == utf8.RuneError:
			bad++
		case unicode.Is(unicode.Han, r), isCJKSymbol(r):
		default:
			// Latin-1 letters, Greek, Cyrillic and box drawing exist in GBK, but a file full of
			// them is far more likely another encoding misread as GB18030.
			bad++
		}
	}
	// Accept when at most 2% of runes are implausible.
	return s, total > 0 && bad*50 <= total
}

// isCJKSymbol reports CJK punctuation, kana, full-width forms and the like that appear in Chinese
// text beside Han characters.
func isCJKSymbol(r rune) bool {
	switch {
	case r >= 0x3000 && r <= 0x30ff, // CJK symbols and punctuation, kana
		r >= 0xff00 && r <= 0xffef, // full-width and half-width forms
		r >= 0x2010 && r <= 0x206f, // general punctuation: dashes, quotes, ellipsis
		r >= 0x2460 && r <= 0x24ff, // enclosed numerals ①
		r >= 0x2160 && r <= 0x217f, // Roman numerals Ⅱ
		r >= 0x3200 && r <= 0x33ff, // enclosed CJK and compatibility
		r >= 0xfe30 && r <= 0xfe4f, // CJK compatibility forms
		r == 0x00b7, r == 0x00d7, r == 0x00f7, r == 0x2103, r == 0x2116, r == 0x00a7, r == 0x00b0:
		return true
	}
	return false
}
