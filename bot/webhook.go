package bot

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SecretHeader is the header Telegram sends the webhook's secret token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook request body; updates are a few KB.
const maxUpdateBytes = 1 << 20

// WebhookHandler receives updates that Telegram posts to Options.WebhookURL. It accepts only
// POST requests carrying the webhook's secret token, queues the update and answers at once, so
// Telegram never waits for an answer to be written. Until Run has connected it answers 503.
// Mount it at the path of WebhookURL (wenda serve uses POST /telegram/webhook) before serving:
// it can be created as soon as New returns.
func (b *Bot) WebhookHandler() http.Handler {
	secret := []byte(b.opts.WebhookSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get(SecretHeader))
		if len(secret) == 0 || subtle.ConstantTimeCompare(got, secret) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if !b.connected.Load() {
			// The route exists from the start; Telegram retries what it could not deliver.
			w.Header().Set("Retry-After", "5")
			http.Error(w, "not connected to Telegram yet", http.StatusServiceUnavailable)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, maxUpdateBytes)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		b.dispatch(u)
		w.WriteHeader(http.StatusOK)
	})
}
