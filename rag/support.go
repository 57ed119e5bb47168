package rag

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
)

// This file checks a generated answer's specifics against the passages it cites: a model that
// writes "99%" or a URL found in none of them has made it up, however well it is cited.

// claim is a specific in an answer that a passage must state for the answer to be supported: a
// number, a date, a URL, an e-mail address or a name.
type claim struct {
	kind claimKind
	span Span   // rune offsets in the answer
	text string // as the answer writes it
	keys []string
}

type claimKind int

const (
	claimNumber claimKind = iota
	claimDate
	claimURL
	claimEmail
	claimName
	claimQuoted
)

var (
	urlRE   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'“”‘’()（）\[\]【】{}，。；！？、]+`)
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	// Dates: 2023年5月1日, 2023-05-01, 2023/5, 2023.05.01 and 5月1日.
	dateRE = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?` +
		`|(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?` +
		`|(\d{4})\.(\d{1,2})\.(\d{1,2})` +
		`|(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`)
	// A number, with thousands separators and a decimal part; its unit is read after it.
	numberRE = regexp.MustCompile(`\d+(?:,\d{3})*(?:\.\d+)?`)
	scaleRE  = regexp.MustCompile(`^(?:\s?[百千万亿]+|\s?(?i:thousand|million|billion|trillion)\b)`)
	unitRE   = regexp.MustCompile(`^(?i:km|kg|cm|mm|m|g|t|gb|mb|tb|kb|ms|s|h|min|kw|kwh|mw|gw|x)\b`)
	// Capitalised Latin words in a row: "Midea", "Jeff Immelt", "GE", "Predix".
	nameRE   = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*(?:[-'&.][A-Za-z0-9]+)*(?:[ \t]+[A-Z][A-Za-z0-9]*(?:[-'&.][A-Za-z0-9]+)*)*`)
	quotedRE = regexp.MustCompile(`“([^”\n]{2,60})”|「([^」\n]{2,60})」|《([^》\n]{1,80})》|"([^"\n]{2,60})"`)
	citeRE   = regexp.MustCompile(`\[(\d+)\]`)
)

// maxQuotedRunes bounds a quoted name; a longer quotation is a quote, not a name.
const maxQuotedRunes = 30

// commonCapitalised are words that are not names though written capitalised: words that often
// start an English sentence, months and days, and generic acronyms a model writes for a term the
// passage spells out ("AI" for 人工智能). A capitalised word that starts an English sentence is
// checked only when it is not one of these and is an acronym or the first of several.
var commonCapitalised = wordSet(`a an the this that these those it its in on at for from to of by with
	as if when while where after before since because although though however therefore thus also
	both each every most some many much more less all any no not yes one two three first second
	finally overall so but and or yet there they we you i he she his her our their my your
	according based note see such other another only even
	january february march april may june july august september october november december
	monday tuesday wednesday thursday friday saturday sunday
	ai it ict iot api app ceo cio cto gdp erp crm kpi roi pc vr ar saas paas iaas b2b b2c`)

func wordSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// widthFold maps full-width ASCII (digits, letters, "％", "．") to ASCII, keeping case.
func widthFold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

// foldedText is a text with full-width ASCII folded, and a map from its byte offsets to rune
// offsets, which are the same in the original (the fold maps rune to rune).
type foldedText struct {
	s      string
	runeAt []int // byte offset in s → rune offset
}

func foldText(text string) foldedText {
	var b strings.Builder
	for _, r := range text {
		b.WriteRune(widthFold(r))
	}
	s := b.String()
	runeAt := make([]int, len(s)+1)
	n := 0
	for i, r := range s {
		for j := range utf8.RuneLen(r) {
			runeAt[i+j] = n
		}
		n++
	}
	runeAt[len(s)] = n
	return foldedText{s: s, runeAt: runeAt}
}

func (f foldedText) span(lo, hi int) Span { return Span{f.runeAt[lo], f.runeAt[hi]} }

// numberKey is the canonical form of a number, twelve significant digits, so that "80", "80.0"
// and "８０" agree, and 1.2亿 and 120,000,000 agree once scaled.
func numberKey(v float64) string { return strconv.FormatFloat(v, 'g', 12, 64) }

// scaleOf reads the multiplier written after a number: 万, 亿, 千万, million, ...
func scaleOf(s string) float64 {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "thousand":
		return 1e3
	case "million":
		return 1e6
	case "billion":
		return 1e9
	case "trillion":
		return 1e12
	}
	v := 1.0
	for _, r := range s {
		switch r {
		case '百':
			v *= 1e2
		case '千':
			v *= 1e3
		case '万':
			v *= 1e4
		case '亿':
			v *= 1e8
		}
	}
	return v
}

