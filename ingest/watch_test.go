package ingest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wenda-dev/wenda/rag"
)

func TestWatchPicksUpChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := rag.OpenStore(ctx, t.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := &Ingester{Store: store}
	syncs := make(chan Report, 16)
	var wg sync.WaitGroup
	wg.Go(func() {
		in.Watch(ctx, dir, WatchOptions{Interval: 10 * time.Millisecond, OnSync: func(r Report, err error) {
			if err != nil {
				t.Errorf("sync: %v", err)
			}
			syncs <- r
		}})
	})
	waitSync := func(what string) Report {
		t.Helper()
		select {
		case r := <-syncs:
			return r
		case <-time.After(5 * time.Second):
			t.Fatalf("no sync after %s", what)
			return Report{}
		}
	}

	if r := waitSync("starting"); r.Files != 0 {
		t.Errorf("first sync of an empty folder: %+v", r)
	}
	path := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(path, []byte("数字疗法是一种软件驱动的治疗方式。"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := waitSync("adding a file"); r.Added != 1 {
		t.Errorf("after adding a file: %+v, want 1 added", r)
	}
	if store.Document("a.txt") == nil {
		t.Fatal("a.txt not indexed")
	}

	// Save the change the way editors do, write then rename, with a new mtime already set (for
	// file systems with coarse timestamps), so the watcher sees one change, not two.
	tmp := filepath.Join(dir, ".a.txt.new")
	if err := os.WriteFile(tmp, []byte("数字孪生城市把城市的运行状态映射到数字空间。"), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Minute)
	if err := os.Chtimes(tmp, future, future); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if r := waitSync("changing the file"); r.Replaced != 1 {
		t.Errorf("after changing the file: %+v, want 1 replaced", r)
	}

	// Hidden files are not the folder's content: no sync.
	if err := os.WriteFile(filepath.Join(dir, ".a.txt.swp"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	select {
	case r := <-syncs:
		t.Errorf("a hidden file caused a sync: %+v", r)
	default:
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if r := waitSync("removing the file"); r.Removed != 1 {
		t.Errorf("after removing the file: %+v, want 1 removed", r)
	}
	if store.Document("a.txt") != nil {
		t.Error("a.txt still indexed after its file was removed")
	}

	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return after cancel")
	}
}
