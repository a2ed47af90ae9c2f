package acme_test

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
)

func TestPrepare(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	cfg := pc.config(t, nil)

	accountURL := cfg.Settings[acme.SettingAccountURL]
	if !strings.HasPrefix(accountURL, pc.srv.URL+"/") {
		t.Errorf("account_url = %q, want a URL of the CA", accountURL)
	}
	keyPEM := cfg.Secrets[acme.SecretAccountKey]
	if _, err := pki.ParsePrivateKeyPEM([]byte(keyPEM)); err != nil {
		t.Fatalf("secret account_key: %v", err)
	}
	for k, v := range cfg.Settings {
		if strings.Contains(v, "PRIVATE KEY") {
			t.Errorf("setting %q holds the private key", k)
		}
	}

	// Preparing again finds the same account instead of creating one.
	again, err := acme.Prepare(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Prepare again: %v", err)
	}
	if got := again.Settings[acme.SettingAccountURL]; got != accountURL {
		t.Errorf("Prepare again: account_url = %q, want %q", got, accountURL)
	}
	if again.Secrets[acme.SecretAccountKey] != keyPEM {
		t.Error("Prepare again replaced the account key")
	}

	p := newProvider(t, acme.Kind(), cfg)
	if p.Kind() != acme.KindName {
		t.Errorf("Kind() = %q", p.Kind())
	}
	if err := p.CheckCredentials(t.Context()); err != nil {
		t.Errorf("CheckCredentials: %v", err)
	}

	// Another key has no account at the CA.
	other := pc.rawConfig(t, nil)
	other.Settings[acme.SettingAccountURL] = accountURL
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	pemKey, _ := pki.MarshalPrivateKeyPEM(key)
	other.Secrets[acme.SecretAccountKey] = string(pemKey)
	err = newProvider(t, acme.Kind(), other).CheckCredentials(t.Context())
	if !errors.Is(err, provider.ErrRejected) {
		t.Errorf("CheckCredentials with an unknown key: %v, want ErrRejected", err)
	}

	if logs := pc.logs.String(); strings.Contains(logs, "PRIVATE KEY") || strings.Contains(logs, strings.Split(keyPEM, "\n")[1]) {
		t.Error("the logs hold the account key")
	}
}

func TestPrepareErrors(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	tests := []struct {
		name     string
		settings map[string]string
		secrets  map[string]string
		want     error
	}{
		{"error/no directory", map[string]string{acme.SettingDirectoryURL: ""}, nil, errkind.InvalidArgument},
		{"error/plain http directory", map[string]string{acme.SettingDirectoryURL: "http://127.0.0.1/dir"}, nil, errkind.InvalidArgument},
		{"error/terms not accepted", map[string]string{acme.SettingAgreeTOS: ""}, nil, errkind.InvalidArgument},
		{"error/bad agree_tos", map[string]string{acme.SettingAgreeTOS: "yes"}, nil, errkind.InvalidArgument},
		{"error/bad dns wait", map[string]string{acme.SettingDNSWait: "soon"}, nil, errkind.InvalidArgument},
		{"error/eab kid without key", map[string]string{acme.SettingEABKID: "kid-1"}, nil, errkind.InvalidArgument},
		{"error/eab key without kid", nil, map[string]string{acme.SecretEABKey: "c2VjcmV0"}, errkind.InvalidArgument},
		{"error/eab key not base64", map[string]string{acme.SettingEABKID: "kid-1"},
			map[string]string{acme.SecretEABKey: "not base64 at all!"}, errkind.InvalidArgument},
		{"error/bad account key", nil, map[string]string{acme.SecretAccountKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"},
			errkind.InvalidArgument},
		{"error/ca unreachable", map[string]string{acme.SettingDirectoryURL: "https://127.0.0.1:1/dir"}, nil, provider.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := pc.rawConfig(t, tc.settings)
			for k, v := range tc.secrets {
				cfg.Secrets[k] = v
			}
			_, err := acme.Prepare(t.Context(), cfg)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Prepare: %v, want %v", err, tc.want)
			}
			for _, v := range tc.secrets {
				if strings.Contains(err.Error(), v) {
					t.Errorf("error %q quotes a secret", err)
				}
			}
		})
	}
}

