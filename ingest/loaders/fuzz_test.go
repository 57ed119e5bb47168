package loaders

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzLoad fuzzes the loader of one extension, seeded with that format's fixtures. Whatever the
// input, Load must return (no panic escapes: the recover in Load would turn it into ErrCorrupt,
// which the fuzzer reports as a failure too), stop by itself, and produce valid UTF-8.
func fuzzLoad(f *testing.F, ext string) {
	for _, tc := range goldenFixtures {
		if strings.EqualFold(filepath.Ext(tc.file), ext) {
			f.Add(readFixture(f, tc.file))
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Load("fuzz"+ext, data, Options{MaxBytes: 4 << 20, Timeout: 10 * time.Second})
		if err != nil && strings.Contains(err.Error(), "parser panic") {
			t.Fatalf("parser panicked: %v", err)
		}
		if errors.Is(err, ErrTimeout) {
			t.Fatalf("parser did not stop by itself: %v", err)
		}
		checkDocs(t, docs)
	})
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
