package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean normalises whitespace and drops trailing page boilerplate.
//
// Whitespace: CRLF and CR become LF; tabs, no-break and ideographic spaces become spaces; runs of
// spaces collapse; lines are trimmed; more than one blank line collapses to one; zero-width
// characters go.
func Clean(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drops leading blank lines
	for _, line := range lines {
		line = collapseSpaces(line)
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, line)
		blank = false
	}
	out = dropTrailingBoilerplate(out)
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func collapseSpaces(line string) string {
	var b strings.Builder
	b.Grow(len(line))
	space := false
	for _, r := range line {
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// boilerplateRunes is the longest line considered page furniture ("我要回帖", "随机推荐",
// "Share this page"): short, and not a sentence.
const boilerplateRunes = 30

// dropTrailingBoilerplate removes the short non-sentence lines that scraped pages end with
// (reply buttons, "more articles" links, "random picks"), but only when they are a small tail of a
// longer text, so a short note made of short lines is kept whole.
func dropTrailingBoilerplate(lines []string) []string {
	end := len(lines)
	for end > 0 {
		l := lines[end-1]
		if l != "" && !isFurniture(l) {
			break
		}
		end--
	}
	var kept, dropped int
	for i, l := range lines {
		if i < end {
			kept += utf8.RuneCountInString(l)
		} else {
			dropped += utf8.RuneCountInString(l)
		}
	}
	if end == 0 || dropped == 0 || kept < 2*dropped {
		return lines
	}
	return lines[:end]
}

func isFurniture(line string) bool {
	if utf8.RuneCountInString(line) > boilerplateRunes {
		return false
	}
	for _, r := range line {
		if strings.ContainsRune("。！？；.!?;:：", r) {
			return false
		}
	}
	return true
}
