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
}

func handleReadyz(ready func() error, docs Documents) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ready(); err != nil {
			writeError(w, r, &apiError{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: err.Error()})
			return
		}
		st := docs.Stats()
		_ = encode(w, http.StatusOK, readiness{Status: "ready", Documents: st.Documents, Chunks: st.Chunks})
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