// numberKeys returns the keys of the number s (its digits, with separators) followed by rest:
// its own value and, when a scale follows, the scaled value. scaleLen is the bytes of rest that
// the scale takes.
func numberKeys(s, rest string) (keys []string, scaleLen int) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		return nil, 0
	}
	keys = []string{numberKey(v)}
	if m := scaleRE.FindString(rest); m != "" {
		keys = append(keys, numberKey(v*scaleOf(m)))
		scaleLen = len(m)
	}
	return keys, scaleLen
}

func dateKeys(m []string) []string {
	num := func(s string) string { n, _ := strconv.Atoi(s); return strconv.Itoa(n) }
	for _, g := range [][3]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}} {
		if m[g[0]] == "" {
			continue
		}
		y, mo := num(m[g[0]]), num(m[g[1]])
		if m[g[2]] == "" {
			return []string{y + "-" + mo}
		}
		d := num(m[g[2]])
		return []string{y + "-" + mo + "-" + d, y + "-" + mo, mo + "-" + d}
	}
	return []string{num(m[10]) + "-" + num(m[11])}
}

// evidence is what the cited passages state, in the forms claims are looked up in.
type evidence struct {
	text    string // folded (lower case, full-width folded) passages, one per line
	compact string // text without white space, for quoted names
	numbers map[string]bool
	dates   map[string]bool
	lang    prompts.Lang
}

func newEvidence(texts []string) *evidence {
	joined := strings.Join(texts, "\n")
	ev := &evidence{numbers: map[string]bool{}, dates: map[string]bool{}, lang: prompts.Detect(joined)}
	var b, c strings.Builder
	for _, r := range joined {
		r = foldRune(r)
		b.WriteRune(r)
		if !unicode.IsSpace(r) {
			c.WriteRune(r)
		}
	}
	ev.text, ev.compact = b.String(), c.String()
	folded := foldText(joined).s
	for _, m := range dateRE.FindAllStringSubmatch(folded, -1) {
		for _, k := range dateKeys(m) {
			ev.dates[k] = true
		}
	}
	// Every number counts here, inside identifiers too, and with and without its scale.
	for _, loc := range numberRE.FindAllStringIndex(folded, -1) {
		keys, _ := numberKeys(folded[loc[0]:loc[1]], folded[loc[1]:])
		for _, k := range keys {
			ev.numbers[k] = true
		}
	}
	return ev
}

func (ev *evidence) supports(c claim) bool {
	switch c.kind {
	case claimNumber:
		return slices.ContainsFunc(c.keys, func(k string) bool { return ev.numbers[k] })
	case claimDate:
		return slices.ContainsFunc(c.keys, func(k string) bool { return ev.dates[k] })
	case claimQuoted:
		return strings.Contains(ev.compact, c.keys[0])
	}
	// URLs, e-mail addresses and names: every key (a name's words) must be in the text.
	for _, k := range c.keys {
		if !strings.Contains(ev.text, k) {
			return false
		}
	}
	return true
}

