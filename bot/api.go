package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// telegram is the subset of *tgbotapi.BotAPI the bot uses. Keeping to it lets the library be
// replaced in one place; tests run the real client against an httptest fake Bot API.
type telegram interface {
	// GetUpdates long-polls for updates.
	GetUpdates(tgbotapi.UpdateConfig) ([]tgbotapi.Update, error)
	// Send sends or edits a message and returns it.
	Send(tgbotapi.Chattable) (tgbotapi.Message, error)
	// Request calls a method whose result the bot does not read (chat actions, webhooks).
	Request(tgbotapi.Chattable) (*tgbotapi.APIResponse, error)
	// GetFile resolves a file id to a download path.
	GetFile(tgbotapi.FileConfig) (tgbotapi.File, error)
	// MakeRequest calls a method by name, for parameters the library predates
	// (setWebhook's secret_token).
	MakeRequest(endpoint string, params tgbotapi.Params) (*tgbotapi.APIResponse, error)
}

// DefaultEndpoint is Telegram's Bot API endpoint format: token, then method.
const DefaultEndpoint = tgbotapi.APIEndpoint

// fileEndpoint derives the file download format (token, then file path) from an API endpoint
// format: Telegram serves files under /file/bot<token>/<path> beside /bot<token>/<method>.
func fileEndpoint(api string) string {
	if i := strings.LastIndex(api, "/bot%s/%s"); i >= 0 {
		return api[:i] + "/file/bot%s/%s" + api[i+len("/bot%s/%s"):]
	}
	return tgbotapi.FileEndpoint
}

// transport is the HTTP client the library calls through. The library takes no context, so
// transport attaches the bot's: cancelling it aborts a long poll or a send in flight. It also
// scrubs the token (which the library puts in every URL) from every error it returns.
type transport struct {
	ctx    context.Context
	client *http.Client
	token  string
}

// Do implements tgbotapi.HTTPClient.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.client.Do(req.WithContext(t.ctx))
	if err != nil {
		return nil, scrub(err, t.token)
	}
	return resp, nil
}

// scrub removes token from err's text while keeping what callers branch on (errors.Is with
// context errors, *tgbotapi.Error). It is the one place that guarantees the token never reaches
// a log line or a user.
func scrub(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// Keep the cause (a net.OpError or a context error) but not the URL, which holds the
		// token in its path.
		err = &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, token, "***"), Err: ue.Err}
	}
	if !strings.Contains(err.Error(), token) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), token, "***"), cause: causeOf(err)}
}

// causeOf keeps the sentinels a scrubbed error may still be matched against.
func causeOf(err error) error {
	for _, s := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// apiError returns the Bot API's error response in err, if it is one.
func apiError(err error) (*tgbotapi.Error, bool) {
	var pe *tgbotapi.Error
	if errors.As(err, &pe) {
		return pe, true
	}
	var ve tgbotapi.Error
	if errors.As(err, &ve) {
		return &ve, true
	}
	return nil, false
}

// isParseError reports whether Telegram rejected a message's HTML.
func isParseError(err error) bool {
	e, ok := apiError(err)
	return ok && e.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(e.Message), "parse entities")
}

// isNotModified reports the harmless error of an edit that changes nothing.
func isNotModified(err error) bool {
	e, ok := apiError(err)
	return ok && strings.Contains(strings.ToLower(e.Message), "message is not modified")
}

// retryAfter returns how long Telegram asked to wait (a 429), or 0.
func (b *Bot) retryAfter(err error) time.Duration {
	e, ok := apiError(err)
	if !ok || e.RetryAfter <= 0 {
		return 0
	}
	return time.Duration(e.RetryAfter) * b.opts.retryAfterUnit
}

// download fetches a file by its Telegram path, reading at most max bytes.
func (t *transport) download(endpoint, path string, max int64) ([]byte, error) {
	u := fmt.Sprintf(endpoint, t.token, path)
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, scrub(err, t.token)
	}
	resp, err := t.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, scrub(fmt.Errorf("download file: %w", err), t.token)
	}
	if int64(len(data)) > max {
		return nil, errFileTooLarge
	}
	return data, nil
}

var errFileTooLarge = errors.New("file too large")
