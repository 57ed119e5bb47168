// Command gen writes the encoded text fixtures of the loaders tests (GBK, UTF-16, BOM, binary)
// from UTF-8 source text, so the bytes on disk are reproducible. Run from ingest/loaders:
//
//	go run ./testdata/gen
package main

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"log"
	"os"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

const sample = "数字化转型的难点\n\n企业推进数字化转型，往往卡在数据孤岛与组织惯性上。\n" +
	"Digital transformation fails more often on organisation than on technology.\n" +
	"美的集团从2012年起投入超过100亿元，GE的Predix平台则在2018年收缩。\n"

// page is a Chinese web page that declares GB2312 in an http-equiv meta, as many older Chinese
// sites do; it is written GBK-encoded.
const page = `<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>“十四五”数字经济发展规划解读</title>
</head><body>
<div id="nav"><nav>首页 &gt; 政策解读</nav></div>
<main>
<h1>“十四五”数字经济发展规划</h1>
<p>规划提出，到2025年，数字经济核心产业增加值占GDP比重达到10%。
各省份纷纷出台数字化转型方案。</p>
<h2>智慧城市</h2>
<ul><li>城市大脑</li><li>数字孪生城市</li><li>大数据平台</li></ul>
<h2>保障措施</h2>
<p>加强统筹协调，完善<a href="/policy">政策体系</a>。</p>
</main>
<aside>随机推荐：其他文章</aside>
<footer>我要回帖</footer>
</body></html>
`

func main() {
	write("testdata/page-gbk.html", simplifiedchinese.GBK, page)
	writeZip("testdata/budget.xlsx", budgetXLSX)
	writeZip("testdata/styles-zh.docx", stylesDOCX)
	writeZip("testdata/book.epub", bookEPUB)
	writePDF("testdata/cid.pdf", cidPDF())
	write("testdata/gbk.txt", simplifiedchinese.GBK, "")
	write("testdata/gb18030.txt", simplifiedchinese.GB18030, sample+"𠀀 (a GB18030 four-byte character)\n")
	write("testdata/utf16le-bom.txt", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "")
	write("testdata/utf16be-bom.txt", unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "")
	if err := os.WriteFile("testdata/utf8-bom.txt", append([]byte{0xef, 0xbb, 0xbf}, sample...), 0o644); err != nil {
		log.Fatal(err)
	}
	// A small ELF-like header followed by NULs and bytes: what a stray binary looks like.
	bin := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	for i := range 512 {
		bin = append(bin, byte(i*7))
	}
	if err := os.WriteFile("testdata/binary.txt", bin, 0o644); err != nil {
		log.Fatal(err)
	}
}

