// Command gen writes the encoded text fixtures of the loaders tests (GBK, UTF-16, BOM, binary)
// from UTF-8 source text, so the bytes on disk are reproducible. Run from ingest/loaders:
//
//	go run ./testdata/gen
package main

import (
	"log"
	"os"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

const sample = "数字化转型的难点\n\n企业推进数字化转型，往往卡在数据孤岛与组织惯性上。\n" +
	"Digital transformation fails more often on organisation than on technology.\n" +
	"美的集团从2012年起投入超过100亿元，GE的Predix平台则在2018年收缩。\n"

func main() {
	write("testdata/gbk.txt", simplifiedchinese.GBK, "")
	write("testdata/gb18030.txt", simplifiedchinese.GB18030, "𠀀 (a GB18030 four-byte character)\n")
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

func write(path string, enc encoding.Encoding, extra string) {
	b, err := enc.NewEncoder().Bytes([]byte(sample + extra))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
}
