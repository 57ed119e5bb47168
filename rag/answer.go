package rag

import "context"

// AskRequest is one question to the pipeline.
type AskRequest struct {
	Question string
	// ConversationID names a conversation whose history is loaded, used to understand a
	// follow-up, and extended with this turn. Empty means a single question.
	ConversationID string
	// History, when set, is the conversation so far (oldest first) and replaces the stored one:
	// the OpenAI-compatible API sends the whole conversation with every request.
	History []Turn
	// K is how many passages to retrieve; 0 means the engine's default.
	K int
	// OnDelta, when set, receives the answer text as it is produced, on the goroutine that
	// called Ask, before Ask returns. Normally the concatenated deltas equal Answer.Text: an
	// LLM answer's citations are checked and renumbered as it streams (a marker is held back
	// only until its closing bracket), and an extractive answer arrives as one delta. The
	// exception: when Answer.Text is not what was streamed, it is sent as a last delta after a
	// blank line, so the deltas are the streamed text followed by Answer.Text. That happens when
	// the LLM fails after part of its answer was streamed (Ask falls back to the extractive
	// answer, Answer.Degraded), and in AnswerStrict mode when sentences with specifics no cited
	// passage states are dropped (Answer.Unsupported). Front ends that can replace what they
	// showed (an HTTP client's final event, an edited Telegram message) should always show
	// Answer.Text as the definitive text.
	OnDelta func(delta string)
}

// Turn is one question and its answer.
type Turn struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
	// Topic is the standalone question this turn continued (itself, when it stood alone).
	Topic string `json:"topic,omitempty"`
	// Abstained: the answer said the documents do not answer (what it quotes is only related).
	Abstained bool `json:"abstained,omitempty"`
}

// Answer is the pipeline's reply.
type Answer struct {
	Text string `json:"answer"`
	// Abstained is true when the knowledge base does not answer the question as asked; Text then
	// says so and may point to related passages.
	Abstained bool `json:"abstained"`
	// Degraded is true when the configured LLM failed and the extractive answer was given instead.
	Degraded bool `json:"degraded,omitempty"`
	// Uncited is true when an LLM answer that claims to answer the question cites none of the
	// passages it was given: its statements may not come from the documents.
	Uncited bool `json:"uncited,omitempty"`
	// Unsupported lists the numbers, dates, URLs, e-mail addresses and names of an LLM answer
	// that none of the passages it cites states, as the model wrote them. In AnswerOpen mode
	// they stay in Text; in AnswerStrict mode the sentences holding them were dropped (with the
	// sources only they cited), or, when nothing was left, Text is the extractive answer and
	// Degraded is set.
	Unsupported []string `json:"unsupported,omitempty"`
	// Sources are the passages the answer cites, numbered as its [n] markers.
	Sources []Source `json:"sources"`
	// Query is the standalone retrieval query, when it differs from the question (a rewritten
	// follow-up).
	Query string `json:"query,omitempty"`
	// ConversationID echoes the request's conversation.
	ConversationID string `json:"conversation_id,omitempty"`
	// Lang is the language the answer is written in ("zh" or "en").
	Lang string `json:"-"`
}

// Source is one cited passage.
type Source struct {
	N       int      `json:"n"`
	DocID   string   `json:"doc_id"`
	Source  string   `json:"source"`
	Title   string   `json:"title"`
	URL     string   `json:"url,omitempty"`
	ChunkID string   `json:"chunk_id"`
	Section []string `json:"section,omitempty"`
	Page    int      `json:"page,omitempty"`
	Text    string   `json:"text"`
}

// Asker answers questions; the front ends (HTTP, Telegram) depend on this, not on Engine.
type Asker interface {
	Ask(ctx context.Context, req AskRequest) (*Answer, error)
}
