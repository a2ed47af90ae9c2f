// Package config reads certsvc's configuration from command-line flags and
// CERTSVC_* environment variables. A flag wins over its variable; every
// setting has a usable default, so certsvc runs with none.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
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
}

// Register defines the flags of the server on fs, with defaults taken from
// the CERTSVC_* variables getenv returns, and returns a function that
// completes and checks the Config once fs is parsed.
func Register(fs *flag.FlagSet, getenv func(string) string) (*Config, func() error) {
	c := &Config{}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("CERTSVC_ADDR", ":8080"), "listen `address` (CERTSVC_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("CERTSVC_DATA_DIR", "data"), "`directory` of the embedded SQLite database (CERTSVC_DATA_DIR)")
	// The URL may hold a password: it is read from the environment after
	// parsing, never made a flag default that --help would print.
	fs.StringVar(&c.DatabaseURL, "database-url", "",
		"MySQL/MariaDB `url`, mysql://user:pass@host:3306/db; empty for embedded SQLite (CERTSVC_DATABASE_URL;\nCERTSVC_DATABASE_URL_FILE names a file holding it)")
	fs.StringVar(&c.Migrate, "migrate", env("CERTSVC_MIGRATE", "auto"),
		"apply schema migrations at start: auto (SQLite only), always, never (CERTSVC_MIGRATE)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("CERTSVC_TLS_CERT", ""), "TLS certificate `file`; with --tls-key serves HTTPS (CERTSVC_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", env("CERTSVC_TLS_KEY", ""), "TLS private key `file` (CERTSVC_TLS_KEY)")
	origins := fs.String("cors-origins", env("CERTSVC_CORS_ORIGINS", ""), "comma-separated browser `origins` allowed to call the API, or * (CERTSVC_CORS_ORIGINS)")
	level := fs.String("log-level", env("CERTSVC_LOG_LEVEL", "info"), "log `level`: debug, info, warn, error (CERTSVC_LOG_LEVEL)")
	ttl := fs.String("session-ttl", env("CERTSVC_SESSION_TTL", "12h"), "session token `lifetime` (CERTSVC_SESSION_TTL)")
	fs.StringVar(&c.MasterKeyFile, "master-key-file", env("CERTSVC_MASTER_KEY_FILE", ""),
		"`file` with the master key that encrypts private keys; default <data-dir>/master.key, created on the\nembedded database (CERTSVC_MASTER_KEY_FILE; CERTSVC_MASTER_KEY holds the key itself,\nCERTSVC_OLD_MASTER_KEYS retired keys)")
	worker := fs.String("worker", env("CERTSVC_WORKER", "true"), "run the background worker in this process: true or false (CERTSVC_WORKER)")
	shutdown := fs.String("shutdown-timeout", env("CERTSVC_SHUTDOWN_TIMEOUT", "15s"), "graceful shutdown `limit` (CERTSVC_SHUTDOWN_TIMEOUT)")
	return c, func() error {
		var errs []error
		if c.DatabaseURL == "" {
			c.DatabaseURL = getenv("CERTSVC_DATABASE_URL")
		}
		if c.DatabaseURL == "" {
			if f := getenv("CERTSVC_DATABASE_URL_FILE"); f != "" {
				b, err := os.ReadFile(f)
				if err != nil {
					errs = append(errs, fmt.Errorf("CERTSVC_DATABASE_URL_FILE: %w", err))
				}
				c.DatabaseURL = strings.TrimSpace(string(b))
			}
		}
		switch c.Migrate {
		case "auto", "always", "never":
		default:
			errs = append(errs, fmt.Errorf("--migrate: %q is not auto, always or never", c.Migrate))
		}
		if (c.TLSCert == "") != (c.TLSKey == "") {
			errs = append(errs, errors.New("--tls-cert and --tls-key go together"))
		}
		for _, o := range strings.Split(*origins, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
		if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
			errs = append(errs, fmt.Errorf("--log-level: %w", err))
		}
		var err error
		if c.SessionTTL, err = time.ParseDuration(*ttl); err != nil || c.SessionTTL <= 0 {
			errs = append(errs, fmt.Errorf("--session-ttl: %q is not a positive duration such as 12h", *ttl))
		}
		if c.ShutdownTimeout, err = time.ParseDuration(*shutdown); err != nil || c.ShutdownTimeout <= 0 {
			errs = append(errs, fmt.Errorf("--shutdown-timeout: %q is not a positive duration such as 15s", *shutdown))
		}
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
			errs = append(errs, fmt.Errorf("--worker: %q is not true or false", *worker))
		}
		return errors.Join(errs...)
	}
}
