package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/wenda-dev/wenda/rag"
)

// ModelName is the one model the OpenAI-compatible API serves.
const ModelName = "wenda"

// chatRequest is the part of an OpenAI chat completions request wenda reads. Sampling options
// (temperature, max_tokens, ...) are accepted and ignored.
type chatRequest struct {
	Model    string        `json:"model"`
	Messages []chatMessage `json:"messages"`
	Stream   bool          `json:"stream"`
}

type chatMessage struct {
	Role    string      `json:"role"`
	Content chatContent `json:"content"`
}

// chatContent is a message's content: a string, null, or an array of parts of which the
// {"type":"text","text":...} ones are read.
type chatContent string

func (c *chatContent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*c = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = chatContent(s)
		return nil
	case len(b) > 0 && b[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return errBadRequest("invalid_type", "message content parts must be objects {\"type\":\"text\",\"text\":...}")
		}
		var texts []string
		for _, p := range parts {
			if p.Type == "text" {
				texts = append(texts, p.Text)
			}
		}
		*c = chatContent(strings.Join(texts, "\n"))
		return nil
	}
	return errBadRequest("invalid_type", "message content must be a string or an array of content parts")
}

// conversation splits the messages into the history (user/assistant pairs) and the question
// (the last user message). System and tool messages are ignored: wenda's instructions are its
// own.
func conversation(msgs []chatMessage) (history []rag.Turn, question string, err error) {
	last := -1
	for i, m := range msgs {
		if m.Role == "user" {
			last = i
		}
	}
	if last < 0 {
		return nil, "", errBadRequest("invalid_messages", "messages must contain a user message")
	}
	for _, m := range msgs[last+1:] {
		if m.Role == "assistant" {
			return nil, "", errBadRequest("invalid_messages", "the last user message must come after the last assistant message")
		}
	}
	history = []rag.Turn{}
	pending := ""
	for _, m := range msgs[:last] {
		switch m.Role {
		case "user":
			pending = string(m.Content)
		case "assistant":
			if pending != "" {
				history = append(history, rag.Turn{Question: pending, Answer: string(m.Content)})
				pending = ""
			}
		}
	}
	if len(history) > rag.MaxTurns {
		history = history[len(history)-rag.MaxTurns:]
	}
	return history, string(msgs[last].Content), nil
}

// wendaExtra rides along in completions as the top-level "wenda" field, which the OpenAI
// clients ignore but keep.
type wendaExtra struct {
	Sources   []rag.Source `json:"sources"`
	Abstained bool         `json:"abstained"`
	Degraded  bool         `json:"degraded"`
	Query     string       `json:"query,omitempty"`
}

func extraOf(a *rag.Answer) *wendaExtra {
	return &wendaExtra{Sources: a.Sources, Abstained: a.Abstained, Degraded: a.Degraded, Query: a.Query}
}

type chatCompletion struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"`
	Created int64        `json:"created"`
	Model   string       `json:"model"`
	Choices []chatChoice `json:"choices"`
	Usage   *chatUsage   `json:"usage,omitempty"`
	Wenda   *wendaExtra  `json:"wenda,omitempty"`
}

type chatChoice struct {
	Index        int       `json:"index"`
	Message      *chatOut  `json:"message,omitempty"`
	Delta        *chatOut  `json:"delta,omitempty"`
	FinishReason *string   `json:"finish_reason"`
	Logprobs     *struct{} `json:"logprobs"`
}

type chatOut struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

type chatUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func handleChatCompletions(asker rag.Asker, m *Metrics, limits Limits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := decode[chatRequest](r)
		var history []rag.Turn
		var question string
		if err == nil {
			history, question, err = conversation(in.Messages)
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		if in.Model != "" && in.Model != ModelName {
			loggerFrom(r.Context()).Debug("answering for another model name", "model", sanitize(in.Model, 64))
		}
		id, created := "chatcmpl-"+randomID(12), time.Now().Unix()
		req := rag.AskRequest{Question: question, History: history}
		ctx, cancel := context.WithTimeout(r.Context(), limits.AnswerTimeout)
		defer cancel()
		if !in.Stream {
			setWriteDeadline(w, limits.WriteTimeout)
			ans, err := ask(ctx, asker, m, req)
			if err != nil {
				writeError(w, r, err)
				return
			}
			prompt := roughTokens(question)
			for _, t := range history {
				prompt += roughTokens(t.Question) + roughTokens(t.Answer)
			}
			completion := roughTokens(ans.Text)
			writeJSON(w, r, chatCompletion{
				ID: id, Object: "chat.completion", Created: created, Model: ModelName,
				Choices: []chatChoice{{Message: &chatOut{Role: "assistant", Content: &ans.Text}, FinishReason: ptr("stop")}},
				Usage:   &chatUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion},
				Wenda:   extraOf(ans),
			})
			return
		}
		sse := newSSEWriter(w, limits.StreamIdleTimeout)
		chunk := func(delta *chatOut, finish *string, extra *wendaExtra) chatCompletion {
			return chatCompletion{ID: id, Object: "chat.completion.chunk", Created: created, Model: ModelName,
				Choices: []chatChoice{{Delta: delta, FinishReason: finish}}, Wenda: extra}
		}
		first := true
		req.OnDelta = func(d string) {
			if first {
				first = false
				_ = sse.event("", chunk(&chatOut{Role: "assistant", Content: ptr("")}, nil, nil))
			}
			_ = sse.event("", chunk(&chatOut{Content: &d}, nil, nil))
		}
		stopKeepAlive := sse.keepAlive(limits.KeepAlive)
		ans, err := ask(ctx, asker, m, req)
		stopKeepAlive()
		switch {
		case err != nil && !sse.hasStarted():
			writeError(w, r, err)
			return
		case err != nil:
			// The OpenAI clients raise an API error for a data line holding "error".
			_ = sse.event("", errorBody{toAPIError(r.Context(), err)})
			return
		}
		if first {
			_ = sse.event("", chunk(&chatOut{Role: "assistant", Content: ptr("")}, nil, nil))
		}
		_ = sse.event("", chunk(&chatOut{}, ptr("stop"), extraOf(ans)))
		_ = sse.event("", "[DONE]")
	})
}

func ptr[T any](v T) *T { return &v }

// roughTokens estimates tokens for the usage field: one per CJK character, one per four other
// non-space characters. wenda's extractive answerer uses no tokens; clients only display this.
func roughTokens(s string) int {
	cjk, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			cjk++
		case !unicode.IsSpace(r):
			other++
		}
	}
	return cjk + (other+3)/4
}

// modelList is GET /v1/models.
type modelList struct {
	Object string  `json:"object"`
	Data   []model `json:"data"`
}

type model struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func handleModels() http.Handler {
	started := time.Now().Unix()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = encode(w, http.StatusOK, modelList{Object: "list", Data: []model{{ID: ModelName, Object: "model", Created: started, OwnedBy: "wenda"}}})
	})
}
