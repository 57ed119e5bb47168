package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/ingest/loaders"
	"github.com/wenda-dev/wenda/rag"
)

func newIngester(t *testing.T) *Ingester {
	t.Helper()
	store, err := rag.OpenStore(context.Background(), t.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &Ingester{Store: store}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sharedStringWorkbook is a small .xlsx whose cells all reference one long shared string.
func sharedStringWorkbook(t *testing.T, cells, strLen int) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	sheet := `<worksheet><sheetData><row>` + strings.Repeat(`<c t="s"><v>0</v></c>`, cells) + `</row></sheetData></worksheet>`
	for _, e := range [][2]string{
		{"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" r:id="r1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="r1" Target="sheet1.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<sst><si><t>` + strings.Repeat("x", strLen) + `</t></si></sst>`},
		{"xl/sheet1.xml", sheet},
	} {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestSyncSkipsTooLargeFile: a file whose text passes the budget fails alone; the rest of the
// folder is ingested.
func TestSyncSkipsTooLargeFile(t *testing.T) {
	in := newIngester(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"bomb.xlsx": sharedStringWorkbook(t, 4000, 21000),
		"good.txt":  "数字疗法是由软件驱动的循证治疗干预。",
	})
	rep, err := in.Sync(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || in.Store.Document("good.txt") == nil {
		t.Errorf("added %d, want good.txt indexed", rep.Added)
	}
	if len(rep.Failed) != 1 || !strings.HasSuffix(rep.Failed[0].Path, "bomb.xlsx") || !errors.Is(rep.Failed[0].Err, loaders.ErrTooLarge) {
		t.Errorf("failed = %v, want bomb.xlsx with ErrTooLarge", rep.Failed)
	}
}

// TestMaxChunks: a file that would make more chunks than the cap fails with ErrTooLarge before
// anything is written; one within the cap is indexed.
func TestMaxChunks(t *testing.T) {
	in := newIngester(t)
	in.MaxChunks = 10
	sentence := strings.Repeat("数字", 140) + "。" // 281 runes: one chunk each at the default size
	rep, err := in.IngestBytes(context.Background(), "big.txt", []byte(strings.Repeat(sentence, 11)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 1 || !errors.Is(rep.Failed[0].Err, loaders.ErrTooLarge) || rep.Chunks != 0 {
		t.Fatalf("report %+v, want ErrTooLarge and nothing written", rep)
	}
	// The cap counts all documents of a file together.
	var lines []string
	for i := range 11 {
		lines = append(lines, `{"id":"r`+string(rune('a'+i))+`","text":"`+sentence+`"}`)
	}
	rep, _ = in.IngestBytes(context.Background(), "many.jsonl", []byte(strings.Join(lines, "\n")))
	if len(rep.Failed) != 1 || !errors.Is(rep.Failed[0].Err, loaders.ErrTooLarge) {
		t.Errorf("jsonl report %+v, want ErrTooLarge", rep)
	}
	rep, _ = in.IngestBytes(context.Background(), "ok.txt", []byte(strings.Repeat(sentence, 10)))
	if rep.Added != 1 || rep.Chunks != 10 {
		t.Errorf("report %+v, want 10 chunks added", rep)
	}
}

// TestIngestBytesJSONLPartial: an uploaded .jsonl keeps its good lines and reports the bad ones,
// as `wenda ingest` does; a repeated id counts once.
func TestIngestBytesJSONLPartial(t *testing.T) {
	data := strings.Join([]string{
		`{"id":"a","title":"甲","text":"数字疗法是由软件驱动的循证治疗干预。"}`,
		`{"id":"b","title":"乙", broken`,
		`{"id":"c","title":"丙","text":"城市大脑汇聚政务数据,支撑城市治理。"}`,
		`{"id":"a","title":"甲二","text":"重复的 id 不应覆盖第一行。"}`,
	}, "\n")
	for _, path := range []string{"upload", "folder"} {
		t.Run(path, func(t *testing.T) {
			in := newIngester(t)
			var rep Report
			var err error
			if path == "upload" {
				rep, err = in.IngestBytes(context.Background(), "r.jsonl", []byte(data))
			} else {
				dir := t.TempDir()
				writeFiles(t, dir, map[string]string{"r.jsonl": data})
				rep, err = in.Ingest(context.Background(), []string{dir})
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Added != 2 || in.Store.Document("a") == nil || in.Store.Document("c") == nil {
				t.Errorf("added %d, want a and c", rep.Added)
			}
			if d := in.Store.Document("a"); d != nil && d.Title != "甲" {
				t.Errorf("a's title %q, want the first line's", d.Title)
			}
			var pe *loaders.PartialError
			if len(rep.Failed) != 1 || !errors.As(rep.Failed[0].Err, &pe) || len(pe.Lines) != 2 || pe.Lines[0] != 2 || pe.Lines[1] != 4 {
				t.Errorf("failed = %v, want lines 2 and 4", rep.Failed)
			}
		})
	}
}

// TestUploadRefusesFolderDocuments: an upload may not replace a document the knowledge folder
// owns, neither by name nor by a .jsonl id; nothing is written.
func TestUploadRefusesFolderDocuments(t *testing.T) {
	in := newIngester(t)
	dir := t.TempDir()
	long := strings.Repeat("知识库里的这篇文章很长,有很多句子。", 40)
	writeFiles(t, dir, map[string]string{"guide.txt": long, "faq.jsonl": `{"id":"faq-1","text":"常见问题的回答。"}`})
	if _, err := in.Sync(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	before := len(in.Store.Document("guide.txt").Chunks)
	for name, data := range map[string]string{
		"guide.txt":   "一句话。",
		"other.jsonl": `{"id":"new","text":"新的文档。"}` + "\n" + `{"id":"faq-1","text":"覆盖。"}`,
	} {
		rep, err := in.IngestBytes(context.Background(), name, []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failed) != 1 || !errors.Is(rep.Failed[0].Err, ErrManagedByFolder) || rep.Added+rep.Replaced != 0 {
			t.Errorf("upload %s: report %+v, want ErrManagedByFolder and nothing written", name, rep)
		}
	}
	if d := in.Store.Document("guide.txt"); d == nil || len(d.Chunks) != before || d.Origin != rag.OriginKnowledge {
		t.Errorf("guide.txt changed by an upload")
	}
	if in.Store.Document("new") != nil || in.Store.Document("faq-1").Origin != rag.OriginKnowledge {
		t.Errorf("the .jsonl upload was applied in part")
	}
}

// TestControlCharactersInNames: a folder file whose name holds an escape sequence fails alone,
// and a title loses its control characters.
func TestControlCharactersInNames(t *testing.T) {
	in := newIngester(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"ctl\x1b[31m.txt": "带颜色的文件名。",
		"t.jsonl":         `{"id":"t","title":"标题\u001b[2J清屏","text":"正文。"}`,
	})
	rep, err := in.Sync(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failed) != 1 || !errors.Is(rep.Failed[0].Err, ErrBadName) {
		t.Errorf("failed = %v, want the escape-sequence name refused", rep.Failed)
	}
	if d := in.Store.Document("t"); d == nil || d.Title != "标题[2J清屏" {
		t.Errorf("title not cleaned: %+v", d)
	}
}

// TestClosingListIsSearchable: a text that ends in a short product list keeps it, so a search
// for one of the products finds it (it used to be trimmed as page furniture).
func TestClosingListIsSearchable(t *testing.T) {
	in := newIngester(t)
	text := strings.Repeat("数字疗法是由软件驱动的循证治疗干预,用于预防、管理或治疗疾病。", 10) +
		"\n\n美国已获批的产品:\nSomryst 失眠\nreSET 药物滥用\nEndeavorRx 多动症\nFreeSpira 惊恐障碍\n"
	if _, err := in.IngestBytes(context.Background(), "dtx.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	hits, err := rag.Searcher{Store: in.Store}.Retrieve(context.Background(), "Somryst 失眠", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || !strings.Contains(hits[0].Chunk.Text, "Somryst 失眠") {
		t.Errorf("search for a product in the closing list: %d hits, want the list's chunk", len(hits))
	}
}
