package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"entgo.io/ent/dialect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"certsvc/internal/config"
	"certsvc/internal/server"
	"certsvc/internal/service"
	"certsvc/internal/store"
)

// env is what a command has set up: configuration, logger, database, service.
type env struct {
	cfg *config.Config
	log *slog.Logger
	db  *store.DB
	svc *service.Service
	reg *prometheus.Registry
}

// parseFlags parses the common flags of a command, plus extra ones.
func parseFlags(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (*config.Config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet("certsvc "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, finish := config.Register(fs, getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if err := finish(); err != nil {
		return nil, nil, err
	}
	return cfg, fs, nil
}

// open opens the database and builds the service. migrate says whether to
// apply pending migrations; without it a database behind the binary is an
// error that names the command to run.
func open(ctx context.Context, cfg *config.Config, stderr io.Writer, migrate func(dia string) bool) (*env, error) {
	var level slog.LevelVar
	level.Set(cfg.LogLevel)
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: &level}))
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	if migrate(db.Dialect) {
		applied, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if len(applied) > 0 {
			log.Info("migrated", "database", db.Where, "versions", applied)
		}
	} else {
		cur, latest, err := db.SchemaVersion(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if cur < latest {
			db.Close()
			return nil, fmt.Errorf("database %s is at schema version %d, this binary needs %d: run `certsvc migrate` first", db.Where, cur, latest)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	keyring, err := loadKeyring(cfg, db.Dialect, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	svc := service.New(service.Options{DB: db, Logger: log, SessionTTL: cfg.SessionTTL, Registerer: reg,
		Keyring: keyring, Kinds: service.DefaultKinds()})
	return &env{cfg: cfg, log: log, db: db, svc: svc, reg: reg}, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	start := time.Now()
	cfg, _, err := parseFlags("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	e, err := open(ctx, cfg, stderr, func(dia string) bool {
		return cfg.Migrate == "always" || (cfg.Migrate == "auto" && dia == dialect.SQLite)
	})
	if err != nil {
		return err
	}
	defer e.db.Close()
	boot, err := e.svc.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		return err
	}
	if boot.PlansSeeded > 0 {
		e.log.Info("catalog seeded", "plans", boot.PlansSeeded)
	}
	if boot.ModuleCreated {
		e.log.Info("built-in CA module created", "auto_approve", true)
	}
	if boot.AdminLogin != "" {
		e.log.Info("admin created", "login", boot.AdminLogin, "password_generated", boot.AdminPassword != "")
		if boot.AdminPassword != "" {
			// Printed once, outside the structured log, for the operator's eyes.
			fmt.Fprintf(stderr, "\ncertsvc: created admin %q with password %s\n(shown only now; set CERTSVC_ADMIN_PASSWORD on first start to choose it)\n\n",
				boot.AdminLogin, boot.AdminPassword)
		}
	}

	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler:           server.NewHandler(e.svc, e.log, e.reg, e.db.SQL.PingContext, cfg.CORSOrigins),
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		// ReadTimeout must be set with h2c: ReadHeaderTimeout alone has cut
		// live HTTP/2 connections on some Go releases (golang/go#80876).
		ReadTimeout:    60 * time.Second,
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("load TLS key pair: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
		scheme = "https"
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	janitorCtx, stopJanitor := context.WithCancel(ctx)
	defer stopJanitor()
	go e.svc.Worker.RunJanitor(janitorCtx, time.Hour)
	workerDone := make(chan struct{})
	if cfg.Worker {
		go func() {
			defer close(workerDone)
			_ = e.svc.Worker.RunWorker(janitorCtx)
		}()
	} else {
		close(workerDone)
	}
	e.log.Info("serving", "addr", ln.Addr().String(), "scheme", scheme, "database", e.db.Where,
		"startup_ms", time.Since(start).Milliseconds())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	e.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	// Jobs in flight finish their step or leave it to be resumed from the
	// database; either way nothing is lost.
	stopJanitor()
	<-workerDone
	e.log.Info("stopped")
	return nil
}

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseFlags("migrate", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	e, err := open(ctx, cfg, stderr, func(string) bool { return true })
	if err != nil {
		return err
	}
	defer e.db.Close()
	cur, _, err := e.db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is at schema version %d\n", e.db.Where, cur)
	return nil
}
