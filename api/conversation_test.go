package api

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/wenda-dev/wenda/rag"
)

// conversationDeps is realDeps with the engine keeping conversations under a temp dir, which
// it returns.
func conversationDeps(t *testing.T) (Deps, *rag.Conversations, string) {
	t.Helper()
	d := realDeps(t)
	dir := t.TempDir()
	conv, err := rag.NewConversations(dir)
	if err != nil {
		t.Fatal(err)
	}
	d.Asker.(*rag.Engine).Conversations = conv
	return d, conv, dir
}

type askReply struct {
	Answer         string `json:"answer"`
	Query          string `json:"query"`
	ConversationID string `json:"conversation_id"`
}

// TestConversationsAreScopedByKey holds issue 11, item 8: key k2 sending k1's conversation id
// gets a conversation of its own, and no HTTP client reads a Telegram chat's history.
func TestConversationsAreScopedByKey(t *testing.T) {
	d, conv, _ := conversationDeps(t)
	d.APIKeys = []string{"k1", "k2"}
	srv := newTestServer(t, d)
	ask := func(key, id, question string) askReply {
		t.Helper()
		body := fmt.Sprintf(`{"question":%q,"conversation_id":%q}`, question, id)
		res := do(t, srv, "POST", "/v1/ask", body, "Authorization", "Bearer "+key)
		if res.status != 200 {
			t.Fatalf("ask: %d %s", res.status, res.body)
		}
		var r askReply
		if err := json.Unmarshal(res.body, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	ask("k1", "alice", "数字化转型的失败率是多少")
	// A follow-up is searched together with the earlier topic; its query shows that.
	if r := ask("k2", "alice", "那它呢?"); r.Query != "" {
		t.Errorf("k2 continued k1's conversation: query %q", r.Query)
	}
	if r := ask("k1", "alice", "那它呢?"); r.Query == "" {
		t.Error("k1 lost its own conversation")
	}
	if r := ask("k2", "alice", "那它呢?"); r.ConversationID != "alice" {
		t.Errorf("conversation_id %q, want the client's own alice", r.ConversationID)
	}

	if err := conv.Append("tg:42", rag.Turn{Question: "数字疗法是什么", Answer: "…", Topic: "数字疗法是什么"}); err != nil {
		t.Fatal(err)
	}
	if r := ask("k1", "tg:42", "那它呢?"); r.Query != "" {
		t.Errorf("an HTTP client continued a Telegram chat: query %q", r.Query)
	}
}

// TestStatelessAsksWriteNothing holds issue 11, item 9: questions without a conversation id
// leave no file behind, yet the id they are given still carries a follow-up.
func TestStatelessAsksWriteNothing(t *testing.T) {
	d, _, dir := conversationDeps(t)
	srv := newTestServer(t, d)
	var first askReply
	for i := range 30 {
		res := do(t, srv, "POST", "/v1/ask", `{"question":"数字化转型的失败率是多少"}`)
		if res.status != 200 {
			t.Fatalf("ask %d: %d %s", i, res.status, res.body)
		}
		if i == 0 {
			if err := json.Unmarshal(res.body, &first); err != nil {
				t.Fatal(err)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("30 stateless asks left %d conversation files", len(entries))
	}
	res := do(t, srv, "POST", "/v1/ask", fmt.Sprintf(`{"question":"那它呢?","conversation_id":%q}`, first.ConversationID))
	var r askReply
	if err := json.Unmarshal(res.body, &r); err != nil || r.Query == "" {
		t.Errorf("a follow-up with the server's id lost its history: %s", res.body)
	}
	// A conversation the client named is kept on disk, as before.
	do(t, srv, "POST", "/v1/ask", `{"question":"数字疗法是什么","conversation_id":"bob"}`)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files after a named conversation, want 1", len(entries))
	}
}

func TestConversationIDWithControlCharactersRefused(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	res := do(t, srv, "POST", "/v1/ask", `{"question":"数字疗法是什么","conversation_id":"a\u0000b"}`)
	if res.status != 400 || res.errorCode() != "invalid_conversation_id" {
		t.Errorf("got %d %s, want 400 invalid_conversation_id", res.status, res.body)
	}
}
