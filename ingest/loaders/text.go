package loaders

import (
	"fmt"
	"strings"
)

// loadText reads a plain-text file in any encoding decodeText knows, as one section.
func loadText(_ string, data []byte, _ *budget) ([]Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty text: %w", ErrNoText)
	}
	return []Document{{Sections: []Section{{Text: s}}}}, nil
}
