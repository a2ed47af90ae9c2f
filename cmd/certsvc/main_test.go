package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// envOf returns a getenv over a fixed map.
func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"serve", "--help"}, envOf(nil), strings.NewReader(""), &stderr, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("got %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-addr", "CERTSVC_ADDR", "-data-dir", "CERTSVC_DATA_DIR", "-database-url", "CERTSVC_DATABASE_URL",
		"-migrate", "-tls-cert", "-tls-key", "-cors-origins", "-log-level", "-session-ttl", "-shutdown-timeout"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestBadFlags checks that bad values are refused, naming the flag, before
// anything is written to the store.
func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--migrate", "sometimes"},
		{"--session-ttl", "-1h"},
		{"--log-level", "loud"},
		{"--tls-cert", "x.pem"},
		{"--addr", "127.0.0.1:99999"},
		{"--addr", "127.0.0.1"},
		{"--worker", "maybe"},
		{"--tls-cert", "missing.pem", "--tls-key", "missing.pem"},
	} {
		data := filepath.Join(t.TempDir(), "data")
		err := run(t.Context(), append(args, "--data-dir", data), envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(args[0], "--")) {
			t.Errorf("%v: got %v, want an error naming the flag", args, err)
		}
		if _, err := os.Stat(data); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v: the data directory was created (%v) before the flags were refused", args, err)
		}
	}
}

func TestHelpListsCommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		var out bytes.Buffer
		err := run(t.Context(), args, envOf(nil), strings.NewReader(""), &out, &out)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%v: got %v, want flag.ErrHelp", args, err)
		}
		for _, want := range []string{"certsvc serve", "certsvc migrate", "certsvc version", "certsvc admin account create",
			"certsvc admin user set-password", "certsvc admin rotate-keys", "certsvc admin master-key", "--version"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v lacks %q:\n%s", args, want, out.String())
			}
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out bytes.Buffer
		if err := run(t.Context(), args, envOf(nil), strings.NewReader(""), &out, &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.HasPrefix(out.String(), "certsvc ") || !strings.Contains(out.String(), "go1.") {
			t.Fatalf("%v printed %q", args, out.String())
		}
	}
	defer func(v string) { version = v }(version)
	version = "v9.8.7"
	var out bytes.Buffer
	if err := run(t.Context(), []string{"version"}, envOf(nil), strings.NewReader(""), &out, &out); err != nil || !strings.Contains(out.String(), "v9.8.7") {
		t.Fatalf("with -X main.version=v9.8.7: %v, printed %q", err, out.String())
	}
}

// TestAdminHelpShowsItsOwnFlags: an admin command's help shows its flags
// and the database flags, not the server's.
func TestAdminHelpShowsItsOwnFlags(t *testing.T) {
	var out bytes.Buffer
	err := run(t.Context(), []string{"admin", "deposit", "--help"}, envOf(nil), strings.NewReader(""), &out, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("got %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-amount", "-idempotency-key", "-data-dir", "-database-url"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("admin deposit --help lacks %q:\n%s", want, out.String())
		}
	}
	for _, server := range []string{"-addr", "-tls-cert", "-cors-origins", "-session-ttl", "-worker"} {
		if strings.Contains(out.String(), server) {
			t.Errorf("admin deposit --help shows the server flag %q:\n%s", server, out.String())
		}
	}
	out.Reset()
	err = run(t.Context(), []string{"admin", "master-key", "--help"}, envOf(nil), strings.NewReader(""), &out, &out)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "-id") || strings.Contains(out.String(), "-data-dir") {
		t.Fatalf("admin master-key --help: %v\n%s", err, out.String())
	}
	err = run(t.Context(), []string{"admin", "user"}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "set-password") {
		t.Fatalf("admin user: got %v, want the subcommands named", err)
	}
}