// write encodes text (the shared sample when text is empty) and saves it at path.
func write(path string, enc encoding.Encoding, text string) {
	if text == "" {
		text = sample
	}
	b, err := enc.NewEncoder().Bytes([]byte(text))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// budgetXLSX is a two-sheet workbook written by hand, as some export tools do: inline strings,
// a boolean, a gap in a row, a cell reference with no header, and a second sheet without shared
// strings. LibreOffice's output (people.xlsx) covers the shared-string table.
var budgetXLSX = []zipEntry{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
	{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="预算 2024" sheetId="1" r:id="rId1"/><sheet name="Notes" sheetId="2" r:id="rId2"/></sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/notes.xml"/>
</Relationships>`},
	{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>项目</t></is></c><c r="B1" t="inlineStr"><is><t>金额</t></is></c><c r="C1" t="inlineStr"><is><t>已批准</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>城市大脑</t></is></c><c r="B2"><v>1200000</v></c><c r="C2" t="b"><v>1</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><r><t>数字</t></r><r><t>孪生</t></r></is></c><c r="C3" t="b"><v>0</v></c><c r="E3" t="str"><v>待定 pending</v></c></row>
</sheetData></worksheet>`},
	{"xl/worksheets/notes.xml", `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row><x:c t="inlineStr"><x:is><x:t>Note</x:t></x:is></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:t>Figures are in yuan.</x:t></x:is></x:c></x:row>
</x:sheetData></x:worksheet>`},
}

// stylesDOCX is a Word document as Chinese Word and WPS write it: styles named "标题 1" with
// numeric ids, a Title paragraph, a style that inherits its level, a direct outline level, tabs and
// breaks, tracked deletions and field codes (both invisible), a nested table, and a text box
// whose fallback copy must not be read twice.
var stylesDOCX = []zipEntry{
	{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
	{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="标题 1"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="custom"><w:name w:val="我的小标题"/><w:basedOn w:val="2"/></w:style>
<w:style w:type="paragraph" w:styleId="loopA"><w:name w:val="loop a"/><w:basedOn w:val="loopB"/></w:style>
<w:style w:type="paragraph" w:styleId="loopB"><w:name w:val="loop b"/><w:basedOn w:val="loopA"/></w:style>
</w:styles>`},
	{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title></dc:title></cp:coreProperties>`},
	{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:body>
<w:p><w:pPr><w:pStyle w:val="a3"/></w:pPr><w:r><w:t>数字疗法白皮书</w:t></w:r></w:p>
<w:p><w:r><w:t>引言：数字疗法（DTx）是</w:t></w:r><w:r><w:delText>已删除的文字</w:delText></w:r><w:r><w:t>软件驱动的治疗。</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="1"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>第一章 概念</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="loopA"/></w:pPr><w:r><w:t>名称</w:t></w:r><w:r><w:tab/><w:t>定义</w:t></w:r><w:r><w:br/><w:t>第二行 second line</w:t></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "https://example.com"</w:instrText></w:r><w:r><w:t>链接文字</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="custom"/></w:pPr><w:r><w:t>1.1 监管</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>国家</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>机构</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>美国</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>FDA</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>table</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>
<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Chapter 2 Evidence</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent></wps:txbx></mc:Choice><mc:Fallback><w:pict><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>Randomised trials are required.</w:t></w:r></w:p>
</w:body></w:document>`},
}

// bookEPUB is a small EPUB 3 book with an NCX as well: a cover page without text, a chapter
// with its own heading, a chapter whose title only the table of contents knows, and a file name
// that needs URL unescaping.
var bookEPUB = []zipEntry{
	{"mimetype", "application/epub+zip"},
	{"META-INF/container.xml", `<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`},
	{"OEBPS/content.opf", `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:1</dc:identifier>
<dc:title>数字中国：城市的未来</dc:title><dc:language>zh</dc:language></metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>
<item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="c2" href="text/ch%202.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="style.css" media-type="text/css"/>
</manifest>
<spine toc="ncx"><itemref idref="cover"/><itemref idref="c1"/><itemref idref="c2"/><itemref idref="missing"/></spine>
</package>`},
	{"OEBPS/nav.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>目录</title></head><body>
<nav epub:type="toc"><ol><li><a href="text/ch1.xhtml">第一章 城市大脑</a></li><li><a href="text/ch%202.xhtml#start">第二章 数字孪生</a></li></ol></nav>
</body></html>`},
	{"OEBPS/toc.ncx", `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="p1"><navLabel><text>Chapter One (NCX)</text></navLabel><content src="text/ch1.xhtml"/></navPoint>
<navPoint id="p2"><navLabel><text>Chapter Two (NCX)</text></navLabel><content src="text/ch%202.xhtml"/></navPoint>
</navMap></ncx>`},
	{"OEBPS/cover.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Cover</title></head><body><img src="cover.jpg" alt="cover"/></body></html>`},
	{"OEBPS/text/ch1.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>ch1</title></head><body>
<h1>第一章 城市大脑</h1><p>杭州在2016年率先建设城市大脑，用数据治理交通。</p>
<h2>1.1 交通</h2><p>Signal timing is tuned from live traffic data.</p></body></html>`},
	{"OEBPS/text/ch 2.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>ch2</title></head><body>
<p>数字孪生城市把物理城市映射到虚拟空间。</p><p>It supports planning decisions.</p></body></html>`},
}

type zipEntry struct{ name, body string }

// writeZip writes entries, deflated, in order.
func writeZip(path string, entries []zipEntry) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.name == "mimetype" {
			h.Method = zip.Store // EPUB readers expect it stored, first
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			log.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// cidPDF builds a two-page PDF the way CJK producers write one, without embedding glyphs (text
// extraction never reads them): a Type0 font with Identity-H codes and a ToUnicode CMap using
// bfchar, bfrange with a base and bfrange with an array; a second Type0 font with the predefined
// GBK-EUC-H CMap and no ToUnicode, whose codes are GBK bytes; TJ kerning that stands for word
// spaces; a compressed content stream; a form XObject; and a UTF-16 /Title.
func cidPDF() []string {
	cmap := `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0001> <6570>
<0002> <5B57>
<0003> <0020>
endbfchar
2 beginbfrange
<0010> <0012> <7597>
<0020> <0022> [<6CD5> <8BCA> <D83DDE00>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`
	// Page 1 shows 数字, a kerned space, 疗 (from the bfrange base), then 法 诊 😀 (from the
	// bfrange array, the last one a surrogate pair), then 数字化转型 in GBK bytes.
	page1 := "BT /F1 14 Tf 72 720 Td <00010002> Tj [<0003> -250 <0010>] TJ 0 -20 Td <002000210022> Tj ET\n" +
		"BT /F2 12 Tf 72 680 Td <CAFDD7D6BBAFD7AAD0CD> Tj ET\n" +
		"BT /F3 12 Tf 72 650 Td (Digital )Tj [(thera)20(peutics)-600(work.)] TJ ET\n/Fm1 Do\n"
	page2 := "BT /F3 12 Tf 72 720 Td (Page two: ) Tj ET BT /F2 12 Tf 150 720 Td <B5DAB6FED2B3> Tj ET\n"
	return []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 5 0 R /Contents 6 0 R >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 5 0 R /Contents 7 0 R >>",
		"<< /Font << /F1 8 0 R /F2 10 0 R /F3 12 0 R >> /XObject << /Fm1 13 0 R >> >>",
		deflated(page1),
		plain(page2),
		"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKsc-Regular /Encoding /Identity-H /DescendantFonts [9 0 R] /ToUnicode 11 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKsc-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [3 [250]] >>",
		"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [14 0 R] >>",
		plain(cmap),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		plain2("<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources 5 0 R", "BT /F3 10 Tf 72 600 Td (Text inside a form XObject.) Tj ET"),
		"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>",
		"<< /Title <FEFF65705B5775976CD5> /Producer (wenda gen) >>",
	}
}

func plain(content string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content)
}

func plain2(dict, content string) string {
	return fmt.Sprintf("%s /Length %d >>\nstream\n%s\nendstream", dict, len(content)+1, content)
}

func deflated(content string) string {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	if _, err := zw.Write([]byte(content)); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", b.Len(), b.String())
}

// writePDF numbers objects from 1, writes a classic cross-reference table with real offsets and
// a trailer naming the catalog (object 1) and the info dictionary (the last object).
func writePDF(path string, objects []string) {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
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
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
