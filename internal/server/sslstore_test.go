package server_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/provider/thesslstore/sslstoretest"
	"github.com/certsvc/certsvc/internal/store"
)

// A module of The SSL Store, against a fake that follows its documented API:
// set-up checked, products and balance read, orders placed once (also when
// the connection drops after the order was taken), issued certificates
// stored, every call logged without secrets, and an order falls over to the
// next module when the CA answers 503.
func TestTheSSLStoreModule(t *testing.T) { dbtest.Each(t, testTheSSLStoreModule) }

func testTheSSLStoreModule(t *testing.T, db *store.DB) {
	fake := sslstoretest.New(t, sslstoretest.Options{})
	env := apitest.New(t, db)
	ctx := context.Background()
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	cust := env.NewCustomer(t, "storebuyer", "RUB")
	deposit(t, admin, cust.Account.GetId(), 10_000_000)
	cl := env.Clients(apitest.ConnectJSON, cust.Auth)

	mod := &certsvcv1.ProcessingModule{Name: "The SSL Store", Kind: certsvcv1.ModuleKind_MODULE_KIND_THESSLSTORE,
		Enabled: true, Plans: []*certsvcv1.ModulePlan{{PlanId: planDV, ProductCode: "positivessl"}}, DebugLog: true,
		Settings:    map[string]string{"url": fake.URL()},
		Credentials: map[string]string{"partner_code": sslstoretest.DefaultPartnerCode, "auth_token": "wrong-token-1234"}}
	_, err := admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: mod})
	if codeOf(err) != connect.CodeUnavailable || !strings.Contains(err.Error(), "Cannot connect to the processing module") ||
		strings.Contains(err.Error(), "wrong-token-1234") {
		t.Fatalf("a module with a wrong token: %v, want unavailable, \"Cannot connect to the processing module\", no token", err)
	}
	mod.Credentials["auth_token"] = sslstoretest.DefaultAuthToken
	created, err := admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: mod})
	if err != nil {
		t.Fatal(err)
	}
	modID := created.GetModule().GetId()

	products, err := admin.Module.ListModuleProducts(ctx, &certsvcv1.ListModuleProductsRequest{Id: modID})
	if err != nil || len(products.GetProducts()) == 0 || products.GetProducts()[0].GetCode() == "" {
		t.Fatalf("products: %v %v", err, products)
	}
	bal, err := admin.Module.RefreshModuleBalance(ctx, &certsvcv1.RefreshModuleBalanceRequest{Id: modID})
	if b := bal.GetModule().GetBalance(); err != nil || b.GetCurrency() != "USD" || b.GetAmountMinor() != 1_000_000 {
		t.Fatalf("balance: %v %v, want 10000.00 USD", err, b)
	}

	order := func(cn string) *certsvcv1.Certificate {
		t.Helper()
		return mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
			Subject: &certsvcv1.Subject{CommonName: cn}, Pay: true,
			Validations: []*certsvcv1.DomainValidation{{Domain: cn, Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: "admin@" + cn}},
		}))
	}
	issue := func(c *certsvcv1.Certificate) {
		t.Helper()
		ref := fmt.Sprint(c.GetId())
		waitState(t, cl, c.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_AWAITING_VALIDATION)
		fake.Issue(ref)
		if _, err := admin.Cert.SyncCertificates(ctx, &certsvcv1.SyncCertificatesRequest{Ids: []int64{c.GetId()}}); err != nil {
			t.Fatal(err)
		}
		got := waitState(t, cl, c.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)
		if n := fake.OrdersPlaced(ref); n != 1 {
			t.Errorf("order %s placed %d times at The SSL Store, want once", ref, n)
		}
		f, err := cl.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: got.GetId(), Type: certsvcv1.FileType_FILE_TYPE_FULLCHAIN})
		if err != nil {
			t.Fatal(err)
		}
		block, rest := pem.Decode(f.GetContent())
		leaf, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		inter := x509.NewCertPool()
		inter.AppendCertsFromPEM(rest)
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: c.GetCommonName(), Roots: fake.Roots(), Intermediates: inter}); err != nil {
			t.Errorf("the chain from The SSL Store does not verify: %v", err)
		}
	}

	c1 := order("shop.example.com")
	if c1.GetProcessingModuleId() != modID {
		t.Fatalf("ordered at module %d, want The SSL Store's %d", c1.GetProcessingModuleId(), modID)
	}
	issue(c1)

	// The connection drops after The SSL Store took the order: the worker
	// finds it by our reference instead of ordering again.
	fake.Inject("order/neworder", sslstoretest.Fault{Kind: sslstoretest.Drop, After: true})
	c2 := order("dropped.example.com")
	issue(c2)

	// Revocation (order/certificaterevokerequest): the CA refuses one, the
	// certificate stays issued with a revoke_failed event; the other is
	// revoked once, however often it is asked.
	fake.Inject("order/certificaterevokerequest", sslstoretest.Fault{Kind: sslstoretest.Reject, Message: "Revocation is not allowed for this product."})
	mustCert(t)(cl.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: c2.GetId()}))
	waitEvent(t, cl, c2.GetId(), "revoke_failed")
	if got := waitState(t, cl, c2.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED); !strings.Contains(got.GetStatusMessage(), "not allowed for this product") {
		t.Errorf("status after a refused revocation: %q, want the CA's reason", got.GetStatusMessage())
	}
	// The first call meets a 503: the worker sends again later. Meanwhile
	// the revocation waits, and reissue and renewal are refused.
	fake.Inject("order/certificaterevokerequest", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 503})
	for range 2 {
		mustCert(t)(cl.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: c1.GetId(),
			Reason: certsvcv1.RevocationReason_REVOCATION_REASON_SUPERSEDED}))
	}
	if _, err := cl.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: c1.GetId()}); codeOf(err) != connect.CodeFailedPrecondition ||
		!strings.Contains(err.Error(), "revocation at the CA is pending") {
		t.Errorf("reissue while the revocation waits: %v, want failed_precondition", err)
	}
	if _, err := cl.Cert.RenewCertificate(ctx, &certsvcv1.RenewCertificateRequest{Id: c1.GetId()}); codeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("renew while the revocation waits: %v, want failed_precondition", err)
	}
	waitState(t, cl, c1.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED)
	mustCert(t)(cl.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: c1.GetId()}))
	if o, _ := fake.Order(fmt.Sprint(c1.GetId())); o.Revokes != 1 || o.RevokeReason != "superseded" || o.MajorStatus != "Revoked" {
		t.Errorf("at The SSL Store: %d revocations, reason %q, status %q; want 1, superseded, Revoked", o.Revokes, o.RevokeReason, o.MajorStatus)
	}
	// The CA's status agrees with the revocation.
	if _, err := admin.Cert.SyncCertificates(ctx, &certsvcv1.SyncCertificatesRequest{Ids: []int64{c1.GetId()}}); err != nil {
		t.Fatal(err)
	}
	waitState(t, cl, c1.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED)

	calls, err := admin.Module.ListModuleCalls(ctx, &certsvcv1.ListModuleCallsRequest{Id: modID, PageSize: 1000})
	if err != nil || len(calls.GetCalls()) < 5 {
		t.Fatalf("call log: %v, %d calls", err, len(calls.GetCalls()))
	}
	sawBody := false
	for _, c := range calls.GetCalls() {
		all := c.GetUrl() + c.GetRequest() + c.GetResponse() + c.GetError()
		if strings.Contains(all, sslstoretest.DefaultAuthToken) || strings.Contains(all, sslstoretest.DefaultPartnerCode) {
			t.Fatalf("call %d logs a credential: %s", c.GetId(), all)
		}
		sawBody = sawBody || strings.Contains(c.GetRequest(), "CustomOrderID")
	}
	if !sawBody {
		t.Error("debug_log is on but no request body was logged")
	}

	// The CA answers 503: the order moves to the next module selling the
	// plan (the built-in CA), and nothing is placed at The SSL Store.
	fake.Inject("order/neworder", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 503})
	c3 := order("moved.example.com")
	got := waitState(t, cl, c3.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)
	if got.GetProcessingModuleId() == modID || fake.OrdersPlaced(fmt.Sprint(c3.GetId())) != 0 {
		t.Errorf("after a 503 the order was issued by module %d (The SSL Store is %d), placed there %d times",
			got.GetProcessingModuleId(), modID, fake.OrdersPlaced(fmt.Sprint(c3.GetId())))
	}
	if names := eventNames(t, cl, c3.GetId()); !strings.Contains(strings.Join(names, ","), "failover") {
		t.Errorf("events %v, want a failover", names)
	}
}
