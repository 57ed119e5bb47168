package api

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// sseWriter writes Server-Sent Events. Headers go out with the first event, so an error before
// it can still be a plain JSON error response. Each event is flushed, and each write gets its
// own deadline: a stream may last long, a reader that stalls may not.
type sseWriter struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration

	mu      sync.Mutex // OnDelta may be called from the answerer's goroutines
	started bool
	last    time.Time // of the last write
	err     error     // the first write error; later events are dropped
}

func newSSEWriter(w http.ResponseWriter, idle time.Duration) *sseWriter {
	return &sseWriter{w: w, rc: http.NewResponseController(w), idle: idle, last: time.Now()}
}

// event writes one event; an empty name writes a bare "data:" line (the OpenAI style). v is
// JSON-encoded unless it is a string.
func (s *sseWriter) event(name string, v any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	var data []byte
	if str, ok := v.(string); ok {
		data = []byte(str)
	} else {
		var err error
		if data, err = json.Marshal(v); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, len(data)+len(name)+16)
	if name != "" {
		buf = append(buf, "event: "...)
		buf = append(buf, name...)
		buf = append(buf, '\n')
	}
	buf = append(buf, "data: "...)
	buf = append(buf, data...) // JSON has no raw newlines, so one data line suffices
	buf = append(buf, "\n\n"...)
	return s.write(buf)
}

// write sends buf, starting the stream if it has not started; s.mu is held.
func (s *sseWriter) write(buf []byte) error {
	if !s.started {
		h := s.w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
		s.w.WriteHeader(http.StatusOK)
		s.started = true
	}
	s.last = time.Now()
	_ = s.rc.SetWriteDeadline(s.last.Add(s.idle)) // unsupported by test recorders
	if _, err := s.w.Write(buf); err != nil {
		s.err = err
		return err
	}
	if err := s.rc.Flush(); err != nil {
		s.err = err
		return err
	}
	return nil
}

// keepAlive sends a ": keep-alive" comment whenever the stream has been quiet for every, until
// the returned stop is called. A comment starts the stream: an answer that takes long (an LLM
// call) then shows its first byte at once instead of after the wait, and proxies and clients
// that drop quiet connections keep it. SSE clients, the OpenAI SDKs' among them, skip comments.
func (s *sseWriter) keepAlive(every time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every / 2) // so that a quiet spell is noticed within 1.5 × every
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				s.mu.Lock()
				if s.err == nil && now.Sub(s.last) >= every {
					_ = s.write([]byte(": keep-alive\n\n"))
				}
				s.mu.Unlock()
			}
		}
	}()
	return func() {
		close(done)
		<-finished // no comment may follow the last event
	}
}

func (s *sseWriter) hasStarted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}
