package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/wenda-dev/wenda/ingest/loaders"
	"github.com/wenda-dev/wenda/rag"
)

type kind int

const (
	kindIgnore kind = iota
	kindQuestion
	kindStart
	kindHelp
	kindNew
	kindSources
	kindUpload
	kindText // a fixed reply (usage, unknown command)
)

// job is one message to act on, parsed by Dispatch and handled by the chat's worker.
type job struct {
	kind     kind
	msg      *tgbotapi.Message
	question string // kindQuestion
	text     string // kindText
	lang     lang
	log      *slog.Logger
	received time.Time
}

// parse decides what a message asks for. In groups the bot answers only when mentioned,
// replied to, or asked with /ask; the mention is stripped from the question.
func (b *Bot) parse(m *tgbotapi.Message) job {
	j := job{msg: m, received: time.Now()}
	group := !m.Chat.IsPrivate()
	if m.Document != nil {
		j.lang = detect(m.Caption, m.From.LanguageCode)
		if group && !b.mentioned(m.Caption, m.CaptionEntities) {
			return job{}
		}
		j.kind = kindUpload
		return j
	}
	text := strings.TrimSpace(m.Text)
	if text == "" {
		return job{}
	}
	if strings.HasPrefix(text, "/") {
		cmd, rest, _ := strings.Cut(text, " ")
		rest = strings.TrimSpace(rest)
		cmd, at, _ := strings.Cut(strings.ToLower(cmd[1:]), "@")
		if at != "" && !strings.EqualFold(at, b.self.UserName) {
			return job{} // a command for another bot in the group
		}
		j.lang = detect(rest, m.From.LanguageCode)
		switch cmd {
		case "start":
			j.kind = kindStart
		case "help":
			j.kind = kindHelp
		case "new", "reset":
			j.kind = kindNew
		case "sources":
			j.kind = kindSources
		case "ask":
			rest = b.stripMention(rest)
			if rest == "" {
				j.kind, j.text = kindText, msg(j.lang, "ask_usage")
				return j
			}
			j.kind, j.question = kindQuestion, rest
			j.lang = detect(rest, m.From.LanguageCode)
		default:
			if group {
				return job{}
			}
			j.kind, j.text = kindText, msg(j.lang, "unknown_command")
		}
		return j
	}
	if group && !b.addressed(m) {
		return job{}
	}
	q := b.stripMention(text)
	if q == "" {
		j.lang = detect("", m.From.LanguageCode)
		j.kind, j.text = kindHelp, ""
		return j
	}
	j.kind, j.question, j.lang = kindQuestion, q, detect(q, m.From.LanguageCode)
	return j
}

// addressed reports whether a group message is for the bot: it mentions the bot or replies to
// one of the bot's messages.
func (b *Bot) addressed(m *tgbotapi.Message) bool {
	if m.Chat.IsPrivate() {
		return true
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == b.self.ID {
		return true
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(m.Text)), "/ask") {
		return true
	}
	return b.mentioned(m.Text, m.Entities)
}

func (b *Bot) mentioned(text string, _ []tgbotapi.MessageEntity) bool {
	return b.self.UserName != "" && strings.Contains(strings.ToLower(text), "@"+strings.ToLower(b.self.UserName))
}

// stripMention removes "@botname" (any case) from text.
func (b *Bot) stripMention(text string) string {
	if b.self.UserName == "" {
		return strings.TrimSpace(text)
	}
	at := "@" + strings.ToLower(b.self.UserName)
	for {
		i := strings.Index(strings.ToLower(text), at)
		if i < 0 {
			break
		}
		text = text[:i] + text[i+len(at):]
	}
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(text), ",，:："))
}

// handle acts on one job; it runs on the chat's worker, holding a worker slot.
func (b *Bot) handle(j job) {
	ctx, cancel := context.WithTimeout(b.life, b.opts.AskTimeout+30*time.Second)
	defer cancel()
	m := j.msg
	chat := m.Chat.ID
	var out []outMessage
	switch j.kind {
	case kindQuestion:
		b.answer(ctx, j)
		return
	case kindUpload:
		b.upload(ctx, j)
		return
	case kindStart:
		out = plainMessages(b.startText(j.lang), b.opts.MessageLimit)
	case kindHelp:
		text := msg(j.lang, "help")
		if b.admins[m.From.ID] && b.opts.Ingester != nil {
			text += fmt.Sprintf(msg(j.lang, "help_admin"), sizeText(b.opts.MaxUploadBytes))
		}
		out = plainMessages(text, b.opts.MessageLimit)
	case kindNew:
		if b.opts.Conversations != nil {
			if err := b.opts.Conversations.Reset(conversationID(chat)); err != nil {
				j.log.Error("telegram: reset conversation", "err", err)
				out = plainMessages(b.userError(err, j.lang), b.opts.MessageLimit)
				break
			}
		}
		b.mu.Lock()
		delete(b.last, chat)
		b.mu.Unlock()
		out = plainMessages(msg(j.lang, "new"), b.opts.MessageLimit)
	case kindSources:
		b.mu.Lock()
		last := b.last[chat]
		b.mu.Unlock()
		if last == nil || len(last.Sources) == 0 {
			out = plainMessages(msg(j.lang, "no_sources"), b.opts.MessageLimit)
		} else {
			out = renderSources(last, j.lang, b.opts.MessageLimit)
		}
	case kindText:
		out = plainMessages(j.text, b.opts.MessageLimit)
	}
	if _, err := b.sendAll(ctx, chat, b.replyTo(m), out); err != nil {
		j.log.Warn("telegram: reply not sent", "err", err)
	}
}

