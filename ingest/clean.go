package ingest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean normalises whitespace and drops the page furniture that scraped pages end with (see
// dropTrailingBoilerplate); any other short closing lines are content and stay.
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

// Page furniture is trimmed only where it is provably furniture, since a short last line is as
// likely content (a product list, a table row, "此致 敬礼") as a button. A line is furniture when it
// is one of the labels below or a bare link; a list of short lines is furniture when it sits under
// one of the list headings ("随机推荐", "Related posts"), which is what scraped pages end with.
// Only the end of a text is trimmed; the same words in the middle are content.

// furnitureLabels are whole lines that are buttons or navigation on web pages, compared after
// lower-casing.
var furnitureLabels = map[string]bool{
	"我要回帖": true, "我要评论": true, "发表评论": true, "返回顶部": true, "返回首页": true,
	"分享到": true, "举报": true, "收藏": true, "点赞": true, "阅读原文": true, "扫一扫": true,
	"share this": true, "share this page": true, "share": true, "back to top": true,
	"leave a reply": true, "leave a comment": true, "print this page": true,
}

// furnitureHeadings introduce a list of links to other pages; the short lines under them go too.
var furnitureHeadings = map[string]bool{
	"随机推荐": true, "猜你喜欢": true, "相关文章": true, "相关阅读": true, "推荐阅读": true,
	"热门文章": true, "相关问题": true, "related posts": true, "related articles": true,
	"you may also like": true, "more articles": true, "read more": true,
}

var (
	// moreAboutHeading is a tag page's "更多关于 数字化智能化 的文章".
	moreAboutHeading = regexp.MustCompile(`^更多关于.{1,30}的(文章|内容|问题|资讯)$`)
	// prevNextLink is "上一篇:标题" / "Next post: title".
	prevNextLink = regexp.MustCompile(`(?i)^(上一篇|下一篇|previous post|next post)\s*[:：]`)
	// bareLink is a line that is only a URL.
	bareLink = regexp.MustCompile(`^(https?://|www\.)\S+$`)
)

// furnitureEntryRunes is the longest line taken as an entry of a list of links (a page title);
// maxFurnitureEntries is the longest such list: a longer run of lines is a text, not a widget.
const (
	furnitureEntryRunes = 40
	maxFurnitureEntries = 30
)

// dropTrailingBoilerplate removes page furniture from the end of the text (see furnitureLabels),
// but never all of it: a text that is nothing but such lines is kept whole.
func dropTrailingBoilerplate(lines []string) []string {
	end := len(lines)
	for {
		for end > 0 && lines[end-1] == "" {
			end--
		}
		if end == 0 {
			return lines
		}
		if isFurnitureLine(lines[end-1]) || isFurnitureHeading(lines[end-1]) {
			end--
			continue
		}
		// A list of short entries under a furniture heading.
		k, entries := end-1, 0
		for k >= 0 && entries <= maxFurnitureEntries && !isFurnitureHeading(lines[k]) &&
			(lines[k] == "" || utf8.RuneCountInString(lines[k]) <= furnitureEntryRunes) {
			if lines[k] != "" {
				entries++
			}
			k--
		}
		if k >= 0 && entries <= maxFurnitureEntries && isFurnitureHeading(lines[k]) {
			end = k
			continue
		}
		break
	}
	return lines[:end]
}

func isFurnitureLine(line string) bool {
	return furnitureLabels[strings.ToLower(line)] || prevNextLink.MatchString(line) || bareLink.MatchString(line)
}

func isFurnitureHeading(line string) bool {
	return furnitureHeadings[strings.ToLower(strings.TrimRight(line, ":："))] || moreAboutHeading.MatchString(line)
}
