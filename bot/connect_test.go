package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestConnectRetriesUntilTelegramAnswers: getMe fails three times (a proxy's 502), then
// succeeds; the bot logs each failure once with its next delay, connects and answers.
func TestConnectRetriesUntilTelegramAnswers(t *testing.T) {
	var logs syncBuffer
	api := newFakeAPI(t)
	for range 3 {
		api.failNext("getMe", http.StatusBadGateway, "Bad Gateway", 0)
	}
	h := runBot(t, api, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h.api.push(private(5, "问题"))
	h.api.waitFor("the answer after reconnecting", wait, hasText("答:问题"))
	if s := h.bot.State(); s != StateConnected {
		t.Errorf("state %q after answering, want %q", s, StateConnected)
	}
	if n := api.getMeCount(); n != 4 {
		t.Errorf("%d getMe calls, want 4 (3 failed, 1 answered)", n)
	}
	if h.bot.Username() != "wenda_test_bot" {
		t.Errorf("username %q after connecting", h.bot.Username())
	}
	out := logs.String()
	if n := strings.Count(out, "cannot connect; retrying"); n != 3 {
		t.Errorf("%d retry lines, want one per failed attempt (3):\n%s", n, out)
	}
	if n := strings.Count(out, "retry_in="); n != 3 {
		t.Errorf("%d lines give the next delay, want 3:\n%s", n, out)
	}
	if strings.Contains(out, "telegram: telegram:") || strings.Contains(out, testToken) {
		t.Errorf("a doubled prefix or the token in the log:\n%s", out)
	}
	if n := strings.Count(out, "telegram bot connected"); n != 1 {
		t.Errorf("%d connected lines, want 1:\n%s", n, out)
	}
}

// TestConnectBackoff reads the delays from the retry lines: each is in the upper half of a
// delay that starts at RetryMin and doubles up to RetryMax.
func TestConnectBackoff(t *testing.T) {
	t.Parallel() // mostly waiting; parallel tests start after the serial ones, TestStopLeavesNoGoroutines too
	const lo, hi = 10 * time.Millisecond, 80 * time.Millisecond
	var logs syncBuffer
	api := newFakeAPI(t)
	for range 6 {
		api.failNext("getMe", http.StatusInternalServerError, "Internal Server Error", 0)
	}
	h := runBot(t, api, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), RetryMin: lo, RetryMax: hi})
	waitState(t, h.bot, StateConnected, wait)
	var got []time.Duration
	for _, m := range regexp.MustCompile(`retry_in=(\S+)`).FindAllStringSubmatch(logs.String(), -1) {
		d, err := time.ParseDuration(m[1])
		if err != nil {
			t.Fatalf("retry_in=%s: %v", m[1], err)
		}
		got = append(got, d)
	}
	want := []time.Duration{10, 20, 40, 80, 80, 80}
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %d of them", got, len(want))
	}
	for i, w := range want {
		w *= time.Millisecond
		// The log rounds to the millisecond.
		if got[i] < w/2-time.Millisecond || got[i] > w+time.Millisecond {
			t.Errorf("delay %d = %v, want within [%v, %v]", i+1, got[i], w/2, w)
		}
	}
}

func TestJitter(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 5 * time.Minute, 3} {
		seen := map[time.Duration]bool{}
		for range 200 {
			j := jitter(d)
			if j < d/2 || j > d {
				t.Fatalf("jitter(%v) = %v, want within [%v, %v]", d, j, d/2, d)
			}
			seen[j] = true
		}
		if len(seen) < 2 {
			t.Errorf("jitter(%v) gave one value 200 times", d)
		}
	}
}

