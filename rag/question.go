package rag

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag/zh"
)

// This file reads a question before any passage is looked at: what kind of answer it wants,
// which words carry its content, and which of them constrain the answer (a place, a year, a
// name) so that a passage about something else cannot answer it.

// questionKind is the shape of answer a question asks for.
type questionKind int

const (
	kindFact       questionKind = iota // a figure, a name, a yes or no
	kindList                           // 有哪些 / 包括哪些 / which …s
	kindReason                         // 为什么 / why
	kindMethod                         // 如何 / 怎么做 / how
	kindDefinition                     // 什么是 / 是什么 / what is
)

// kindCues are matched against the folded question in order; the first hit decides.
var kindCues = cueTable[questionKind]{
	{kindFact, []string{"什么时候", "什么时间"}}, // "是什么时候批准的" asks for a date, not what something is
	{kindReason, []string{"为什么", "为何", "为啥", "咋这么", "咋会", "什么原因", "原因是", "原因有", "的原因", "难在", "why "}},
	{kindList, []string{"哪些", "哪几", "分别是", "分别有", "分别为", "有什么", "包括什么", "包含什么", "都有", "列举", "几个方面", "几点", "which ", "what are"}},
	{kindMethod, []string{"如何", "怎么做", "怎样做", "怎么办", "怎么才能", "怎样才能", "怎么", "怎样", "咋办", "咋整", "咋弄", "咋做", "咋搞", "咋才能", "咋", "注意什么", "要做什么", "该做什么", "应该做什么", "需要做什么", "how to ", "how do ", "how can ", "how does "}},
	{kindDefinition, []string{"的缩写", "的全称", "的简称", "的英文", "全称是", "缩写是", "简称是", "什么是", "是什么意思", "什么意思", "是指什么", "指的是什么", "指什么", "的定义", "的含义", "是什么", "是啥意思", "啥意思", "是个啥", "是个什么", "是啥", "啥是", "what is ", "what's ", "what are ", "define "}},
}

// scaffoldWords say how something is asked, not what about: they are neither evidence nor terms
// the documents must hold. Segmented words are matched whole, so "能" here never cuts 功能.
var scaffoldWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`是不是 有没有 能不能 会不会 要不要 什么时候 为什么 为何 为啥 怎么样 怎么 怎样 如何 是否 什么 啥
	哪些 哪个 哪里 哪儿 哪年 哪 几 几个 多少 多大 多长 多久 多高 多远 请问 请 问 能否 可以 可否 比如 例如 以及 还有 一下 那么 那
	这 这么 那么 这样 那样 这个 那个 这些 那些 它 它们 他 她 他们 其 该 吗 呢 吧 啊 呀 嘛 么 的 了 地 得 着 过 是 在 与 及 或 和 跟 把 被 给 很 都 也
	就 又 还 再 才 到底 究竟 具体 具体来说 主要 一些 有 有关 关于 相关 情况 方面 问题 一下子 告诉 告诉我 我 我们 你 你们 说说 讲讲 谈谈 介绍
	介绍一下 知道 想 想知道 了解 觉得 认为 看 看法 意思 含义 定义 指 是指 叫 叫做 称为 所谓 原因 理由 为了 因为 所以 呢 分别 都有 包括 包含 列举
	总共 一共 一般 通常 往往 常常 中 大概 大约 左右 目前 现在 如今 搞 弄 做 干 办 干什么 干嘛 做什么 用来 是干什么的 缩写 简称 全称 全名 英文 英文名 中文名
	咋 咋样 咋办 咋整 咋弄 啥样 时候 由 所 除了 自己 一个 打算 那边 这边 要是 如果 假如 假设 倘若 真 真的 等到 接下来 一切 其中
	何时 何处 何种 何地 何人 何方 何以 哪边 哪一 哪国 哪方 后来 然后 接着 已经 曾经 正在 仍然 依然 首先 刚 起初 才能 层面
	是从`) { // 是从: a verb in jieba's dictionary, 是 and 从 in "是从哪一年开始的"
		scaffoldWords[w] = true
	}
}

// question is what wenda reads from a question.
type question struct {
	text   string // as asked
	folded string // FoldText(text): lower case, half width, Simplified
	// turn is the folded words of this turn alone, for a follow-up whose folded text holds its
	// topic's too; "" when folded is the question as asked.
	turn string
	lang prompts.Lang
	kind questionKind
	// yesNo: the question asks yes or no ("……成熟了吗?", "是否……").
	yesNo bool
	// figure is the figure the question asks for, if any (figure.go), and unit the measure
	// word it is counted in ("人" in "多少人"), 0 when it names none.
	figure figureWant
	unit   rune
	// unitWord is the unit of measurement a quantity is asked in, when it is a word of its own
	// ("平方公里" in "面积达多少平方公里"): the answer states a figure in it.
	unitWord string
	// words are the content words, folded, each once, in question order.
	words []string
	// years, places and names constrain the answer: each must be stated in the evidence or its
	// context (docs/answering.md). years are four-digit numbers, places short region names
	// ("江苏"), names the question's proper nouns and unknown words ("特斯拉", "盛世笔特", "GE").
	years []string
	// periods are five-year plans ("十四五"): a time constraint like a year, but a plan's later
	// sentences seldom repeat it.
	periods []string
	places  []string
	names   []string
	// rare are two-character names the segmenter cut into single characters, one a proper noun
	// (鸿/蒙): too short to constrain the evidence, but a name the documents lack when they never
	// hold it. A two-character word it reads whole but does not know (赛道, 写进, 获批) is more
	// often a word its dictionary lacks, and is judged on the evidence.
	rare []string
	// parts are, for a name glued from several words the dictionary knows ("东德" + "中央政治局"),
	// those words, for one glued from unknown pieces (小灰头稚冠雉 + 成鸟), the name without its
	// last piece, and for an organisation or brand glued to words the dictionary lacks
	// (支付宝 + 提现), the organisation: documents that state every part speak about the name.
	parts map[string][]string
	// glued are unknown words of two common one-character words (开难 in "推广开难在哪"): two
	// words the hidden Markov model joined, no typo of a word the documents hold (开展).
	glued map[string]bool
	// eachPlace: the question names several places side by side ("江苏和浙江分别要建设什么",
	// "北京和上海的定位有什么不同"), and asks of each: a sentence about one answers for it.
	eachPlace bool
	// source are the words naming the source the question cites ("正略咨询那篇文章说": 正略,
	// 咨询; citedSource): searched for, and a sentence holding them gains a little, but they
	// constrain nothing and a sentence need not repeat them.
	source map[string]bool
	// pieces are, for the last kind (headedParts), all the words, and so they are for names
	// side by side (华为 + 郭平, sidePieces): a passage that writes each holds the name.
	pieces map[string][]string
	// background are the words said only as a given: "除了商业模式还有啥模式", "在加快建设大数据
	// 中心的同时,……要做哪几件事". The answer is about the rest.
	background map[string]bool
	// framing are the nouns that name the kind of answer asked for (framingNouns).
	framing map[string]bool
	// qualifiers are the adverbs, conjunctions and modal verbs that say how the asker puts the
	// question (isFunctionWord): "应该怎么做", "直接照搬", "还要套用原来的".
	qualifiers map[string]bool
	// glosses are what the documents gloss the question's Latin abbreviations as (glossOf),
	// filled while the evidence is weighed.
	glosses map[string]string
}

