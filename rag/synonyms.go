package rag

import "strings"

// synonymGroups are words a question and a document use for the same thing ("美的投入了多少" is
// answered by "美的……投资100多亿", "公司" by "企业"). Only words that stand for each other in
// nearly every context are grouped: a wrong synonym makes a sentence look like an answer. A
// sentence holding a synonym of a content word instead of the word itself earns synonymCredit
// for it (matchWord). Written for wenda from common usage, not taken from a thesaurus.
var synonymGroups = [][]string{
	{"投入", "投资"},
	{"公司", "企业"},
	{"增速", "增幅", "增长率", "增长速度"},
	{"成立", "创立", "创建", "设立"},
	{"批准", "核准", "获批"},
	{"难点", "难题", "困难"},
	{"方法", "办法", "途径"},
	{"措施", "举措"},
	{"用途", "功能", "作用"},
	{"优势", "优点", "长处"},
	{"缺点", "不足", "劣势", "短板"},
	{"计划", "规划"},
	{"建设", "打造", "构建", "建立", "建成"},
	{"推动", "推进", "促进"},
	{"加快", "加速"},
	{"提升", "提高"},
	{"员工", "职工", "雇员"},
	{"费用", "成本", "开支"},
	{"收入", "营收"},
	{"利润", "盈利"},
	{"价格", "售价"},
	{"医保", "医疗保险"},
	{"老板", "董事长"},
	{"手机", "移动电话"},
	{"电脑", "计算机"},
	{"开始", "启动", "开启"},
	{"国内", "我国"},
	{"全球", "世界", "全世界"},
	{"病人", "患者"},
	{"医生", "医师"},
	{"第一任", "首任"},
	{"第一位", "首位"},
	{"第一次", "首次"},
	{"第一批", "首批"},
	{"第一家", "首家"},
	{"第一款", "首款"},
	{"第一部", "首部"},
	{"第一届", "首届"},
	{"药物", "药品"},
	{"客户", "用户", "顾客"},
	{"特点", "特征"},
	{"趋势", "走向"},
	{"未来", "今后", "将来"},
	{"区别", "差别", "差异"},
	{"数量", "数目", "个数"},
	{"民企", "民营企业", "私营企业"},
	{"私营", "民营"},
	{"国企", "国有企业"},
	{"央企", "中央企业"},
	{"探索", "摸索"},
	{"新基建", "新型基础设施"},
	{"模仿", "效仿", "仿效"},
	{"扶持", "支持"},
	{"测试", "检测", "检验"},
	{"老百姓", "百姓", "群众", "民众"},
	{"往后", "今后", "以后"},
	{"升级换代", "升级"},
	{"方式", "模式"},
	{"后期", "末期", "晚期"},
	{"打法", "模式"},
	{"截至", "截止"}, // "截止到什么时候": people write either for "up to"
	{"达到", "实现", "达成"},
	{"融资", "筹资"},
	{"带动", "引领"},
	{"优质", "高质量"},
	{"存量", "现有"},
}

// synonyms maps each grouped word to the others of its group.
var synonyms = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range synonymGroups {
		for _, w := range g {
			for _, o := range g {
				if o != w {
					m[w] = append(m[w], o)
				}
			}
		}
	}
	return m
}()

// synonymCredit is what a synonym earns in place of the word asked: as much as a typo.
const synonymCredit = fuzzyCredit

// holdsSynonym reports whether folded holds a synonym of word.
func holdsSynonym(word, folded string) bool {
	for _, s := range synonyms[word] {
		if strings.Contains(folded, s) {
			return true
		}
	}
	return false
}
