package rag_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// These tests hold the answerability decisions of issue 9 on the sample knowledge base: ordinary
// words never cause a refusal, names the documents never mention always do, constraints hold,
// and the same questions are decided alike when unrelated documents are indexed beside it.

var (
	sampleOnce   sync.Once
	sampleShared *rag.Store
)

// sharedSample is one sample store for the read-only tests below.
func sharedSample(t *testing.T) *rag.Store {
	sampleOnce.Do(func() { sampleShared = sampleStore(t) })
	return sampleShared
}

func extractiveEngine(store *rag.Store) *rag.Engine {
	return &rag.Engine{Store: store, Retriever: rag.Searcher{Store: store}}
}

type answerCase struct {
	question string
	abstain  bool
	want     []string // each must appear in the answer
}

// naturalQuestions are typed the way people type them; each was refused before (false
// abstentions on "么难", "省份提出", "年底") or answered with the wrong province or year.
var naturalQuestions = []answerCase{
	{"数字化转型为什么这么难？", false, []string{"难在"}},
	{"哪些省份提出了建设智慧城市？", false, []string{"智慧城市", "【"}},
	{"苏宁消费金融2019年底的资产负债率是多少?", false, []string{"83%"}},
	{"广东到2025年灯塔工厂有多少家", false, []string{"【广东省】", "超过5家"}},
	{"甘肅要開展什麼工程試點?", false, []string{"东数西算"}},
	// A sentence that counts its stages answers which stages there are.
	{"数字化转型有哪几个阶段", false, []string{"分为"}},
	// Asked which province, a plan's sentence answers with its subject; 省 asks, as 省份 does,
	// and a term no plan holds is not answered by any province's opening.
	{"哪个省有灯塔工厂的目标", false, []string{"广东"}},
	{"哪些省提到了元宇宙", true, nil},
	// A province's plan names neither 转型 nor 规划: the place must weigh as what is asked about.
	{"广东省的数字化转型规划是什么?", false, []string{"广东省"}},
	{"什么是数字疗法", false, []string{"循证医学"}},
	{"江苏省到2025年灯塔工厂数量的目标是多少?", true, []string{"江苏", "【广东省】"}},
	{"2023年全球数字疗法市场规模是多少", true, []string{"2023"}},
	{"盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?", true, []string{"盛世笔特", "大数据"}},
	{"Tesla的股价是多少", true, []string{"Tesla"}},
	{"What is Guangdong's target for lighthouse factories?", true, []string{"Chinese"}},
	// Words the dictionary lacks are judged on the evidence, never refused as absent names:
	// 赛道 (two characters), 摸不清 (a verb with its result).
	{"国内做数字疗法这条赛道的企业有多少家", false, []string{"近百家"}},
	{"商业模式创新这种摸不清因果的事应该咋推进", false, []string{"敏捷迭代"}},
	// An entity the documents never mention still gets no answer.
	{"鸿蒙系统有哪些新功能", true, nil},
}

