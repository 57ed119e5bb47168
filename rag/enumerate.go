package rag

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file gathers an enumerated list that a sentence announces: "我们给出数字化转型的四类难点。"
// is followed by "一是技术类难点……", then paragraphs about it, then "二是模式难点……", and so
// on for a page or more. The items, not the paragraphs between them, answer "有哪四类难点?".

// maxEnumerationRunes bounds how far after the announcing sentence the items are looked for.
const maxEnumerationRunes = 4000

// maxEnumerationItems is the most items quoted; longer lists are cut off there.
const maxEnumerationItems = 8

var ordinalDigits = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// itemOpeners returns what a sentence opening the list's n-th item (from 0) may start with.
func itemOpeners(n int) []string {
	if n >= len(ordinalDigits) {
		return nil
	}
	d, a := ordinalDigits[n], strconv.Itoa(n+1)
	out := []string{d + "是", "第" + d, "其" + d, d + "、", "(" + a + ")", "（" + a + "）", a + "、", a + ".", a + "．"}
	if n < 9 {
		out = append(out, "0"+a+"、") // "01、希望之巅……"
	}
	switch n {
	case 0:
		out = append(out, "首先")
	case 1:
		out = append(out, "其次")
	default:
		out = append(out, "再次", "最后")
	}
	return out
}

// opensItem reports whether a sentence opens the list's n-th item.
func opensItem(text string, n int) bool {
	text = strings.TrimLeft(text, " \t\n\u3000")
	for _, o := range itemOpeners(n) {
		if strings.HasPrefix(text, o) {
			return true
		}
	}
	return false
}

// announcedCount is the number of items a sentence announces ("四类难点" → 4), 0 when it names
// none or an unknown number ("几点").
func announcedCount(s string) int {
	n, _ := countedItems(s)
	return n
}

// countedItems finds a count of list items in s ("四类", "3个", "几点"): ok when there is one,
// n its number (0 for 几).
func countedItems(s string) (n int, ok bool) {
	runes := []rune(s)
	for i := 0; i+1 < len(runes); i++ {
		if !strings.ContainsRune("类种个点大项条步方阶", runes[i+1]) {
			continue
		}
		switch r := runes[i]; {
		case r == '两':
			return 2, true
		case r >= '2' && r <= '9':
			return int(r - '0'), true
		case r == '几':
			return 0, true
		default:
			if n := slices.Index(ordinalDigits, string(r)); n >= 1 {
				return n + 1, true
			}
		}
	}
	return 0, false
}

// enumeration returns the items a list-announcing sentence introduces, read on through the
// document's next chunks, and the passages extended with the chunks the items were found in
// (so that each can be cited). It returns no items when fewer than two follow in order.
func (e *Engine) enumeration(passages []Passage, lead sentence) ([]Passage, []sentence) {
	want := announcedCount(lead.text)
	if want == 0 {
		want = maxEnumerationItems
	}
	want = min(want, maxEnumerationItems)
	ps := slices.Clone(passages)
	var items []sentence
	pi, from, read := lead.passage, lead.end, 0
	for read < maxEnumerationRunes && len(items) < want {
		runes := []rune(ps[pi].Chunk.Text)
		for _, sp := range Sentences(runes) {
			if sp.Start < from {
				continue
			}
			t := string(runes[sp.Start:sp.End])
			if len(items) < want && opensItem(t, len(items)) {
				items = append(items, sentence{passage: pi, start: sp.Start, end: sp.End, text: t, folded: FoldText(t), subject: lead.subject})
			}
		}
		read += utf8.RuneCountInString(ps[pi].Chunk.Text) - from
		if len(items) == 0 && read > maxQuoteRunes*2 {
			break // no first item right after the announcement: it announced something else
		}
		next, ok := e.Store.nextChunk(ps[pi])
		if !ok {
			break
		}
		// The chunks overlap: start after what this chunk already holds.
		from = max(0, ps[pi].Chunk.End-next.Chunk.Start)
		if i := slices.IndexFunc(ps, func(p Passage) bool { return p.ChunkID == next.ChunkID }); i >= 0 {
			pi = i
		} else {
			ps = append(ps, next)
			pi = len(ps) - 1
		}
	}
	if len(items) < 2 {
		return passages, nil
	}
	return ps, items
}

// opensNextItem reports whether a sentence opens a list's second or later item: it belongs to
// the next point, not to an explanation of the one before.
func opensNextItem(text string) bool {
	for n := 1; n < len(ordinalDigits); n++ {
		if opensItem(text, n) {
			return true
		}
	}
	return false
}