// startText says what the bot knows: how many documents, a few titles, a sample question.
func (b *Bot) startText(l lang) string {
	var docs []*rag.Document
	if b.opts.Library != nil {
		docs = b.opts.Library.Documents()
	}
	if len(docs) == 0 {
		return msg(l, "help") + "\n\n" + msg(l, "start_empty")
	}
	var titles []string
	for _, d := range docs {
		t := d.Title
		if t == "" {
			t = d.ID
		}
		if len(titles) < 5 {
			titles = append(titles, "• "+truncateRunes(t, 80))
		}
	}
	first := titles[0][len("• "):]
	sample := fmt.Sprintf(msg(l, "sample_question"), first)
	return fmt.Sprintf(msg(l, "start"), len(docs), fmt.Sprintf(msg(l, "start_titles"), strings.Join(titles, "\n")), sample)
}

// userError is the one place that turns an error into what a Telegram user reads. Details
// are logged by the caller, never shown.
func (b *Bot) userError(err error, l lang) string {
	switch {
	case errors.Is(err, rag.ErrQuestionTooLong):
		return msg(l, "err_too_long")
	case errors.Is(err, rag.ErrEmptyQuery):
		return msg(l, "err_empty")
	case errors.Is(err, context.DeadlineExceeded):
		return msg(l, "err_timeout")
	}
	return msg(l, "err_internal")
}

// uploadReason says why a file could not be ingested, in the uploader's words.
func uploadReason(err error, l lang) string {
	for _, r := range []struct {
		err error
		key string
	}{
		{loaders.ErrUnsupported, "reason_unsupported"},
		{loaders.ErrBinary, "reason_binary"},
		{loaders.ErrEncoding, "reason_encoding"},
		{loaders.ErrTooLarge, "reason_too_large"},
		{loaders.ErrNoText, "reason_no_text"},
		{loaders.ErrTimeout, "reason_timeout"},
		{loaders.ErrCorrupt, "reason_corrupt"},
		{loaders.ErrEncrypted, "reason_encrypted"},
	} {
		if errors.Is(err, r.err) {
			return msg(l, r.key)
		}
	}
	return msg(l, "reason_internal")
}

// answer asks the question and sends the reply. A streaming answer is shown growing (plain
// text, one edit per EditInterval at most); the final edit is formatted HTML with the sources.
func (b *Bot) answer(ctx context.Context, j job) {
	m := j.msg
	chat := m.Chat.ID
	askCtx, cancelAsk := context.WithTimeout(ctx, b.opts.AskTimeout)
	defer cancelAsk()

	stopTyping := b.typing(askCtx, chat)
	defer stopTyping()

	var (
		mu      sync.Mutex
		partial strings.Builder
	)
	grew := make(chan struct{}, 1)
	type result struct {
		ans *rag.Answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		ans, err := b.opts.Asker.Ask(askCtx, rag.AskRequest{
			Question:       j.question,
			ConversationID: conversationID(chat),
			OnDelta: func(d string) {
				mu.Lock()
				partial.WriteString(d)
				mu.Unlock()
				select {
				case grew <- struct{}{}:
				default:
				}
			},
		})
		done <- result{ans, err}
	}()

	var (
		streamID int              // the message being edited as the answer grows
		shown    string           // what it shows
		due      <-chan time.Time // when the next show or edit may happen
		lastShow time.Time
		pending  bool
	)
	show := func() {
		mu.Lock()
		text := partial.String()
		mu.Unlock()
		text = streamingText(text, b.opts.MessageLimit)
		if text == "" || text == shown {
			return
		}
		lastShow = time.Now()
		if streamID == 0 {
			id, err := b.sendOne(ctx, chat, b.replyTo(m), outMessage{Plain: text}, false)
			if err != nil {
				j.log.Warn("telegram: streamed answer not sent", "err", err)
				return
			}
			streamID, shown = id, text
			j.log.Debug("telegram: first reply", "after", time.Since(j.received))
			return
		}
		if err := b.edit(ctx, chat, streamID, outMessage{Plain: text}, false); err != nil {
			j.log.Debug("telegram: streaming edit failed", "err", err)
			return
		}
		shown = text
	}
	for {
		select {
		case <-grew:
			if due != nil {
				pending = true
				continue
			}
			if streamID == 0 {
				due = time.After(b.opts.FirstShowDelay)
			} else {
				due = time.After(max(0, b.opts.EditInterval-time.Since(lastShow)))
			}
			pending = false
		case <-due:
			due = nil
			show()
			if pending {
				pending = false
				due = time.After(b.opts.EditInterval)
			}
		case r := <-done:
			stopTyping()
			b.finish(ctx, j, streamID, r.ans, r.err)
			return
		}
	}
}

