package rag

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
)

// This file is the LLM answerer. The engine calls it only after evidence.go has decided that
// the documents answer the question (or, in AnswerOpen mode, to answer from general knowledge),
// so the model is never asked to improvise an answer the documents cannot support.

// Answer modes, for Engine.AnswerMode.
const (
	// AnswerStrict answers only from the documents; a question they do not answer gets the
	// no-answer message and related passages, without asking the model. The default.
	AnswerStrict = "strict"
	// AnswerOpen lets the model answer such a question from general knowledge, behind a label
	// that says so; the answer still counts as abstained.
	AnswerOpen = "open"
)

// DefaultContextRunes bounds the context blocks given to the model, headers included, in runes.
// Current tokenizers spend about one token per 1 to 1.5 Han characters and per 4 Latin
// characters, so 6,000 runes is at most about 6,000 tokens: with the prompt and a reply it fits
// an 8k-token window.
const DefaultContextRunes = 6000

const (
	// minBlockRunes: a block cut shorter than this says too little to be worth its header, so
	// the blocks after it are dropped instead.
	minBlockRunes = 200
	// blockHeaderRunes estimates a block's fixed framing: its delimiter lines and header labels.
	blockHeaderRunes = 24
	// generateTimeout bounds the model's part of an answer for a ChatModel that does not bound
	// itself; OpenAIChat does, with OpenAIOptions.ReplyTimeout (45 s by default).
	generateTimeout = 2 * time.Minute
	// fallbackReserve is how long before the asker's deadline the model's ends, leaving time
	// for the extractive fallback (about 20 ms at 10k chunks, BenchmarkAskLLMOverhead) and for
	// the front end to send it. With less than this left the model is not asked.
	fallbackReserve = 2 * time.Second
	// maxCiteRunes is the longest citation marker the filter holds back while reading it,
	// "[1, 2, 3]" and the like; a longer bracket is text.
	maxCiteRunes = 24
)

// generation is one question for the LLM answerer.
type generation struct {
	question string // as the model should read it: the standalone query for a follow-up
	lang     prompts.Lang
	passages []Passage // retrieved, best first
	// open asks for an answer from general knowledge: the documents do not answer the question.
	open    bool
	onDelta func(string)
	// fallback is the extractive answer, given (marked Degraded) when the model fails.
	fallback func() *Answer
}

