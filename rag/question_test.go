package rag

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestNameRunsLoseTheirParticles holds what a name is when the segmenter leaves particles beside
// it or glues them into unknown words.
func TestNameRunsLoseTheirParticles(t *testing.T) {
	tests := []struct {
		question    string
		names       []string // exactly these
		words, notW []string // among the content words, and not among them
	}{
		// 为 ends 华为 but is a particle too: trimming characters left 华.
		{"华为在数字化转型上投资了多少钱？", []string{"华为"}, []string{"华为"}, []string{"华"}},
		// 却 and 没 glued to 涨 are no name the documents lack.
		{"为什么企业规模增长了利润却没涨？", nil, []string{"利润"}, []string{"却没涨", "却"}},
		// The hidden Markov model glued 是 to 关.
		{"企业要面对的第一关是啥", nil, []string{"关"}, []string{"关是"}},
		{"盛世笔特是否计划整合先进的数字化智能化技术", []string{"盛世笔特"}, nil, nil},
		// The hidden Markov model glued the question word to 率, and 说 to 麦肯锡.
		{"中国企业数字化转型失败率多高", nil, []string{"失败", "率"}, []string{"率多高"}},
		{"麦肯锡说失败率是多少", []string{"麦肯锡"}, []string{"失败"}, []string{"麦肯锡说"}},
		// jieba tags 普通 as a proper noun: a word that common is no name.
		{"数字疗法和普通的药有什么区别", nil, []string{"普通", "区别"}, nil},
		// A demonstrative after an unknown word (the sample misspells 专精特新) is no part of a name.
		{"专特精新这类企业一般卡在哪几个方面？", []string{"专特精新"}, []string{"企业"}, []string{"专特精新这类", "这类"}},
		// A count glued to its noun is one set: apart, 三 and 要素 match "十三五" and "新要素".
		// Asked which, the count asks: 哪两方面.
		{"数字化转型的三要素是啥", nil, []string{"三要素"}, []string{"三", "要素"}},
		{"技术难点主要包括哪两方面", nil, []string{"难点"}, []string{"两方面"}},
		// The noun asked for glued to the verb after it (省提) is neither.
		{"网络安全哪个省提了", []string{"网络安全"}, []string{"网络安全"}, []string{"省提"}},
		// Nor is a count pointing back (这四重) a name.
		{"数字化转型难在四重叠加,这四重指的是什么", nil, []string{"转型"}, []string{"这四重"}},
		// The asker citing the text: no sentence says 作者 or 预测. Asked about, 作者 stays.
		{"作者预测央企接下来会迎来一波什么潮？", nil, []string{"央企", "潮"}, []string{"作者", "预测", "接下来"}},
		{"这篇文章的作者是谁", nil, []string{"作者"}, []string{"这篇"}},
		// So does the asker citing a plan; asked about, 规划 stays.
		{"浙江的规划里说要加快什么改革", nil, []string{"浙江", "改革"}, []string{"规划"}},
		{"浙江的数字化规划是什么", nil, []string{"规划"}, nil},
		// A modal verb glued to the verb after it: "需要建立" holds 要建, and says nothing of 建.
		{"宁夏十四五规划提出要建什么", nil, []string{"宁夏", "建"}, []string{"要建"}},
		// 十四五快 is 十四五 and 快; 一批批 is 一批.
		{"等到十四五快收尾的时候会怎样", nil, []string{"十四五", "收尾"}, []string{"十四", "五快", "等到"}},
		{"钢铁厂咋就一批批倒闭了", nil, []string{"钢铁厂", "倒闭"}, []string{"批倒"}},
		// A preposition or a common adjective of one character goes on with no name before it.
		{"对于美国、日本政府替本国企业掏钱撤离中国的说法作者怎么看", []string{"日本政府"}, nil, []string{"日本政府替"}},
		{"广东打算把哪个地区建成全国集成电路新发展极", []string{"集成电路"}, nil, []string{"集成电路新"}},
		{"华为鸿蒙是什么", []string{"华为鸿蒙"}, nil, nil},
	}
	for _, tt := range tests {
		q := readQuestion(tt.question)
		if !slices.Equal(q.names, tt.names) {
			t.Errorf("%s: names %q, want %q", tt.question, q.names, tt.names)
		}
		for _, w := range tt.words {
			if !slices.Contains(q.words, w) {
				t.Errorf("%s: words %q lack %q", tt.question, q.words, w)
			}
		}
		for _, w := range tt.notW {
			if slices.Contains(q.words, w) {
				t.Errorf("%s: words %q hold %q", tt.question, q.words, w)
			}
		}
	}
}

// TestAskedNouns: "内容" or "类型" after a question word says that something is asked, not what
// about.
// TestGluedSinglesAreNoTypos: two common one-character words the hidden Markov model glued (开难)
// are matched as written, not as a typo of a word the documents hold (开展).
func TestGluedSinglesAreNoTypos(t *testing.T) {
	q := readQuestion("数字疗法想在国内推广开难在哪")
	if !q.glued["开难"] {
		t.Fatalf("开难 not read as glued: words %q, glued %v", q.words, q.glued)
	}
	if m := matchWord(weightedWord{text: "开难", unseen: true, glued: true}, "开展智能制造试点示范"); m != 0 {
		t.Errorf("开难 matched 开展 for %v", m)
	}
	if readQuestion("盛世笔特是什么").glued["笔特"] {
		t.Errorf("笔特 is a piece of a name, not two common words")
	}
}

