package main

import (
	"strings"
	"testing"

	"github.com/wenda-dev/wenda/internal/tgemulator"
)

// TestServeTelegram runs the real `wenda serve` with the Telegram bot pointed at the
// telegram-test-api emulator and chats with it: /start, a question about the sample knowledge
// base with its source, a follow-up, the headline question (no invented plan) and a user
// outside the allowlist. (bot/emulator_test.go covers the rest of the scenario: /sources, /new
// and an answer long enough to split.)
func TestServeTelegram(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	const token = "4242:serve-e2e"
	emu := tgemulator.Start(t, "../../tests/telegram-e2e", token)
	base := startServe(t, sampleDir, map[string]string{
		"TELEGRAM_BOT_TOKEN":          token,
		"WENDA_TELEGRAM_API_ENDPOINT": emu.Endpoint(),
		"WENDA_TELEGRAM_ALLOWED":      "1",
	})
	waitFor(t, base+"/readyz")

	const user, stranger = 1, 2
	steps := []struct {
		say     string
		want    []string
		wantNot []string
	}{
		{say: "/start", want: []string{"数字化转型与数字疗法"}},
		{say: "数字化转型的失败率是多少?", want: []string{"80%", "[1]", "来源"}},
		{say: "那中国企业呢?", want: []string{"90%"}},
		{say: "盛世笔特是否计划整合先进的数字化智能化技术,比如大数据分析、人工智能等,以支持更智能化城市规划展示决策?",
			want: []string{"盛世笔特", "没有"}, wantNot: []string{"盛世笔特计划", "盛世笔特将"}},
	}
	for _, s := range steps {
		before := len(emu.Replies(user))
		emu.Say(user, s.say)
		var text strings.Builder
		for _, m := range emu.Await(user, before, 1, s.say) {
			text.WriteString(m.Text)
		}
		for _, w := range s.want {
			if !strings.Contains(text.String(), w) {
				t.Errorf("%s: reply lacks %q:\n%s", s.say, w, text.String())
			}
		}
		for _, w := range s.wantNot {
			if strings.Contains(text.String(), w) {
				t.Errorf("%s: reply says %q:\n%s", s.say, w, text.String())
			}
		}
	}
	emu.Say(stranger, "你好")
	refusal := emu.Await(stranger, 0, 1, "a stranger's message")
	if strings.Contains(refusal[0].Text, "[1]") {
		t.Errorf("a user outside the allowlist got an answer: %s", refusal[0].Text)
	}
}
