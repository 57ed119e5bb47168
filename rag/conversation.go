package rag

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Conversations persists multi-turn history, one small JSON file per conversation under a
// directory, each replaced atomically. Only the last MaxTurns turns are kept: follow-ups refer
// to the recent past, and a bounded history keeps prompts and files small.
type Conversations struct {
	dir string
	mu  sync.Mutex
}

// MaxTurns is how many turns a conversation keeps.
const MaxTurns = 8

// MaxIdle is how long a conversation is kept after its last turn. Every HTTP question opens a
// conversation (so that a client can follow up), so they must expire.
const MaxIdle = 30 * 24 * time.Hour

// NewConversations keeps conversations under dir, creating it when needed, and deletes those
// idle for longer than MaxIdle.
func NewConversations(dir string) (*Conversations, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Conversations{dir: dir}
	return c, c.prune(time.Now().Add(-MaxIdle))
}

// prune deletes conversations last written before cutoff.
func (c *Conversations) prune(cutoff time.Time) error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func (c *Conversations) path(id string) string {
	return filepath.Join(c.dir, Hash([]byte(id))[:32]+".json")
}

// Load returns a conversation's turns, oldest first; an unknown id has none.
func (c *Conversations) Load(id string) ([]Turn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.load(id)
}

func (c *Conversations) load(id string) ([]Turn, error) {
	b, err := os.ReadFile(c.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var turns []Turn
	return turns, json.Unmarshal(b, &turns)
}

// Append adds a turn, dropping the oldest beyond MaxTurns.
func (c *Conversations) Append(id string, t Turn) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	turns, err := c.load(id)
	if err != nil {
		turns = nil // a damaged history is replaced, not fatal
	}
	turns = append(turns, t)
	if len(turns) > MaxTurns {
		turns = turns[len(turns)-MaxTurns:]
	}
	b, err := json.Marshal(turns)
	if err != nil {
		return err
	}
	// Not fsynced: a turn lost to a power cut costs a follow-up its context, while a sync per
	// question would cap the question rate at the disk's flush rate.
	return writeFileAtomic(c.path(id), b, false)
}

// Reset forgets a conversation.
func (c *Conversations) Reset(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := os.Remove(c.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// followUpPrefixes and followUpWords mark questions that lean on an earlier one. Length alone is
// no sign: "数字疗法是什么?" is short and stands on its own.
var (
	followUpPrefixes = []string{"那", "那么", "还有", "另外", "它", "其", "他们", "她", "他", "这个", "那个", "此外",
		"and ", "what about", "how about", "and what", "also"}
	followUpWords = []string{"它", "其", "他们", "她们", "这些", "那些", "该", "上述", "呢",
		" it ", " its ", " they ", " their ", " them ", " this ", " that ", " those ", " these ", " he ", " she "}
)

// standaloneQuery decides whether question follows up on history and returns the topic it
// continues: the last question that stood on its own. Without an LLM the retrieval query is
// topic + question: "那广东呢?" after "浙江省的数字化规划是什么?" searches both, and the
// follow-up's own words rank the passages.
func standaloneQuery(question string, history []Turn) (topic string, followUp bool) {
	if len(history) == 0 {
		return question, false
	}
	last := history[len(history)-1]
	prev := last.Topic
	if prev == "" {
		prev = last.Question
	}
	q := " " + strings.ToLower(question) + " "
	for _, p := range followUpPrefixes {
		if strings.HasPrefix(strings.TrimSpace(q), p) {
			return prev, true
		}
	}
	for _, w := range followUpWords {
		if strings.Contains(q, w) {
			return prev, true
		}
	}
	return question, false
}
