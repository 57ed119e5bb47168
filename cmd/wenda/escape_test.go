package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/rag"
)

// TestHumanOutputEscapesControlCharacters: titles, ids and text from the index reach the
// terminal with their control characters spelled out, not executed; --json keeps them as data.
func TestHumanOutputEscapesControlCharacters(t *testing.T) {
	data := t.TempDir()
	// An index written before names were checked can still hold such a document.
	store, err := rag.OpenStore(t.Context(), data, rag.LocalEmbedder{Dim: 1024}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := "数字疗法\x1b]0;pwned\x07是由软件驱动的循证治疗干预。"
	runes := []rune(text)
	doc := &rag.Document{ID: "ctl\x01\x1b[31m.txt", Source: "ctl\x01\x1b[31m.txt", Title: "ctl\x1b[31m\u202e红色", Hash: rag.Hash([]byte(text)), Size: len(text),
		Chunks: []rag.Chunk{{Index: 0, Start: 0, End: len(runes), Text: text}}}
	if _, err := store.Put(t.Context(), []*rag.Document{doc}, rag.PutOptions{}); err != nil {
		t.Fatal(err)
	}

	out, errOut, err := wenda(t, nil, "--data", data, "search", "数字疗法")
	if err != nil {
		t.Fatalf("search: %v\n%s", err, errOut)
	}
	if strings.ContainsAny(out, "\x01\x07\x1b\u202e") || !strings.Contains(out, `ctl\x1b[31m\u202e红色`) {
		t.Errorf("search output holds raw control characters or lost them: %q", out)
	}
	out, errOut, err = wenda(t, nil, "--data", data, "ask", "数字疗法是什么?")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, errOut)
	}
	if strings.ContainsAny(out, "\x01\x07\x1b\u202e") {
		t.Errorf("ask output holds raw control characters: %q", out)
	}
	out, _, err = wenda(t, nil, "--data", data, "search", "--json", "数字疗法")
	var hits []struct{ Title string }
	if err != nil || json.Unmarshal([]byte(out), &hits) != nil || len(hits) == 0 || hits[0].Title != doc.Title {
		t.Errorf("search --json: %v %q, want the title as stored", err, out)
	}

	// A folder file with such a name is reported, escaped.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad\x1b[2J.txt"), []byte("正文。"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = wenda(t, nil, "--data", t.TempDir(), "ingest", dir)
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `bad\x1b[2J.txt`) {
		t.Errorf("ingest report: %q", out)
	}
}
