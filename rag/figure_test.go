package rag

import (
	"slices"
	"strings"
	"testing"
)

func TestStatesFigure(t *testing.T) {
	tests := []struct {
		want     figureWant
		sentence string
		states   bool
	}{
		{wantQuantity, "美的十年数字化转型投资100多亿", true},
		{wantQuantity, "目前国内已有近百家企业涉足数字疗法领域", true},
		{wantQuantity, "即使国内数字化转型头部企业,比如华为和美的", false},
		{wantQuantity, "(2)韩国制定了数字疗法审批的行业指南", false},  // a list marker
		{wantQuantity, "2019、2020年管理层陷入动荡", false},    // years only
		{wantQuantity, "2020年12月,日本核准了亚洲首款产品", false}, // a date
		{wantQuantity, "一是技术类难点,其本质是一种对标", false},     // 一是, 一种
		{wantQuantity, "加大5G基站、数据中心建设力度", false},      // 5G is a name
		{wantQuantity, "建成5G基站3.5万个", true},
		{wantQuantity, "推出对外开放的工业互联网平台——Predix 2.0", false}, // a version
		{wantQuantity, "GE Digital人数达到2.8万人", true},
		{wantQuantity, "FDA 52张医疗器械注册证", true}, // counted in 张
		{wantDate, "2015年成立数字化公司GE Digital", true},
		{wantDate, "美的十年数字化转型投资100多亿", false}, // 十年 is a span, not a date
		{wantPerson, "君士坦丁大帝在公元325年召开会议", true},
		{wantPerson, "该产品的外包装写有广告性标示", false},
		{wantPlace, "GE是全球最早启动数字化转型的工业企业之一", false}, // GE is no place, nor 全球
		{wantPlace, "2017年第一款DTx产品获得美国FDA认证", true},
	}
	for _, tt := range tests {
		if got := statesFigure(tt.want, FoldText(tt.sentence), ""); got != tt.states {
			t.Errorf("statesFigure(%d, %q) = %v, want %v", tt.want, tt.sentence, got, tt.states)
		}
	}
	// Asked for a city, a common word that the dictionary tags as a person (智慧) or that ends
	// as places do (乡村) names none.
	city := FoldText("江苏的数字货币试验区打算设在哪个城市")
	if statesFigure(wantPlace, FoldText("全面建设数字社会,打造新型智慧城市和数字乡村"), city) {
		t.Errorf("打造新型智慧城市和数字乡村 names no city")
	}
	if !statesFigure(wantPlace, FoldText("支持国家级江苏(无锡)车联网先导区建设"), city) {
		t.Errorf("无锡 is a city")
	}
}

func TestYearOfAnotherFigure(t *testing.T) {
	s := FoldText("2017年GE Digital人数达到2.8万人,2019、2020年管理层陷入动荡,2021年GE将业务分拆")
	if !yearOfAnotherFigure(s, "2021") {
		t.Errorf("2.8万人 is 2017's figure, yet it was taken for 2021's")
	}
	if yearOfAnotherFigure(s, "2017") {
		t.Errorf("2.8万人 is 2017's figure")
	}
	if yearOfAnotherFigure(FoldText("截至2021年12月22日,共有114款应用提交了申请"), "2021") {
		t.Errorf("a figure in a clause without a year belongs to the sentence's year")
	}
}

func TestFigureWanted(t *testing.T) {
	tests := []struct {
		q    string
		want figureWant
	}{
		{"美的花了多少钱搞数字化", wantQuantity},
		{"GE是哪一年推出Predix的", wantDate},
		{"GE Digital是几几年成立的", wantDate}, // 几几年 asks which year, not how many
		{"第一次尼西亚公会议是由谁召开的", wantPerson},
		{"伊斯兰教在哪一个世纪传入阿富汗", wantNoFigure},  // 在哪 alone is no place question
		{"有哪些省份提出了智慧城市", wantNoFigure},     // a list
		{"内蒙古要争取创建哪个国家级试验区", wantNoFigure}, // which zone, not which country
		{"数字疗法最早在哪个国家获批", wantPlace},
		{"where is GE based", wantPlace},
	}
	for _, tt := range tests {
		if got := readQuestion(tt.q).figure; got != tt.want {
			t.Errorf("%s: figure %d, want %d", tt.q, got, tt.want)
		}
	}
}

func TestEnumerationOpeners(t *testing.T) {
	if n := announcedCount("本篇文章,我们给出数字化转型的四类难点。"); n != 4 {
		t.Errorf("四类 announces %d items", n)
	}
	for n, s := range []string{"一是技术类难点", "其次是数据资产化", "第三是资产服务化", "(4)德国……"} {
		if !opensItem(s, n) {
			t.Errorf("%q does not open item %d", s, n+1)
		}
	}
	if opensItem("模式难点一是考验一把手", 0) {
		t.Errorf("an item marker inside a sentence opens no item")
	}
}

