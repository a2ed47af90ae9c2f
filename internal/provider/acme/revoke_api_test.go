package acme_test

import (
	"context"
	"testing"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

// TestRevokeThroughTheAPI revokes a certificate Pebble issued through the
// whole service: the customer's RevokeCertificate, the worker's call to the
// ACME module (revokeCert), the CA-report table's revoke event; Pebble then
// holds the certificate as revoked with the reason given.
func TestRevokeThroughTheAPI(t *testing.T) {
	pc := startPebble(t, pebbleOpts{})
	kinds, err := provider.NewRegistry(builtin.Kind(), pc.kind())
	if err != nil {
		t.Fatal(err)
	}
	env := apitest.NewWith(t, dbtest.SQLite(t), apitest.Options{Kinds: kinds, ModuleTransport: pc.client.Transport})
	ctx := context.Background()
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	const planDV = 3033
	mod, err := admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Pebble", Kind: certsvcv1.ModuleKind_MODULE_KIND_ACME, Priority: 1, Enabled: true,
		Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}},
		Settings: map[string]string{acme.SettingDirectoryURL: pc.dirURL, acme.SettingEmail: "ops@certsvc.test",
			acme.SettingAgreeTOS: "true", acme.SettingProfile: "default", acme.SettingHTTP: "web"},
	}})
	if err != nil {
		t.Fatalf("create the ACME module: %v", err)
	}
	cust := env.NewCustomer(t, "acme-revoker", "RUB")
	if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 10_000_000, Currency: "RUB"}); err != nil {
		t.Fatal(err)
	}
	cl := env.Clients(apitest.ConnectJSON, cust.Auth)
	res, err := cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "revoke.example.com"}, Pay: true,
		Validations: []*certsvcv1.DomainValidation{{Domain: "revoke.example.com", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_HTTP_FILE}}})
	if err != nil {
		t.Fatalf("order: %v", err)
	}
	id := res.GetCertificate().GetId()
	if got := res.GetCertificate().GetProcessingModuleId(); got != mod.GetModule().GetId() {
		t.Fatalf("ordered at module %d, want Pebble's %d", got, mod.GetModule().GetId())
	}
	// The worker's polls back off; syncing asks Pebble now.
	waitFor := func(want certsvcv1.CertificateState, sync bool) *certsvcv1.Certificate {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			if sync {
				if _, err := admin.Cert.SyncCertificates(ctx, &certsvcv1.SyncCertificatesRequest{Ids: []int64{id}}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := cl.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: id})
			if err != nil {
				t.Fatal(err)
			}
			if got.GetCertificate().GetState() == want {
				return got.GetCertificate()
			}
			if time.Now().After(deadline) || got.GetCertificate().GetState() == certsvcv1.CertificateState_CERTIFICATE_STATE_FAILED {
				t.Fatalf("certificate %d is %v (%s), want %v", id, got.GetCertificate().GetState(), got.GetCertificate().GetStatusMessage(), want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor(certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED, true)
	f, err := cl.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: id, Type: certsvcv1.FileType_FILE_TYPE_CRT})
	if err != nil {
		t.Fatal(err)
	}
	certs, err := pki.ParseCertificates(f.GetContent())
	if err != nil {
		t.Fatal(err)
	}
	leaf := certs[0]
	if pc.store.GetRevokedCertificateBySerial(leaf.SerialNumber) != nil {
		t.Fatal("Pebble holds the certificate revoked before it was asked")
	}

	for range 2 { // asked twice: one revocation
		if _, err := cl.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: id,
			Reason: certsvcv1.RevocationReason_REVOCATION_REASON_KEY_COMPROMISE, Comment: "laptop stolen"}); err != nil {
			t.Fatalf("RevokeCertificate: %v", err)
		}
	}
	waitFor(certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED, false)
	rc := pc.store.GetRevokedCertificateBySerial(leaf.SerialNumber)
	if rc == nil || rc.Reason == nil || *rc.Reason != 1 {
		t.Fatalf("Pebble's revocation %+v, want the certificate revoked for keyCompromise (1)", rc)
	}
	evs, err := cl.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range evs.GetEvents() {
		counts[e.GetEvent()]++
	}
	if counts["revoke_requested"] != 1 || counts["revoke"] != 1 {
		t.Errorf("events %v, want one revoke_requested and one revoke", counts)
	}
	// Pebble still calls the order valid; the revoked state stays.
	if _, err := admin.Cert.SyncCertificates(ctx, &certsvcv1.SyncCertificatesRequest{Ids: []int64{id}}); err != nil {
		t.Fatal(err)
	}
	waitFor(certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED, false)
}
