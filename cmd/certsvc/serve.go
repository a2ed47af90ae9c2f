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
	"runtime/debug"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/trace"

	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/challenge"
	"github.com/certsvc/certsvc/internal/config"
	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/email"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/server"
	"github.com/certsvc/certsvc/internal/service"
	"github.com/certsvc/certsvc/internal/store"
)

// env is what a command has set up: configuration, logger, database, service.
type env struct {
	cfg *config.Config
	log *slog.Logger
	db  *store.DB
	svc *service.Service
	reg *prometheus.Registry
	// kinds are the processing-module kinds of this build.
	kinds *provider.Registry
}

// parseFlags parses the flags of a command: set names the groups it takes.
func parseFlags(name, summary string, args []string, getenv func(string) string, stderr io.Writer, set config.Flags) (*config.Config, error) {
	fs := flag.NewFlagSet("certsvc "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: certsvc %s [flags]\n\n%s.\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	cfg, finish := config.RegisterFlags(fs, getenv, set)
	addConfigFlag(fs, getenv)
	if err := parseArgs(fs, args, getenv); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// open opens the database and builds the service. migrate says whether to
// apply pending migrations; without it a database behind the binary is an
// error that names the command to run. requireKey refuses a MySQL store
// without a master key before anything is migrated or written.
func open(ctx context.Context, cfg *config.Config, stderr io.Writer, migrate func(dia string) bool, requireKey bool) (*env, error) {
	return openTraced(ctx, cfg, stderr, migrate, requireKey, nil)
}

// openTraced is open for the server: its service records spans to tp
// (none when nil) and takes the server's settings.
func openTraced(ctx context.Context, cfg *config.Config, stderr io.Writer, migrate func(dia string) bool, requireKey bool, tp trace.TracerProvider) (*env, error) {
	var level slog.LevelVar
	level.Set(cfg.LogLevel)
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: &level}))
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	keyring, err := loadKeyring(cfg, db.Dialect, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	if keyring == nil && requireKey {
		db.Close()
		return nil, errors.New("no master key: on MySQL certsvc needs CERTSVC_MASTER_KEY or --master-key-file, the same in " +
			"every replica, to keep private keys and to create the built-in CA; make one with `certsvc admin master-key`")
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
	// The one list of the CA modules this build offers. HTTP-01 answers
	// live in the store: any replica answers the CA.
	kinds, err := registry.DefaultWith(challenge.New(db.Ent))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("module kinds: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// E-mail is on when a relay is set; its settings were checked with the flags.
	var sender email.Sender
	if cfg.SMTP.Enabled() {
		s, err := mail.NewSender(cfg.SMTP)
		if err != nil {
			db.Close()
			return nil, err
		}
		sender = s
		log.Info("e-mail notifications on", "smtp", cfg.SMTP.String(), "operators", len(cfg.OperatorEmails))
	}
	// Failed logins are counted in the store, so every replica refuses the
	// same guesses.
	svc := service.New(service.Options{DB: db, Logger: log, SessionTTL: cfg.SessionTTL, Registerer: reg,
		Limiter: db.LoginLimiter(auth.LimiterConfig{}), AddrLimiter: db.LoginLimiter(rpc.AddrLimiterConfig),
		Mail: sender, OperatorEmails: cfg.OperatorEmails, OperatorLanguage: cfg.OperatorLanguage,
		Keyring: keyring, Kinds: kinds, TracerProvider: tp, WatchKeepAlive: cfg.WatchKeepAlive,
		Outbox:   outbox.Options{ExpiryDays: cfg.ExpiryReminders, PublicURL: cfg.PublicURL},
		Webhooks: webhook.Options{AllowPrivate: cfg.WebhookAllowPrivate, AllowHTTP: cfg.WebhookAllowHTTP}})
	return &env{cfg: cfg, log: log, db: db, svc: svc, reg: reg, kinds: kinds}, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	start := time.Now()
	cfg, err := parseFlags("serve", "Serve the API: gRPC, Connect and the legacy gateway on one port", args, getenv, stderr, config.AllFlags)
	if err != nil {
		return err
	}
	server.TuneGC(getenv)
	// What can be refused is refused before the store is touched: the TLS
	// key pair, the listen address, another process on the same data.
	var tlsConfig *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("--tls-cert, --tls-key: load the key pair: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	unlock, err := lockStore(cfg)
	if err != nil {
		return err
	}
	defer unlock()
	var tp trace.TracerProvider
	if cfg.Tracing {
		sdk, err := newTracerProvider(ctx, cfg, getenv)
		if err != nil {
			return err
		}
		// Last, after the server and the worker stopped: what they traced
		// is sent.
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = sdk.Shutdown(sctx)
		}()
		tp = sdk
	}
	e, err := openTraced(ctx, cfg, stderr, func(dia string) bool {
		return cfg.Migrate == "always" || (cfg.Migrate == "auto" && dia == dialect.SQLite)
	}, true, tp)
	if err != nil {
		return err
	}
	defer e.db.Close()
	if tp != nil {
		logTraceErrors(e.log)
	}
	boot, err := e.svc.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		return err
	}
	reportBootstrap(e.log, stderr, boot, true)
	// Hashing the admin's password (argon2id) and seeding leave tens of MiB
	// of freed heap that an idle server would otherwise keep until the
	// scavenger returns it; give it back to the OS now.
	debug.FreeOSMemory()

	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler:           server.NewHandler(e.svc, e.kinds, e.log, e.reg, e.db.SQL.PingContext, cfg.CORSOrigins),
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		// ReadTimeout must be set with h2c: ReadHeaderTimeout alone has cut
		// live HTTP/2 connections on some Go releases (golang/go#80876).
		ReadTimeout:    60 * time.Second,
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
		TLSConfig:      tlsConfig,
	}
	scheme := "http"
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
		scheme = "https"
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	janitorCtx, stopJanitor := context.WithCancel(ctx)
	defer stopJanitor()
	go e.svc.Worker.RunJanitor(janitorCtx, time.Hour)
	go e.svc.CRL.Run(janitorCtx, time.Hour) // CRLs signed again before their nextUpdate
	workerDone := make(chan struct{})
	if cfg.Worker {
		go func() {
			defer close(workerDone)
			var wg sync.WaitGroup
			defer wg.Wait()
			// The outbox sends the notifications beside the worker; a send
			// cut short by the shutdown is sent again after its lease.
			wg.Go(func() { _ = e.svc.Outbox.Run(janitorCtx) })
			_ = e.svc.Worker.RunWorker(janitorCtx)
		}()
	} else {
		close(workerDone)
	}
	e.log.Info("serving", "addr", ln.Addr().String(), "scheme", scheme, "database", e.db.Where, "tracing", cfg.Tracing,
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
	cfg, err := parseFlags("migrate", "Apply the database migrations and print the schema version", args, getenv, stderr, config.DatabaseFlags)
	if err != nil {
		return err
	}
	unlock, err := lockStore(cfg)
	if err != nil {
		return err
	}
	defer unlock()
	e, err := open(ctx, cfg, stderr, func(string) bool { return true }, false)
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
