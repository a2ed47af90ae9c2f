package server_test

import (
	"context"
	"testing"

	"connectrpc.com/connect"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// TestLoginLimitSharedByReplicas runs two server instances (replicas, each
// with its own connection pool) on one MariaDB and guesses one login
// alternately on both: the failures add up, so the guesser is throttled
// after the login's 5 free failures in all, not 5 per replica, on both
// replicas; the right password still succeeds on either, and its success on
// one replica forgets the failures for the other too.
func TestLoginLimitSharedByReplicas(t *testing.T) {
	dsn := dbtest.MySQLDSN(t)
	ctx := context.Background()
	var envs []*apitest.Env
	keyring := apitest.NewKeyring(t)
	for i := range 2 {
		db, err := store.Open(ctx, store.Options{URL: dsn})
		if err != nil {
			t.Fatalf("open replica %d: %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
		}
		envs = append(envs, apitest.NewWith(t, db, apitest.Options{Keyring: keyring, NoWorker: true}))
	}
	a := envs[0].NewCustomer(t, "shared-limit-a", "RUB")
	b := envs[0].NewCustomer(t, "shared-limit-b", "RUB")
	login := func(replica int, l, pw string) connect.Code {
		_, err := envs[replica].Clients(apitest.ConnectJSON, "").Auth.Login(ctx, authzPasswordLogin(l, pw))
		if err == nil {
			return 0 // success
		}
		return connect.CodeOf(err)
	}
	var codes []connect.Code
	for i := range 8 {
		codes = append(codes, login(i%2, a.User.GetLogin(), "wrong-guess"))
	}
	for i, c := range codes {
		want := connect.CodeUnauthenticated
		if i >= 5 {
			want = connect.CodeResourceExhausted
		}
		if c != want {
			t.Fatalf("wrong password %d of A on replica %d: %v, want %v (all: %v)", i+1, i%2, c, want, codes)
		}
	}
	// Throttled on both replicas.
	for r := range 2 {
		if c := login(r, a.User.GetLogin(), "wrong-guess"); c != connect.CodeResourceExhausted {
			t.Fatalf("guessing A on replica %d: %v, want ResourceExhausted", r, c)
		}
	}
	// Another login, and A's right password, are never refused.
	if c := login(1, b.User.GetLogin(), b.Password); c != 0 {
		t.Fatalf("B's right password on replica 1: %v, want success", c)
	}
	if c := login(1, a.User.GetLogin(), a.Password); c != 0 {
		t.Fatalf("A's right password on replica 1: %v, want success", c)
	}
	// The success on replica 1 forgot A's failures on replica 0 too.
	if c := login(0, a.User.GetLogin(), "wrong-guess"); c != connect.CodeUnauthenticated {
		t.Fatalf("a wrong password of A on replica 0 after the success on replica 1: %v, want Unauthenticated", c)
	}
}
