package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// Library lists the documents the bot can answer from (for /start). *rag.Store satisfies it.
type Library interface {
	Documents() []*rag.Document
}

// Resetter forgets a conversation (for /new). *rag.Conversations satisfies it.
type Resetter interface {
	Reset(id string) error
}

// Ingester adds an uploaded file to the knowledge base. *ingest.Ingester satisfies it.
type Ingester interface {
	IngestBytes(ctx context.Context, name string, data []byte) (ingest.Report, error)
}

// Options configures a Bot. Zero values mean the defaults documented on each field.
type Options struct {
	// Token is the bot's token from @BotFather. Required.
	Token string
	// Endpoint is the Bot API endpoint format, "http://host:port/bot%s/%s" (token, method);
	// empty means Telegram's. Files are downloaded from the matching /file/bot%s/%s.
	Endpoint string
	// HTTPClient makes the Bot API calls; nil means a client whose timeout covers a long poll.
	HTTPClient *http.Client

	// Asker answers questions. Required.
	Asker rag.Asker
	// Library lists documents for /start; nil leaves them out.
	Library Library
	// Conversations is reset by /new; nil means /new only forgets the last answer's sources.
	Conversations Resetter
	// Ingester receives admins' uploads; nil turns uploads off.
	Ingester Ingester

	// Allowed are the user or chat ids that may use the bot; empty means everyone. Others get
	// one polite refusal.
	Allowed []int64
	// Admins are the user ids that may add documents by sending them.
	Admins []int64

	Logger *slog.Logger

	// Workers bounds how many questions are answered at once across all chats (default 8).
	Workers int
	// QueuePerChat is how many messages a chat may have waiting behind the one being answered
	// (default 3); beyond it the bot says it is busy.
	QueuePerChat int
	// MaxChats bounds the chats with work in progress or queued (default 1000).
	MaxChats int
	// QuestionsPerMinute is each user's question rate limit (default 10, bursts of as many).
	QuestionsPerMinute int
	// MaxUploadBytes bounds an uploaded document (default 20 MiB, what the Bot API lets bots
	// download).
	MaxUploadBytes int64
	// AskTimeout bounds answering one question (default 2 minutes).
	AskTimeout time.Duration
	// ChatInterval is the pace of messages in one chat after a burst of three (default 1s,
	// Telegram's guidance); GlobalPerSecond the pace across chats (default 30).
	ChatInterval    time.Duration
	GlobalPerSecond int
	// EditInterval is the least time between edits of a streaming answer (default 1s).
	EditInterval time.Duration
	// FirstShowDelay is how long a streaming answer's first text waits for the answer to finish
	// before it is sent to be edited as it grows (default 100ms): an answer that is complete by
	// then (the extractive answerer) is sent once, formatted, with its sources.
	FirstShowDelay time.Duration
	// PollTimeout is the long-poll wait (default 25s). MinPollInterval spaces polls that return
	// nothing at once, from servers that do not long-poll (default 100ms).
	PollTimeout     time.Duration
	MinPollInterval time.Duration
	// DrainTimeout bounds finishing queued work after Run's context ends (default 10s).
	DrainTimeout time.Duration
	// RetryMin and RetryMax bound the wait between attempts to connect while Telegram cannot
	// be reached: it starts at RetryMin (default 1s) and doubles after each failure up to
	// RetryMax (default 5 minutes), each wait drawn at random from its upper half.
	RetryMin time.Duration
	RetryMax time.Duration

	// WebhookURL, when set, switches from long polling to a webhook: Run registers this public
	// URL with Telegram, and WebhookHandler (mounted at it) receives the updates.
	WebhookURL string
	// WebhookSecret is the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; empty
	// means a random one, registered by Run.
	WebhookSecret string

	// MessageLimit is the longest message in UTF-16 units (default MaxMessageUnits); tests lower it.
	MessageLimit int

	// retryAfterUnit is what Telegram's retry_after counts (a second); tests shorten it.
	retryAfterUnit time.Duration
}

