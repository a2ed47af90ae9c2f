package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/store"
)

func newKey(t *testing.T, id string) string {
	t.Helper()
	_, enc, err := secretbox.GenerateMasterKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// runningServer is a certsvc serve running in the test.
type runningServer struct {
	base   string
	logs   *syncWriter
	cancel context.CancelFunc
	done   chan error
}

// startServer runs `certsvc serve` with args and env until /healthz answers.
func startServer(t *testing.T, env map[string]string, args ...string) *runningServer {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(t.Context())
	s := &runningServer{base: "http://" + addr, logs: &syncWriter{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "--addr", addr}, args...), envOf(env), strings.NewReader(""), &bytes.Buffer{}, s.logs)
	}()
	for {
		select {
		case err := <-s.done:
			t.Fatalf("certsvc serve ended: %v\n%s", err, s.logs.String())
		default:
		}
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *runningServer) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	if err := <-s.done; err != nil {
		t.Fatalf("serve returned %v after shutdown", err)
	}
}

// basicAuth adds HTTP basic credentials to every request.
type basicAuth struct{ login, password string }

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.login, b.password)
	return http.DefaultTransport.RoundTrip(r)
}

// TestOperatorProcedures follows the README as an operator on each store:
// admin commands on an empty store, the admin's password shown by serve,
// resetting it from the CLI, the lock on the embedded store, and rotating
// the master key with a private key still readable afterwards.
func TestOperatorProcedures(t *testing.T) {
	stores := map[string]func(t *testing.T) []string{
		"sqlite": func(t *testing.T) []string { return []string{"--data-dir", t.TempDir()} },
		"mysql": func(t *testing.T) []string {
			return []string{"--database-url", dbtest.MySQLDSN(t), "--migrate", "always"}
		},
	}
	for name, storeFlags := range stores {
		t.Run(name, func(t *testing.T) {
			db := storeFlags(t)
			k1 := newKey(t, "k1")
			admin := func(env map[string]string, stdin string, args ...string) (string, string, error) {
				t.Helper()
				var out, errOut bytes.Buffer
				err := run(t.Context(), append(append([]string{"admin"}, args...), db...), envOf(env), strings.NewReader(stdin), &out, &errOut)
				return out.String(), errOut.String(), err
			}
			mustAdmin := func(env map[string]string, args ...string) (string, string) {
				t.Helper()
				out, logs, err := admin(env, "", args...)
				if err != nil {
					t.Fatalf("certsvc admin %v: %v\n%s", args, err, logs)
				}
				return out, logs
			}
			withK1 := map[string]string{"CERTSVC_MASTER_KEY": k1}

			// 1. The first command on an empty store: no admin with a
			// password nobody saw.
			_, logs := mustAdmin(withK1, "account", "create", "--name", "Hoster Ltd", "--currency", "RUB")
			if !strings.Contains(logs, "no admin yet") {
				t.Errorf("first admin command did not say the admin is left to serve:\n%s", logs)
			}
			mustAdmin(withK1, "deposit", "--account", "1", "--amount", "1000000.00", "--idempotency-key", "inv-1")
			if out, _ := mustAdmin(withK1, "user", "list"); strings.Contains(out, " admin ") {
				t.Fatalf("an admin command created an admin nobody knows the password of:\n%s", out)
			}

			// 2. serve creates it and prints the password once.
			srv := startServer(t, withK1, db...)
			if !regexp.MustCompile(`created admin "admin" with password \S+`).MatchString(srv.logs.String()) {
				t.Errorf("serve did not print the generated admin password:\n%s", srv.logs.String())
			}
			if name == "sqlite" {
				// 3. One process per embedded store: writers and a second
				// server are refused at once, readers work beside it.
				_, _, err := admin(withK1, "", "deposit", "--account", "1", "--amount", "1.00")
				if err == nil || !strings.Contains(err.Error(), "in use") {
					t.Errorf("admin deposit beside a server: got %v, want the store refused as in use", err)
				}
				err = run(t.Context(), append([]string{"serve", "--addr", freeAddr(t)}, db...), envOf(withK1), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
				if err == nil || !strings.Contains(err.Error(), "in use") {
					t.Errorf("a second serve on the same data: got %v, want it refused as in use", err)
				}
				if out, _ := mustAdmin(withK1, "account", "list"); !strings.Contains(out, "Hoster Ltd") {
					t.Errorf("account list beside a server printed:\n%s", out)
				}
			}
			srv.stop(t)

			// 4. CERTSVC_ADMIN_PASSWORD on a store with an admin: a warning,
			// and the documented reset.
			const pw = "change-me-now"
			withPW := map[string]string{"CERTSVC_MASTER_KEY": k1, "CERTSVC_ADMIN_PASSWORD": pw}
			if _, logs := mustAdmin(withPW, "account", "list"); !strings.Contains(logs, "CERTSVC_ADMIN_PASSWORD is ignored") ||
				!strings.Contains(logs, "set-password") {
				t.Errorf("no warning that CERTSVC_ADMIN_PASSWORD is ignored:\n%s", logs)
			}
			if out, _ := mustAdmin(withPW, "user", "set-password", "--login", "admin"); !strings.Contains(out, "CERTSVC_ADMIN_PASSWORD") {
				t.Errorf("set-password printed:\n%s", out)
			}
			out, _, err := admin(withK1, "s3cret-ops-pass\n", "user", "set-password", "--login", "nobody", "--password-stdin")
			if err == nil || !strings.Contains(err.Error(), "--login") {
				t.Errorf("set-password for a missing login: got %v (%s), want an error naming --login", err, out)
			}

			// 5. Order a certificate with a generated key under k1.
			srv = startServer(t, withPW, db...)
			adminHTTP := &http.Client{Transport: basicAuth{"admin", pw}}
			certs := certsvcv1connect.NewCertificateServiceClient(adminHTTP, srv.base)
			order, err := certs.CreateCertificate(t.Context(), &certsvcv1.CreateCertificateRequest{AccountId: 1, PlanId: 3033, PeriodMonths: 12,
				KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "www.example.com"}, Pay: true, IdempotencyKey: "order-1"})
			if err != nil {
				t.Fatalf("order as admin with the reset password: %v", err)
			}
			id := order.GetCertificate().GetId()
			keyFile := &certsvcv1.GetCertificateFileRequest{Id: id, Type: certsvcv1.FileType_FILE_TYPE_KEY}
			before, err := certs.GetCertificateFile(t.Context(), keyFile)
			if err != nil {
				t.Fatalf("download the private key: %v", err)
			}
			srv.stop(t)

			// 6. The README's rotation: new primary key, old one retired,
			// rotate-keys, then only the new key.
			var keyOut bytes.Buffer
			if err := run(t.Context(), []string{"admin", "master-key", "--id", "k2"}, envOf(nil), strings.NewReader(""), &keyOut, &keyOut); err != nil {
				t.Fatalf("admin master-key: %v", err)
			}
			k2 := strings.TrimSpace(keyOut.String())
			if _, err := secretbox.ParseMasterKey(k2); err != nil {
				t.Fatalf("master-key printed %q: %v", k2, err)
			}
			rotating := map[string]string{"CERTSVC_MASTER_KEY": k2, "CERTSVC_OLD_MASTER_KEYS": k1}
			out, _ = mustAdmin(rotating, "rotate-keys")
			// The built-in CA's module credentials too (its update is guarded
			// by the credentials and update time read: they still match).
			if !regexp.MustCompile(`private keys re-encrypted\s+1\b`).MatchString(out) ||
				!regexp.MustCompile(`module credentials re-encrypted\s+[1-9]`).MatchString(out) {
				t.Fatalf("rotate-keys printed:\n%s", out)
			}
			if out, _ = mustAdmin(rotating, "rotate-keys"); !regexp.MustCompile(`private keys re-encrypted\s+0\b`).MatchString(out) ||
				!regexp.MustCompile(`module credentials re-encrypted\s+0\b`).MatchString(out) {
				t.Fatalf("a second rotate-keys printed:\n%s", out)
			}
			srv = startServer(t, map[string]string{"CERTSVC_MASTER_KEY": k2}, db...)
			certs = certsvcv1connect.NewCertificateServiceClient(adminHTTP, srv.base)
			after, err := certs.GetCertificateFile(t.Context(), keyFile)
			if err != nil {
				t.Fatalf("download the private key under the new key only: %v", err)
			}
			if !bytes.Equal(before.GetContent(), after.GetContent()) || !bytes.Contains(after.GetContent(), []byte("PRIVATE KEY")) {
				t.Fatalf("the private key changed in rotation:\n%s\nthen\n%s", before.GetContent(), after.GetContent())
			}
			srv.stop(t)
		})
	}
}

// TestServeOnMySQLNeedsAMasterKey: without a master key the built-in CA
// could not be created and no private key stored, so serve refuses to start,
// before migrating, and says how to make one.
func TestServeOnMySQLNeedsAMasterKey(t *testing.T) {
	dsn := dbtest.MySQLDSN(t)
	err := run(t.Context(), []string{"--addr", freeAddr(t), "--database-url", dsn, "--migrate", "always"}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "CERTSVC_MASTER_KEY") || !strings.Contains(err.Error(), "--master-key-file") ||
		!strings.Contains(err.Error(), "certsvc admin master-key") {
		t.Fatalf("got %v, want a refusal naming CERTSVC_MASTER_KEY, --master-key-file and certsvc admin master-key", err)
	}
	db, err := store.Open(t.Context(), store.Options{URL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if cur, _, err := db.SchemaVersion(t.Context()); err != nil || cur != 0 {
		t.Fatalf("after the refusal the schema is at version %d (%v), want 0: nothing migrated", cur, err)
	}
}
