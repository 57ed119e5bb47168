package bot

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag"
)

// MaxMessageUnits is Telegram's limit on a message's text after entity parsing, in UTF-16 code
// units (an emoji outside the BMP counts two).
const MaxMessageUnits = 4096

// outMessage is one message to send: its HTML form and the plain text sent instead when
// Telegram rejects the markup. Both show the same characters.
type outMessage struct {
	HTML  string
	Plain string
}

// utf16Len counts s in UTF-16 code units, as Telegram does.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // invalid bytes decode to U+FFFD: one unit, as Telegram sees them
	}
	return n
}

// prefixUnits returns the byte length of the longest prefix of s that is at most limit UTF-16
// units, ending on a rune boundary (so a surrogate pair is never split).
func prefixUnits(s string, limit int) int {
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > limit {
			return i
		}
	}
	return len(s)
}

// sentenceEnd reports whether the rune r at s[i:i+size] ends a sentence: Chinese 。！？；, or
// !?; , or a full stop followed by a space, a line break or the end (never the "." in "7.88").
func sentenceEnd(s string, i int, r rune, size int) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '…':
		return true
	case '.':
		if i+size == len(s) {
			return true
		}
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		return unicode.IsSpace(next)
	}
	return false
}

// joiner reports whether r binds to the rune before it (a zero-width joiner, a variation
// selector, an emoji skin-tone modifier or a combining mark), so a cut before it would split
// what a reader sees as one character.
func joiner(r rune) bool {
	return r == '\u200d' || (r >= '\ufe00' && r <= '\ufe0f') || (r >= 0x1f3fb && r <= 0x1f3ff) ||
		unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)
}

// splitText splits s into pieces of at most limit UTF-16 units each, cutting at the last
// paragraph break that fits, else the last line break, else the last sentence end, else the
// last space, else between two visible characters. Pieces are trimmed of surrounding white
// space; empty pieces are dropped.
func splitText(s string, limit int) []string {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		if utf16Len(s) <= limit {
			out = append(out, s)
			break
		}
		cut := cutPoint(s, prefixUnits(s, limit))
		piece := strings.TrimSpace(s[:cut])
		if piece != "" {
			out = append(out, piece)
		}
		s = strings.TrimSpace(s[cut:])
	}
	return out
}

// cutPoint picks where to end a piece within s[:max]. A boundary in the first quarter is
// passed over for a better-filled message at the next kind of boundary.
func cutPoint(s string, max int) int {
	head := s[:max]
	floor := max / 4
	if i := strings.LastIndex(head, "\n\n"); i > floor {
		return i + 2
	}
	if i := strings.LastIndex(head, "\n"); i > floor {
		return i + 1
	}
	best := -1
	for i, r := range head {
		size := utf8.RuneLen(r)
		if sentenceEnd(s, i, r, size) && i+size <= max {
			best = i + size
		}
	}
	if best > floor {
		return closeBracket(s, best, max)
	}
	// Clause boundaries: Chinese commas, and an ASCII comma that is not inside a number.
	best = -1
	for i, r := range head {
		size := utf8.RuneLen(r)
		if r == '，' || r == '、' || r == '：' || (r == ',' && !(i > 0 && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1]))) {
			best = i + size
		}
	}
	if best > floor {
		return best
	}
	if i := strings.LastIndexFunc(head, unicode.IsSpace); i > floor {
		return i + 1
	}
	// Hard cut: step back over runes that bind to their predecessor, out of a regional-indicator
	// pair (a flag), and out of a run of ASCII letters and digits ("7.88").
	cut := max
	for back := 0; back < 32 && cut > 0; back++ {
		r, _ := utf8.DecodeRuneInString(s[cut:])
		prev, size := utf8.DecodeLastRuneInString(s[:cut])
		if !joiner(r) && prev != '\u200d' && !(regional(r) && regional(prev)) && !(word(r) && word(prev)) {
			break
		}
		cut -= size
	}
	if cut == 0 {
		cut = max
	}
	if cut == 0 { // limit smaller than the first rune: take it whole
		_, size := utf8.DecodeRuneInString(s)
		cut = size
	}
	return cut
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// regional reports a regional-indicator symbol; two make a flag.
func regional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// word reports runes of an ASCII word or number, which a hard cut avoids splitting.
func word(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '%' || r == '_' || r == '-')
}

// closeBracket keeps a citation marker right after a sentence end ("…80%。[1]") with its
// sentence, as long as that still fits.
func closeBracket(s string, cut, max int) int {
	if m := markerRE.FindStringIndex(s[cut:]); m != nil && m[0] == 0 && cut+m[1] <= max {
		return cut + m[1] // ASCII: bytes are UTF-16 units
	}
	return cut
}

var markerRE = regexp.MustCompile(`\[(\d{1,3})\]`)

// citedNumbers returns the marker numbers text uses.
func citedNumbers(text string) map[int]bool {
	used := map[int]bool{}
	for _, m := range markerRE.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		used[n] = true
	}
	return used
}

// citedSources returns the sources whose [n] marker text uses, ordered by n: a source the
// answer does not cite is never listed under it.
func citedSources(text string, sources []rag.Source) []rag.Source {
	used := citedNumbers(text)
	var out []rag.Source
	for _, s := range sources {
		if used[s.N] {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b rag.Source) int { return a.N - b.N })
	return out
}