func (o *Options) defaults() {
	set := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	setD := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	set(&o.Workers, 8)
	set(&o.QueuePerChat, 3)
	set(&o.MaxChats, 1000)
	set(&o.QuestionsPerMinute, 10)
	set(&o.GlobalPerSecond, 30)
	set(&o.MessageLimit, MaxMessageUnits)
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = 20 << 20
	}
	setD(&o.AskTimeout, 2*time.Minute)
	setD(&o.ChatInterval, time.Second)
	setD(&o.EditInterval, time.Second)
	setD(&o.FirstShowDelay, 100*time.Millisecond)
	setD(&o.PollTimeout, 25*time.Second)
	setD(&o.MinPollInterval, 100*time.Millisecond)
	setD(&o.DrainTimeout, 10*time.Second)
	setD(&o.RetryMin, time.Second)
	setD(&o.RetryMax, 5*time.Minute)
	o.RetryMax = max(o.RetryMax, o.RetryMin)
	setD(&o.retryAfterUnit, time.Second)
	if o.Endpoint == "" {
		o.Endpoint = DefaultEndpoint
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Bot is a running Telegram front end. Create it with New, then call Run.
type Bot struct {
	opts   Options
	client *http.Client
	tr     *transport // the transport of every call once connected; it ends with life

	// Set by connect, before connected turns true; read only after that (or by Run).
	log  *slog.Logger
	api  telegram // sends; its calls end when life ends
	base *tgbotapi.BotAPI
	self tgbotapi.User

	connected atomic.Bool
	state     atomic.Value // State

	life     context.Context // ends after the drain that follows Run's context
	kill     context.CancelFunc
	allowed  map[int64]bool
	admins   map[int64]bool
	sem      chan struct{}
	users    *limiter // questions per user
	chatPace *limiter // messages per chat
	global   *limiter // messages overall
	notices  chan struct{}

	mu       sync.Mutex
	chats    map[int64]*chatQueue
	last     map[int64]*rag.Answer // last answer per chat, for /sources
	refused  map[int64]bool        // users told they are not allowed
	warned   map[int64]time.Time   // users last told they ask too fast
	stopping bool
	wg       sync.WaitGroup

	typingFailed atomic.Bool
}

type chatQueue struct {
	jobs []job
}

// New checks opts and returns a bot ready to Run. It makes no network call: Run connects, and
// keeps trying while Telegram cannot be reached, so a bot can be created (and its
// WebhookHandler mounted) before Telegram answers.
func New(opts Options) (*Bot, error) {
	opts.defaults()
	if opts.Token == "" {
		return nil, errors.New("telegram: no bot token")
	}
	if opts.Asker == nil {
		return nil, errors.New("telegram: no asker")
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: opts.PollTimeout + 15*time.Second}
	}
	life, kill := context.WithCancel(context.Background())
	if opts.WebhookURL != "" && opts.WebhookSecret == "" {
		var b [24]byte
		_, _ = rand.Read(b[:])
		opts.WebhookSecret = hex.EncodeToString(b[:])
	}
	b := &Bot{
		opts:     opts,
		log:      opts.Logger.With("component", "telegram"),
		client:   client,
		tr:       &transport{ctx: life, client: client, token: opts.Token},
		life:     life,
		kill:     kill,
		allowed:  idSet(opts.Allowed),
		admins:   idSet(opts.Admins),
		sem:      make(chan struct{}, opts.Workers),
		users:    newLimiter(float64(opts.QuestionsPerMinute)/60, float64(opts.QuestionsPerMinute)),
		chatPace: newLimiter(1/opts.ChatInterval.Seconds(), 3),
		global:   newLimiter(float64(opts.GlobalPerSecond), float64(opts.GlobalPerSecond)),
		notices:  make(chan struct{}, 16),
		chats:    map[int64]*chatQueue{},
		last:     map[int64]*rag.Answer{},
		refused:  map[int64]bool{},
		warned:   map[int64]time.Time{},
	}
	b.setState(StateConnecting)
	return b, nil
}

func idSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Username is the bot's Telegram username, without the @; empty until the bot has connected.
func (b *Bot) Username() string {
	if !b.connected.Load() {
		return ""
	}
	return b.self.UserName
}

// WebhookSecret is the secret the webhook handler checks (set in Options or generated).
func (b *Bot) WebhookSecret() string { return b.opts.WebhookSecret }

// Run connects to Telegram, retrying with backoff while it cannot be reached (see
// Options.RetryMin), then receives updates until ctx ends: by long polling or, with
// Options.WebhookURL, by registering the webhook (updates then arrive through WebhookHandler).
// When ctx ends it stops receiving, finishes queued work for up to Options.DrainTimeout, then
// cancels what is left and returns nil once every goroutine it started has ended. It returns
// ErrUnauthorized, without retrying, when Telegram refuses the token, before or after
// connecting. Run may be called once.
func (b *Bot) Run(ctx context.Context) error {
	err := b.connectLoop(ctx)
	if err == nil {
		if b.opts.WebhookURL != "" {
			<-ctx.Done()
		} else {
			err = b.poll(ctx)
		}
	}
	b.shutdown()
	if errors.Is(err, ErrUnauthorized) {
		return err
	}
	return nil
}

// shutdown stops intake, lets queued work finish for DrainTimeout, then cancels the rest.
func (b *Bot) shutdown() {
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	t := time.NewTimer(b.opts.DrainTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		b.log.Warn("telegram: drain timed out; cancelling unanswered questions")
	}
	b.kill()
	<-done
}