func TestAskedNouns(t *testing.T) {
	if q := readQuestion("山西推动治理数字化包括哪些内容"); slices.Contains(q.words, "内容") {
		t.Errorf("words %q hold 内容", q.words)
	}
	if q := readQuestion("该平原用形成原因来划分属于哪种类型?"); slices.Contains(q.words, "类型") {
		t.Errorf("words %q hold 类型", q.words)
	}
	if q := readQuestion("广东准备建的那个中心叫什么名字？"); slices.Contains(q.words, "名字") {
		t.Errorf("words %q hold 名字", q.words)
	}
	if q := readQuestion("报告的内容涉及哪些省份"); !slices.Contains(q.words, "内容") {
		t.Errorf("words %q lack 内容, which this question asks about", q.words)
	}
	// A province's plan never calls itself a 省份.
	if q := readQuestion("哪些省份提出了建设智慧城市？"); slices.Contains(q.words, "省份") {
		t.Errorf("words %q hold 省份", q.words)
	}
	// Nor does it say it "mentions" what it states.
	if q := readQuestion("哪些省份提到了区块链"); !slices.Equal(q.words, []string{"区块链"}) {
		t.Errorf("words %q, want 区块链 alone", q.words)
	}
}

func TestColloquialDefinitions(t *testing.T) {
	for _, q := range []string{"数字药是啥", "啥是数字疗法", "DTx是啥意思"} {
		if got := readQuestion(q); got.kind != kindDefinition {
			t.Errorf("%s: kind %d, want a definition", q, got.kind)
		} else if got.definiendum() == "" {
			t.Errorf("%s: no term", q)
		}
	}
}

// TestAnotAQuestions: "多不多", "难不难" ask yes or no; they are no name the documents lack.
func TestAnotAQuestions(t *testing.T) {
	q := readQuestion("舍得为数字化转型砸几十亿上百亿的企业多不多")
	if !q.yesNo || slices.Contains(q.names, "多不多") || slices.Contains(q.words, "多不多") {
		t.Errorf("yesNo %v, names %q, words %q", q.yesNo, q.names, q.words)
	}
	if q := readQuestion("数字化转型难不难"); !q.yesNo || slices.Contains(q.words, "难不难") {
		t.Errorf("数字化转型难不难: yesNo %v, words %q", q.yesNo, q.words)
	}
}

// TestAspectsAreNoNames: "网络安全方面" is an aspect of what is asked, so that "那网络安全方面呢?"
// keeps the topic's province.
func TestAspectsAreNoNames(t *testing.T) {
	if q := readQuestion("那网络安全方面呢？"); len(q.names) > 0 || !slices.Contains(q.words, "网络安全") {
		t.Errorf("names %q, words %q", q.names, q.words)
	}
}

// TestQuotedTermIsDefined: quotation marks in a definition question mark its term.
func TestQuotedTermIsDefined(t *testing.T) {
	if got := readQuestion("数智化组织的“在线应用”阶段指的是什么？").definiendum(); got != "在线应用" {
		t.Errorf("term %q, want 在线应用", got)
	}
	if got := readQuestion("什么是数字疗法").definiendum(); got != "数字疗法" {
		t.Errorf("term %q, want 数字疗法", got)
	}
	// The noun after 是什么 says what kind of thing the term is.
	if got := readQuestion("希望之巅是什么阶段").definiendum(); got != "希望之巅" {
		t.Errorf("term %q, want 希望之巅", got)
	}
	// That noun names the kind of answer: the description need not repeat it.
	if q := readQuestion("现实之退是什么阶段"); !q.framing["阶段"] {
		t.Errorf("framing %v lack 阶段", q.framing)
	}
}

// TestVerbsAreNoNames: a verb with its result (摸不清) and a single verb after a name (方洪波讲到)
// are no part of a name; single characters alone still make one (鸿/蒙 is not cut here either).
func TestVerbsAreNoNames(t *testing.T) {
	if q := readQuestion("商业模式创新这种事前摸不清因果的问题，一般该怎么推进？"); len(q.names) != 0 {
		t.Errorf("names %q, want none", q.names)
	}
	if q := readQuestion("为什么方洪波讲到2017年的时候，自己都不确定数字化这笔投资对不对？"); !slices.Equal(q.names, []string{"方洪波"}) || slices.Contains(q.words, "这笔") {
		t.Errorf("names %q, words %q: want the name 方洪波 and no 这笔", q.names, q.words)
	}
	// A two-character word read whole but unknown is no name; two single characters, one a
	// proper noun, are.
	if q := readQuestion("数字疗法现在写进临床诊疗指南了没？"); slices.Contains(slices.Concat(q.rare, q.names), "写进") {
		t.Errorf("写进 is taken for a name: %q %q", q.rare, q.names)
	}
	if q := readQuestion("鸿蒙系统有哪些新功能"); !slices.Contains(q.rare, "鸿蒙") {
		t.Errorf("rare %q lack 鸿蒙", q.rare)
	}
	// After a name, single characters go on with it even when the last is also a verb (华为/鸿/蒙).
	if q := readQuestion("华为鸿蒙系统在数字疗法中怎么用？"); !slices.Equal(q.names, []string{"华为鸿蒙"}) {
		t.Errorf("names %q, want 华为鸿蒙", q.names)
	}
	// 能/不能 is one A-not-A question, not two content words.
	if q := readQuestion("数字疗法能不能直接套用传统医疗的那套商业模式？"); !q.yesNo || slices.Contains(q.words, "不能") || slices.Contains(q.words, "那套") {
		t.Errorf("yes/no %v, words %q", q.yesNo, q.words)
	}
}