// readQuestion analyses q.
func readQuestion(q string) question {
	folded := FoldText(q)
	out := question{text: q, folded: folded, lang: prompts.Detect(q), kind: kindOf(folded), yesNo: asksYesNo(folded)}
	out.figure = figureWanted(out.kind, folded)
	if out.figure == wantQuantity && containsAny(folded, durationCues) {
		out.unit = durationUnit
	}
	add := func(list *[]string, w string) {
		if !slices.Contains(*list, w) {
			*list = append(*list, w)
		}
	}
	mark := func(set *map[string]bool, w string) { // the question's sets stay nil until used
		if *set == nil {
			*set = map[string]bool{}
		}
		(*set)[w] = true
	}
	put := func(m *map[string][]string, name string, words []string) { // and so do its maps
		if *m == nil {
			*m = map[string][]string{}
		}
		(*m)[name] = words
	}
	said := asksWhatIsSaid(folded)
	content, cited := withoutCitation(folded)
	sourceWords := sourceWordsOf(cited)
	for _, m := range bookTitle.FindAllStringSubmatch(content, -1) {
		// A work named in 《》 is a name as surely as a company: "《历史也疯狂》是哪个电视台的节目"
		// is not answered by another programme's channel. Its words are content words too.
		if t := strings.TrimSpace(m[1]); t != "" {
			add(&out.names, t)
		}
	}
	for _, run := range scriptRuns(withoutHedge(content)) {
		if !isCJK([]rune(run)[0]) {
			for _, f := range strings.FieldsFunc(run, func(r rune) bool { return !isWordRune(r) && r != '.' && r != '-' }) {
				f = strings.Trim(f, ".-")
				if f == "" || englishStopwords[f] {
					continue
				}
				if isYear(f) {
					add(&out.years, f)
				}
				add(&out.words, f)
			}
			continue
		}
		words := splitQuestionWords(mendCuts(zh.Segment(undoubleMeasures(run))))
		for i := 0; i < len(words); i++ {
			if t, ok := strings.CutSuffix(words[i].Text, "个"); ok && isOrdinal(t) {
				words[i] = ordinalWord(t) // 第四个 is 第四, as documents write it
			} else if r := []rune(words[i].Text); len(r) > 2 && isListMeasure(string(r[len(r)-1])) && isOrdinal(string(r[:len(r)-1])) {
				// 第二类 is 第二 and 类: a list's second item is "二是……", of the kind named
				measure, _ := zh.Lookup(string(r[len(r)-1]))
				words[i] = ordinalWord(string(r[:len(r)-1]))
				words = slices.Insert(words, i+1, measure)
			}
			w := words[i]
			if r := []rune(w.Text); out.figure == wantQuantity && len(r) == 2 && r[0] == '几' && strings.ContainsRune(measureWords, r[1]) {
				out.unit = r[1] // 几个, 几家: counted in that unit, as 多少个 is
			}
			if r := []rune(w.Text); len(r) == 1 && strings.ContainsRune("二两三四五六七八九十", r[0]) && i+1 < len(words) &&
				(i == 0 || !strings.HasSuffix(words[i-1].Text, "哪")) && // 哪两方面 asks which
				strings.HasPrefix(words[i+1].Tag, "n") && utf8.RuneCountInString(words[i+1].Text) >= 2 && !placeLike(words[i+1]) {
				// "三要素", "四重": a count glued to its noun names a set, as the text does ("数字化转型
				// 三要素"); apart, 三 and 要素 match "十三五" and "新要素".
				add(&out.words, w.Text+words[i+1].Text)
				i++
				continue
			}
			if w.Text == "个" && i+1 < len(words) && (words[i+1].Text == "啥" || words[i+1].Text == "什么") {
				continue // 是个啥, 达到个啥效果: 个啥 asks as 啥 does
			}
			if sayingVerbs[w.Text] && i > 0 && placeLike(words[i-1]) {
				continue // "广西说要……": the province's plan says it, and its sentences do not say 说
			}
			if i+1 < len(words) && words[i+1].Text == "不"+w.Text {
				i++ // 能/不能: an A-not-A question the segmenter cut in two
				continue
			}
			if scaffoldWords[w.Text] || isAnotA(w.Text) || isDemonstrative(w.Text) || isVerbAndMeasure(w) || aboutTheText(words, i) || asksOpinion(words, i) || statesIntent(words, i) ||
				(textNouns[w.Text] && said) {
				continue
			}
			// gse cuts 十三五 into 十三/五, and 十四五快 into 十四/五快.
			if p := w.Text; isPeriod(p) || (i+1 < len(words) && isPeriod(p+firstRune(words[i+1].Text))) {
				if !isPeriod(p) {
					next := words[i+1].Text
					p += firstRune(next)
					if rest := strings.TrimPrefix(next, firstRune(next)); rest != "" {
						words[i+1] = zh.Word{Text: rest} // read on from what is left
					} else {
						i++
					}
				}
				add(&out.periods, p)
				add(&out.words, p)
				continue
			}
			if i > 0 && (words[i-1].Text == "哪" || words[i-1].Text == "几") &&
				(strings.HasPrefix(w.Text, "一") || isQuestionWord("哪"+w.Text)) {
				if asksForKinds(words, i) {
					add(&out.words, "类") // "哪几类产品" is answered "预防类……、治疗类……"
				}
				continue // 哪一年, 哪年, 几家: the question word, cut in two
			}
			if i > 0 && words[i-1].Text == "多" && utf8.RuneCountInString(w.Text) == 1 && strings.Contains(howMuchAdjectives, w.Text) {
				continue // 有多大, 多高 (cut 多/大): how big, as 多大 asks
			}
			if w.Text == "时间" && i > 0 && (words[i-1].Text == "多长" || words[i-1].Text == "多少" ||
				(i > 1 && words[i-1].Text == "的" && words[i-2].Text == "多长")) {
				continue // 多长时间, 多少时间: how long, answered by a span ("十年"), not by 时间
			}
			if w.Text == "开始" && i > 0 && (words[i-1].Text == "刚" || words[i-1].Text == "一") {
				continue // 刚开始, 一开始 (cut 刚/开始, 一/开始): when, as 起初 says
			}
			if w.Text == "人" && i > 0 && (isQuestionWord(words[i-1].Text) || words[i-1].Text == "一个" || words[i-1].Text == "一位") {
				continue // 哪一个人, 哪个人: who
			}
			if w.Text == "国内" || w.Text == "我国" {
				// China, as documents written there call it: a sentence about another country
				// does not answer ("国内第一款数字疗法" is not the FDA's first).
				add(&out.places, "中国")
				add(&out.words, w.Text)
				continue
			}
			if w.Text == "全球" || w.Text == "全世界" {
				add(&out.places, "全球") // the world is a place: China's figure does not answer it
				add(&out.words, w.Text)
				continue
			}
			if p, ok := placeName(w.Text); ok {
				add(&out.places, p)
				add(&out.words, w.Text)
				continue
			}
			if w.Tag == "ns" && utf8.RuneCountInString(w.Text) >= 2 && !genericPlaces[w.Text] {
				// Countries and cities: 日本, 杭州市 (as 杭州).
				p := w.Text
				for _, suf := range []string{"市", "县", "区"} {
					if r := strings.TrimSuffix(p, suf); utf8.RuneCountInString(r) >= 2 {
						p = r
					}
				}
				add(&out.places, p)
				add(&out.words, w.Text)
				continue
			}
			if r := []rune(w.Text); w.Freq == 0 && len(r) >= 2 && len(r) <= 4 && allCJK(w.Text) &&
				strings.ContainsRune(townEnds, r[len(r)-1]) && !isDemonstrative(w.Text) {
				// A word the dictionary lacks that ends as towns end is one: 儋州.
				add(&out.places, w.Text)
				add(&out.words, w.Text)
				continue
			}
			if name := groupName(words, i); name != "" {
				// The documents state 美的集团 where they name the group or the word alone
				// ("美的十年数字化转型投资……").
				add(&out.names, name)
				add(&out.words, name)
				put(&out.parts, name, []string{w.Text})
				i++
				continue
			}
			// A run of name pieces holding at least one name word is one name: gse cuts the
			// unknown 盛世笔特 into 盛世/笔特.
			j, named, singles, properSingle := i, false, 0, false
			// Question words and numbers ("哪种", "四篇") end a name too.
			for j < len(words) && isNamePiece(words[j]) && !scaffoldWords[words[j].Text] &&
				!isQuestionWord(words[j].Text) && words[j].Tag != "m" && !isCount(words[j].Text) && !isDemonstrative(words[j].Text) &&
				(j == i || !isEdgeParticle(words[j].Text)) && // "射球/为/彼得", "俞敏洪/让/新东方": a particle parts names
				!(j > i && words[j].Tag == "f" && utf8.RuneCountInString(words[j].Text) == 1) && // "网络安全/上": a locative ends one
				!isCommonFunctionChar(words[j]) && // "日本政府/替", "集成电路/新", nor begins one: "等/人"
				!isAnotA(words[j].Text) && // "接受度/高不高": the question, not a name
				!(j > i && endsName(words[i:j], words[j])) {
				named = named || isNameWord(words[j])
				if utf8.RuneCountInString(words[j].Text) == 1 {
					singles++
					properSingle = properSingle || zh.IsProperTag(words[j].Tag)
				}
				j++
			}
			// Single characters alone make a name only when one is a proper noun (鸿/蒙).
			named = named || (singles >= 2 && singles == j-i && properSingle)
			if named && j < len(words) && aspectNouns[words[j].Text] {
				named = false // "网络安全方面": an aspect of what is asked, not what it is about
			}
			if named {
				name := trimName(words[i:j])
				w, known := zh.Lookup(name)
				if (!known && utf8.RuneCountInString(name) >= minNameRunes && !isPotentialComplement(name)) || (known && isNameWord(w)) {
					add(&out.names, name)
					parts := knownParts(words[i:j])
					var pieces []string
					if parts == nil {
						pieces = headedParts(words[i:j])
					}
					if pieces != nil {
						// 支付宝 is the name the evidence must state; the text may say 支付宝
						// and 提现 apart.
						parts = pieces[:1]
					} else if parts == nil && !known {
						// 华为/郭平, 美的/方洪波, 补齐/集成电路: names side by side, which the text
						// may state apart; each must be stated, or the name is missing whole.
						pieces = sidePieces(words[i:j])
					}
					if pieces != nil {
						put(&out.pieces, name, pieces)
					}
					if unknown := unknownPieces(words[i:j]); parts == nil && unknown != nil {
						// "天谕/新服/开服": words the dictionary lacks, each read whole by the hidden
						// Markov model; the documents may say each where they never glue them.
						parts = unknown
					} else if stem := nameStem(words[i:j]); parts == nil && stem != "" && stem != name {
						// The hidden Markov model glues an unknown word to a name as well
						// (小灰头稚冠雉 + 成鸟): the name without its last piece stands for it.
						parts = []string{stem}
					}
					if !known && parts != nil {
						put(&out.parts, name, parts)
					}
					add(&out.words, name)
					i = j - 1
					continue
				}
				if !known && utf8.RuneCountInString(name) == 2 && allCJK(name) && singles == j-i {
					add(&out.rare, name)
				}
				if name == "" {
					i = j - 1
					continue
				}
			}
			if out.figure == wantQuantity && i > 0 && (words[i-1].Text == "多少" || words[i-1].Text == "几") && measureUnits[w.Text] {
				out.unitWord = w.Text // "多少平方公里" is answered in 平方公里
			}
			if isQuestionWord(w.Text) || (out.figure == wantQuantity && quantityFrame(words, i)) || askedNoun(words, i) {
				if r := []rune(w.Text); out.figure == wantQuantity && i > 0 && len(r) == 1 && (words[i-1].Text == "多少" || words[i-1].Text == "几") {
					out.unit = r[0]
				}
				if (askedNoun(words, i) && kindNouns[w.Text]) || asksForKinds(words, i) {
					add(&out.words, "类") // "有哪些类型", "有几类" are answered "预防类……、治疗类……"
				}
				continue
			}
			if r := []rune(w.Text); len(r) == 1 && isParticle(r[0]) {
				continue // 于, 对, 却: a particle says nothing the evidence must hold
			}
			if utf8.RuneCountInString(w.Text) == 1 && w.Tag == "f" && i > 0 {
				continue // "四个阶段里", "网络安全上": a locative after a noun says where, not what
			}
			if r := []rune(w.Text); w.Freq == 0 && len(r) == 2 && askedNouns[string(r[0])] && i > 0 && isQuestionWord(words[i-1].Text) &&
				strings.ContainsRune("有是在要会能的将提说讲写", r[1]) {
				continue // "哪个省有", "哪个省提了", glued 省有, 省提: the noun asked for and a verb
			}
			if w.Freq == 0 {
				// The hidden Markov model glues particles to unknown words too ("关是" in
				// "第一关是啥", "却"): the particles are no content.
				t := strings.TrimFunc(w.Text, isParticle)
				if r := []rune(t); len(r) >= 3 && isDemonstrative(string(r[:2])) {
					t = string(r[2:]) // and demonstratives: 这条赛 is 赛
				} else if len(r) == 2 && strings.ContainsRune(modalChars, r[0]) {
					if _, ok := zh.Lookup(string(r[1])); ok {
						t = string(r[1]) // and modal verbs: 要建 is 建, which "需要建立" does not answer
					}
				}
				if t != "" {
					add(&out.words, t)
					if gluedSingles(t) {
						mark(&out.glued, t)
					}
				}
				continue
			}
			if framingModifiers[w.Text] && i+1 < len(words) && framingNouns[words[i+1].Text] && nextToQuestionWord(words, i+1) {
				continue // 总体目标是什么: the modifier says no more than the frame
			}
			if (framingNouns[w.Text] && (nextToQuestionWord(words, i) ||
				// "规划重点是啥": a frame before the frame asked for frames too
				(i+1 < len(words) && framingNouns[words[i+1].Text] && nextToQuestionWord(words, i+1)))) ||
				// 哪两个产业: the count helps find the sentence that says 两个, and most that
				// list two items do not.
				(i > 0 && words[i-1].Text == "哪" && w.Tag == "m") ||
				// "扮演什么角色", "发挥什么作用": the verb that takes a frame frames too
				(strings.HasPrefix(w.Tag, "v") && i+2 < len(words) && isQuestionWord(words[i+1].Text) && framingNouns[words[i+2].Text] && nextToQuestionWord(words, i+2)) ||
				// "建成什么样的数字政府": what kind of 数字政府 is asked; the plan may say 打造
				(strings.HasPrefix(w.Tag, "v") && asksWhatKindNext(words, i)) ||
				// "第二类难点", "第三个阶段是什么": a list writes its items "二是……", "其次……"
				(isOrdinal(w.Text) && i+1 < len(words) && (isListMeasure(words[i+1].Text) || (i+2 < len(words) && nextToQuestionWord(words, i+1)))) {
				mark(&out.framing, w.Text)
			}
			if isFunctionWord(w) && !(i+1 < len(words) && words[i+1].Text == "的") {
				mark(&out.qualifiers, w.Text) // "应该怎么做", not "真正的数字化转型"
			}
			add(&out.words, w.Text)
		}
	}
	// Capitalised Latin words in the original are names too ("GE", "Somryst", "Tesla").
	for _, f := range strings.FieldsFunc(q, func(r rune) bool { return !isWordRune(r) || isCJK(r) }) {
		r, _ := utf8.DecodeRuneInString(f)
		if unicode.IsUpper(r) && utf8.RuneCountInString(f) > 1 && !englishStopwords[strings.ToLower(f)] && !isYear(f) {
			add(&out.names, FoldText(f))
		}
	}
	if _, kind := out.definedTerm(); out.kind == kindDefinition && slices.Contains(out.words, kind) {
		// "现实之退是什么阶段": 阶段 names the kind of answer, and the stage's own description
		// ("02、现实之退转型成效不及预期……") need not repeat it.
		mark(&out.framing, kind)
	}
	out.eachPlace = len(out.places) >= 2 && placesSideBySide(folded, out.places)
	out.years = dropAmounts(folded, dropRangeEnds(folded, out.years))
	out.background = backgroundWords(folded, out.words)
	for _, w := range sourceWords {
		if slices.Contains(out.words, w) {
			continue // the question says it again outside the citation
		}
		mark(&out.source, w)
		out.words = append(out.words, w)
	}
	return out
}

