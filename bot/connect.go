package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// State is how far the bot has got in reaching Telegram, as health reports show it.
type State string

const (
	// StateConnecting means the bot has not reached Telegram yet, or lost it while long
	// polling, and is retrying.
	StateConnecting State = "connecting"
	// StateConnected means Telegram accepted the token and the bot is receiving updates.
	StateConnected State = "connected"
	// StateUnauthorized means Telegram refused the token (401 Unauthorized): the bot has
	// stopped and does not retry, as only a new token can help.
	StateUnauthorized State = "unauthorized"
)

// ErrUnauthorized is what Run returns when Telegram refuses the bot's token.
var ErrUnauthorized = errors.New("telegram: the bot token was refused (401 Unauthorized)")

// connectTimeout bounds one attempt to connect (getMe, and setWebhook in webhook mode).
const connectTimeout = 30 * time.Second

// State reports the bot's connection to Telegram. It is safe to call at any time.
func (b *Bot) State() State { return b.state.Load().(State) }

func (b *Bot) setState(s State) { b.state.Store(s) }

// connectLoop calls connect until it succeeds, ctx ends or Telegram refuses the token. The wait
// after a failure starts at RetryMin and doubles up to RetryMax; each wait is drawn from its
// upper half, so that many instances restarted together do not retry in step. A 429's
// retry_after is waited out in full.
func (b *Bot) connectLoop(ctx context.Context) error {
	delay := b.opts.RetryMin
	for attempt := 1; ; attempt++ {
		err := b.connect(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrUnauthorized) {
			b.setState(StateUnauthorized)
			return err
		}
		wait := jitter(delay)
		if d := b.retryAfter(err); d > wait {
			wait = d
		}
		b.log.Warn("telegram: cannot connect; retrying", "attempt", attempt, "err", err, "retry_in", wait.Round(time.Millisecond))
		if sleep(ctx, wait) != nil {
			return ctx.Err()
		}
		delay = min(2*delay, b.opts.RetryMax)
	}
}

// jitter returns a wait drawn evenly from [d/2, d].
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d-d/2+1)
}

// connect makes one attempt to reach Telegram: getMe checks the token and names the bot; in
// webhook mode setWebhook then registers the URL. On success the bot is connected: the
// webhook handler accepts updates from then on.
func (b *Bot) connect(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(b.opts.Token, b.opts.Endpoint,
		&transport{ctx: ctx, client: b.client, token: b.opts.Token})
	if err != nil {
		return connectError("getMe", err, b.opts.Token)
	}
	if b.opts.WebhookURL != "" {
		if err := b.setWebhook(api); err != nil {
			return connectError("setWebhook", err, b.opts.Token)
		}
	}
	api.Client = b.tr // from now on calls end with the bot's life, not this attempt
	b.api, b.base, b.self = api, api, api.Self
	b.log = b.log.With("bot", api.Self.UserName)
	b.connected.Store(true) // after the fields above: readers check it first
	b.setState(StateConnected)
	b.log.Info("telegram bot connected", "webhook", b.opts.WebhookURL != "",
		"allowlist", len(b.opts.Allowed), "admins", len(b.opts.Admins))
	return nil
}

// connectError names the failed call, keeps what callers branch on (a 429's retry_after) and
// turns a 401 into ErrUnauthorized.
func connectError(method string, err error, token string) error {
	if isUnauthorized(err) {
		return ErrUnauthorized
	}
	return fmt.Errorf("%s: %w", method, scrub(err, token))
}

// isUnauthorized reports Telegram's answer to a token it does not know.
func isUnauthorized(err error) bool {
	e, ok := apiError(err)
	return ok && e.Code == http.StatusUnauthorized
}

// setWebhook registers the webhook URL and its secret with Telegram.
func (b *Bot) setWebhook(api telegram) error {
	_, err := api.MakeRequest("setWebhook", tgbotapi.Params{
		"url":             b.opts.WebhookURL,
		"secret_token":    b.opts.WebhookSecret,
		"allowed_updates": `["message"]`,
	})
	return err
}
