package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"syscall"

	"github.com/wenda-dev/wenda/rag"
)

// encode writes v as JSON with the given status.
func encode[T any](w http.ResponseWriter, status int, v T) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	return nil
}

// decode reads one JSON value of type T from the request body. Unknown fields are accepted
// (clients such as the OpenAI SDKs send many); trailing data and wrong types are not. The
// errors are *apiError (400) or *http.MaxBytesError (413).
func decode[T any](r *http.Request) (T, error) {
	var v T
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return v, decodeError(err)
		}
		return v, errBadRequest("invalid_json", "the body must hold exactly one JSON value")
	}
	return v, nil
}

func decodeError(err error) error {
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		return maxErr
	case errors.As(err, &typeErr):
		return typeError(typeErr)
	case errors.As(err, &syntaxErr):
		return errBadRequest("invalid_json", fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset))
	case errors.Is(err, io.EOF):
		return errBadRequest("invalid_json", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequest("invalid_json", "the JSON body ends too early")
	}
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return errBadRequest("invalid_json", "malformed JSON body")
}

// typeError says what a field should have held and what it held, in the words of JSON:
// `field "k" must be a whole number, not 5.5`.
func typeError(e *json.UnmarshalTypeError) *apiError {
	want := "an object"
	switch e.Type.Kind() {
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "a whole number"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	case reflect.Slice, reflect.Array:
		want = "an array"
	}
	// Value is "number 5.5" for a number that does not fit, else the JSON kind.
	got := e.Value
	switch {
	case strings.HasPrefix(got, "number "):
		got = sanitize(strings.TrimPrefix(got, "number "), 40)
		if want == "a whole number" && !strings.ContainsAny(got, ".eE") && e.Field != "" {
			return errBadRequest("invalid_type", fmt.Sprintf("field %q is out of range: %s", e.Field, got))
		}
	case got == "array" || got == "object":
		got = "an " + got
	case got == "string" || got == "number":
		got = "a " + got
	case got == "bool":
		got = "a boolean"
	}
	if e.Field == "" {
		return errBadRequest("invalid_type", fmt.Sprintf("the body must be a JSON object, not %s", got))
	}
	return errBadRequest("invalid_type", fmt.Sprintf("field %q must be %s, not %s", e.Field, want, got))
}

// apiError is an error the client sees as it is: an HTTP status and a stable code.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errBadRequest(code, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

func errUnauthorized(msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg}
}

func errNotFound(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

var (
	errInternal = &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; see the server log for this request id"}
	// The storage errors say that nothing was half-done: writes are atomic, so a failed one
	// leaves the index as it was.
	errStorageFull = &apiError{Status: http.StatusInsufficientStorage, Code: "insufficient_storage",
		Message: "the server's disk is full, so nothing was stored; try again once space is freed"}
	errStorageReadOnly = &apiError{Status: http.StatusServiceUnavailable, Code: "storage_unavailable",
		Message: "the server's storage is read-only, so nothing was stored"}
	errRateLimited = &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many requests; retry after the number of seconds in Retry-After"}
)

type errorBody struct {
	Error *apiError `json:"error"`
}

// toAPIError maps any error to what the client sees. Internal details are logged, never shown.
func toAPIError(ctx context.Context, err error) *apiError {
	var apiErr *apiError
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &apiErr):
		return apiErr
	case errors.As(err, &maxErr):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: fmt.Sprintf("the request body is larger than %d bytes", maxErr.Limit)}
	case rag.IsBadQuestion(err):
		return &apiError{Status: http.StatusBadRequest, Code: "bad_question", Message: err.Error()}
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		// The client went away; nobody reads this, but the log and metrics show 499 as nginx does.
		return &apiError{Status: 499, Code: "client_closed", Message: "the client closed the request"}
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		loggerFrom(ctx).Error("storage full", "err", err)
		return errStorageFull
	case errors.Is(err, syscall.EROFS):
		loggerFrom(ctx).Error("storage read-only", "err", err)
		return errStorageReadOnly
	case errors.Is(err, context.DeadlineExceeded):
		loggerFrom(ctx).Error("request timed out", "err", err)
		return &apiError{Status: http.StatusGatewayTimeout, Code: "timeout", Message: "the answer took too long"}
	}
	loggerFrom(ctx).Error("internal error", "err", err)
	return errInternal
}

// writeError is the one place a failure becomes a response: {"error":{"code","message"}}.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toAPIError(r.Context(), err)
	if e.Status == 499 {
		w.WriteHeader(e.Status) // for the log line; the client is gone
		return
	}
	_ = encode(w, e.Status, errorBody{e})
}

// sanitize keeps user-supplied text short and on one line for error messages.
func sanitize(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