// claimsOf finds the claims in text, ignoring those that start before rune offset from (a
// label or message wenda wrote itself). Citation markers are not claims. Names and quoted names
// are looked for only when names is set: across languages they are translations, which no
// passage states as written. In English text (english) a capitalised word that starts a
// sentence is a name only when it is an acronym or the first of several.
func claimsOf(text string, from int, names, english bool) []claim {
	f := foldText(text)
	orig := []rune(text)
	masked := []byte(f.s)
	mask := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if masked[i] < utf8.RuneSelf {
				masked[i] = ' '
			}
		}
	}
	var out []claim
	add := func(kind claimKind, lo, hi int, keys []string) {
		sp := f.span(lo, hi)
		if sp.Start >= from && len(keys) > 0 {
			out = append(out, claim{kind: kind, span: sp, text: string(orig[sp.Start:sp.End]), keys: keys})
		}
	}
	for _, loc := range citeRE.FindAllStringIndex(f.s, -1) {
		mask(loc[0], loc[1])
	}
	for _, loc := range urlRE.FindAllStringIndex(string(masked), -1) {
		lo, hi := loc[0], loc[1]
		for hi > lo && strings.ContainsRune(".,;:!?'\"", rune(f.s[hi-1])) {
			hi--
		}
		u := strings.ToLower(f.s[lo:hi])
		u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
		u = strings.TrimSuffix(strings.TrimPrefix(u, "www."), "/")
		add(claimURL, lo, hi, []string{u})
		mask(lo, hi)
	}
	for _, loc := range emailRE.FindAllStringIndex(string(masked), -1) {
		add(claimEmail, loc[0], loc[1], []string{strings.ToLower(f.s[loc[0]:loc[1]])})
		mask(loc[0], loc[1])
	}
	for _, m := range dateRE.FindAllStringSubmatchIndex(string(masked), -1) {
		lo, hi := m[0], m[1]
		if lo > 0 && isASCIIDigit(masked[lo-1]) || hi < len(masked) && isASCIIDigit(masked[hi]) {
			continue
		}
		groups := make([]string, len(m)/2)
		for g := range groups {
			if m[2*g] >= 0 {
				groups[g] = f.s[m[2*g]:m[2*g+1]]
			}
		}
		add(claimDate, lo, hi, dateKeys(groups))
		mask(lo, hi)
	}
	for _, loc := range numberRE.FindAllStringIndex(string(masked), -1) {
		lo, hi := loc[0], loc[1]
		if keys, end, ok := numberClaim(string(masked), lo, hi); ok {
			add(claimNumber, lo, end, keys)
		}
	}
	if !names {
		return out
	}
	for _, m := range quotedRE.FindAllStringSubmatchIndex(f.s, -1) {
		for g := 1; 2*g < len(m); g++ {
			if m[2*g] < 0 {
				continue
			}
			inner := f.s[m[2*g]:m[2*g+1]]
			if utf8.RuneCountInString(inner) > maxQuotedRunes {
				break
			}
			var key strings.Builder
			for _, r := range inner {
				if !unicode.IsSpace(r) {
					key.WriteRune(foldRune(r))
				}
			}
			add(claimQuoted, m[0], m[1], []string{key.String()})
		}
	}
	for _, loc := range nameRE.FindAllStringIndex(string(masked), -1) {
		lo, hi := loc[0], loc[1]
		words := strings.Fields(f.s[lo:hi])
		if english && atSentenceStart(f.s, lo) && len(words) > 0 && (commonCapitalised[strings.ToLower(words[0])] || len(words) == 1 && !isAcronym(words[0])) {
			lo += len(words[0])
			for lo < hi && (f.s[lo] == ' ' || f.s[lo] == '\t') {
				lo++
			}
			words = words[1:]
		}
		words = slices.DeleteFunc(words, func(w string) bool { return commonCapitalised[strings.ToLower(w)] })
		if len(words) == 0 {
			continue
		}
		keys := make([]string, len(words))
		for i, w := range words {
			keys[i] = strings.ToLower(w)
		}
		add(claimName, lo, hi, keys)
	}
	return out
}

// numberClaim decides whether the number at s[lo:hi] is a claim and returns its keys and where
// it ends, its unit included. A digit run inside an identifier ("H100", "v2", "5G") is not a
// number; nor is a lone digit with no unit after it (a list item, "第2", a footnote).
func numberClaim(s string, lo, hi int) ([]string, int, bool) {
	if lo > 0 {
		prev, _ := utf8.DecodeLastRuneInString(s[:lo])
		if isASCIILetter(prev) || prev == '.' || prev == '第' || prev == '_' {
			return nil, 0, false
		}
	}
	rest := s[hi:]
	keys, n := numberKeys(s[lo:hi], rest)
	if keys == nil {
		return nil, 0, false
	}
	end := hi + n
	unit := n > 0
	next, _ := utf8.DecodeRuneInString(s[end:])
	switch {
	case next == '%' || next == '‰':
		end++
		unit = true
	case unit:
	case isASCIILetter(next):
		u := unitRE.FindString(s[end:])
		if u == "" {
			return nil, 0, false // an identifier: "12a", "5G"
		}
		end += len(u)
		unit = true
	case unicode.Is(unicode.Han, next):
		end += utf8.RuneLen(next) // a measure word or unit: 个, 倍, 年, 元
		unit = true
	}
	if hi-lo == 1 && !unit {
		return nil, 0, false
	}
	return keys, end, true
}

// atSentenceStart reports whether byte offset i of s begins a sentence: nothing but white
// space, opening quotes and list markers between it and the start of s, a line break or a
// sentence end.
func atSentenceStart(s string, i int) bool {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case r == '\n' || strings.ContainsRune(sentenceEnds, r) || r == '.' || r == ':' || r == '：':
			return true
		case unicode.IsSpace(r) || strings.ContainsRune(`"'“‘「『(（-*•`, r):
			i -= n
		default:
			return false
		}
	}
	return true
}

