package config_test

import (
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/config"
)

func load(t *testing.T, env map[string]string, args ...string) (*config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg, finish := config.Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return cfg, finish()
}

func TestDefaults(t *testing.T) {
	cfg, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.DataDir != "data" || cfg.DatabaseURL != "" || cfg.Migrate != "auto" ||
		cfg.LogLevel != slog.LevelInfo || cfg.SessionTTL != 12*time.Hour || len(cfg.CORSOrigins) != 0 {
		t.Fatalf("defaults: got %+v", cfg)
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	env := map[string]string{
		"CERTSVC_ADDR":           ":9000",
		"CERTSVC_CORS_ORIGINS":   "https://a.example, https://b.example",
		"CERTSVC_LOG_LEVEL":      "debug",
		"CERTSVC_ADMIN_PASSWORD": "from-env",
	}
	cfg, err := load(t, env, "--addr", "127.0.0.1:9001")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9001" {
		t.Errorf("a flag must win over its variable: got addr %q", cfg.Addr)
	}
	if strings.Join(cfg.CORSOrigins, "|") != "https://a.example|https://b.example" {
		t.Errorf("origins: got %q", cfg.CORSOrigins)
	}
	if cfg.LogLevel != slog.LevelDebug || cfg.AdminPassword != "from-env" {
		t.Errorf("got level %v, admin password set %t", cfg.LogLevel, cfg.AdminPassword != "")
	}
}

func TestDatabaseURLFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "dsn")
	if err := os.WriteFile(f, []byte("mysql://cs:pw@db:3306/certsvc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := load(t, map[string]string{"CERTSVC_DATABASE_URL_FILE": f})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != "mysql://cs:pw@db:3306/certsvc" {
		t.Fatalf("got %q", cfg.DatabaseURL)
	}
	if _, err := load(t, map[string]string{"CERTSVC_DATABASE_URL_FILE": f + ".missing"}); err == nil {
		t.Fatal("a missing URL file must be an error")
	}
}

func TestErrorsNameTheSetting(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"error/migrate", nil, []string{"--migrate", "sometimes"}, "--migrate"},
		{"error/ttl", map[string]string{"CERTSVC_SESSION_TTL": "forever"}, nil, "--session-ttl"},
		{"error/shutdown", nil, []string{"--shutdown-timeout", "0s"}, "--shutdown-timeout"},
		{"error/level", nil, []string{"--log-level", "chatty"}, "--log-level"},
		{"error/tls half", nil, []string{"--tls-key", "k.pem"}, "--tls-cert"},
		{"error/port too big", nil, []string{"--addr", "127.0.0.1:99999"}, "--addr"},
		{"error/no port", nil, []string{"--addr", "127.0.0.1"}, "--addr"},
		{"error/port from env", map[string]string{"CERTSVC_ADDR": ":http-nonsense"}, nil, "--addr"},
		{"error/worker", nil, []string{"--worker", "yes"}, "--worker"},
		{"error/operator language", nil, []string{"--operator-language", "de"}, "--operator-language"},
		{"error/operator language from env", map[string]string{"CERTSVC_OPERATOR_LANGUAGE": "EN"}, nil, "--operator-language"},
		{"error/public url relative", nil, []string{"--public-url", "certsvc.example"}, "--public-url"},
		{"error/public url scheme", map[string]string{"CERTSVC_PUBLIC_URL": "ftp://certsvc.example"}, nil, "--public-url"},
		{"error/public url no host", nil, []string{"--public-url", "https:///console"}, "--public-url"},
		{"error/public url query", nil, []string{"--public-url", "https://certsvc.example/?a=1"}, "--public-url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.env, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

func TestOperatorLanguage(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{{nil, nil, "en"}, {map[string]string{"CERTSVC_OPERATOR_LANGUAGE": "ru"}, nil, "ru"},
		{map[string]string{"CERTSVC_OPERATOR_LANGUAGE": "ru"}, []string{"--operator-language", "en"}, "en"}} {
		cfg, err := load(t, tc.env, tc.args...)
		if err != nil || cfg.OperatorLanguage != tc.want {
			t.Errorf("env %v args %v: %v, language %q, want %q", tc.env, tc.args, err, cfg.OperatorLanguage, tc.want)
		}
	}
}

func TestPublicURLAccepted(t *testing.T) {
	for _, u := range []string{"https://certsvc.example", "http://10.0.0.5:8080/certsvc/"} {
		cfg, err := load(t, nil, "--public-url", u)
		if err != nil || cfg.PublicURL != u {
			t.Errorf("--public-url %s: %v (got %q)", u, err, cfg.PublicURL)
		}
	}
}

func TestHelpShowsNoSecretFromTheEnvironment(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var out strings.Builder
	fs.SetOutput(&out)
	env := map[string]string{"CERTSVC_DATABASE_URL": "mysql://cs:hunter2@db:3306/certsvc"}
	cfg, finish := config.Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--help"}); err != flag.ErrHelp {
		t.Fatalf("got %v, want flag.ErrHelp", err)
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Fatalf("--help printed the database password:\n%s", out.String())
	}
	fs = flag.NewFlagSet("test", flag.ContinueOnError)
	cfg, finish = config.Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := finish(); err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != env["CERTSVC_DATABASE_URL"] {
		t.Fatalf("the variable was not applied: got %q", cfg.DatabaseURL)
	}
}

func TestAddrForms(t *testing.T) {
	for _, addr := range []string{":8080", "127.0.0.1:0", "[::1]:65535", "localhost:http", ":https"} {
		if _, err := load(t, nil, "--addr", addr); err != nil {
			t.Errorf("--addr %s: %v", addr, err)
		}
	}
}

// TestDatabaseFlagsOnly: a command that takes the database flags only does
// not define the server's, and is not refused for their variables.
func TestDatabaseFlagsOnly(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	env := map[string]string{"CERTSVC_SESSION_TTL": "forever", "CERTSVC_ADDR": "nonsense", "CERTSVC_DATA_DIR": "/srv/certsvc"}
	cfg, finish := config.RegisterFlags(fs, func(k string) string { return env[k] }, config.DatabaseFlags)
	for _, name := range []string{"addr", "tls-cert", "cors-origins", "session-ttl", "shutdown-timeout", "worker"} {
		if fs.Lookup(name) != nil {
			t.Errorf("database flags define --%s", name)
		}
	}
	for _, name := range []string{"data-dir", "database-url", "migrate", "master-key-file", "log-level"} {
		if fs.Lookup(name) == nil {
			t.Errorf("database flags lack --%s", name)
		}
	}
	if err := fs.Parse([]string{"--migrate", "never"}); err != nil {
		t.Fatal(err)
	}
	if err := finish(); err != nil {
		t.Fatalf("a server variable failed a command without server flags: %v", err)
	}
	if cfg.DataDir != "/srv/certsvc" || cfg.Migrate != "never" || cfg.SessionTTL != 12*time.Hour {
		t.Fatalf("got %+v", cfg)
	}
}
