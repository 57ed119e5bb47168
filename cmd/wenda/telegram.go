package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/wenda-dev/wenda/bot"
)

// telegramWebhookPath is where wenda serve receives Telegram's updates in webhook mode.
const telegramWebhookPath = "/telegram/webhook"

// telegramRetry overrides the bot's connection backoff (zero: the bot's defaults, 1 s doubling
// to 5 minutes); tests shorten it.
var telegramRetry struct{ min, max time.Duration }

// telegramOptions builds the bot's options from the app: long polling, or a webhook when
// WENDA_TELEGRAM_WEBHOOK_URL is set (see docs/telegram.md).
func telegramOptions(a *app) bot.Options {
	opts := bot.Options{
		Token:         a.cfg.TelegramToken.Reveal(),
		Endpoint:      a.cfg.TelegramEndpoint,
		Asker:         a.engine,
		Allowed:       a.cfg.TelegramAllowed,
		Admins:        a.cfg.TelegramAdmins,
		Logger:        a.logger,
		WebhookURL:    a.cfg.TelegramWebhookURL,
		WebhookSecret: a.cfg.TelegramWebhookSecret.Reveal(),
		RetryMin:      telegramRetry.min,
		RetryMax:      telegramRetry.max,
	}
	// Interfaces get a value only when there is one: a nil pointer in an interface is not nil.
	if a.store != nil {
		opts.Library = a.store
	}
	if a.engine != nil && a.engine.Conversations != nil {
		opts.Conversations = a.engine.Conversations
	}
	if a.ingester != nil {
		opts.Ingester = a.ingester
	}
	return opts
}

// newTelegram creates the Telegram bot without reaching Telegram, and in webhook mode mounts
// its handler on mux at POST /telegram/webhook, before the server starts: the handler answers
// 503 until the bot has connected, so mux is never changed while serving. wenda serve calls it
// when TELEGRAM_BOT_TOKEN is set, then runTelegram.
func newTelegram(a *app, mux *http.ServeMux) (*bot.Bot, error) {
	opts := telegramOptions(a)
	b, err := bot.New(opts)
	if err != nil {
		return nil, err // a bug in the wiring (no asker), never the token
	}
	if opts.WebhookURL != "" {
		mux.Handle("POST "+telegramWebhookPath, b.WebhookHandler())
	}
	return b, nil
}

// runTelegram runs the bot until ctx ends: it connects (retrying while Telegram cannot be
// reached; the HTTP API serves meanwhile), then answers, and after ctx ends drains queued
// answers before returning. A token Telegram refuses stops the bot for good, with one error
// line; the HTTP API keeps serving and /readyz says "unauthorized".
func runTelegram(ctx context.Context, b *bot.Bot, logger *slog.Logger) {
	err := b.Run(ctx)
	switch {
	case errors.Is(err, bot.ErrUnauthorized):
		logger.Error("telegram bot stopped: Telegram refused TELEGRAM_BOT_TOKEN; get the bot's token from @BotFather and restart (the HTTP API keeps serving)",
			"component", "telegram")
	case err != nil:
		logger.Error("telegram bot stopped", "component", "telegram", "err", err)
	default:
		logger.Info("telegram bot stopped", "component", "telegram")
	}
}
