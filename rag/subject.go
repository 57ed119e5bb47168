package rag

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds what a sentence is about when the sentence does not say. Documents name their
// subject once and then write "全省……": in the sample, each province's plan names the province
// only in its first sentence. A quoted sentence must carry its subject, and a question about
// 江苏 must not be answered with a sentence about 广东.

// regions are China's provinces, municipalities, autonomous regions and special administrative
// regions by their short names; regionSuffixes are the endings of their full names.
var regions = strings.Fields(`北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
	广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门`)

// countries are the countries and unions documents in Chinese most often write about (with
// the names Taiwan and older texts use: 义大利, 纽西兰, 俄国): a
// paragraph opening "(1)美国致力于……" is about the United States until the next one opens.
// 中国 is not one: documents written in China name it in passing everywhere ("武汉中国软件特色
// 名城" is in Hubei's plan), and placeAliases handles a question about it.
var countries = strings.Fields(`美国 英国 法国 德国 日本 韩国 朝鲜 俄罗斯 印度 加拿大 澳大利亚 新西兰 意大利 西班牙 葡萄牙
	荷兰 比利时 瑞士 瑞典 挪威 丹麦 芬兰 爱尔兰 奥地利 波兰 希腊 土耳其 以色列 沙特 阿联酋 伊朗 埃及 南非 巴西 阿根廷 墨西哥
	智利 新加坡 马来西亚 泰国 越南 印度尼西亚 印尼 菲律宾 巴基斯坦 欧盟 俄国 苏联 澳洲 义大利 纽西兰`)

// regionsByRune indexes regions by their first character, for finding them in a sentence in
// one pass.
var regionsByRune = map[rune][]string{}

func init() {
	regions = append(regions, countries...)
	for _, r := range regions {
		first, _ := utf8.DecodeRuneInString(r)
		regionsByRune[first] = append(regionsByRune[first], r)
	}
}

var regionSuffixes = []string{"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"}

// placeName returns the region's short name when word names one ("江苏省" → "江苏").
func placeName(word string) (string, bool) {
	first, _ := utf8.DecodeRuneInString(word)
	for _, r := range regionsByRune[first] {
		if word == r {
			return r, true
		}
		if rest, ok := strings.CutPrefix(word, r); ok {
			for _, s := range regionSuffixes {
				if rest == s {
					return r, true
				}
			}
		}
	}
	return "", false
}

// placeAliases are the ways documents written in China refer to the country itself.
var placeAliases = map[string][]string{"中国": {"我国", "国内", "全国", "中国"}, "全球": {"全球", "全世界", "世界"}}

// mentionsPlace reports whether text names place or one of its aliases.
func mentionsPlace(text, place string) bool {
	if aliases, ok := placeAliases[place]; ok {
		for _, a := range aliases {
			if strings.Contains(text, a) {
				return true
			}
		}
		return false
	}
	return strings.Contains(text, place)
}

// leadingRegion returns the region a sentence opens with, as written with its suffix
// ("广东省“十四五”期间,…" → "广东省"), or "" when it opens with something else. Leading list
// numbers and punctuation are skipped.
func leadingRegion(sentence string) string {
	s := strings.TrimLeftFunc(sentence, func(r rune) bool { return !isCJK(r) })
	marked := len(s) < len(strings.TrimSpace(sentence)) // "(1)美国……", "2、韩国……"
	for _, r := range regions {
		rest, ok := strings.CutPrefix(s, r)
		if !ok {
			continue
		}
		if slices.Contains(countries, r) && !marked {
			// "美国数字化转型专家……" describes a person, "美国致力于……" is about the country:
			// only a country that opens an item, or is followed by a verb's particle, is a
			// subject that carries over.
			next, _ := utf8.DecodeRuneInString(rest)
			if !strings.ContainsRune(countryFollowers, next) {
				return ""
			}
		}
		for _, suf := range regionSuffixes {
			if strings.HasPrefix(rest, suf) {
				return r + suf
			}
		}
		return r
	}
	return ""
}

