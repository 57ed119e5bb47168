package rag

import (
	"errors"
	"testing"
)

// TestDirLock checks the lock's contract on this OS (CI cross-compiles it for Windows and
// macOS): writers exclude each other and readers, readers share, and unlocking frees it.
func TestDirLock(t *testing.T) {
	dir := t.TempDir()
	w, err := lockDir(dir, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, exclusive := range []bool{true, false} {
		if l, err := lockDir(dir, exclusive, 0); !errors.Is(err, ErrLocked) {
			l.unlock()
			t.Errorf("exclusive=%v while a writer holds the lock: err = %v, want ErrLocked", exclusive, err)
		}
	}
	w.unlock()

	r1, err := lockDir(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := lockDir(dir, false, 0)
	if err != nil {
		t.Errorf("second reader: %v, want a shared lock", err)
	}
	if l, err := lockDir(dir, true, 0); !errors.Is(err, ErrLocked) {
		l.unlock()
		t.Errorf("writer while readers hold the lock: err = %v, want ErrLocked", err)
	}
	r1.unlock()
	r2.unlock()
	w, err = lockDir(dir, true, 0)
	if err != nil {
		t.Fatalf("writer after readers left: %v", err)
	}
	w.unlock()
}
