// Package golden compares test output with golden files, rewriting them when a test runs with
// -update. It is shared by the packages whose output is easiest to review as a file: chunking,
// loaders, prompts and Telegram formatting.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// Check compares got with the file at path, or writes it there under -update. On a mismatch it
// reports both texts so the difference can be read in the test log.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (rerun with -update if the change is intended, and review the diff)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