// subjectLookback is how far back, in runes, a subject is looked for: the sample's province
// plans run to about 2,500 characters each.
const subjectLookback = 4000

// subjectBefore returns the region the text before a chunk last opened a sentence with: the
// subject that "全省……" refers to. It is worked out once per chunk (reading up to 4,000 runes
// back was half of an answer on the sample) and kept until the document is replaced. The
// caller holds s.mu.
func (s *Store) subjectBefore(p Passage) lead {
	doc := s.docs[p.DocID]
	if doc == nil || p.Chunk.Index >= len(doc.Chunks) {
		return lead{}
	}
	key := subjectKey{doc.ID, doc.Hash, p.Chunk.Index}
	s.subjects.Lock()
	defer s.subjects.Unlock()
	if subject, ok := s.subjects.m[key]; ok {
		return subject
	}
	if s.subjects.m == nil || len(s.subjects.m) >= maxCachedSubjects {
		s.subjects.m = map[subjectKey]lead{} // replaced documents' entries go with the rest
	}
	subject := findSubjectBefore(doc, p.Chunk.Index, p.Chunk.Start)
	s.subjects.m[key] = subject
	return subject
}

// subjectKey names a chunk of one version of a document: by id and content hash, not by
// pointer, so that the cache holds no replaced document in memory.
type subjectKey struct {
	doc, hash string
	chunk     int
}

// maxCachedSubjects bounds the subject cache: 100,000 entries are a few MB.
const maxCachedSubjects = 100_000

// lead is what the sentence that opened a paragraph with a region says the paragraph is about:
// the region, and the five-year plans it names ("江西省“十四五”期间,……": 江西省, 十四五), which
// the plan's later sentences do not repeat either.
type lead struct {
	region  string
	periods string // space-separated, folded
	// earlier are the periods the paragraph last named before the chunk, whatever its region:
	// an article on the 十四五 plan names it in its heading and its first points, and the
	// points after them are still about it.
	earlier string
}

// leadOf is the lead a sentence opens, or the zero lead when it names no region first.
func leadOf(text string) lead {
	r := leadingRegion(text)
	if r == "" {
		return lead{}
	}
	return lead{region: r, periods: strings.Join(periodsIn(FoldText(text)), " ")}
}

// findSubjectBefore reads back from rune offset end of doc, starting at chunk k, for the lead
// of the region the text is about and the periods its paragraph named last.
func findSubjectBefore(doc *Document, k, end int) lead {
	before := textBefore(doc, k, end, subjectLookback)
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:] // a subject holds within its paragraph
	}
	runes := []rune(before)
	spans := evidenceSpans(runes)
	var subject lead
	regionRead := false
	for i := len(spans) - 1; i >= 0 && (!regionRead || subject.earlier == ""); i-- {
		text := string(runes[spans[i].Start:spans[i].End])
		if subject.earlier == "" {
			subject.earlier = strings.Join(periodsIn(FoldText(text)), " ")
		}
		if regionRead {
			continue
		}
		if l := leadOf(text); l.region != "" {
			subject.region, subject.periods, regionRead = l.region, l.periods, true
		} else if opensSection(text) || leadsWithCountry(text) {
			regionRead = true // a new section, or a sentence about the whole country, ends the subject
		}
	}
	return subject
}

// countryFollowers are characters after which a country that opens a sentence is its subject
// ("美国已……", "德国为……", "日本于……").
const countryFollowers = "在已于为是将也则对把从还曾正早"

// namesAnotherCountry reports whether text is about somewhere other than China: another
// country, or the world.
func namesAnotherCountry(text string) bool {
	return containsAny(text, []string{"全球", "世界", "国外", "海外", "外国", "各国"}) ||
		namesRegion(withoutAnalogies(text), func(name string) bool { return slices.Contains(countries, name) })
}

// analogyMarks open a comparison: "历时可能类似西班牙大流感" likens the epidemic to the Spanish
// flu, and is not about Spain.
var analogyMarks = []string{"类似于", "类似", "如同", "好比", "犹如", "宛如"}

