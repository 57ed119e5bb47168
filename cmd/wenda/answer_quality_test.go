package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/internal/openaifake"
	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag"
)

// The answer quality gate: `wenda eval --answers` through the real command line on the
// labelled sets in testdata/answers (extractive, and with a model that reads its context
// perfectly) and on near-miss sets built from the public CMRC 2018 and DRCD sets. Each floor
// is the value measured when the gate was written, rounded down (a ceiling, for false
// abstentions, rounded up): a change that makes answers worse fails here; a change that makes
// them better should raise the floors. The targets of issue 9 are logged beside the figures.

// answerFloor is what one labelled set must keep reaching.
type answerFloor struct {
	accuracy float64 // least answer_accuracy
	// maxFalseAbstentions is the most answerable questions that may be abstained on.
	maxFalseAbstentions int
	// abstained is the least abstained_unanswerable per kind.
	abstained map[string]int
}

func TestAnswerQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("the answer quality gate indexes two public sets and asks about 900 questions; CI runs it without -short")
	}
	t.Run("sample", testSampleAnswers)
	t.Run("perfect reader", testPerfectReader)
	t.Run("public near misses", testPublicNearMisses)
}

// evalAnswers runs `eval --answers --json` on queries over the index in data (synced with
// knowledge first, when given) and decodes its report.
func evalAnswers(t *testing.T, env map[string]string, data, knowledge, queries string) rag.AnswerReport {
	t.Helper()
	args := []string{"--data", data}
	if knowledge != "" {
		args = append(args, "--knowledge", knowledge)
	}
	out, errOut, err := wenda(t, env, append(args, "eval", "--answers", "--json", "--queries", queries)...)
	if err != nil {
		t.Fatalf("eval --answers --queries %s: %v\n%s", queries, err, errOut)
	}
	var rep rag.AnswerReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("eval --answers --json: %v\n%s", err, out)
	}
	return rep
}

func checkFloor(t *testing.T, name string, rep rag.AnswerReport, floor answerFloor) {
	t.Helper()
	t.Logf("%s: %d questions, accuracy %.3f (%d/%d), false abstentions %d, unanswerable abstained %d/%d",
		name, rep.Questions, rep.AnswerAccuracy, rep.Right, rep.Answerable, rep.FalseAbstentions,
		rep.AbstainedUnanswerable, rep.Unanswerable)
	for _, k := range slices.Sorted(maps.Keys(rep.ByKind)) {
		c := rep.ByKind[k]
		t.Logf("  %-18s right %3d/%-3d  false abst. %3d  abstained %3d/%d", k, c.Right, c.Answerable, c.FalseAbstentions, c.AbstainedUnanswerable, c.Unanswerable)
	}
	if rep.AnswerAccuracy < floor.accuracy {
		t.Errorf("%s: answer accuracy %.3f, below the floor %.3f", name, rep.AnswerAccuracy, floor.accuracy)
	}
	if rep.FalseAbstentions > floor.maxFalseAbstentions {
		t.Errorf("%s: %d false abstentions, more than the ceiling %d", name, rep.FalseAbstentions, floor.maxFalseAbstentions)
	}
	for _, kind := range slices.Sorted(maps.Keys(floor.abstained)) {
		if got, least := rep.ByKind[kind].AbstainedUnanswerable, floor.abstained[kind]; got < least {
			t.Errorf("%s: %d %s questions abstained on, below the floor %d", name, got, kind, least)
		}
	}
}

const answersDir = "../../testdata/answers"

