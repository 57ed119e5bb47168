package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wenda-dev/wenda/bot"
)

// telegramWebhookPath is where wenda serve receives Telegram's updates in webhook mode.
const telegramWebhookPath = "/telegram/webhook"

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

// startTelegram connects the Telegram bot (checking the token with getMe) and runs it in the
// background until ctx ends: long polling by default, or, with a webhook URL configured, on
// mux at POST /telegram/webhook. wenda serve calls it when TELEGRAM_BOT_TOKEN is set, and
// calls the returned wait after cancelling ctx, so queued answers drain before exit.
func startTelegram(ctx context.Context, a *app, mux *http.ServeMux) (wait func(), err error) {
	opts := telegramOptions(a)
	b, err := bot.New(ctx, opts)
	if err != nil {
		return nil, err // already free of the token
	}
	if opts.WebhookURL != "" {
		mux.Handle("POST "+telegramWebhookPath, b.WebhookHandler())
	}
	a.logger.Info("telegram bot connected", "username", b.Username(), "webhook", opts.WebhookURL != "",
		"allowlist", len(opts.Allowed), "admins", len(opts.Admins))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Run(ctx); err != nil {
			a.logger.Error("telegram bot stopped", "err", fmt.Errorf("telegram: %w", err))
			return
		}
		a.logger.Info("telegram bot stopped")
	}()
	return func() { <-done }, nil
}
