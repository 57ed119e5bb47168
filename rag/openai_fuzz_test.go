package rag

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"
)

// bodyTransport answers every request with status 200 and the same streamed body.
type bodyTransport []byte

func (b bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/event-stream"}},
		Body:    io.NopCloser(bytes.NewReader(b)),
		Request: req,
	}, nil
}

const fuzzKey = "sk-fuzz-0123456789"

// streamSeeds are the bodies FuzzChatStream starts from: OpenAI's shape, the ways a stream
// ends (finish_reason, [DONE], both, neither), error events, comments, CRLF and junk.
var streamSeeds = []string{
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"失败率超过80%[1]。\"}}]}\n\n" +
		"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
	"data: {\"choices\":[{\"delta\":{\"content\":\"cut off mid\"}}]}\n\n",
	"data: {\"choices\":[{\"delta\":{\"content\":\"no done\"},\"finish_reason\":\"stop\"}]}\n\n",
	"data: {\"choices\":[{\"delta\":{\"content\":\"done only\"}}]}\n\ndata: [DONE]\n\n",
	"data:{\"choices\":[{\"delta\":{\"content\":\"crlf\"}}]}\r\n\r\ndata:[DONE]\r\n",
	": keep-alive\n\nevent: ping\ndata: {\"choices\":[]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"length\"}]}\n\n",
	"data: {\"error\":{\"message\":\"overloaded, key " + fuzzKey + "\",\"type\":\"server_error\"}}\n\n",
	"data: {\"choices\":[{\"delta\":{\"content\":\"part\"}}]}\n\ndata: {\"error\":{\"message\":\"boom\"}}\n\n",
	"data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\ndata: [DONE]\n\n",
	"data: {\"choices\":[{\"delta\":{\"content\":\"  \"},\"finish_reason\":\"stop\"}]}\n\n",
	"data: not json\n\n",
	"{\"error\":{\"message\":\"plain json error\"}}",
	"data: {\"usage\":{\"total_tokens\":3},\"choices\":[]}\n\ndata: [DONE]",
	"",
}

// FuzzChatStream feeds arbitrary bytes to the streaming client as the body of a 200 response
// and checks Complete's contract: no panic; a reply only with no error, equal to the deltas
// joined, never blank, and only from a body that said it was finished; after a delta, only
// ErrStreamBroken or ErrEmptyCompletion; the key never in an error.
func FuzzChatStream(f *testing.F) {
	for _, s := range streamSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c := NewOpenAIChat(OpenAIOptions{
			BaseURL: "http://fake.invalid/v1", APIKey: fuzzKey, Model: "m", MaxRetries: -1,
			Timeout: 5 * time.Second, HTTPClient: &http.Client{Transport: bodyTransport(body)},
		}, 0)
		var deltas strings.Builder
		reply, err := c.Complete(context.Background(), []ChatMessage{{Role: "user", Content: "q"}},
			func(d string) {
				if d == "" {
					t.Error("empty delta")
				}
				deltas.WriteString(d)
			})
		if err != nil {
			if reply != "" {
				t.Errorf("reply %q with error %v", reply, err)
			}
			if deltas.Len() > 0 && !errors.Is(err, ErrStreamBroken) && !errors.Is(err, ErrEmptyCompletion) {
				t.Errorf("failed after %q with %v, want ErrStreamBroken", deltas.String(), err)
			}
			if strings.Contains(err.Error(), fuzzKey) {
				t.Errorf("error shows the key: %v", err)
			}
			return
		}
		if reply != deltas.String() {
			t.Errorf("reply %q, deltas joined %q", reply, deltas.String())
		}
		if strings.TrimSpace(reply) == "" {
			t.Errorf("blank reply %q without an error", reply)
		}
		if !saysFinished(body) {
			t.Errorf("reply %q accepted from a body with neither [DONE] nor finish_reason", reply)
		}
	})
}

// saysFinished reports whether a streamed body has a [DONE] line or a chunk with a
// finish_reason, decoded as go-openai decodes it (encoding/json matches keys in any case and
// reads escapes, so a byte search would not do).
func saysFinished(body []byte) bool {
	for _, line := range bytes.Split(body, []byte("\n")) {
		data, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("data:"))
		if !ok {
			continue
		}
		data = bytes.TrimSpace(data)
		if string(data) == "[DONE]" {
			return true
		}
		var chunk openai.ChatCompletionStreamResponse
		if json.Unmarshal(data, &chunk) == nil && len(chunk.Choices) > 0 && chunk.Choices[0].FinishReason != "" {
			return true
		}
	}
	return false
}
