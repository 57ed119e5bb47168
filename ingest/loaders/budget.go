package loaders

import (
	"fmt"
	"time"
)

// budget is the work one Load call may still spend: expanded bytes, extracted text and time.
// Parsers charge expanded bytes with take, text that can outgrow its source with emit, and call
// tick in loops whose length the file controls.
type budget struct {
	deadline time.Time
	max      int64 // Options.MaxBytes, for messages
	left     int64 // bytes that containers may still expand to
	maxText  int64 // Options.MaxText, for messages
	textLeft int64 // bytes of text the loader may still produce
	ticks    int
}

func newBudget(opts Options) *budget {
	return &budget{deadline: time.Now().Add(opts.Timeout), max: opts.MaxBytes, left: opts.MaxBytes,
		maxText: opts.MaxText, textLeft: opts.MaxText}
}

// emit charges n bytes of extracted text, failing with ErrTooLarge once the total passes
// MaxText. Loaders call it where one piece of input can be repeated in the output (shared
// strings, PDF fonts and forms), so they stop before holding the text rather than after.
func (b *budget) emit(n int) error {
	b.textLeft -= int64(n)
	if b.textLeft < 0 {
		return fmt.Errorf("extracted text passes %d bytes: %w", b.maxText, ErrTooLarge)
	}
	return b.tick()
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