// howMuchAdjectives ask how much after 多 (多大, 多高, 多远), as figureCues reads them.
const howMuchAdjectives = "大高长远重快久宽深厚"

// bookTitle matches a title in 《》 (as folded), up to 60 characters, as maxTitleRunes bounds a
// title in the documents.
var bookTitle = regexp.MustCompile(`《([^《》]{1,60})》`)

// givenClause matches what a question says as a given before asking: 除了……(之外), 在……的同时.
var givenClause = regexp.MustCompile(`除了([^,;?!。]+?)(之外|以外|外|还|,)|在([^,;?!。]+?)的同时`)

// backgroundWords are the words that occur in the question only inside a given clause.
func backgroundWords(folded string, words []string) map[string]bool {
	spans := givenClause.FindAllStringIndex(folded, -1)
	if len(spans) == 0 {
		return nil
	}
	var given, rest strings.Builder
	last := 0
	for _, sp := range spans {
		rest.WriteString(folded[last:sp[0]])
		given.WriteString(folded[sp[0]:sp[1]])
		rest.WriteString(" ")
		last = sp[1]
	}
	rest.WriteString(folded[last:])
	out := map[string]bool{}
	for _, w := range words {
		if strings.Contains(given.String(), w) && !strings.Contains(rest.String(), w) {
			out[w] = true
		}
	}
	return out
}

// definitionFrames are the words around the term in a definition question.
var definitionFrames = []string{"是什么的缩写", "的缩写", "的全称", "的简称", "的英文", "全称是", "缩写是", "简称是", "是什么意思", "什么意思", "指的是什么", "是指什么", "指什么", "的定义", "的含义", "是什么", "什么是", "是啥意思", "啥意思", "是个啥", "是个什么", "是啥", "啥是",
	"请问", "解释一下", "解释", "介绍一下", "what is", "what's", "what are", "define", "meaning of", "the "}

// definiendum is the term a definition question asks about: the question without its frame
// ("什么是数字疗法?" → "数字疗法"), or "" when little else is left.
func (q question) definiendum() string {
	term, _ := q.definedTerm()
	return term
}

// definedTerm returns the term a definition question asks about and, when the question names
// what kind of thing it is ("希望之巅是什么阶段"), that kind (阶段), else "".
func (q question) definedTerm() (term, kind string) {
	if t := quotedTerm(q.folded); t != "" {
		return t, "" // "数智化组织的“在线应用”阶段指的是什么": the quotes mark the term
	}
	t := q.folded
	for _, f := range definitionFrames {
		t = strings.ReplaceAll(t, f, " ")
	}
	t = strings.TrimFunc(t, func(r rune) bool { return !isWordRune(r) })
	if t == "" || strings.ContainsFunc(t, func(r rune) bool { return !isWordRune(r) && r != ' ' && r != '-' }) {
		return "", ""
	}
	if term, kind, ok := strings.Cut(t, " "); ok && allCJK(term) && allCJK(kind) && utf8.RuneCountInString(kind) <= maxKindRunes {
		return withoutWhoSaysIt(term), kind // the term, then the kind of thing it is
	}
	return withoutWhoSaysIt(t), ""
}

// withoutWhoSaysIt drops from a term who says it ("正略咨询说的忧伤之谷", "文中提到的数字孪生"):
// the documents define the term, not the citation. It takes more verbs than quotingCues: what
// is defined is the term whoever brought it up, while a subject that proposed something
// ("赛斯纳公司提出的改良型号") still constrains which one is asked about.
func withoutWhoSaysIt(term string) string {
	before, after, ok := strings.Cut(term, "的")
	if !ok || utf8.RuneCountInString(after) < 2 {
		return term
	}
	for _, v := range []string{"说", "讲", "提到", "提出", "所说", "写", "称"} {
		if strings.HasSuffix(before, v) {
			return after
		}
	}
	return term
}

// maxKindRunes bounds the noun after "是什么" that says what kind of thing a term is (阶段, 意思).
const maxKindRunes = 3

// quotedTerm returns the first term the folded question puts in quotation marks, or "".
func quotedTerm(folded string) string {
	for _, p := range [][2]string{{"“", "”"}, {"「", "」"}, {"『", "』"}, {"\"", "\""}, {"‘", "’"}} {
		i := strings.Index(folded, p[0])
		if i < 0 {
			continue
		}
		rest := folded[i+len(p[0]):]
		j := strings.Index(rest, p[1])
		if j <= 0 {
			continue
		}
		t := strings.TrimSpace(rest[:j])
		if utf8.RuneCountInString(t) >= 2 && !strings.ContainsFunc(t, func(r rune) bool { return !isWordRune(r) && r != ' ' && r != '-' }) {
			return t
		}
	}
	return ""
}

// definesQuotedTerm reports whether a question asks what a quoted term is: "四个阶段里的“资产
// 服务化”指的是什么" asks for one stage, not the four.
func definesQuotedTerm(folded string) bool {
	t := quotedTerm(folded)
	if t == "" {
		return false
	}
	_, after, _ := strings.Cut(folded, t)
	after = strings.TrimLeft(after, "”」』\"’ ")
	for _, f := range []string{"指的是什么", "是指什么", "指什么", "是什么意思", "什么意思", "是什么", "是啥"} {
		if strings.HasPrefix(after, f) {
			return true
		}
	}
	// "“希望之巅”指的是企业处在什么状态": what the term means, asked of what it says.
	for _, f := range []string{"指的是", "是指", "意思是"} {
		if rest, ok := strings.CutPrefix(after, f); ok && containsAny(rest, []string{"什么", "啥", "怎样"}) {
			return true
		}
	}
	return false
}