// TestConnectHonoursRetryAfter: a 429 on getMe is waited out even when the backoff is shorter.
func TestConnectHonoursRetryAfter(t *testing.T) {
	t.Parallel() // mostly waiting; parallel tests start after the serial ones, TestStopLeavesNoGoroutines too
	const unit = 100 * time.Millisecond
	api := newFakeAPI(t)
	api.failNext("getMe", http.StatusTooManyRequests, "Too Many Requests: retry after 2", 2)
	start := time.Now()
	h := runBot(t, api, Options{retryAfterUnit: unit})
	waitState(t, h.bot, StateConnected, wait)
	if d := time.Since(start); d < 2*unit {
		t.Errorf("connected %v after a 429 asking for %v", d, 2*unit)
	}
}

// TestUnauthorizedStopsRetrying: Telegram's 401 is final: Run returns ErrUnauthorized after
// one attempt and says so in State.
func TestUnauthorizedStopsRetrying(t *testing.T) {
	var logs syncBuffer
	api := newFakeAPI(t)
	b, err := New(testOptions(api, Options{Token: "999:not-the-token", Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	if err != nil {
		t.Fatal(err)
	}
	err = runUntilItStops(t, b, "Run still retrying a refused token")
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("Run = %v, want ErrUnauthorized", err)
	}
	if s := b.State(); s != StateUnauthorized {
		t.Errorf("state %q, want %q", s, StateUnauthorized)
	}
	if n := api.getMeCount(); n != 1 {
		t.Errorf("%d getMe calls, want 1", n)
	}
	if out := logs.String(); strings.Contains(out, "retrying") || strings.Contains(out, "999:not-the-token") {
		t.Errorf("log retries or shows the token:\n%s", out)
	}
}

// TestUnauthorizedWhilePolling: a token revoked while the bot runs stops it too.
func TestUnauthorizedWhilePolling(t *testing.T) {
	api := newFakeAPI(t)
	api.failNext("getUpdates", http.StatusUnauthorized, "Unauthorized", 0)
	b, err := New(testOptions(api, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	err = runUntilItStops(t, b, "Run still polling with a refused token")
	if !errors.Is(err, ErrUnauthorized) || b.State() != StateUnauthorized {
		t.Errorf("Run = %v, state %q; want ErrUnauthorized and %q", err, b.State(), StateUnauthorized)
	}
}

// TestWebhookBeforeConnect: the handler exists as soon as New returns and answers 503 until
// the bot has connected (and registered the webhook); then it takes updates.
func TestWebhookBeforeConnect(t *testing.T) {
	api := newFakeAPI(t)
	release := api.holdGetMe()
	h := runBot(t, api, Options{WebhookURL: "https://bot.example/telegram/webhook", WebhookSecret: "s3cret"})
	srv := httptest.NewServer(h.bot.WebhookHandler())
	defer srv.Close()
	post := func(text string) int {
		t.Helper()
		body := `{"update_id":1,"message":{"message_id":3,"from":{"id":5,"is_bot":false,"first_name":"U"},"chat":{"id":5,"type":"private"},"date":1,"text":"` + text + `"}}`
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set(SecretHeader, "s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("太早了"); code != http.StatusServiceUnavailable {
		t.Errorf("before connecting: %d, want 503", code)
	}
	if s := h.bot.State(); s != StateConnecting || h.bot.Username() != "" {
		t.Errorf("before connecting: state %q, username %q", s, h.bot.Username())
	}
	release()
	waitState(t, h.bot, StateConnected, wait)
	if len(api.sent("setWebhook")) != 1 {
		t.Errorf("connected without registering the webhook:\n%s", dumpCalls(api.sent()))
	}
	if code := post("现在呢"); code != http.StatusOK {
		t.Errorf("after connecting: %d, want 200", code)
	}
	calls := api.waitFor("the answer", wait, hasText("答:现在呢"))
	if hasText("太早了")(calls) {
		t.Errorf("the update refused with 503 was answered")
	}
}

// runUntilItStops runs b until Run returns on its own, failing with stuck if it has not within
// the tests' wait.
func runUntilItStops(t *testing.T, b *Bot, stuck string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- b.Run(context.Background()) }()
	select {
	case err := <-done:
		return err
	case <-time.After(wait):
		t.Fatal(stuck)
		return nil
	}
}
