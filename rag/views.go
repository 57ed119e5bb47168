package rag

// Hit is a search result as the CLI and the HTTP API print it.
type Hit struct {
	DocID   string  `json:"doc_id"`
	Source  string  `json:"source"`
	Title   string  `json:"title"`
	ChunkID string  `json:"chunk_id"`
	Score   float64 `json:"score"`
	Text    string  `json:"text"`
}

// Hits converts passages to their printed form; never nil, so JSON shows [] for no results.
func Hits(passages []Passage) []Hit {
	out := make([]Hit, len(passages))
	for i, p := range passages {
		out[i] = Hit{DocID: p.DocID, Source: p.Source, Title: p.Title, ChunkID: p.ChunkID, Score: p.Score, Text: p.Chunk.Text}
	}
	return out
}