func TestIssueHTTP01(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	cfg := pc.config(t, map[string]string{acme.SettingHTTP: "web"})
	p := newProvider(t, pc.kind(), cfg)
	names := []string{"example.com", "www.example.com"}
	key, csr := newCSR(t, names...)

	start := time.Now()
	r, err := p.PlaceOrder(t.Context(), orderRequest("order-1", csr, names...))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	if r.State != provider.StateAwaitingDCV || r.Ref != "order-1" || !strings.HasPrefix(r.RemoteID, pc.srv.URL) {
		t.Fatalf("PlaceOrder = %s ref %q remote %q, want awaiting_dcv for order-1 at the CA", r.State, r.Ref, r.RemoteID)
	}
	for _, n := range names {
		in := instruction(t, r, n)
		token, ok := strings.CutPrefix(in.HTTPURL, "http://"+n+"/.well-known/acme-challenge/")
		if in.Method != provider.DCVACMEHTTP01 || !ok || !strings.HasPrefix(in.Content, token+".") || in.Status != "pending" {
			t.Errorf("instruction for %s = %+v, want an http-01 file with the key authorization", n, in)
		}
		if in.Deadline.IsZero() {
			t.Errorf("instruction for %s has no deadline", n)
		}
	}

	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
	t.Logf("HTTP-01 issuance of 2 names took %v", time.Since(start))
	leaf := checkChain(t, r.ChainPEM, pc.root(), key, names...)
	if !r.CertNotAfter.Equal(leaf.NotAfter) || r.CertNotAfter.Sub(r.CertNotBefore) < 80*24*time.Hour {
		t.Errorf("validity %v – %v, want the 90-day profile", r.CertNotBefore, r.CertNotAfter)
	}
	if n := pc.web.Len(); n != 0 {
		t.Errorf("%d challenge responses still published after issuance", n)
	}

	// An issued order stays issued without asking the CA.
	pc.srv.Close()
	again, err := p.Sync(t.Context(), r.RemoteRef)
	if err != nil || again.State != provider.StateIssued || again.ChainPEM != r.ChainPEM {
		t.Errorf("Sync of an issued order = %s, %v", again.State, err)
	}
}

func TestIssueDNS01Wildcard(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	cfg := pc.config(t, map[string]string{acme.SettingDNS: "dns"})
	p := newProvider(t, pc.kind(), cfg)
	names := []string{"example.org", "*.example.org"}
	key, csr := newCSR(t, names...)

	r, err := p.PlaceOrder(t.Context(), orderRequest("order-2", csr, names...))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	apex, wild := instruction(t, r, "example.org"), instruction(t, r, "*.example.org")
	for _, in := range []provider.DCVInstruction{apex, wild} {
		if in.Method != provider.DCVACMEDNS01 || in.DNSName != "_acme-challenge.example.org" || in.DNSType != "TXT" || in.Content == "" {
			t.Errorf("instruction %+v, want a TXT record at _acme-challenge.example.org", in)
		}
	}
	if apex.Content == wild.Content {
		t.Error("the apex and the wildcard have the same TXT value")
	}

	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
	checkChain(t, r.ChainPEM, pc.root(), key, names...)
	if pc.dns.presents != 2 {
		t.Errorf("%d TXT records published, want 2 (published once each)", pc.dns.presents)
	}
	if n := pc.dns.records(); n != 0 {
		t.Errorf("%d TXT records left after issuance", n)
	}
}

