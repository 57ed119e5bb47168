package rag

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// A segment file holds one document: its JSON (with chunks) and its chunk vectors, so that
// replacing or deleting a document touches one file and a crash can only ever leave the old or
// the new version of it. Layout, little-endian:
//
//	"WSEG1\n" | uint32 json length | json | uint32 dim | uint32 count | count*dim float32 | uint32 crc32c
//
// The checksum covers everything before it, so a damaged file is detected and reported instead
// of loading garbage.
const segmentMagic = "WSEG1\n"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errCorruptSegment marks a segment file that fails its checks.
var errCorruptSegment = errors.New("corrupt segment file")

// segmentName is the file name for a document id: a 128-bit hash, so ids never collide in
// practice (unlike chromem-go's 32-bit file names) and any id is a safe file name.
func segmentName(docID string) string {
	return Hash([]byte(docID))[:32] + ".wseg"
}

func encodeSegment(doc *Document, vectors [][]float32) ([]byte, error) {
	head, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	dim := 0
	if len(vectors) > 0 {
		dim = len(vectors[0])
	}
	var buf bytes.Buffer
	buf.Grow(len(segmentMagic) + 16 + len(head) + 4*dim*len(vectors))
	buf.WriteString(segmentMagic)
	w32 := func(v uint32) { buf.Write(binary.LittleEndian.AppendUint32(nil, v)) }
	w32(uint32(len(head)))
	buf.Write(head)
	w32(uint32(dim))
	w32(uint32(len(vectors)))
	for _, v := range vectors {
		if len(v) != dim {
			return nil, fmt.Errorf("vector dimension %d, want %d", len(v), dim)
		}
		b := buf.AvailableBuffer()
		for _, f := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
		buf.Write(b)
	}
	w32(crc32.Checksum(buf.Bytes(), crcTable))
	return buf.Bytes(), nil
}

func decodeSegment(data []byte) (*Document, [][]float32, error) {
	if len(data) < len(segmentMagic)+16 || string(data[:len(segmentMagic)]) != segmentMagic {
		return nil, nil, fmt.Errorf("%w: bad header", errCorruptSegment)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", errCorruptSegment)
	}
	r := body[len(segmentMagic):]
	u32 := func() uint32 {
		if len(r) < 4 {
			return 0
		}
		v := binary.LittleEndian.Uint32(r)
		r = r[4:]
		return v
	}
	n := int(u32())
	if n > len(r) {
		return nil, nil, fmt.Errorf("%w: truncated header", errCorruptSegment)
	}
	var doc Document
	if err := json.Unmarshal(r[:n], &doc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errCorruptSegment, err)
	}
	r = r[n:]
	dim, count := int(u32()), int(u32())
	if count != len(doc.Chunks) || len(r) != 4*dim*count {
		return nil, nil, fmt.Errorf("%w: %d vectors of %d for %d chunks", errCorruptSegment, count, dim, len(doc.Chunks))
	}
	// One backing array for all of a document's vectors: fewer allocations on load.
	flat := make([]float32, dim*count)
	for i := range flat {
		flat[i] = math.Float32frombits(binary.LittleEndian.Uint32(r[4*i:]))
	}
	vectors := make([][]float32, count)
	for i := range vectors {
		vectors[i] = flat[i*dim : (i+1)*dim : (i+1)*dim]
	}
	return &doc, vectors, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it into place, so
// readers and crashes only ever see the old or the new content. With durable set the file is
// fsynced before the rename; the caller then syncs the directory once per batch.
func writeFileAtomic(path string, data []byte, durable bool) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	w := bufio.NewWriter(f)
	_, err = w.Write(data)
	if err == nil {
		err = w.Flush()
	}
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// syncDir makes renames in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeTempFiles deletes temporary files a crashed writer left behind. Only a writer holding
// the lock may call it.
func removeTempFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
