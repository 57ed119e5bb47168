// Command gen rebuilds the data files of package zh from their upstream sources:
//
//	go run ./rag/zh/gen -opencc "$(go mod download -json github.com/longbridgeapp/opencc@v0.3.13 | jq -r .Dir)" \
//	    -gse "$(go list -m -f '{{.Dir}}' github.com/go-ego/gse)" -out rag/zh
//
// tschars.txt takes the first Simplified form of every single Traditional character in OpenCC's
// TSCharacters table; twphrases.txt the mainland wording of Taiwan's phrases (TWPhrasesRev); dict.txt keeps the words of gse's Simplified Chinese dictionary (from
// jieba) that occur at least -minfreq times, which is what segmenting questions needs at a
// seventh of the load time and memory of the whole dictionary (docs/answering.md).
//
// That dictionary gives some five hundred common words a frequency of a few and the tag zg
// (出 8, 为 100, 会 9, 过 6, 糖尿病 3; 国 it lacks) where gse's Traditional dictionary, from the
// same source, gives them tens of thousands (出 85847 v, 過 97817 ug): 发展出 was cut 发/展出,
// and 出 was dropped. A word rarer than -minfreq or tagged zg takes the entry of its Traditional
// form (by tschars.txt) when that says it is more than ten times as frequent. Other words are
// left alone: that dictionary counts some ten times over (的 3188252 against 318825).
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
	simplify, err := simplifier(filepath.Join(*out, "tschars.txt"))
	if err != nil {
		log.Fatal(err)
	}
	zhDir := filepath.Join(*gseDir, "data", "dict", "zh")
	traditional, err := entries(filepath.Join(zhDir, "t_1.txt"), simplify)
	if err != nil {
		log.Fatal(err)
	}
	if err := dict(filepath.Join(zhDir, "s_1.txt"), filepath.Join(*out, "dict.txt"), *minFreq, traditional); err != nil {
		log.Fatal(err)
	}
	if err := phrases(filepath.Join(*openccDir, "dictionary", "TWPhrasesRev.txt"), filepath.Join(*out, "twphrases.txt"), simplify); err != nil {
		log.Fatal(err)
	}
}

// phrases writes "taiwan mainland" lines, both in Simplified characters, for every phrase of
// OpenCC's TWPhrasesRev table (Taiwan's 軟體, 數位, 資訊 for the mainland's 软件, 数字, 信息)
// whose two forms still differ once simplified, with its first mainland form.
func phrases(in, out string, simplify func(string) string) error {
	return rewrite(in, out, func(line string) (string, bool) {
		from, to, ok := strings.Cut(line, "\t")
		if !ok {
			return "", false
		}
		to, _, _ = strings.Cut(to, " ")
		from, to = simplify(from), simplify(to)
		if from == to || strings.ContainsAny(from+to, " \t") {
			return "", false
		}
		return from + " " + to, true
	})
}

type entry struct {
	freq int
	tag  string
}

// simplifier returns a function writing a word in Simplified characters, by tschars.txt as
// just written: package zh folds the same way, but with the tschars.txt it was built with.
func simplifier(tschars string) (func(string) string, error) {
	b, err := os.ReadFile(tschars)
	if err != nil {
		return nil, err
	}
	to := map[rune]rune{}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) == 2 {
			from, _ := utf8.DecodeRuneInString(f[0])
			s, _ := utf8.DecodeRuneInString(f[1])
			to[from] = s
		}
	}
	return func(w string) string {
		return strings.Map(func(r rune) rune {
			if s, ok := to[r]; ok {
				return s
			}
			return r
		}, w)
	}, nil
}

// entries reads a dictionary's "word freq tag" lines, keyed by the word as simplify writes it,
// keeping the most frequent entry of each.
func entries(path string, simplify func(string) string) (map[string]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]entry{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 3 {
			continue
		}
		if n, err := strconv.Atoi(fs[1]); err == nil {
			if w := simplify(fs[0]); n > out[w].freq {
				out[w] = entry{n, fs[2]}
			}
		}
	}
	return out, sc.Err()
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

// dict keeps "word freq tag" lines with freq ≥ minFreq, a word's entry in the Traditional
// dictionary standing for a broken one (see the package comment).
func dict(in, out string, minFreq int, traditional map[string]entry) error {
	repaired := 0
	err := rewrite(in, out, func(line string) (string, bool) {
		f := strings.Fields(line)
		if len(f) < 3 {
			return "", false
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			return "", false
		}
		if t, ok := traditional[f[0]]; ok && t.freq > 10*n && (n < minFreq || f[2] == "zg") {
			n, f[2] = t.freq, t.tag
			repaired++
		}
		if n < minFreq {
			return "", false
		}
		return f[0] + " " + strconv.Itoa(n) + " " + f[2], true
	})
	log.Printf("%s: %d entries from the Traditional dictionary", out, repaired)
	return err
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