// generate has the model write the answer and checks its citations; see replyFilter. On any
// model failure it returns g.fallback() marked Degraded. It returns an error only when ctx
// itself ends or a prompt fails to render.
func (e *Engine) generate(ctx context.Context, g generation) (*Answer, error) {
	log := e.logger()
	sysName, userName := "llm_system", "llm_user"
	var blocks []prompts.Block
	if g.open {
		sysName, userName = "llm_open_system", "llm_open_user"
	} else {
		budget := e.ContextRunes
		if budget <= 0 {
			budget = DefaultContextRunes
		}
		blocks = contextBlocks(g.passages, budget)
	}
	system, err := prompts.Render(g.lang, sysName, nil)
	if err != nil {
		return nil, err
	}
	user, err := prompts.Render(g.lang, userName, map[string]any{"Question": g.question, "Blocks": blocks})
	if err != nil {
		return nil, err
	}
	f := &replyFilter{blocks: len(blocks), renum: map[int]int{}}
	if g.open {
		label, err := prompts.Render(g.lang, "general_knowledge_label", nil)
		if err != nil {
			return nil, err
		}
		f.prefix = label + "\n"
	} else {
		if f.noAnswerText, err = prompts.Render(g.lang, "no_answer", nil); err != nil {
			return nil, err
		}
		f.marker = prompts.NoAnswerMarker
	}

	streamed := false
	var onDelta func(string)
	if g.onDelta != nil {
		// Each delta is filtered and passed on at once; the filter holds back only what may be
		// the start of the no-answer marker or an unfinished [n], a few runes at most.
		onDelta = func(d string) {
			if out := f.write(d); out != "" {
				streamed = true
				g.onDelta(out)
			}
		}
	}
	log.Debug("asking the model", "system", system, "user", user, "blocks", len(blocks), "open", g.open)
	gctx, cancel, err := modelContext(ctx)
	defer cancel()
	start := time.Now()
	var reply string
	if err == nil {
		reply, err = e.Generator.Complete(gctx, []ChatMessage{{Role: "system", Content: system}, {Role: "user", Content: user}}, onDelta)
	}
	if err == nil {
		if onDelta == nil {
			f.write(reply)
		}
		if tail := f.close(); tail != "" && g.onDelta != nil {
			g.onDelta(tail)
		}
		if strings.TrimSpace(strings.TrimPrefix(f.out.String(), f.prefix)) == "" {
			err = errors.New("the reply is empty once its citations are checked")
		}
	}
	fallBack := func(err error, unsupported []string) (*Answer, error) {
		if ctx.Err() != nil {
			return nil, ctx.Err() // the asker gave up; there is no one to fall back for
		}
		log.Warn("LLM answer failed; giving the extractive answer instead", "err", err, "streamed", streamed, "elapsed", time.Since(start))
		ans := g.fallback()
		ans.Degraded = true
		ans.Unsupported = unsupported
		ans.Lang = string(g.lang)
		if g.onDelta != nil && ans.Text != "" {
			if streamed {
				// What was streamed is cut off; the whole fallback follows it. Front ends that
				// can replace the streamed text with Answer.Text do so.
				g.onDelta("\n\n" + ans.Text)
			} else {
				g.onDelta(ans.Text)
			}
		}
		return ans, nil
	}
	if err != nil {
		return fallBack(err, nil)
	}

	ans := &Answer{Text: f.out.String(), Lang: string(g.lang), Sources: make([]Source, 0, len(f.order))}
	for i, n := range f.order {
		ans.Sources = append(ans.Sources, SourceOf(i+1, g.passages[n-1]))
	}
	if !f.noAnswer && strings.Contains(ans.Text, prompts.NoAnswerMarker) {
		// The model wrote the marker later than its first line; the deltas showed it as is.
		ans.Text = strings.ReplaceAll(ans.Text, prompts.NoAnswerMarker, f.noAnswerText)
		f.noAnswer = true
	}
	if !g.open {
		// A general-knowledge answer cites nothing and is labelled as such; any other answer's
		// numbers, dates, URLs and names must be in the passages it cites.
		from := 0
		if f.noAnswer && strings.HasPrefix(ans.Text, f.noAnswerText) {
			from = utf8.RuneCountInString(f.noAnswerText)
		}
		if chk := checkSupport(ans.Text, from, ans.Sources); len(chk.unsupported) > 0 {
			ans.Unsupported = chk.spans()
			strict := e.AnswerMode != AnswerOpen
			log.Warn("the model's answer states specifics no cited passage does", "count", len(ans.Unsupported), "dropping", strict)
			log.Debug("unsupported specifics", "spans", ans.Unsupported)
			if strict && chk.dropped {
				// After the no-answer message (from > 0) an empty rest leaves that message.
				if from == 0 && strings.TrimSpace(chk.text) == "" {
					return fallBack(errors.New("nothing is left of the reply once its unsupported sentences are dropped"), ans.Unsupported)
				}
				ans.Text, ans.Sources = chk.text, chk.sources
				if streamed {
					// The stream showed the sentences now dropped; the checked text follows,
					// as a fallback would (AskRequest.OnDelta).
					g.onDelta("\n\n" + ans.Text)
				}
			}
		}
	}
	switch {
	case g.open, f.noAnswer:
		ans.Abstained = true
	case len(ans.Sources) == 0:
		ans.Uncited = true
		log.Warn("the model's answer cites no passage", "blocks", len(blocks))
	}
	log.Debug("the model answered", "answer", ans.Text, "cited", len(f.order), "abstained", ans.Abstained, "elapsed", time.Since(start))
	return ans, nil
}