// shapedQuestions ask for a figure, a counted list or a name, in phrasings the labelled sets do
// not use: the answer must have that shape, or the reply must say the documents do not give it.
var shapedQuestions = []answerCase{
	// A sentence naming 华为 but no amount does not say how much it invested.
	{"华为在数字化转型上一共投了多少钱？", true, []string{"没有找到"}},
	// 2.8万人 is 2017's head count; the sentence names 2021 only for another event.
	{"2021年GE Digital的员工有多少人", true, []string{"2021年", "2.8万人"}},
	{"美的搞数字化花了多少钱", false, []string{"100多亿"}},
	// The items of a counted list are spread over four chunks, with paragraphs between them.
	{"数字化转型的四类难点分别是什么", false, []string{"一是技术类难点", "二是模式难点", "三是变革难点", "四是容错难点"}},
	// The documents give two stage models; asked without a count, either answers.
	{"企业数字化转型有哪几个阶段", false, []string{"阶段"}},
	{"企业数字化转型的四个阶段分别是什么", false, []string{"首先是业务数据化", "其次是数据资产化", "第三是资产服务化", "第四是服务业务化"}},
	// gse alone cut 韩国有 as 韩/国有, losing the constraint.
	{"韩国有几款数字疗法产品获批", true, []string{"“韩国”"}},
	// The paragraph about the United States names it only in its lead sentence.
	{"美国哪个部门宣布了软件预认证试点", false, []string{"【美国】", "FDA"}},
	{"GE Digitl是哪年成立的", false, []string{"2015年"}},
	{"DTx的全称是什么", false, []string{"Digital Therapeutics"}},
	{"How much did Midea invest in digital transformation?", true, []string{"Try asking in Chinese"}},
	// Offline, English words the text quotes ("True Digital Transformation Definition") are no
	// match for what is asked; a name (GE) or a glossed term defined is.
	{"What is the failure rate of digital transformation?", true, []string{"Try asking in Chinese"}},
	{"Which countries cover digital therapeutics in health insurance?", true, []string{"Try asking in Chinese"}},
	{"When was GE Digital founded?", false, []string{"2015"}},
	{"What is digital therapeutics?", false, []string{"循证医学"}},
	// A term defined under a label ("治疗类:数字药品。治疗类产品……"), and one defined by
	// "X,就是……" in a sentence that goes on after an ellipsis.
	{"数字药品指的是什么", false, []string{"治疗类产品"}},
	{"变革难点指什么", false, []string{"本质上是人的转变"}},
	// 一般 and 中 say nothing about what is asked; the explanation stops where the next
	// point of the list (二是……) starts.
	{"数字化转型里技术问题通常怎么解决", false, []string{"引入技术专家"}},
	// "是干什么的" matches everywhere; the rare name must decide what is retrieved.
	{"Somryst是干什么的", false, []string{"失眠"}},
	// The reason is told in the sentence before the one that names the result.
	{"GE Digital后来为啥业务收缩了", false, []string{"偏重短期盈利", "战略短视"}},
	// A company the dictionary knows is not a typo of one the documents name (新东方), while a
	// transliteration spelled another way (迪斯尼 for 迪士尼) is the same name.
	{"京东方的数字化转型投入了多少", true, []string{"“京东方”"}},
	{"迪斯尼的魔术手环花了多少钱", false, []string{"10亿美元"}},
	{"十一五时期的GDP平均增长是多少", true, []string{"十一五"}},
	// Companies the dictionary lacks (字节跳动) or takes for common words (小米 millet) are
	// names the documents never mention, not weak matches for 新东方 or 小微.
	{"字节跳动的数字化转型做得怎么样", true, []string{"没有关于“字节跳动”"}},
	{"小米在数字疗法上有什么产品", true, []string{"没有关于“小米”"}},
	// 投入 asked, 投资 written; 增速 asked, 增幅 written.
	{"美的数字化转型投入多少", false, []string{"100多亿"}},
	{"十三五预计平均增速大概多少", false, []string{"6.1%-6.3%"}},
	// Nothing found answers 老板 or 全世界 until their synonyms are searched too.
	{"美的老板是谁", false, []string{"方洪波"}},
	{"数字疗法在全世界的市场规模", false, []string{"35.3亿美元"}},
	// The chunk that answers names no province: 江西 is the subject of its paragraph.
	{"江西要打造什么产业基地", false, []string{"北斗产业基地"}},
	// Nor does it name 十四五: the paragraph's opening sentence does, for all of it.
	{"江西十四五期间要打造什么产业基地", false, []string{"北斗产业基地"}},
	{"十五五期间广东灯塔工厂目标是多少", true, []string{"十五五"}},
	// 几个 counts in 个 as 多少个 does: "一批" is no number.
	{"北京要建几个示范应用场景", true, nil},
	// A yes-or-no question is answered in other words than the one it asks about.
	{"数字疗法的支付模式成熟了吗", false, []string{"探索阶段"}},
	// ...but what it asks about, when that comes last, the answer names.
	{"新疆要发展数字农业吗", false, []string{"数字农业"}},
	// A count and then what they are asks for a list, not for a definition.
	{"数字化转型的五个阶段是什么", false, []string{"希望之巅", "成功之路"}},
	{"2018年日本批准了什么数字疗法产品", true, []string{"2018年"}},
	// A sentence that opens with 这 is quoted with the sentence it points back to.
	{"企业要面对的第一关是啥", false, []string{"信息孤岛和数据烟囱林立", "第一关"}},
	// The heading "加快推动治理数字化。" ends its chunk: the items are in the next one, which
	// the search did not find.
	{"山西推动治理数字化包括哪些内容", false, []string{"加快智慧城市建设"}},
	// 却没涨 is no name the documents lack.
	{"为什么企业规模增长了利润却没涨？", false, []string{"内耗过大"}},
	{"数字药是啥", false, []string{"治疗类产品"}},
	{"中国企业数字化转型失败率多高", false, []string{"90%以上"}},
	{"麦肯锡说失败率是多少", true, []string{"没有关于“麦肯锡”"}},
	// The best sentence is the headline of Guangdong's plan: the plan follows it.
	{"廣東省要建設什麼", false, []string{"推进数字产业化发展", "集成电路"}},
	{"广东省的数字化转型规划是什么?", false, []string{"推进数字产业化发展", "集成电路"}},
	// The best sentence restates what is asked; the reason is told elsewhere, after its cause.
	{"GE为什么失败", false, []string{"谈不上失败", "偏重短期盈利", "战略短视"}},
	// Here the search finds no sentence that gives the reason: the text gives it further on,
	// past a question of its own, in the next chunk.
	// "是什么阶段": the stage's own description, which never says 阶段, not the list of stages.
	{"现实之退是什么阶段", false, []string{"转型成效不及预期"}},
	// Kinds of something are named "X类": 类型 asks for 类.
	{"数字疗法产品有哪些类型", false, []string{"数字疫苗"}},
	// A search-box query: Shanghai's plan never says 目标, its opening sentence states it.
	{"上海十四五数字化转型目标", false, []string{"上海市“十四五”期间"}},
	{"GE为啥数字化转型没成功？", false, []string{"谈不上失败", "偏重短期盈利", "战略短视"}},
	// Hebei's plan builds no 产业集群: its opening sentence, which names little but the
	// province and the period, does not answer.
	{"河北要打造什么产业集群", true, []string{"“河北”"}},
	// The quotes mark the term; "X,即……" defines it.
	{"数智化组织的“在线应用”阶段指的是什么？", false, []string{"主要的业务和管理活动是在线的"}},
	{"平安好医生有哪些数字疗法产品获批上市？", true, []string{"没有关于“平安好医生”"}},
	// "A的B" asks what B is, in a passage about A: the text defines 容错难点 and labels 数字药品.
	{"企业的容错难点是什么", false, []string{"四是容错难点,就是"}},
	{"数字疗法里的数字药品是什么意思", false, []string{"治疗类产品"}},
	// The quoted term is what must be defined, though its sentence shares little else.
	{"企业组织运营数智化的“在线应用”阶段啥意思", false, []string{"主要的业务和管理活动是在线的"}},
	// 首先 asks for what comes first: the plan's headline.
	{"山西首先要推动什么", false, []string{"加快推动数字产业化"}},
	// DTx is what the text glosses 数字疗法 as: a chunk that says 数字疗法 holds it.
	{"FDA批了多少款DTx", false, []string{"52张"}},
	{"中国有多少DTx产品获批", false, []string{"29项"}},
	// The text writes the name as one word: "PearTherapeutics".
	{"Pear Therapeutics有哪些产品", false, []string{"Somryst"}},
	// The sentences of a quotation are its speaker's words: the one that opened it, naming
	// 方洪波 and 美的, is their context.
	// Quoted with the sentence that says whose words they are.
	{"美的董事长为啥2017年不知道投资对不对", false, []string{"方洪波接受采访时说", "因为看不见"}},
	{"方洪波为什么觉得数字化投资难判断", false, []string{"方洪波接受采访时说", "因为看不见"}},
	// "怎么评价" asks what someone said: the text says 认为 or 说, never 评价.
	{"郭平怎么评价数字化转型", false, []string{"郭平认为"}},
	{"方洪波怎么评价美的的数字化投资", false, []string{"方洪波接受采访时说"}},
	// The best sentence found first is 山东's opening sentence, which says little of 数字社会:
	// the wider search finds the plan's heading "建设数字社会。" and what follows it.
	{"山东的数字社会怎么建设", false, []string{"物理空间深度融合"}},
	// The goal asked for is the plan's headline, which never says 目标.
	{"广西的总体目标是什么", false, []string{"加快数字广西建设"}},
	// A sentence under 天津市's lead names 天津 as surely as the lead does, and says more.
	{"天津要建什么样的智能制造城市", false, []string{"国家智能制造中心城市"}},
	// 民企 is 民营企业 shortened.
	{"民企融资难吗", false, []string{"民营企业融资难问题依旧突出"}},
	// "这个阶段,应……" is about the stage the sentence before it opens with; the reply quotes
	// that sentence first, so the stage is named.
	{"到了改进之坡这个阶段企业该做什么", false, []string{"改进之坡经过", "训战结合"}},
	{"忧伤之谷阶段应该注意什么", false, []string{"速赢和小胜"}},
	// The statement after a scraped caption ("……来源:火石创造根据公开资料整理与传统疗法相比,……")
	// is evidence.
	{"数字疗法跟传统疗法比好在哪", false, []string{"与传统疗法相比"}},
	// Each clause of "美的……,迪士尼投资开发魔术手环投资10亿美元,IBM为导入设计思维……1亿美元" is
	// about the name it opens with.
	{"迪士尼在设计思维上花了多少钱", true, []string{"没有给出“迪士尼”"}},
	{"迪士尼开发魔术手环花了多少钱", false, []string{"10亿美元"}},
	{"IBM导入设计思维花了多少钱", false, []string{"1亿美元"}},
	// Every chunk holds the title's 数字 and 疗法, and no passage 收费: the question's words weigh
	// next to nothing, and the sentence holding 吸收新 (收 fuzzily) is no answer.
	{"数字疗法怎么收费", true, []string{"没有找到"}},
	// 推广开 is no place 广开 the documents lack.
	{"数字疗法想在国内推广开难在哪", true, []string{"没有找到"}},
}

