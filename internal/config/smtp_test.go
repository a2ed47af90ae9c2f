package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/config"
	"github.com/certsvc/certsvc/internal/mail"
)

func TestSMTPFromEnvironmentAndFlags(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(pw, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := load(t, map[string]string{
		"CERTSVC_SMTP_HOST":          "smtp.example.com",
		"CERTSVC_SMTP_SECURITY":      "tls",
		"CERTSVC_SMTP_USERNAME":      "certsvc",
		"CERTSVC_SMTP_PASSWORD_FILE": pw,
		"CERTSVC_SMTP_FROM":          "certsvc <noreply@example.com>",
		"CERTSVC_OPERATOR_EMAIL":     "ops@example.com, Night Shift <night@example.com>",
	}, "--smtp-port", "2465", "--smtp-timeout", "10s")
	if err != nil {
		t.Fatal(err)
	}
	want := mail.Config{Host: "smtp.example.com", Port: 2465, Security: mail.ImplicitTLS, Username: "certsvc",
		Password: "from-file", From: "certsvc <noreply@example.com>", Timeout: 10 * time.Second}
	if cfg.SMTP != want {
		t.Errorf("SMTP %+v, want %+v", cfg.SMTP, want)
	}
	if got := strings.Join(cfg.OperatorEmails, ","); got != "ops@example.com,night@example.com" {
		t.Errorf("operator e-mails %q", got)
	}
}

func TestSMTPOffByDefault(t *testing.T) {
	cfg, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTP.Enabled() || len(cfg.OperatorEmails) != 0 {
		t.Fatalf("e-mail on by default: %+v", cfg.SMTP)
	}
}

func TestSMTPErrorsNameTheFlag(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--smtp-host", "smtp.example.com"}, "--smtp-from: required"},
		{nil, []string{"--smtp-host", "h.example.com", "--smtp-from", "a@example.com", "--smtp-port", "x"}, "--smtp-port:"},
		{nil, []string{"--smtp-host", "h.example.com", "--smtp-from", "a@example.com", "--smtp-security", "ssl"}, "--smtp-security:"},
		{nil, []string{"--smtp-host", "h.example.com", "--smtp-from", "a@example.com", "--smtp-timeout", "-1s"}, "--smtp-timeout:"},
		{nil, []string{"--operator-email", "ops@example.com"}, "--operator-email: e-mail is off"},
		{nil, []string{"--smtp-host", "h.example.com", "--smtp-from", "a@example.com", "--operator-email", "not-an-address"}, "--operator-email:"},
		{map[string]string{"CERTSVC_SMTP_PASSWORD": "hunter2"}, []string{"--smtp-host", "h.example.com", "--smtp-from", "a@example.com",
			"--smtp-username", "u", "--smtp-security", "none"}, "--smtp-security: none"},
	} {
		_, err := load(t, tc.env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q holds the password", err)
		}
	}
}

func TestHelpShowsNoSMTPPassword(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var out strings.Builder
	fs.SetOutput(&out)
	env := map[string]string{"CERTSVC_SMTP_PASSWORD": "relay-hunter2", "CERTSVC_SMTP_HOST": "smtp.example.com",
		"CERTSVC_SMTP_USERNAME": "u", "CERTSVC_SMTP_FROM": "a@example.com"}
	config.Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse([]string{"--help"}); err != flag.ErrHelp {
		t.Fatalf("got %v, want flag.ErrHelp", err)
	}
	if strings.Contains(out.String(), "relay-hunter2") || !strings.Contains(out.String(), "-smtp-host") {
		t.Fatalf("--help:\n%s", out.String())
	}
	cfg, err := load(t, env)
	if err != nil || cfg.SMTP.Password != "relay-hunter2" {
		t.Fatalf("password from the environment: %v %v", cfg, err)
	}
}
