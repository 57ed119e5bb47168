package api

import (
	_ "embed"
	"net/http"
)

func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

type readiness struct {
	Status    string `json:"status"`
	Documents int    `json:"documents"`
	Chunks    int    `json:"chunks"`
	// Telegram is the bot's state when one runs: detail for operators, not part of readiness.
	Telegram string `json:"telegram,omitempty"`
}

// handleReadyz answers 200 once the index is usable. The Telegram bot's state is reported but
// never makes it 503: a load balancer in front of the HTTP API should keep sending it traffic
// while Telegram is unreachable, as the API does not need Telegram.
func handleReadyz(ready func() error, docs Documents, telegram func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ready(); err != nil {
			writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: err.Error()})
			return
		}
		st := docs.Stats()
		body := readiness{Status: "ready", Documents: st.Documents, Chunks: st.Chunks}
		if telegram != nil {
			body.Telegram = telegram()
		}
		_ = encode(w, http.StatusOK, body)
	})
}

// openAPI is the API's OpenAPI 3 description; TestOpenAPI keeps it in step with routes.go.
//
//go:embed openapi.json
var openAPI []byte

func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
}