func TestOneEditAway(t *testing.T) {
	found := false
	for _, v := range oneEditAway("digtal") {
		found = found || v == "digital"
	}
	if !found {
		t.Errorf("digital is one insertion away from digtal")
	}
}

func TestAnsweredByACountInTheUnitAsked(t *testing.T) {
	q := readQuestion("陕西省要重点建设多少个示范应用场景？")
	if !q.answeredBy(FoldText("重点建设100个示范应用场景")) || q.answeredBy(FoldText("实施数字经济万亿倍增计划")) {
		t.Errorf("多少个 must be answered by a count, not by 万亿倍增")
	}
	if !readQuestion("德国有多少个app申请了审批").answeredBy(FoldText("共有114款应用提交了申请")) {
		t.Errorf("个 is the general measure word: 114款 answers 多少个")
	}
	if !readQuestion("国内有多少家企业做数字疗法").answeredBy(FoldText("国内已有近百家企业涉足")) {
		t.Errorf("近百家 answers 多少家")
	}
	if readQuestion("中国有多少家企业在做数字疗法").answeredBy(FoldText("第十四个五年规划将建设数字中国单列成篇")) {
		t.Errorf("多少家 is answered by a count of 家, not by 十四个")
	}
	if q.answeredBy(FoldText("形成一批在全国有影响力的数字技术应用先导区")) || !q.answeredBy(FoldText("建设十一个示范应用场景")) {
		t.Errorf("一批 is an article, not a count; 十一个 is a count")
	}
	money := readQuestion("美的搞数字化花了多少钱")
	if !money.answeredBy(FoldText("美的十年数字化转型投资100多亿")) || !money.answeredBy(FoldText("投资10亿美元")) ||
		money.answeredBy(FoldText("3数字化转型“十四五“期间,BAT启动产业互联网向纵深演进")) {
		t.Errorf("多少钱 is answered by an amount of money, not by a stray digit")
	}
}

func TestQuestionConstraintsFromPublicSets(t *testing.T) {
	if q := readQuestion("为何从关岛寄东西到美国不需要额外费用？"); slices.Contains(q.places, "东西") {
		t.Errorf("东西 (a thing) taken for a place: %v", q.places)
	}
	if q := readQuestion("奥斯卡最佳影片奖，1944年到2009年，提名的影片一次几部?"); !slices.Equal(q.years, []string{"1944"}) {
		t.Errorf("a range of years constrains by its start: %v", q.years)
	}
	q := readQuestion("东德中央政治局在何时宣称不限制青年所跳的舞？")
	if !slices.Equal(q.parts["东德中央政治局"], []string{"东德", "中央政治局"}) {
		t.Errorf("a name glued from known words keeps its parts: %v", q.parts)
	}
	if u := unmetConstraints(q, FoldText("1983年,中央政治局宣布不再限制青年跳舞。"), "", "", ""); !slices.Equal(u, []string{"东德"}) {
		t.Errorf("of a name glued from known words, the part the text lacks is unmet: %v", u)
	}
	if q := readQuestion("支付宝提现手续费"); !slices.Equal(q.parts["支付宝提现"], []string{"支付宝"}) || !slices.Equal(q.pieces["支付宝提现"], []string{"支付宝", "提现"}) {
		t.Errorf("a known name glued to a word the dictionary lacks is that name: parts %v, pieces %v", q.parts, q.pieces)
	}
	if q := readQuestion("為何網球選手在發球時腳不被允許走或跑？"); slices.ContainsFunc(q.names, func(n string) bool { return strings.Contains(n, "不") }) {
		t.Errorf("不 ends a name: %v", q.names)
	}
	if q := readQuestion("嘉義市地處嘉南平原，該平原屬於哪種類型?"); slices.Contains(q.places, "平原") {
		t.Errorf("平原 names no particular place: %v", q.places)
	}
	if q := readQuestion("小灰头稚冠雉成鸟头部和颈部是什么颜色？"); !slices.Equal(q.parts["小灰头稚冠雉成鸟"], []string{"小灰头稚冠雉"}) {
		t.Errorf("a name glued to an unknown word stands for the name without it: %v %v", q.names, q.parts)
	}
	if q := readQuestion("盛世笔特是否计划整合先进的数字化智能化技术"); len(q.parts) != 0 {
		t.Errorf("盛世笔特 holds an unknown word; 盛世 alone must not state it: %v", q.parts)
	}
	for _, c := range []struct{ q, not string }{
		{"英国广播公司曾于2009年3月8日时指称哪一个人为北韩最高人民会议候选人?", "英国广播公司曾"},
		{"印象主义也被归为哪种主义?", "归为哪种"},
		{"爱因斯坦四篇划时代的论文还有哪一篇?", "爱因斯坦四篇"},
	} {
		if q := readQuestion(c.q); slices.Contains(q.names, c.not) || slices.Contains(q.rare, c.not) {
			t.Errorf("%s: %q taken for a name (a particle, question word or number glued on): %v", c.q, c.not, q.names)
		}
	}
	china := readQuestion("瓜州是指中国的哪一城市?")
	if u := unmetConstraints(china, FoldText("北魏初置敦煌镇,526年置瓜州,敦煌为治所。"), "", "", ""); len(u) != 0 {
		t.Errorf("a sentence naming no other country is about China: unmet %v", u)
	}
	if u := unmetConstraints(china, FoldText("2020年全球数字疗法市场规模为35.3亿美元。"), "", "", ""); len(u) == 0 {
		t.Errorf("a sentence about the world does not give China's figure")
	}
}

