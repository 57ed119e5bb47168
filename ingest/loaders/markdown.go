package loaders

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// atxHeading matches "## Title ##": up to three spaces of indent, 1-6 hashes, an optional
	// closing run of hashes.
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	// setextUnderline matches the "===" or "---" line under a setext heading.
	setextUnderline = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	// fence opens or closes a fenced code block.
	fence = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	// mdImage is ![alt](target) or ![alt][ref]; images carry no text worth indexing.
	mdImage = regexp.MustCompile(`!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])`)
	// mdLink is [text](target) or [text][ref]; the text stays, the target goes.
	mdLink = regexp.MustCompile(`\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])`)
	// linkDefinition is a "[ref]: https://..." line, which renders as nothing.
	linkDefinition = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s+\S`)
)

// loadMarkdown splits a Markdown file into sections by its ATX and setext headings. Code blocks and
// lists stay as text; front matter, images and link targets go.
func loadMarkdown(_ string, data []byte, b *budget) ([]Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	lines = stripFrontMatter(lines)

	var (
		doc     Document
		heads   outline
		body    []string // lines of the current section
		fenceOf string   // the fence that opened the current code block, "" outside one
	)
	flush := func() {
		text := strings.TrimSpace(strings.Join(body, "\n"))
		if text != "" {
			doc.Sections = append(doc.Sections, Section{Path: heads.current(), Text: text})
		}
		body = body[:0]
	}
	heading := func(level int, title string) {
		flush()
		title = inlineMarkdown(strings.TrimSpace(title))
		if level == 1 && doc.Title == "" {
			doc.Title = title
		}
		heads.enter(level, title)
	}
	for _, line := range lines {
		if err := b.tick(); err != nil {
			return nil, err
		}
		if m := fence.FindStringSubmatch(line); m != nil {
			switch {
			case fenceOf == "":
				fenceOf = m[1]
				continue
			case m[1][0] == fenceOf[0] && len(m[1]) >= len(fenceOf) &&
				strings.TrimSpace(line[strings.Index(line, m[1])+len(m[1]):]) == "":
				fenceOf = ""
				continue
			}
		}
		if fenceOf != "" {
			body = append(body, line)
			continue
		}
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			heading(len(m[1]), m[2])
			continue
		}
		if m := setextUnderline.FindStringSubmatch(line); m != nil && len(body) > 0 &&
			strings.TrimSpace(body[len(body)-1]) != "" && !isListItem(body[len(body)-1]) {
			// The heading text is the paragraph just above the underline.
			start := len(body)
			for start > 0 && strings.TrimSpace(body[start-1]) != "" {
				start--
			}
			title := strings.Join(trimAll(body[start:]), " ")
			body = body[:start]
			level := 1
			if m[1][0] == '-' {
				level = 2
			}
			heading(level, title)
			continue
		}
		if linkDefinition.MatchString(line) {
			continue
		}
		body = append(body, inlineMarkdown(line))
	}
	flush()
	if len(doc.Sections) == 0 {
		return nil, fmt.Errorf("markdown has no text: %w", ErrNoText)
	}
	return []Document{doc}, nil
}

// stripFrontMatter drops a YAML ("---") or TOML ("+++") block that opens the file.
func stripFrontMatter(lines []string) []string {
	if len(lines) == 0 {
		return lines
	}
	open := strings.TrimSpace(lines[0])
	if open != "---" && open != "+++" {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == open || (open == "---" && l == "...") {
			return lines[i+1:]
		}
	}
	return lines // no closing line: not front matter after all
}

// inlineMarkdown drops images and keeps only the text of links.
func inlineMarkdown(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	s = mdImage.ReplaceAllString(s, "")
	return mdLink.ReplaceAllString(s, "$1")
}

func isListItem(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "+ ")
}

func trimAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return out
}