// testSampleAnswers: the extractive answerer on the labelled sample sets. Targets (issue 9):
// accuracy ≥ 0.85, false abstentions ≤ 2 %, ≥ 90 % of near misses and every entity-absent
// question abstained.
func testSampleAnswers(t *testing.T) {
	data := t.TempDir()
	floors := map[string]answerFloor{
		// The dev set's three false abstentions are English questions over Chinese documents,
		// which offline are told to ask in Chinese (issue 9), and so is held-out's one: matched
		// only on English words the text quotes, an answer would be a guess.
		"sample-dev.jsonl":     {accuracy: 0.91, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss": 12, "absent": 9}},
		"sample-heldout.jsonl": {accuracy: 0.94, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 7, "absent": 5}},
		// Written after the second round's tuning and run blind once: 0.893, two false
		// abstentions, 1 of 3 absent names (docs/answering.md); one bug it showed was fixed,
		// and the third round's company names (rag/zh/names.txt) caught the other two.
		"sample-fresh.jsonl": {accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 4, "absent": 3}},
		// Written in the third round before any of its changes and run blind once: 0.842,
		// three false abstentions (two English), 1 of 4 near misses and 4 of 5 absent names.
		// Its two false abstentions are the English questions.
		"sample-blind.jsonl": {accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 4, "absent": 5}},
		// Written after the third round's changes and run blind once: 0.864, one false
		// abstention, 2 of 3 near misses; one fix followed (江西's chunk names no province), and
		// the fourth round's half weight of places caught the third near miss (宁夏's
		// opening sentence names little but the place and period).
		"sample-blind2.jsonl": {accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written at the end of the third round and run blind once: 0.900, its one false
		// abstention the English question; one fix followed (a yes-or-no question's last word
		// weighs half only when it is a predicate).
		"sample-blind3.jsonl": {accuracy: 0.95, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written at the start of issue 9's fourth round and run blind once: 0.708, four false
		// abstentions (one English), every near miss and absent name abstained. Left: the
		// English question and "为什么心里没底" (the documents say 看不见).
		"sample-blind4.jsonl": {accuracy: 0.87, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 4, "absent": 2}},
		// Written by a helper who never saw wenda's answers or code, after the fourth round's
		// first changes, and run blind once: 0.667, five false abstentions (two paraphrases, one
		// English question answered wrongly), 3 of 3 near misses and 1 of 2 absent names.
		"sample-blind5.jsonl": {accuracy: 0.88, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by another such helper at the start of the fifth round and run blind once:
		// 0.571, nine false abstentions (one English), 2 of 3 near misses, 2 of 2 absent names.
		"sample-blind6.jsonl": {accuracy: 0.85, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a third such helper after the fifth round's first changes and run blind
		// once: 0.679, every miss a false abstention (nine, one English), all near misses and
		// absent names abstained.
		"sample-blind7.jsonl": {accuracy: 0.89, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a fourth such helper at the end of the fifth round and run blind once on
		// its code: 0.750, five false abstentions, all near misses and absent names abstained.
		"sample-blind8.jsonl": {accuracy: 0.85, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a fifth such helper after every change of the fifth round and run once on
		// its final code, to measure the round on questions nothing was tuned on: 0.759, five
		// false abstentions, 2 of 3 near misses. The sixth round's framing nouns, aspect
		// adverbs and subject rule answer three of them.
		"sample-blind9.jsonl": {accuracy: 0.89, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 2, "absent": 2}},
		// Written by a sixth such helper at the start of issue 9's sixth round and run blind once
		// before any of its changes, on 3e99080: 0.706, eight false abstentions (one English),
		// 2 of 3 near misses, 2 of 2 absent names. b10-17 ("广东在盖房子这一块怎么推进数字化
		// 升级", 建筑 in the text) was answered while the broken dictionary cut 盖房/子; cut
		// 盖/房子 since the ninth round, the passage is not found (as for b14-10).
		"sample-blind10.jsonl": {accuracy: 0.79, maxFalseAbstentions: 6, abstained: map[string]int{"near_miss": 2, "absent": 2}},
		// Written by a seventh such helper after the sixth round's changes and run once on
		// 0c003cc to measure them: 0.647, five false abstentions (four paraphrases), every near
		// miss and absent name abstained. Four fixes followed (a quoted term's definition, 首先,
		// the wider search after a region's opening sentence, 方式/模式).
		"sample-blind11.jsonl": {accuracy: 0.82, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by an eighth such helper at the start of issue 9's seventh round (seed 59) and
		// run once on e2d449b before any of its changes: 0.735, five false abstentions (one a
		// place 广开 cut out of 推广开), every near miss and absent name abstained.
		"sample-blind12.jsonl": {accuracy: 0.88, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a ninth such helper (seed 61) and run once on 7159cf1, after every change of
		// the seventh round, to measure it: 0.735, seven false abstentions (four paraphrases),
		// 1 of 3 near misses (迪士尼's figure is in the clause beside IBM's; 广西's plan opener
		// answers for 城市大脑), both absent names. Fixes followed: each clause of a sentence
		// that compares names is about the name it opens with; 规划 asked beside a question word
		// frames; 才能 and 层面 are scaffold.
		"sample-blind13.jsonl": {accuracy: 0.82, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 2, "absent": 2}},
		// Written by a tenth such helper at the start of issue 9's eighth round (seed 67) and run
		// once on 02afe9a before any of its changes: 0.765, six false abstentions (two
		// paraphrases, one English), 2 of 3 near misses (GE Digital's staff in 2015 was answered
		// by the sentence on its founding, whose "Predix 2.0" read as a count), both absent names.
		"sample-blind14.jsonl": {accuracy: 0.82, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by an eleventh such helper at the start of issue 9's ninth round (seed 71) and
		// run once on f2ce671 before any of its changes: 0.824, five false abstentions (three
		// paraphrases, one English), 2 of 3 near misses (Happify's study was answered by
		// SilverCloud Health's three months, named beside it), both absent names.
		"sample-blind15.jsonl": {accuracy: 0.82, maxFalseAbstentions: 5, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a twelfth such helper (seed 73) after the ninth round's changes and run once
		// on eb03550 to measure them: 0.706, nine false abstentions (four paraphrases, one
		// English), 2 of 3 near misses (哪个城市 answered by a sentence saying 智慧城市 and 数字
		// 乡村), both absent names. Fixes followed; b16-13 and b16-21 were refused quoting
		// 集成电路新 and 留足容错.
		"sample-blind16.jsonl": {accuracy: 0.79, maxFalseAbstentions: 7, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by two more such helpers at the start of issue 9's tenth round (seeds 79 and
		// 83) and run once on 69996a9, the ninth round's last code, before any change: blind17
		// 0.765, five false abstentions (河南's goal refused as a near miss, as 总目标是建设什么
		// did not read 目标 as the frame; three paraphrases), blind18 0.647, eleven (five
		// questions citing their article, "那篇讲……的文章说", refused on its words; four
		// paraphrases); every near miss and absent name abstained in both.
		"sample-blind17.jsonl": {accuracy: 0.88, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		"sample-blind18.jsonl": {accuracy: 0.88, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a fifteenth such helper (seed 89) while the tenth round worked, and run once
		// on 3f7ba2f, after its changes but for the last three, to measure them: 0.735, four
		// false abstentions (a sentence likening the epidemic to the Spanish flu read as about
		// Spain, "最后要达到个啥效果", two paraphrases), every near miss and absent name
		// abstained. Fixes followed (analogies, a topic heading a list, 个啥 and 效果).
		// b19-24 (新疆's 工业数据) became a false abstention in the eleventh round: its lead
		// sentence had answered it, wrongly, on words lent by the region's plan before it.
		"sample-blind19.jsonl": {accuracy: 0.79, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by two more such helpers at the start of issue 9's eleventh round (seeds 97
		// and 101) and run once on cf926f5, the tenth round's last code, before any change:
		// blind20 0.706, six false abstentions (four paraphrases, two in Taiwan's wording),
		// blind21 0.824, five (three paraphrases, 海南's plan refused as a near miss after the
		// typo corrector read 规划中说 as 中提); every near miss and absent name abstained.
		"sample-blind20.jsonl": {accuracy: 0.73, maxFalseAbstentions: 5, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		"sample-blind21.jsonl": {accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by two more such helpers during the eleventh round (seeds 103 and 107):
		// blind22 was run once on 20e4fcf, after the round's first fixes, 0.647, nine false
		// abstentions (three paraphrases, a plan's 总体思路 and its follow-up, "第一个阶段"
		// answered by the sentence before the list); fixes followed. blind23 was run once on
		// c7cad9d, after the round's changes to then, to measure them: 0.853, five false
		// abstentions, four of them paraphrases and one English; nothing was changed for it.
		"sample-blind22.jsonl": {accuracy: 0.82, maxFalseAbstentions: 5, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		"sample-blind23.jsonl": {accuracy: 0.85, maxFalseAbstentions: 5, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by a twentieth such helper (seed 109) near the end of the eleventh round and
		// run once on 7cd82e7, after all but its last change, to measure them: 0.765, six false
		// abstentions (three paraphrases, two follow-ups whose province's plan the search did
		// not find, one English); the last change followed (a follow-up searches its place's
		// chunks first, a phrase as asked counts).
		"sample-blind24.jsonl": {accuracy: 0.82, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written at the start of the twelfth round by two more such helpers (seeds 113 and
		// 127) and run once on 79ea8d6, before any of its changes: blind25 0.676, nine false
		// abstentions (four paraphrases; 华为郭平 and 美的方洪波 refused as names the documents
		// lack; 補齊集成电路 refused the same way; one English), blind26 0.676, eight (four
		// paraphrases, one refused as the name 度高不高; 经挤学里 refused as a name; a why-question
		// refused as a near miss for 十四五; a follow-up; a boilerplate line); fixes followed.
		"sample-blind25.jsonl": {accuracy: 0.76, maxFalseAbstentions: 6, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		"sample-blind26.jsonl": {accuracy: 0.82, maxFalseAbstentions: 6, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by two more such helpers (seeds 131 and 137) after the twelfth round's first
		// changes and run once on 29d58bb to measure them: blind27 0.824, five false
		// abstentions (three paraphrases, a point of the 十四五 article refused for 十四五, one
		// English), and 钉钉, which the documents never name, answered; blind28 0.882, two
		// (打造成 read as 造成, a paraphrase), and China's 2020 market answered with the
		// world's. Fixes followed.
		"sample-blind27.jsonl": {accuracy: 0.85, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		"sample-blind28.jsonl": {accuracy: 0.91, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		// Written by two more such helpers (seeds 139 and 149) near the end of the twelfth
		// round, to measure it: blind30 ran once on 1835379, 0.765, five false abstentions
		// (three paraphrases, one English, 是从 and a typo), and blind29 once on 703aef6, after
		// all the round's rules but three, 0.706, nine (four paraphrases and a why-question asked
		// in other words, one English, two follow-ups of those, and a question drawn from the
		// visitor's question that opens the page, which is no evidence).
		"sample-blind29.jsonl": {accuracy: 0.70, maxFalseAbstentions: 9, abstained: map[string]int{"near_miss": 3, "absent": 2}},
		"sample-blind30.jsonl": {accuracy: 0.82, maxFalseAbstentions: 4, abstained: map[string]int{"near_miss": 3, "absent": 2}},
	}
	for _, file := range slices.Sorted(maps.Keys(floors)) {
		rep := evalAnswers(t, nil, data, sampleDir, filepath.Join(answersDir, file))
		checkFloor(t, file+" (extractive)", rep, floors[file])
	}
}

// readerFloor is what the pipeline must keep handing a model that reads perfectly.
type readerFloor struct {
	answerFloor
	// evidence is the least number of answerable questions that reached the model with a
	// context block holding a labelled answer.
	evidence int
}

// testPerfectReader: the LLM path with openaifake.Reader as the model, so that what is
// measured is what reaches the model, not what a model makes of it. Targets (issue 9): ≥ 95 %
// of answerable questions reach the model with the evidence in context; every unanswerable
// one abstains.
func testPerfectReader(t *testing.T) {
	data := t.TempDir()
	floors := map[string]readerFloor{
		"sample-dev.jsonl": {evidence: 82, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 12, "absent": 9},
		}},
		"sample-blind2.jsonl": {evidence: 22, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind3.jsonl": {evidence: 20, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind5.jsonl": {evidence: 27, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// b7-16 asks about 新型基础设施 in words the passage does not use (新基建 上面流动的): the
		// passages sent hold other sentences about new infrastructure.
		"sample-blind7.jsonl": {evidence: 27, answerFloor: answerFloor{
			accuracy: 0.96, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// b8-06 ("具体是哪些地方?" after whether provinces promote digital therapeutics) is
		// answered by the two sentences after the one its topic finds (杭州, 海南), which the
		// passages sent do not hold.
		"sample-blind8.jsonl": {evidence: 27, answerFloor: answerFloor{
			accuracy: 0.96, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind9.jsonl": {evidence: 29, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// b10-01's answer (大数据分析, 人工智能) is stated only in the visitor's question that
		// opens the sample page, which is not evidence; the helper drew that sentence. b10-17's
		// passage is not found (盖房子 for 建筑; see the extractive floor).
		"sample-blind10.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// One paraphrase finds no passage that holds its answer (医学界的权威意见 for 专家共识, or
		// 扶持和管理制度 for 产业政策、监管政策): the search matches words, and it shares none
		// with them. At the blind run three did; 方式/模式 and the wider search after an opening
		// sentence found the other two.
		"sample-blind11.jsonl": {evidence: 33, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// b12-03 asks what "没做好" that the text says "有待建设": no passage found holds its words.
		"sample-blind12.jsonl": {evidence: 33, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// b13-13 asks how 山东 means to build "政府的数字化": the passage that says 一朵云 and
		// 智慧服务型数字政府 is not among those found for it.
		"sample-blind13.jsonl": {evidence: 33, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// Two paraphrases find no passage that holds their answers: 盖房子这个行当 for 建筑业,
		// 城市和乡村一体化 for 城乡融合.
		"sample-blind14.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind15.jsonl": {evidence: 34, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// Three questions are refused as being about a name or place the documents never write
		// as asked, so the model is never asked: 东南亚 (they say 东盟), 日本政府 (美日政府) and
		// 留足容, which the segmenter glued out of 留足容错.
		"sample-blind16.jsonl": {evidence: 31, answerFloor: answerFloor{
			accuracy: 0.91, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind17.jsonl": {evidence: 34, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// Two paraphrases find no passage that holds their answers: 增强智能制造水平 for 完善工业
		// 互联网平台体系, 让城市和乡村之间的数字差距变小 for 缩小城乡区域数字鸿沟.
		"sample-blind18.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// Two questions find no passage that holds their answers: 福建's 产业数字化, which the
		// index's title (数字化转型与数字疗法) leaves weighing nothing against 数字产业化, and
		// 工业数据 for 工业大数据技术.
		"sample-blind19.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind20.jsonl": {evidence: 34, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind21.jsonl": {evidence: 34, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// A paraphrase of 成功之路's state reaches the model without its evidence (b22-04);
		// "其中第一类" after the four difficulties reaches it with its evidence since the
		// eleventh round's last change.
		"sample-blind22.jsonl": {evidence: 33, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// 城市和农村之间的数字差距 for 城乡区域数字鸿沟 finds nothing relevant (b23-10), and
		// "靠什么盈利" for 商业化模式 finds no passage holding it (b23-28).
		"sample-blind23.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// 仰仗哪些方面的沟通和帮助 for 依赖来自……的交流与支持 finds nothing relevant (b24-14), and
		// 地方上有哪些省市在搞数字疗法 reaches the model with the plans' 地方立法 (b24-30).
		"sample-blind24.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// "那福建呢?" after a paraphrase of 江苏's 个人信息保护 (守护老百姓的隐私) reaches the model
		// with 福建's plan but not that sentence (b25-28).
		"sample-blind25.jsonl": {evidence: 33, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind26.jsonl": {evidence: 34, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// 新冠 is a name the documents never use (they say 疫情), so the question is refused
		// before the model (b27-31); 纯技术层面的活儿 for 技术类难点 finds other passages (b27-27).
		"sample-blind27.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// 通用电气 is GE's Chinese name, which the documents never use (b28-29); 最要紧的一环 for
		// 数据中台建设是核心 finds other passages (b28-31).
		"sample-blind28.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// b29-01 is drawn from the visitor's question that opens the page, about 盛世笔特, which
		// the documents name nowhere else: refused before the model.
		"sample-blind29.jsonl": {evidence: 33, answerFloor: answerFloor{
			accuracy: 0.97, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		// 老旧行业 for 传统产业 (b30-04) and 服务业的新花样 for 服务新业态 (b30-27) reach the model
		// with other sentences of the province's plan.
		"sample-blind30.jsonl": {evidence: 32, answerFloor: answerFloor{
			accuracy: 0.94, maxFalseAbstentions: 2, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind6.jsonl": {evidence: 28, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 3, "absent": 2},
		}},
		"sample-blind4.jsonl": {evidence: 24, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 4, "absent": 2},
		}},
		"sample-blind.jsonl": {evidence: 38, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 4, "absent": 5},
		}},
		"sample-fresh.jsonl": {evidence: 28, answerFloor: answerFloor{
			accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss": 4, "absent": 3},
		}},
		"sample-heldout.jsonl": {evidence: 54, answerFloor: answerFloor{
			accuracy: 0.98, maxFalseAbstentions: 1, abstained: map[string]int{"near_miss": 7, "absent": 5},
		}},
	}
	for _, file := range slices.Sorted(maps.Keys(floors)) {
		checkPerfectReader(t, file+" (perfect reader)", data, sampleDir, filepath.Join(answersDir, file), floors[file])
	}
}

// checkPerfectReader runs the questions of path with openaifake.Reader as the model over the
// index in data (synced with knowledge first, when given) and checks them against floor.
func checkPerfectReader(t *testing.T, name, data, knowledge, path string, f readerFloor) {
	t.Helper()
	queries := readAnswerSet(t, path)
	labelled, translations := map[string][]string{}, map[string]string{}
	for _, q := range queries {
		if q.Translation != "" {
			translations[q.Question] = q.Translation
		}
		if _, dup := labelled[q.Question]; dup {
			t.Fatalf("%s: the question %q is asked twice; the reader tells questions apart by their text", name, q.Question)
		}
		labelled[q.Question] = nil
		if !q.Unanswerable {
			labelled[q.Question] = q.Answers
		}
	}
	reader := openaifake.NewReader(labelled, prompts.NoAnswerMarker)
	reader.SetTranslations(translations)
	fake := openaifake.New(t, openaifake.WithReply(reader.Reply))
	env := map[string]string{"WENDA_LLM_BASE_URL": fake.URL(), "WENDA_LLM_API_KEY": "sk-test", "WENDA_LLM_MODEL": "perfect-reader"}
	rep := evalAnswers(t, env, data, knowledge, path)
	if rep.ReachedModel == nil {
		t.Fatalf("%s: the report has no reached_model with a model configured", name)
	}
	answerable, evidence := 0, 0
	var notAsked, noEvidence []string
	for _, q := range queries {
		if q.Unanswerable {
			continue
		}
		answerable++
		switch rec, ok := reader.Record(q.Question); {
		case !ok:
			notAsked = append(notAsked, q.ID)
		case !rec.Evidence:
			noEvidence = append(noEvidence, q.ID)
		default:
			evidence++
		}
	}
	checkFloor(t, name, rep, f.answerFloor)
	t.Logf("%s: %d questions reached the model; %d/%d answerable ones with the evidence in context (%.3f)",
		name, *rep.ReachedModel, evidence, answerable, float64(evidence)/float64(answerable))
	t.Logf("  answerable, never reached the model: %s", strings.Join(notAsked, " "))
	t.Logf("  answerable, reached it without the evidence: %s", strings.Join(noEvidence, " "))
	if evidence < f.evidence {
		t.Errorf("%s: %d answerable questions reached the model with the evidence, below the floor %d", name, evidence, f.evidence)
	}
}

func readAnswerSet(t *testing.T, path string) []rag.AnswerQuery {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := rag.ReadAnswerQueries(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return qs
}

// testPublicNearMisses: the extractive answerer on questions from the public sets, half of
// them made unanswerable by taking their evidence out of the index (nearMissSet).
func testPublicNearMisses(t *testing.T) {
	floors := map[string]answerFloor{
		// Issue 9's first rewrite traded answers for abstentions here (CMRC 0.71 → 0.69 and
		// 31 → 48 near misses abstained; DRCD 0.67 → 0.56 and 90 → 93); the second won back
		// some of both (docs/answering.md).
		// The fourth round: particles that part names ("射球/为/彼得") gave one answer and lost
		// one lucky abstention (道同, which gse cuts into single characters, had been read as
		// 道同死 because 后 is tagged as a person); a figure asked in a unit of its own caught
		// a near miss; places, years and periods weighing half in the evidence of a fact
		// question (they are checked as constraints anyway) caught two DRCD near misses and
		// cost one DRCD answer.
		// 比 beside a name is no part of it: "比九号风球低一级的是什么" lost its lucky refusal of
		// “比九号风球低” as an absent name (48).
		// The eleventh round: a sentence holding six characters of the question as written
		// earns a tenth (0.82).
		"cmrc2018": {accuracy: 0.82, maxFalseAbstentions: 11, abstained: map[string]int{"near_miss_public": 48}},
		// The fifth round: a statement that shares the question's words is no longer dropped as
		// a restatement of it (only a sentence that asks does restate): 0.69 → 0.75, 24 → 18;
		// 重镇 and 古城 name no place: 0.76, 17; nor does 王国, which lost the lucky abstention
		// of "愛爾蘭王國的成立和哪一法律有關" (its evidence says 愛爾蘭議會): 93.
		// The eleventh round's phrase as asked: 0.80, 15, and one lucky abstention lost (93).
		"drcd": {accuracy: 0.8, maxFalseAbstentions: 15, abstained: map[string]int{"near_miss_public": 93}},
	}
	// With a model, the model judges what the extractive answerer cannot: every near miss
	// abstains, and what is left is how many answerable questions reach it with the evidence.
	readerFloors := map[string]readerFloor{
		"cmrc2018": {evidence: 100, answerFloor: answerFloor{accuracy: 1, maxFalseAbstentions: 0, abstained: map[string]int{"near_miss_public": 100}}},
		"drcd":     {evidence: 97, answerFloor: answerFloor{accuracy: 0.97, maxFalseAbstentions: 3, abstained: map[string]int{"near_miss_public": 100}}},
	}
	for _, set := range slices.Sorted(maps.Keys(floors)) {
		dir, data := t.TempDir(), t.TempDir()
		corpus, queries := filepath.Join(dir, "corpus.jsonl"), filepath.Join(dir, "queries.jsonl")
		publicNearMisses(t, set, false, corpus, queries, data)
		checkFloor(t, set+" near misses", evalAnswers(t, nil, data, "", queries), floors[set])
		// With a model the model judges: the same questions with the perfect reader.
		checkPerfectReader(t, set+" near misses (perfect reader)", data, "", queries, readerFloors[set])
	}
}

// publicNearMisses writes set's near-miss corpus and questions (nearMissSet; CMRC 2018 passages
// are whole articles, DRCD passages paragraphs of one) and indexes the corpus in data.
func publicNearMisses(t *testing.T, set string, offset bool, corpus, queries, data string) {
	t.Helper()
	nearMissSet(t, filepath.Join("../../testdata/eval", set), 200, set == "cmrc2018", offset, corpus, queries)
	if *nearMissOut != "" {
		keepNearMissSet(t, set, offset, corpus, queries)
	}
	if _, errOut, err := wenda(t, nil, "--data", data, "ingest", corpus); err != nil {
		t.Fatalf("ingest %s: %v\n%s", set, err, errOut)
	}
}

var unseen = flag.Bool("unseen", false, "run TestUnseenNearMisses, which measures and holds no floor")

// nearMissOut, when set, is where the public near-miss sets are written (DIR/cmrc2018/,
// DIR/drcd/, and DIR/unseen-… for TestUnseenNearMisses), each a corpus.jsonl and a
// queries.jsonl, so that their answers can be read with `wenda eval --answers -v`:
//
//	go test ./cmd/wenda -run 'TestAnswerQuality/public|TestUnseenNearMisses' -unseen -nearmiss-out /tmp/pub
//	wenda --data /tmp/pubd ingest /tmp/pub/cmrc2018/corpus.jsonl
//	wenda --data /tmp/pubd eval --answers --queries /tmp/pub/cmrc2018/queries.jsonl -v
var nearMissOut = flag.String("nearmiss-out", "", "write the public near-miss sets under this directory")

// keepNearMissSet copies a near-miss set's files under *nearMissOut.
func keepNearMissSet(t *testing.T, set string, offset bool, corpus, queries string) {
	t.Helper()
	dir := filepath.Join(*nearMissOut, set)
	if offset {
		dir = filepath.Join(*nearMissOut, "unseen-"+set)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{corpus, queries} {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestUnseenNearMisses reports the extractive answerer on the public near-miss sets started half
// a step later than the gate's: questions nobody tuned on, for docs/answering.md. It is a
// measurement, not a gate: `go test ./cmd/wenda -run TestUnseenNearMisses -unseen -v`.
func TestUnseenNearMisses(t *testing.T) {
	if !*unseen {
		t.Skip("a measurement; run with -unseen")
	}
	for _, set := range []string{"cmrc2018", "drcd"} {
		dir, data := t.TempDir(), t.TempDir()
		corpus, queries := filepath.Join(dir, "corpus.jsonl"), filepath.Join(dir, "queries.jsonl")
		publicNearMisses(t, set, true, corpus, queries, data)
		checkFloor(t, set+" unseen near misses", evalAnswers(t, nil, data, "", queries), answerFloor{maxFalseAbstentions: 200})
	}
}

// evalPassage and evalQuestion are the lines of the public sets' corpus and queries files.
type evalPassage struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

type evalQuestion struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	GoldIDs  []string `json:"gold_ids"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func writeJSONL[T any](t *testing.T, path string, lines []T) {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		j, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nearMissSet samples n questions of a public set (every k-th, at most one per gold passage,
// so deterministic) and writes a corpus in which every second sampled question has lost its
// evidence, and the labelled answers file for them: those questions unanswerable (kind
// near_miss_public), the others answerable with their answers (kind answerable_public). The
// evidence removed is the gold passage, the article's other passages staying; or, with
// sentencesOnly (sets whose passage is the whole article), the passage's sentences holding an
// answer, so that the article stays but the fact does not. A question whose answer would
// survive the removal (it spans sentences, or recurs) stays answerable.
//
// With offset, the questions taken start half a step later: the unseen sets, which no floor
// holds and the tuning never reads (TestUnseenNearMisses).
func nearMissSet(t *testing.T, dir string, n int, sentencesOnly, offset bool, corpusOut, queriesOut string) {
	t.Helper()
	passages := readJSONL[evalPassage](t, filepath.Join(dir, "corpus.jsonl"))
	questions := readJSONL[evalQuestion](t, filepath.Join(dir, "queries.jsonl"))
	byID := map[string]int{}
	for i, p := range passages {
		byID[p.ID] = i
	}
	removed := map[int]bool{}
	used := map[string]bool{}
	var labelled []rag.AnswerQuery
	step := max(1, len(questions)/n)
	start := 0
	if offset {
		start = step / 2
	}
	for i := start; i < len(questions) && len(labelled) < n; i += step {
		q := questions[i]
		gold, ok := byID[q.GoldIDs[0]]
		if len(q.GoldIDs) != 1 || !ok || used[q.GoldIDs[0]] || len(q.Answers) == 0 {
			continue
		}
		used[q.GoldIDs[0]] = true
		lq := rag.AnswerQuery{ID: q.ID, Question: q.Question, Answers: q.Answers, Kind: "answerable_public"}
		if len(labelled)%2 == 1 {
			if !sentencesOnly {
				removed[gold] = true
				lq = rag.AnswerQuery{ID: q.ID, Question: q.Question, Unanswerable: true, Kind: "near_miss_public"}
			} else if rest, ok := withoutAnswers(passages[gold].Text, q.Answers); ok {
				passages[gold].Text = rest
				lq = rag.AnswerQuery{ID: q.ID, Question: q.Question, Unanswerable: true, Kind: "near_miss_public"}
			}
		}
		labelled = append(labelled, lq)
	}
	var kept []evalPassage
	for i, p := range passages {
		if !removed[i] {
			kept = append(kept, p)
		}
	}
	writeJSONL(t, corpusOut, kept)
	writeJSONL(t, queriesOut, labelled)
}

// withoutAnswers drops the sentences of text that hold one of answers; ok is false when
// an answer survives or nothing is left.
func withoutAnswers(text string, answers []string) (string, bool) {
	var b strings.Builder
	for _, s := range splitSentences(text) {
		if !slices.ContainsFunc(answers, func(a string) bool { return strings.Contains(s, a) }) {
			b.WriteString(s)
		}
	}
	rest := b.String()
	if strings.TrimSpace(rest) == "" || slices.ContainsFunc(answers, func(a string) bool { return strings.Contains(rest, a) }) {
		return "", false
	}
	return rest, true
}

// splitSentences cuts text after each sentence end (。！？；!?; or a line break), keeping it.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if strings.ContainsRune("。！？；!?;\n", r) {
			end := i + len(string(r))
			out = append(out, text[start:end])
			start = end
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// TestAnswerSetsAreGrounded checks the labelled sample sets themselves: every labelled answer of
// every set is copied from the sample document (so a right answer can quote it; it had checked
// only dev and held-out), and those two hold every kind of question, so that the held-out set
// measures the same things as the dev set.
func TestAnswerSetsAreGrounded(t *testing.T) {
	entries, err := os.ReadDir(sampleDir)
	if err != nil {
		t.Fatal(err)
	}
	var corpus strings.Builder
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(sampleDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		corpus.Write(b)
	}
	kinds := map[string]map[string]bool{}
	files, err := filepath.Glob(filepath.Join(answersDir, "sample-*.jsonl"))
	if err != nil || len(files) < 2 {
		t.Fatalf("the labelled sets: %v %v", files, err)
	}
	for _, path := range files {
		file := filepath.Base(path)
		kinds[file] = map[string]bool{}
		for _, q := range readAnswerSet(t, path) {
			kinds[file][rag.KindOf(q)] = true
			for _, a := range slices.Concat(q.Answers, q.AllOf) {
				if !strings.Contains(corpus.String(), a) {
					t.Errorf("%s %s: the answer %q is not in the sample knowledge base", file, q.ID, a)
				}
			}
			if q.Unanswerable && len(q.Answers) > 0 {
				t.Errorf("%s %s: an unanswerable question has answers", file, q.ID)
			}
		}
	}
	dev, held := kinds["sample-dev.jsonl"], kinds["sample-heldout.jsonl"]
	for k := range dev {
		if !held[k] {
			t.Errorf("kind %s is in the dev set only", k)
		}
	}
	for k := range held {
		if !dev[k] {
			t.Errorf("kind %s is in the held-out set only", k)
		}
	}
}

// TestEvalAnswersCommandLine: the human report has a row per kind and, with -v, shows each
// question answered wrongly with the answer it got; retrieval-only flags are refused.
func TestEvalAnswersCommandLine(t *testing.T) {
	data := t.TempDir()
	queries := filepath.Join(t.TempDir(), "q.jsonl")
	writeJSONL(t, queries, []rag.AnswerQuery{
		{ID: "right", Question: "美的集团在数字化转型上投资了多少?", Answers: []string{"100多亿"}, Kind: "factoid"},
		{ID: "wrong", Question: "GE推出的工业互联网平台叫什么?", Answers: []string{"一个不存在的名字"}, Kind: "factoid"},
		{ID: "absent", Question: "盛世笔特的总部在哪里?", Unanswerable: true, Kind: "absent"},
	})
	out, errOut, err := wenda(t, nil, "--data", data, "--knowledge", sampleDir, "eval", "--answers", "-v", "--queries", queries)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{"factoid", "absent", "all", "wrong [factoid] GE推出的工业互联网平台叫什么?", "want: 一个不存在的名字", "Predix"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "right [factoid]") {
		t.Errorf("-v listed a question answered right:\n%s", out)
	}
	for _, show := range []bool{false, true} {
		args := []string{"--data", data, "eval", "--answers", "--json", "--queries", queries}
		if show {
			args = append(args, "-v")
		}
		out, errOut, err := wenda(t, nil, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, errOut)
		}
		var rep rag.AnswerReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		switch {
		case !show && (len(rep.Results) != 0 || strings.Contains(out, `"results"`)):
			t.Errorf("--json without -v carries results: %s", out)
		case show && (len(rep.Results) != 3 || rep.Results[1].Query.ID != "wrong" || rep.Results[1].Right || !rep.Results[0].Right):
			t.Errorf("--json -v results %+v", rep.Results)
		}
		if rep.Questions != 3 || rep.Right != 1 || rep.ByKind["absent"].AbstainedUnanswerable != 1 {
			t.Errorf("--json counts %+v", rep.AnswerCounts)
		}
	}
	_, _, err = wenda(t, nil, "--data", data, "eval", "--answers", "--mode", "bm25", "--queries", queries)
	if !errors.Is(err, errUsage) {
		t.Errorf("--answers with --mode: err = %v, want a usage error", err)
	}
}
