package server_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

const stRevoked = certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED

// TestRevokeBuiltinCA revokes a certificate of the built-in CA end to end:
// the customer asks (API), the worker revokes at the module, the order is
// revoked with its events, and the CRL served at the URL the certificate
// names makes `openssl verify -crl_check` refuse the revoked certificate
// and accept the other one. It also checks the refusals: a reason a
// subscriber cannot give, an order not issued, another account's
// certificate, and that asking twice changes nothing.
func TestRevokeBuiltinCA(t *testing.T) { dbtest.EachKind(t, testRevokeBuiltinCA) }

func testRevokeBuiltinCA(t *testing.T, k dbtest.Kind) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	e := newCertEnv(t, k, apitest.ConnectJSON, "revoker")
	ctx := context.Background()
	mod, err := e.admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "CA with CRL", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA, Priority: 1, Enabled: true,
		Plans:    []*certsvcv1.ModulePlan{{PlanId: planDV}},
		Settings: map[string]string{builtin.SettingAutoApprove: "true", builtin.SettingCRLBaseURL: e.env.URL},
	}})
	must(t, err)
	modID := mod.GetModule().GetId()
	order := func(cn string, pay bool) *certsvcv1.Certificate {
		t.Helper()
		return mustCert(t)(e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
			KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: cn}, Pay: pay}))
	}
	good := waitState(t, e.c, order("good.revoke.example.com", true).GetId(), stIssued)
	bad := waitState(t, e.c, order("bad.revoke.example.com", true).GetId(), stIssued)
	if good.GetProcessingModuleId() != modID || bad.GetProcessingModuleId() != modID {
		t.Fatalf("issued at modules %d and %d, want %d", good.GetProcessingModuleId(), bad.GetProcessingModuleId(), modID)
	}

	// Refusals first: nothing changes.
	_, err = e.c.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: bad.GetId(),
		Reason: certsvcv1.RevocationReason_REVOCATION_REASON_CERTIFICATE_HOLD})
	if codeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "reason") {
		t.Errorf("revoke with certificateHold: %v, want invalid_argument naming reason", err)
	}
	unpaid := order("unpaid.revoke.example.com", false)
	_, err = e.c.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: unpaid.GetId()})
	if codeOf(err) != connect.CodeFailedPrecondition || !strings.Contains(err.Error(), `"unpaid"`) {
		t.Errorf("revoke an unpaid order: %v, want failed_precondition naming the state", err)
	}
	other := e.env.NewCustomer(t, "revoke-other", "RUB")
	_, err = e.env.Clients(apitest.ConnectJSON, other.Auth).Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: bad.GetId()})
	if codeOf(err) != connect.CodeNotFound {
		t.Errorf("another account revokes the certificate: %v, want not_found", err)
	}
	if c := waitState(t, e.c, bad.GetId(), stIssued); c.GetState() != stIssued {
		t.Fatalf("after the refusals: %v", c.GetState())
	}
	balance := balanceOf(t, e.admin, e.cust.Account.GetId())

	// The customer revokes; the worker carries it to the CA.
	res, err := e.c.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: bad.GetId(),
		Reason: certsvcv1.RevocationReason_REVOCATION_REASON_KEY_COMPROMISE, Comment: "key leaked in a backup"})
	must(t, err)
	if s := res.GetCertificate().GetState(); s != stIssued && s != stRevoked {
		t.Fatalf("RevokeCertificate answered state %v, want issued (queued) or revoked", s)
	}
	revoked := waitState(t, e.c, bad.GetId(), stRevoked)
	if revoked.GetAutoRenew() || revoked.GetRevokeTime() == nil ||
		revoked.GetRevocationReason() != certsvcv1.RevocationReason_REVOCATION_REASON_KEY_COMPROMISE {
		t.Errorf("revoked certificate: auto-renew %v, revoke time %v, reason %v; want off, set, key compromise",
			revoked.GetAutoRenew(), revoked.GetRevokeTime(), revoked.GetRevocationReason())
	}
	if slices.Contains(revoked.GetAllowedActions(), "revoke") || !slices.Contains(good.GetAllowedActions(), "revoke") {
		t.Errorf("allowed actions: revoked %v, issued %v; want revoke offered for the issued one only",
			revoked.GetAllowedActions(), good.GetAllowedActions())
	}
	// Asked again: nothing changes, nothing is sent again.
	again, err := e.c.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: bad.GetId(),
		Reason: certsvcv1.RevocationReason_REVOCATION_REASON_SUPERSEDED})
	must(t, err)
	if again.GetCertificate().GetState() != stRevoked {
		t.Errorf("revoked twice: state %v", again.GetCertificate().GetState())
	}
	if got := balanceOf(t, e.admin, e.cust.Account.GetId()); got != balance {
		t.Errorf("balance after the revocation: %d, want %d (no money moves)", got, balance)
	}
	evs, err := e.c.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: bad.GetId()})
	must(t, err)
	counts := map[string]int{}
	for _, ev := range evs.GetEvents() {
		counts[ev.GetEvent()]++
		switch ev.GetEvent() {
		case "revoke_requested":
			if !strings.Contains(ev.GetMessage(), "keyCompromise") || !strings.Contains(ev.GetMessage(), "key leaked in a backup") {
				t.Errorf("revoke_requested message %q, want the reason and the comment", ev.GetMessage())
			}
		case "revoke":
			if ev.GetFromState() != stIssued || ev.GetToState() != stRevoked || ev.GetAmountMinor() != 0 {
				t.Errorf("revoke event: %v → %v, amount %d", ev.GetFromState(), ev.GetToState(), ev.GetAmountMinor())
			}
		}
	}
	if counts["revoke_requested"] != 1 || counts["revoke"] != 1 || counts["revoke_failed"] != 0 {
		t.Errorf("events %v, want one revoke_requested and one revoke", counts)
	}

	// The CRL at the distribution point the certificates name.
	leaf := func(id int64) *x509.Certificate {
		f, err := e.c.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: id, Type: certsvcv1.FileType_FILE_TYPE_CRT})
		must(t, err)
		certs, err := pki.ParseCertificates(f.GetContent())
		if err != nil || len(certs) == 0 {
			t.Fatalf("certificate %d: %v", id, err)
		}
		return certs[0]
	}
	goodLeaf, badLeaf := leaf(good.GetId()), leaf(bad.GetId())
	wantURL := builtin.CRLURL(e.env.URL, modID)
	if dp := badLeaf.CRLDistributionPoints; len(dp) != 1 || dp[0] != wantURL {
		t.Fatalf("CRL distribution points %v, want [%s]", dp, wantURL)
	}
	crlDER := fetchCRL(t, e.env.HTTP, wantURL)
	crl, err := x509.ParseRevocationList(crlDER)
	if err != nil {
		t.Fatalf("parse the CRL: %v", err)
	}
	var listed []string
	for _, r := range crl.RevokedCertificateEntries {
		listed = append(listed, r.SerialNumber.Text(16))
		if r.SerialNumber.Cmp(badLeaf.SerialNumber) == 0 && r.ReasonCode != localca.ReasonKeyCompromise {
			t.Errorf("CRL reason %d, want keyCompromise (1)", r.ReasonCode)
		}
	}
	if len(listed) != 1 || listed[0] != badLeaf.SerialNumber.Text(16) {
		t.Errorf("CRL lists %v, want only %s", listed, badLeaf.SerialNumber.Text(16))
	}

	// openssl verify against the CA and the CRL fetched.
	chain, err := e.c.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: good.GetId(), Type: certsvcv1.FileType_FILE_TYPE_FULLCHAIN})
	must(t, err)
	certs, err := pki.ParseCertificates(chain.GetContent())
	must(t, err)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The CA file: the chain's intermediate and the module's CA certificates.
	caFile := write("ca.pem", append(pki.EncodePEMCertificates(certs[1:]...), mod.GetModule().GetSettings()[builtin.SettingCACerts]...))
	crlFile := write("crl.pem", pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crlDER}))
	verify := func(c *x509.Certificate) (string, error) {
		f := write(c.SerialNumber.Text(16)+".pem", pki.EncodePEMCertificates(c))
		out, err := exec.Command("openssl", "verify", "-crl_check", "-CAfile", caFile, "-CRLfile", crlFile, f).CombinedOutput()
		return string(out), err
	}
	if out, err := verify(goodLeaf); err != nil {
		t.Errorf("openssl verify of the good certificate: %v\n%s", err, out)
	}
	if out, err := verify(badLeaf); err == nil || !strings.Contains(out, "certificate revoked") {
		t.Errorf("openssl verify of the revoked certificate: %v, output:\n%s\nwant a failure saying certificate revoked", err, out)
	}

	// A second revocation: the CRL is signed again and lists both.
	mustCert(t)(e.c.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: good.GetId()}))
	waitState(t, e.c, good.GetId(), stRevoked)
	crl2, err := x509.ParseRevocationList(fetchCRL(t, e.env.HTTP, wantURL))
	must(t, err)
	if n := len(crl2.RevokedCertificateEntries); n != 2 || crl2.Number.Cmp(crl.Number) <= 0 {
		t.Errorf("CRL after the second revocation: %d entries, number %v after %v; want 2, a larger number", n, crl2.Number, crl.Number)
	}
	// A module that is no built-in CA has no CRL.
	if res, err := e.env.HTTP.Get(e.env.URL + "/crl/999999.crl"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("CRL of an unknown module: %v %v, want 404", res, err)
	} else {
		res.Body.Close()
	}
}