// TestListsOfPlacesGoProvinceByProvince: "哪些省份……" gathers the provinces from a wider search
// (sixteen of the sample's plans mention 区块链), each item a province's, never the national
// overview.
func TestListsOfPlacesGoProvinceByProvince(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	for _, q := range []string{"哪些省份提到了区块链", "哪些省份提出了建设智慧城市？"} {
		ans, _ := ask(t, e, rag.AskRequest{Question: q}, false)
		var items []string
		for _, line := range strings.Split(ans.Text, "\n") {
			if strings.HasPrefix(line, "- ") {
				items = append(items, line)
			}
		}
		if len(items) < 5 {
			t.Errorf("%s: %d provinces, want 5 or more:\n%s", q, len(items), ans.Text)
		}
		for _, it := range items {
			if strings.Contains(it, "各省市") || strings.Contains(it, "省市“十四五”数字化转型规划") {
				t.Errorf("%s: an item is the national overview: %s", q, it)
			}
		}
	}
}

// TestExplanationsStopAtAQuestion: a question the text asks ("数字化转型,到底难在哪里呢?") opens
// its next point; the explanation before it ends there.
func TestExplanationsStopAtAQuestion(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	ans, _ := ask(t, e, rag.AskRequest{Question: "为什么GE数字化转型不成功"}, false)
	if ans.Abstained || strings.Contains(ans.Text, "三要素") || strings.Contains(ans.Text, "数字化转型系列谈》一文中") {
		t.Errorf("the explanation runs on past the text's question:\n%s", ans.Text)
	}
}

// TestExplanationsReadTheItemsTheyHead: a topic sentence followed by a list's first item gives
// its reasons in every item, up to the next section; an item's own explanation stops at the next
// item (checkAnswer, "二是模式难点").
func TestExplanationsReadTheItemsTheyHead(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"特征.txt": "2、中国高科技补短板加速,弯道超车成为必然。一是国内经济增长需要,继续加大投入,引导新技术加速发展是必然结果。" +
			"二是本次疫情历时可能类似西班牙大流感,需要3年时间,这天然的构成了超车窗口期。3、国企改革贯穿今后十年,国企市场化运营是必然结果。\n",
	}))
	checkAnswerLacks(t, e, answerCase{"为什么说中国高科技弯道超车成为必然", false, []string{"一是", "3年时间"}},
		"国企改革", "the explanation runs on into the next section")
}

// TestSectionOwesNothingToTheSentenceBefore: a why-answer whose sentence states a result starts
// with the sentence before it ("……最终导致……"), unless the sentence opens a section of its own.
func TestSectionOwesNothingToTheSentenceBefore(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswerLacks(t, e, answerCase{"为什么说国企改革是必然结果", false, []string{"国企改革贯穿今后十年"}},
		"疫苗", "the answer opens with the last point of the section before")
}

// TestRestatedWhyIsExplainedBefore: a why-answer that only says again what is asked closes the
// point that gave its reason, and without a name to hold to no reason from elsewhere is added.
func TestRestatedWhyIsExplainedBefore(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswerLacks(t, e, answerCase{"为啥能熬过数字化变革难点的企业那么少", false, []string{"变革阵痛", "少之又少"}},
		"郭平", "a reason said of something else is appended")
}

// TestRegionsKeepToTheirOwnPlans: the sentence before a region's plan ends another region's,
// and lends the plan's opening none of its words; that opening states the plan's aim.
func TestRegionsKeepToTheirOwnPlans(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	// 陕西's plan says nothing of 数字政府; the plan before it, 宁夏's, does.
	checkAnswers(t, e, []answerCase{{"陕西要建成什么样的数字政府", true, nil}})
	ans, _ := askAfter(t, e, "河南省“十四五”期间数字化发展的总目标是建设什么？", "那宁夏呢？")
	checkAnswer(t, answerCase{"那宁夏呢？", false, []string{"加快数字化运用"}}, ans)
}

