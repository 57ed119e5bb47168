package rag

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag/zh"
)

// This file handles questions that ask for a figure: "多少", "几家", "how many" want a quantity,
// "哪一年", "什么时候", "when" a date. Such a question is answered only by a sentence that states
// one: "华为和美的都是头部企业" holds 华为 but not how much it invested, and quoting it would
// answer a question nobody asked.

// figureWant is the kind of figure a question asks for.
type figureWant int

const (
	wantNoFigure figureWant = iota
	wantQuantity            // 多少, 几家, 多大, how many
	wantDate                // 哪一年, 什么时候, when
	wantPerson              // 谁, 哪位, who
	wantPlace               // 哪里, 哪个国家, where
)

// figureCues are matched against the folded, space-padded question, dates first: "哪一年成立"
// asks for a year even where "多少年" would ask for a count.
var figureCues = cueTable[figureWant]{
	{wantDate, []string{"哪一年", "哪年", "几几年", "哪一天", "哪天", "什么时候", "什么时间", "何时", "几月", "哪个月", "几号",
		"what year", "which year", "when "}},
	{wantPerson, []string{"是谁", "谁是", "由谁", "被谁", "哪位", "who ", "whom "}},
	{wantPlace, slices.Concat([]string{"哪里", "哪儿", "什么地方", "何处", "where "}, namedPlaceCues)},
	{wantQuantity, []string{"多少", "多大", "多高", "多长", "多远", "多重", "多快", "多久", "几成", "几倍", "几年", "几个",
		"几家", "几款", "几项", "几次", "几名", "几位", "几种", "几所", "几座", "几人", "几亿", "几万", "占比", "比例", "百分之几",
		"how many", "how much", "how long", "how big", "how large", "how old", "what percentage"}},
}

