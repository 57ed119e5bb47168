package loaders

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"
)

// hostile is the option set for malicious inputs: a small expansion budget, and a timeout far
// above what a correct parser needs, so a test that hits it has found a parser that does not stop
// by itself.
var hostile = Options{MaxBytes: 1 << 20, Timeout: 20 * time.Second}

// zeroBomb writes a zip whose one entry inflates to size bytes of zeros, streaming so the test
// never holds the expanded data. With lie set, the header declares 1 KB instead.
func zeroBomb(t testing.TB, name string, size int64, lie bool) []byte {
	t.Helper()
	var compressed bytes.Buffer
	fw, err := flate.NewWriter(&compressed, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	crc := crc32.NewIEEE()
	chunk := make([]byte, 1<<20)
	for written := int64(0); written < size; written += int64(len(chunk)) {
		if _, err := io.MultiWriter(fw, crc).Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	declared := uint64(size)
	if lie {
		declared = 1 << 10
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(compressed.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(compressed.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// zipOf builds a zip from name/body pairs.
func zipOf(t testing.TB, entries ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := zw.Create(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, entries[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// pdfOf numbers objects from 1 and writes a cross-reference table with correct offsets; trailer
// holds the trailer dictionary's entries.
func pdfOf(trailer string, objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailer, xref)
	return b.Bytes()
}

func stream(dict, content string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(content), content)
}

func zlibStream(t testing.TB, dict string, size int) string {
	t.Helper()
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	chunk := bytes.Repeat([]byte("BT (x) Tj ET\n"), 1<<16)
	for n := 0; n < size; n += len(chunk) {
		if _, err := zw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", dict, b.Len(), b.String())
}

const (
	pdfCatalog  = "<< /Type /Catalog /Pages 2 0 R >>"
	pdfHelvetic = "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
)

func TestHostileInputs(t *testing.T) {
	manyEntries := make([]string, 0, 2*(maxZipEntries+1))
	for i := range maxZipEntries + 1 {
		manyEntries = append(manyEntries, fmt.Sprintf("f%d", i), "")
	}
	tests := []struct {
		name string
		data func(t *testing.T) []byte
		want []error // any of these
	}{
		{"bomb.docx", func(t *testing.T) []byte { return zeroBomb(t, "word/document.xml", 256<<20, false) }, []error{ErrTooLarge}},
		{"bomb-lying.docx", func(t *testing.T) []byte { return zeroBomb(t, "word/document.xml", 256<<20, true) }, []error{ErrTooLarge, ErrCorrupt}},
		{"bomb.xlsx", func(t *testing.T) []byte { return zeroBomb(t, "xl/workbook.xml", 64<<20, true) }, []error{ErrTooLarge, ErrCorrupt}},
		{"bomb.epub", func(t *testing.T) []byte { return zeroBomb(t, "META-INF/container.xml", 64<<20, false) }, []error{ErrTooLarge}},
		{"entries.docx", func(t *testing.T) []byte { return zipOf(t, manyEntries...) }, []error{ErrTooLarge}},
		{"sum.xlsx", func(t *testing.T) []byte {
			// Each sheet is under the limit; together they are over it.
			big := `<worksheet><sheetData><row><c t="inlineStr"><is><t>` + strings.Repeat("x", 300<<10) + `</t></is></c></row></sheetData></worksheet>`
			return zipOf(t,
				"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" r:id="r1"/><sheet name="b" r:id="r2"/><sheet name="c" r:id="r3"/><sheet name="d" r:id="r4"/></sheets></workbook>`,
				"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="r1" Target="s.xml"/><Relationship Id="r2" Target="t.xml"/><Relationship Id="r3" Target="u.xml"/><Relationship Id="r4" Target="v.xml"/></Relationships>`,
				"xl/s.xml", big, "xl/t.xml", big, "xl/u.xml", big, "xl/v.xml", big)
		}, []error{ErrTooLarge}},
		{"encrypted.docx", func(t *testing.T) []byte {
			data := zipOf(t, "word/document.xml", "<w:document/>")
			// Set the "encrypted" flag bit in both the local and the central header.
			data = bytes.Replace(data, []byte("PK\x03\x04\x14\x00\x08\x00"), []byte("PK\x03\x04\x14\x00\x09\x00"), 1)
			return bytes.Replace(data, []byte("PK\x01\x02\x14\x00\x14\x00\x08\x00"), []byte("PK\x01\x02\x14\x00\x14\x00\x09\x00"), 1)
		}, []error{ErrEncrypted}},
		{"not-a-zip.docx", func(t *testing.T) []byte { return []byte("PK\x03\x04 truncated") }, []error{ErrCorrupt}},
		{"cfb.docx", func(t *testing.T) []byte {
			// A password-protected Office file is an OLE compound file, not a zip.
			return append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...)
		}, []error{ErrCorrupt}},
		{"kids-loop.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R", pdfCatalog, "<< /Type /Pages /Kids [2 0 R] /Count 1 >>")
		}, []error{ErrCorrupt}},
		{"kids-fanout.pdf", func(t *testing.T) []byte {
			// Each node lists the next twice: 2^60 paths if nodes were not visited once.
			objs := []string{pdfCatalog}
			for i := 2; i < 62; i++ {
				objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] >>", i+1, i+1))
			}
			return pdfOf("/Root 1 0 R", objs...)
		}, []error{ErrCorrupt}},
		{"length-loop.pdf", func(t *testing.T) []byte {
			// Content stream whose /Length names the stream itself; then an empty page.
			return pdfOf("/Root 1 0 R", pdfCatalog,
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
				"<< /Length 4 0 R >>\nstream\nq Q\nendstream")
		}, []error{ErrNoText}},
		{"ref-chain.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R", pdfCatalog, "3 0 R", "2 0 R")
		}, []error{ErrCorrupt}},
		{"deep-array.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R", pdfCatalog, strings.Repeat("[", 100000))
		}, []error{ErrCorrupt}},
		{"prev-loop.pdf", func(t *testing.T) []byte {
			// /Prev points back at the same section; the reader falls back to scanning, which
			// finds a document without pages.
			data := pdfOf("/Root 1 0 R /Prev 0", pdfCatalog, "<< /Type /Pages /Kids [] /Count 0 >>")
			i := bytes.LastIndex(data, []byte("startxref\n")) + len("startxref\n")
			off := string(bytes.TrimSpace(data[i:bytes.LastIndex(data, []byte("%%EOF"))]))
			return bytes.Replace(data, []byte("/Prev 0"), []byte("/Prev "+off), 1)
		}, []error{ErrCorrupt}},
		{"form-loop.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R", pdfCatalog,
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /Resources 4 0 R /Contents 5 0 R >>",
				"<< /XObject << /X 6 0 R >> >>",
				stream("", "/X Do"),
				stream("/Type /XObject /Subtype /Form /Resources 4 0 R", "/X Do"))
		}, []error{ErrNoText}},
		{"flate-bomb.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R", pdfCatalog,
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /Resources "+pdfHelvetic+" /Contents 4 0 R >>",
				zlibStream(t, "", 64<<20))
		}, []error{ErrTooLarge}},
		{"encrypted.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R /Encrypt 3 0 R", pdfCatalog, "<< /Type /Pages /Kids [] >>",
				"<< /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>")
		}, []error{ErrEncrypted}},
		{"scanned.pdf", func(t *testing.T) []byte {
			return pdfOf("/Root 1 0 R", pdfCatalog,
				"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
				stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\x80"),
				stream("", "q 595 0 0 842 0 0 cm /Im0 Do Q"))
		}, []error{ErrNoText}},
		{"not-a.pdf", func(t *testing.T) []byte { return []byte("hello") }, []error{ErrCorrupt}},
		// goldmark's time grows with the square of these (or worse) unless defuseMarkdown
		// rewrites them first: each would run for minutes to weeks.
		{"deep-quote.md", func(t *testing.T) []byte { return []byte(strings.Repeat("> ", 50000) + "引用") }, []error{nil}},
		{"deep-list.md", func(t *testing.T) []byte {
			var b strings.Builder
			for i := range 700 {
				b.WriteString(strings.Repeat("  ", i) + "- 项\n")
			}
			return []byte(b.String())
		}, []error{nil}},
		{"links.md", func(t *testing.T) []byte { return []byte(strings.Repeat("[a](", 250000)) }, []error{nil}},
		{"brackets.md", func(t *testing.T) []byte { return []byte(strings.Repeat("[", 500000) + strings.Repeat("]", 500000)) }, []error{nil}},
		{"images.md", func(t *testing.T) []byte { return []byte(strings.Repeat("![", 500000)) }, []error{nil}},
		{"emphasis.md", func(t *testing.T) []byte { return []byte(strings.Repeat("*a **b ", 140000)) }, []error{nil}},
		{"deep.html", func(t *testing.T) []byte {
			return []byte(strings.Repeat("<div>", 100000) + "deep text")
		}, []error{ErrCorrupt, ErrNoText, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			docs, err := Load(tc.name, data, hostile)
			if errors.Is(err, ErrTimeout) {
				t.Fatalf("parser ran into the %v timeout instead of stopping by itself", hostile.Timeout)
			}
			ok := false
			for _, want := range tc.want {
				ok = ok || errors.Is(err, want) || (want == nil && err == nil)
			}
			if !ok {
				t.Fatalf("Load(%s) = %d docs, error %v; want one of %v", tc.name, len(docs), err, tc.want)
			}
			checkDocs(t, docs)
		})
	}
}

