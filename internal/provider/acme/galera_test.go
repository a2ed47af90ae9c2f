package acme_test

import (
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/challenge"
	"github.com/certsvc/certsvc/internal/galeratest"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
)

// An ACME issuance whose HTTP-01 answers are presented by the replica that
// ordered (on Galera node 1) while the CA's validation requests go to
// another replica (on node 3), which finds them in the store.
func TestIssueHTTP01OtherReplica(t *testing.T) {
	dbs := galeratest.Open(t)
	orderer, validated := challenge.New(dbs[0].Ent), challenge.New(dbs[2].Ent)
	pc := startPebble(t, pebbleOpts{httpPort: serveHTTP(t, validated)})
	kind := acme.KindWith(acme.Options{
		HTTPPublishers: map[string]acme.HTTPPublisher{"web": orderer},
		FinalizeWait:   200 * time.Millisecond,
	})
	cfg := pc.config(t, map[string]string{acme.SettingHTTP: "web"})
	p := newProvider(t, kind, cfg)
	names := []string{"replica.example.com"}
	key, csr := newCSR(t, names...)
	r, err := p.PlaceOrder(t.Context(), orderRequest("order-replicas", csr, names...))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
	checkChain(t, r.ChainPEM, pc.root(), key, names...)
	if n, err := dbs[1].Ent.AcmeChallenge.Query().Count(t.Context()); err != nil || n != 0 {
		t.Errorf("%d answers left in the store after issuance (%v)", n, err)
	}
}
