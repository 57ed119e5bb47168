//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package rag

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes a flock without waiting. flock (unlike fcntl locks) belongs to the open file,
// so two Stores in one process exclude each other as two processes do.
func tryLock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errWouldBlock
	}
	return err
}

// unlockFile is a no-op: closing the descriptor releases the flock.
func unlockFile(*os.File) {}