// TestPlansSpeakThroughTheirSubject: a sentence deep in a province's plan that names every thing
// asked of the province answers for it, its subject stating the province, before the plan's
// opening sentence that names the province and nothing asked.
func TestPlansSpeakThroughTheirSubject(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{
		{"重庆“十四五”在数字安全方面有什么举措？", false, []string{"全面提升数字安全水平"}},
		{"四川在农业方面有什么举措", false, []string{"农业全产业链"}},
		{"广东省要建设什么", false, []string{"推进数字产业化发展"}}, // 建设 is what any of its sentences does
	})
}

// TestTheWorldIsNotChina: a sentence giving the global figure does not answer for China because
// the next sentence in its passage says 我国.
func TestTheWorldIsNotChina(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{
		{"2020年中国数字疗法市场规模是多少？", true, nil},
		{"2020年全球数字疗法市场规模是多少？", false, []string{"35.3亿美元"}},
		{"2021年中国数字疗法市场规模是多少？", false, []string{"约为3亿美元"}},
	})
}

// TestGroupsByName: a word before 集团 names a group, however common the word (浪潮, a wave):
// the documents name 美的集团 and no 浪潮集团. 是从 (a verb in the dictionary) asks, and
// 开使 is a typo: neither must be stated.
func TestGroupsByName(t *testing.T) {
	checkAnswers(t, extractiveEngine(sharedSample(t)), []answerCase{
		{"浪潮集团的数字化转型是从哪一年开始的？", true, []string{"浪潮集团"}},
		{"美的集团是从哪一年开使数字化转型的？", false, []string{"2012"}},
	})
}

// TestDoubledCharacterNames: a name of one character doubled (钉钉), which the documents never
// hold, is abstained on, not answered from whatever says 作用.
func TestDoubledCharacterNames(t *testing.T) {
	checkAnswers(t, extractiveEngine(sharedSample(t)), []answerCase{{"钉钉在企业数字化转型里能起什么作用？", true, nil}})
}

// TestPeriodsNamedEarlierInTheParagraph: an article on the 十四五 plan names it in its heading
// and first points; the points after them, in chunks that never say 十四五, are about it still,
// and about no other plan.
func TestPeriodsNamedEarlierInTheParagraph(t *testing.T) {
	checkAnswers(t, extractiveEngine(sharedSample(t)), []answerCase{
		{"为什么说央企在十四五期间多数会路径依赖式发展？", false, []string{"没有参照系可供学习"}},
		{"为什么说央企在十三五期间多数会路径依赖式发展？", true, nil},
	})
}

// TestTitleWordsStillPlaceTheQuestion: in an index of one document, the words of its title
// (数字化转型与数字疗法) weigh nothing, yet a question about 数字疗法 is not answered from a passage
// that never says 疗法.
func TestTitleWordsStillPlaceTheQuestion(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswerLacks(t, e, answerCase{"数字疗法的商业模式有哪些", false, []string{"商业模式", "探索"}},
		"胜利之路", "answered from the passages on digital transformation")
	checkAnswers(t, e, []answerCase{
		{"数字疗法在2019年的市场规模", true, nil}, // GE's 2019 and its 资本市场 are no answer
		{"数字疗法有哪几类产品", false, []string{"数字疫苗"}},
	})
}

// TestItemsByPosition: asked for the n-th item of a list, the answer is that item of the list the
// question names ("一是……二是……", "首先……其次……", "01、……02、……").
func TestItemsByPosition(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswerLacks(t, e, answerCase{"数字化转型的第二类难点是什么", false, []string{"二是模式难点"}},
		"第二总部", "the ordinal is matched as written")
	checkAnswers(t, e, []answerCase{
		{"数字化转型曲线的第四个阶段是什么", false, []string{"谷底之溃"}},
		{"数据转型先内后外的第二个阶段是什么", false, []string{"数据资产化"}},
	})
}

// TestPlansOpenWithTheirThinking: a plan's opening sentence states its 总体思路 too.
func TestPlansOpenWithTheirThinking(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{{"江西的总体思路到底是啥", false, []string{"江西省“十四五”期间"}}})
}

// TestFollowUpsAskForItemsByPosition: after a question about a list, a position alone asks for
// that item ("第三个阶段是什么?", "那第五个呢?"), and what else it asks is read in the item.
func TestFollowUpsAskForItemsByPosition(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	first := "正略咨询把数字化转型分为几个阶段"
	ans, history := askAfter(t, e, first, "第三个阶段是什么")
	checkAnswer(t, answerCase{"第三个阶段是什么", false, []string{"忧伤之谷"}}, ans)
	history = append(history, rag.Turn{Question: "第三个阶段是什么", Answer: ans.Text, Topic: first})
	ans, _ = ask(t, e, rag.AskRequest{Question: "那第五个呢", History: history}, false)
	checkAnswer(t, answerCase{"那第五个呢", false, []string{"改进之坡"}}, ans)

	ans, _ = askAfter(t, e, "数字化转型有哪四类难点", "第一类包括哪些方面")
	checkAnswer(t, answerCase{"第一类包括哪些方面", false, []string{"IT基础设施建设", "软件技术建设"}}, ans)

	// The topic's quoted term named its item: another position asks for another item.
	ans, _ = askAfter(t, e, "企业组织运营数智化的第四个阶段“理想的数智化组织管理”具体指什么？", "那第二个阶段呢？")
	checkAnswer(t, answerCase{"那第二个阶段呢？", false, []string{"数据融合和组织变革配合"}}, ans)
}