// TestAdminCommands runs the operator's commands on both stores.
func TestAdminCommands(t *testing.T) {
	stores := map[string]func(t *testing.T) []string{
		"sqlite": func(t *testing.T) []string { return []string{"--data-dir", t.TempDir()} },
		"mysql":  func(t *testing.T) []string { return []string{"--database-url", dbtest.MySQLDSN(t)} },
	}
	for name, storeFlags := range stores {
		t.Run(name, func(t *testing.T) {
			db := storeFlags(t)
			admin := func(stdin string, args ...string) string {
				t.Helper()
				var out, errOut bytes.Buffer
				err := run(t.Context(), append(append([]string{"admin"}, args...), db...), envOf(nil), strings.NewReader(stdin), &out, &errOut)
				if err != nil {
					t.Fatalf("certsvc admin %v: %v\n%s", args, err, errOut.String())
				}
				return out.String()
			}
			out := admin("", "account", "create", "--name", "Hoster Ltd", "--currency", "USD")
			if !strings.Contains(out, "Hoster Ltd") || !strings.Contains(out, "0.00") {
				t.Fatalf("account create printed:\n%s", out)
			}
			fields := strings.Fields(strings.Split(out, "\n")[1])
			id := fields[0]
			out = admin("s3cret-pass\n", "user", "create", "--login", "ops@hoster.example", "--level", "user", "--account", id, "--password-stdin")
			if !strings.Contains(out, "ops@hoster.example") || strings.Contains(out, "s3cret") {
				t.Fatalf("user create printed:\n%s", out)
			}
			out = admin("", "user", "create", "--login", "second-admin", "--level", "admin")
			if !strings.Contains(out, "password:") {
				t.Fatalf("user create without a password should print the generated one:\n%s", out)
			}
			out = admin("", "deposit", "--account", id, "--amount", "1500.25", "--idempotency-key", "inv-1")
			out = admin("", "deposit", "--account", id, "--amount", "1500.25", "--idempotency-key", "inv-1")
			if !strings.Contains(out, "1500.25") {
				t.Fatalf("deposit printed:\n%s", out)
			}
			out = admin("", "account", "list")
			if !strings.Contains(out, "1500.25") {
				t.Fatalf("account list after a repeated deposit shows:\n%s\nwant 1500.25 (the repeat is idempotent)", out)
			}
			out = admin("", "user", "list", "--account", id)
			if !strings.Contains(out, "ops@hoster.example") || strings.Contains(out, "second-admin") {
				t.Fatalf("user list --account printed:\n%s", out)
			}

			var errOut bytes.Buffer
			err := run(t.Context(), append([]string{"admin", "deposit", "--account", id, "--amount", "1.234"}, db...), envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &errOut)
			if err == nil || !strings.Contains(err.Error(), "--amount") {
				t.Fatalf("deposit 1.234 USD: got %v, want an error naming --amount", err)
			}
			err = run(t.Context(), append([]string{"admin", "user", "create", "--login", "bad login", "--level", "user", "--account", id}, db...), envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &errOut)
			if err == nil || !strings.Contains(err.Error(), "login") {
				t.Fatalf("bad login: got %v, want an error naming login", err)
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServe starts certsvc as an operator would, calls it, and stops it with
// the signal context, expecting a clean exit.
func TestServe(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(t.Context())
	var logs syncWriter
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--data-dir", t.TempDir()},
			envOf(map[string]string{"CERTSVC_ADMIN_PASSWORD": "first-admin-pw"}), strings.NewReader(""), &bytes.Buffer{}, &logs)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil && res.StatusCode == 200 {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("certsvc did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	client := certsvcv1connect.NewAuthServiceClient(http.DefaultClient, base)
	req := &certsvcv1.LoginRequest{Login: "admin", Credential: &certsvcv1.LoginRequest_Password{Password: "first-admin-pw"}}
	if _, err := client.Login(t.Context(), req); err != nil {
		t.Fatalf("login as the bootstrap admin: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(logs.String(), "first-admin-pw") {
		t.Fatal("the admin password appears in the logs")
	}
	for _, want := range []string{`"msg":"serving"`, `"startup_ms"`, `"msg":"stopped"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
}

func TestServeGeneratesAdminPasswordOnce(t *testing.T) {
	dir := t.TempDir()
	start := func() string {
		ctx, cancel := context.WithCancel(t.Context())
		var logs syncWriter
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"--addr", freeAddr(t), "--data-dir", dir}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &logs)
		}()
		for !strings.Contains(logs.String(), `"msg":"serving"`) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		return logs.String()
	}
	first := start()
	if !strings.Contains(first, `created admin "admin" with password`) {
		t.Fatalf("first start did not print the generated password:\n%s", first)
	}
	if second := start(); strings.Contains(second, "with password") {
		t.Fatalf("second start printed a password again:\n%s", second)
	}
}

func TestServeRefusesUnmigratedMySQL(t *testing.T) {
	dsn := dbtest.MySQLDSN(t)
	err := run(t.Context(), []string{"--addr", freeAddr(t), "--database-url", dsn}, envOf(map[string]string{"CERTSVC_MASTER_KEY": newKey(t, "k1")}),
		strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "certsvc migrate") {
		t.Fatalf("got %v, want an error that says to run certsvc migrate", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"migrate", "--database-url", dsn}, envOf(nil), strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "schema version") {
		t.Fatalf("migrate printed %q", out.String())
	}
}

// syncWriter is a bytes.Buffer safe for the server goroutine and the test.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
