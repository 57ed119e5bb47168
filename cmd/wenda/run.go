package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/wenda-dev/wenda/config"
	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag"
)

const usage = `wenda answers questions from your documents and cites its sources.

Usage:
  wenda [--data DIR] [--knowledge DIR] ingest [--rebuild] PATH...
  wenda [--data DIR] [--knowledge DIR] search [--json] [-k N] [--mode hybrid|vector|bm25] QUERY
  wenda [--data DIR] [--knowledge DIR] ask [--json] QUESTION
  wenda [--data DIR] [--knowledge DIR] eval [--json] [-k N] [--mode M] --queries FILE
  wenda [--data DIR] [--knowledge DIR] eval --answers [--json] [-v] --queries FILE
  wenda [--data DIR] [--knowledge DIR] serve

Global options:
  --data DIR        index and state (default $WENDA_DATA_DIR, else ./wenda-data)
  --knowledge DIR   folder kept in sync with the index (default $WENDA_KNOWLEDGE_DIR)
`

// errUsage marks a command line that cannot be run; main exits 2 for it.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// run is the whole program: everything it touches in the OS comes in as a parameter.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, cfgErr := config.FromEnv(getenv)
	global := flag.NewFlagSet("wenda", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	global.StringVar(&cfg.DataDir, "data", cfg.DataDir, "index and state directory")
	global.StringVar(&cfg.KnowledgeDir, "knowledge", cfg.KnowledgeDir, "folder kept in sync with the index")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if cfgErr != nil {
		return fmt.Errorf("configuration:\n%w", cfgErr)
	}
	if global.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	cmd, rest := global.Arg(0), global.Args()[1:]
	logger := newLogger(stderr, cfg.LogLevel, cmd == "serve")

	var app *app
	open := func(rebuild bool) error {
		var err error
		app, err = openApp(ctx, cfg, logger, rebuild, stderr)
		return err
	}
	switch cmd {
	case "ingest":
		fs := newFlags("ingest", stderr)
		rebuild := fs.Bool("rebuild", false, "discard the index (e.g. after changing the embedder) and ingest anew")
		paths, err := parseArgs(fs, rest)
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return fmt.Errorf("%w: ingest needs at least one file or folder", errUsage)
		}
		if err := open(*rebuild); err != nil {
			return err
		}
		return app.ingest(ctx, paths, stdout)
	case "search":
		fs := newFlags("search", stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		k := fs.Int("k", 5, "number of passages")
		mode := fs.String("mode", "hybrid", "hybrid, vector or bm25")
		words, err := parseArgs(fs, rest)
		if err != nil {
			return err
		}
		m, err := rag.ParseMode(*mode)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if err := open(false); err != nil {
			return err
		}
		return app.search(ctx, strings.Join(words, " "), *k, m, *asJSON, stdout)
	case "ask":
		fs := newFlags("ask", stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		conv := fs.String("conversation", "", "conversation id, for follow-up questions")
		words, err := parseArgs(fs, rest)
		if err != nil {
			return err
		}
		if err := open(false); err != nil {
			return err
		}
		return app.ask(ctx, strings.Join(words, " "), *conv, *asJSON, stdout)
	case "eval":
		fs := newFlags("eval", stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		k := fs.Int("k", 10, "retrieval depth")
		mode := fs.String("mode", "hybrid", "hybrid, vector or bm25")
		queries := fs.String("queries", "", "queries file (.jsonl)")
		answers := fs.Bool("answers", false, "evaluate answers against labelled ones instead of retrieval")
		var show bool
		fs.BoolVar(&show, "v", false, "with --answers, print every question answered wrongly and the answer given (with --json, every question's outcome)")
		fs.BoolVar(&show, "show", false, "same as -v")
		if _, err := parseArgs(fs, rest); err != nil {
			return err
		}
		if *queries == "" {
			return fmt.Errorf("%w: eval needs --queries FILE", errUsage)
		}
		if *answers {
			var retrievalOnly []string
			fs.Visit(func(f *flag.Flag) {
				if f.Name == "k" || f.Name == "mode" {
					retrievalOnly = append(retrievalOnly, "-"+f.Name)
				}
			})
			if len(retrievalOnly) > 0 {
				return fmt.Errorf("%w: --answers does not take %s (retrieval eval only)", errUsage, strings.Join(retrievalOnly, " or "))
			}
			if err := open(false); err != nil {
				return err
			}
			return app.evalAnswers(ctx, *queries, *asJSON, show, stdout)
		}
		m, err := rag.ParseMode(*mode)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if err := open(false); err != nil {
			return err
		}
		return app.eval(ctx, *queries, *k, m, *asJSON, stdout)
	case "serve":
		if _, err := parseArgs(newFlags("serve", stderr), rest); err != nil {
			return err
		}
		return serve(ctx, cfg, logger, stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseArgs parses flags that may come before or after the positional arguments
// (`ask "问题" --json` works as well as `ask --json "问题"`).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newLogger(w io.Writer, level string, verbose bool) *slog.Logger {
	lv := slog.LevelWarn
	if verbose {
		lv = slog.LevelInfo
	}
	if level != "" {
		_ = lv.UnmarshalText([]byte(level))
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv}))
}

// app is the wired program: one store, its ingester and the question pipeline.
type app struct {
	cfg      config.Config
	logger   *slog.Logger
	store    *rag.Store
	ingester *ingest.Ingester
	searcher rag.Searcher
	engine   *rag.Engine
}

func openApp(ctx context.Context, cfg config.Config, logger *slog.Logger, rebuild bool, stderr io.Writer) (*app, error) {
	embedder, err := newEmbedder(cfg)
	if err != nil {
		return nil, err
	}
	store, err := rag.OpenStore(ctx, cfg.DataDir, embedder, rag.StoreOptions{Rebuild: rebuild, Logger: logger})
	if err != nil {
		return nil, err
	}
	conversations, err := rag.NewConversations(filepath.Join(cfg.DataDir, "conversations"))
	if err != nil {
		return nil, err
	}
	searcher := rag.Searcher{Store: store, Semantic: !cfg.LocalEmbeddings()}
	if cfg.RerankEnabled() {
		if searcher.Reranker, err = rag.NewReranker(rag.RerankOptions{
			BaseURL: cfg.Rerank.BaseURL, APIKey: cfg.Rerank.APIKey.Reveal(), Model: cfg.Rerank.Model, Logger: logger,
		}); err != nil {
			return nil, err
		}
	}
	a := &app{
		cfg:      cfg,
		logger:   logger,
		store:    store,
		searcher: searcher,
		ingester: &ingest.Ingester{Store: store, Logger: logger, Chunking: ingest.ChunkOptions{Size: cfg.ChunkSize, Overlap: cfg.ChunkOverlap}},
		engine: &rag.Engine{
			Store:         store,
			Retriever:     searcher,
			Conversations: conversations,
			AnswerMode:    cfg.AnswerMode,
			Logger:        logger,
		},
	}
	if cfg.LLMEnabled() {
		// A low temperature: answers should restate the documents, not vary. The tracking
		// wrapper only lets `eval --answers` count the questions that reached the model.
		a.engine.Generator = rag.TrackModelCalls(rag.NewOpenAIChat(rag.OpenAIOptions{
			BaseURL: cfg.LLM.BaseURL, APIKey: cfg.LLM.APIKey.Reveal(), Model: cfg.LLM.Model,
		}, 0.2))
	}
	if cfg.KnowledgeDir != "" {
		if _, err := os.Stat(cfg.KnowledgeDir); err != nil {
			return nil, fmt.Errorf("knowledge folder: %w", err)
		}
		rep, err := a.ingester.Sync(ctx, cfg.KnowledgeDir)
		if err != nil {
			return nil, fmt.Errorf("sync %s: %w", cfg.KnowledgeDir, err)
		}
		if rep.Added+rep.Replaced+rep.Removed > 0 || len(rep.Failed) > 0 {
			printReport(stderr, "synced "+cfg.KnowledgeDir, rep)
		}
	}
	return a, nil
}

func newEmbedder(cfg config.Config) (rag.Embedder, error) {
	if cfg.LocalEmbeddings() {
		return rag.LocalEmbedder{Dim: cfg.LocalDim}, nil
	}
	return rag.NewOpenAIEmbedder(rag.OpenAIOptions{
		BaseURL: cfg.Embed.BaseURL, APIKey: cfg.Embed.APIKey.Reveal(), Model: cfg.Embed.Model,
	}), nil
}

func (a *app) ingest(ctx context.Context, paths []string, stdout io.Writer) error {
	rep, err := a.ingester.Ingest(ctx, paths)
	printReport(stdout, "ingested", rep)
	if err != nil {
		return err
	}
	return rep.Err()
}

func printReport(w io.Writer, what string, rep ingest.Report) {
	fmt.Fprintf(w, "%s: %d files, %d added, %d replaced, %d unchanged, %d duplicates, %d removed, %d chunks written\n",
		what, rep.Files, rep.Added, rep.Replaced, rep.Unchanged, rep.Duplicates, rep.Removed, rep.Chunks)
	for _, f := range rep.Failed {
		fmt.Fprintf(w, "  failed: %s\n", terminalSafe(f.Error()))
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(w, "  skipped %d file(s) of unsupported type, e.g. %s\n", len(rep.Skipped), terminalSafe(rep.Skipped[0]))
	}
}

func (a *app) search(ctx context.Context, query string, k int, mode rag.Mode, asJSON bool, stdout io.Writer) error {
	searcher := a.searcher
	searcher.Mode = mode
	passages, err := searcher.Retrieve(ctx, query, k)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, rag.Hits(passages))
	}
	for i, p := range passages {
		fmt.Fprintf(stdout, "%d. %s  (%s, %.4f)\n   %s\n", i+1, terminalSafe(p.Title), terminalSafe(p.ChunkID), p.Score,
			terminalSafe(oneLine(p.Chunk.Text, 160)))
	}
	return nil
}

