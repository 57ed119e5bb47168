package rag

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/rag/zh"
)

func TestScratchSegment(t *testing.T) {
	for _, s := range strings.Split(os.Getenv("QS"), "|") {
		var ws []string
		for _, w := range zh.Segment(s) {
			ws = append(ws, fmt.Sprintf("%s/%s/%d", w.Text, w.Tag, w.Freq))
		}
		q := readQuestion(s)
		fmt.Println(s, "=>", strings.Join(ws, " "), "\n   words", q.words, "names", q.names, "rare", q.rare, "periods", q.periods, "places", q.places)
	}
}