// poll long-polls getUpdates until ctx ends, or Telegram refuses the token (ErrUnauthorized).
// The library takes no context, so the poller's transport carries ctx: cancelling it aborts the
// poll in flight. While polls fail the bot's state is connecting.
func (b *Bot) poll(ctx context.Context) error {
	poller := *b.base
	poller.Client = &transport{ctx: ctx, client: b.client, token: b.opts.Token}
	// A webhook left registered makes getUpdates fail with 409.
	if _, err := poller.Request(tgbotapi.DeleteWebhookConfig{}); err != nil && ctx.Err() == nil {
		b.log.Debug("telegram: deleteWebhook failed", "err", scrub(err, b.opts.Token))
	}
	b.log.Info("telegram long polling started")
	offset, backoff := 0, time.Duration(0)
	for ctx.Err() == nil {
		start := time.Now()
		updates, err := poller.GetUpdates(tgbotapi.UpdateConfig{
			Offset:         offset,
			Timeout:        int(b.opts.PollTimeout / time.Second),
			AllowedUpdates: []string{"message"},
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if isUnauthorized(err) {
				b.setState(StateUnauthorized)
				b.log.Info("telegram long polling stopped: the token was refused")
				return ErrUnauthorized
			}
			b.setState(StateConnecting)
			backoff = min(max(2*backoff, 500*time.Millisecond), 30*time.Second)
			if d := b.retryAfter(err); d > 0 {
				backoff = d
			}
			b.log.Warn("telegram: getUpdates failed; retrying", "err", scrub(err, b.opts.Token), "in", backoff)
			_ = sleep(ctx, backoff)
			continue
		}
		backoff = 0
		b.setState(StateConnected)
		for _, u := range updates {
			if u.UpdateID >= offset {
				offset = u.UpdateID + 1
				b.dispatch(u)
			}
		}
		if len(updates) == 0 {
			_ = sleep(ctx, b.opts.MinPollInterval-time.Since(start))
		}
	}
	b.log.Info("telegram long polling stopped")
	return nil
}

// dispatch takes one update: it decides whether and how to answer and queues the work on the
// chat's queue. It never blocks on Telegram or on answering.
func (b *Bot) dispatch(u tgbotapi.Update) {
	m := u.Message
	if m == nil || m.From == nil || m.Chat == nil || m.From.IsBot {
		return
	}
	log := b.log.With("chat", m.Chat.ID, "user", m.From.ID, "update", u.UpdateID)
	b.mu.Lock()
	stopping := b.stopping
	b.mu.Unlock()
	if stopping {
		return
	}
	if !b.isAllowed(m) {
		b.mu.Lock()
		first := !b.refused[m.From.ID]
		if first {
			if len(b.refused) > 100_000 {
				clear(b.refused)
			}
			b.refused[m.From.ID] = true
		}
		b.mu.Unlock()
		if first && (m.Chat.IsPrivate() || b.addressed(m)) {
			log.Info("telegram: refused user outside the allowlist")
			b.notice(m, msg(detect(m.Text, m.From.LanguageCode), "not_allowed"))
		}
		return
	}
	j := b.parse(m)
	if j.kind == kindIgnore {
		return
	}
	j.log = log
	if j.kind == kindQuestion && !b.users.allow(m.From.ID, time.Now()) {
		b.mu.Lock()
		warn := time.Since(b.warned[m.From.ID]) > time.Minute
		if warn {
			if len(b.warned) > 100_000 {
				clear(b.warned)
			}
			b.warned[m.From.ID] = time.Now()
		}
		b.mu.Unlock()
		log.Info("telegram: rate limited")
		if warn {
			b.notice(m, msg(j.lang, "rate_limited"))
		}
		return
	}
	if !b.enqueue(m.Chat.ID, j) {
		log.Info("telegram: chat busy; message dropped")
		b.notice(m, msg(j.lang, "busy"))
	}
}

func (b *Bot) isAllowed(m *tgbotapi.Message) bool {
	return len(b.allowed) == 0 || b.allowed[m.From.ID] || b.allowed[m.Chat.ID]
}

// enqueue adds j to its chat's queue, starting the chat's worker when idle. It reports false
// when the chat's queue (or the number of busy chats) is full.
func (b *Bot) enqueue(chatID int64, j job) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.chats[chatID]
	if q == nil {
		if len(b.chats) >= b.opts.MaxChats {
			return false
		}
		q = &chatQueue{}
		b.chats[chatID] = q
		q.jobs = append(q.jobs, j)
		b.wg.Add(1)
		go b.work(chatID, q)
		return true
	}
	// The job being handled has left the queue, so QueuePerChat counts only the waiting ones.
	if len(q.jobs) >= b.opts.QueuePerChat {
		return false
	}
	q.jobs = append(q.jobs, j)
	return true
}

// work handles a chat's jobs one at a time, in order, each under a worker slot.
func (b *Bot) work(chatID int64, q *chatQueue) {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		if len(q.jobs) == 0 {
			delete(b.chats, chatID)
			b.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = slices.Delete(q.jobs, 0, 1)
		b.mu.Unlock()
		select {
		case b.sem <- struct{}{}:
		case <-b.life.Done():
			b.mu.Lock()
			delete(b.chats, chatID)
			b.mu.Unlock()
			return
		}
		b.handle(j)
		<-b.sem
	}
}

// notice sends a short reply outside the chat's queue (a refusal, "busy"). At most
// cap(b.notices) are in flight; beyond that notices are dropped rather than queued.
func (b *Bot) notice(m *tgbotapi.Message, text string) {
	select {
	case b.notices <- struct{}{}:
	default:
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() { <-b.notices }()
		ctx, cancel := context.WithTimeout(b.life, 30*time.Second)
		defer cancel()
		if _, err := b.sendAll(ctx, m.Chat.ID, b.replyTo(m), plainMessages(text, b.opts.MessageLimit)); err != nil {
			b.log.Warn("telegram: notice not sent", "chat", m.Chat.ID, "err", err)
		}
	}()
}

func (b *Bot) replyTo(m *tgbotapi.Message) int {
	if m.Chat.IsPrivate() {
		return 0
	}
	return m.MessageID
}

func conversationID(chatID int64) string { return "tg:" + strconv.FormatInt(chatID, 10) }
