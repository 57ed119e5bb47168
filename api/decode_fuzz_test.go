package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/rag"
)

// The request decoders are fuzzed for what a client must always get: no panic, and either a
// value or a 4xx error with a short one-line message in the API's shape. Run one for longer
// with e.g. go test ./api -run '^$' -fuzz FuzzDecodeAsk -fuzztime 10m -parallel 1.

// decodeBody runs decode[T] on body as a handler would, behind the question body limit.
func decodeBody[T any](t *testing.T, body []byte) (T, error) {
	r := httptest.NewRequest("POST", "/v1/ask", bytes.NewReader(body))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, DefaultMaxQuestionBytes)
	return decode[T](r)
}

// checkClientError fails unless err is what a client may be shown.
func checkClientError(t *testing.T, body []byte, err error) {
	t.Helper()
	var apiErr *apiError
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		if len(body) <= DefaultMaxQuestionBytes {
			t.Fatalf("too_large for a %d-byte body", len(body))
		}
		return
	case !errors.As(err, &apiErr):
		t.Fatalf("error %T %v is not an *apiError", err, err)
	}
	if apiErr.Status != 400 || apiErr.Code == "" {
		t.Fatalf("error %+v: want a 400 with a code", apiErr)
	}
	if m := apiErr.Message; m == "" || !utf8.ValidString(m) || strings.ContainsAny(m, "\n\r") || utf8.RuneCountInString(m) > 300 {
		t.Fatalf("message %q: want one short line of UTF-8", m)
	}
}

func askSeeds(f *testing.F) {
	for _, s := range []string{
		`{"question":"数字化转型的失败率是多少"}`,
		`{"question":"那广东呢?","conversation_id":"c-1","k":5,"stream":true}`,
		`{"question":"x","k":5.5}`, `{"question":"x","k":"5"}`, `{"question":"x","k":1e400}`,
		`{"question":"x","k":-99999999999999999999}`, `{"question":"x","conversation_id":"a\u0000b"}`,
		`{"question":"\ud800"}`, `{"question":null}`, `[]`, `"x"`, `{} {}`, `{"question":"x"`, ``,
		`{"question":{"nested":[1,2,{"a":true}]}}`, "\xef\xbb\xbf{}", `{"k":51}`,
	} {
		f.Add([]byte(s))
	}
}

func FuzzDecodeAsk(f *testing.F) {
	askSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeBody[askRequest](t, body)
		if err == nil {
			err = in.validate()
		}
		if err != nil {
			checkClientError(t, body, err)
			return
		}
		if in.K < 0 || in.K > maxK || len(in.ConversationID) > maxConversationID {
			t.Fatalf("validated request out of bounds: %+v", in)
		}
		id := storedConversation("kabc", in.ConversationID)
		if !strings.HasSuffix(id, "@http:kabc") || rag.IsTransient(id) != rag.IsTransient(in.ConversationID) {
			t.Fatalf("stored id %q for %q", id, in.ConversationID)
		}
	})
}

func FuzzDecodeSearch(f *testing.F) {
	for _, s := range []string{`{"query":"数字疗法","k":3}`, `{"query":["a"]}`, `{"query":"a","k":5.5}`, `{"k":true}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := decodeBody[searchRequest](t, body); err != nil {
			checkClientError(t, body, err)
		}
	})
}

func FuzzDecodeChat(f *testing.F) {
	for _, s := range []string{
		`{"model":"wenda","messages":[{"role":"user","content":"数字疗法是什么?"}]}`,
		`{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":[{"type":"text","text":"c"},{"type":"image_url","image_url":{"url":"x"}}]}],"stream":true}`,
		`{"messages":[{"role":"user","content":null}]}`, `{"messages":[{"role":"user","content":7}]}`,
		`{"messages":[{"role":"user","content":[1]}]}`, `{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}`,
		`{"messages":{}}`, `{"messages":[null]}`, `{"messages":[{"role":"user","content":"\u0000"}],"temperature":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeBody[chatRequest](t, body)
		if err != nil {
			checkClientError(t, body, err)
			return
		}
		history, question, err := conversation(in.Messages)
		if err != nil {
			checkClientError(t, body, err)
			return
		}
		if len(history) > rag.MaxTurns {
			t.Fatalf("%d turns of history, want at most %d", len(history), rag.MaxTurns)
		}
		last := -1
		for i, m := range in.Messages {
			if m.Role == "user" {
				last = i
			}
		}
		if last < 0 || question != string(in.Messages[last].Content) {
			t.Fatalf("question %q is not the last user message", question)
		}
	})
}