func (a *app) ask(ctx context.Context, question, conversation string, asJSON bool, stdout io.Writer) error {
	req := rag.AskRequest{Question: question, ConversationID: conversation}
	if !asJSON {
		req.OnDelta = func(d string) { io.WriteString(stdout, terminalSafe(d)) }
	}
	ans, err := a.engine.Ask(ctx, req)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, ans)
	}
	fmt.Fprintln(stdout)
	if len(ans.Sources) > 0 {
		heading, _ := prompts.Render(prompts.Lang(ans.Lang), "sources_heading", nil)
		fmt.Fprintf(stdout, "\n%s:\n", heading)
		for _, s := range ans.Sources {
			where := s.ChunkID
			if len(s.Section) > 0 {
				where += ", " + strings.Join(s.Section, " > ")
			}
			if s.Page > 0 {
				where += fmt.Sprintf(", p. %d", s.Page)
			}
			fmt.Fprintf(stdout, "[%d] %s (%s)\n", s.N, terminalSafe(s.Title), terminalSafe(where))
		}
	}
	return nil
}

func (a *app) eval(ctx context.Context, path string, k int, mode rag.Mode, asJSON bool, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	queries, err := rag.ReadEvalQueries(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	searcher := a.searcher
	searcher.Mode = mode
	rep, err := rag.Evaluate(ctx, searcher, queries, k)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "queries %d  R@1 %.3f  R@5 %.3f  R@10 %.3f  MRR@10 %.3f\n", rep.Queries, rep.Recall1, rep.Recall5, rep.Recall10, rep.MRR10)
	return nil
}