// asWritten returns the stretch of the question that folds to w, as the asker wrote it ("Tesla"
// for "tesla"), or w when there is none.
func (q question) asWritten(w string) string {
	orig, folded := []rune(q.text), []rune(q.folded)
	target := []rune(w)
	if len(orig) != len(folded) {
		return w
	}
	for i := 0; i+len(target) <= len(folded); i++ {
		if slices.Equal(folded[i:i+len(target)], target) {
			return string(orig[i : i+len(target)])
		}
	}
	for _, a := range placeAliases[w] {
		if a != w && strings.Contains(q.folded, a) {
			return q.asWritten(a) // asked about 国内, told of 国内, not 中国
		}
	}
	return w
}

// genericPlaces are tagged as places by the dictionary but name no particular one: kinds of
// place (平原, 重镇, 海滩), and common words jieba's dictionary tags as places by mistake (上市,
// 英雄, 深度, 入口, 加盟, 蓝牙), read off its place words used 150 times or more.
var genericPlaces = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`城市 地区 国家 全国 国内 国外 海外 全球 世界 本地 当地 地方 各地 农村 乡村 城乡 沿海 内地 中央 东部 西部 中部 南方 北方
	东西 南北 东方 西方 中西 内外 平原 高原 盆地 山区 新区 新城 重镇 古城 都市 大都市 城镇 旧城 京城 都城 大都 故城 古都 诸国 大国 王国 共和国
	自治州 自治县 湖泊 海洋 大海 大洋 河水 湖水 江山 山河 山水 高山 大山 深山 山脉 山峰 山坡 山洞 山口 河谷 冰川 海峡 海湾 三角洲 内河
	大桥 石桥 路桥 大街 南路 中路 南门 北门 入口 城堡 内城 商城 山寨 新港 海关 桥头堡 琉璃瓦 江湖 朝廷
	上市 入市 爱国 开国 建国 回国 英雄 太阳 哥哥 二哥 阿哥 美丽 新鲜 古典 神圣 青春 千古 太平 福利 治安 庆典 日志 契约 关联 广义 阴阳
	深度 长度 中密度 长大 普及 广布 云集 中断 新建 上马 上山 下山 上台 上半场 舞美 白马 金牙 中道 莫非 英特尔
	海滩 海滨 海岛 海港 港湾 河畔 河湾 河沟 河滩 河里 山村 山庄 山林 山川 山丘 山沟 山崖 山野 山岭 山门 后山 古镇 古堡 冰山 池塘 湖畔
	浅海 深海 远洋 深谷 深渊 密林 余脉 大坝 大洲 大城 新村 大湖 大河 江河 长河 江水 江流 黄沙 泉水 沧海 四壁 郡县 藩镇 诸州
	加盟 密封 上门 登门 立马 莫大 牡丹 西瓜 南瓜 海鲜 三鲜 汉堡 苏打 香水 贵宾 嘉宾 大伯 赞美 喜庆 兴旺 欢庆 礼拜 恩典 山羊 绵羊
	白嫩 乌黑 象牙 深水 上铺 入门 旁门 法门 如林 上岗 上楼 上街 上路 夕阳 朝霞 北风 天黑 亚科 波及 长寿 太极 安顿 广度 满口 满嘴
	美德 开朗 端庄 缅怀 珍藏 深藏 锦旗 黑洞 广为 越野 法度 法典 伦理 虎口 入阁 新旧 滑坡 串联 黑马 美化 长脚 葡萄园 昆曲
	太阳穴 扎根 阳极 蓝牙 横梁 得意洋洋 满头大汗 大兴土木 回城 归国 渡河 入海 登山 登极 入川 治国 立国 卫国 中和 大门口 庙里
	上古 远古 伦比 沧桑`) {
		genericPlaces[w] = true
	}
}

// quantityFrame reports whether words[i] frames a how-much question rather than saying what
// about: the unit after 多少 ("多少钱", "多少人") or the verb 花 before it ("花了多少钱"). Documents
// state the figure in their own words (投资100多亿).
func quantityFrame(words []zh.Word, i int) bool {
	w := words[i].Text
	if utf8.RuneCountInString(w) != 1 {
		return false
	}
	if i > 0 && (words[i-1].Text == "多少" || words[i-1].Text == "几") {
		return true
	}
	for j := i + 1; j < len(words) && j <= i+2; j++ {
		if w == "花" && strings.HasPrefix(words[j].Text, "多少") {
			return true
		}
	}
	return false
}

// townEnds end the names of cities and counties.
const townEnds = "州县市镇"

// mendCuts re-cuts what the segmenter gets wrong at a word's edge in questions, where one
// wrong cut decides an answer:
//   - a rare proper noun that takes the last character of a far more common word after a single
//     character: "推广开" came out 推/广开 (广开 is a place in the dictionary) and was refused as
//     a place the documents never name; it is 推广/开.
//   - a count that takes the first character of the noun it counts: "哪两方面" came out
//     哪/两方/面; it is 哪/两/方面.
//   - two single-character words that cite the text, glued by the hidden Markov model into a
//     word no dictionary holds: "规划中说的" came out 规划/中说/的, and the typo corrector then
//     read 中说 as 中提; it is 中/说. So is a locative glued to the verb after it: "转型中起什么
//     作用" came out 转型/中起; it is 中/起. And so is a noun glued to the 里 after it: "古典经挤
//     学里的" came out 经挤/学里, a name the documents lack; it is 经挤/学/里, and 经挤学 is then
//     read as the 经济学 the documents hold.
//   - a verb cut before its last character, which the segmenter read with the 成 after it:
//     "打造成什么区" came out 打/造成 (to cause); it is 打造/成.
//   - a doubled character the dictionary does not know doubled, cut in two: "钉钉" came out
//     钉/钉, no name at all; it is the name 钉钉.
func mendCuts(words []zh.Word) []zh.Word {
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) && words[i].Text == words[i+1].Text && utf8.RuneCountInString(words[i].Text) == 1 && allCJK(words[i].Text) {
			if _, known := zh.Lookup(words[i].Text + words[i].Text); !known {
				// 钉/钉: a doubled character the dictionary does not know doubled is one word it
				// lacks, a name (钉钉), not a verb said twice.
				words = slices.Delete(words, i, i+1)
				words[i] = zh.Word{Text: words[i].Text + words[i].Text}
				continue
			}
		}
		r := []rune(words[i].Text)
		if len(r) < 2 || !allCJK(words[i].Text) {
			continue
		}
		if len(r) == 2 && words[i].Freq == 0 && (sayingVerbs[string(r[0])] && sayingVerbs[string(r[1])] || gluedLocative(words, i) || r[1] == '里') {
			first, _ := zh.Lookup(string(r[0]))
			second, _ := zh.Lookup(string(r[1]))
			words = slices.Insert(words, i+1, second)
			words[i] = first
			i++
			continue
		}
		if i > 0 && len(r) == 2 && r[1] == '成' && utf8.RuneCountInString(words[i-1].Text) == 1 {
			// 打/造成 is 打造/成: a verb and the 成 of what it makes something into ("要打造成
			// 什么区"), not 造成 (to cause).
			if verb, ok := zh.Lookup(words[i-1].Text + string(r[0])); ok && strings.HasPrefix(verb.Tag, "v") {
				cheng, _ := zh.Lookup("成")
				words[i-1], words[i] = verb, cheng
				continue
			}
		}
		if i > 0 && zh.IsProperTag(words[i].Tag) && utf8.RuneCountInString(words[i-1].Text) == 1 {
			if joined, ok := zh.Lookup(words[i-1].Text + string(r[0])); ok && joined.Freq > 10*words[i].Freq && !zh.IsProperTag(joined.Tag) {
				rest, _ := zh.Lookup(string(r[1:])) // Text is set, known or not
				words[i-1], words[i] = joined, rest
				continue
			}
		}
		if len(r) == 2 && strings.ContainsRune(countNumerals, r[0]) && i+1 < len(words) && utf8.RuneCountInString(words[i+1].Text) == 1 {
			if noun, ok := zh.Lookup(string(r[1]) + words[i+1].Text); ok && noun.Freq > words[i].Freq {
				words[i], words[i+1] = zh.Word{Text: string(r[0]), Tag: "m"}, noun
			}
		}
	}
	return words
}

// gluedLocative reports whether the unknown two-character words[i] is a locative after a noun
// glued to a one-character verb: 中起 in "转型中起什么作用".
func gluedLocative(words []zh.Word, i int) bool {
	r := []rune(words[i].Text)
	if i == 0 || !strings.HasPrefix(words[i-1].Tag, "n") || !strings.ContainsRune("中里上", r[0]) {
		return false
	}
	verb, ok := zh.Lookup(string(r[1]))
	return ok && strings.HasPrefix(verb.Tag, "v")
}

// countNumerals are the characters that begin a count of things.
const countNumerals = "一二两三四五六七八九十几"

// splitQuestionWords cuts the question words out of unknown words the hidden Markov model glued
// them into ("失败率多高" → 失败/率多高 → 失败/率/多高): the rest is the content.
func splitQuestionWords(words []zh.Word) []zh.Word {
	var out []zh.Word
	for _, w := range words {
		runes := []rune(w.Text)
		if w.Freq != 0 || len(runes) < 3 {
			out = append(out, w)
			continue
		}
		split := false
		for n := 2; n <= 3 && n < len(runes); n++ {
			head, tail := string(runes[:len(runes)-n]), string(runes[len(runes)-n:])
			if scaffoldWords[tail] || isQuestionWord(tail) || isAnotA(tail) {
				q, _ := zh.Lookup(tail)
				q.Text = tail
				out = append(out, zh.Word{Text: head}, q)
				split = true
				break
			}
			head, tail = string(runes[:n]), string(runes[n:])
			if scaffoldWords[head] || isQuestionWord(head) {
				q, _ := zh.Lookup(head)
				q.Text = head
				out = append(out, q, zh.Word{Text: tail})
				split = true
				break
			}
		}
		if !split {
			out = append(out, w)
		}
	}
	return out
}