func TestDCVChoices(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	cfg := pc.config(t, map[string]string{acme.SettingHTTP: "web"})
	p := newProvider(t, pc.kind(), cfg)
	tests := []struct {
		name  string
		names []string
		dcv   map[string]provider.DCVChoice
	}{
		{"error/wildcard by http-01", []string{"*.example.net"}, map[string]provider.DCVChoice{"*.example.net": {Method: provider.DCVACMEHTTP01}}},
		{"error/e-mail validation", []string{"example.net"}, map[string]provider.DCVChoice{"example.net": {Method: provider.DCVEmail, Email: "admin@example.net"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, csr := newCSR(t, tc.names...)
			req := orderRequest("order-x", csr, tc.names...)
			req.DCV = tc.dcv
			if _, err := p.PlaceOrder(t.Context(), req); !errors.Is(err, provider.ErrRejected) {
				t.Fatalf("PlaceOrder: %v, want ErrRejected", err)
			}
		})
	}
	if n := len(pc.orders(cfg)); n != 0 {
		t.Errorf("the CA has %d orders, want none: refused before sending", n)
	}
}

func TestManualDCV(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, nil)) // no publishers: the customer publishes
	dcv := p.(provider.DCVController)
	names := []string{"shop.example.com", "*.example.com"}
	key, csr := newCSR(t, names...)

	r, err := p.PlaceOrder(t.Context(), orderRequest("order-3", csr, names...))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	for range 3 {
		if r, err = p.Sync(t.Context(), r.RemoteRef); err != nil {
			t.Fatalf("Sync: %v", err)
		}
	}
	if r.State != provider.StateAwaitingDCV || !strings.Contains(r.Message, "Publish") {
		t.Fatalf("before the customer confirms: %s %q, want awaiting_dcv asking to publish", r.State, r.Message)
	}
	shop, wild := instruction(t, r, "shop.example.com"), instruction(t, r, "*.example.com")
	if shop.Method != provider.DCVACMEHTTP01 || wild.Method != provider.DCVACMEDNS01 || shop.Status != "pending" {
		t.Fatalf("instructions %+v, %+v: want http-01 for the name and dns-01 for the wildcard, pending", shop, wild)
	}
	if pc.web.Len() != 0 || pc.dns.records() != 0 {
		t.Fatal("the module published responses though it has no publisher")
	}

	// The customer publishes both, then confirms the file first.
	token := shop.HTTPURL[strings.LastIndex(shop.HTTPURL, "/")+1:]
	if err := pc.web.Present(t.Context(), "shop.example.com", token, shop.Content); err != nil {
		t.Fatal(err)
	}
	if err := pc.dns.Present(t.Context(), wild.DNSName, wild.Content); err != nil {
		t.Fatal(err)
	}
	if r, err = dcv.RetryDCV(t.Context(), r.RemoteRef, "shop.example.com"); err != nil {
		t.Fatalf("RetryDCV(shop): %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for instruction(t, r, "shop.example.com").Status != "valid" {
		if time.Now().After(deadline) {
			t.Fatalf("shop.example.com not validated: %+v", r.DCV)
		}
		time.Sleep(20 * time.Millisecond)
		if r, err = p.Sync(t.Context(), r.RemoteRef); err != nil {
			t.Fatalf("Sync: %v", err)
		}
	}
	if r.State != provider.StateAwaitingDCV || instruction(t, r, "*.example.com").Status != "pending" {
		t.Fatalf("after confirming one name: %s, wildcard %+v; want the wildcard still waiting", r.State, instruction(t, r, "*.example.com"))
	}

	if r, err = dcv.RetryDCV(t.Context(), r.RemoteRef, ""); err != nil {
		t.Fatalf("RetryDCV(all): %v", err)
	}
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
	checkChain(t, r.ChainPEM, pc.root(), key, names...)

	if _, err := dcv.RetryDCV(t.Context(), r.RemoteRef, "other.example.com"); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("RetryDCV for a name not in the order: %v, want ErrRejected", err)
	}
}

func TestManualDCVNotPublished(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, nil))
	_, csr := newCSR(t, "example.com")
	r, err := p.PlaceOrder(t.Context(), orderRequest("order-4", csr, "example.com"))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	// Confirmed, but nothing is served: the CA's check fails.
	if r, err = p.(provider.DCVController).RetryDCV(t.Context(), r.RemoteRef, ""); err != nil {
		t.Fatalf("RetryDCV: %v", err)
	}
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateFailed || r.RawStatus != "invalid" {
		t.Fatalf("order %s (%s), want failed", r.State, r.RawStatus)
	}
	if !strings.Contains(r.Message, "example.com: http-01") || !strings.Contains(r.Message, "unauthorized") {
		t.Errorf("message %q, want the name and the CA's reason", r.Message)
	}
	if in := instruction(t, r, "example.com"); in.Status != "invalid" {
		t.Errorf("instruction status %q, want invalid", in.Status)
	}
}

