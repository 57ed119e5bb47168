package ingest

import (
	"context"
	"io/fs"
	"maps"
	"path/filepath"
	"strings"
	"time"
)

// DefaultWatchInterval is how often Watch looks at the knowledge folder. Stat-ing a few
// thousand files takes a few milliseconds, so polling is cheap and needs no platform-specific
// notification API.
const DefaultWatchInterval = 2 * time.Second

// WatchOptions tune Watch.
type WatchOptions struct {
	// Interval between looks at the folder; 0 means DefaultWatchInterval.
	Interval time.Duration
	// OnSync, when set, is called after each sync with its report and error.
	OnSync func(Report, error)
}

// fileStamp is what a poll compares: a file whose size and modification time are unchanged is
// assumed unchanged (Sync checks content hashes anyway).
type fileStamp struct {
	size  int64
	mtime int64 // Unix nanoseconds; time.Time values are not comparable with ==
}

// snapshot stats the files under dir that walk would list, hidden ones left out.
func snapshot(dir string) (map[string]fileStamp, error) {
	snap := map[string]fileStamp{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed between listing and stat: the next poll sees it gone
		}
		snap[path] = fileStamp{info.Size(), info.ModTime().UnixNano()}
		return nil
	})
	return snap, err
}

// Watch syncs the knowledge folder dir into the index, then keeps it in sync until ctx ends:
// every interval it stats the folder's files and, when any file was added, removed, resized or
// touched since the last look, runs Sync again. Each look is taken before its sync, so a change
// made during a sync is seen by the next look. A failed sync is reported and retried at the
// next look; a folder that cannot be read is left alone (its documents stay) until it can be.
func (in *Ingester) Watch(ctx context.Context, dir string, opts WatchOptions) {
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultWatchInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var prev map[string]fileStamp
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
		cur, err := snapshot(dir)
		if err != nil {
			if prev != nil || first {
				in.logger().Warn("cannot read knowledge folder; keeping its documents", "dir", dir, "err", err)
			}
			prev = nil
			if first && opts.OnSync != nil {
				opts.OnSync(Report{}, err)
			}
			continue
		}
		if !first && maps.Equal(prev, cur) {
			continue
		}
		start := time.Now()
		rep, err := in.Sync(ctx, dir)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			in.logger().Error("knowledge folder sync failed", "dir", dir, "err", err)
			prev = nil // try again at the next look
		} else {
			prev = cur
			in.logger().Info("knowledge folder synced", "dir", dir, "files", rep.Files,
				"added", rep.Added, "replaced", rep.Replaced, "removed", rep.Removed,
				"unchanged", rep.Unchanged, "failed", len(rep.Failed), "chunks", rep.Chunks,
				"duration", time.Since(start).Round(time.Millisecond))
		}
		if opts.OnSync != nil {
			opts.OnSync(rep, err)
		}
	}
}