// TestTheWorldIsAPlace: a question about the world is not answered by China's figure.
func TestTheWorldIsAPlace(t *testing.T) {
	q := readQuestion("2021年全球数字疗法市场规模是多少？")
	if !slices.Contains(q.places, "全球") {
		t.Fatalf("places %q lack 全球", q.places)
	}
	if unmet := unmetConstraints(q, "2021年我国数字疗法市场规模约为3亿美元", "", "", ""); !slices.Contains(unmet, "全球") {
		t.Errorf("China's figure meets %q", unmet)
	}
	if unmet := unmetConstraints(q, "2021年全球数字疗法市场规模约为30亿美元", "", "", ""); len(unmet) != 0 {
		t.Errorf("the world's figure leaves %q unmet", unmet)
	}
}

// TestFuzzyContains: one character changed, or two neighbours swapped in a long word; not two
// slips, nor a swap in a short word.
func TestFuzzyContains(t *testing.T) {
	tests := []struct {
		text, word string
		want       bool
	}{
		{"数字化转型", "数子化", true},
		{"“专特精新”类企业", "专精特新", true},
		{"“专特精新”类企业", "专新特精", false},
		{"数字化转型", "数化字", false},
		{"数字化转型", "数子话", false},
	}
	for _, tt := range tests {
		if got := fuzzyContains(tt.text, []rune(tt.word), false); got != tt.want {
			t.Errorf("fuzzyContains(%q, %q) = %v, want %v", tt.text, tt.word, got, tt.want)
		}
	}
}

// TestFollowUpsSwapTermsAndOrdinals: a follow-up naming its own term or ordinal asks the
// topic's question of it, not of the topic's.
// TestFollowUpsTermTakesTheNamesPlace: "那灯塔工厂呢?" after a question naming 集成电路 asks about
// 灯塔工厂 in the same province, and no longer needs 集成电路; "那它的市场规模呢?" still asks of
// the topic's name.
func TestFollowUpsTermTakesTheNamesPlace(t *testing.T) {
	topic, follow := "广东打算把哪个地区建成全国集成电路新发展极？", "那灯塔工厂呢？到2025年要有几家？"
	q := continueTopic(readQuestion(topic+" "+follow), readQuestion(follow))
	if len(q.names) > 0 || !slices.Equal(q.places, []string{"广东"}) || slices.Contains(q.words, "集成电路") {
		t.Errorf("%s → %s: names %q, places %q, words %q; want no name, 广东", topic, follow, q.names, q.places, q.words)
	}
	topic, follow = "Pear Therapeutics有哪几款数字疗法产品？", "那它的市场规模呢？"
	if q := continueTopic(readQuestion(topic+" "+follow), readQuestion(follow)); len(q.names) == 0 {
		t.Errorf("%s → %s: the topic's name was dropped: %q", topic, follow, q.words)
	}
}

func TestFollowUpsSwapTermsAndOrdinals(t *testing.T) {
	tests := []struct {
		topic, follow string
		want, notW    []string
	}{
		{"转型进入“现实之退”的时候，企业应该怎么应对？", "忧伤之谷呢，又该咋办？", []string{"忧伤", "企业"}, []string{"现实", "之退"}},
		{"组织数智化第三阶段说的“数智化组织雏形”是什么意思？", "那第四个阶段呢？", []string{"第四", "阶段", "数智化"}, []string{"第三", "第四个"}},
		// Nothing of the quoted term is swapped when the follow-up names no term of its own.
		{"转型进入“现实之退”的时候，企业应该怎么应对？", "为什么呢？", []string{"现实", "之退"}, nil},
		// A term of the same kind takes the place of the topic's, and of the examples listing it.
		{"江苏怎么发展集成电路、软件这些新兴产业？", "那传统产业呢？", []string{"传统", "江苏", "发展"}, []string{"新兴", "集成电路", "软件"}},
		{"中小企业数字化转型有哪些难点？", "那大型企业呢？", []string{"大型", "难点"}, []string{"中小企业"}},
		// Nor is anything swapped for a term of another kind.
		{"江苏怎么发展集成电路、软件这些新兴产业？", "那数字政府呢？", []string{"新兴", "软件"}, nil},
	}
	for _, tt := range tests {
		q := continueTopic(readQuestion(tt.topic+" "+tt.follow), readQuestion(tt.follow))
		for _, w := range tt.want {
			if !slices.Contains(q.words, w) {
				t.Errorf("%s → %s: words %q lack %q", tt.topic, tt.follow, q.words, w)
			}
		}
		for _, w := range tt.notW {
			if slices.Contains(q.words, w) {
				t.Errorf("%s → %s: words %q hold %q", tt.topic, tt.follow, q.words, w)
			}
		}
	}
}