func TestTimeConstraints(t *testing.T) {
	q := readQuestion("十五五时期GDP平均增长预计多少？")
	if !slices.Equal(q.periods, []string{"十五五"}) || slices.Contains(q.words, "十五") {
		t.Fatalf("十五五 is one five-year plan: periods %v, words %v", q.periods, q.words)
	}
	if u := unmetConstraints(q, FoldText("预计“十三五”时期平均增幅为6.1%-6.3%区间。"), "", "", ""); !slices.Contains(u, "十五五") {
		t.Errorf("a sentence about 十三五 does not give 十五五's figure: unmet %v", u)
	}
	plan := readQuestion("江西十四五期间要实施什么工程")
	if u := unmetConstraints(plan, FoldText("实施数字经济“一号工程”。"), FoldText("加快数字化发展。"), "", FoldText("江西省“十四五”期间,加快数字化发展。实施数字经济“一号工程”。")); slices.Contains(u, "十四五") {
		t.Errorf("a plan's later sentence is in the period its chunk names: unmet %v", u)
	}
	japan := readQuestion("2019年日本批准了哪款DTx产品？")
	if u := unmetConstraints(japan, FoldText("2020年12月,日本厚生劳动省核准了亚洲首款DTx产品。"), FoldText("2019年,德国提出了新的法律草案。"), "", ""); !slices.Contains(u, "2019年") {
		t.Errorf("a sentence with a year of its own is not dated by the one before: unmet %v", u)
	}
	if u := unmetConstraints(japan, FoldText("日本厚生劳动省核准了亚洲首款DTx产品。"), FoldText("2019年,医保开始支付。"), "", ""); slices.Contains(u, "2019年") {
		t.Errorf("a sentence with no year is dated by the one before: unmet %v", u)
	}
	season := readQuestion("2008–09年香港甲组足球联赛的大部分赛事都被安排在哪里？")
	if u := unmetConstraints(season, FoldText("大部分赛事会于旺角大球场举行。"), "", FoldText("2008–09年香港甲组足球联赛"), ""); slices.Contains(u, "2008年") {
		t.Errorf("a title's year dates its sentences: unmet %v", u)
	}
}

func TestColloquialQuestionWords(t *testing.T) {
	for q, want := range map[string]questionKind{
		"转型陷入停滞了该咋办":     kindMethod,
		"数字化转型咋这么难":      kindReason,
		"GE数字化转型失败的原因":   kindReason, // a query typed as into a search box
		"是什么时候批准的？":      kindFact,
		"术康APP是什么时候上市的":  kindFact,
		"数字化转型的五个阶段是什么":  kindList,
		"数字化转型的第三个阶段是什么": kindDefinition,
		// A quoted term among counted stages is one stage.
		"四个阶段里的“资产服务化”指的是什么": kindDefinition,
		"四个阶段分别是什么":          kindList,
		// What a quoted term means, asked of what it says.
		"数字化转型曲线里的“希望之巅”指的是企业处在什么状态": kindDefinition,
		"“希望之巅”是哪一年提出的":              kindFact,
		// What a text says of something is a statement, not a method.
		"河南的规划对数据开放是咋说的": kindFact,
		"规划里对平台经济是怎么提的？": kindFact,
		"怎么说服老板搞数字化":     kindMethod,
	} {
		if got := readQuestion(q); got.kind != want || slices.Contains(got.words, "咋") || slices.Contains(got.words, "时候") {
			t.Errorf("%s: kind %v, words %v; want kind %v and no question word", q, got.kind, got.words, want)
		}
	}
}

