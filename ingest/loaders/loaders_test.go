package loaders

import (
	"errors"
	"fmt"
	"github.com/wenda-dev/wenda/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// render prints documents (and the error, if any) in the stable text form the golden files hold.
func render(docs []Document, err error) string {
	var b strings.Builder
	for i, d := range docs {
		fmt.Fprintf(&b, "# document %d\n", i+1)
		if d.ID != "" {
			fmt.Fprintf(&b, "id: %s\n", d.ID)
		}
		fmt.Fprintf(&b, "title: %s\n", d.Title)
		if d.URL != "" {
			fmt.Fprintf(&b, "url: %s\n", d.URL)
		}
		for j, s := range d.Sections {
			fmt.Fprintf(&b, "## section %d path=%q page=%d\n%s\n", j+1, strings.Join(s.Path, " > "), s.Page, s.Text)
		}
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// checkGolden compares got with testdata/golden/name.golden (see internal/golden).
func checkGolden(t *testing.T, name, got string) {
	golden.Check(t, filepath.Join("testdata", "golden", name+".golden"), got)
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkDocs asserts what holds for every successful extraction: valid UTF-8 everywhere.
func checkDocs(t testing.TB, docs []Document) {
	t.Helper()
	for _, d := range docs {
		for _, s := range append([]string{d.ID, d.Title, d.URL}, d.Text()) {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in output: %q", s)
			}
		}
		for _, sec := range d.Sections {
			for _, p := range sec.Path {
				if !utf8.ValidString(p) {
					t.Errorf("invalid UTF-8 in path: %q", p)
				}
			}
		}
	}
}

// goldenFixtures lists the fixtures whose extraction is pinned by a golden file, and the error each
// must wrap (nil for success).
var goldenFixtures = []struct {
	file    string
	wantErr error
}{
	{"gbk.txt", nil},
	{"gb18030.txt", nil},
	{"utf16le-bom.txt", nil},
	{"utf16be-bom.txt", nil},
	{"utf8-bom.txt", nil},
	{"guide.md", nil},
	{"gfm.md", nil},
	{"records.jsonl", ErrCorrupt},
	{"article.html", nil},
	{"page-gbk.html", nil},
	{"people.csv", nil},
	{"staff.tsv", nil},
	{"people.xlsx", nil},
	{"budget.xlsx", nil},
	{"report.docx", nil},
	{"styles-zh.docx", nil},
	{"book.epub", nil},
	{"report.pdf", nil},
	{"cid.pdf", nil},
	{"pango.pdf", nil},
	{"pango-objstm.pdf", nil},
	{"cid-rc4-40.pdf", nil},
	{"cid-rc4-128.pdf", nil},
	{"cid-aes128.pdf", nil},
	{"cid-aes256.pdf", nil},
	{"cid-password.pdf", ErrEncrypted},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenFixtures {
		t.Run(tc.file, func(t *testing.T) {
			docs, err := Load(tc.file, readFixture(t, tc.file), Options{})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Load(%s) error = %v, want %v", tc.file, err, tc.wantErr)
			}
			checkDocs(t, docs)
			checkGolden(t, tc.file, render(docs, err))
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		opts    Options
		wantErr error
	}{
		{"binary.txt", readFixture(t, "binary.txt"), Options{}, ErrBinary},
		{"latin1.txt", readFixture(t, "latin1.txt"), Options{}, ErrEncoding},
		{"empty.txt", nil, Options{}, ErrNoText},
		{"blank.md", []byte("\n\n  \n"), Options{}, ErrNoText},
		{"control.txt", []byte(strings.Repeat("a\x01\x02\x03", 100)), Options{}, ErrBinary},
		{"big.txt", []byte(strings.Repeat("x", 100)), Options{MaxBytes: 10}, ErrTooLarge},
		{"file.exe", []byte("MZ"), Options{}, ErrUnsupported},
		{"empty.jsonl", []byte("\n\n"), Options{}, ErrNoText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := Load(tc.name, tc.data, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Load(%s) = %d docs, error %v; want error %v", tc.name, len(docs), err, tc.wantErr)
			}
		})
	}
}

func TestJSONLPartialError(t *testing.T) {
	docs, err := Load("records.jsonl", readFixture(t, "records.jsonl"), Options{})
	var pe *PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v, want *PartialError", err)
	}
	if got, want := fmt.Sprint(pe.Lines), "[4 5]"; got != want {
		t.Errorf("bad lines = %s, want %s", got, want)
	}
	if len(docs) != 3 {
		t.Errorf("got %d documents, want the 3 good lines", len(docs))
	}
}

func TestSupportedAndExtensions(t *testing.T) {
	for _, ext := range Extensions() {
		if !Supported("a" + strings.ToUpper(ext)) {
			t.Errorf("Supported(%q) = false for a listed extension", "a"+strings.ToUpper(ext))
		}
	}
	if Supported("a.exe") {
		t.Error(`Supported("a.exe") = true`)
	}
}

// TestTimeout checks that Load gives up on a parser that outlives Options.Timeout.
func TestTimeout(t *testing.T) {
	const ext = ".slow-test"
	byExt[ext] = func(string, []byte, *budget) ([]Document, error) {
		time.Sleep(2 * time.Second)
		return nil, nil
	}
	defer delete(byExt, ext)
	_, err := Load("a"+ext, nil, Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error = %v, want ErrTimeout", err)
	}
}

// TestPanicRecovered checks that a parser panic becomes an error for that file.
func TestPanicRecovered(t *testing.T) {
	const ext = ".panic-test"
	byExt[ext] = func(string, []byte, *budget) ([]Document, error) { panic("boom") }
	defer delete(byExt, ext)
	_, err := Load("a"+ext, nil, Options{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("error = %v, want ErrCorrupt naming the panic", err)
	}
}