// TestSwappedTopicsCarryOn: the topic a term or ordinal follow-up leaves for the next one.
func TestSwappedTopicsCarryOn(t *testing.T) {
	if got := swapSubject("组织数智化第三阶段说的“数智化组织雏形”是什么意思？", readQuestion("那第四个阶段呢？")); !strings.Contains(got, "第四") || strings.Contains(got, "第三") {
		t.Errorf("after 那第四个阶段呢: topic %q", got)
	}
	if got := swapSubject("转型进入“现实之退”的时候，企业应该怎么应对？", readQuestion("忧伤之谷呢，又该咋办？")); !strings.Contains(got, "忧伤之谷") || strings.Contains(got, "现实之退") {
		t.Errorf("after 忧伤之谷呢: topic %q", got)
	}
}

// TestGivenClausesAreBackground: what 除了 or 在……的同时 gives is not what is asked.
func TestGivenClausesAreBackground(t *testing.T) {
	q := readQuestion("除了销售模式，数字疗法还有什么模式在探索？")
	if !q.background["销售"] || q.background["模式"] || q.background["探索"] {
		t.Errorf("除了销售模式: background %v, want 销售 alone", q.background)
	}
	q = readQuestion("云南在加快建设大数据中心的同时，数据安全方面要做哪几件事？")
	if !q.background["大数据"] || !q.background["中心"] || q.background["安全"] || slices.Contains(q.words, "事") {
		t.Errorf("在……的同时: background %v, words %q", q.background, q.words)
	}
}

// TestCJKTyposAreReadWithTheirNeighbour: a two-character typo is corrected to what the index
// writes beside the same neighbour, and only when that reading is unique.
func TestCJKTyposAreReadWithTheirNeighbour(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s, testDoc("plan", "湖北推进5G+工业互联网融合应用。", "工作互助小组每周开会。", "工程互动平台上线。"))
	if q := s.correctCJKTypos(readQuestion("湖北在工叶互联网方面要推进啥融合应用")); !slices.Contains(q.words, "工业") || slices.Contains(q.words, "工叶") {
		t.Errorf("工叶互联网: words %q, want 工业", q.words)
	}
	// Two readings beside the same neighbour: the typo is not clear.
	two := openTest(t, t.TempDir())
	put(t, two, testDoc("plans", "推进工业互联网融合应用。", "建设工商互联网服务平台。"))
	if q := two.correctCJKTypos(readQuestion("工叶互联网要推进啥")); !slices.Contains(q.words, "工叶") {
		t.Errorf("工叶互联网: words %q, corrected without a clear reading", q.words)
	}
	// A word the dictionary knows is no typo, though the index lacks it.
	if q := s.correctCJKTypos(readQuestion("工业互联网意义深远吗")); !slices.Contains(q.words, "深远") {
		t.Errorf("深远 was corrected: %q", q.words)
	}
}

// TestGenericWordsAndHedges: 新区 names no place; "比较好" at the end asks nothing; 咋 before a
// verb asks how.
func TestGenericWordsAndHedges(t *testing.T) {
	if q := readQuestion("宁夏十四五想把自己建成一个什么样的新区？"); !slices.Equal(q.places, []string{"宁夏"}) || !slices.Contains(q.words, "新区") {
		t.Errorf("places %q, words %q: want 宁夏 alone as a place, 新区 as a word", q.places, q.words)
	}
	if q := readQuestion("正对大西洋的布里斯托是哪种贸易的重镇"); slices.Contains(q.places, "重镇") {
		t.Errorf("places %q hold 重镇", q.places)
	}
	// jieba tags 上市 as a place.
	if q := readQuestion("oppor11什么时候上市"); len(q.places) != 0 || !slices.Contains(q.words, "上市") {
		t.Errorf("places %q, words %q: 上市 is no place", q.places, q.words)
	}
	// And 加盟, 蓝牙, 海滩 too; the province beside them stays one.
	for _, question := range []string{"加盟熟食店多少钱", "蓝牙耳机哪个牌子好", "海南哪个海滩人少"} {
		q := readQuestion(question)
		if slices.ContainsFunc(q.places, func(p string) bool { return p != "海南" }) {
			t.Errorf("%s: places %q", question, q.places)
		}
	}
	q := readQuestion("进入现实之退阶段时，企业咋应对比较好？")
	if slices.Contains(q.words, "比较") || slices.Contains(q.words, "好") || q.kind != kindMethod {
		t.Errorf("words %q, kind %v: want no hedge and a how-question", q.words, q.kind)
	}
	if q := readQuestion("哪种方案比较好"); !slices.Contains(q.words, "方案") {
		t.Errorf("words %q lack 方案", q.words)
	}
}