// TestFollowUpsFindTheirRegionsPlan: a follow-up about a province searches the chunks that carry
// on its plan without naming it before those that name other provinces, and the sentence that
// says the follow-up's phrase as written comes first.
func TestFollowUpsFindTheirRegionsPlan(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	for _, c := range []struct{ first, follow, want string }{
		{"天津十四五要打造什么城市", "那5G方面呢", "全国一流5G城市"},
		{"天津十四五要着力打造什么样的城市", "在5G上呢", "5G产业集聚高地"},
		{"山西要怎么推动数字产业化", "那加快推动治理数字化呢", "加快智慧城市建设"},
	} {
		ans, _ := askAfter(t, e, c.first, c.follow)
		checkAnswer(t, answerCase{c.first + " → " + c.follow, false, []string{c.want}}, ans)
	}
}

// TestThePhraseAsAsked: a sentence that says the asker's phrase as written ("加快推动治理数字化")
// outranks one that holds its words apart, list commas and all.
func TestThePhraseAsAsked(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"规划.txt": "加快推动治理数字化。包括建设城市大脑、一网统管平台。\n推动数字技术在治理、民生等领域加快应用,促进政务数字化、治理现代化、服务便利化。\n",
		"其他.txt": "本市推进产业数字化,培育智能制造示范工厂。\n",
	}))
	checkAnswers(t, e, []answerCase{{"加快推动治理数字化包括哪些", false, []string{"城市大脑"}}})
}

// TestNamesTypedWithoutTheirDot: a transliterated name typed without its middle dot is the name
// the documents print with it, not a name they never mention.
func TestNamesTypedWithoutTheirDot(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{{"约翰科特认为怎样推动数字化转型更容易成功", false, []string{"约翰·科特"}}})
}

// TestAskedOfAPlaceAlone: a question that names nothing but a place is answered by its plan's
// opening sentence, not by any sentence naming it.
func TestAskedOfAPlaceAlone(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{{"告诉我关于海南的一切", false, []string{"海南省“十四五”期间"}}})
}

// TestExplanationsStopAtTheNextRegion: the sentences after a list's lead belong to it only up to
// the next region's plan ("重庆市“十四五”期间,……").
func TestExplanationsStopAtTheNextRegion(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	for _, q := range []string{"上海要大力发展哪些新业态新模式？", "重庆要拓展哪些智能化应用？"} {
		ans, _ := ask(t, e, rag.AskRequest{Question: q}, false)
		if ans.Abstained {
			t.Errorf("%s: abstained:\n%s", q, ans.Text)
		}
		if strings.Contains(ans.Text, "“十四五”期间") {
			t.Errorf("%s: the answer runs on into another region's plan:\n%s", q, ans.Text)
		}
	}
}

func TestShapedQuestions(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, shapedQuestions)
}

// askAfter asks first on its own, then follow in a conversation holding that turn, and returns
// the follow-up's answer and the conversation before it.
func askAfter(t *testing.T, e *rag.Engine, first, follow string) (*rag.Answer, []rag.Turn) {
	t.Helper()
	ans, _ := ask(t, e, rag.AskRequest{Question: first}, false)
	history := []rag.Turn{{Question: first, Answer: ans.Text, Topic: first}}
	ans, _ = ask(t, e, rag.AskRequest{Question: follow, History: history}, false)
	return ans, history
}

// checkAnswers asks each case's question of e on its own and checks the reply.
func checkAnswers(t *testing.T, e *rag.Engine, cases []answerCase) {
	t.Helper()
	for _, c := range cases {
		ans, _ := ask(t, e, rag.AskRequest{Question: c.question}, false)
		checkAnswer(t, c, ans)
	}
}

// checkAnswerLacks asks c's question, checks the answer as checkAnswer does, and that it does not
// hold unwanted, which would mean what why says.
func checkAnswerLacks(t *testing.T, e *rag.Engine, c answerCase, unwanted, why string) {
	t.Helper()
	ans, _ := ask(t, e, rag.AskRequest{Question: c.question}, false)
	checkAnswer(t, c, ans)
	if strings.Contains(ans.Text, unwanted) {
		t.Errorf("%s: %s:\n%s", c.question, why, ans.Text)
	}
}

func checkAnswer(t *testing.T, c answerCase, ans *rag.Answer) {
	t.Helper()
	if ans.Abstained != c.abstain {
		t.Errorf("%s: abstained = %v, want %v:\n%s", c.question, ans.Abstained, c.abstain, ans.Text)
	}
	for _, w := range c.want {
		if !strings.Contains(ans.Text, w) {
			t.Errorf("%s: answer lacks %q:\n%s", c.question, w, ans.Text)
		}
	}
	if !c.abstain && strings.Contains(ans.Text, "二是模式难点") && !strings.Contains(c.question, "难点") {
		t.Errorf("%s: the answer runs on into the next point of a list:\n%s", c.question, ans.Text)
	}
	for _, frag := range []string{"“么难”", "“省份提出”", "“年底”"} {
		if strings.Contains(ans.Text, frag) {
			t.Errorf("%s: answer quotes a fragment %s back:\n%s", c.question, frag, ans.Text)
		}
	}
}

func TestNaturalQuestions(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, naturalQuestions)
}

// TestDecisionsIgnoreUnrelatedDocuments indexes CMRC 2018 and the SQuAD subset beside the
// sample: the decisions above must not flip.
func TestDecisionsIgnoreUnrelatedDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 1,200 extra passages")
	}
	store := sampleStore(t)
	in := &ingest.Ingester{Store: store}
	for _, set := range []string{"cmrc2018", "squad-expmrc"} {
		rep, err := in.Ingest(context.Background(), []string{filepath.Join("..", "testdata", "eval", set, "corpus.jsonl")})
		if err != nil || rep.Err() != nil {
			t.Fatalf("ingest %s: %v %v", set, err, rep.Err())
		}
	}
	e := extractiveEngine(store)
	for _, c := range naturalQuestions {
		if strings.HasPrefix(c.question, "What") {
			continue // the documents are no longer mostly Chinese
		}
		ans, _ := ask(t, e, rag.AskRequest{Question: c.question}, false)
		checkAnswer(t, c, ans)
	}
}

