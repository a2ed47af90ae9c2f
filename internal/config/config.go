// Package config reads certsvc's configuration from command-line flags and
// CERTSVC_* environment variables. A flag wins over its variable; every
// setting has a usable default, so certsvc runs with none.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/certsvc/certsvc/internal/mail"
)

// Config is the configuration of the certsvc server and its commands.
type Config struct {
	// Addr is the listen address of all three doors (Connect, gRPC, gRPC-Web, metrics).
	Addr string
	// DataDir holds the embedded SQLite database when no DatabaseURL is given.
	DataDir string
	// DatabaseURL selects MySQL/MariaDB (mysql://user:pass@host:3306/db or a MySQL DSN).
	DatabaseURL string
	// Migrate says when to apply schema migrations at start: "auto" (on SQLite
	// only), "always" or "never".
	Migrate string
	// TLSCert and TLSKey enable TLS when both are set; otherwise h2c.
	TLSCert, TLSKey string
	// CORSOrigins are the browser origins allowed to call the API.
	CORSOrigins []string
	// LogLevel is debug, info, warn or error.
	LogLevel slog.Level
	// SessionTTL is the lifetime of a session token.
	SessionTTL time.Duration
	// ShutdownTimeout bounds the graceful shutdown after SIGTERM.
	ShutdownTimeout time.Duration
	// AdminPassword is the password of the admin created on first start; from
	// the environment only, never a flag, so it does not show in ps.
	AdminPassword string
	// MasterKeyFile holds the master key that encrypts private keys and
	// module credentials ("<id>:<base64 of 32 bytes>"). On the embedded
	// database a missing file at the default place is created.
	MasterKeyFile string
	// MasterKey is the master key itself, from CERTSVC_MASTER_KEY only; it
	// wins over MasterKeyFile.
	MasterKey string
	// OldMasterKeys are retired master keys still able to open what they
	// sealed, from CERTSVC_OLD_MASTER_KEYS (comma-separated) only; after
	// `certsvc admin rotate-keys` they can go.
	OldMasterKeys []string
	// Worker runs the background worker in this process.
	Worker bool
	// SMTP is the relay for e-mail notifications; no host, no e-mail.
	SMTP mail.Config
	// OperatorEmails get the operator notices (module balance low, breaker
	// open).
	OperatorEmails []string
	// OperatorLanguage is the language of the operator notices: en or ru.
	OperatorLanguage string
	// PublicURL is the console's public address, for the links notifications carry.
	PublicURL string
	// ExpiryReminders are the days before a certificate's end at which
	// certificate.expiring is sent.
	ExpiryReminders []int
	// WebhookAllowPrivate lets webhook endpoints reach loopback, private and
	// link-local addresses; WebhookAllowHTTP lets them use plain http.
	WebhookAllowPrivate, WebhookAllowHTTP bool
	// OTLPEndpoint is the URL of the OTLP/HTTP collector traces go to
	// (http://collector:4318); tracing is off when it and the standard
	// OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT are
	// all empty.
	OTLPEndpoint string
	// Tracing says whether traces are exported: OTLPEndpoint or one of the
	// standard variables is set.
	Tracing bool
	// WatchKeepAlive is how long a WatchCertificates stream stays silent
	// before the server sends a keep-alive message.
	WatchKeepAlive time.Duration
}

// Flags names the groups of flags a command takes.
type Flags uint8

const (
	// DatabaseFlags are what every command that opens the store takes:
	// --data-dir, --database-url, --migrate, --master-key-file, --log-level.
	DatabaseFlags Flags = 1 << iota
	// ServerFlags are the server's own: --addr, --tls-cert, --tls-key,
	// --cors-origins, --session-ttl, --shutdown-timeout, --worker, and the
	// e-mail ones, --smtp-* and --operator-email (smtp.go).
	ServerFlags
	// AllFlags are the flags of `certsvc serve`.
	AllFlags = DatabaseFlags | ServerFlags
)

// Register defines the flags of the server on fs, with defaults taken from
// the CERTSVC_* variables getenv returns, and returns a function that
// completes and checks the Config once fs is parsed.
func Register(fs *flag.FlagSet, getenv func(string) string) (*Config, func() error) {
	return RegisterFlags(fs, getenv, AllFlags)
}