// unquoted returns folded without what it quotes in “”.
func unquoted(folded string) string {
	var b strings.Builder
	depth := 0
	for _, r := range folded {
		switch {
		case r == '“':
			depth++
		case r == '”' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// namedPlaceCues ask for a place of a named kind: a city, province or country by its name.
var namedPlaceCues = []string{"哪个地区", "哪个国家", "哪国", "哪个城市", "哪座城市", "哪个省"}

// figureWanted is the figure a question of kind asks for. Lists, reasons, methods and
// definitions are answered by statements, whatever words they use.
func figureWanted(kind questionKind, folded string) figureWant {
	if kind != kindFact {
		return wantNoFigure
	}
	want, _ := figureCues.first(folded) // wantNoFigure when none
	if want == wantPlace && !asksPlace(folded) {
		return wantNoFigure
	}
	return want
}

// asksPlace reports whether one of the place cues of a folded question asks where, and is not
// the start of a word that says at what level ("哪个国家级试验区" asks which zone).
func asksPlace(folded string) bool {
	padded := " " + folded + " " // as cueTable.first reads it
	for _, c := range figureCues {
		if c.kind != wantPlace {
			continue
		}
		for _, cue := range c.cues {
			for i := range occurrences(padded, cue) {
				if next, _ := utf8.DecodeRuneInString(padded[i+len(cue):]); !strings.ContainsRune("级性", next) {
					return true
				}
			}
		}
	}
	return false
}

// cjkNumerals are the characters of figures written in Chinese: 三家, 近百家, 数十亿, 两成.
const cjkNumerals = "零一二三四五六七八九十百千万亿两"

// measureWords follow a Chinese numeral that counts something; "一是" or "统一" count nothing.
const measureWords = "个家款项名位人种次年月天日倍成元亿万千百十件台辆座所条部届期批例只份册本户台吨米岁"

// statesFigure reports whether a folded sentence states the kind of figure wanted: for a
// quantity, digits that are not only a year or a date, or a Chinese numeral with a measure
// word; for a date, a year, a month or a day; for a person or a place, a name of one that the
// question itself does not hold.
func statesFigure(want figureWant, folded, question string) bool {
	switch want {
	case wantNoFigure:
		return true
	case wantDate:
		return hasDate(folded)
	case wantPerson, wantPlace:
		return namesOther(want, folded, question)
	}
	runes := []rune(folded)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if unicode.IsDigit(r) {
			j := i
			for j < len(runes) && (unicode.IsDigit(runes[j]) || runes[j] == '.' || runes[j] == ',') {
				j++
			}
			digits := string(runes[i:j])
			next, before := rune(0), rune(0)
			if j < len(runes) {
				next = runes[j]
			}
			if i > 0 {
				before = runes[i-1]
			}
			start := i
			i = j - 1
			switch {
			case (before == '(' || before == '（') && (next == ')' || next == '）'), next == '、', before == '第':
				continue // a list marker or an ordinal: "(2)韩国……", "2、", "第3"
			case isTechName(runes, j):
				continue // "5G", "3D", "4K": a name, not a count
			case isVersion(runes, start, j):
				continue // "Predix 2.0", "iPhone 13": a product's version, not a count
			case next == '年' && isYear(digits), next == '月', next == '日', next == '号':
				continue // a date, not a count
			case isYear(digits) && next != '%' && !strings.ContainsRune(measureWords, next):
				continue // a bare year ("2017、2019")
			}
			return true
		}
		if strings.ContainsRune(cjkNumerals, r) && i+1 < len(runes) {
			next := runes[i+1]
			if strings.ContainsRune(cjkNumerals, next) || strings.ContainsRune(measureWords, next) {
				if r == '一' && (next == '个' || next == '种' || next == '次' || next == '些') {
					continue // 一个 / 一种 / 一次: an article, not a count
				}
				return true
			}
		}
	}
	return false
}

// statesEarlyYear reports whether a folded sentence states a year before 1900 with its 年
// ("1692年"): isYear keeps to 1900–2099, where bare numbers are years more often than counts.
func statesEarlyYear(folded string) bool {
	for i := range occurrences(folded, "年") {
		digits := folded[:i]
		j := len(digits)
		for j > 0 && digits[j-1] >= '0' && digits[j-1] <= '9' {
			j--
		}
		if len(digits)-j == 4 && (digits[j] == '1' || digits[j] == '2') {
			return true
		}
	}
	return false
}

// hasDate reports whether a folded sentence states a year, a month or a day ("2015年",
// "12月", "22日"); "十年" is a span of time, not a date.
func hasDate(folded string) bool {
	runes := []rune(folded)
	for i, r := range runes {
		if (r == '月' || r == '日') && i > 0 && unicode.IsDigit(runes[i-1]) {
			return true
		}
	}
	if len(yearsIn(folded)) > 0 || strings.Contains(folded, "公元") || statesEarlyYear(folded) {
		return true
	}
	// A century, a decade or a time ago: "19世纪", "1970年代", "5500万年前", "三世纪".
	for _, era := range []string{"世纪", "年代", "年前", "万年"} {
		for i := range occurrences(folded, era) {
			if r, _ := utf8.DecodeLastRuneInString(folded[:i]); unicode.IsDigit(r) || strings.ContainsRune(cjkNumerals, r) {
				return true
			}
		}
	}
	return false
}

// clauses splits a folded sentence at commas and semicolons.
func clauses(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return strings.ContainsRune(",，;；", r) })
}

// yearOfAnotherFigure reports whether the figures of a sentence that states year all belong to
// other years: in "2017年人数达到2.8万人,……2021年业务分拆" the count is 2017's, so the sentence
// does not give 2021's. A figure in a clause without a year of its own belongs to the sentence.
func yearOfAnotherFigure(folded, year string) bool {
	other := false
	for _, c := range clauses(folded) {
		if !statesFigure(wantQuantity, c, "") {
			continue
		}
		years := yearsIn(c)
		if len(years) == 0 || years[year] {
			return false
		}
		other = true
	}
	return other
}

// yearsIn are the years a text states.
func yearsIn(c string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsDigit(r) }) {
		if isYear(f) {
			out[f] = true
		}
	}
	return out
}

// placeEnds end the names of places: 河南省, 秋田县, 福冈市, 关岛.
const placeEnds = "省市县区镇乡村州郡国岛洲"

