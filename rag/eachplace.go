package rag

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A question that names several places side by side ("江苏和浙江分别要建设什么", "北京和上海的
// 定位有什么不同") asks the same of each, and each province's plan answers for its own: no
// sentence states both. Offline, it is asked once per place, as the asker would have asked
// about one ("江苏要建设什么"), and the answers are joined. A model, given the passages about
// both, compares them itself.

// comparisonTails end a question that compares what it names; asked about one place, they ask
// what it is.
var comparisonTails = regexp.MustCompile(`(有什么|有何|有啥|有哪些)(不同|区别|差别|差异|不一样)|(不同|区别|差别|差异)(在哪里|在哪儿|在哪|是什么|是啥)|一样吗`)

// whichOfCues ask which of the places named is the answer, not what each does.
var whichOfCues = []string{"何者", "哪个", "哪一个", "哪家", "哪里", "谁", "更", "比较", "还是", "相比", "which"}

// perPlaceQuestions returns the places a question names side by side, as written, and the
// question asked of each, in the order it names them; nil when it names fewer than two so.
func perPlaceQuestions(question string) (places, questions []string) {
	if !strings.ContainsAny(question, "和与跟及、还") {
		return nil, nil // no conjunction, no places side by side: spare reading the question twice
	}
	q := readQuestion(question)
	if !q.eachPlace || containsAny(q.folded, whichOfCues) {
		return nil, nil // "新加坡和香港……何者较优异": one of them is the answer
	}
	runes, folded := []rune(question), []rune(q.folded)
	if len(runes) != len(folded) {
		return nil, nil
	}
	// Where each place stands in the question (as written, with 省/市 when it has them).
	type at struct{ start, end int }
	var spots []at
	for _, p := range q.places {
		i := strings.Index(q.folded, p)
		if i < 0 {
			return nil, nil
		}
		start := len([]rune(q.folded[:i]))
		end := start + len([]rune(p))
		for _, suf := range []string{"省", "市"} {
			if strings.HasPrefix(string(folded[end:]), suf) {
				end += len([]rune(suf))
				break
			}
		}
		spots = append(spots, at{start, end})
	}
	slices.SortFunc(spots, func(a, b at) int { return a.start - b.start })
	// The run of places joined by conjunctions and list commas: "江苏和浙江", "北京、上海和广东".
	from, to := spots[0].start, spots[0].end
	var names []string
	names = append(names, string(runes[spots[0].start:spots[0].end]))
	for _, s := range spots[1:] {
		if !slices.Contains(placeJoiners, string(folded[to:s.start])) {
			break
		}
		names = append(names, string(runes[s.start:s.end]))
		to = s.end
	}
	if len(names) < 2 {
		return nil, nil
	}
	rest := string(runes[to:])
	rest = comparisonTails.ReplaceAllString(rest, "是什么")
	questions = make([]string, len(names))
	for i, n := range names {
		questions[i] = string(runes[:from]) + n + rest
	}
	return names, questions
}

// askEachPlace answers each of questions offline and joins the answers, numbering their sources
// anew; a place the documents give nothing for gets the first line of its abstention.
func (e *Engine) askEachPlace(ctx context.Context, places, questions []string, lang string, req AskRequest) (*Answer, error) {
	sub := req
	sub.OnDelta, sub.ConversationID, sub.History = nil, "", nil
	merged := &Answer{Abstained: true, Sources: []Source{}}
	byChunk := map[string]int{}
	var parts []string
	for i, question := range questions {
		ans, err := e.answer(ctx, question, question, question, "", false, lang, sub)
		if err != nil {
			return nil, err
		}
		text := ans.Text
		if ans.Abstained {
			// Only the head, said of its place: the passages it lists are the other places'.
			text, _, _ = strings.Cut(text, "\n")
			text = withSubject(places[i], text)
		} else {
			merged.Abstained = false
		}
		// Renumber the sources this answer still cites as the merged answer numbers them.
		renumber := map[int]int{}
		for _, s := range ans.Sources {
			if !strings.Contains(text, fmt.Sprintf("[%d]", s.N)) {
				continue
			}
			n, ok := byChunk[s.ChunkID]
			if !ok {
				n = len(merged.Sources) + 1
				byChunk[s.ChunkID] = n
				merged.Sources = append(merged.Sources, s)
				merged.Sources[n-1].N = n
			}
			renumber[s.N] = n
		}
		text = citationMark.ReplaceAllStringFunc(text, func(m string) string {
			old, _ := strconv.Atoi(m[1 : len(m)-1])
			if n, ok := renumber[old]; ok {
				return fmt.Sprintf("[%d]", n)
			}
			return m
		})
		parts = append(parts, text)
	}
	merged.Text = strings.Join(parts, "\n")
	merged.Lang = lang
	if req.OnDelta != nil && merged.Text != "" {
		req.OnDelta(merged.Text)
	}
	return merged, nil
}

// citationMark is an answer's [n].
var citationMark = regexp.MustCompile(`\[\d+\]`)