func TestSetDCV(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, map[string]string{acme.SettingDNS: "dns"}))
	key, csr := newCSR(t, "example.com")
	req := orderRequest("order-5", csr, "example.com")
	req.DCV = map[string]provider.DCVChoice{"example.com": {Method: provider.DCVACMEHTTP01}}
	r, err := p.PlaceOrder(t.Context(), req)
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	if in := instruction(t, r, "example.com"); in.Method != provider.DCVACMEHTTP01 {
		t.Fatalf("instruction %+v, want http-01 as asked", in)
	}
	// http-01 has no publisher: switch to dns-01, which the module publishes.
	r, err = p.(provider.DCVController).SetDCV(t.Context(), r.RemoteRef, "example.com", provider.DCVChoice{Method: provider.DCVACMEDNS01})
	if err != nil {
		t.Fatalf("SetDCV: %v", err)
	}
	if in := instruction(t, r, "example.com"); in.Method != provider.DCVACMEDNS01 || in.DNSName != "_acme-challenge.example.com" {
		t.Fatalf("instruction after SetDCV %+v, want dns-01", in)
	}
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
	checkChain(t, r.ChainPEM, pc.root(), key, "example.com")
}

// TestRestartMidOrder plays the process dying between any two calls: every
// call is made by a new provider (no cached directory, nonce or account), and
// twice an answer is lost, so the next call starts from the older State.
func TestRestartMidOrder(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	cfg := pc.config(t, map[string]string{acme.SettingHTTP: "web"})
	fresh := func() provider.Provider { return newProvider(t, pc.kind(), cfg) }
	names := []string{"example.com", "www.example.com"}
	key, csr := newCSR(t, names...)

	placed, err := fresh().PlaceOrder(t.Context(), orderRequest("order-6", csr, names...))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	// The first Sync publishes and accepts; its answer is lost.
	if _, err := fresh().Sync(t.Context(), placed.RemoteRef); err != nil {
		t.Fatalf("Sync 1: %v", err)
	}
	r := placed
	var beforeIssued provider.Remote
	deadline := time.Now().Add(30 * time.Second)
	for r.State != provider.StateIssued {
		if time.Now().After(deadline) || r.State == provider.StateFailed {
			t.Fatalf("order %s: %s", r.State, r.Message)
		}
		time.Sleep(20 * time.Millisecond)
		next, err := fresh().Sync(t.Context(), r.RemoteRef) // from the State without the accepted challenges
		if err != nil {
			t.Fatalf("Sync from stored state: %v", err)
		}
		beforeIssued, r = r, next
	}
	checkChain(t, r.ChainPEM, pc.root(), key, names...)

	// The answer with the certificate is lost too: the order is read again.
	again, err := fresh().Sync(t.Context(), beforeIssued.RemoteRef)
	if err != nil || again.State != provider.StateIssued || again.ChainPEM != r.ChainPEM {
		t.Fatalf("Sync from the state before issuance = %s, %v; want the same certificate", again.State, err)
	}
}

func TestDNSPropagationWait(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	cfg := pc.config(t, map[string]string{acme.SettingDNS: "dns", acme.SettingDNSWait: "10m"})
	now := time.Now()
	cfg.Now = func() time.Time { return now }
	p := newProvider(t, pc.kind(), cfg)
	_, csr := newCSR(t, "example.com")
	r, err := p.PlaceOrder(t.Context(), orderRequest("order-7", csr, "example.com"))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	for range 3 {
		if r, err = p.Sync(t.Context(), r.RemoteRef); err != nil {
			t.Fatalf("Sync: %v", err)
		}
	}
	if pc.dns.records() != 1 || r.State != provider.StateAwaitingDCV {
		t.Fatalf("within the wait: %d records, %s; want the record published and the order waiting", pc.dns.records(), r.State)
	}
	if st := pc.challengeStatuses(cfg); st["pending"] == 0 || len(st) != 1 {
		t.Fatalf("challenges at the CA %v, want all pending within the propagation wait", st)
	}
	now = now.Add(10 * time.Minute)
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
}

func TestRevoke(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, map[string]string{acme.SettingHTTP: "web"}))
	r := issue(t, p, "order-8", "example.com")
	leaf := checkChain(t, r.ChainPEM, pc.root(), r.key, "example.com")
	rv := p.(provider.Revoker)

	if err := rv.Revoke(t.Context(), r.RemoteRef, "ffff", 0); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Revoke of another serial: %v, want ErrNotFound", err)
	}
	if err := rv.Revoke(t.Context(), r.RemoteRef, leaf.SerialNumber.Text(16), 4); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	rc := pc.store.GetRevokedCertificateBySerial(leaf.SerialNumber)
	if rc == nil || rc.Reason == nil || *rc.Reason != 4 {
		t.Fatalf("the CA has revocation %+v, want reason 4 (superseded)", rc)
	}
	if err := rv.Revoke(t.Context(), r.RemoteRef, strings.ToUpper(leaf.SerialNumber.Text(16)), 4); err != nil {
		t.Errorf("Revoke twice: %v, want success", err)
	}
}

