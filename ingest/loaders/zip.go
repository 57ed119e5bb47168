package loaders

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxZipEntries bounds the entries of an Office or EPUB container. Real files have tens to a few
// thousand (an EPUB with many images); hundreds of thousands only serve to exhaust memory.
const maxZipEntries = 20000

// zipArchive reads the entries of an Office or EPUB container without trusting its headers: every
// entry read is charged to the budget as it is inflated, so a zip bomb fails with ErrTooLarge
// after at most MaxBytes of work.
type zipArchive struct {
	b     *budget
	files map[string]*zip.File
}

func openZip(data []byte, b *budget) (*zipArchive, error) {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("open zip: %v: %w", err, ErrCorrupt)
	}
	if len(r.File) > maxZipEntries {
		return nil, fmt.Errorf("%d zip entries, limit %d: %w", len(r.File), maxZipEntries, ErrTooLarge)
	}
	z := &zipArchive{b: b, files: make(map[string]*zip.File, len(r.File))}
	for _, f := range r.File {
		z.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return z, nil
}

// has reports whether the archive holds an entry of that name.
func (z *zipArchive) has(name string) bool {
	_, ok := z.files[name]
	return ok
}

// read inflates one entry, failing with ErrTooLarge as soon as the archive's total passes the
// budget, whatever the entry's header declares.
func (z *zipArchive) read(name string) ([]byte, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, fmt.Errorf("missing %s: %w", name, ErrCorrupt)
	}
	if f.Flags&0x1 != 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrEncrypted)
	}
	if f.UncompressedSize64 > uint64(max(z.b.left, 0)) {
		return nil, fmt.Errorf("%s declares %d bytes, limit %d: %w", name, f.UncompressedSize64, z.b.max, ErrTooLarge)
	}
	if err := z.b.expired(); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %v: %w", name, err, ErrCorrupt)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, z.b.left+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
	}
	if err := z.b.take(int64(len(data))); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// resolve turns a relationship or manifest target, relative to the entry base, into an entry name.
func resolveZipPath(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(path.Dir(base), target)), "/")
}
