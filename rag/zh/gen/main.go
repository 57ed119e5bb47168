// Command gen rebuilds the data files of package zh from their upstream sources:
//
//	go run ./rag/zh/gen -opencc "$(go mod download -json github.com/longbridgeapp/opencc@v0.3.13 | jq -r .Dir)" \
//	    -gse "$(go list -m -f '{{.Dir}}' github.com/go-ego/gse)" -out rag/zh
//
// tschars.txt takes the first Simplified form of every single Traditional character in OpenCC's
// TSCharacters table; dict.txt keeps the words of gse's Simplified Chinese dictionary (from
// jieba) that occur at least -minfreq times, which is what segmenting questions needs at a
// seventh of the load time and memory of the whole dictionary (docs/answering.md).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

func main() {
	openccDir := flag.String("opencc", "", "OpenCC (longbridgeapp/opencc) module directory")
	gseDir := flag.String("gse", "", "go-ego/gse module directory")
	out := flag.String("out", "rag/zh", "output directory")
	minFreq := flag.Int("minfreq", 20, "least dictionary frequency kept")
	flag.Parse()
	if *openccDir == "" || *gseDir == "" {
		log.Fatal("both -opencc and -gse are needed")
	}
	if err := chars(filepath.Join(*openccDir, "dictionary", "TSCharacters.txt"), filepath.Join(*out, "tschars.txt")); err != nil {
		log.Fatal(err)
	}
	if err := dict(filepath.Join(*gseDir, "data", "dict", "zh", "s_1.txt"), filepath.Join(*out, "dict.txt"), *minFreq); err != nil {
		log.Fatal(err)
	}
}

// chars writes "T S" lines for every one-rune Traditional form that simplifies to another rune.
func chars(in, out string) error {
	return rewrite(in, out, func(line string) (string, bool) {
		from, to, ok := strings.Cut(line, "\t")
		if !ok {
			return "", false
		}
		to, _, _ = strings.Cut(to, " ")
		if utf8.RuneCountInString(from) != 1 || utf8.RuneCountInString(to) != 1 || from == to {
			return "", false
		}
		return from + " " + to, true
	})
}

// dict keeps "word freq tag" lines with freq ≥ minFreq.
func dict(in, out string, minFreq int) error {
	return rewrite(in, out, func(line string) (string, bool) {
		f := strings.Fields(line)
		if len(f) < 3 {
			return "", false
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n < minFreq {
			return "", false
		}
		return strings.Join(f[:3], " "), true
	})
}

func rewrite(in, out string, keep func(string) (string, bool)) error {
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(dst)
	sc := bufio.NewScanner(src)
	n := 0
	for sc.Scan() {
		if line, ok := keep(sc.Text()); ok {
			fmt.Fprintln(w, line)
			n++
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	log.Printf("%s: %d lines", out, n)
	return dst.Close()
}