// streamingText is the growing answer as shown while it streams: plain, cut to one message.
func streamingText(text string, limit int) string {
	text = strings.TrimSpace(text)
	if utf16Len(text) <= limit {
		return text
	}
	return strings.TrimSpace(text[:prefixUnits(text, limit-1)]) + "…"
}

// finish sends the final answer: it replaces the streamed message (if any) with the first
// part and sends the rest.
func (b *Bot) finish(ctx context.Context, j job, streamID int, ans *rag.Answer, err error) {
	m := j.msg
	chat := m.Chat.ID
	var out []outMessage
	if err != nil {
		if rag.IsBadQuestion(err) {
			j.log.Info("telegram: bad question", "err", err)
		} else {
			j.log.Error("telegram: answer failed", "err", err)
		}
		out = plainMessages(b.userError(err, j.lang), b.opts.MessageLimit)
	} else {
		l := j.lang
		if ans.Lang != "" {
			l = lang(ans.Lang)
		}
		out = renderAnswer(ans, l, b.opts.MessageLimit)
		b.mu.Lock()
		if len(b.last) >= 10_000 {
			clear(b.last)
		}
		b.last[chat] = ans
		b.mu.Unlock()
		j.log.Info("telegram: answered", "abstained", ans.Abstained, "sources", len(ans.Sources),
			"messages", len(out), "took", time.Since(j.received))
		j.log.Debug("telegram: answer", "question", j.question, "answer", ans.Text)
	}
	if streamID != 0 && len(out) > 0 {
		if err := b.edit(ctx, chat, streamID, out[0], true); err != nil {
			j.log.Warn("telegram: final edit failed; sending anew", "err", err)
		} else {
			out = out[1:]
		}
	}
	if _, err := b.sendAll(ctx, chat, b.replyTo(m), out); err != nil {
		j.log.Warn("telegram: answer not sent", "err", err)
	}
}

// typing shows "typing…" until the returned stop is called, refreshing it as Telegram expires
// it after about 5s. A server that refuses chat actions (the emulator) is logged once, not fatal.
func (b *Bot) typing(ctx context.Context, chat int64) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if _, err := b.api.Request(tgbotapi.NewChatAction(chat, tgbotapi.ChatTyping)); err != nil {
				if ctx.Err() == nil && !b.typingFailed.Swap(true) {
					b.log.Info("telegram: chat action refused; carrying on without typing indicators",
						"err", scrub(err, b.opts.Token))
				}
				return
			}
			if sleep(ctx, 4*time.Second) != nil {
				return
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { cancel(); wg.Wait() }) }
}

