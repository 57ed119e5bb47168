package main

import (
	"context"
	"net/http"
)

// startTelegram starts the Telegram bot. The bot may mount a webhook route on mux. This stub
// stands in until the bot package lands.
func startTelegram(ctx context.Context, a *app, mux *http.ServeMux) error {
	a.logger.Warn("Telegram bot not built in yet; TELEGRAM_BOT_TOKEN is ignored")
	return nil
}