// RegisterFlags is Register for the groups of flags in set only. Settings of
// the other groups keep their defaults (from the environment when valid) and
// are not checked, so a command's --help shows only what it uses.
func RegisterFlags(fs *flag.FlagSet, getenv func(string) string, set Flags) (*Config, func() error) {
	c := &Config{}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	// Flags of a group not asked for go to a set nobody parses or prints.
	dbFS, srvFS := fs, fs
	if set&DatabaseFlags == 0 {
		dbFS = flag.NewFlagSet("unused", flag.ContinueOnError)
	}
	if set&ServerFlags == 0 {
		srvFS = flag.NewFlagSet("unused", flag.ContinueOnError)
	}
	srvFS.StringVar(&c.Addr, "addr", env("CERTSVC_ADDR", ":8080"), "listen `address` (CERTSVC_ADDR)")
	dbFS.StringVar(&c.DataDir, "data-dir", env("CERTSVC_DATA_DIR", "data"), "`directory` of the embedded SQLite database (CERTSVC_DATA_DIR)")
	// The URL may hold a password: it is read from the environment after
	// parsing, never made a flag default that --help would print.
	dbFS.StringVar(&c.DatabaseURL, "database-url", "",
		"MySQL/MariaDB `url`, mysql://user:pass@host:3306/db; empty for embedded SQLite (CERTSVC_DATABASE_URL;\nCERTSVC_DATABASE_URL_FILE names a file holding it)")
	dbFS.StringVar(&c.Migrate, "migrate", env("CERTSVC_MIGRATE", "auto"),
		"apply schema migrations at start: auto (SQLite only), always, never (CERTSVC_MIGRATE)")
	srvFS.StringVar(&c.TLSCert, "tls-cert", env("CERTSVC_TLS_CERT", ""), "TLS certificate `file`; with --tls-key serves HTTPS (CERTSVC_TLS_CERT)")
	srvFS.StringVar(&c.TLSKey, "tls-key", env("CERTSVC_TLS_KEY", ""), "TLS private key `file` (CERTSVC_TLS_KEY)")
	origins := srvFS.String("cors-origins", env("CERTSVC_CORS_ORIGINS", ""), "comma-separated browser `origins` allowed to call the API, or * (CERTSVC_CORS_ORIGINS)")
	level := dbFS.String("log-level", env("CERTSVC_LOG_LEVEL", "info"), "log `level`: debug, info, warn, error (CERTSVC_LOG_LEVEL)")
	ttl := srvFS.String("session-ttl", env("CERTSVC_SESSION_TTL", "12h"), "session token `lifetime` (CERTSVC_SESSION_TTL)")
	dbFS.StringVar(&c.MasterKeyFile, "master-key-file", env("CERTSVC_MASTER_KEY_FILE", ""),
		"`file` with the master key that encrypts private keys; default <data-dir>/master.key, created on the\nembedded database (CERTSVC_MASTER_KEY_FILE; CERTSVC_MASTER_KEY holds the key itself,\nCERTSVC_OLD_MASTER_KEYS retired keys)")
	worker := srvFS.String("worker", env("CERTSVC_WORKER", "true"), "run the background worker in this process: true or false (CERTSVC_WORKER)")
	srvFS.StringVar(&c.OTLPEndpoint, "otlp-endpoint", env("CERTSVC_OTLP_ENDPOINT", ""),
		"OTLP/HTTP `url` to export traces to, e.g. http://localhost:4318; tracing is off unless this or the standard\nOTEL_EXPORTER_OTLP_ENDPOINT is set (CERTSVC_OTLP_ENDPOINT)")
	keepAlive := srvFS.String("watch-keepalive", env("CERTSVC_WATCH_KEEPALIVE", "30s"),
		"`interval` of silence after which WatchCertificates streams get a keep-alive message (CERTSVC_WATCH_KEEPALIVE)")
	shutdown := srvFS.String("shutdown-timeout", env("CERTSVC_SHUTDOWN_TIMEOUT", "15s"), "graceful shutdown `limit` (CERTSVC_SHUTDOWN_TIMEOUT)")
	finishSMTP := registerSMTP(srvFS, getenv, c)
	srvFS.StringVar(&c.PublicURL, "public-url", env("CERTSVC_PUBLIC_URL", ""), "the public `url` of this certsvc (absolute http/https): links in notifications, and the built-in CA's CRL distribution point <url>/crl/<module id>.crl unless its crl_base_url is set (CERTSVC_PUBLIC_URL)")
	reminders := srvFS.String("expiry-reminders", env("CERTSVC_EXPIRY_REMINDERS", "30,14,7,1"),
		"comma-separated `days` before a certificate's end to notify it is expiring; \"\" for none (CERTSVC_EXPIRY_REMINDERS)")
	allowPrivate := srvFS.String("webhook-allow-private", env("CERTSVC_WEBHOOK_ALLOW_PRIVATE", "false"),
		"let webhook endpoints reach loopback, private and link-local addresses: true or false (CERTSVC_WEBHOOK_ALLOW_PRIVATE)")
	allowHTTP := srvFS.String("webhook-allow-http", env("CERTSVC_WEBHOOK_ALLOW_HTTP", "false"),
		"let webhook endpoints use plain http: true or false (CERTSVC_WEBHOOK_ALLOW_HTTP)")
	return c, func() error {
		// Each error goes to its group; a group not asked for is not checked
		// and keeps the default where its value does not parse.
		var dbErrs, srvErrs []error
		if c.DatabaseURL == "" {
			c.DatabaseURL = getenv("CERTSVC_DATABASE_URL")
		}
		if c.DatabaseURL == "" {
			if f := getenv("CERTSVC_DATABASE_URL_FILE"); f != "" {
				b, err := os.ReadFile(f)
				if err != nil {
					dbErrs = append(dbErrs, fmt.Errorf("CERTSVC_DATABASE_URL_FILE: %w", err))
				}
				c.DatabaseURL = strings.TrimSpace(string(b))
			}
		}
		switch c.Migrate {
		case "auto", "always", "never":
		default:
			dbErrs = append(dbErrs, fmt.Errorf("--migrate: %q is not auto, always or never", c.Migrate))
		}
		if err := checkAddr(c.Addr); err != nil {
			srvErrs = append(srvErrs, err)
		}
		if (c.TLSCert == "") != (c.TLSKey == "") {
			srvErrs = append(srvErrs, errors.New("--tls-cert and --tls-key go together"))
		}
		for _, o := range strings.Split(*origins, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
		if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
			dbErrs = append(dbErrs, fmt.Errorf("--log-level: %w", err))
			c.LogLevel = slog.LevelInfo
		}
		var err error
		if c.SessionTTL, err = time.ParseDuration(*ttl); err != nil || c.SessionTTL <= 0 {
			srvErrs = append(srvErrs, fmt.Errorf("--session-ttl: %q is not a positive duration such as 12h", *ttl))
			c.SessionTTL = 12 * time.Hour
		}
		if c.ShutdownTimeout, err = time.ParseDuration(*shutdown); err != nil || c.ShutdownTimeout <= 0 {
			srvErrs = append(srvErrs, fmt.Errorf("--shutdown-timeout: %q is not a positive duration such as 15s", *shutdown))
			c.ShutdownTimeout = 15 * time.Second
		}
		if c.WatchKeepAlive, err = time.ParseDuration(*keepAlive); err != nil || c.WatchKeepAlive <= 0 {
			srvErrs = append(srvErrs, fmt.Errorf("--watch-keepalive: %q is not a positive duration such as 30s", *keepAlive))
			c.WatchKeepAlive = 30 * time.Second
		}
		if c.OTLPEndpoint != "" {
			if u, err := url.Parse(c.OTLPEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				srvErrs = append(srvErrs, fmt.Errorf("--otlp-endpoint: %q is not an http or https URL such as http://localhost:4318", c.OTLPEndpoint))
			}
		}
		if c.PublicURL != "" {
			if err := checkPublicURL(c.PublicURL); err != nil {
				srvErrs = append(srvErrs, err)
			}
		}
		c.Tracing = c.OTLPEndpoint != "" || getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
		c.AdminPassword = getenv("CERTSVC_ADMIN_PASSWORD")
		c.MasterKey = getenv("CERTSVC_MASTER_KEY")
		for _, k := range strings.Split(getenv("CERTSVC_OLD_MASTER_KEYS"), ",") {
			if k = strings.TrimSpace(k); k != "" {
				c.OldMasterKeys = append(c.OldMasterKeys, k)
			}
		}
		switch *worker {
		case "true", "false":
			c.Worker = *worker == "true"
		default:
			srvErrs = append(srvErrs, fmt.Errorf("--worker: %q is not true or false", *worker))
			c.Worker = true
		}
		srvErrs = append(srvErrs, finishSMTP()...)
		c.ExpiryReminders = []int{}
		for _, d := range strings.Split(*reminders, ",") {
			if d = strings.TrimSpace(d); d == "" {
				continue
			}
			n, err := strconv.Atoi(d)
			if err != nil || n <= 0 || n > 365 {
				srvErrs = append(srvErrs, fmt.Errorf("--expiry-reminders: %q is not a number of days from 1 to 365", d))
				continue
			}
			c.ExpiryReminders = append(c.ExpiryReminders, n)
		}
		for name, b := range map[string]struct {
			v   string
			out *bool
		}{"--webhook-allow-private": {*allowPrivate, &c.WebhookAllowPrivate}, "--webhook-allow-http": {*allowHTTP, &c.WebhookAllowHTTP}} {
			switch b.v {
			case "true", "false":
				*b.out = b.v == "true"
			default:
				srvErrs = append(srvErrs, fmt.Errorf("%s: %q is not true or false", name, b.v))
			}
		}
		var errs []error
		if set&DatabaseFlags != 0 {
			errs = append(errs, dbErrs...)
		}
		if set&ServerFlags != 0 {
			errs = append(errs, srvErrs...)
		}
		return errors.Join(errs...)
	}
}

// checkPublicURL accepts an absolute http or https URL with a host and no
// credentials, query or fragment: the base of console links in
// notifications and of the built-in CA's CRL distribution points.
func checkPublicURL(v string) error {
	u, err := url.Parse(v)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != "" &&
		u.User == nil && u.RawQuery == "" && u.Fragment == "" {
		return nil
	}
	return fmt.Errorf("--public-url: %q is not an absolute http or https URL without query, such as https://certsvc.example", v)
}

// checkAddr refuses a listen address net.Listen would refuse for its form:
// no port, or a port that is neither a number from 0 to 65535 nor a service.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr: %q is not host:port or :port (%w)", addr, err)
	}
	if n, err := strconv.Atoi(port); err == nil {
		if n < 0 || n > 65535 {
			return fmt.Errorf("--addr: %q: port %d is not in 0-65535", addr, n)
		}
		return nil
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("--addr: %q: port %q is not a number or a known service", addr, port)
	}
	return nil
}
