package loaders

import (
	"fmt"
	"time"
)

// budget is the work one Load call may still spend: expanded bytes and time. Parsers charge
// expanded bytes with take and call tick in loops whose length the file controls.
type budget struct {
	deadline time.Time
	max      int64 // Options.MaxBytes, for messages
	left     int64 // bytes that containers may still expand to
	ticks    int
}

func newBudget(opts Options) *budget {
	return &budget{deadline: time.Now().Add(opts.Timeout), max: opts.MaxBytes, left: opts.MaxBytes}
}

// take charges n expanded bytes, failing with ErrTooLarge once the total passes MaxBytes.
func (b *budget) take(n int64) error {
	b.left -= n
	if b.left < 0 {
		return fmt.Errorf("expands past %d bytes: %w", b.max, ErrTooLarge)
	}
	return b.tick()
}

// tick fails with ErrTimeout after the deadline. It reads the clock only every 256 calls, which
// keeps it cheap enough for per-token loops.
func (b *budget) tick() error {
	b.ticks++
	if b.ticks&255 != 0 {
		return nil
	}
	return b.expired()
}

// expired reads the clock now; for call sites that run rarely.
func (b *budget) expired() error {
	if time.Now().After(b.deadline) {
		return ErrTimeout
	}
	return nil
}