func TestFollowUps(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	first := "广东省“十四五”期间数字化的重点是什么?"
	ans, _ := ask(t, e, rag.AskRequest{Question: first}, false)
	history := []rag.Turn{{Question: first, Answer: ans.Text, Topic: first}}

	// A follow-up that names another province asks about that province, not Guangdong.
	ans, _ = ask(t, e, rag.AskRequest{Question: "那四川呢?", History: history}, false)
	if strings.Contains(ans.Text, "【广东省】") {
		t.Errorf("那四川呢? answered with Guangdong:\n%s", ans.Text)
	}
	ans, _ = ask(t, e, rag.AskRequest{Question: "那浙江呢?", History: history}, false)
	if ans.Abstained || !strings.Contains(ans.Text, "浙江") {
		t.Errorf("那浙江呢? not answered about Zhejiang:\n%s", ans.Text)
	}

	// A follow-up that swaps the province asks the same thing of it: a sentence that merely
	// names 湖南 does not answer; the same figure is asked for.
	for _, c := range []struct {
		first, follow string
		abstain       bool
		want          string
	}{
		{"甘肃要开展什么工程试点？", "那湖南呢？", true, "“湖南”"},
		{"甘肃要开展什么工程试点？", "那青海呢？", false, "【青海省】"},
		{"陕西省要重点建设多少个示范应用场景？", "那贵州呢", true, "“贵州”"},
	} {
		ans, _ := askAfter(t, e, c.first, c.follow)
		if ans.Abstained != c.abstain || !strings.Contains(ans.Text, c.want) {
			t.Errorf("%s → %s: abstained %v, want %v and %q:\n%s", c.first, c.follow, ans.Abstained, c.abstain, c.want, ans.Text)
		}
	}

	// A follow-up without a marker that repeats the topic's verb asks the topic's question
	// for another figure: the answer need not repeat 批准 (the document writes 核准).
	approved := "亚洲首款针对尼古丁成瘾的DTx产品是哪个国家批准的？"
	ans, _ = ask(t, e, rag.AskRequest{Question: approved}, false)
	h := []rag.Turn{{Question: approved, Answer: ans.Text, Topic: approved}}
	if ans, _ = ask(t, e, rag.AskRequest{Question: "是什么时候批准的？", History: h}, false); ans.Abstained || !strings.Contains(ans.Text, "2020年12月") {
		t.Errorf("是什么时候批准的? after %s:\n%s", approved, ans.Text)
	}

	// A follow-up of a verb alone, with no subject, asks the topic's subject for what it asks:
	// how long Midea's investment took ("美的十年数字化转型投资100多亿").
	invested := "美的数字化转型投了多少钱？"
	ans, _ = ask(t, e, rag.AskRequest{Question: invested}, false)
	h = []rag.Turn{{Question: invested, Answer: ans.Text, Topic: invested}}
	if ans, _ = ask(t, e, rag.AskRequest{Question: "花了多长时间？", History: h}, false); ans.Abstained || !strings.Contains(ans.Text, "美的十年") {
		t.Errorf("花了多长时间? after %s:\n%s", invested, ans.Text)
	}

	// A verb alone, though not a framing word, has no subject either, and the answer may say
	// the verb as its synonym does: 截至 for 截止.
	apps := "德国有多少款应用申请了快速审批"
	ans, _ = ask(t, e, rag.AskRequest{Question: apps}, false)
	h = []rag.Turn{{Question: apps, Answer: ans.Text, Topic: apps}}
	if ans, _ = ask(t, e, rag.AskRequest{Question: "截止到什么时候", History: h}, false); ans.Abstained || !strings.Contains(ans.Text, "2021年12月22日") {
		t.Errorf("截止到什么时候 after %s:\n%s", apps, ans.Text)
	}

	// Follow-ups people type with no marker at all: only question words, a word that points
	// back, a continuation.
	ge := "GE Digital是哪年成立的"
	ans, _ = ask(t, e, rag.AskRequest{Question: ge}, false)
	h = []rag.Turn{{Question: ge, Answer: ans.Text, Topic: ge}}
	// "后来怎么样了" asks what the documents tell after the answer: GE Digital's later years.
	if ans, _ = ask(t, e, rag.AskRequest{Question: "后来怎么样了", History: h}, false); !strings.Contains(ans.Text, "GE Digital") ||
		!strings.Contains(ans.Text, "管理层陷入动荡") || strings.Contains(ans.Text, "2015年成立") {
		t.Errorf("后来怎么样了 after %s does not go on from it:\n%s", ge, ans.Text)
	}
	// After a refusal there is nothing to go on from: the related sentences it lists are not
	// what was answered.
	refusedTurn := []rag.Turn{{Question: "盛世笔特是哪年成立的", Answer: "知识库中没有关于“盛世笔特”的信息。\n- 2015年成立数字化公司GE Digital,推出对外开放的工业互联网平台——Predix 2.0。[1]", Topic: "盛世笔特是哪年成立的", Abstained: true}}
	if next, _ := ask(t, e, rag.AskRequest{Question: "后来呢", History: refusedTurn}, false); strings.Contains(next.Text, "管理层陷入动荡") {
		t.Errorf("后来呢 after a refusal went on from a related sentence:\n%s", next.Text)
	}
	h = append(h, rag.Turn{Question: "后来怎么样了", Answer: ans.Text, Topic: ge})
	if ans, _ = ask(t, e, rag.AskRequest{Question: "为什么会这样", History: h}, false); !strings.Contains(ans.Text, "短期盈利") {
		t.Errorf("为什么会这样 after GE Digital's decline:\n%s", ans.Text)
	}
	zj := "浙江要打造什么高地"
	ans, _ = ask(t, e, rag.AskRequest{Question: zj}, false)
	h = []rag.Turn{{Question: zj, Answer: ans.Text, Topic: zj}}
	if ans, _ = ask(t, e, rag.AskRequest{Question: "具体有哪些措施", History: h}, false); !ans.Abstained && !strings.Contains(ans.Text, "浙江") {
		t.Errorf("具体有哪些措施 after %s answered about something else:\n%s", zj, ans.Text)
	}

	// A follow-up that swaps the province leaves the new one for the next follow-up: "具体要建设
	//什么?" after "那四川呢?" asks about 四川, not about 广东 of the first question.
	convs, err := rag.NewConversations(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ce := extractiveEngine(sharedSample(t))
	ce.Conversations = convs
	for _, q := range []string{"广东省的数字化转型规划是什么?", "那四川呢?"} {
		ask(t, ce, rag.AskRequest{Question: q, ConversationID: "swap"}, false)
	}
	if ans, _ = ask(t, ce, rag.AskRequest{Question: "具体要建设什么?", ConversationID: "swap"}, false); ans.Abstained ||
		!strings.Contains(ans.Text, "四川") || strings.Contains(ans.Text, "广东") {
		t.Errorf("具体要建设什么? after 那四川呢? is not about 四川:\n%s", ans.Text)
	}

	// A follow-up that names only the kind of answer ("具体有哪些措施", "主要任务是什么") asks the
	// topic's question again: its framing noun is nothing the answer must add.
	for _, q := range []string{"广东十四五数字化有什么规划", "那浙江呢"} {
		ask(t, ce, rag.AskRequest{Question: q, ConversationID: "framing"}, false)
	}
	if ans, _ = ask(t, ce, rag.AskRequest{Question: "具体有哪些措施", ConversationID: "framing"}, false); ans.Abstained || !strings.Contains(ans.Text, "浙江") {
		t.Errorf("具体有哪些措施 after 那浙江呢? is not about 浙江:\n%s", ans.Text)
	}
	hb := "湖北十四五有什么规划"
	ans, _ = ask(t, e, rag.AskRequest{Question: hb}, false)
	h = []rag.Turn{{Question: hb, Answer: ans.Text, Topic: hb}}
	if ans, _ = ask(t, e, rag.AskRequest{Question: "主要任务是什么", History: h}, false); ans.Abstained || !strings.Contains(ans.Text, "湖北") {
		t.Errorf("主要任务是什么 after %s:\n%s", hb, ans.Text)
	}

	// An aspect ("网络安全方面") is no new subject: the follow-up keeps the topic's province.
	h = nil
	xj := "新疆搞工业大数据要大力发展啥技术"
	ans, _ = ask(t, e, rag.AskRequest{Question: xj}, false)
	h = []rag.Turn{{Question: xj, Answer: ans.Text, Topic: xj}}
	if ans, _ = ask(t, e, rag.AskRequest{Question: "那网络安全方面呢？", History: h}, false); ans.Abstained || !strings.Contains(ans.Text, "网络安全防护能力") {
		t.Errorf("那网络安全方面呢? after %s:\n%s", xj, ans.Text)
	}

	// A follow-up of a refused question does not inherit the refusal.
	refused := "盛世笔特的数字化规划是什么?"
	ans, _ = ask(t, e, rag.AskRequest{Question: refused}, false)
	if !ans.Abstained {
		t.Fatalf("%s was answered:\n%s", refused, ans.Text)
	}
	history = []rag.Turn{{Question: refused, Answer: ans.Text, Topic: refused}}
	ans, _ = ask(t, e, rag.AskRequest{Question: "那广东省呢?", History: history}, false)
	if strings.Contains(ans.Text, "盛世笔特") {
		t.Errorf("the follow-up inherited the refusal of 盛世笔特:\n%s", ans.Text)
	}
}

func TestBadQuestionsGetAClearReply(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	paragraph := strings.Repeat("数字化转型是时间的函数,需要坚持长期主义。", 20)
	for _, q := range []string{"是什么?", "什么是?", paragraph, "数字化轉型和数字疗法 mixed 文字?", "😀😀 数字疗法是什么？🙏", "？？？"} {
		ans, err := e.Ask(t.Context(), rag.AskRequest{Question: q})
		if err != nil {
			if !rag.IsBadQuestion(err) {
				t.Errorf("%q: %v", q, err)
			}
			continue
		}
		if strings.TrimSpace(ans.Text) == "" {
			t.Errorf("%q: empty answer", q)
		}
	}
}

// TestSubjectFollowsAReplacedDocument: subjects are cached per chunk; replacing a document
// must not leave its old subject on the new text.
func TestSubjectFollowsAReplacedDocument(t *testing.T) {
	store, err := rag.OpenStore(context.Background(), t.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Store: store}
	e := extractiveEngine(store)
	filler := strings.Repeat("加快推进数字产业化和产业数字化。", 30)
	for _, province := range []string{"广东省", "江苏省"} {
		text := province + "“十四五”期间,推动数字经济发展。" + filler + "到2025年,全省灯塔工厂数量超过5家。"
		if rep, err := in.IngestBytes(context.Background(), "plan.txt", []byte(text)); err != nil || rep.Err() != nil {
			t.Fatalf("ingest: %v %v", err, rep.Err())
		}
		ans, err := e.Ask(t.Context(), rag.AskRequest{Question: "到2025年全省灯塔工厂数量有多少家？"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ans.Text, "【"+province+"】") {
			t.Errorf("after indexing %s's plan the answer names another subject:\n%s", province, ans.Text)
		}
	}
}

// TestAnswersStayOnTopic: what follows the sentence that answers a how or list question is
// quoted only while it carries on or speaks of what is asked; a province's next measure, or
// the next section of the document, is not part of the answer.
func TestAnswersStayOnTopic(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	for _, c := range []struct {
		question string
		want     string
		not      []string
	}{
		{"新疆网络安全这块打算咋弄", "网络安全防护能力", []string{"失败率"}},
		{"北京的十百千工程在哪些地方建示范应用场景", "大兴国际机场", []string{"线上教育", "平台经济"}},
		{"湖北推进企业上云工程要加快哪些方面", "设备联网上云", []string{"数据中台"}},
	} {
		ans, _ := ask(t, e, rag.AskRequest{Question: c.question}, false)
		if ans.Abstained || !strings.Contains(ans.Text, c.want) {
			t.Errorf("%s: want an answer with %q:\n%s", c.question, c.want, ans.Text)
		}
		for _, n := range c.not {
			if strings.Contains(ans.Text, n) {
				t.Errorf("%s: the answer runs on into %q:\n%s", c.question, n, ans.Text)
			}
		}
	}
}

// TestNameGluedToWordsTheDictionaryLacks: the segmenter glues a known name to a word its
// dictionary lacks (支付宝/提现); documents that state the name, and the word apart, speak of it.
func TestNameGluedToWordsTheDictionaryLacks(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"支付.txt": "自2016年10月12日起,支付宝将对个人用户超出免费额度的提现收取0.1%的服务费。\n" +
			"期货交易者买卖期货成交后,按成交合约总价值的一定比例所支付的费用为手续费。\n",
		"芯片.txt": "四川省加快建设集成电路“芯火”双创基地,补齐芯片制造等环节短板。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"支付宝提现收多少服务费", false, []string{"0.1%"}},
		{"四川的集成电路双创基地叫什么", false, []string{"芯火"}},
		// 支付的 is no typo of 支付宝, and the documents never name 微信.
		{"微信提现收多少服务费", true, []string{"微信提现"}},
	})
}