// errNoTimeForModel skips the model when the asker's deadline is too close to wait for it.
var errNoTimeForModel = errors.New("too little time left before the deadline to ask the model")

// modelContext bounds the model's part of an answer: it ends fallbackReserve before ctx does, so
// that a hanging or slow model still leaves time for the fallback, and at the latest
// generateTimeout from now. It returns errNoTimeForModel when ctx has no more than
// fallbackReserve left.
func modelContext(ctx context.Context) (context.Context, context.CancelFunc, error) {
	deadline := time.Now().Add(generateTimeout)
	if d, ok := ctx.Deadline(); ok {
		if time.Until(d) <= fallbackReserve {
			return ctx, func() {}, errNoTimeForModel
		}
		if d = d.Add(-fallbackReserve); d.Before(deadline) {
			deadline = d
		}
	}
	gctx, cancel := context.WithDeadline(ctx, deadline)
	return gctx, cancel, nil
}

// contextBlocks numbers the passages as context blocks, best first, within budget runes: a
// block longer than half the budget is cut to that, and once the budget cannot hold another
// block the lower-ranked passages are dropped. Block n is passages[n-1].
func contextBlocks(passages []Passage, budget int) []prompts.Block {
	perBlock := max(budget/2, minBlockRunes)
	left := budget
	var blocks []prompts.Block
	for _, p := range passages {
		header := blockHeaderRunes + utf8.RuneCountInString(p.Title) + utf8.RuneCountInString(p.Source)
		for _, s := range p.Chunk.Section {
			header += utf8.RuneCountInString(s) + 3
		}
		text := p.Chunk.Text
		n := utf8.RuneCountInString(text)
		room := min(left-header, perBlock)
		if room < min(n, minBlockRunes) {
			break
		}
		if n > room {
			text = string([]rune(text)[:room-1]) + "…"
			n = room
		}
		blocks = append(blocks, prompts.Block{
			N: len(blocks) + 1, Title: p.Title, Source: p.Source, Section: p.Chunk.Section, Page: p.Chunk.Page, Text: text,
		})
		left -= header + n
	}
	return blocks
}

// replyFilter checks a model's reply as it streams. It
//   - replaces prompts.NoAnswerMarker at the start of the reply with the no-answer message;
//   - keeps [n] markers that name a supplied block (1..blocks), renumbered in order of first
//     citation so that the answer's sources are 1..m; "[1, 3]", "[1-2]" and "【1】" are
//     normalised to "[1][3]"; markers naming no block are removed with the space before them;
//   - drops leading and trailing white space.
//
// It holds back text only while it may still turn out to be the marker (the first few runes)
// or an unfinished citation (at most maxCiteRunes), so the concatenation of what write and
// close return is the final text, and each delta is passed on as soon as it is unambiguous.
type replyFilter struct {
	blocks       int
	marker       string // recognised at the very start; "" for none
	noAnswerText string // replaces marker
	prefix       string // written before the first text (the general-knowledge label)

	head     strings.Builder // the start, held while it may be the marker
	started  bool
	prefixed bool
	noAnswer bool
	skipLead bool   // after the marker: drop white space and a colon, then start a new line
	cite     []rune // an open citation being read: "[12, 3"
	space    []rune // white space held until text follows it

	order []int       // supplied block numbers, in order of first citation
	renum map[int]int // supplied block number → its number in the answer
	out   strings.Builder
}

