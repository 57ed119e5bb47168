package loaders

import (
	"bytes"
	"compress/zlib"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// benchLoad measures Load on one input; b.SetBytes makes the figure MB/s of input.
func benchLoad(b *testing.B, name string, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(name, data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPDF is a text PDF as office suites write them: 40 pages of 45 lines, each line about 40
// glyphs of mixed Chinese and ASCII drawn through an Identity-H font with a ToUnicode CMap (the
// costly path), positioned with TJ kerning, in Flate-compressed content streams. Codes are drawn
// from a seeded generator so that the streams compress like real text, not like repetition.
func benchPDF(b *testing.B) []byte { return densePDF(b, 40) }

// densePDF builds a PDF of dense mixed Chinese/ASCII text pages (45 lines of 40 glyphs).
func densePDF(b testing.TB, pages int) []byte {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var cmap strings.Builder
	cmap.WriteString("begincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	cmap.WriteString("2 beginbfrange\n<0100> <0FFF> <4E00>\n<0020> <007E> <0020>\nendbfrange\nendcmap\n")
	objs := []string{pdfCatalog, "", "<< /Font << /F1 4 0 R >> >>",
		"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /DW 1000 /W [32 126 500] >>] /ToUnicode 5 0 R >>",
		stream("", cmap.String())}
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objs)+1+2*i))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	for range pages {
		var page strings.Builder
		for line := range 45 {
			fmt.Fprintf(&page, "BT /F1 10.5 Tf 56.7 %.3f Td [<", 780-float64(line)*16.2)
			for g := range 40 {
				code := 0x100 + rng.IntN(3500)
				if rng.IntN(4) == 0 {
					code = 0x20 + rng.IntN(95)
				}
				if g > 0 && rng.IntN(8) == 0 {
					fmt.Fprintf(&page, "> %d <", -rng.IntN(30))
				}
				fmt.Fprintf(&page, "%04X", code)
			}
			page.WriteString(">] TJ ET\n")
		}
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources 3 0 R /Contents %d 0 R >>", len(objs)+2))
		objs = append(objs, flateStream(b, page.String()))
	}
	return pdfOf("/Root 1 0 R", objs...)
}

func flateStream(b testing.TB, content string) string {
	b.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write([]byte(content)); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", buf.Len(), buf.String())
}

func BenchmarkLoadPDF(b *testing.B)         { benchLoad(b, "a.pdf", benchPDF(b)) }
func BenchmarkLoadPDF200Pages(b *testing.B) { benchLoad(b, "a.pdf", densePDF(b, 200)) }
func BenchmarkLoadPDFFixture(b *testing.B) {
	benchLoad(b, "report.pdf", readFixture(b, "report.pdf"))
}
func BenchmarkLoadText(b *testing.B) {
	benchLoad(b, "a.txt", bytes.Repeat(readFixture(b, "gbk.txt"), 5000))
}
func BenchmarkLoadMarkdown(b *testing.B) {
	benchLoad(b, "a.md", bytes.Repeat(readFixture(b, "guide.md"), 1000))
}
func BenchmarkLoadHTML(b *testing.B) {
	benchLoad(b, "a.html", bytes.Repeat(readFixture(b, "article.html"), 1000))
}
func BenchmarkLoadJSONL(b *testing.B) {
	benchLoad(b, "a.jsonl", bytes.Repeat([]byte(`{"id":"x","title":"标题","text":"数字化转型的难点在于组织。"}`+"\n"), 10000))
}
func BenchmarkLoadCSV(b *testing.B) {
	benchLoad(b, "a.csv", append(readFixture(b, "people.csv"), bytes.Repeat([]byte("浙江,数字化改革方案,城市大脑,120.5\n"), 20000)...))
}
func BenchmarkLoadXLSX(b *testing.B) { benchLoad(b, "a.xlsx", readFixture(b, "people.xlsx")) }
func BenchmarkLoadDOCX(b *testing.B) { benchLoad(b, "a.docx", readFixture(b, "report.docx")) }
func BenchmarkLoadEPUB(b *testing.B) { benchLoad(b, "a.epub", readFixture(b, "book.epub")) }

var densePDFOut = flag.String("dense-pdf", "", "also write the 200-page benchmark PDF to this path (to time `wenda ingest` on it)")

// TestDensePDF200Pages checks that the 200-page benchmark PDF extracts one section per page,
// and with -dense-pdf PATH writes it out for timing a whole ingest.
func TestDensePDF200Pages(t *testing.T) {
	data := densePDF(t, 200)
	docs, err := Load("dense.pdf", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || len(docs[0].Sections) != 200 || docs[0].Sections[199].Page != 200 {
		t.Fatalf("got %d documents, want 1 with 200 pages", len(docs))
	}
	if *densePDFOut != "" {
		if err := os.WriteFile(*densePDFOut, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
