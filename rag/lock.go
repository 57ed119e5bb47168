package rag

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrLocked means another wenda process is writing to the same data directory.
var ErrLocked = errors.New("data directory is locked by another wenda process")

// dirLock is an advisory lock on DIR/LOCK (flock on Unix, LockFileEx on Windows: see
// lock_flock.go and lock_windows.go). Writers hold it exclusively for the length of one batch;
// readers take it shared while loading, so they never load from a directory that a writer is
// halfway through creating. Both kinds are released by the OS when the process dies, so a
// crashed writer never leaves the directory locked.
type dirLock struct{ f *os.File }

// errWouldBlock is what tryLock returns when another process holds a conflicting lock.
var errWouldBlock = errors.New("lock held elsewhere")

// lockDir takes the lock, retrying until wait has passed.
func lockDir(dir string, exclusive bool, wait time.Duration) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err = tryLock(f, exclusive)
		if err == nil {
			return &dirLock{f}, nil
		}
		if !errors.Is(err, errWouldBlock) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, errWouldBlock) {
				return nil, fmt.Errorf("%w: %s (waited %s)", ErrLocked, dir, wait)
			}
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (l *dirLock) unlock() {
	if l != nil {
		unlockFile(l.f)
		l.f.Close()
	}
}
