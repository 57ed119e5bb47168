package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wenda-dev/wenda/api"
	"github.com/wenda-dev/wenda/bot"
	"github.com/wenda-dev/wenda/config"
	"github.com/wenda-dev/wenda/ingest"
)

// httpLimits maps the configuration onto the API's limits; the API spells "off" as -1.
func httpLimits(cfg config.Config) api.Limits {
	l := api.Limits{RateLimit: cfg.RateLimit, RateBurst: cfg.RateBurst, MaxUploadBytes: cfg.MaxUploadBytes,
		AnswerTimeout: cfg.AnswerTimeout}
	if cfg.RateLimit == 0 {
		l.RateLimit = -1
	}
	return l
}

// loopback reports whether addr is reachable from this machine only.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// shutdownTimeout is how long in-flight requests and streams get to finish after SIGTERM.
const shutdownTimeout = 30 * time.Second

// serve runs the HTTP API (and the Telegram bot when configured) until ctx ends, then drains.
// The knowledge folder is synced in the background while the server already answers /healthz;
// /readyz turns 200 when the first sync is done. It prints "listening on http://ADDR" to
// stdout once the port is bound (ADDR is the real port when WENDA_ADDR ends in :0).
func serve(ctx context.Context, cfg config.Config, logger *slog.Logger, stdout, stderr io.Writer) error {
	knowledge := cfg.KnowledgeDir
	if knowledge != "" {
		if _, err := os.Stat(knowledge); err != nil {
			return fmt.Errorf("knowledge folder: %w", err)
		}
	}
	open := cfg
	open.KnowledgeDir = "" // synced below, by the watcher
	a, err := openApp(ctx, open, logger, false, stderr)
	if err != nil {
		return err
	}
	a.cfg.KnowledgeDir = knowledge

	metrics := api.NewMetrics()
	if a.searcher.Reranker != nil {
		metrics.ObserveReranker(a.searcher.Reranker.Stats)
	}
	a.engine.Retriever = metrics.TimeRetriever(a.engine.Retriever)
	var ready atomic.Bool
	ready.Store(knowledge == "")
	keys := make([]string, len(cfg.APIKeys))
	for i, k := range cfg.APIKeys {
		keys[i] = k.Reveal()
	}
	mux := http.NewServeMux()
	// The bot is created (and its webhook route mounted) before serving, but connects in the
	// background: Telegram being unreachable never keeps the HTTP API from starting.
	var tg *bot.Bot
	var tgState func() string
	if cfg.TelegramToken != "" {
		if tg, err = newTelegram(a, mux); err != nil {
			return err
		}
		tgState = func() string { return string(tg.State()) }
	}
	handler := api.NewServer(api.Deps{
		Asker:     a.engine,
		Searcher:  a.searcher,
		Documents: a.store,
		Uploader:  a.ingester,
		Ready: func() error {
			if !ready.Load() {
				return errors.New("the knowledge folder is being indexed")
			}
			return nil
		},
		Telegram:     tgState,
		Logger:       logger,
		APIKeys:      keys,
		AllowedHosts: cfg.AllowedHosts,
		Metrics:      metrics,
		Limits:       httpLimits(cfg),
	})
	mux.Handle("/", handler)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if len(keys) == 0 && !loopback(ln.Addr()) {
		if !cfg.AllowPublicNoAuth {
			ln.Close()
			return fmt.Errorf("WENDA_ADDR %s can be reached from other machines and WENDA_API_KEYS is empty: anyone who reaches it could ask, upload and delete documents; "+
				"set WENDA_API_KEYS, listen on 127.0.0.1, or set WENDA_ALLOW_PUBLIC_NO_AUTH=1 to serve without keys anyway", cfg.Addr)
		}
		logger.Warn("SERVING WITHOUT API KEYS ON A NON-LOOPBACK ADDRESS: anyone who can reach it can ask, upload and delete documents (WENDA_ALLOW_PUBLIC_NO_AUTH=1)",
			"addr", ln.Addr().String())
	}
	srv := &http.Server{
		// The outer mux answers its own redirects; JSONMuxErrors makes them JSON like the API's.
		Handler:           api.JSONMuxErrors(mux),
		ReadHeaderTimeout: 10 * time.Second,
		// net/http refuses headers beyond this (plus 4 KiB) in plain text before any handler;
		// the API refuses beyond api.MaxHeaderBytes in JSON, so only a request of over 1 MiB of
		// headers sees the plain answer.
		MaxHeaderBytes: 1 << 20,
		// Bounds reading a whole request, uploads included (32 MiB at ~300 KB/s). There is no
		// WriteTimeout: it would cut long answer streams; handlers set write deadlines instead.
		ReadTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	var wg sync.WaitGroup
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	if knowledge != "" {
		wg.Go(func() {
			a.ingester.Watch(bg, knowledge, ingest.WatchOptions{Interval: cfg.WatchInterval, OnSync: func(rep ingest.Report, err error) {
				if err == nil && !ready.Load() {
					ready.Store(true)
					logger.Info("ready", "documents", a.store.Stats().Documents, "chunks", a.store.Stats().Chunks)
				}
				for _, f := range rep.Failed {
					logger.Warn("knowledge file not indexed", "err", f.Error())
				}
			}})
		})
	}
	if tg != nil {
		wg.Go(func() { runTelegram(bg, tg, logger) })
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "auth", len(keys) > 0)
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	select {
	case err := <-serveErr:
		stopBG()
		wg.Wait()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", "timeout", shutdownTimeout)
	stopBG()
	// A fresh context: ctx is already cancelled.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if err != nil {
		srv.Close()
		err = fmt.Errorf("shutdown: %w", err)
	}
	wg.Wait()
	logger.Info("stopped")
	return err
}