// placeLike reports whether w is a place name: "三亚" is no count of 亚.
func placeLike(w zh.Word) bool {
	_, ok := placeName(w.Text)
	return ok || w.Tag == "ns"
}

// isDemonstrative reports whether w points at something already said: 这类, 此种, 那些, 该项.
// The segmenter glues it to the unknown word before it ("专精特新这类"), which is no name.
func isDemonstrative(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	rest := w[n:]
	if !strings.ContainsRune("这那此该", r) || rest == "" {
		return false
	}
	if counted := strings.TrimLeft(rest, "一二两三四五六七八九十几0123456789"); counted != rest && utf8.RuneCountInString(counted) <= 1 {
		return true // 这四重, 那两类, 这三: a count pointing back
	}
	return utf8.RuneCountInString(rest) == 1 && strings.ContainsAny(rest, "类种些个项样篇本条次位家笔套块份批")
}

// textNouns and sayingVerbs make "作者认为", "文章提到", "文中说", "规划提出": the asker citing
// the text, which no sentence of it repeats (a province's plan does not say 规划提出 before each
// goal); so do a question word's asked noun and one ("哪些省份提到").
// Alone, 作者 and 文章 are asked about ("这篇文章的作者是谁").
var (
	textNouns = map[string]bool{"作者": true, "文章": true, "文中": true, "本文": true, "原文": true, "资料": true, "文档": true, "材料": true, "笔者": true,
		"规划": true, "计划": true, "纲要": true, "报告": true, "方案": true, "文件": true}
	sayingVerbs = map[string]bool{"认为": true, "预测": true, "提到": true, "提及": true, "提出": true, "说": true, "指出": true, "觉得": true, "建议": true,
		"用": true, "讲": true, "写": true, "写道": true, "称": true, "判断": true, "估计": true, "强调": true, "里": true, "中": true, "里面": true}
)

// sourceNouns name a text the asker cites as the source of what is asked ("那篇讲……的文章说",
// "《……》一文中", "照正略咨询的说法,"); citingPrepositions open a clause that cites one
// ("按照正略咨询的数字化转型曲线,").
var (
	sourceNouns        = map[string]bool{"文章": true, "一文": true, "文中": true, "本文": true, "说法": true, "观点": true, "看法": true, "报告": true}
	citingPrepositions = []string{"按照", "依照", "依据", "参照", "根据", "照", "按", "据"}
)

// placesSideBySide reports whether two of places stand joined by a conjunction or a list comma
// in folded ("江苏和浙江", "北京、上海"), as their full names or short ones.
func placesSideBySide(folded string, places []string) bool {
	for _, a := range places {
		for _, b := range places {
			if a == b {
				continue
			}
			for _, sep := range placeJoiners {
				for _, suf := range []string{"", "省", "市"} {
					if strings.Contains(folded, a+suf+sep+b) {
						return true
					}
				}
			}
		}
	}
	return false
}

// placeJoiners join places named side by side: "江苏和浙江", "北京、上海".
var placeJoiners = []string{"和", "与", "跟", "及", "、", "以及", "还有"}

// citationCues are what a citation cannot do without: a source noun, a citing preposition or
// someone's words quoted ("正略咨询说的……").
var citationCues = append(append(slices.Collect(maps.Keys(sourceNouns)), citingPrepositions...), quotingCues...)

// quotingCues follow who says what the asker quotes: "正略咨询说的忧伤之谷".
var quotingCues = []string{"说的", "讲的"}

// citedSource marks the words of a run that cite the text asked about rather than say what is
// asked: the words naming an article, a report or a framework ("“十四五”战略规划那篇文章为什么
// 认为……", "照正略咨询的说法,……"). The sentence that answers seldom repeats them: it stands
// under the article's heading, and a plan's sentences do not each say 十四五. A clause that
// holds a question word asks for the source ("哪篇文章说……"), and is no citation.
func citedSource(words []zh.Word) []bool {
	cited := make([]bool, len(words))
	titled := make([]bool, len(words)) // inside 《》: "《数字化转型,到底是什么?》" asks nothing
	for i, in := 0, false; i < len(words); i++ {
		if strings.Contains(words[i].Text, "《") {
			in = true
		}
		titled[i] = in
		if strings.Contains(words[i].Text, "》") {
			in = false
		}
	}
	isStop := func(w zh.Word) bool { return w.Text == "," || w.Text == ";" || w.Text == ":" || w.Text == "?" }
	mark := func(from, to int) {
		switch words[from].Text {
		case "对于", "关于", "对", "针对":
			return // "对于……的说法,作者怎么看": the claim is what is asked about
		}
		for k := from; k < to; k++ {
			if !titled[k] && (isQuestionWord(words[k].Text) || words[k].Text == "为什么" || words[k].Text == "怎么" || words[k].Text == "如何") {
				return
			}
		}
		for k := from; k < to; k++ {
			cited[k] = true
		}
	}
	start := 0
	for i, w := range words {
		if isStop(w) && !titled[i] { // "《数字化转型,到底是什么?》一文中" is one citation
			start = i + 1
			continue
		}
		if i > start && i+2 < len(words) && words[i+1].Text == "的" && slices.Contains(quotingCues, w.Text+"的") &&
			!slices.ContainsFunc(words[start:i], func(w zh.Word) bool { return isOrdinal(w.Text) }) {
			// "正略咨询说的忧伤之谷是啥": who says it is the source; "第三阶段说的……" is where.
			mark(start, i+1)
			continue
		}
		if !sourceNouns[w.Text] || i == start {
			continue
		}
		// The noun must cite, not be asked about: "这篇文章的作者是谁".
		if i+1 == len(words) {
			continue
		}
		end := i + 1
		switch next := words[i+1].Text; {
		case sayingVerbs[next]:
			end = i + 2
		case next == "," || next == "为什么" || next == "怎么" || next == "如何":
		default:
			continue
		}
		mark(start, end)
	}
	// "按照正略咨询的数字化转型曲线,处在……": a clause opened by a citing preposition, when more
	// of the question follows it.
	if len(words) > 0 {
		first := words[0].Text
		for _, p := range citingPrepositions {
			if strings.HasPrefix(first, p) && (first == p || words[0].Freq == 0) {
				if k := slices.IndexFunc(words, isStop); k > 1 && k+1 < len(words) {
					mark(0, k)
				}
				break
			}
		}
	}
	return cited
}

// sourceWordsOf returns the words of a citation that name its source (正略, 咨询 of "照正略咨询
// 的说法"), without the nouns, verbs and pointers that make it one (文章, 说, 那篇) or a count
// (十四 of 十四五).
func sourceWordsOf(cited string) []string {
	var out []string
	for _, w := range zh.Segment(cited) {
		if w.Freq == 0 {
			for _, p := range citingPrepositions {
				if t, ok := strings.CutPrefix(w.Text, p); ok && t != "" {
					w.Text = t // 照正略 is 照 正略
					break
				}
			}
		}
		r := []rune(w.Text)
		switch {
		case len(r) < 2 || !allCJK(w.Text), sourceNouns[w.Text], textNouns[w.Text], sayingVerbs[w.Text],
			slices.Contains(citingPrepositions, w.Text), strings.HasPrefix(w.Tag, "p"), strings.HasPrefix(w.Tag, "r"),
			w.Tag == "m", w.Freq == 0 && strings.ContainsRune("那这", r[0]):
			continue
		}
		if !slices.Contains(out, w.Text) {
			out = append(out, w.Text)
		}
	}
	return out
}

// withoutCitation takes the source a question cites out of it (citedSource), and returns the
// rest, with a comma where the citation stood, and the citation. A place named in the citation
// stays: "根据广东的规划,……" asks about 广东.
func withoutCitation(folded string) (rest, cited string) {
	if !containsAny(folded, citationCues) {
		return folded, "" // most questions cite nothing: segmenting them twice cost 7 % of an answer
	}
	words := zh.Segment(folded)
	marked := citedSource(words)
	if !slices.Contains(marked, true) {
		return folded, ""
	}
	var b, c strings.Builder
	for i, w := range words {
		if !marked[i] {
			b.WriteString(w.Text)
			continue
		}
		if _, ok := placeName(w.Text); ok {
			b.WriteString(w.Text)
		}
		c.WriteString(w.Text)
		if i+1 < len(words) && !marked[i+1] {
			b.WriteString(",")
		}
	}
	return b.String(), c.String()
}

// aboutTheText reports whether words[i] is a text noun with a saying verb after it, or a
// verb after one.
func aboutTheText(words []zh.Word, i int) bool {
	if textNouns[words[i].Text] {
		return i+1 < len(words) && sayingVerbs[words[i+1].Text]
	}
	if sayingVerbs[words[i].Text] && i > 1 && askedNouns[words[i-1].Text] && isQuestionWord(words[i-2].Text) {
		return true // "哪些省份提到了区块链": which plans say it
	}
	if !sayingVerbs[words[i].Text] {
		return false
	}
	if i > 0 && i+1 < len(words) && words[i+1].Text == "的" && utf8.RuneCountInString(words[i].Text) <= 2 {
		return true // "正略咨询说的忧伤之谷": what someone says, the asker quotes
	}
	j := i - 1
	if j > 0 && sayingVerbs[words[j].Text] {
		j-- // "规划中说": the noun, where in it, and the verb
	}
	return j >= 0 && textNouns[words[j].Text]
}

