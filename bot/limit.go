package bot

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket: capacity tokens, refilled at rate per second.
type bucket struct {
	tokens float64
	last   time.Time
}

func (b *bucket) refill(now time.Time, rate, capacity float64) {
	if b.last.IsZero() {
		b.tokens, b.last = capacity, now
		return
	}
	b.tokens = min(capacity, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
}

// take consumes a token if one is there.
func (b *bucket) take(now time.Time, rate, capacity float64) bool {
	b.refill(now, rate, capacity)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// reserve consumes a token, going into debt, and returns how long to wait until it is due.
func (b *bucket) reserve(now time.Time, rate, capacity float64) time.Duration {
	b.refill(now, rate, capacity)
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / rate * float64(time.Second))
}

// limiter keeps one bucket per key. Full buckets are forgotten when the map grows, so it stays
// bounded by the number of recently active keys.
type limiter struct {
	mu       sync.Mutex
	rate     float64 // tokens per second
	capacity float64
	buckets  map[int64]*bucket
}

func newLimiter(perSecond, capacity float64) *limiter {
	return &limiter{rate: perSecond, capacity: capacity, buckets: map[int64]*bucket{}}
}

func (l *limiter) get(key int64, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= 4096 {
			for k, old := range l.buckets {
				if old.refill(now, l.rate, l.capacity); old.tokens >= l.capacity {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{}
		l.buckets[key] = b
	}
	return b
}

// allow takes a token for key if there is one.
func (l *limiter) allow(key int64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.get(key, now).take(now, l.rate, l.capacity)
}

// wait reserves a token for key and sleeps until it is due, or ctx ends.
func (l *limiter) wait(ctx context.Context, key int64) error {
	l.mu.Lock()
	d := l.get(key, time.Now()).reserve(time.Now(), l.rate, l.capacity)
	l.mu.Unlock()
	return sleep(ctx, d)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