// namesOther reports whether a folded sentence names a person (want wantPerson) or a place
// (wantPlace) that question does not: the answer to "X的母亲是谁?" is a name other than X.
func namesOther(want figureWant, folded, question string) bool {
	// "哪个城市" asks for a city by name, which no common word ending as places do answers
	// (智慧城市, 数字乡村); "拆分到哪里" may be answered "到集团公司".
	namedKind := containsAny(question, namedPlaceCues)
	if namedKind {
		folded = unquoted(folded) // "开展“东数西算”工程试点": a quoted programme is no place
	}
	for _, w := range zh.Segment(folded) {
		n := utf8.RuneCountInString(w.Text)
		if n < 2 || strings.Contains(question, w.Text) {
			continue
		}
		switch want {
		case wantPerson:
			if (zh.IsProperTag(w.Tag) && w.Tag != "ns") || strings.Contains(w.Text, "·") ||
				(w.Freq == 0 && allCJK(w.Text)) {
				return true
			}
		case wantPlace:
			last, _ := utf8.DecodeLastRuneInString(w.Text)
			// Transliterated places come tagged as other proper nouns, or not at all (喬治亞);
			// an organisation (nt) is no place, nor a common word the person tag marks too
			// (智慧, 智能化).
			if w.Tag == "nr" && !isNameWord(w) {
				continue
			}
			_, gazetteer := placeName(w.Text)
			proper := zh.IsProperTag(w.Tag) && w.Tag != "nt" && !genericPlaces[w.Text]
			endsAsPlace := allCJK(w.Text) && strings.ContainsRune(placeEnds, last)
			// Asked for a country or city by its kind ("哪国"), a word the dictionary lacks is one
			// only when it ends as places do ("合理确信" is no country), and a common word ending
			// so (智慧城市) is none.
			unknown := allCJK(w.Text) && w.Freq == 0 && (!namedKind || endsAsPlace)
			rareEnding := endsAsPlace && (!namedKind || w.Freq < commonNameFreq)
			if gazetteer || proper || unknown || rareEnding {
				return true
			}
		}
	}
	if want == wantPlace {
		return false // Latin names are people's and organisations' more often than places' (GE, FDA)
	}
	// Names in Latin letters: "FDA", "Pear Therapeutics".
	for _, f := range strings.Fields(strings.Map(func(r rune) rune {
		if isWordRune(r) && !isCJK(r) {
			return r
		}
		return ' '
	}, folded)) {
		if utf8.RuneCountInString(f) >= 2 && !unicode.IsDigit([]rune(f)[0]) && !strings.Contains(question, f) {
			return true
		}
	}
	return false
}

// countsIn reports whether a folded sentence states a figure in one of units: "2.8万人" for 人,
// "近百家" for 家.
func countsIn(folded string, units string) bool {
	runes := []rune(folded)
	for i, r := range runes {
		if i == 0 || !strings.ContainsRune(units, r) {
			continue
		}
		j := i - 1
		for j > 0 && strings.ContainsRune("多余", runes[j]) { // "100多家", "十余家"
			j--
		}
		if runes[j] == '一' && j == i-1 && (j == 0 || !strings.ContainsRune(cjkNumerals, runes[j-1])) {
			continue // "一批", "一个": an article, not a count
		}
		if unicode.IsDigit(runes[j]) || strings.ContainsRune(cjkNumerals, runes[j]) {
			return true
		}
	}
	return false
}

// isTechName reports whether the digits ending at runes[j] name a technology with one letter
// after them ("5G基站", "3D打印", "4K"); folded text is lower case.
func isTechName(runes []rune, j int) bool {
	return j < len(runes) && strings.ContainsRune("gdk", runes[j]) && (j+1 == len(runes) || !isLatinLetter(runes[j+1]))
}

// isVersion reports whether the number at runes[i:j] of a Chinese sentence is the version or
// model number of the Latin name just before it ("Predix 2.0", "iPhone 13", "GPT-4"): nothing
// counted follows it. English text puts numbers after words that count ("reached 28,000").
func isVersion(runes []rune, i, j int) bool {
	k := i
	if k > 0 && (runes[k-1] == ' ' || runes[k-1] == '-') {
		k--
	}
	if k == 0 || !isLatinLetter(runes[k-1]) || !slices.ContainsFunc(runes, isCJK) {
		return false
	}
	return j == len(runes) || !(strings.ContainsRune(measureWords+countingUnits+"%％", runes[j]) || isLatinLetter(runes[j]))
}

// countingUnits are measure words that count things; a how-many question asked in one is
// answered only by a figure in it: "多少个示范应用场景" by "100个", not by "万亿倍增计划".
const countingUnits = "个家款项人次名位种座所条部件台辆只户本张批例"