// write takes the next piece of the reply and returns the text that can be passed on now.
func (f *replyFilter) write(s string) string {
	var b strings.Builder
	if !f.started {
		f.head.WriteString(s)
		h := strings.TrimLeftFunc(f.head.String(), unicode.IsSpace)
		if h == "" || (f.marker != "" && len(h) < len(f.marker) && strings.HasPrefix(f.marker, h)) {
			return ""
		}
		f.started = true
		if f.marker != "" && strings.HasPrefix(h, f.marker) {
			f.noAnswer = true
			f.put(&b, f.noAnswerText)
			f.skipLead = true
			h = h[len(f.marker):]
		}
		s = h
	}
	for _, r := range s {
		f.rune(&b, r)
	}
	f.out.WriteString(b.String())
	return b.String()
}

// close ends the reply and returns the text still held back.
func (f *replyFilter) close() string {
	var b strings.Builder
	if !f.started {
		f.started = true
		for _, r := range strings.TrimLeftFunc(f.head.String(), unicode.IsSpace) {
			f.rune(&b, r)
		}
	}
	if f.cite != nil {
		f.literalCite(&b, "")
	}
	f.space = f.space[:0]
	f.out.WriteString(b.String())
	return b.String()
}

func (f *replyFilter) put(b *strings.Builder, s string) {
	if !f.prefixed {
		f.prefixed = true
		b.WriteString(f.prefix)
	}
	b.WriteString(s)
}

func (f *replyFilter) rune(b *strings.Builder, r rune) {
	if f.skipLead {
		if unicode.IsSpace(r) || r == ':' || r == '：' {
			return
		}
		f.skipLead = false
		f.space = append(f.space[:0], '\n')
	}
	if f.cite != nil {
		switch {
		case r == ']' && f.cite[0] == '[', r == '】' && f.cite[0] == '【':
			f.closeCite(b, r)
			return
		case len(f.cite) < maxCiteRunes && (r >= '0' && r <= '9' || strings.ContainsRune(", ，、-–", r)):
			f.cite = append(f.cite, r)
			return
		}
		f.literalCite(b, "")
	}
	switch {
	case r == '[' || r == '【':
		f.cite = []rune{r}
	case unicode.IsSpace(r):
		f.space = append(f.space, r)
	default:
		f.put(b, string(f.space)+string(r))
		f.space = f.space[:0]
	}
}

// literalCite writes an open bracket that turned out not to be a citation as the text it is.
func (f *replyFilter) literalCite(b *strings.Builder, closer string) {
	f.put(b, string(f.space)+string(f.cite)+closer)
	f.space, f.cite = f.space[:0], nil
}

func (f *replyFilter) closeCite(b *strings.Builder, closer rune) {
	nums, ok := parseCitation(string(f.cite[1:]))
	if !ok {
		f.literalCite(b, string(closer))
		return
	}
	var repl strings.Builder
	seen := map[int]bool{}
	for _, n := range nums {
		if n < 1 || n > f.blocks {
			continue
		}
		m, ok := f.renum[n]
		if !ok {
			f.order = append(f.order, n)
			m = len(f.order)
			f.renum[n] = m
		}
		if !seen[m] {
			seen[m] = true
			repl.WriteString("[" + strconv.Itoa(m) + "]")
		}
	}
	if repl.Len() > 0 {
		f.put(b, string(f.space)+repl.String())
	}
	// A removed marker takes the space before it along: "80% [9]。" becomes "80%。".
	f.space, f.cite = f.space[:0], nil
}

// parseCitation reads the inside of a citation: numbers separated by commas, "、" or spaces,
// and short ranges "1-3". It reports false for anything else ("", "-", "1-").
func parseCitation(s string) ([]int, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(", ，、", r) })
	if len(fields) == 0 {
		return nil, false
	}
	var nums []int
	for _, f := range fields {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(f, "–", "-"), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, false
		}
		if !isRange {
			nums = append(nums, a)
			continue
		}
		b, err := strconv.Atoi(hi)
		if err != nil {
			return nil, false
		}
		if b < a || b-a > 20 {
			continue // not a range of block numbers; it cites nothing
		}
		for n := a; n <= b; n++ {
			nums = append(nums, n)
		}
	}
	return nums, true
}