// asksWhatKindNext reports whether a question word asking what kind comes right after words[i],
// with a count between ("建成一个什么样的模式").
func asksWhatKindNext(words []zh.Word, i int) bool {
	j := i + 1
	if j < len(words) && (words[j].Text == "一个" || words[j].Text == "成") {
		j++
	}
	return j < len(words) && (words[j].Text == "什么样" || words[j].Text == "啥样" || words[j].Text == "怎样")
}

// statesIntent reports whether words[i] says that its subject means to do what follows ("山西希望
// 培育出哪些……", "云南想要……"): the plan states the aim, not the wish. "希望之巅" is a name.
func statesIntent(words []zh.Word, i int) bool {
	switch words[i].Text {
	case "希望", "想要", "期望":
		return i > 0 && i+1 < len(words) && words[i+1].Text != "之"
	}
	return false
}

// asksOpinion reports whether words[i] asks what is said of something ("方洪波怎么评价的",
// "如何看待数字疗法"): the documents state the view without naming it a 评价.
func asksOpinion(words []zh.Word, i int) bool {
	switch words[i].Text {
	case "评价", "看待", "评论", "说", "讲", "提", "写", "表述":
		// "……对平台经济是咋说的": what the text says of it, in its words.
		return i > 0 && (words[i-1].Text == "怎么" || words[i-1].Text == "如何" || words[i-1].Text == "怎样" || words[i-1].Text == "咋")
	}
	return false
}

// asksWhatIsSaid reports whether a question asks what a text says of something ("河南规划对平台
// 经济是咋说的", "原话是怎么提的"): it asks for a statement, not a method, and the text it
// names (规划) is where the statement stands.
func asksWhatIsSaid(folded string) bool {
	return whatIsSaid.MatchString(folded)
}

var whatIsSaid = regexp.MustCompile(`(怎么|咋|如何|怎样)(说|讲|提|写|表述)(的|[?？]?$)`)

// hedges end a question politely ("……咋应对比较好?"): they ask nothing of the evidence.
var hedges = []string{"比较好", "比较合适", "才好", "好一些"}

