package api

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag"
)

// askRequest is the body of POST /v1/ask.
type askRequest struct {
	Question       string `json:"question"`
	ConversationID string `json:"conversation_id"`
	K              int    `json:"k"`
	Stream         bool   `json:"stream"`
}

// maxK bounds how many passages one request may ask for.
const maxK = 50

// maxConversationID bounds a client-chosen conversation id.
const maxConversationID = 128

func (q askRequest) validate() error {
	if q.K < 0 || q.K > maxK {
		return errBadRequest("invalid_k", "k must be between 1 and 50 (0 or absent: the default)")
	}
	if len(q.ConversationID) > maxConversationID || !utf8.ValidString(q.ConversationID) ||
		strings.ContainsFunc(q.ConversationID, unicode.IsControl) {
		return errBadRequest("invalid_conversation_id", "conversation_id must be at most 128 bytes of UTF-8, without control characters")
	}
	return nil
}

// askResponse is the ask --json object with the conversation id always present.
type askResponse struct {
	*rag.Answer
	ConversationID string `json:"conversation_id"`
}

func handleAsk(asker rag.Asker, m *Metrics, limits Limits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := decode[askRequest](r)
		if err == nil {
			err = in.validate()
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		conv := in.ConversationID
		if conv == "" {
			// So that the client can follow up; kept in memory for a while, never on disk.
			conv = rag.NewTransientID()
		}
		req := rag.AskRequest{Question: in.Question, ConversationID: storedConversation(requestFrom(r.Context()).scope, conv), K: in.K}
		ctx, cancel := context.WithTimeout(r.Context(), limits.AnswerTimeout)
		defer cancel()
		if !in.Stream {
			setWriteDeadline(w, limits.WriteTimeout)
			ans, err := ask(ctx, asker, m, req)
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, r, askResponse{ans, conv})
			return
		}
		sse := newSSEWriter(w, limits.StreamIdleTimeout)
		req.OnDelta = func(d string) { _ = sse.event("delta", deltaEvent{d}) }
		stopKeepAlive := sse.keepAlive(limits.KeepAlive)
		ans, err := ask(ctx, asker, m, req)
		stopKeepAlive()
		switch {
		case err != nil && !sse.hasStarted():
			writeError(w, r, err)
		case err != nil:
			e := toAPIError(r.Context(), err)
			_ = sse.event("error", errorBody{e})
		default:
			_ = sse.event("done", askResponse{ans, conv})
		}
	})
}

// storedConversation is the id a conversation is stored under: the client's id, in the HTTP
// API's namespace and the key's scope. Two keys using the same id ("alice") get two
// conversations, and no HTTP client reaches a Telegram chat's ("tg:…"). The scope comes last
// and holds no "@", so distinct (id, scope) pairs never meet; the transient prefix stays first.
func storedConversation(scope, id string) string {
	if scope == "" {
		return id + "@http"
	}
	return id + "@http:" + scope
}

type deltaEvent struct {
	Text string `json:"text"`
}

// ask runs one question and records its stages: retrieve (measured inside the retriever when
// it is wrapped by Metrics.TimeRetriever) and generate (the rest of Ask).
func ask(ctx context.Context, asker rag.Asker, m *Metrics, req rag.AskRequest) (*rag.Answer, error) {
	st := &stageTimes{}
	requestFrom(ctx).stages = st
	start := time.Now()
	ans, err := asker.Ask(ctx, req)
	total := time.Since(start)
	if err == nil || !rag.IsBadQuestion(err) {
		m.ObserveStage("generate", total-time.Duration(st.retrieve.Load()))
	}
	if err == nil && ans.Degraded {
		m.LLMError()
	}
	return ans, err
}

// searchRequest is the body of POST /v1/search.
type searchRequest struct {
	Query string `json:"query"`
	K     int    `json:"k"`
}

func handleSearch(searcher rag.Retriever) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := decode[searchRequest](r)
		if err == nil && (in.K < 0 || in.K > maxK) {
			err = errBadRequest("invalid_k", "k must be between 1 and 50 (0 or absent: 5)")
		}
		if err == nil && utf8.RuneCountInString(in.Query) > rag.MaxQuestionRunes {
			err = rag.ErrQuestionTooLong
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		k := in.K
		if k == 0 {
			k = 5
		}
		passages, err := searcher.Retrieve(r.Context(), in.Query, k)
		if err != nil {
			writeError(w, r, err)
			return
		}
		_ = encode(w, http.StatusOK, rag.Hits(passages))
	})
}

// writeJSON writes a 200 answer. Past the write deadline the client gets nothing, so the log
// line must not pass for a success.
func writeJSON[T any](w http.ResponseWriter, r *http.Request, v T) {
	if err := encode(w, http.StatusOK, v); err != nil {
		loggerFrom(r.Context()).Warn("the response could not be written", "err", err)
	}
}

// setWriteDeadline bounds writing a plain response. The server has no global WriteTimeout, which
// would cut long streams.
func setWriteDeadline(w http.ResponseWriter, d time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}
