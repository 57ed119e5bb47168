package rag

import (
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Conversations keeps multi-turn history. Conversations whose ids start with TransientPrefix
// (the ids the HTTP API makes for a question asked without one) live only in a bounded
// in-memory cache: most such questions are never followed up, and writing a file for each let
// a stream of stateless questions fill the disk. Every other conversation is one small JSON
// file under a directory, replaced atomically, and the directory is capped too: beyond
// MaxStored files (or MaxStoredBytes) the least recently written are deleted. Only the last
// MaxTurns turns are kept: follow-ups refer to the recent past, and a bounded history keeps
// prompts and files small.
type Conversations struct {
	dir string

	mu sync.Mutex
	// files indexes the directory: file name → last write and size, so that the cap is kept
	// without listing the directory on every write.
	files      map[string]storedFile
	filesBytes int64
	mem        *memConversations

	// Caps, set from the package constants by NewConversations; tests lower them.
	maxStored      int
	maxStoredBytes int64
}

type storedFile struct {
	written time.Time
	size    int64
}

// MaxTurns is how many turns a conversation keeps.
const MaxTurns = 8

// MaxIdle is how long a stored conversation is kept after its last turn.
const MaxIdle = 30 * 24 * time.Hour

// Bounds of the stored conversations. A turn is at most a 2,000-character question and its
// answer, so a full file is some 100 KB at worst; 10,000 files of typical size (2–10 KB) take
// 20–100 MB, and MaxStoredBytes caps the worst case.
const (
	MaxStored      = 10_000
	MaxStoredBytes = 256 << 20
)

// TransientPrefix starts the ids of conversations kept in memory only.
const TransientPrefix = "tmp-"

// Bounds of the in-memory conversations: an hour covers a person's follow-ups, and the count
// and byte caps bound the memory a flood of questions can take.
const (
	TransientIdle     = time.Hour
	MaxTransient      = 10_000
	MaxTransientBytes = 64 << 20
)

// NewTransientID returns a fresh id for a conversation kept in memory only.
func NewTransientID() string { return TransientPrefix + randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// IsTransient reports whether a conversation id names a conversation kept in memory only.
func IsTransient(id string) bool { return strings.HasPrefix(id, TransientPrefix) }

// NewConversations keeps conversations under dir, creating it when needed, and deletes those
// idle for longer than MaxIdle and the oldest beyond the caps.
func NewConversations(dir string) (*Conversations, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Conversations{
		dir:            dir,
		files:          map[string]storedFile{},
		mem:            newMemConversations(MaxTransient, MaxTransientBytes, TransientIdle),
		maxStored:      MaxStored,
		maxStoredBytes: MaxStoredBytes,
	}
	if err := c.scan(time.Now().Add(-MaxIdle)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c, c.evict()
}

// scan indexes the directory, deleting conversations last written before cutoff.
func (c *Conversations) scan(cutoff time.Time) error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		if info.ModTime().Before(cutoff) { // a crashed write's temporary file goes too
			if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			continue
		}
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		c.files[e.Name()] = storedFile{written: info.ModTime(), size: info.Size()}
		c.filesBytes += info.Size()
	}
	return nil
}

// evict deletes the least recently written files while the directory is over a cap. It
// deletes down to 90% of the caps, so that a directory at its cap is not sorted again on
// every new conversation.
func (c *Conversations) evict() error {
	if len(c.files) <= c.maxStored && c.filesBytes <= c.maxStoredBytes {
		return nil
	}
	names := make([]string, 0, len(c.files))
	for name := range c.files {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return c.files[a].written.Compare(c.files[b].written) })
	keepFiles, keepBytes := c.maxStored*9/10, c.maxStoredBytes*9/10
	for _, name := range names {
		if len(c.files) <= keepFiles && c.filesBytes <= keepBytes {
			break
		}
		if err := os.Remove(filepath.Join(c.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		c.filesBytes -= c.files[name].size
		delete(c.files, name)
	}
	return nil
}

func (c *Conversations) name(id string) string { return Hash([]byte(id))[:32] + ".json" }

func (c *Conversations) path(id string) string { return filepath.Join(c.dir, c.name(id)) }

// Load returns a conversation's turns, oldest first; an unknown id has none.
func (c *Conversations) Load(id string) ([]Turn, error) {
	if IsTransient(id) {
		return c.mem.load(id, time.Now()), nil
	}
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
	if IsTransient(id) {
		c.mem.append(id, t, time.Now())
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	turns, err := c.load(id)
	if err != nil {
		turns = nil // a damaged history is replaced, not fatal
	}
	turns = keepRecent(append(turns, t))
	b, err := json.Marshal(turns)
	if err != nil {
		return err
	}
	// Not fsynced: a turn lost to a power cut costs a follow-up its context, while a sync per
	// question would cap the question rate at the disk's flush rate.
	if err := writeFileAtomic(c.path(id), b, false); err != nil {
		return err
	}
	name := c.name(id)
	c.filesBytes += int64(len(b)) - c.files[name].size
	c.files[name] = storedFile{written: time.Now(), size: int64(len(b))}
	return c.evict()
}

// keepRecent drops the turns beyond the last MaxTurns.
func keepRecent(turns []Turn) []Turn {
	if len(turns) > MaxTurns {
		turns = turns[len(turns)-MaxTurns:]
	}
	return turns
}

// Reset forgets a conversation.
func (c *Conversations) Reset(id string) error {
	if IsTransient(id) {
		c.mem.reset(id)
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	name := c.name(id)
	c.filesBytes -= c.files[name].size
	delete(c.files, name)
	err := os.Remove(c.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// memConversations is the in-memory cache of transient conversations: least recently used
// first out, beyond a count, a byte total, or an idle time.
type memConversations struct {
	mu       sync.Mutex
	max      int
	maxBytes int64
	idle     time.Duration
	bytes    int64
	lru      *list.List // of *memConversation, most recently used at the front
	byID     map[string]*list.Element
}

type memConversation struct {
	id    string
	turns []Turn
	used  time.Time
	size  int64
}

func newMemConversations(max int, maxBytes int64, idle time.Duration) *memConversations {
	return &memConversations{max: max, maxBytes: maxBytes, idle: idle, lru: list.New(), byID: map[string]*list.Element{}}
}

func (m *memConversations) load(id string, now time.Time) []Turn {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	el, ok := m.byID[id]
	if !ok {
		return nil
	}
	return slices.Clone(el.Value.(*memConversation).turns)
}

func (m *memConversations) append(id string, t Turn, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	el, ok := m.byID[id]
	if !ok {
		el = m.lru.PushFront(&memConversation{id: id})
		m.byID[id] = el
	}
	mc := el.Value.(*memConversation)
	mc.turns = keepRecent(append(mc.turns, t))
	mc.used = now
	m.bytes -= mc.size
	mc.size = int64(len(id))
	for _, t := range mc.turns {
		mc.size += int64(len(t.Question) + len(t.Answer) + len(t.Topic))
	}
	m.bytes += mc.size
	m.lru.MoveToFront(el)
	for m.lru.Len() > m.max || m.bytes > m.maxBytes {
		m.remove(m.lru.Back())
	}
}

func (m *memConversations) reset(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byID[id]; ok {
		m.remove(el)
	}
}

// expire drops the conversations idle for longer than m.idle; they sit at the back.
func (m *memConversations) expire(now time.Time) {
	for el := m.lru.Back(); el != nil && now.Sub(el.Value.(*memConversation).used) > m.idle; el = m.lru.Back() {
		m.remove(el)
	}
}

func (m *memConversations) remove(el *list.Element) {
	mc := m.lru.Remove(el).(*memConversation)
	m.bytes -= mc.size
	delete(m.byID, mc.id)
}

func (m *memConversations) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len()
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
