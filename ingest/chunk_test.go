package ingest

import (
	"fmt"
	"github.com/wenda-dev/wenda/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag"
)

// renderChunks prints chunks for golden comparison: offsets, rune length and text.
func renderChunks(chunks []rag.Chunk) string {
	var b strings.Builder
	for _, c := range chunks {
		fmt.Fprintf(&b, "--- chunk %d [%d,%d) %d runes", c.Index, c.Start, c.End, utf8.RuneCountInString(c.Text))
		if len(c.Section) > 0 {
			fmt.Fprintf(&b, " section=%q", c.Section)
		}
		if c.Page > 0 {
			fmt.Fprintf(&b, " page=%d", c.Page)
		}
		b.WriteString("\n" + c.Text + "\n")
	}
	return b.String()
}

// checkGolden compares got with testdata/golden/name.golden (see internal/golden).
func checkGolden(t *testing.T, name, got string) {
	golden.Check(t, filepath.Join("testdata", "golden", name+".golden"), got)
}

func TestChunkGolden(t *testing.T) {
	longLine := strings.Repeat("数字化转型需要长期主义,也需要试错容错的组织能力,", 40) // one line, no sentence end
	tests := []struct {
		name string // golden file name
		file string // file to load, or "" to use text
		text string
	}{
		{name: "sample-corpus", file: "../sample-knowledge/数字化转型与数字疗法.txt"},
		{name: "gbk", file: "loaders/testdata/gbk.txt"},
		{name: "long-line", file: "long.txt", text: longLine},
		{name: "mixed", file: "mixed.txt", text: "GDP增长7.88%;随后放缓到6.57%。The GE Digital unit launched Predix 2.0 in 2015. It struggled!\n" +
			"美的投资100多亿元?是的。Dr. Smith said: growth was 2.8万 units; then it fell.\n\n第二段:数字疗法(DTx)。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.text)
			if tt.text == "" {
				var err error
				if data, err = os.ReadFile(tt.file); err != nil {
					t.Fatal(err)
				}
			}
			in := &Ingester{}
			docs, err := in.documents(filepath.Base(tt.file), data, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 1 {
				t.Fatalf("%d documents, want 1", len(docs))
			}
			checkChunkInvariants(t, docs[0], DefaultChunkOptions)
			checkGolden(t, tt.name, renderChunks(docs[0].Chunks))
		})
	}
}

// checkChunkInvariants: chunks are in order, within the size limit, and their offsets point at
// their own text in the document's cleaned text.
func checkChunkInvariants(t *testing.T, doc *rag.Document, opts ChunkOptions) {
	t.Helper()
	prevStart := -1
	for i, c := range doc.Chunks {
		if c.Index != i {
			t.Fatalf("chunk %d has index %d", i, c.Index)
		}
		if n := utf8.RuneCountInString(c.Text); n > opts.Size || n != c.End-c.Start || n == 0 {
			t.Fatalf("chunk %d: %d runes, span %d, limit %d", i, n, c.End-c.Start, opts.Size)
		}
		if c.Start <= prevStart {
			t.Fatalf("chunk %d starts at %d, not after %d", i, c.Start, prevStart)
		}
		prevStart = c.Start
	}
}

func TestSentencesKeepNumbers(t *testing.T) {
	text := "平均GDP增长是7.88%;预计为6.1%-6.3%区间。规模达2.8万亿元!Really? Yes. v2.0 works"
	var got []string
	runes := []rune(text)
	for _, s := range rag.Sentences(runes) {
		got = append(got, string(runes[s.Start:s.End]))
	}
	want := []string{"平均GDP增长是7.88%;", "预计为6.1%-6.3%区间。", "规模达2.8万亿元!", "Really?", "Yes.", "v2.0 works"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestChunksOverlapAndNeverCutSentences(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "这是第%02d句话,长度大约二十个字符左右。", i)
	}
	runes := []rune(b.String())
	opts := ChunkOptions{Size: 100, Overlap: 30}
	spans := Chunks(runes, opts)
	sentences := rag.Sentences(runes)
	isBoundary := map[int]bool{}
	for _, s := range sentences {
		isBoundary[s.Start], isBoundary[s.End] = true, true
	}
	for i, sp := range spans {
		if sp.End-sp.Start > opts.Size {
			t.Errorf("chunk %d is %d runes", i, sp.End-sp.Start)
		}
		if !isBoundary[sp.Start] || !isBoundary[sp.End] {
			t.Errorf("chunk %d [%d,%d) cuts a sentence", i, sp.Start, sp.End)
		}
		if i > 0 && sp.Start >= spans[i-1].End {
			t.Errorf("chunk %d does not overlap chunk %d", i, i-1)
		}
	}
	if last := spans[len(spans)-1]; last.End != len(runes) {
		t.Errorf("chunks end at %d of %d runes", last.End, len(runes))
	}
}

func FuzzChunks(f *testing.F) {
	f.Add("GDP增长7.88%;随后放缓。The end. 结束!", 50, 10)
	f.Add(strings.Repeat("长", 500), 30, 5)
	f.Add("\n\n;;。。!!", 3, 1)
	f.Fuzz(func(t *testing.T, text string, size, overlap int) {
		if size < 1 || size > 2000 || overlap < 0 || overlap > 2000 || !utf8.ValidString(text) {
			return
		}
		runes := []rune(text)
		spans := Chunks(runes, ChunkOptions{Size: size, Overlap: overlap})
		prev := -1
		covered := 0
		for _, sp := range spans {
			if sp.Start < 0 || sp.End > len(runes) || sp.Start >= sp.End {
				t.Fatalf("bad span %+v for %d runes", sp, len(runes))
			}
			if sp.End-sp.Start > size {
				t.Fatalf("span %+v longer than %d", sp, size)
			}
			if sp.Start <= prev {
				t.Fatalf("span %+v does not advance past %d", sp, prev)
			}
			if sp.Start > covered && strings.TrimSpace(string(runes[covered:sp.Start])) != "" {
				t.Fatalf("text %q between chunks is lost", string(runes[covered:sp.Start]))
			}
			prev, covered = sp.Start, max(covered, sp.End)
		}
		if rest := strings.TrimSpace(string(runes[covered:])); rest != "" {
			t.Fatalf("trailing text %q lost", rest)
		}
	})
}
