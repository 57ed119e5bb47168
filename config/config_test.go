package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != DefaultDataDir || c.Addr != DefaultAddr || c.AnswerMode != "strict" || !c.LocalEmbeddings() ||
		c.LLMEnabled() || c.RateLimit != DefaultRateLimit || c.WatchInterval != DefaultWatchInterval ||
		c.AnswerTimeout != 60*time.Second || c.AllowPublicNoAuth || len(c.AllowedHosts) != 0 {
		t.Errorf("defaults: %+v", c)
	}
}

func TestFallbacksToOpenAIVariables(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"OPENAI_API_KEY": "sk-shared", "OPENAI_BASE_URL": "http://llm/v1",
		"WENDA_LLM_MODEL": "qwen", "WENDA_EMBED_API_KEY": "sk-embed", "WENDA_EMBED_MODEL": "bge",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM.APIKey.Reveal() != "sk-shared" || c.LLM.BaseURL != "http://llm/v1" || c.Embed.APIKey.Reveal() != "sk-embed" {
		t.Errorf("fallbacks: %#v", c)
	}
	if !c.LLMEnabled() || c.LocalEmbeddings() {
		t.Error("LLM and remote embeddings should be on")
	}
}

func TestEveryProblemReportedTogether(t *testing.T) {
	_, err := FromEnv(env(map[string]string{
		"WENDA_ADDR": "no-port", "WENDA_ANSWER_MODE": "creative", "WENDA_TELEGRAM_ALLOWED": "12,abc",
		"WENDA_RATE_LIMIT": "-3", "WENDA_WATCH_INTERVAL": "soon", "WENDA_CHUNK_SIZE": "big",
		"WENDA_TELEGRAM_API_ENDPOINT": "http://x/bot", "WENDA_LOG_LEVEL": "loud",
		"WENDA_ANSWER_TIMEOUT": "-1s", "WENDA_ALLOW_PUBLIC_NO_AUTH": "please",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"WENDA_ADDR", "WENDA_ANSWER_MODE", "WENDA_TELEGRAM_ALLOWED", "WENDA_RATE_LIMIT",
		"WENDA_WATCH_INTERVAL", "WENDA_CHUNK_SIZE", "WENDA_TELEGRAM_API_ENDPOINT", "WENDA_LOG_LEVEL",
		"WENDA_ANSWER_TIMEOUT", "WENDA_ALLOW_PUBLIC_NO_AUTH"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s:\n%v", name, err)
		}
	}
}

func TestParsesNumbersAndLists(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"WENDA_API_KEYS": " k1, k2 ,,", "WENDA_TELEGRAM_ALLOWED": "1, -1002", "WENDA_RATE_LIMIT": "0",
		"WENDA_WATCH_INTERVAL": "500ms", "WENDA_MAX_UPLOAD_BYTES": "1024",
		"WENDA_ANSWER_TIMEOUT": "90s", "WENDA_ALLOWED_HOSTS": "wenda.internal, ai.example.com", "WENDA_ALLOW_PUBLIC_NO_AUTH": "1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.APIKeys) != 2 || c.APIKeys[1].Reveal() != "k2" || len(c.TelegramAllowed) != 2 || c.TelegramAllowed[1] != -1002 ||
		c.RateLimit != 0 || c.WatchInterval != 500*time.Millisecond || c.MaxUploadBytes != 1024 ||
		c.AnswerTimeout != 90*time.Second || len(c.AllowedHosts) != 2 || c.AllowedHosts[1] != "ai.example.com" || !c.AllowPublicNoAuth {
		t.Errorf("parsed: %+v", c)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"WENDA_LLM_API_KEY": "sk-very-secret", "WENDA_LLM_MODEL": "m",
		"TELEGRAM_BOT_TOKEN": "123:tok-secret", "WENDA_API_KEYS": "key-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, c)
		if strings.Contains(out, "secret") {
			t.Errorf("%s leaks a secret: %s", format, out)
		}
	}
}

func TestRerankSettings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"WENDA_RERANK_BASE_URL": "http://tei:8080", "WENDA_RERANK_API_KEY": "rk-secret", "WENDA_RERANK_MODEL": "bge-reranker-v2-m3",
		"OPENAI_API_KEY": "sk-openai",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.RerankEnabled() || c.Rerank.BaseURL != "http://tei:8080" || c.Rerank.APIKey.Reveal() != "rk-secret" || c.Rerank.Model != "bge-reranker-v2-m3" {
		t.Errorf("rerank settings: %#v", c.Rerank)
	}
	if out := fmt.Sprintf("%+v %#v", c, c); strings.Contains(out, "rk-secret") {
		t.Errorf("the rerank key prints: %s", out)
	}
	// Unset means no reranker, and the OpenAI key is not borrowed for it.
	c, err = FromEnv(env(map[string]string{"OPENAI_API_KEY": "sk-openai", "OPENAI_BASE_URL": "http://llm/v1"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RerankEnabled() || c.Rerank != (Endpoint{}) {
		t.Errorf("reranker on without WENDA_RERANK_BASE_URL: %#v", c.Rerank)
	}
	for name, e := range map[string]map[string]string{
		"model without URL":  {"WENDA_RERANK_MODEL": "jina-reranker-v2-base-multilingual"},
		"key without URL":    {"WENDA_RERANK_API_KEY": "rk"},
		"no scheme":          {"WENDA_RERANK_BASE_URL": "tei:8080"},
		"other scheme":       {"WENDA_RERANK_BASE_URL": "ftp://host/v1"},
		"no host":            {"WENDA_RERANK_BASE_URL": "http:///v1"},
		"password is hidden": {"WENDA_RERANK_BASE_URL": "ftp://user:hunter2@host/v1"},
	} {
		_, err := FromEnv(env(e))
		if err == nil || !strings.Contains(err.Error(), "WENDA_RERANK_BASE_URL") {
			t.Errorf("%s: error %v, want one naming WENDA_RERANK_BASE_URL", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the URL's password is in the error: %v", name, err)
		}
	}
}