// sourceLine renders one entry of the source list: number, bold title (linked when the source
// has a web address), section and page.
func sourceLine(s rag.Source, l lang) (htmlLine, plain string) {
	title := truncateRunes(strings.TrimSpace(s.Title), 120)
	if title == "" {
		title = truncateRunes(s.Source, 120)
	}
	if title == "" {
		title = s.DocID
	}
	var extra []string
	if len(s.Section) > 0 {
		extra = append(extra, truncateRunes(strings.Join(s.Section, " › "), 120))
	}
	if s.Page > 0 {
		extra = append(extra, fmt.Sprintf(msg(l, "page"), s.Page))
	}
	tail := ""
	if len(extra) > 0 {
		tail = " · " + strings.Join(extra, " · ")
	}
	num := fmt.Sprintf("[%d] ", s.N)
	t := "<b>" + html.EscapeString(title) + "</b>"
	plain = num + title + tail
	if u := linkURL(s.URL); u != "" {
		t = `<a href="` + html.EscapeString(u) + `">` + t + "</a>"
		plain += " " + u
	}
	return num + t + html.EscapeString(tail), plain
}

// linkURL returns u when it is a web address Telegram will accept in a link.
func linkURL(u string) string {
	u = strings.TrimSpace(u)
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return u
	}
	return ""
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// line is a piece of a message in both forms.
type line struct{ html, plain string }

// renderAnswer turns an answer into the messages to send: the text, escaped and split at
// paragraph or sentence boundaries, then the list of the sources it cites under the last part
// (or in messages of its own when it does not fit). Every message is at most limit UTF-16 units.
func renderAnswer(ans *rag.Answer, l lang, limit int) []outMessage {
	var out []outMessage
	for _, p := range splitText(ans.Text, limit) {
		out = append(out, outMessage{HTML: html.EscapeString(p), Plain: p})
	}
	cited := citedSources(ans.Text, ans.Sources)
	if len(cited) == 0 {
		if len(out) == 0 {
			return []outMessage{{HTML: html.EscapeString(msg(l, "empty_answer")), Plain: msg(l, "empty_answer")}}
		}
		return out
	}
	heading := msg(l, "sources_heading")
	lines := []line{{"<b>" + html.EscapeString(heading) + "</b>", heading}}
	for _, s := range cited {
		h, p := sourceLine(s, l)
		lines = append(lines, line{h, p})
	}
	return appendLines(out, lines, limit, "\n\n")
}

// appendLines adds lines under the last message (after sep) while they fit, and starts new
// messages for the rest. A line longer than limit is split as text.
func appendLines(out []outMessage, lines []line, limit int, sep string) []outMessage {
	var cur outMessage
	if len(out) > 0 {
		cur, out = out[len(out)-1], out[:len(out)-1]
	}
	for i, ln := range lines {
		if utf16Len(ln.plain) > limit {
			if cur.Plain != "" {
				out = append(out, cur)
				cur = outMessage{}
			}
			for _, p := range splitText(ln.plain, limit) {
				out = append(out, outMessage{HTML: html.EscapeString(p), Plain: p})
			}
			continue
		}
		join := "\n"
		if i == 0 {
			join = sep
		}
		first := outMessage{HTML: strings.TrimLeft(ln.html, "\n"), Plain: strings.TrimLeft(ln.plain, "\n")}
		if cur.Plain == "" {
			cur = first
			continue
		}
		if utf16Len(cur.Plain)+utf16Len(join)+utf16Len(ln.plain) > limit {
			out = append(out, cur)
			cur = first
			continue
		}
		cur.HTML += join + ln.html
		cur.Plain += join + ln.plain
	}
	if cur.Plain != "" {
		out = append(out, cur)
	}
	return out
}

// renderSources is the /sources reply: every source of the last answer with a snippet.
func renderSources(ans *rag.Answer, l lang, limit int) []outMessage {
	var lines []line
	lines = append(lines, line{"<b>" + html.EscapeString(msg(l, "sources_full")) + "</b>", msg(l, "sources_full")})
	srcs := slices.Clone(ans.Sources)
	slices.SortStableFunc(srcs, func(a, b rag.Source) int { return a.N - b.N })
	for _, s := range srcs {
		h, p := sourceLine(s, l)
		snippet := truncateRunes(strings.Join(strings.Fields(s.Text), " "), 300)
		ref := s.ChunkID
		if ref == "" {
			ref = s.DocID
		}
		lines = append(lines, line{
			html:  "\n" + h + "\n<i>" + html.EscapeString(ref) + "</i>\n" + html.EscapeString(snippet),
			plain: "\n" + p + "\n" + ref + "\n" + snippet,
		})
	}
	return appendLines(nil, lines, limit, "\n")
}

// plainMessages renders a bot string (no markup) as messages.
func plainMessages(text string, limit int) []outMessage {
	var out []outMessage
	for _, p := range splitText(text, limit) {
		out = append(out, outMessage{HTML: html.EscapeString(p), Plain: p})
	}
	return out
}