// TestUnknownWordsAreNoOneName: three words the dictionary lacks, each read whole, are not one
// name the documents must write glued ("天谕/新服/开服"); each must be stated, and the refusal
// names the one that is not.
func TestUnknownWordsAreNoOneName(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"游戏.txt": "天谕手游新服预约开启,开服时间为3月18日14:00。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"天谕新服开服时间", false, []string{"3月18日"}},
		{"逆水寒新服开服时间", true, []string{"逆水寒"}},
	})
}

// TestNamesSideBySide: a company and its chairman, or a verb and a term, typed together are
// answered when the documents state each, and refused as a whole when they lack one.
func TestNamesSideBySide(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"访谈.txt": "华为轮值董事长郭平认为,数字化转型难点在于构建变革领导力。\n" +
			"四川要补齐研发设计、芯片制造等环节短板,打造集成电路产业基地。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"华为郭平觉得数字化转型最难的是啥", false, []string{"变革领导力"}},
		{"四川要补齐集成电路哪些环节的短板", false, []string{"研发设计"}},
		{"华为任正非觉得数字化转型最难的是啥", true, []string{"华为任正非"}},
	})
}

// TestAnswerPointingBackQuotesWhatItPointsAt: a sentence that answers by pointing back at what
// is asked ("这些病症") is quoted with the sentence before, which names them.
func TestAnswerPointingBackQuotesWhatItPointsAt(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"疗法.txt": "对于行为介导病症(抑郁症、失眠),传统的药物治疗用处不大。" +
			"而临床实验证明,数字疗法在应对这些病症时有着显著的效果。以某产品为例,参与者的评价提升了25%。\n",
	}))
	checkAnswers(t, e, []answerCase{{"数字疗法对哪些病症效果显著", false, []string{"抑郁症"}}})
}