// TestStatementsThatShareTheQuestionAnswerIt: a statement holding the question's words is what
// the question was written from and answers it; a heading that asks it, without its question
// mark, does not.
func TestStatementsThatShareTheQuestionAnswerIt(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s, testDoc("plan",
		"数字化转型为什么这么难\n综上,数字化转型难在技术、模式、变革与容错四重难点的叠加。",
		"广东推进数字经济地方立法,促进数字经济新业态规范发展。"))
	e := &Engine{Store: s, Retriever: Searcher{Store: s}}
	ans, err := e.Ask(t.Context(), AskRequest{Question: "广东要怎样让数字经济新业态规范发展"})
	if err != nil || ans.Abstained || !strings.Contains(ans.Text, "地方立法") {
		t.Errorf("the statement the question was written from is not the answer (err %v):\n%s", err, ans.Text)
	}
	ans, err = e.Ask(t.Context(), AskRequest{Question: "数字化转型为什么这么难？"})
	if err != nil || ans.Abstained || !strings.Contains(ans.Text, "四重难点") || strings.Contains(ans.Text, "为什么这么难") {
		t.Errorf("the heading that asks the question was quoted, or the reason missed (err %v):\n%s", err, ans.Text)
	}
}

// TestVerbAndMeasureIsNoName: 弄个 glued before 交易所 begins no name; 获批 (批 a verb here) stays
// a word.
func TestVerbAndMeasureIsNoName(t *testing.T) {
	if q := readQuestion("北京那边搞数据交易，是打算弄个交易所吗"); slices.ContainsFunc(q.names, func(n string) bool { return strings.Contains(n, "弄") }) || slices.Contains(q.words, "弄个") {
		t.Errorf("names %q, words %q: 弄个 is read as part of a name or as content", q.names, q.words)
	}
	if q := readQuestion("韩国有几款数字疗法产品获批"); !slices.Contains(q.words, "获批") {
		t.Errorf("words %q lack 获批", q.words)
	}
}

// TestMoreCountedQuestionWords: 几楼, 几集, 几岁 ask; 比 parts what it compares.
func TestMoreCountedQuestionWords(t *testing.T) {
	if q := readQuestion("楼间距50米几楼不挡光"); len(q.names) != 0 || slices.Contains(q.words, "米几楼") {
		t.Errorf("names %q, words %q: 几楼 is a question word", q.names, q.words)
	}
	if q := readQuestion("比九号风球低一级的是什么？"); slices.ContainsFunc(q.names, func(n string) bool { return strings.HasPrefix(n, "比") }) {
		t.Errorf("names %q begin with 比", q.names)
	}
}

// TestAmountsAreNoYears: 2000 before 左右 or 元 is an amount; 2017 before 年 or a name is a year.
func TestAmountsAreNoYears(t *testing.T) {
	for q, want := range map[string]int{"2000左右的山地车": 0, "1999元的手机哪款好": 0, "2017上海厨卫展时间": 1, "2019年底的资产负债率": 1} {
		if got := readQuestion(q); len(got.years) != want {
			t.Errorf("%s: years %q, want %d", q, got.years, want)
		}
	}
	if q := readQuestion("个人到税务局开票税率"); slices.ContainsFunc(q.names, func(n string) bool { return strings.HasPrefix(n, "到") }) {
		t.Errorf("names %q begin with 到", q.names)
	}
}

// TestFramingNouns: a noun that names the kind of answer asked for (目标, 要求, 定位) weighs half
// beside a question word, and so does the count of 哪两个; the answer states the goal itself.
func TestFramingNouns(t *testing.T) {
	tests := []struct {
		question string
		framed   []string // exactly these
		notW     []string // not among the content words
	}{
		{"广西的总体目标是什么", []string{"目标"}, []string{"总体"}},
		{"河南对数据提了什么要求", []string{"要求"}, nil},
		{"四川定了什么数字化目标", []string{"目标"}, nil},
		{"北京十四五的定位是啥", []string{"定位"}, nil},
		{"内蒙古要发展哪两个产业", []string{"两个"}, nil},
		// The plan asked about is stated, not named: "构建数据资源服务体系".
		{"天津在数据资源这块有什么规划", []string{"规划"}, nil},
		// A query typed as into a search box asks for the noun it ends with.
		{"上海十四五数字化转型目标", []string{"目标"}, nil},
		// A frame before the frame asked for frames too.
		{"河南的数字化规划重点是啥", []string{"规划", "重点"}, nil},
		// 才能 in 怎么才能 and 层面 say how it is asked.
		{"国家层面的政策有没有支持数字疗法", nil, []string{"层面"}},
		{"企业要怎么才能过这一关", nil, []string{"才能"}},
		// 叫什么 asks as 是什么 does, and 总 says no more than 总体.
		{"云南十四五数字化建设的总目标叫什么", []string{"目标"}, []string{"总"}},
		// 个啥 asks as 啥 does, the effect asked for is stated, not named, and a province's plan
		// does not say 说.
		{"广西说要提升全民数字技能,最后要达到个啥效果", []string{"效果"}, []string{"个", "说"}},
		// A verb may stand between the copula and the question word: the goal is what is built.
		{"河南省十四五期间数字化发展的总目标是建设什么", []string{"目标"}, []string{"总"}},
		// Asked about, not asked for: 目标 is what the question is about.
		{"设定目标过高会怎样", nil, nil},
		// Aspect adverbs say when, not what.
		{"GE是不是已经放弃Predix了", nil, []string{"已经"}},
		// A role or a part played is stated, not named: "打造成为……的强大引擎"; and so is the verb
		// that takes it.
		{"云南想让数字经济扮演什么角色", []string{"扮演", "角色"}, nil},
		{"工业互联网发挥什么作用", []string{"发挥", "作用"}, nil},
		// A subject's wish is its plan's aim: the plan says what it will do, not that it hopes to.
		{"山西希望培育出哪些示范区", nil, []string{"希望"}},
		{"正略咨询的数字化转型曲线里，“希望之巅”是什么阶段", nil, nil},
		// What kind of 数字政府 is asked; the plan may build it in other words (打造).
		{"陕西要建成什么样的数字政府", []string{"建成"}, nil},
		// An adverb may stand between the frame and the copula; 工作 asks as 内容 does.
		{"四川的总体思路到底是啥", []string{"思路"}, []string{"总体", "到底"}},
		{"山西推动治理数字化具体包括哪些工作", nil, []string{"工作"}},
		// A position in a list is asked of the list's items ("二是……"), not as written.
		{"企业组织运营数智化的第三个阶段是什么", []string{"第三"}, []string{"第三个"}},
	}
	for _, tt := range tests {
		q := readQuestion(tt.question)
		var framed []string
		for _, w := range q.words {
			if q.framing[w] {
				framed = append(framed, w)
			}
		}
		if !slices.Equal(framed, tt.framed) {
			t.Errorf("%s: framing %q, want %q (words %q)", tt.question, framed, tt.framed, q.words)
		}
		for _, w := range tt.notW {
			if slices.Contains(q.words, w) {
				t.Errorf("%s: words %q hold %q", tt.question, q.words, w)
			}
		}
	}
}

