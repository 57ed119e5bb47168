package ingest

import (
	"context"
	"path/filepath"

	"github.com/wenda-dev/wenda/rag"
)

// Sync makes the index match the knowledge folder dir: new and changed files are ingested,
// files whose bytes are unchanged are skipped without parsing (by content hash), and documents
// whose file has left the folder are deleted. Documents ingested by other means are left alone.
func (in *Ingester) Sync(ctx context.Context, dir string) (Report, error) {
	var rep Report
	files, skipped, err := walk(dir)
	if err != nil {
		return rep, err
	}
	rep.Skipped = skipped

	// What the index holds from this folder, by source file.
	bySource := map[string][]*rag.Document{}
	for _, d := range in.Store.Documents() {
		if d.Origin == rag.OriginKnowledge {
			bySource[d.Source] = append(bySource[d.Source], d)
		}
	}
	var stale []string
	var jobs []fileJob
	var previous [][]*rag.Document
	for _, rel := range files {
		old := bySource[rel]
		delete(bySource, rel)
		path := filepath.Join(dir, rel)
		if len(old) > 0 {
			data, err := readLimited(path, in.Limits.MaxBytes)
			if err == nil && rag.Hash(data) == old[0].SourceHash {
				rep.Unchanged += len(old)
				continue
			}
		}
		jobs = append(jobs, fileJob{path: path, id: rel})
		previous = append(previous, old)
	}
	produced, err := in.ingestFiles(ctx, &rep, jobs, rag.OriginKnowledge)
	if err != nil {
		return rep, err
	}
	for i, ids := range produced {
		if ids == nil {
			continue // a file that now fails keeps its last good version in the index
		}
		// Records that vanished from a changed multi-document file.
		kept := map[string]bool{}
		for _, id := range ids {
			kept[id] = true
		}
		for _, d := range previous[i] {
			if !kept[d.ID] {
				stale = append(stale, d.ID)
			}
		}
	}
	for _, docs := range bySource {
		for _, d := range docs {
			stale = append(stale, d.ID)
		}
	}
	if len(stale) > 0 {
		removed, err := in.Store.Delete(ctx, stale...)
		rep.Removed += len(removed)
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}
