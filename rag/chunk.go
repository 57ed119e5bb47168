package rag

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Document is one ingested document: its identity, provenance and chunks. It is the unit the
// store writes and replaces atomically.
type Document struct {
	// ID is the document id: the "id" of a .jsonl line, else the path relative to the folder given.
	ID string `json:"id"`
	// Source is the file the document came from, relative to the folder given (or as given).
	Source string `json:"source"`
	// Title is shown in citations; it falls back to the file name.
	Title string `json:"title"`
	// URL links to the original when known.
	URL string `json:"url,omitempty"`
	// Hash is the SHA-256 of the document's cleaned text; an unchanged hash means nothing to do.
	Hash string `json:"hash"`
	// SourceHash is the SHA-256 of the whole source file, so a folder sync can skip unchanged files
	// without parsing them.
	SourceHash string `json:"source_hash,omitempty"`
	// Origin says who owns the document: OriginKnowledge documents are removed when their file
	// leaves the knowledge folder; others stay until deleted explicitly.
	Origin string `json:"origin,omitempty"`
	// Size is the source text length in bytes.
	Size int `json:"size"`
	// IngestedAt is when this version was written.
	IngestedAt time.Time `json:"ingested_at"`
	// Chunks are the document's passages in document order.
	Chunks []Chunk `json:"chunks"`
}

// OriginKnowledge marks documents synced from the --knowledge folder.
const OriginKnowledge = "knowledge"

// Chunk is one retrievable passage. It carries its provenance, so citations are built from it
// and never re-derived from text.
type Chunk struct {
	// Index is the chunk's position within its document, from 0.
	Index int `json:"index"`
	// Start and End are rune offsets of Text within the document's cleaned text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Section is the heading path the chunk lies under, outermost first; empty when none.
	Section []string `json:"section,omitempty"`
	// Page is the 1-based page of the chunk's start, 0 when the format has no pages.
	Page int `json:"page,omitempty"`
	// Text is the passage itself.
	Text string `json:"text"`
}

// ChunkID is the store-wide id of a document's chunk: "<doc id>#<index>".
func ChunkID(docID string, index int) string {
	return docID + "#" + strconv.Itoa(index)
}

// Hash returns the hex SHA-256 of b, the content hash used for documents and files.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Passage is a retrieved chunk together with its document's provenance and its score.
type Passage struct {
	DocID   string
	Source  string
	Title   string
	URL     string
	ChunkID string
	Chunk   Chunk
	// Score is the fused retrieval score, or the reranker's relevance for a passage it re-scored
	// (those come first, before any it did not reach): higher is better, comparable only among
	// passages of one result list scored the same way.
	Score float64
}