func TestReissue(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, map[string]string{acme.SettingHTTP: "web"}))
	first := issue(t, p, "order-9", "example.com")
	oldLeaf := checkChain(t, first.ChainPEM, pc.root(), first.key, "example.com")

	names := []string{"example.com", "api.example.com"}
	key, csr := newCSR(t, names...)
	r, err := p.(provider.Reissuer).Reissue(t.Context(), first.RemoteRef, provider.ReissueRequest{
		CSRPEM: csr, CommonName: names[0], SANs: names[1:]})
	if err != nil {
		t.Fatalf("Reissue: %v", err)
	}
	if r.State != provider.StateReissuing || r.RemoteID == first.RemoteID || r.Ref != first.Ref {
		t.Fatalf("Reissue = %s order %q ref %q; want reissuing, a new order, the same ref", r.State, r.RemoteID, r.Ref)
	}
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("reissue %s: %s", r.State, r.Message)
	}
	checkChain(t, r.ChainPEM, pc.root(), key, names...)

	// The replaced certificate is still revocable through the new state.
	if err := p.(provider.Revoker).Revoke(t.Context(), r.RemoteRef, oldLeaf.SerialNumber.Text(16), 4); err != nil {
		t.Fatalf("Revoke the replaced certificate: %v", err)
	}
	if pc.store.GetRevokedCertificateBySerial(oldLeaf.SerialNumber) == nil {
		t.Error("the replaced certificate is not revoked at the CA")
	}
}

func TestCancel(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, nil))
	_, csr := newCSR(t, "example.com", "www.example.com")
	r, err := p.PlaceOrder(t.Context(), orderRequest("order-10", csr, "example.com", "www.example.com"))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	if err := p.Cancel(t.Context(), r.RemoteRef, "customer asked"); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if r, err = p.Sync(t.Context(), r.RemoteRef); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if r.State != provider.StateCancelled {
		t.Fatalf("after Cancel: %s %q, want cancelled", r.State, r.Message)
	}
}