// TestFirstIsFirst: 首任 is 第一任, 首位 第一位, and other synonyms the blind sets asked with (检验
// for 测试, 扶持 for 支持): a sentence holding one earns credit for the other.
func TestFirstIsFirst(t *testing.T) {
	for q, text := range map[string]string{"第一任": "首任校长为郭沫若", "第一位": "首位女性院士", "首届": "第一届全运会",
		"检验": "建设通用软硬件适配测试中心", "扶持": "支持本地医疗机构", "老百姓": "惠及广大群众", "方式": "推动制造模式升级",
		"私营": "民营企业融资难", "筹资": "融资贵", "带动": "引领经济高质量发展", "优质": "高质量发展", "现有": "存量数据中心"} {
		if m := matchWord(weightedWord{text: q}, text); m == 0 {
			t.Errorf("%s in %q: no credit", q, text)
		}
	}
}

// TestLocativesEndNames: 上 after a name (网络安全上) is where, not part of the name.
func TestLocativesEndNames(t *testing.T) {
	if q := readQuestion("新疆在网络安全上有什么打算"); slices.Contains(q.names, "网络安全上") || slices.Contains(q.words, "网络安全上") {
		t.Errorf("names %q, words %q hold 网络安全上", q.names, q.words)
	}
	if q := readQuestion("广东在数字经济上有哪些措施"); slices.Contains(q.words, "上") {
		t.Errorf("words %q hold the locative 上", q.words)
	}
}

// TestMendedCuts: where the segmenter cuts a question across a word's edge, the question is read
// as the asker wrote it.
func TestMendedCuts(t *testing.T) {
	// 推/广开 made 广开 (a place in the dictionary) a place the documents never name.
	q := readQuestion("数字疗法要在国内推广开，还有哪些基础工作没做好？")
	if slices.Contains(q.places, "广开") || !slices.Contains(q.words, "推广") {
		t.Errorf("推广开: places %q, words %q; want no 广开 and 推广", q.places, q.words)
	}
	// 哪/两方/面 is 哪/两/方面.
	if q := readQuestion("数字化转型的技术难点主要包括哪两方面？"); slices.Contains(q.words, "两方") || slices.Contains(q.words, "面") {
		t.Errorf("哪两方面: words %q", q.words)
	}
	// A word the dictionary lacks that ends as towns do is a place: the documents never name 儋州.
	if q := readQuestion("儋州的城市大脑建设计划是什么？"); !slices.Equal(q.places, []string{"儋州"}) {
		t.Errorf("儋州: places %q, want 儋州", q.places)
	}
	// A common place stays a place after a single-character word.
	if q := readQuestion("在广州有哪些数字化项目"); !slices.Equal(q.places, []string{"广州"}) {
		t.Errorf("在广州: places %q, want 广州", q.places)
	}
	// 规划/中说/的 is 规划/中/说/的: the plan cited, and no word the typo corrector may read as 中提.
	if q := readQuestion("海南规划中说的全要素数字化指的是哪些要素？"); slices.ContainsFunc(q.words, func(w string) bool { return strings.ContainsAny(w, "中说") }) {
		t.Errorf("规划中说: words %q", q.words)
	}
	// 转型/中起 is 转型/中/起: the locative after a noun, and the verb that takes the frame.
	if q := readQuestion("一把手在数字化转型中起什么作用"); slices.Contains(q.words, "中起") || !q.framing["作用"] {
		t.Errorf("中起: words %q, framing %v", q.words, q.framing)
	}
	// 经挤/学里 is 经挤/学/里: the noun before the locative is the (mistyped) name, 经挤学.
	if q := readQuestion("古典经挤学里的生产三要素是哪三个"); !slices.Equal(q.names, []string{"经挤学"}) {
		t.Errorf("经挤学里: names %q, want 经挤学", q.names)
	}
	// 打/造成 is 打造/成: what Shandong means to build itself into, not what it causes.
	if q := readQuestion("山东建设数字经济高地，最后要打造成什么区？"); !slices.Contains(q.words, "打造") || slices.Contains(q.words, "造成") {
		t.Errorf("打造成: words %q, want 打造 and no 造成", q.words)
	}
	// 钉/钉 is the one word 钉钉, which the dictionary does not know doubled; 看看 it does.
	if q := readQuestion("钉钉在企业数字化转型里能起什么作用"); !slices.Contains(q.words, "钉钉") {
		t.Errorf("钉钉: words %q, want 钉钉", q.words)
	}
	// An A-not-A question ends a name run: 度/高不高 is no name.
	if q := readQuestion("医生对数字疗法的接受度高不高"); len(q.names) > 0 {
		t.Errorf("接受度高不高: names %q, want none", q.names)
	}
	// 第二类 is 第二 and 类: a list's second item, of the kind named.
	if q := readQuestion("数字化转型的第二类难点是什么"); !slices.Contains(q.words, "第二") || slices.Contains(q.words, "第二类") {
		t.Errorf("第二类: words %q", q.words)
	}
	// 刚开始 says when: no sentence must hold 开始.
	if q := readQuestion("数字化转型刚开始处在希望之巅的时候，企业应该注意什么？"); slices.Contains(q.words, "开始") || q.kind != kindMethod {
		t.Errorf("刚开始: words %q, kind %v; want no 开始, a how question", q.words, q.kind)
	}
}