func TestQuestionFramesAreNoContent(t *testing.T) {
	for q, frame := range map[string]string{
		"尖閣諸島開拓日是幾月幾日?":           "几月",
		"哪一個人擔任了倫大學院的第一位教務長?":     "人",
		"民主集中制是由誰所創?":             "由",
		"東德中央政治局在何時宣稱不限制青年所跳的舞？":  "何时",
		"拜占庭帝國的婚姻制度採何種制度?":        "何种",
		"東羅馬帝國晚期哪一教堂被認為是此時期代表建築?": "哪一",
		// The text asked what it says is where the answer stands.
		"河南的规划对数据开放是咋说的": "规划",
		"文件里对数据开放怎么讲的":   "讲",
		"数字疗法到底是个啥":      "个",
	} {
		if got := readQuestion(q); slices.Contains(got.words, frame) {
			t.Errorf("%s: %q is how it asks, not what about: %v", q, frame, got.words)
		}
	}
}

func TestAsksYesNo(t *testing.T) {
	for q, want := range map[string]bool{"销售模式成熟了吗?": true, "是否纳入医保": true, "数字疗法是什么?": false, "为什么这么难": false} {
		if got := asksYesNo(FoldText(q)); got != want {
			t.Errorf("asksYesNo(%s) = %v, want %v", q, got, want)
		}
	}
}

// TestHowLongWantsASpanOfTime: 多久 is answered by a number of years, months or days, not by a
// year, a date or a count of something else.
func TestHowLongWantsASpanOfTime(t *testing.T) {
	q := readQuestion("数字化转型要多久")
	for _, s := range []string{"数字化转型需要以5年以上视角进行规划", "允许东方甄选亏损五年", "整个周期约3个月", "培训需要两周"} {
		if !q.answeredBy(FoldText(s)) {
			t.Errorf("%s does not answer 多久", s)
		}
	}
	for _, s := range []string{"2017年第一款DTx产品获得认证", "2022年10月,海南省印发", "古典经济学把土地、资本、劳动力成为生产三要素", "一批数据资源项目"} {
		if q.answeredBy(FoldText(s)) {
			t.Errorf("%s answers 多久", s)
		}
	}
}

// TestQuantityInAUnitWord: "多少平方公里" is answered by a figure in 平方公里, not by another
// figure beside the words asked about.
func TestQuantityInAUnitWord(t *testing.T) {
	q := readQuestion("华北陆块面积达多少平方公里？")
	if q.unitWord != "平方公里" {
		t.Fatalf("unit word %q, want 平方公里", q.unitWord)
	}
	if !q.answeredBy(FoldText("华北陆块面积达150万平方公里")) || !q.answeredBy(FoldText("面积约三十万平方公里")) {
		t.Error("a figure in 平方公里 does not answer")
	}
	if q.answeredBy(FoldText("华北克拉通基底是在19.5和18.5亿年期间由多个微陆块拼合而成")) || q.answeredBy(FoldText("约占全国平方公里总数的一半")) {
		t.Error("a figure in another unit answers")
	}
}

// TestDatesIncludeErasAndSpansAgo: "什么时候" is answered by a century, a decade or a time ago
// too; a span of time alone dates nothing.
func TestDatesIncludeErasAndSpansAgo(t *testing.T) {
	for text, want := range map[string]bool{
		"原蹄兽生存于5500万年前的晚古新世至中始新世。": true,
		"这种风格流行于19世纪。":             true,
		"1970年代起开始普及。":             true,
		"公元前221年秦统一六国。":            true,
		"2015年成立。":                 true,
		"1692年,约翰·瓦勒普获得该岛的所有权。":    true, // a year before 1900, with its 年
		"该岛共有1692人。":               false,
		"经过十年的发展,规模扩大。":            false,
		"世纪之交的变革。":                 false,
	} {
		if got := hasDate(FoldText(text)); got != want {
			t.Errorf("hasDate(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestUnitsGoByTheirOtherNames: a distance asked in 公里 is answered in 千米.
func TestUnitsGoByTheirOtherNames(t *testing.T) {
	q := readQuestion("绕地球一圈有多少公里")
	if q.unitWord != "公里" {
		t.Fatalf("unit word %q, want 公里", q.unitWord)
	}
	if !q.answeredBy(FoldText("地球的周长为40009.88千米。")) {
		t.Error("40009.88千米 does not answer 多少公里")
	}
	if q.answeredBy(FoldText("地球的周长约为四万。")) {
		t.Error("a figure without the unit answers 多少公里")
	}
}

// TestACountryIsNamedAsOne: asked which country, a sentence answers only by naming a place; a
// word the dictionary lacks ("合理确信") is one only when it ends as places do, or the gazetteer
// knows it.
func TestACountryIsNamedAsOne(t *testing.T) {
	q := readQuestion("相当理由是哪国刑事程序法中的标准？")
	if q.answeredBy(FoldText("最广且最一般对于相当理由的定义是「合理确信被告有刑事责任」。")) {
		t.Errorf("合理确信 is taken for a country")
	}
	if !q.answeredBy(FoldText("相当理由是美国刑事诉讼程序中的标准。")) {
		t.Errorf("美国 does not answer 哪国")
	}
}
