package rag

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestConversationsKeepRecentTurnsAndExpire(t *testing.T) {
	dir := t.TempDir()
	c, err := NewConversations(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range MaxTurns + 3 {
		if err := c.Append("chat-1", Turn{Question: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	turns, err := c.Load("chat-1")
	if err != nil || len(turns) != MaxTurns || turns[0].Question != "d" {
		t.Fatalf("turns = %+v, %v; want the last %d", turns, err, MaxTurns)
	}
	if err := c.Append("old", Turn{Question: "q"}); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-MaxIdle - time.Hour)
	if err := os.Chtimes(c.path("old"), long, long); err != nil {
		t.Fatal(err)
	}
	c, err = NewConversations(dir) // reopening prunes
	if err != nil {
		t.Fatal(err)
	}
	if turns, _ := c.Load("old"); len(turns) != 0 {
		t.Error("an idle conversation survived")
	}
	if turns, _ := c.Load("chat-1"); len(turns) != MaxTurns {
		t.Error("a recent conversation was pruned")
	}
	if err := c.Reset("chat-1"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after reset: %v", entries)
	}
}

// TestTransientConversationsStayInMemory: a conversation the server opened for a question asked
// without an id (issue 11, item 9) keeps its history for follow-ups but writes no file.
func TestTransientConversationsStayInMemory(t *testing.T) {
	dir := t.TempDir()
	c, err := NewConversations(dir)
	if err != nil {
		t.Fatal(err)
	}
	id := NewTransientID()
	if !IsTransient(id) || IsTransient("alice") {
		t.Fatalf("IsTransient(%q) or IsTransient(alice) is wrong", id)
	}
	for range 50 {
		if err := c.Append(NewTransientID(), Turn{Question: "q", Answer: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Append(id, Turn{Question: "浙江省的数字化规划是什么?", Answer: "a"}); err != nil {
		t.Fatal(err)
	}
	if turns, err := c.Load(id); err != nil || len(turns) != 1 || turns[0].Question != "浙江省的数字化规划是什么?" {
		t.Fatalf("Load(transient) = %+v, %v; want the one turn", turns, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("transient conversations wrote %d files", len(entries))
	}
	if err := c.Reset(id); err != nil {
		t.Fatal(err)
	}
	if turns, _ := c.Load(id); len(turns) != 0 {
		t.Error("a reset transient conversation kept its turns")
	}
}

func TestTransientCacheIsBounded(t *testing.T) {
	now := time.Now()
	m := newMemConversations(3, 1<<20, time.Hour)
	for i := range 5 {
		m.append(string(rune('a'+i)), Turn{Question: "q"}, now)
	}
	if n := m.len(); n != 3 {
		t.Errorf("%d conversations kept, want the cap of 3", n)
	}
	if len(m.load("a", now)) != 0 || len(m.load("e", now)) != 1 {
		t.Error("the least recently used conversation should go first")
	}
	if len(m.load("e", now.Add(2*time.Hour))) != 0 {
		t.Error("an idle conversation outlived the idle time")
	}

	m = newMemConversations(100, 1000, time.Hour)
	for i := range 10 {
		m.append(string(rune('a'+i)), Turn{Question: strings.Repeat("x", 300)}, now)
	}
	if m.bytes > 1000 || m.len() != 3 {
		t.Errorf("%d bytes in %d conversations, want at most 1000 bytes (3 conversations)", m.bytes, m.len())
	}
}

// TestStoredConversationsAreCapped: clients choosing a fresh id per question fill the directory
// only up to the cap; the least recently written go first.
func TestStoredConversationsAreCapped(t *testing.T) {
	dir := t.TempDir()
	c, err := NewConversations(dir)
	if err != nil {
		t.Fatal(err)
	}
	c.maxStored = 20
	if err := c.Append("keep", Turn{Question: "q"}); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if err := c.Append(fmt.Sprintf("client-%d", i), Turn{Question: "q"}); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			if err := c.Append("keep", Turn{Question: "q"}); err != nil { // in use: recently written
				t.Fatal(err)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) > 20 {
		t.Errorf("%d files, want at most the cap of 20", len(entries))
	}
	if turns, _ := c.Load("keep"); len(turns) == 0 {
		t.Error("a conversation in use was evicted")
	}
	if turns, _ := c.Load("client-0"); len(turns) != 0 {
		t.Error("the oldest conversation survived the cap")
	}
	if turns, _ := c.Load("client-99"); len(turns) != 1 {
		t.Error("the newest conversation was evicted")
	}

	c.maxStored, c.maxStoredBytes = 1000, 2000
	for i := range 100 {
		if err := c.Append(fmt.Sprintf("big-%d", i), Turn{Question: strings.Repeat("x", 200)}); err != nil {
			t.Fatal(err)
		}
	}
	var total int64
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		info, _ := e.Info()
		total += info.Size()
	}
	if total > 2000 {
		t.Errorf("%d bytes stored, want at most the cap of 2000", total)
	}

	// Reopening indexes what is there, and applies the caps.
	c2, err := NewConversations(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.files) != len(entries) || c2.filesBytes != total {
		t.Errorf("reopened index: %d files, %d bytes; want %d, %d", len(c2.files), c2.filesBytes, len(entries), total)
	}
}