// withoutHedge returns folded without a hedge at its end.
func withoutHedge(folded string) string {
	body := strings.TrimRightFunc(folded, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	for _, h := range hedges {
		if t, ok := strings.CutSuffix(body, h); ok && t != "" {
			return t + folded[len(body):]
		}
	}
	return folded
}

// undoubleMeasures writes a doubled measure word once: "一批批倒闭" is "一批倒闭", which the
// segmenter reads as words ("一批批" it cuts into 一批/批倒/闭关).
func undoubleMeasures(s string) string {
	r := []rune(s)
	out := r[:0:0]
	for i := 0; i < len(r); i++ {
		out = append(out, r[i])
		if r[i] == '一' && i+2 < len(r) && r[i+1] == r[i+2] && strings.ContainsRune(measureWords, r[i+1]) {
			out = append(out, r[i+1])
			i += 2
		}
	}
	return string(out)
}

// endsName reports whether next, after the name pieces run, is a verb the name is the subject
// of rather than a piece of it: a single character the dictionary gives as a verb, after a
// piece of two characters or more ("方洪波/讲/到"). Single characters after single characters
// still make names (鸿/蒙, though 蒙 is also a verb; 华为/鸿/蒙).
func endsName(run []zh.Word, next zh.Word) bool {
	if utf8.RuneCountInString(next.Text) != 1 || !strings.HasPrefix(next.Tag, "v") {
		return false
	}
	if utf8.RuneCountInString(run[len(run)-1].Text) == 1 {
		return false
	}
	return slices.ContainsFunc(run, func(w zh.Word) bool { return utf8.RuneCountInString(w.Text) >= 2 })
}

// isVerbAndMeasure reports whether w is an unknown word the hidden Markov model glued from a
// one-character verb and a measure word ("弄个交易所": 弄个), which begins no name.
func isVerbAndMeasure(w zh.Word) bool {
	r := []rune(w.Text)
	if w.Freq != 0 || len(r) != 2 || !strings.ContainsRune("个套块", r[1]) {
		return false
	}
	v, _ := zh.Lookup(string(r[0]))
	return strings.HasPrefix(v.Tag, "v")
}

// isPotentialComplement reports whether an unknown three-character word is a verb with 不 or 得
// between it and its result (摸不清, 说得清): a word the dictionary lacks, not a name.
func isPotentialComplement(w string) bool {
	r := []rune(w)
	return len(r) == 3 && (r[1] == '不' || r[1] == '得')
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// ordinals are the words among ws that give a position: 第三, 第四.
func ordinals(ws []string) []string {
	var out []string
	for _, w := range ws {
		if isOrdinal(w) {
			out = append(out, w)
		}
	}
	return out
}

// asksForKinds reports whether words[i] asks how many kinds there are: 几类, or 几/类.
func asksForKinds(words []zh.Word, i int) bool {
	return words[i].Text == "几类" || (words[i].Text == "类" && i > 0 && words[i-1].Text == "几")
}

// isListMeasure reports whether w is a measure word that counts the items of a list: 第二类,
// 第三步, 四点.
func isListMeasure(w string) bool {
	return utf8.RuneCountInString(w) == 1 && strings.Contains("类种步点项条", w)
}

// ordinalWord is the ordinal ord as a word the segmenter knows: a numeral, not a word the hidden
// Markov model made up.
func ordinalWord(ord string) zh.Word {
	w, _ := zh.Lookup(ord)
	w.Text, w.Tag, w.Freq = ord, "m", max(w.Freq, 1)
	return w
}

// isOrdinal reports whether w is 第 and a number: 第三, 第12.
func isOrdinal(w string) bool {
	rest, ok := strings.CutPrefix(w, "第")
	return ok && rest != "" && strings.Trim(rest, cjkNumerals+"0123456789") == ""
}

// orgSuffixes after a word make it the name of an organisation: 浪潮集团.
var orgSuffixes = map[string]bool{"集团": true, "控股": true}

// groupName returns the name words[i] and an organisation suffix after it make, or "": a word
// before 集团 names the group however common the word is ("浪潮集团": 浪潮, a wave).
func groupName(words []zh.Word, i int) string {
	w := words[i]
	if i+1 >= len(words) || !orgSuffixes[words[i+1].Text] || utf8.RuneCountInString(w.Text) < 2 || !allCJK(w.Text) ||
		scaffoldWords[w.Text] || askedNouns[w.Text] {
		return ""
	}
	if w.Freq != 0 && (!strings.HasPrefix(w.Tag, "n") || w.Tag == "ns") {
		return "" // "发展集团", "广东集团": a verb or a place says whose group, not which
	}
	return w.Text + words[i+1].Text
}

// aspectNouns after a word make it an aspect of the question's subject ("那网络安全方面呢?"),
// not a subject of its own.
var aspectNouns = map[string]bool{"方面": true, "领域": true, "层面": true}

// kindNouns are the asked nouns that ask for kinds of something, which documents name "X类".
var kindNouns = map[string]bool{"类型": true, "种类": true, "类别": true}

// askedNouns stand for whatever is asked when a question word comes before them ("包括哪些内容",
// "有什么东西", "属于哪种类型", "哪些省份"): they say that the question asks, not what about. A
// province's plan never calls itself a 省份.
var askedNouns = map[string]bool{"内容": true, "工作": true, "东西": true, "事情": true, "事儿": true, "事": true, "事项": true, "类型": true, "种类": true, "类别": true, "名字": true, "名称": true,
	"省份": true, "省市": true, "省": true}

// framingNouns name the kind of answer asked for when a question word stands beside them
// ("定了什么目标", "提了什么要求", "定位是什么"): the answer states the goal itself and
// seldom calls it one ("建成全国大数据中心重要基地").
var framingNouns = map[string]bool{"目标": true, "要求": true, "任务": true, "措施": true, "举措": true, "定位": true, "作用": true,
	"意义": true, "特点": true, "重点": true, "方向": true, "思路": true, "路径": true, "办法": true, "手段": true, "表现": true, "好处": true,
	"规划": true, "计划": true, "安排": true, "部署": true, "效果": true, "成效": true, "目的": true, "角色": true, "地位": true}

// framingModifiers qualify a framing noun without saying what is asked about (总体目标).
var framingModifiers = map[string]bool{"总体": true, "整体": true, "基本": true, "总": true}

// emphasisAdverbs press a question without changing what it asks: "思路到底是啥".
var emphasisAdverbs = map[string]bool{"到底": true, "究竟": true, "具体": true, "主要": true, "又": true, "都": true}

// copulas may stand between a noun and the question word that asks for it: "定位是什么",
// "总目标叫什么".
var copulas = []string{"是", "有", "为", "叫", "叫做", "称为"}

// nextToQuestionWord reports whether a question word comes right before words[i] or right
// after it (with one of copulas between).
func nextToQuestionWord(words []zh.Word, i int) bool {
	asks := func(w string) bool { return isQuestionWord(w) || w == "如何" } // isQuestionWord holds 啥, 怎样
	if i > 0 && asks(words[i-1].Text) {
		return true
	}
	if i == len(words)-1 {
		// The noun ends the question and a question word asks for it: "定了什么数字化目标".
		for k := i - 1; k >= 0 && k >= i-3; k-- {
			if asks(words[k].Text) {
				return true
			}
		}
		// Or it ends a query typed as into a search box, which asks for it with no question
		// word at all: "上海十四五数字化转型目标".
		if !slices.ContainsFunc(words, func(w zh.Word) bool { return asks(w.Text) }) {
			return true
		}
	}
	j := i + 1
	if j < len(words) && emphasisAdverbs[words[j].Text] {
		j++ // "总体思路到底是啥": the adverb only presses the question
	}
	if j < len(words) && slices.Contains(copulas, words[j].Text) {
		j++
		if j+1 < len(words) && strings.HasPrefix(words[j].Tag, "v") && asks(words[j+1].Text) {
			j++ // "总目标是建设什么": the goal is what is built
		}
	}
	return j < len(words) && (asks(words[j].Text) || strings.HasPrefix(words[j].Text, "是啥"))
}

// askedNoun reports whether words[i] is an asked noun after a question word.
func askedNoun(words []zh.Word, i int) bool {
	return askedNouns[words[i].Text] && i > 0 && isQuestionWord(words[i-1].Text) // 啥 too
}

// isQuestionWord reports whether w is made of question characters and a measure word
// ("哪几类", "几种", "多少项"): the segmenter glues them into words it does not know.
func isQuestionWord(w string) bool {
	q := false
	for _, r := range w {
		switch {
		case strings.ContainsRune("哪几多少什么怎样啥谁", r):
			q = true
		case strings.ContainsRune("类种个项条款家次年月日天号周位名件样些楼层集期届岁倍篇份本", r):
		default:
			return false
		}
	}
	return q
}

// knownParts returns the words of at least two characters a name was glued from, when every
// piece of it is a word the dictionary knows and there are two such words or more. A name with
// an unknown piece gets none: in "盛世笔特" the unknown 笔特 is what names it, and 盛世 said
// anywhere must not make it stated.
func knownParts(pieces []zh.Word) []string {
	var parts []string
	for _, p := range pieces {
		if p.Freq == 0 {
			return nil
		}
		if utf8.RuneCountInString(p.Text) >= 2 {
			parts = append(parts, p.Text)
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return parts
}

// unknownPieces returns the pieces of a name run when it is three or more words of two
// characters the dictionary lacks, or nil. Longer pieces are a name's own (小灰头/稚冠雉, whose
// stem stands for it), and two-character ones the model's guesses at words (新服, 开服).
func unknownPieces(pieces []zh.Word) []string {
	if len(pieces) < 3 {
		return nil
	}
	var out []string
	for _, p := range pieces {
		if p.Freq != 0 || utf8.RuneCountInString(p.Text) != 2 {
			return nil
		}
		out = append(out, p.Text)
	}
	return out
}

// headedParts returns the pieces a name run was glued from when it opens with an organisation,
// a proper term (nz: 集成电路) or a listed brand and goes on with words the dictionary lacks:
// "支付宝/提现" is 支付宝 and the 提现 its dictionary does not list, and each must be stated,
// not the glued whole ("支付宝提现", "集成电路“芯火”双创基地"). A run opening with a word the dictionary gives a person's tag gets none: the
// tag marks common words too, and 盛世 must not state 盛世笔特.
func headedParts(pieces []zh.Word) []string {
	for len(pieces) > 0 && isEdgeParticle(pieces[0].Text) {
		pieces = pieces[1:] // "到/税务局/开票"
	}
	if len(pieces) < 2 || pieces[0].Freq == 0 || !(pieces[0].Tag == "nt" || pieces[0].Tag == "nz" || zh.IsListedName(pieces[0].Text)) {
		return nil
	}
	parts := []string{pieces[0].Text}
	for k, p := range pieces[1:] {
		t := p.Text
		if p.Freq == 0 && k == len(pieces)-2 {
			t = strings.TrimRightFunc(t, func(r rune) bool { return strings.ContainsRune(nameEdgeChars, r) }) // 群后: 群
		}
		if utf8.RuneCountInString(t) >= 2 {
			parts = append(parts, t)
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return parts
}

// sidePieces returns the pieces of a name run of two or three words of two characters or
// more, one of which the dictionary knows, or nil: "华为/郭平" names a company and a person the
// documents may state apart ("华为轮值董事长……郭平"). Runs of unknown pieces alone are names
// of their own (盛世笔特 is cut 盛世/笔特 only when 盛世 is known, and then 笔特 must be stated).
func sidePieces(pieces []zh.Word) []string {
	for len(pieces) > 0 && isEdgeParticle(pieces[0].Text) {
		pieces = pieces[1:] // "要/补齐/集成电路"
	}
	for len(pieces) > 0 && isEdgeParticle(pieces[len(pieces)-1].Text) {
		pieces = pieces[:len(pieces)-1]
	}
	if len(pieces) < 2 || len(pieces) > 3 {
		return nil
	}
	var out []string
	known := false
	for _, p := range pieces {
		if utf8.RuneCountInString(p.Text) < 2 || !allCJK(p.Text) {
			return nil
		}
		known = known || p.Freq > 0
		out = append(out, p.Text)
	}
	if !known {
		return nil
	}
	return out
}

// nameStem is a name of several unknown pieces without its last one, when that leaves at least
// minNameRunes characters; "" otherwise. A name with a known piece gets none: 盛世 must not
// state 盛世笔特.
func nameStem(pieces []zh.Word) string {
	if len(pieces) < 2 {
		return ""
	}
	stem := ""
	for _, p := range pieces[:len(pieces)-1] {
		if p.Freq > 0 && utf8.RuneCountInString(p.Text) > 1 {
			return ""
		}
		stem += p.Text
	}
	stem = strings.TrimFunc(stem, func(r rune) bool { return strings.ContainsRune(nameEdgeChars, r) })
	if utf8.RuneCountInString(stem) < minNameRunes {
		return ""
	}
	return stem
}

// isCount reports whether w is a number with its measure word ("四篇", "3个").
func isCount(w string) bool {
	runes := []rune(w)
	return len(runes) >= 2 && (unicode.IsDigit(runes[0]) || strings.ContainsRune(cjkNumerals, runes[0])) &&
		strings.ContainsRune(measureWords+"篇本首部章", runes[len(runes)-1])
}

// nameEdgeChars are particles and verbs that begin or end no name.
const nameEdgeChars = "是对让把被给在和与及或的了地得着过将向从由为以于有会能要也都就还又才再很最更曾后不没却仍而且亦竟已便说比去到"

// particles are the name edges that carry no meaning of their own: an unknown word glued from
// one keeps its sense without it (关是 is 关), unlike 最热 or 没涨.
const particles = "是对让把被给在和与及或的了地得着过向从由以于也都就还又才再却仍而且亦竟已便"

func isParticle(r rune) bool { return strings.ContainsRune(particles, r) }

// isEdgeParticle reports whether w is one of the particles that begin or end no name.
func isEdgeParticle(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return n == len(w) && strings.ContainsRune(nameEdgeChars, r)
}

// trimName joins the pieces of a name run without the particles at its ends: the segmenter
// leaves them beside a name ("治疗对", "华为在") and the hidden Markov model glues them into
// unknown words ("俞敏洪让", "关是"). A word the dictionary knows is kept whole: 华为 ends with
// 为, and is no 华.
func trimName(pieces []zh.Word) string {
	edge := func(r rune) bool { return strings.ContainsRune(nameEdgeChars, r) }
	texts := make([]string, len(pieces))
	for k, p := range pieces {
		texts[k] = p.Text
	}
	for len(texts) > 0 {
		first, unknown := texts[0], pieces[len(pieces)-len(texts)].Freq == 0
		if isEdgeParticle(first) {
			texts = texts[1:]
			continue
		} else if unknown {
			texts[0] = strings.TrimLeftFunc(first, edge)
			if r := []rune(texts[0]); len(r) >= 3 && isDemonstrative(string(r[:2])) {
				texts[0] = string(r[2:]) // the model glued 这条 to 赛道
			}
		}
		break
	}
	for len(texts) > 0 {
		k := len(texts) - 1
		last, unknown := texts[k], pieces[len(pieces)-len(texts)+k].Freq == 0
		if isEdgeParticle(last) {
			texts = texts[:k]
			continue
		} else if unknown {
			texts[k] = strings.TrimRightFunc(last, edge)
			if r := []rune(texts[k]); len(r) >= 3 && isDemonstrative(string(r[len(r)-2:])) {
				texts[k] = string(r[:len(r)-2])
			}
		}
		break
	}
	return strings.Join(texts, "")
}

// minNameRunes: an unknown run shorter than this is a typo or a word the dictionary lacks more
// often than a name ("规摸", "前五", "获批"); it is judged on the evidence instead.
const minNameRunes = 3

// isNameWord reports whether a segmented word looks like a name the documents must state: a
// word the dictionary does not know (two characters or more), or a rare organisation,
// transliterated or other proper noun. Person tags are left out: the dictionary gives them to
// common words too (智能化, 美的). Every ordinary word is judged on the evidence, never refused.
func isNameWord(w zh.Word) bool {
	n := utf8.RuneCountInString(w.Text)
	if n < 2 {
		return false
	}
	if w.Freq == 0 {
		return allCJK(w.Text)
	}
	switch w.Tag {
	case "nt":
		return true
	case "nz", "nrt":
		// These tags also mark common words (普通, 论文, 汇报, 令人, 崇高): the frequent ones
		// are judged on the evidence, like any word.
		return w.Freq < commonNameFreq
	case "nr":
		// Person tags also mark companies (华为, 美的) and, wrongly, abstract words (智能化,
		// 智慧): keep the rarer ones that do not end as abstract nouns do.
		return w.Freq < commonNameFreq && !strings.ContainsAny(string([]rune(w.Text)[n-1:]), "化性式型度率力量")
	}
	return false
}

// isCommonFunctionChar reports whether w is a single character the dictionary gives as a
// preposition, conjunction or particle, or as a common adjective or adverb: none goes on with a
// name before it (日本政府/替/本国, 集成电路/新/发展极), as the rarer characters of one cut
// into pieces do (华为/鸿/蒙).
func isCommonFunctionChar(w zh.Word) bool {
	if utf8.RuneCountInString(w.Text) != 1 {
		return false
	}
	switch {
	case strings.HasPrefix(w.Tag, "p") || strings.HasPrefix(w.Tag, "c") || strings.HasPrefix(w.Tag, "u"):
		return w.Freq >= commonNameFreq
	case w.Tag == "a" || w.Tag == "ad" || w.Tag == "d":
		return w.Freq >= commonCharFreq
	}
	return false
}

// gluedSingles reports whether an unknown word is two characters each used commonly as a word
// of its own (开 27,900, 难 18,505).
func gluedSingles(w string) bool {
	r := []rune(w)
	if len(r) != 2 {
		return false
	}
	a, aok := zh.Lookup(string(r[0]))
	b, bok := zh.Lookup(string(r[1]))
	return aok && bok && a.Freq >= commonCharFreq && b.Freq >= commonCharFreq
}

// modalChars are the one-character modal verbs the hidden Markov model glues to the verb after
// them (要建, 想做).
const modalChars = "要会能想该可"

// commonCharFreq: a one-character word used this often (新 62,626, 开 27,900) is a word of its
// own: after a name no piece of it, and two of them glued are two words.
const commonCharFreq = 10000

// commonNameFreq: a word tagged as a proper noun this frequent in the dictionary's corpus is
// more often a common word than a name.
const commonNameFreq = 1000

// isNamePiece reports whether w may be part of a name: a name word, a proper noun of any kind,
// or a single character (the segmenter cuts unknown names into them: 鸿/蒙, 马/斯克).
func isNamePiece(w zh.Word) bool {
	if isVerbAndMeasure(w) {
		return false
	}
	if isNameWord(w) {
		return true
	}
	n := utf8.RuneCountInString(w.Text)
	return (zh.IsProperTag(w.Tag) && w.Tag != "ns" && w.Freq < commonNameFreq) || (n == 1 && allCJK(w.Text))
}

func allCJK(s string) bool {
	for _, r := range s {
		if !isCJK(r) {
			return false
		}
	}
	return s != ""
}

func kindOf(folded string) questionKind {
	if asksWhatIsSaid(folded) && !strings.Contains(folded, "为什么") {
		return kindFact // "……是咋说的" asks for the statement, not how to do it
	}
	if asksForSeveral(folded) && !strings.Contains(folded, "为什么") && !definesQuotedTerm(folded) {
		return kindList
	}
	if definesQuotedTerm(folded) && !strings.Contains(folded, "为什么") {
		return kindDefinition
	}
	if kind, ok := kindCues.first(folded); ok {
		if kind == kindMethod && asksHowItIs(folded) {
			return kindFact // "融资情况怎么样", "会咋样": how things are or turn out, not how to do them
		}
		return kind
	}
	return kindFact
}

// asksHowItIs reports whether a folded question ends by asking how something is or turns out
// ("……的处境怎么样", "不彻底变革会咋样"), which a statement of it answers; "应该怎么样" and
// "怎么样才能" ask how to do it.
func asksHowItIs(folded string) bool {
	q := strings.TrimRight(folded, "?？!！。 ")
	for _, cue := range []string{"怎么样", "咋样", "怎样", "如何"} {
		if rest, ok := strings.CutSuffix(q, cue); ok {
			r := []rune(rest)
			before := string(r[max(0, len(r)-3):]) // the words right before the cue
			return !strings.HasSuffix(rest, "做") && !containsAny(before, []string{"应该", "应当", "要", "该", "能", "可以", "才"})
		}
	}
	return false
}

// asksForSeveral reports whether a question asks for a counted set: 哪四类, 哪两个, 哪几种, or
// "五个阶段是什么" (a count, then what they are).
func asksForSeveral(folded string) bool {
	runes := []rune(folded)
	for i := 0; i+1 < len(runes); i++ {
		if runes[i] == '哪' && strings.ContainsRune("二两三四五六七八九十几", runes[i+1]) {
			return true
		}
	}
	return countedThenAsked.MatchString(folded)
}

// countedThenAsked matches a count of two or more followed by what asks for them; 第三个 is
// an ordinal and asks for one.
var countedThenAsked = regexp.MustCompile(`(^|[^第一二三四五六七八九十\d])([二两三四五六七八九十]|[2-9])[个类种项点条步大]\S*?(是什么|是哪些|有哪些|有什么|分别|包括什么|包括哪)`)

// yearRange matches "1944年到2009年", "2019-2021": a span the documents state by where it starts
// ("1944年起").
var yearRange = regexp.MustCompile(`((?:19|20)\d\d)年?\s*(?:到|至|-|~|—|－)\s*((?:19|20)\d\d)`)

// dropRangeEnds keeps of a range of years only its first as a constraint.
func dropRangeEnds(folded string, years []string) []string {
	for _, m := range yearRange.FindAllStringSubmatch(folded, -1) {
		years = slices.DeleteFunc(years, func(y string) bool { return y == m[2] })
	}
	return years
}

// dropAmounts drops the "years" the question states only as amounts: "2000左右的山地车",
// "1999元".
func dropAmounts(folded string, years []string) []string {
	isAmount := func(after string) bool {
		r, _ := utf8.DecodeRuneInString(after)
		return strings.ContainsRune("多元块米克人台个万千次件辆", r) ||
			strings.HasPrefix(after, "左右") || strings.HasPrefix(after, "以上") || strings.HasPrefix(after, "以下")
	}
	return slices.DeleteFunc(years, func(y string) bool {
		for i := range occurrences(folded, y) {
			if !isAmount(folded[i+len(y):]) {
				return false // one mention as a year is enough
			}
		}
		return true
	})
}

// isPeriod reports whether s names a five-year plan, 十一五 to 十五五.
func isPeriod(s string) bool {
	r := []rune(s)
	return len(r) == 3 && r[0] == '十' && r[2] == '五' && strings.ContainsRune("一二三四五", r[1])
}

// periodsIn are the five-year plans a folded text names.
func periodsIn(s string) []string {
	var out []string
	r := []rune(s)
	for i := 0; i+2 < len(r); i++ {
		if p := string(r[i : i+3]); isPeriod(p) && (i == 0 || !strings.ContainsRune(cjkNumerals, r[i-1])) {
			out = append(out, p)
		}
	}
	return out
}

// isYear reports whether s is a four-digit year from 1900 to 2099.
func isYear(s string) bool {
	if len(s) != 4 || (!strings.HasPrefix(s, "19") && !strings.HasPrefix(s, "20")) {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// scriptRuns cuts s into runs of CJK and runs of everything else.
func scriptRuns(s string) []string {
	var out []string
	start, prev := 0, -1
	for i, r := range s {
		kind := 0
		if isCJK(r) {
			kind = 1
		}
		if prev >= 0 && kind != prev {
			out = append(out, s[start:i])
			start = i
		}
		prev = kind
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return slices.DeleteFunc(out, func(r string) bool { return strings.TrimSpace(r) == "" })
}

// questionTerms returns the tokens of the question's content words, each once.
func (q question) terms() []Token {
	var toks []Token
	for _, w := range q.words {
		toks = AppendTokens(toks, w)
	}
	slices.Sort(toks)
	return slices.Compact(toks)
}

// constrains reports whether w is one of q's places, years, periods or names.
func (q question) constrains(w string) bool {
	if len(q.places) > 0 {
		if p, ok := placeName(w); ok && slices.Contains(q.places, p) {
			return true
		}
	}
	return slices.Contains(q.places, w) || slices.Contains(q.years, w) || slices.Contains(q.periods, w) || slices.Contains(q.names, w)
}

// asksYesNo reports whether a folded question asks yes or no.
func asksYesNo(folded string) bool {
	return strings.HasSuffix(strings.TrimRight(folded, "?？!！。 "), "吗") ||
		containsAny(folded, []string{"是否", "有没有", "是不是", "能不能", "会不会"}) || hasAnotA(folded)
}

// isAnotA reports whether w asks by saying a word and its negation ("多不多", "难不难", "有没有"):
// a question word, whatever the word.
func isAnotA(w string) bool {
	r := []rune(w)
	return len(r) == 3 && r[0] == r[2] && (r[1] == '不' || r[1] == '没') && isCJK(r[0])
}

// hasAnotA reports whether folded holds an A-not-A question ("企业多不多").
func hasAnotA(folded string) bool {
	r := []rune(folded)
	for i := 0; i+2 < len(r); i++ {
		if isAnotA(string(r[i : i+3])) {
			return true
		}
	}
	return false
}

// substantive reports whether w, one of q's words, says what q is about rather than how it
// asks: not a framing noun, not a qualifier, not a single character.
func (q question) substantive(w string) bool {
	return !q.framing[w] && !q.qualifiers[w] && utf8.RuneCountInString(w) > 1
}

// isFunctionWord reports whether w is an adverb, conjunction, preposition or modal verb that
// the dictionary's corpus uses often (commonFunctionFreq times or more): the index alone weighs
// it as a rare word when the documents, written in another register, seldom use it.
func isFunctionWord(w zh.Word) bool {
	if w.Tag == "p" && utf8.RuneCountInString(w.Text) >= 2 && w.Freq >= commonPrepositionFreq {
		return true // 针对, 依据, 基于: a closed class, which frames what follows it
	}
	if w.Freq < commonFunctionFreq {
		return false
	}
	switch w.Tag {
	case "d", "ad", "c", "p":
		return true
	}
	return modalVerbs[w.Text]
}

// commonFunctionFreq: an adverb or conjunction this frequent in the dictionary's corpus is a
// word of how something is said (应该 21,067, 直接 14,906, 还要 6,790); rarer ones carry content
// more often (照常, 擅自).
const commonFunctionFreq = 5000

// commonPrepositionFreq: prepositions of two characters or more are few, and the dictionary's
// corpus uses nearly all of them over a thousand times (针对 4,053, 基于 1,777); the rarer ones are
// words of other kinds it tags as prepositions too (缘由, 关照).
const commonPrepositionFreq = 1000

// modalVerbs are the dictionary's verbs that only qualify another verb.
var modalVerbs = map[string]bool{"应该": true, "应当": true, "能够": true, "必须": true, "愿意": true}
