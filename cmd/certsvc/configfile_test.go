package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/config"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "certsvc.conf")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestConfigFilePrecedence: a flag wins over its variable, which wins over
// the file; the file fills in the rest.
func TestConfigFilePrecedence(t *testing.T) {
	f := writeConfig(t, "# certsvc\naddr :9001\nlog-level debug\nsession-ttl 1h\nwatch-keepalive 7s\n\notlp-endpoint http://file:4318\n")
	env := envOf(map[string]string{"CERTSVC_LOG_LEVEL": "warn", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:4318"})
	cfg, err := parseFlags("serve", "Serve", []string{"--config", f, "--addr", ":9002"}, env, io.Discard, config.AllFlags)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9002" {
		t.Errorf("addr %q: the flag should win over the file", cfg.Addr)
	}
	if cfg.LogLevel != slog.LevelWarn {
		t.Errorf("log level %v: CERTSVC_LOG_LEVEL should win over the file", cfg.LogLevel)
	}
	if cfg.SessionTTL != time.Hour || cfg.WatchKeepAlive != 7*time.Second {
		t.Errorf("session ttl %v, keep-alive %v: want 1h and 7s from the file", cfg.SessionTTL, cfg.WatchKeepAlive)
	}
	if cfg.OTLPEndpoint != "" || !cfg.Tracing {
		t.Errorf("otlp endpoint %q, tracing %v: the standard variable should win over the file and turn tracing on", cfg.OTLPEndpoint, cfg.Tracing)
	}

	// CERTSVC_CONFIG names the file as --config does.
	cfg, err = parseFlags("serve", "Serve", nil, envOf(map[string]string{"CERTSVC_CONFIG": f}), io.Discard, config.AllFlags)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":9001" || cfg.LogLevel != slog.LevelDebug || cfg.OTLPEndpoint != "http://file:4318" || !cfg.Tracing {
		t.Errorf("from CERTSVC_CONFIG: addr %q, level %v, otlp %q, tracing %v", cfg.Addr, cfg.LogLevel, cfg.OTLPEndpoint, cfg.Tracing)
	}

	// A command ignores the settings of another: migrate takes no --addr.
	cfg, err = parseFlags("migrate", "Migrate", []string{"--config", f}, envOf(nil), io.Discard, config.DatabaseFlags)
	if err != nil {
		t.Fatalf("migrate with a server setting in the file: %v", err)
	}
	if cfg.LogLevel != slog.LevelDebug {
		t.Errorf("migrate: log level %v, want debug from the file", cfg.LogLevel)
	}
}

// TestConfigFileErrors: an unknown setting, a bad value and a missing file
// are errors that name what is wrong.
func TestConfigFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"unknown", "addr :9001\nlisten-addr :9002\n", []string{"unknown setting", `"listen-addr"`}},
		{"bad value", "session-ttl forever\n", []string{"--session-ttl", "forever"}},
		{"nested", "config /etc/other.conf\n", []string{"cannot name another"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := writeConfig(t, tc.text)
			_, err := parseFlags("serve", "Serve", []string{"--config", f}, envOf(nil), io.Discard, config.AllFlags)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tc.want, f) {
				if tc.name == "bad value" && w == f {
					continue // checked after parsing, by the flag it sets
				}
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	_, err := parseFlags("serve", "Serve", []string{"--config", "/nonexistent/certsvc.conf"}, envOf(nil), io.Discard, config.AllFlags)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/certsvc.conf") {
		t.Errorf("missing file: %v", err)
	}
}