func TestErrors(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	p := newProvider(t, pc.kind(), pc.config(t, map[string]string{acme.SettingHTTP: "web"}))

	t.Run("error/policy refuses the name", func(t *testing.T) {
		_, csr := newCSR(t, "blocked-domain.example")
		_, err := p.PlaceOrder(t.Context(), orderRequest("order-11", csr, "blocked-domain.example"))
		if !errors.Is(err, provider.ErrRejected) || !strings.Contains(err.Error(), "forbidden by policy") ||
			!strings.Contains(err.Error(), "rejectedIdentifier") {
			t.Fatalf("PlaceOrder: %v, want ErrRejected with the CA's detail", err)
		}
	})
	t.Run("error/CSR names differ", func(t *testing.T) {
		_, csr := newCSR(t, "example.com")
		_, err := p.PlaceOrder(t.Context(), orderRequest("order-12", csr, "example.com", "www.example.com"))
		if !errors.Is(err, provider.ErrRejected) {
			t.Fatalf("PlaceOrder: %v, want ErrRejected", err)
		}
	})
	t.Run("error/unknown profile", func(t *testing.T) {
		p := newProvider(t, pc.kind(), pc.config(t, map[string]string{acme.SettingProfile: "forever"}))
		_, csr := newCSR(t, "example.com")
		if _, err := p.PlaceOrder(t.Context(), orderRequest("order-13", csr, "example.com")); !errors.Is(err, provider.ErrRejected) {
			t.Fatalf("PlaceOrder: %v, want ErrRejected", err)
		}
	})
	t.Run("error/no state", func(t *testing.T) {
		if _, err := p.Sync(t.Context(), provider.RemoteRef{Ref: "order-14"}); !errors.Is(err, provider.ErrNotFound) {
			t.Fatalf("Sync: %v, want ErrNotFound", err)
		}
	})
	t.Run("error/unknown order", func(t *testing.T) {
		_, csr := newCSR(t, "example.com")
		r, err := p.PlaceOrder(t.Context(), orderRequest("order-15", csr, "example.com"))
		if err != nil {
			t.Fatal(err)
		}
		state := strings.Replace(string(r.RemoteRef.State), r.RemoteID, r.RemoteID+"x", 1)
		_, err = p.Sync(t.Context(), provider.RemoteRef{Ref: r.Ref, State: []byte(state)})
		if !errors.Is(err, provider.ErrNotFound) {
			t.Fatalf("Sync of an order the CA does not know: %v, want ErrNotFound", err)
		}
	})
	t.Run("error/CA answers 503", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"type":"urn:ietf:params:acme:error:serverInternal","detail":"down for maintenance"}`))
		}))
		defer srv.Close()
		cfg := pc.config(t, nil)
		cfg.Settings[acme.SettingDirectoryURL], cfg.HTTPClient = srv.URL+"/dir", srv.Client()
		start := time.Now()
		err := newProvider(t, pc.kind(), cfg).CheckCredentials(t.Context())
		if !errors.Is(err, provider.ErrUnavailable) || !strings.Contains(err.Error(), "down for maintenance") {
			t.Fatalf("CheckCredentials: %v, want ErrUnavailable with the CA's detail", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("CheckCredentials took %v: retries must stay short", d)
		}
	})
	t.Run("error/CA down", func(t *testing.T) {
		_, csr := newCSR(t, "example.com")
		r, err := p.PlaceOrder(t.Context(), orderRequest("order-16", csr, "example.com"))
		if err != nil {
			t.Fatal(err)
		}
		pc.srv.Close()
		if _, err := p.Sync(t.Context(), r.RemoteRef); !errors.Is(err, provider.ErrUnavailable) {
			t.Fatalf("Sync with the CA down: %v, want ErrUnavailable", err)
		}
	})
}

func TestEAB(t *testing.T) {
	mac := make([]byte, 32)
	_, _ = rand.Read(mac)
	macB64 := base64.RawURLEncoding.EncodeToString(mac)
	pc := startPebble(t, pebbleOpts{requireEAB: true, eabKeys: map[string]string{"kid-1": macB64}})

	_, err := acme.Prepare(t.Context(), pc.rawConfig(t, nil))
	if !errors.Is(err, errkind.InvalidArgument) || !strings.Contains(err.Error(), "external account binding") {
		t.Errorf("Prepare without EAB: %v, want InvalidArgument asking for it", err)
	}

	wrong := pc.rawConfig(t, map[string]string{acme.SettingEABKID: "kid-1"})
	wrongKey := base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	wrong.Secrets[acme.SecretEABKey] = wrongKey
	_, err = acme.Prepare(t.Context(), wrong)
	if !errors.Is(err, provider.ErrRejected) || strings.Contains(err.Error(), wrongKey) {
		t.Errorf("Prepare with a wrong MAC key: %v, want ErrRejected without the key", err)
	}

	cfg := pc.rawConfig(t, map[string]string{acme.SettingEABKID: "kid-1"})
	cfg.Secrets[acme.SecretEABKey] = macB64
	out, err := acme.Prepare(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Prepare with EAB: %v", err)
	}
	if err := newProvider(t, pc.kind(), out).CheckCredentials(t.Context()); err != nil {
		t.Errorf("CheckCredentials: %v", err)
	}
	if strings.Contains(pc.logs.String(), macB64) {
		t.Error("the logs hold the MAC key")
	}
}

type issuedOrder struct {
	provider.Remote
	key crypto.Signer
}

// issue places an order for names by HTTP-01 and syncs it to issuance.
func issue(t testing.TB, p provider.Provider, ref string, names ...string) issuedOrder {
	t.Helper()
	key, csr := newCSR(t, names...)
	r, err := p.PlaceOrder(t.Context(), orderRequest(ref, csr, names...))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	r = syncUntil(t, p, r, provider.StateIssued, provider.StateFailed)
	if r.State != provider.StateIssued {
		t.Fatalf("order %s: %s", r.State, r.Message)
	}
	return issuedOrder{Remote: r, key: key}
}

// BenchmarkIssueHTTP01 times one issuance of two names by HTTP-01 through
// the module against the embedded Pebble, polling Sync every 20 ms as the
// tests do (the core's backoff decides the real figure).
func BenchmarkIssueHTTP01(b *testing.B) {
	pc := startPebble(b, pebbleOpts{})
	p := newProvider(b, pc.kind(), pc.config(b, map[string]string{acme.SettingHTTP: "web"}))
	for i := 0; b.Loop(); i++ {
		issue(b, p, "bench", fmt.Sprintf("n%d.example.com", i), fmt.Sprintf("www.n%d.example.com", i))
	}
}
