package rag

import (
	"os"
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
