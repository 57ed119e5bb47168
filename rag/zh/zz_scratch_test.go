package zh

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZSeg(t *testing.T) {
	for _, q := range strings.Split(os.Getenv("Q"), "|") {
		fmt.Println(q, Segment(q))
	}
}