func fetchCRL(t *testing.T, cl *http.Client, url string) []byte {
	t.Helper()
	res, err := cl.Get(url)
	if err != nil {
		t.Fatalf("fetch the CRL: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pkix-crl" {
		t.Fatalf("fetch the CRL: %s %q: %s", res.Status, res.Header.Get("Content-Type"), body)
	}
	return body
}

// TestRevokeManualModule: the customer cannot revoke a certificate of the
// manual module (an operator revokes it at the CA); an admin's request
// revokes it here at once, with its event.
func TestRevokeManualModule(t *testing.T) { dbtest.EachKind(t, testRevokeManualModule) }

func testRevokeManualModule(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.GRPC, "manual-revoker")
	ctx := context.Background()
	mod, err := e.admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Hand CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_MANUAL, Priority: 1, Enabled: true, Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}}}})
	must(t, err)
	_ = mod
	key := p256()
	c := mustCert(t)(e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		CsrPem: csrPEM(t, key, "hand.example.com"), Pay: true}))
	c = waitState(t, e.c, c.GetId(), stProcessing)
	ca, err := localca.New(time.Now(), "Hand CA")
	must(t, err)
	csr, _ := x509.ParseCertificateRequest(mustDER(t, csrPEM(t, key, "hand.example.com")))
	cert, err := ca.Issue(localca.IssueRequest{CSR: csr, Names: []string{"hand.example.com"}, NotBefore: time.Now(),
		NotAfter: time.Now().AddDate(0, 6, 0), Validation: "dv"})
	must(t, err)
	mustCert(t)(e.admin.Cert.ActivateCertificate(ctx, &certsvcv1.ActivateCertificateRequest{Id: c.GetId(), Certificate: cert.Raw}))

	_, err = e.c.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: c.GetId()})
	if codeOf(err) != connect.CodeFailedPrecondition || !strings.Contains(err.Error(), `"Hand CA"`) {
		t.Fatalf("the customer revokes at the manual module: %v, want failed_precondition naming the module", err)
	}
	got := mustCert(t)(e.admin.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: c.GetId(),
		Reason: certsvcv1.RevocationReason_REVOCATION_REASON_CESSATION_OF_OPERATION}))
	if got.GetState() != stRevoked {
		t.Fatalf("an admin revokes at the manual module: state %v, want revoked at once", got.GetState())
	}
	evs, err := e.admin.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: c.GetId()})
	must(t, err)
	if last := evs.GetEvents()[len(evs.GetEvents())-1]; last.GetEvent() != "revoke" || last.GetToState() != stRevoked ||
		!strings.Contains(last.GetMessage(), "cessationOfOperation") {
		t.Errorf("newest event %q → %v %q, want revoke → revoked with the reason", last.GetEvent(), last.GetToState(), last.GetMessage())
	}
}

// waitEvent polls until the certificate's history has the event.
func waitEvent(t *testing.T, cl apitest.Clients, id int64, event string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if slices.Contains(eventNames(t, cl, id), event) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificate %d: events %v, want %q", id, eventNames(t, cl, id), event)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