func isAcronym(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, r := range w {
		if !('A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

func isASCIIDigit(b byte) bool  { return '0' <= b && b <= '9' }
func isASCIILetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

// supportCheck is the result of checking an answer's claims.
type supportCheck struct {
	unsupported []claim
	text        string   // the answer with the sentences holding them dropped
	sources     []Source // its sources, renumbered as its [n] markers are
	dropped     bool     // whether any sentence was dropped
}

// checkSupport checks the claims of text from rune offset from on against the cited sources,
// and works out the text without the sentences that hold unsupported claims, its citations
// renumbered in order of first citation and the sources no longer cited left out, until what is
// left is supported by what it still cites. The text before from is kept as is.
func checkSupport(text string, from int, sources []Source) supportCheck {
	texts := make([]string, len(sources))
	for i, s := range sources {
		texts[i] = s.Text
	}
	ev := newEvidence(texts)
	lang := prompts.Detect(text)
	names := len(sources) == 0 || lang == ev.lang
	res := supportCheck{text: text, sources: sources}
	for _, c := range claimsOf(text, from, names, lang == prompts.English) {
		if !ev.supports(c) {
			res.unsupported = append(res.unsupported, c)
		}
	}
	if len(res.unsupported) == 0 {
		return res
	}
	slices.SortStableFunc(res.unsupported, func(a, b claim) int { return a.span.Start - b.span.Start })
	runes := []rune(text)
	spans := Sentences(runes)
	// Each sentence runs to the start of the next, and takes the citations that follow its
	// end ("……80%。[1]") along.
	bounds := make([]int, 0, len(spans)+1)
	for i, sp := range spans {
		start := sp.Start
		if i == 0 {
			start = 0
		}
		for i > 0 {
			n := citeLen(runes[start:])
			if n == 0 {
				break
			}
			start += n
		}
		bounds = append(bounds, start)
	}
	bounds = append(bounds, len(runes))
	drop := make([]bool, len(spans))
	for _, c := range res.unsupported {
		for i := range spans {
			if bounds[i] <= c.span.Start && c.span.Start < bounds[i+1] && bounds[i+1] > from {
				drop[i], res.dropped = true, true
			}
		}
	}
	var rest strings.Builder
	for i := range spans {
		lo, hi := max(bounds[i], from), bounds[i+1]
		if !drop[i] && lo < hi {
			rest.WriteString(string(runes[lo:hi]))
		}
	}
	kept := strings.TrimRightFunc(rest.String(), unicode.IsSpace)
	if from == 0 {
		kept = strings.TrimLeftFunc(kept, unicode.IsSpace)
	}
	kept = string(runes[:min(from, len(runes))]) + kept
	// Renumber what is still cited.
	renum := map[int]int{}
	res.sources = []Source{}
	res.text = citeRE.ReplaceAllStringFunc(kept, func(m string) string {
		n, _ := strconv.Atoi(m[1 : len(m)-1])
		if n < 1 || n > len(sources) {
			return m
		}
		k, ok := renum[n]
		if !ok {
			k = len(res.sources) + 1
			renum[n] = k
			s := sources[n-1]
			s.N = k
			res.sources = append(res.sources, s)
		}
		return "[" + strconv.Itoa(k) + "]"
	})
	// A kept sentence may have been supported only by a source that a dropped one cited.
	if again := checkSupport(res.text, from, res.sources); len(again.unsupported) > 0 {
		res.unsupported = append(res.unsupported, again.unsupported...)
		res.text, res.sources = again.text, again.sources
	}
	return res
}

// citeLen returns the length in runes of the citation marker "[n]" that runes begin with, or 0.
func citeLen(runes []rune) int {
	if len(runes) < 3 || runes[0] != '[' {
		return 0
	}
	for i := 1; i < len(runes) && i <= maxCiteRunes; i++ {
		switch r := runes[i]; {
		case r == ']' && i > 1:
			return i + 1
		case r < '0' || r > '9':
			return 0
		}
	}
	return 0
}

// spans returns the unsupported claims as written, once each, in order.
func (r supportCheck) spans() []string {
	var out []string
	for _, c := range r.unsupported {
		if !slices.Contains(out, c.text) {
			out = append(out, c.text)
		}
	}
	return out
}