// TestQualifiers: an adverb or modal verb says how the asker puts the question, unless it
// qualifies a noun (真正的).
func TestQualifiers(t *testing.T) {
	q := readQuestion("企业对标最佳实践时应该怎么做？直接照搬行不行？")
	if !q.qualifiers["应该"] || !q.qualifiers["直接"] || q.qualifiers["照搬"] || q.qualifiers["实践"] {
		t.Errorf("qualifiers %v, want 应该 and 直接 alone", q.qualifiers)
	}
	if q := readQuestion("真正的数字化转型里数字化技术占多少？"); q.qualifiers["真正"] {
		t.Errorf("真正的 qualifies 数字化转型, not the question: %v", q.qualifiers)
	}
	// A preposition frames what follows it, however seldom the dictionary's corpus uses it.
	if q := readQuestion("吉林针对中小企业的数字化转型推出了什么行动"); !q.qualifiers["针对"] {
		t.Errorf("qualifiers %v, want 针对", q.qualifiers)
	}
}

// TestHowThingsAre: "……怎么样" at the end asks how something is or turns out, which a statement
// answers; asked with a modal or 做, it asks how to do it.
func TestHowThingsAre(t *testing.T) {
	for q, want := range map[string]questionKind{
		"民营企业融资情况怎么样":       kindFact,
		"头部企业要是不彻底变革会咋样":    kindFact,
		"数字疗法的临床效果如何":       kindFact,
		"企业应该怎么样":           kindMethod,
		"中小企业要怎样":           kindMethod,
		"数字化转型怎么做":          kindMethod,
		"怎么样才能避免谷底之溃":       kindMethod,
		"为什么数字化转型会失败,结果怎么样": kindReason,
	} {
		if got := readQuestion(q).kind; got != want {
			t.Errorf("%s: kind %v, want %v", q, got, want)
		}
	}
}