// upload adds an admin's document to the knowledge base and says what happened.
func (b *Bot) upload(ctx context.Context, j job) {
	m := j.msg
	d := m.Document
	l := j.lang
	reply := func(text string) {
		if _, err := b.sendAll(ctx, m.Chat.ID, b.replyTo(m), plainMessages(text, b.opts.MessageLimit)); err != nil {
			j.log.Warn("telegram: upload reply not sent", "err", err)
		}
	}
	if !b.admins[m.From.ID] || b.opts.Ingester == nil {
		reply(msg(l, "upload_forbidden"))
		return
	}
	name := filepath.Base(strings.ReplaceAll(d.FileName, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		name = d.FileUniqueID
	}
	if int64(d.FileSize) > b.opts.MaxUploadBytes {
		reply(fmt.Sprintf(msg(l, "upload_too_large"), sizeText(b.opts.MaxUploadBytes)))
		return
	}
	if !loaders.Supported(name) {
		ext := filepath.Ext(name)
		if ext == "" {
			ext = name
		}
		reply(fmt.Sprintf(msg(l, "upload_type"), ext))
		return
	}
	stopTyping := b.typing(ctx, m.Chat.ID)
	defer stopTyping()
	var f tgbotapi.File
	err := b.retry(ctx, func() error {
		var err error
		f, err = b.api.GetFile(tgbotapi.FileConfig{FileID: d.FileID})
		return err
	})
	var data []byte
	if err == nil {
		data, err = b.tr.download(fileEndpoint(b.opts.Endpoint), f.FilePath, b.opts.MaxUploadBytes)
	}
	if errors.Is(err, errFileTooLarge) {
		reply(fmt.Sprintf(msg(l, "upload_too_large"), sizeText(b.opts.MaxUploadBytes)))
		return
	}
	if err != nil {
		j.log.Warn("telegram: download failed", "file", name, "err", scrub(err, b.opts.Token))
		reply(msg(l, "upload_download"))
		return
	}
	rep, err := b.opts.Ingester.IngestBytes(ctx, "telegram/"+name, data)
	stopTyping()
	switch {
	case err != nil:
		j.log.Error("telegram: ingest failed", "file", name, "err", err)
		reply(fmt.Sprintf(msg(l, "upload_failed"), name, msg(l, "reason_internal")))
	case len(rep.Failed) > 0:
		j.log.Info("telegram: upload not ingested", "file", name, "err", rep.Failed[0].Err)
		reply(fmt.Sprintf(msg(l, "upload_failed"), name, uploadReason(rep.Failed[0].Err, l)))
	case rep.Added+rep.Replaced == 0:
		reply(fmt.Sprintf(msg(l, "upload_same"), name))
	default:
		j.log.Info("telegram: document added", "file", name, "added", rep.Added, "replaced", rep.Replaced, "chunks", rep.Chunks)
		reply(fmt.Sprintf(msg(l, "upload_ok"), name, rep.Added, rep.Replaced, rep.Chunks))
	}
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(1, n>>10))
}

// sendAll sends messages in order, returning the first one's id.
func (b *Bot) sendAll(ctx context.Context, chat int64, replyTo int, out []outMessage) (int, error) {
	first := 0
	for i, om := range out {
		rt := 0
		if i == 0 {
			rt = replyTo
		}
		id, err := b.sendOne(ctx, chat, rt, om, om.HTML != "")
		if err != nil {
			return first, err
		}
		if i == 0 {
			first = id
		}
	}
	return first, nil
}

// sendOne sends one message, as HTML when asHTML, falling back to plain text when Telegram
// cannot parse the markup.
func (b *Bot) sendOne(ctx context.Context, chat int64, replyTo int, om outMessage, asHTML bool) (int, error) {
	mk := func(html bool) tgbotapi.MessageConfig {
		c := tgbotapi.NewMessage(chat, om.Plain)
		if html {
			c.Text, c.ParseMode = om.HTML, tgbotapi.ModeHTML
		}
		c.DisableWebPagePreview = true
		c.ReplyToMessageID = replyTo
		c.AllowSendingWithoutReply = replyTo != 0
		return c
	}
	var sent tgbotapi.Message
	err := b.paced(ctx, chat, func() error {
		var err error
		sent, err = b.api.Send(mk(asHTML))
		if asHTML && isParseError(err) {
			b.log.Warn("telegram: HTML rejected; sending plain text", "chat", chat, "err", err)
			sent, err = b.api.Send(mk(false))
		}
		return err
	})
	return sent.MessageID, err
}

// edit replaces a message's text.
func (b *Bot) edit(ctx context.Context, chat int64, id int, om outMessage, asHTML bool) error {
	mk := func(html bool) tgbotapi.EditMessageTextConfig {
		c := tgbotapi.NewEditMessageText(chat, id, om.Plain)
		if html {
			c.Text, c.ParseMode = om.HTML, tgbotapi.ModeHTML
		}
		c.DisableWebPagePreview = true
		return c
	}
	return b.paced(ctx, chat, func() error {
		_, err := b.api.Send(mk(asHTML))
		if asHTML && isParseError(err) {
			_, err = b.api.Send(mk(false))
		}
		if isNotModified(err) {
			return nil
		}
		return err
	})
}

// paced waits for the chat's and the bot's send pace, then calls call with retries on 429.
func (b *Bot) paced(ctx context.Context, chat int64, call func() error) error {
	if err := b.chatPace.wait(ctx, chat); err != nil {
		return err
	}
	if err := b.global.wait(ctx, 0); err != nil {
		return err
	}
	return b.retry(ctx, call)
}

// maxRetries bounds the retries of one call that Telegram answers with 429.
const maxRetries = 3

// retry calls call, sleeping for Telegram's retry_after and trying again when it answers 429.
func (b *Bot) retry(ctx context.Context, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		d := b.retryAfter(err)
		if d == 0 || attempt == maxRetries {
			return scrub(err, b.opts.Token)
		}
		b.log.Info("telegram: rate limited by Telegram; waiting", "retry_after", d)
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}