// TestSentenceAboutAnotherLatinName: a passage naming two companies by Latin names speaks of
// one in each sentence; the other's figure is no answer about it.
func TestSentenceAboutAnotherLatinName(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"临床.txt": "以SilverCloud Health的数字疗法为例,临床研究显示3个月后,参与者的评价提升了25-45%。" +
			"Happify数字疗法的临床数据同样支持这一说法,可以改善实验对象25%的焦虑状况。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"Happify的临床研究做了几个月", true, nil},
		{"Happify公司的临床研究做了几个月", true, nil}, // 公司 names what Happify is, not what is asked
		{"SilverCloud的临床研究做了几个月", false, []string{"3个月"}},
		// Asked for a company, the sentence naming another answers.
		{"哪家公司的临床研究显示3个月后评价提升", false, []string{"SilverCloud"}},
	})
}

// TestQuotesLeftOpenByMistake: scraped text leaves quotation marks open ("“十四五“期间"); the
// sentences after one are nobody's words, and a quoted term asked of among counted stages is
// one stage, not the list.
func TestQuotesLeftOpenByMistake(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"阶段.txt": "3数字化转型“十四五“期间,BAT启动产业互联网向纵深演进。”十四五“末期,生态化演进将是各类企业效仿的战略模式之一。" +
			"企业数字化转型可以分为四个阶段,总体上是先内后外。首先是业务数据化,即业务数据在线。其次是数据资产化,即数据可用、可视。" +
			"第三是资产服务化,即通过发掘应用场景,提供内部运营的数据资产服务。第四是服务业务化,即数据赋能新业务。\n",
	}))
	checkAnswerLacks(t, e, answerCase{"企业数字化转型四个阶段里的“资产服务化”指的是什么？", false, []string{"发掘应用场景"}},
		"生态化演进", "the answer is quoted as the words of a sentence that opened no quotation")
}

// TestNearMissNamesOnlyWhatIsMissing: asked for a city 甘肃's plan does not name, the reply may
// not say the documents lack 甘肃; and "哪个城市" is not answered by a quoted programme.
func TestNearMissNamesOnlyWhatIsMissing(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswerLacks(t, e, answerCase{"甘肃要在哪个城市建国家超算中心", true, nil},
		"“甘肃”", "the reply says the documents lack 甘肃, whose plan they give")
}

// TestLongSentenceKeepsTheAnsweringClause: a sentence too long to quote whole is cut, but not
// before the clause that answers; a short one is quoted whole.
func TestLongSentenceKeepsTheAnsweringClause(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"华盖.txt": "宗座华盖(Umbraculum),意大利文称为「Ombrellino」(来自拉丁文 \"umbra\" 'shade' for a sun-umbrella)," +
			"是历史上的教宗王位标志和徽章(papal regalia and insignia)的一部分,曾被用来为教宗遮阳,也被称为 pavilion," +
			"在中世纪的仪典中由专人撑持,跟随教宗出行的队列,在文艺复兴时期的画作里也时常可以见到它的身影," +
			"现代被用作罗马天主教会和教宗权威的标志。宗座华盖是教宗擢升一个教堂为宗座圣殿时所赋予的标志之一。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"宗座华盖在现代是什么的标志？", false, []string{"宗座华盖(Umbraculum),…", "罗马天主教会和教宗权威"}},
	})
}
