package loaders

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzOptions keep each input cheap; the timeout is far above what a correct parser needs.
var fuzzOptions = Options{MaxBytes: 4 << 20, Timeout: 10 * time.Second}

// mainPart names, per container format, the part that the fuzzer also feeds in directly, wrapped
// in a minimal valid container. Mutating a whole zip mostly breaks its checksums, so without this
// the XML readers behind it would see little of the fuzzer's input.
var mainPart = map[string]struct {
	part string
	wrap func(part []byte) []byte
}{
	".docx": {"word/document.xml", func(p []byte) []byte { return zipBytes("word/document.xml", p) }},
	".xlsx": {"xl/worksheets/sheet1.xml", func(p []byte) []byte {
		return zipBytes(
			"xl/workbook.xml", []byte(`<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" r:id="r1"/></sheets></workbook>`),
			"xl/_rels/workbook.xml.rels", []byte(`<Relationships><Relationship Id="r1" Target="worksheets/sheet1.xml"/></Relationships>`),
			"xl/worksheets/sheet1.xml", p)
	}},
	".epub": {"OEBPS/text/ch1.xhtml", func(p []byte) []byte {
		return zipBytes(
			"META-INF/container.xml", []byte(`<container><rootfiles><rootfile full-path="c.opf"/></rootfiles></container>`),
			"c.opf", []byte(`<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>`),
			"a.xhtml", p)
	}},
	".pdf": {"", func(p []byte) []byte {
		// The input serves as a page's content stream and as its font's ToUnicode CMap.
		return pdfOf("/Root 1 0 R", pdfCatalog,
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
			"<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /ToUnicode 5 0 R >>",
			stream("", string(p)))
	}},
}

// zipBytes builds a zip of name/content pairs; it cannot fail on in-memory buffers.
func zipBytes(entries ...any) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := 0; i+1 < len(entries); i += 2 {
		w, _ := zw.Create(entries[i].(string))
		_, _ = w.Write(entries[i+1].([]byte))
	}
	_ = zw.Close()
	return out.Bytes()
}

// fuzzLoad fuzzes the loader of one extension, seeded with that format's fixtures (and, for
// containers, their main parts). Whatever the input, Load must not panic (the recover in Load
// would turn a panic into an error, which is checked for here), must stop by itself, and must
// produce valid UTF-8.
func fuzzLoad(f *testing.F, ext string) {
	mp, wrapped := mainPart[ext]
	for _, tc := range goldenFixtures {
		if !strings.EqualFold(filepath.Ext(tc.file), ext) {
			continue
		}
		data := readFixture(f, tc.file)
		f.Add(data)
		if wrapped && mp.part != "" {
			if part := zipPart(data, mp.part); part != nil {
				f.Add(part)
			}
		}
	}
	if ext == ".pdf" {
		f.Add([]byte("BT /F1 12 Tf 72 700 Td [<0001> -300 <00020003>] TJ ET begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0001> <0003> <6570> endbfrange endcmap"))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		inputs := [][]byte{data}
		if wrapped {
			inputs = append(inputs, mp.wrap(data))
		}
		for _, in := range inputs {
			docs, err := Load("fuzz"+ext, in, fuzzOptions)
			if err != nil && strings.Contains(err.Error(), "parser panic") {
				t.Fatalf("parser panicked: %v", err)
			}
			if errors.Is(err, ErrTimeout) {
				t.Fatalf("parser did not stop by itself: %v", err)
			}
			checkDocs(t, docs)
		}
	})
}

// zipPart returns one entry of a zip fixture, or nil.
func zipPart(data []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return b
		}
	}
	return nil
}

func FuzzText(f *testing.F)     { fuzzLoad(f, ".txt") }
func FuzzMarkdown(f *testing.F) { fuzzLoad(f, ".md") }
func FuzzHTML(f *testing.F)     { fuzzLoad(f, ".html") }
func FuzzJSONL(f *testing.F)    { fuzzLoad(f, ".jsonl") }
func FuzzCSV(f *testing.F)      { fuzzLoad(f, ".csv") }
func FuzzXLSX(f *testing.F)     { fuzzLoad(f, ".xlsx") }
func FuzzDOCX(f *testing.F)     { fuzzLoad(f, ".docx") }
func FuzzEPUB(f *testing.F)     { fuzzLoad(f, ".epub") }
func FuzzPDF(f *testing.F)      { fuzzLoad(f, ".pdf") }