// answeredBy reports whether a folded sentence states the figure q asks for, in its unit when
// it names a counting one.
func (q question) answeredBy(folded string) bool {
	if q.figure == wantQuantity && q.unitWord != "" {
		return slices.ContainsFunc(append([]string{q.unitWord}, sameUnits[q.unitWord]...), func(u string) bool { return countsInWord(folded, u) })
	}
	if q.figure == wantQuantity && q.unit == durationUnit {
		return statesDuration(folded) // 多久 is answered by a span of time: "5年以上", "3个月"
	}
	if q.figure == wantQuantity && q.unit == '钱' {
		return countsIn(folded, "元亿万") // 多少钱 is answered by an amount: "100多亿", "10亿美元"
	}
	if q.figure == wantQuantity && q.unit != 0 && strings.ContainsRune(countingUnits, q.unit) {
		if q.unit == '个' {
			return countsIn(folded, countingUnits) // the general measure word: "114款应用" answers "多少个app"
		}
		// Only the unit asked: 多少家 is not answered by the 十四个 of "第十四个五年规划".
		return countsIn(folded, string(q.unit))
	}
	return statesFigure(q.figure, folded, q.folded)
}

// durationUnit stands for the unit of a how-long question ("多久", "多长时间"): any unit of time.
const durationUnit = '久'

// durationCues ask how long something takes.
var durationCues = []string{"多久", "多长时间", "多少时间", "多长的时间", "how long"}

// statesDuration reports whether a folded sentence states a span of time: a number with a unit
// of time ("5年以上", "三个月", "十年"), not a year ("2017年") or a date ("12月").
func statesDuration(folded string) bool {
	runes := []rune(folded)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if !unicode.IsDigit(r) && !strings.ContainsRune(cjkNumerals, r) {
			continue
		}
		j := i
		for j < len(runes) && (unicode.IsDigit(runes[j]) || strings.ContainsRune(cjkNumerals, runes[j]) || runes[j] == '.') {
			j++
		}
		number := string(runes[i:j])
		for j < len(runes) && strings.ContainsRune("多余个", runes[j]) {
			j++
		}
		rest := string(runes[j:])
		switch {
		case number == "一" && j == i+1 && !strings.HasPrefix(rest, "年") && !strings.HasPrefix(rest, "个月"):
			// "一周", "一天" are spans too, but "一批", "一个" count nothing
			if !strings.HasPrefix(rest, "周") && !strings.HasPrefix(rest, "天") {
				i = j - 1
				continue
			}
			return true
		case strings.HasPrefix(rest, "年"):
			if !isYear(number) {
				return true
			}
		case strings.HasPrefix(rest, "月"):
			if strings.ContainsRune(string(runes[i:j]), '个') {
				return true // "3个月"; "12月" is a date
			}
		default:
			for _, u := range []string{"天", "周", "星期", "小时", "分钟", "秒", "季度"} {
				if strings.HasPrefix(rest, u) {
					return true
				}
			}
		}
		i = j - 1
	}
	return false
}

// measureUnits are units of measurement written as words of their own after 多少 or 几.
var measureUnits = map[string]bool{}

func init() {
	for _, u := range strings.Fields(`平方公里 平方千米 平方米 平方英里 公顷 公里 千米 厘米 毫米 英里 英尺 海里 公斤 千克 公吨 吨 万吨 亿吨
	毫升 立方米 美元 欧元 日元 英镑 港元 港币 新台币 人民币 亿元 万元 小时 分钟 个月 摄氏度 米 克 升`) {
		measureUnits[u] = true
	}
}

// sameUnits are other names of a unit: a distance asked in 公里 is answered in 千米.
var sameUnits = map[string][]string{
	"公里": {"千米", "km"}, "千米": {"公里", "km"}, "米": {"公尺"}, "公尺": {"米"},
	"公斤": {"千克", "kg"}, "千克": {"公斤", "kg"}, "平方公里": {"平方千米"}, "平方千米": {"平方公里"},
	"厘米": {"公分", "cm"}, "公分": {"厘米", "cm"}, "小时": {"个小时", "钟头"},
}

// countsInWord reports whether a folded sentence states a figure in unit: "1.2万平方公里" for
// 平方公里.
func countsInWord(folded, unit string) bool {
	for i := range occurrences(folded, unit) {
		before := []rune(folded[:i])
		j := len(before) - 1
		for j >= 0 && strings.ContainsRune("多余万亿千百 ", before[j]) {
			j--
		}
		if j >= 0 && (unicode.IsDigit(before[j]) || strings.ContainsRune(cjkNumerals, before[j])) {
			return true
		}
	}
	return false
}
