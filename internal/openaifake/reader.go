package openaifake

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Reader is a chat model that reads its context perfectly, for measuring what reaches the
// model rather than what a model makes of it. Given a labelled set (question → answers), it
// answers a request of wenda's answering prompt with the first labelled answer that one of the
// numbered context blocks holds, citing that block ("100多亿 [2]"), and with the no-answer
// marker when no block holds one or the question is not labelled answerable. It rewrites a
// follow-up (wenda's rewrite prompt) into the earlier questions shown followed by the
// follow-up, and remembers the rewrite so that the answering request that carries it is
// matched to the follow-up's labels. Serve it with New(t, WithReply(reader.Reply)).
//
// It knows wenda's prompts only by their shape (prompts/templates/llm_*.tmpl): blocks between
// "<<<文档 n" or "<<<document n" and ">>>", the question after the last "问题：" or "Question: ",
// a rewrite request ending in "改写后的问题：" or "Rewritten question:".
type Reader struct {
	labelled     map[string][]string
	translations map[string]string
	noAnswer     string

	mu       sync.Mutex
	rewrites map[string]string // a rewrite this reader wrote → the follow-up it rewrote
	records  map[string]ReaderRecord
}

// ReaderRecord is what the Reader saw of one question.
type ReaderRecord struct {
	// Calls counts the answering requests for the question.
	Calls int
	// Evidence: a context block of the last request held one of the question's labelled answers.
	Evidence bool
	// Block is the number of the block cited, 0 when the reader answered with the marker.
	Block int
}

// NewReader returns a reader of the labelled questions; answers of an unanswerable question
// are empty. noAnswerMarker is what the prompt tells the model to write when the documents do
// not answer (prompts.NoAnswerMarker; this package imports only the standard library).
func NewReader(labelled map[string][]string, noAnswerMarker string) *Reader {
	l := make(map[string][]string, len(labelled))
	for q, a := range labelled {
		l[strings.TrimSpace(q)] = a
	}
	return &Reader{labelled: l, noAnswer: noAnswerMarker, rewrites: map[string]string{}, records: map[string]ReaderRecord{}}
}

// SetTranslations gives the reader the translation of each question in another language than
// the documents', keyed by the question as asked.
func (r *Reader) SetTranslations(t map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.translations = make(map[string]string, len(t))
	for q, tr := range t {
		r.translations[strings.TrimSpace(q)] = tr
	}
}

// Record returns what the reader saw of a labelled question, and whether an answering
// request for it arrived at all.
func (r *Reader) Record(question string) (ReaderRecord, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.records[strings.TrimSpace(question)]
	return rec, ok
}

var (
	blockPattern  = regexp.MustCompile(`(?s)<<<(?:文档|document) (\d+)\n(.*?)\n>>>`)
	rewriteEnds   = []string{"改写后的问题：", "Rewritten question:"}
	translateEnds = []string{"译文：", "Translation:"}
	questionTags  = []string{"问题：", "Question: "}
	followupTags  = []string{"追问：", "Follow-up: "}
	historyTags   = []string{"用户：", "User: "}
)

// Reply answers one chat request; use it with WithReply.
func (r *Reader) Reply(req ChatRequest) string {
	user := ""
	for _, m := range req.Messages {
		if m.Role == "user" {
			user = m.Content
		}
	}
	trimmed := strings.TrimSpace(user)
	for _, end := range rewriteEnds {
		if strings.HasSuffix(trimmed, end) {
			return r.rewrite(trimmed)
		}
	}
	for _, end := range translateEnds {
		if strings.HasSuffix(trimmed, end) {
			return r.translate(strings.TrimSpace(strings.TrimSuffix(trimmed, end)))
		}
	}
	question, _ := afterTag(user, questionTags)
	question = r.labelledQuestion(question)
	reply, rec := r.noAnswer, ReaderRecord{}
	if answers := r.labelled[question]; len(answers) > 0 {
		blocks := blockPattern.FindAllStringSubmatch(user, -1)
	search:
		for _, a := range answers {
			for _, b := range blocks {
				if strings.Contains(b[2], a) {
					n, _ := strconv.Atoi(b[1])
					reply, rec = a+" ["+b[1]+"]", ReaderRecord{Evidence: true, Block: n}
					break search
				}
			}
		}
	}
	r.mu.Lock()
	rec.Calls = r.records[question].Calls + 1
	r.records[question] = rec
	r.mu.Unlock()
	return reply
}

// labelledQuestion maps the question of an answering request to the labelled question it
// came from: itself, the follow-up behind a rewrite this reader wrote, or else the longest
// labelled question it ends with (a rewrite made without the reader: earlier words, then the
// follow-up).
func (r *Reader) labelledQuestion(q string) string {
	r.mu.Lock()
	orig, ok := r.rewrites[q]
	r.mu.Unlock()
	if ok {
		return orig
	}
	if _, ok := r.labelled[q]; ok {
		return q
	}
	best := q
	for l := range r.labelled {
		if strings.HasSuffix(q, l) && (best == q || len(l) > len(best)) {
			best = l
		}
	}
	return best
}

// rewrite joins the earlier questions of a rewrite request and its follow-up.
func (r *Reader) rewrite(prompt string) string {
	var parts []string
	followup := ""
	for line := range strings.Lines(prompt) {
		line = strings.TrimSpace(line)
		for _, tag := range historyTags {
			if q, ok := strings.CutPrefix(line, tag); ok {
				parts = append(parts, q)
			}
		}
		for _, tag := range followupTags {
			if q, ok := strings.CutPrefix(line, tag); ok {
				followup = q
			}
		}
	}
	out := strings.Join(append(parts, followup), " ")
	r.mu.Lock()
	r.rewrites[out] = followup
	r.mu.Unlock()
	return out
}

// translate answers a translation request (the question after its tag, then the ending cut
// off) with the labelled translation, or the question itself when there is none.
func (r *Reader) translate(prompt string) string {
	q, ok := afterTag(prompt, questionTags)
	if !ok {
		q = prompt
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if tr, ok := r.translations[q]; ok {
		return tr
	}
	return q
}

// afterTag returns what follows the last occurrence of the first of tags that text holds.
func afterTag(text string, tags []string) (string, bool) {
	for _, tag := range tags {
		if i := strings.LastIndex(text, tag); i >= 0 {
			return strings.TrimSpace(text[i+len(tag):]), true
		}
	}
	return "", false
}