func (a *app) evalAnswers(ctx context.Context, path string, asJSON, show bool, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	queries, err := rag.ReadAnswerQueries(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	rep, err := rag.EvaluateAnswers(ctx, a.engine, queries, rag.AnswerEvalOptions{
		Conversations: a.engine.Conversations, Model: a.engine.Generator != nil,
	})
	if err != nil {
		return err
	}
	if asJSON {
		if !show {
			rep.Results = nil // the contract's shape; -v adds every question's outcome
		}
		return writeJSON(stdout, rep)
	}
	printAnswerReport(stdout, rep, show)
	return nil
}

// printAnswerReport prints a table with a row per kind and one for all questions, then, when
// show is set, every question answered wrongly with the answer it got.
func printAnswerReport(w io.Writer, rep rag.AnswerReport, show bool) {
	kinds := slices.Sorted(maps.Keys(rep.ByKind))
	model := rep.ReachedModel != nil
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "kind\tquestions\tanswerable\tright\taccuracy\tfalse abst.\tunanswerable\tabstained\t"
	if model {
		header += "reached model\t"
	}
	fmt.Fprintln(tw, header)
	row := func(name string, c rag.AnswerCounts) {
		acc := "-"
		if c.Answerable > 0 {
			acc = fmt.Sprintf("%.3f", c.AnswerAccuracy)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t", name, c.Questions, c.Answerable, c.Right, acc,
			c.FalseAbstentions, c.Unanswerable, c.AbstainedUnanswerable)
		if model {
			fmt.Fprintf(tw, "%d\t", *c.ReachedModel)
		}
		fmt.Fprintln(tw)
	}
	for _, k := range kinds {
		row(k, rep.ByKind[k])
	}
	row("all", rep.AnswerCounts)
	tw.Flush()
	if !show {
		return
	}
	for _, r := range rep.Results {
		if r.Right {
			continue
		}
		want := "an abstention"
		if !r.Query.Unanswerable {
			want = strings.Join(r.Query.Answers, " | ")
		}
		got := "answered"
		if r.Abstained {
			got = "abstained"
		}
		fmt.Fprintf(w, "\n%s [%s] %s\n  want: %s\n  got (%s): %s\n", r.Query.ID, rag.KindOf(r.Query), r.Query.Question,
			want, got, strings.ReplaceAll(strings.TrimSpace(r.Answer), "\n", "\n    "))
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// oneLine shortens s to at most n runes on one line, for terminal listings.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// terminalSafe spells out the control characters (other than line breaks and tabs) and
// bidirectional overrides in text bound for a terminal, as Go escapes them ("\x1b", "\u202e"):
// a document title or file name must not recolour, clear or retitle the user's terminal, nor
// show one name while meaning another. --json output needs none of this; JSON escapes them.
func terminalSafe(s string) string {
	unsafe := func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
	}
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unsafe(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r) // "'\x1b'"
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}