// withoutAnalogies blanks the word after each analogy mark, up to the next punctuation.
func withoutAnalogies(text string) string {
	for _, m := range analogyMarks {
		for {
			i := strings.Index(text, m)
			if i < 0 {
				break
			}
			rest := text[i+len(m):]
			end := strings.IndexFunc(rest, func(r rune) bool { return !isCJK(r) })
			if end < 0 {
				end = len(rest)
			}
			text = text[:i] + strings.Repeat(" ", len(m)+end) + rest[end:]
		}
	}
	return text
}

// leadsWithCountry reports whether a sentence opens by saying it is about the country as a
// whole ("从国内来看,……", "我国……"): a province or country named before no longer holds.
func leadsWithCountry(text string) bool {
	s := strings.TrimLeftFunc(text, func(r rune) bool { return !isCJK(r) })
	for _, p := range []string{"从", "在"} {
		s = strings.TrimPrefix(s, p)
	}
	for _, a := range []string{"我国", "国内", "中国", "全国"} {
		if strings.HasPrefix(s, a) {
			return true
		}
	}
	return false
}

// opensSection reports whether a sentence starts with a section number scraped into the text
// ("2、国内政策现状", "03、数字疗法产业", "三、"): what came before was another section's.
func opensSection(text string) bool {
	text = strings.TrimSpace(text)
	i := 0 // numerals read, and the rune after them is text's first
	for i < 3 && text != "" {
		r, n := utf8.DecodeRuneInString(text)
		if !unicode.IsDigit(r) && !strings.ContainsRune(cjkNumerals, r) {
			break
		}
		text = text[n:]
		i++
	}
	r, _ := utf8.DecodeRuneInString(text)
	return i > 0 && text != "" && (r == '、' || r == '．')
}

// textBefore returns up to n runes of doc's text before rune offset end, rebuilt from its
// (overlapping) chunks, starting the walk back at chunk k.
func textBefore(doc *Document, k, end, n int) string {
	lo := max(0, end-n)
	hi := end
	var parts []string
	for ; k >= 0 && hi > lo; k-- {
		ch := doc.Chunks[k]
		if ch.Start >= hi {
			continue
		}
		runes := []rune(ch.Text)
		from := max(ch.Start, lo)
		a, b := from-ch.Start, min(hi-ch.Start, len(runes))
		if a < b {
			parts = append(parts, string(runes[a:b]))
		}
		hi = from
	}
	var sb strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		sb.WriteString(parts[i])
	}
	return sb.String()
}

// namesSubject reports whether sentence names a region itself, so needs no subject prefix.
func namesSubject(sentence string) bool {
	return namesRegion(sentence, func(string) bool { return true })
}

// namesRegion reports whether text names a region for which keep holds, in one pass.
func namesRegion(text string, keep func(region string) bool) bool {
	for i, r := range text {
		for _, name := range regionsByRune[r] {
			if keep(name) && strings.HasPrefix(text[i:], name) {
				return true
			}
		}
	}
	return false
}

// withSubject prefixes a quote with its subject when it does not name one: "【广东省】到2025年,
// 全省灯塔工厂数量超过5家。"
func withSubject(subject, quote string) string {
	if subject == "" || namesSubject(quote) || utf8.RuneCountInString(subject) > 12 {
		return quote
	}
	return "【" + subject + "】" + quote
}

// aboutPlaces returns the first k of passages that are about every one of places: they name it,
// or it is their subject.
func (s *Store) aboutPlaces(passages []Passage, places []string, k int) []Passage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Passage
	for _, p := range passages {
		text, subject := FoldText(p.Chunk.Text), FoldText(s.subjectBefore(p).region)
		if all(places, func(place string) bool { return mentionsPlace(text, place) || mentionsPlace(subject, place) }) {
			out = append(out, p)
			if len(out) == k {
				break
			}
		}
	}
	return out
}
