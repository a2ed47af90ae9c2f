package builtin

import (
	"context"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
)

// TestReissueKeepsChain checks that a pending reissue keeps the issued chain
// in the state until the new certificate replaces it.
func TestReissueKeepsChain(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	cfg, err := Prepare(ctx, provider.Config{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	build := func(auto string) *localCA {
		c := cfg
		c.Settings = cloneMap(cfg.Settings)
		c.Settings[SettingAutoApprove] = auto
		p, err := New(c)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return p.(*localCA)
	}
	csr := func(name string) string {
		key, err := pki.GenerateKey(pki.ECDSAP256)
		if err != nil {
			t.Fatal(err)
		}
		der, err := pki.CreateCSR(key, pki.Subject{CommonName: name})
		if err != nil {
			t.Fatal(err)
		}
		return string(pki.EncodeCSRPEM(der))
	}
	state := func(r provider.Remote) *orderState {
		t.Helper()
		st, err := decodeState(r.RemoteRef)
		if err != nil {
			t.Fatalf("decodeState: %v", err)
		}
		return st
	}

	issued, err := build("true").PlaceOrder(ctx, provider.OrderRequest{Ref: "1", CSRPEM: csr("example.com"), CommonName: "example.com"})
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	oldChain := issued.ChainPEM
	if got := state(issued); got.ChainPEM != oldChain || got.Reissue != nil {
		t.Fatalf("issued state: chain kept %v, reissue %v", got.ChainPEM == oldChain, got.Reissue)
	}

	p := build("false")
	pending, err := p.Reissue(ctx, issued.RemoteRef, provider.ReissueRequest{CSRPEM: csr("example.com"), CommonName: "example.com", SANs: []string{"www.example.com"}})
	if err != nil {
		t.Fatalf("Reissue: %v", err)
	}
	st := state(pending)
	if st.ChainPEM != oldChain {
		t.Error("a pending reissue dropped the issued chain from the state")
	}
	if st.Reissue == nil || len(st.Reissue.Domains) != 2 || st.Request.Domains[0].Name != "example.com" || len(st.Request.Domains) != 1 {
		t.Fatalf("pending reissue state: %+v", st)
	}

	// Approving one domain keeps the old chain too.
	half, err := p.RetryDCV(ctx, pending.RemoteRef, "www.example.com")
	if err != nil {
		t.Fatalf("RetryDCV: %v", err)
	}
	if st := state(half); st.ChainPEM != oldChain || st.Reissue == nil || !st.Reissue.Domains[1].Approved || st.Reissue.Domains[0].Approved {
		t.Errorf("half-approved reissue state: %+v", st)
	}

	done, err := p.RetryDCV(ctx, half.RemoteRef, "example.com")
	if err != nil {
		t.Fatalf("RetryDCV: %v", err)
	}
	st = state(done)
	if st.ChainPEM == oldChain || st.ChainPEM != done.ChainPEM || st.Reissue != nil || len(st.Request.Domains) != 2 || !st.Request.allApproved() {
		t.Errorf("state after the reissue: %+v", st)
	}
}

func TestToken(t *testing.T) {
	a, b := token("1", "example.com"), token("1", "example.com")
	if a != b || len(a) != 32 {
		t.Errorf("token = %q, %q; want equal, 32 hex characters", a, b)
	}
	for _, other := range []string{token("2", "example.com"), token("1", "www.example.com"), token("1example.com", "")} {
		if other == a {
			t.Errorf("token collision: %q", other)
		}
	}
}