// TestQualifiersWeighHalf: a qualifier weighs half, whether the index holds it or not.
func TestQualifiersWeighHalf(t *testing.T) {
	store, err := OpenStore(t.Context(), t.TempDir(), LocalEmbedder{Dim: 64}, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := "国内的审批仍然参照原有的医疗器械软件的审批体系。数字疗法的监管政策尚在探索中。"
	doc := &Document{ID: "a.txt", Source: "a.txt", Title: "a.txt", Hash: Hash([]byte(text)),
		Chunks: []Chunk{{End: utf8.RuneCountInString(text), Text: text}}}
	if _, err := store.Put(t.Context(), []*Document{doc}, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	weights := func(q question) map[string]float64 {
		store.mu.RLock()
		defer store.mu.RUnlock()
		out := map[string]float64{}
		for _, w := range store.weighWords(q, nil) {
			out[w.text] = w.weight
		}
		return out
	}
	q := readQuestion("为什么国内的审批还要套用原来的审批体系")
	if !q.qualifiers["还要"] {
		t.Fatalf("qualifiers %v lack 还要", q.qualifiers)
	}
	asked := weights(q)
	q.qualifiers = nil
	plain := weights(q)
	if asked["还要"] != plain["还要"]/2 || asked["审批"] != plain["审批"] {
		t.Errorf("还要 weighs %.2f as a qualifier, %.2f as a word; 审批 %.2f, %.2f", asked["还要"], plain["还要"], asked["审批"], plain["审批"])
	}
}

// TestBookTitlesAreNames: a work named in 《》 must be stated, as a company must.
func TestBookTitlesAreNames(t *testing.T) {
	if q := readQuestion("《历史也疯狂》是哪个电视台的节目？"); !slices.Contains(q.names, "历史也疯狂") || !slices.Contains(q.words, "疯狂") {
		t.Errorf("names %q, words %q: want the title as a name and its words as words", q.names, q.words)
	}
	if q := readQuestion("《拉特朗協定》於何年簽署?"); !slices.Contains(q.names, "拉特朗协定") {
		t.Errorf("names %q: want the title, folded to Simplified", q.names)
	}
}

// TestHowMuchCutInTwo: "有多大" cut 有/多/大 asks how big; 大 is no content word.
func TestHowMuchCutInTwo(t *testing.T) {
	for _, question := range []string{"中国数字疗法市场有多大", "深圳的面积有多大"} {
		if q := readQuestion(question); slices.Contains(q.words, "大") || q.figure != wantQuantity {
			t.Errorf("%s: words %q, figure %d", question, q.words, q.figure)
		}
	}
}

// TestFollowUpsAskTheirOwnFigure: a follow-up asking for a figure asks a factual question, even
// after a definition; one that asks nothing of its own asks what its topic asked.
func TestFollowUpsAskTheirOwnFigure(t *testing.T) {
	topic := "数字疗法是什么？"
	if q := continueTopic(readQuestion(topic+" 它在中国市场多大？"), readQuestion("它在中国市场多大？")); q.kind != kindFact || q.figure != wantQuantity {
		t.Errorf("它在中国市场多大? after a definition: kind %v, figure %v", q.kind, q.figure)
	}
	if q := continueTopic(readQuestion(topic+" 那数字药呢？"), readQuestion("那数字药呢？")); q.kind != kindDefinition {
		t.Errorf("那数字药呢? after a definition: kind %v", q.kind)
	}
}

// TestAsksWhich: which provinces, companies or products a list question asks for, in either
// language.
func TestAsksWhich(t *testing.T) {
	for _, c := range []struct {
		q              string
		entity, places bool
	}{
		{"哪些省份提到了区块链", true, true},
		{"Which provinces mention blockchain?", true, true},
		{"哪些企业在做数字疗法", true, false},
		{"数字化转型有哪些难点", false, false},
	} {
		q := readQuestion(c.q)
		if q.asksForEntities() != c.entity || q.asksForPlaces() != c.places {
			t.Errorf("%s: entities %v, places %v; want %v, %v", c.q, q.asksForEntities(), q.asksForPlaces(), c.entity, c.places)
		}
	}
}

// TestCitedSourceIsNoConstraint: the article, report or framework a question cites is where
// the answer stands, not something the answer must say; a place in it still constrains, and a
// claim asked about ("对于……的说法") or an article asked for ("哪篇文章") is no citation.
func TestCitedSourceIsNoConstraint(t *testing.T) {
	tests := []struct {
		question string
		source   []string // words weighed as the source's
		not      []string // neither content nor names
		places   []string
	}{
		{"“十四五”战略规划那篇文章为什么认为央企多数会路径依赖式发展", []string{"战略"}, []string{"十四五", "文章"}, nil},
		{"《数字化转型,到底是什么?》一文中,真正的数字化转型等于什么", nil, []string{"数字化转型,到底是什么?", "一文"}, nil},
		{"照正略咨询的说法,数字化转型为什么这么难", []string{"正略", "咨询"}, []string{"照正略", "说法"}, nil},
		{"按照正略咨询的数字化转型曲线,处在改进之坡的企业应该怎么做", []string{"正略", "咨询", "曲线"}, nil, nil},
		{"根据广东的规划,到2025年灯塔工厂有几家", nil, nil, []string{"广东"}},
		{"对于美日政府替本国企业掏钱撤离中国的说法,作者是怎么看的", nil, nil, []string{"中国"}},
		{"哪篇文章说数字化转型的失败率很高", nil, nil, nil},
		// Who says what the asker quotes is the source, and the term alone is defined.
		{"正略咨询说的忧伤之谷是啥", []string{"正略", "咨询"}, []string{"说"}, nil},
		{"哪家咨询公司说的忧伤之谷", nil, nil, nil},
	}
	if term := readQuestion("正略咨询说的忧伤之谷是啥").definiendum(); term != "忧伤之谷" {
		t.Errorf("正略咨询说的忧伤之谷是啥 defines %q, want 忧伤之谷", term)
	}
	for _, tt := range tests {
		q := readQuestion(tt.question)
		for _, w := range tt.source {
			if !q.source[w] || !slices.Contains(q.words, w) {
				t.Errorf("%s: %q is not weighed as the source (words %q, source %v)", tt.question, w, q.words, q.source)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(q.words, w) || slices.Contains(q.names, w) || slices.Contains(q.periods, w) {
				t.Errorf("%s: %q is read as asked about (words %q, names %q, periods %q)", tt.question, w, q.words, q.names, q.periods)
			}
		}
		if !slices.Equal(q.places, tt.places) {
			t.Errorf("%s: places %q, want %q", tt.question, q.places, tt.places)
		}
		if tt.source == nil && tt.not == nil && len(q.source) > 0 {
			t.Errorf("%s: read as citing %v", tt.question, q.source)
		}
	}
}
