package rag

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ErrLocked means another wenda process is writing to the same data directory.
var ErrLocked = errors.New("data directory is locked by another wenda process")

// dirLock is an advisory flock on DIR/LOCK. Writers hold it exclusively for the length of one
// batch; readers take it shared while loading, so they never load from a directory that a
// writer is halfway through creating.
type dirLock struct{ f *os.File }

// lockDir takes the lock, retrying until wait has passed.
func lockDir(dir string, exclusive bool, wait time.Duration) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return &dirLock{f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("%w: %s (waited %s)", ErrLocked, dir, wait)
			}
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (l *dirLock) unlock() {
	if l != nil {
		l.f.Close() // closing the descriptor releases the flock
	}
}