func TestScannedPDFMessage(t *testing.T) {
	data := pdfOf("/Root 1 0 R", pdfCatalog,
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
		stream("", "q Q"))
	_, err := Load("scan.pdf", data, Options{})
	if !errors.Is(err, ErrNoText) || !strings.Contains(err.Error(), "scanned") || !strings.Contains(err.Error(), "OCR") {
		t.Fatalf("error = %v, want ErrNoText saying the file looks scanned and OCR is unsupported", err)
	}
}

// TestTruncated cuts every fixture short: the result may be an error or partial text, but never a
// panic, a timeout or invalid UTF-8; zip containers, whose directory is at the end, must fail.
func TestTruncated(t *testing.T) {
	for _, tc := range goldenFixtures {
		data := readFixture(t, tc.file)
		for _, frac := range []int{2, 3, 10} {
			name := fmt.Sprintf("%s/%d", tc.file, frac)
			t.Run(name, func(t *testing.T) {
				docs, err := Load(tc.file, data[:len(data)*(frac-1)/frac], hostile)
				if errors.Is(err, ErrTimeout) {
					t.Fatalf("timeout on truncated %s", tc.file)
				}
				if isZipFormat(tc.file) && err == nil {
					t.Fatalf("truncated %s loaded without error", tc.file)
				}
				checkDocs(t, docs)
			})
		}
	}
}

func isZipFormat(name string) bool {
	for _, ext := range []string{".docx", ".xlsx", ".epub"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// TestParserTimeout checks that a real parser, not only the Load wrapper, stops on its deadline.
func TestParserTimeout(t *testing.T) {
	page := []byte("<html><body>" + strings.Repeat("<p>数字化转型 text</p>", 200000) + "</body></html>")
	_, err := Load("big.html", page, Options{Timeout: time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error = %v, want ErrTimeout", err)
	}
	b := newBudget(Options{MaxBytes: 1 << 30, Timeout: time.Nanosecond})
	time.Sleep(time.Millisecond)
	if _, err := loadHTML("big.html", page, b); !errors.Is(err, ErrTimeout) {
		t.Fatalf("loadHTML past its deadline: error = %v, want ErrTimeout", err)
	}
}
