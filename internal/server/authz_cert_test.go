package server_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// Certificate states the matrix looks at.
const (
	authzUnpaid     = certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID
	authzSubmitting = certsvcv1.CertificateState_CERTIFICATE_STATE_SUBMITTING
	authzAwaiting   = certsvcv1.CertificateState_CERTIFICATE_STATE_AWAITING_VALIDATION
	authzIssued     = certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED
	authzReissuing  = certsvcv1.CertificateState_CERTIFICATE_STATE_REISSUING
	authzRenewing   = certsvcv1.CertificateState_CERTIFICATE_STATE_RENEWING
	authzFailed     = certsvcv1.CertificateState_CERTIFICATE_STATE_FAILED
	authzSuspended  = certsvcv1.CertificateState_CERTIFICATE_STATE_SUSPENDED
	authzDeleted    = certsvcv1.CertificateState_CERTIFICATE_STATE_DELETED
)

// authzWatchWindow is how long the matrix keeps a WatchCertificates stream
// open at least. Reaching the end of the window without an error is
// success: an authentication or access failure ends the stream at once.
// Events that must not arrive are looked for during the window.
const authzWatchWindow = 500 * time.Millisecond

// authzWatchWait bounds how long the matrix waits beyond the window for the
// events a caller must see, so a slow machine delays the test but does not
// fail it. It only keeps a broken stream from hanging the test.
const authzWatchWait = time.Minute

// authzCertFixture is the certificate state of the matrix, made on first use
// (authzFixture.certFixture) because only certificate rows need it.
type authzCertFixture struct {
	// certA is an issued certificate of account A, with a generated key.
	// Rows only read it.
	certA *certsvcv1.Certificate
	leafA *x509.Certificate // its certificate
	// afterEvent is the id of the first event of account B's anchor order,
	// made before certB and certA: watching after it replays their events.
	afterEvent int64
	// certB is an unpaid order of account B, made after the anchor.
	certB *certsvcv1.Certificate
	// builtinID is the bootstrap built-in CA (auto_approve on).
	builtinID int64
	// pendingID is a built-in CA module without auto_approve that sells
	// planDV at a priority after the bootstrap one: admins order on it for
	// certificates that wait for ConfirmValidation.
	pendingID int64
	// presetA is a saved filter of user A (account_id = A).
	presetA *certsvcv1.CertificateFilterPreset
	// issued are fresh issued certificates of account A, not yet handed out.
	issued []*certsvcv1.Certificate
}

// certFixture returns the certificate state, making it on the first call.
func (f *authzFixture) certFixture(t *testing.T) *authzCertFixture {
	t.Helper()
	if f.certs != nil {
		return f.certs
	}
	ctx := context.Background()
	cf := &authzCertFixture{}
	deposit(t, f.admin, f.a.Account.GetId(), 100_000_000)
	mods, err := f.admin.Module.ListProcessingModules(ctx, &certsvcv1.ListProcessingModulesRequest{})
	if err != nil {
		t.Fatalf("list processing modules: %v", err)
	}
	for _, m := range mods.GetModules() {
		if m.GetKind() == certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA && m.GetSettings()["auto_approve"] == "true" {
			cf.builtinID = m.GetId()
		}
	}
	if cf.builtinID == 0 {
		t.Fatalf("no built-in CA module with auto_approve among %d modules", len(mods.GetModules()))
	}
	pending, err := f.admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: f.unique("Authz pending CA"), Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA, Priority: 5000, Enabled: true,
		Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}}, Settings: map[string]string{"auto_approve": "false"},
	}})
	if err != nil {
		t.Fatalf("create the pending CA module: %v", err)
	}
	cf.pendingID = pending.GetModule().GetId()

	clB := f.env.Clients(apitest.ConnectJSON, f.b.Auth)
	anchor, err := clB.Cert.CreateCertificate(ctx, f.certRequest("anchor-b", false))
	if err != nil {
		t.Fatalf("order the anchor of account B: %v", err)
	}
	evs, err := f.admin.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: anchor.GetCertificate().GetId()})
	if err != nil || len(evs.GetEvents()) == 0 {
		t.Fatalf("events of the anchor: %v (%d events)", err, len(evs.GetEvents()))
	}
	cf.afterEvent = evs.GetEvents()[0].GetId()
	certB, err := clB.Cert.CreateCertificate(ctx, f.certRequest("cert-b", false))
	if err != nil {
		t.Fatalf("order certificate of account B: %v", err)
	}
	cf.certB = certB.GetCertificate()

	cf.certA = f.orderIssuedOfA(t, 1)[0]
	crt, err := f.admin.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: cf.certA.GetId(), Type: certsvcv1.FileType_FILE_TYPE_CRT})
	if err != nil {
		t.Fatalf("certificate file of certificate A: %v", err)
	}
	cf.leafA = authzParseCert(t, crt.GetContent())
	// An admin reads the key, for ListAuditEntries to find.
	if _, err := f.admin.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: cf.certA.GetId(), Type: certsvcv1.FileType_FILE_TYPE_KEY}); err != nil {
		t.Fatalf("admin reads the key of certificate A: %v", err)
	}
	preset, err := f.env.Clients(apitest.ConnectJSON, f.a.Auth).Cert.CreateCertificateFilter(ctx, &certsvcv1.CreateCertificateFilterRequest{
		Name: "fixture preset of A", Filter: &certsvcv1.CertificateFilter{AccountId: f.a.Account.GetId()},
	})
	if err != nil {
		t.Fatalf("create saved filter of user A: %v", err)
	}
	cf.presetA = preset.GetPreset()
	f.certs = cf
	return cf
}

// certRequest is an order on planDV for a fresh name, with a generated key.
func (f *authzFixture) certRequest(prefix string, pay bool) *certsvcv1.CreateCertificateRequest {
	return &certsvcv1.CreateCertificateRequest{
		PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: f.unique(prefix) + ".authz.example.com"}, Pay: pay,
	}
}

// orderIssuedOfA orders n paid certificates as user A and waits until the
// built-in CA has issued them all.
func (f *authzFixture) orderIssuedOfA(t *testing.T, n int) []*certsvcv1.Certificate {
	t.Helper()
	cl := f.env.Clients(apitest.ConnectJSON, f.a.Auth)
	ids := make([]int64, 0, n)
	for range n {
		res, err := cl.Cert.CreateCertificate(context.Background(), f.certRequest("issued-a", true))
		if err != nil {
			t.Fatalf("order a paid certificate of account A: %v", err)
		}
		ids = append(ids, res.GetCertificate().GetId())
	}
	out := make([]*certsvcv1.Certificate, 0, n)
	for _, id := range ids {
		out = append(out, waitState(t, f.admin, id, authzIssued))
	}
	return out
}

// issuedCertOfA returns a fresh issued certificate of account A. They are
// ordered a few at a time, so the worker issues them together.
func (f *authzFixture) issuedCertOfA(t *testing.T) *certsvcv1.Certificate {
	t.Helper()
	cf := f.certFixture(t)
	if len(cf.issued) == 0 {
		cf.issued = f.orderIssuedOfA(t, 4)
	}
	c := cf.issued[0]
	cf.issued = cf.issued[1:]
	return c
}

// unpaidCertOfA orders a fresh unpaid certificate as user A.
func (f *authzFixture) unpaidCertOfA(t *testing.T, req *certsvcv1.CreateCertificateRequest) *certsvcv1.Certificate {
	t.Helper()
	if req == nil {
		req = f.certRequest("unpaid-a", false)
	}
	res, err := f.env.Clients(apitest.ConnectJSON, f.a.Auth).Cert.CreateCertificate(context.Background(), req)
	if err != nil {
		t.Fatalf("order an unpaid certificate of account A: %v", err)
	}
	if got := res.GetCertificate().GetState(); got != authzUnpaid {
		t.Fatalf("new unpaid order: got state %v, want %v", got, authzUnpaid)
	}
	return res.GetCertificate()
}

// failedCertOfA is an order of account A an admin put into the failed state:
// paid at the pending CA (an unpaid order cannot fail: an override goes
// through the lifecycle, and nothing leaves unpaid but payment), then set
// failed while it awaits validation.
func (f *authzFixture) failedCertOfA(t *testing.T, req *certsvcv1.CreateCertificateRequest) *certsvcv1.Certificate {
	t.Helper()
	cf := f.certFixture(t)
	if req == nil {
		req = f.certRequest("failed-a", true)
	}
	req.AccountId, req.ProcessingModuleId, req.Pay = f.a.Account.GetId(), cf.pendingID, true
	ordered, err := f.admin.Cert.CreateCertificate(context.Background(), req)
	if err != nil {
		t.Fatalf("order a certificate of account A at the pending CA: %v", err)
	}
	c := waitState(t, f.admin, ordered.GetCertificate().GetId(), authzAwaiting)
	res, err := f.admin.Cert.UpdateCertificate(context.Background(), &certsvcv1.UpdateCertificateRequest{
		Certificate: &certsvcv1.Certificate{Id: c.GetId(), State: authzFailed},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"state"}},
	})
	if err != nil || res.GetCertificate().GetState() != authzFailed {
		t.Fatalf("admin sets certificate %d failed: %v (state %v)", c.GetId(), err, res.GetCertificate().GetState())
	}
	return res.GetCertificate()
}

// awaitingCertOfA is a paid order of account A at the pending CA, waiting
// for an admin to confirm its validation.
func (f *authzFixture) awaitingCertOfA(t *testing.T) *certsvcv1.Certificate {
	t.Helper()
	cf := f.certFixture(t)
	req := f.certRequest("awaiting-a", true)
	req.AccountId, req.ProcessingModuleId = f.a.Account.GetId(), cf.pendingID
	res, err := f.admin.Cert.CreateCertificate(context.Background(), req)
	if err != nil {
		t.Fatalf("order a certificate of account A at the pending CA: %v", err)
	}
	return waitState(t, f.admin, res.GetCertificate().GetId(), authzAwaiting)
}

// suspendedCertOfA is a fresh issued certificate of account A an admin suspended.
func (f *authzFixture) suspendedCertOfA(t *testing.T) *certsvcv1.Certificate {
	t.Helper()
	c := f.issuedCertOfA(t)
	res, err := f.admin.Cert.SuspendCertificates(context.Background(), &certsvcv1.SuspendCertificatesRequest{Ids: []int64{c.GetId()}})
	if err != nil || len(res.GetResults()) != 1 || !res.GetResults()[0].GetOk() {
		t.Fatalf("suspend certificate %d: %v (%v)", c.GetId(), err, res.GetResults())
	}
	return res.GetResults()[0].GetCertificate()
}

// csrMaterial is a CSR and its key made by CreateCsr, with a self-signed
// certificate for the key.
type csrMaterial struct {
	cn      string
	csrPEM  string
	keyPEM  string
	certPEM []byte // self-signed certificate of the key, PEM
	leaf    *x509.Certificate
}

func (f *authzFixture) newCSR(t *testing.T) csrMaterial {
	t.Helper()
	cn := f.unique("csr") + ".authz.example.com"
	res, err := f.admin.Cert.CreateCsr(context.Background(), &certsvcv1.CreateCsrRequest{
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: cn},
	})
	if err != nil {
		t.Fatalf("CreateCsr: %v", err)
	}
	key := authzParseKey(t, []byte(res.GetPrivateKeyPem()))
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(0, 0, 90),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatalf("self-sign: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return csrMaterial{cn: cn, csrPEM: res.GetCsrPem(), keyPEM: res.GetPrivateKeyPem(),
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), leaf: leaf}
}

// orderWith is an unpaid order of m's CSR and key.
func (m csrMaterial) orderWith() *certsvcv1.CreateCertificateRequest {
	return &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12, CsrPem: m.csrPEM, PrivateKeyPem: m.keyPEM}
}

// presetOf saves a filter as the caller with Authorization a.
func (f *authzFixture) presetOf(t *testing.T, a string) *certsvcv1.CertificateFilterPreset {
	t.Helper()
	res, err := f.env.Clients(apitest.ConnectJSON, a).Cert.CreateCertificateFilter(context.Background(), &certsvcv1.CreateCertificateFilterRequest{
		Name: f.unique("preset"), Filter: &certsvcv1.CertificateFilter{Domain: "authz"},
	})
	if err != nil {
		t.Fatalf("create saved filter: %v", err)
	}
	return res.GetPreset()
}

// presetIDsOf lists the saved filters of the caller with Authorization a.
func (f *authzFixture) presetIDsOf(t *testing.T, a string) []int64 {
	t.Helper()
	res, err := f.env.Clients(apitest.ConnectJSON, a).Cert.ListCertificateFilters(context.Background(), &certsvcv1.ListCertificateFiltersRequest{})
	if err != nil {
		t.Fatalf("list saved filters: %v", err)
	}
	return authzIDs(res.GetPresets())
}

// manualModule creates a throwaway disabled manual module.
func (f *authzFixture) manualModule(t *testing.T) *certsvcv1.ProcessingModule {
	t.Helper()
	res, err := f.admin.Module.CreateProcessingModule(context.Background(), &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: f.unique("Authz manual"), Kind: certsvcv1.ModuleKind_MODULE_KIND_MANUAL, Priority: 9000,
	}})
	if err != nil {
		t.Fatalf("create manual module: %v", err)
	}
	return res.GetModule()
}

func authzParseKey(t *testing.T, b []byte) crypto.Signer {
	t.Helper()
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("private key: got %.40q, want a PKCS#8 PEM block", b)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("private key: %v", err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		t.Fatalf("private key: got %T, want a crypto.Signer", key)
	}
	return s
}

func authzParseCert(t *testing.T, b []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("certificate: got %.40q, want a PEM certificate", b)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("certificate: %v", err)
	}
	return c
}

func authzSameKey(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

// authzBatch checks that a batch answered for exactly id, successfully,
// leaving the certificate in state want.
func authzBatch(t *testing.T, results []*certsvcv1.BatchResult, id int64, want certsvcv1.CertificateState) {
	t.Helper()
	if len(results) != 1 {
		t.Fatalf("batch results: got %d, want 1: %v", len(results), results)
	}
	r := results[0]
	if r.GetId() != id || !r.GetOk() {
		t.Fatalf("batch result: got id %d ok=%v (%s: %s), want id %d ok=true", r.GetId(), r.GetOk(), r.GetCode(), r.GetMessage(), id)
	}
	if got := r.GetCertificate().GetState(); got != want || r.GetCertificate().GetId() != id {
		t.Errorf("batch result certificate: got %d in state %v, want %d in state %v", r.GetCertificate().GetId(), got, id, want)
	}
}

// authzAdminState is the state of a certificate as an admin reads it.
func authzAdminState(t *testing.T, f *authzFixture, id int64) certsvcv1.CertificateState {
	t.Helper()
	res, err := f.admin.Cert.GetCertificate(context.Background(), &certsvcv1.GetCertificateRequest{Id: id})
	if err != nil {
		t.Fatalf("admin GetCertificate %d: %v", id, err)
	}
	return res.GetCertificate().GetState()
}

// authzWatch opens WatchCertificates and returns what arrived once window
// has passed and enough (nil: nothing more needed) holds for what arrived,
// or after authzWatchWait more. The end of the stream that way is success; a
// refusal ends the stream at once with its own code.
func authzWatch(ctx context.Context, cl apitest.Clients, req *certsvcv1.WatchCertificatesRequest, window time.Duration, enough func([]*certsvcv1.WatchCertificatesResponse) bool) ([]*certsvcv1.WatchCertificatesResponse, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ended atomic.Bool
	satisfied := make(chan struct{})
	if enough == nil {
		close(satisfied)
	}
	go func() {
		select {
		case <-time.After(window):
		case <-ctx.Done():
			return
		}
		select {
		case <-satisfied:
		case <-time.After(authzWatchWait):
		case <-ctx.Done():
			return
		}
		ended.Store(true)
		cancel()
	}()
	// The call returns once the response headers arrive, which the server
	// sends with the first event: a stream without events ends here.
	windowEnded := func(err error) bool {
		code := connect.CodeOf(err)
		return ended.Load() && (code == connect.CodeCanceled || code == connect.CodeDeadlineExceeded)
	}
	stream, err := cl.Cert.WatchCertificates(ctx, req)
	if err != nil {
		if windowEnded(err) {
			return nil, nil
		}
		return nil, err
	}
	defer stream.Close()
	var got []*certsvcv1.WatchCertificatesResponse
	for stream.Receive() {
		got = append(got, stream.Msg())
		if enough != nil && enough(got) {
			enough = nil
			close(satisfied)
		}
	}
	if err := stream.Err(); err != nil && !windowEnded(err) {
		return got, err
	}
	return got, nil
}

// authzEventsOf keeps the events of one certificate.
func authzEventsOf(rs []*certsvcv1.WatchCertificatesResponse, certID int64) []string {
	var out []string
	for _, r := range rs {
		if r.GetEvent().GetCertificateId() == certID {
			out = append(out, r.GetEvent().GetEvent())
		}
	}
	return out
}

// authzCertCases are the rows of the authorisation matrix for
// CertificateService, ProcessingModuleService and the admin RPCs of
// AuthService (Impersonate, ListAuditEntries).
func authzCertCases() []authzCase {
	// own is a request aimed at account A's certificates: users of other
	// accounts get NotFound, as for a missing id.
	own := authzOwnAccount
	return []authzCase{
		// ---- AuthService (admin) ----
		{
			procedure: certsvcv1connect.AuthServiceImpersonateProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.Impersonate(ctx, &certsvcv1.ImpersonateRequest{UserId: f.a2.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ImpersonateResponse) {
						if got, want := res.GetUser().GetId(), f.a2.GetId(); got != want {
							t.Errorf("Impersonate user id: got %d, want %d", got, want)
						}
						if res.GetToken() == "" {
							t.Fatalf("Impersonate token: got empty, want a token")
						}
						ctx := context.Background()
						me, err := f.env.Clients(apitest.ConnectJSON, apitest.Bearer(res.GetToken())).Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
						if err != nil {
							t.Fatalf("WhoAmI with the impersonation token: %v", err)
						}
						if got, want := me.GetUser().GetId(), f.a2.GetId(); got != want {
							t.Errorf("WhoAmI with the impersonation token: got user %d, want %d", got, want)
						}
						if got, want := me.GetAccount().GetId(), f.a.Account.GetId(); got != want {
							t.Errorf("WhoAmI with the impersonation token: got account %d, want %d", got, want)
						}
						audit, err := f.admin.Auth.ListAuditEntries(ctx, &certsvcv1.ListAuditEntriesRequest{
							Action: "impersonate", Target: fmt.Sprintf("user/%d", f.a2.GetId()), PageSize: 1000,
						})
						if err != nil {
							t.Fatalf("ListAuditEntries: %v", err)
						}
						if !slices.ContainsFunc(audit.GetEntries(), func(e *certsvcv1.AuditEntry) bool { return e.GetActorUserId() == f.adminID }) {
							t.Errorf("audit of the impersonation: got %v, want an entry by admin %d", audit.GetEntries(), f.adminID)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceListAuditEntriesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				target := fmt.Sprintf("certificate/%d", cf.certA.GetId())
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.ListAuditEntries(ctx, &certsvcv1.ListAuditEntriesRequest{Target: target, PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListAuditEntriesResponse) {
						found := false
						for _, e := range res.GetEntries() {
							if e.GetTarget() != target {
								t.Errorf("ListAuditEntries entry %d: got target %q, want %q", e.GetId(), e.GetTarget(), target)
							}
							if e.GetAction() == "read_private_key" && e.GetActorUserId() == f.adminID && e.GetActorLogin() == "admin" {
								found = true
							}
						}
						if !found {
							t.Errorf("ListAuditEntries: got %v, want the admin's read_private_key of %s", res.GetEntries(), target)
						}
					}),
				}
			},
		},

		// ---- CertificateService ----
		{
			procedure: certsvcv1connect.CertificateServiceCreateCsrProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cn := f.unique("createcsr") + ".authz.example.com"
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.CreateCsr(ctx, &certsvcv1.CreateCsrRequest{
							KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: cn},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateCsrResponse) {
						block, _ := pem.Decode([]byte(res.GetCsrPem()))
						if block == nil || block.Type != "CERTIFICATE REQUEST" {
							t.Fatalf("CreateCsr csr_pem: got %.40q, want a PEM CSR", res.GetCsrPem())
						}
						csr, err := x509.ParseCertificateRequest(block.Bytes)
						if err != nil || csr.CheckSignature() != nil {
							t.Fatalf("CreateCsr CSR: %v", err)
						}
						if csr.Subject.CommonName != cn || !slices.Contains(res.GetNames(), cn) {
							t.Errorf("CreateCsr: got common name %q, names %v, want %q", csr.Subject.CommonName, res.GetNames(), cn)
						}
						if key := authzParseKey(t, []byte(res.GetPrivateKeyPem())); !authzSameKey(key.Public(), csr.PublicKey) {
							t.Errorf("CreateCsr: the private key is not the CSR's")
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceDecodeCsrProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				m := f.newCSR(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.DecodeCsr(ctx, &certsvcv1.DecodeCsrRequest{CsrPem: m.csrPEM, PlanId: planDV})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.DecodeCsrResponse) {
						if len(res.GetNames()) == 0 || res.GetNames()[0] != m.cn || res.GetSubject().GetCommonName() != m.cn {
							t.Errorf("DecodeCsr: got names %v, common name %q, want %q first", res.GetNames(), res.GetSubject().GetCommonName(), m.cn)
						}
						if res.GetKeyBits() != 256 {
							t.Errorf("DecodeCsr key: got %s %d bits, want ECDSA 256", res.GetKeyAlgorithm(), res.GetKeyBits())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceCreateCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				f.certFixture(t) // funds account A
				req := f.certRequest("create-a", false)
				req.AccountId = f.a.Account.GetId()
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.CreateCertificate(ctx, req)
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateCertificateResponse) {
						got := res.GetCertificate()
						if got.GetAccountId() != f.a.Account.GetId() || got.GetState() != authzUnpaid || got.GetCommonName() != req.GetSubject().GetCommonName() {
							t.Errorf("CreateCertificate: got account %d, state %v, name %q; want account %d, %v, %q",
								got.GetAccountId(), got.GetState(), got.GetCommonName(), f.a.Account.GetId(), authzUnpaid, req.GetSubject().GetCommonName())
						}
					}),
				}
			},
		},
		{
			// Without account_id a user orders for their own account; an
			// admin must name one.
			procedure: certsvcv1connect.CertificateServiceCreateCertificateProcedure,
			variant:   "accountOmitted",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: authzOK,
				authzUserB: authzOK, authzAdmin: connect.CodeInvalidArgument},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				req := f.certRequest("create-own", false)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.CreateCertificate(ctx, req)
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateCertificateResponse) {
						want := f.a.Account.GetId()
						if c == authzUserB {
							want = f.b.Account.GetId()
						}
						if got := res.GetCertificate().GetAccountId(); got != want {
							t.Errorf("CreateCertificate account: got %d, want %d (the caller's)", got, want)
						}
					}),
				}
			},
		},
		{
			// Only admins choose the processing module.
			procedure: certsvcv1connect.CertificateServiceCreateCertificateProcedure,
			variant:   "processingModule",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				req := f.certRequest("create-module", false)
				req.AccountId, req.ProcessingModuleId = f.a.Account.GetId(), cf.pendingID
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.CreateCertificate(ctx, req)
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateCertificateResponse) {
						if got := res.GetCertificate().GetProcessingModuleId(); got != cf.pendingID {
							t.Errorf("CreateCertificate module: got %d, want %d", got, cf.pendingID)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServicePayCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				f.certFixture(t) // funds account A
				cert := f.unpaidCertOfA(t, nil)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.PayCertificate(ctx, &certsvcv1.PayCertificateRequest{Id: cert.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.PayCertificateResponse) {
						if got := res.GetCertificate(); got.GetId() != cert.GetId() || got.GetState() != authzSubmitting {
							t.Errorf("PayCertificate: got certificate %d in state %v, want %d in state %v", got.GetId(), got.GetState(), cert.GetId(), authzSubmitting)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServicePayCertificatesProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				f.certFixture(t) // funds account A
				cert := f.unpaidCertOfA(t, nil)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.PayCertificates(ctx, &certsvcv1.PayCertificatesRequest{Ids: []int64{cert.GetId()}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.PayCertificatesResponse) {
						if got := res.GetCertificates(); len(got) != 1 || got[0].GetId() != cert.GetId() || got[0].GetState() != authzSubmitting {
							t.Errorf("PayCertificates: got %v, want certificate %d in state %v", got, cert.GetId(), authzSubmitting)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceGetCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: cf.certA.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetCertificateResponse) {
						got := res.GetCertificate()
						if got.GetId() != cf.certA.GetId() || got.GetAccountId() != f.a.Account.GetId() || got.GetState() != authzIssued {
							t.Errorf("GetCertificate: got %d of account %d in state %v, want %d of account %d in state %v",
								got.GetId(), got.GetAccountId(), got.GetState(), cf.certA.GetId(), f.a.Account.GetId(), authzIssued)
						}
						if got.GetSerialNumber() != fmt.Sprintf("%x", cf.leafA.SerialNumber) {
							t.Errorf("GetCertificate serial: got %q, want %x", got.GetSerialNumber(), cf.leafA.SerialNumber)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceListCertificatesProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{
							PageSize: 1000, Filter: &certsvcv1.CertificateFilter{AccountId: f.a.Account.GetId()},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListCertificatesResponse) {
						if ids := authzIDs(res.GetCertificates()); !slices.Contains(ids, cf.certA.GetId()) {
							t.Errorf("ListCertificates ids: got %v, want them to contain %d", ids, cf.certA.GetId())
						}
						for _, x := range res.GetCertificates() {
							if x.GetAccountId() != f.a.Account.GetId() {
								t.Errorf("ListCertificates certificate %d: got account %d, want %d", x.GetId(), x.GetAccountId(), f.a.Account.GetId())
							}
						}
					}),
				}
			},
		},
		{
			// Without a filter users see their own account's certificates only.
			procedure: certsvcv1connect.CertificateServiceListCertificatesProcedure,
			variant:   "noFilter",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{
							PageSize: 1000, OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST,
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListCertificatesResponse) {
						ids := authzIDs(res.GetCertificates())
						wantIDs := map[authzCaller][]int64{
							authzUserA: {cf.certA.GetId()}, authzUserB: {cf.certB.GetId()}, authzAdmin: {cf.certA.GetId(), cf.certB.GetId()},
						}[c]
						for _, id := range wantIDs {
							if !slices.Contains(ids, id) {
								t.Errorf("ListCertificates ids: got %v, want them to contain %d", ids, id)
							}
						}
						if c == authzAdmin {
							return
						}
						for _, x := range res.GetCertificates() {
							if want := f.accountOf(c); x.GetAccountId() != want {
								t.Errorf("ListCertificates certificate %d: got account %d, want %d (the caller's)", x.GetId(), x.GetAccountId(), want)
							}
						}
					}),
				}
			},
		},
		{
			// A saved filter is its owner's: others cannot apply it.
			procedure: certsvcv1connect.CertificateServiceListCertificatesProcedure,
			variant:   "savedFilterOfA",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: authzOK,
				authzUserB: connect.CodeNotFound, authzAdmin: connect.CodeNotFound},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{PageSize: 1000, SavedFilterId: cf.presetA.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListCertificatesResponse) {
						if ids := authzIDs(res.GetCertificates()); !slices.Contains(ids, cf.certA.GetId()) {
							t.Errorf("ListCertificates ids: got %v, want them to contain %d", ids, cf.certA.GetId())
						}
						for _, x := range res.GetCertificates() {
							if x.GetAccountId() != f.a.Account.GetId() {
								t.Errorf("ListCertificates certificate %d: got account %d, want %d", x.GetId(), x.GetAccountId(), f.a.Account.GetId())
							}
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceUpdateCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.unpaidCertOfA(t, nil)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
							Certificate: &certsvcv1.Certificate{Id: cert.GetId(), AutoRenew: true},
							UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"auto_renew"}},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.UpdateCertificateResponse) {
						if got := res.GetCertificate(); got.GetId() != cert.GetId() || !got.GetAutoRenew() {
							t.Errorf("UpdateCertificate: got certificate %d auto_renew=%v, want %d auto_renew=true", got.GetId(), got.GetAutoRenew(), cert.GetId())
						}
					}),
				}
			},
		},
		{
			// Admin-only fields: refused before the certificate is looked up.
			procedure: certsvcv1connect.CertificateServiceUpdateCertificateProcedure,
			variant:   "adminField",
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.unpaidCertOfA(t, nil)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
							Certificate: &certsvcv1.Certificate{Id: cert.GetId(), StatusMessage: "checked by the matrix"},
							UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"status_message"}},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.UpdateCertificateResponse) {
						if got := res.GetCertificate().GetStatusMessage(); got != "checked by the matrix" {
							t.Errorf("UpdateCertificate status_message: got %q, want %q", got, "checked by the matrix")
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceActivateCertificateProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				m := f.newCSR(t)
				cert := f.failedCertOfA(t, m.orderWith())
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ActivateCertificate(ctx, &certsvcv1.ActivateCertificateRequest{Id: cert.GetId(), Certificate: m.certPEM})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ActivateCertificateResponse) {
						got := res.GetCertificate()
						if got.GetId() != cert.GetId() || got.GetState() != authzIssued {
							t.Errorf("ActivateCertificate: got %d in state %v, want %d in state %v", got.GetId(), got.GetState(), cert.GetId(), authzIssued)
						}
						if want := fmt.Sprintf("%x", m.leaf.SerialNumber); got.GetSerialNumber() != want {
							t.Errorf("ActivateCertificate serial: got %q, want %q (the uploaded certificate)", got.GetSerialNumber(), want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceReplaceCertificateFilesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				m := f.newCSR(t)
				cert := f.unpaidCertOfA(t, m.orderWith())
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ReplaceCertificateFiles(ctx, &certsvcv1.ReplaceCertificateFilesRequest{Id: cert.GetId(), Certificate: m.certPEM})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ReplaceCertificateFilesResponse) {
						got := res.GetCertificate()
						if got.GetId() != cert.GetId() || got.GetState() != authzUnpaid {
							t.Errorf("ReplaceCertificateFiles: got %d in state %v, want %d in state %v (unchanged)", got.GetId(), got.GetState(), cert.GetId(), authzUnpaid)
						}
						if want := fmt.Sprintf("%x", m.leaf.SerialNumber); got.GetSerialNumber() != want {
							t.Errorf("ReplaceCertificateFiles serial: got %q, want %q (the uploaded certificate)", got.GetSerialNumber(), want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceConfirmValidationProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.awaitingCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ConfirmValidation(ctx, &certsvcv1.ConfirmValidationRequest{Id: cert.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ConfirmValidationResponse) {
						got := res.GetCertificate()
						if got.GetId() != cert.GetId() || got.GetState() != authzIssued {
							t.Errorf("ConfirmValidation: got %d in state %v, want %d in state %v", got.GetId(), got.GetState(), cert.GetId(), authzIssued)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceReissueCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: cert.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ReissueCertificateResponse) {
						if got := res.GetCertificate(); got.GetId() != cert.GetId() || got.GetState() != authzReissuing {
							t.Errorf("ReissueCertificate: got %d in state %v, want %d in state %v", got.GetId(), got.GetState(), cert.GetId(), authzReissuing)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceRevokeCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: cert.GetId(),
							Reason: certsvcv1.RevocationReason_REVOCATION_REASON_CESSATION_OF_OPERATION})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.RevokeCertificateResponse) {
						// The worker revokes it soon after; the answer is the request.
						if got := res.GetCertificate(); got.GetId() != cert.GetId() ||
							(got.GetState() != authzIssued && got.GetState() != certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED) {
							t.Errorf("RevokeCertificate: got %d in state %v, want %d issued or revoked", got.GetId(), got.GetState(), cert.GetId())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceRenewCertificateProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.RenewCertificate(ctx, &certsvcv1.RenewCertificateRequest{Id: cert.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.RenewCertificateResponse) {
						got := res.GetCertificate()
						if got.GetId() != cert.GetId() || got.GetState() != authzRenewing {
							t.Errorf("RenewCertificate: got %d in state %v, want %d in state %v", got.GetId(), got.GetState(), cert.GetId(), authzRenewing)
						}
						if !got.GetPaidUntil().AsTime().After(cert.GetPaidUntil().AsTime()) {
							t.Errorf("RenewCertificate paid_until: got %v, want after %v", got.GetPaidUntil().AsTime(), cert.GetPaidUntil().AsTime())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceRetryCertificatesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.failedCertOfA(t, nil)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.RetryCertificates(ctx, &certsvcv1.RetryCertificatesRequest{Ids: []int64{cert.GetId()}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.RetryCertificatesResponse) {
						authzBatch(t, res.GetResults(), cert.GetId(), authzSubmitting)
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceSuspendCertificatesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.SuspendCertificates(ctx, &certsvcv1.SuspendCertificatesRequest{Ids: []int64{cert.GetId()}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.SuspendCertificatesResponse) {
						authzBatch(t, res.GetResults(), cert.GetId(), authzSuspended)
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceResumeCertificatesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.suspendedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ResumeCertificates(ctx, &certsvcv1.ResumeCertificatesRequest{Ids: []int64{cert.GetId()}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ResumeCertificatesResponse) {
						authzBatch(t, res.GetResults(), cert.GetId(), authzIssued)
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceSyncCertificatesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.SyncCertificates(ctx, &certsvcv1.SyncCertificatesRequest{Ids: []int64{cert.GetId()}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.SyncCertificatesResponse) {
						authzBatch(t, res.GetResults(), cert.GetId(), authzIssued)
					}),
				}
			},
		},
		{
			// DeleteCertificates answers per id: user B's call succeeds, and
			// its result for A's certificate is not_found, as for a missing
			// id; the certificate stays.
			procedure: certsvcv1connect.CertificateServiceDeleteCertificatesProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: []int64{cert.GetId()}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.DeleteCertificatesResponse) {
						if c != authzUserB {
							authzBatch(t, res.GetResults(), cert.GetId(), authzDeleted)
							return
						}
						rs := res.GetResults()
						if len(rs) != 1 {
							t.Fatalf("DeleteCertificates results: got %d, want 1: %v", len(rs), rs)
						}
						if r := rs[0]; r.GetId() != cert.GetId() || r.GetOk() || r.GetCode() != "not_found" || r.GetCertificate() != nil {
							t.Errorf("DeleteCertificates result for A's certificate: got id %d ok=%v code %q certificate %v, want id %d ok=false code \"not_found\" and no certificate",
								r.GetId(), r.GetOk(), r.GetCode(), r.GetCertificate(), cert.GetId())
						}
						if got := authzAdminState(t, f, cert.GetId()); got != authzIssued {
							t.Errorf("certificate %d after user B's DeleteCertificates: got state %v, want %v", cert.GetId(), got, authzIssued)
						}
					}),
				}
			},
		},
		{
			// Deleting without a refund is for admins only.
			procedure: certsvcv1connect.CertificateServiceDeleteCertificatesProcedure,
			variant:   "noExpense",
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cert := f.issuedCertOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: []int64{cert.GetId()}, NoExpense: true})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.DeleteCertificatesResponse) {
						authzBatch(t, res.GetResults(), cert.GetId(), authzDeleted)
					}),
				}
			},
		},
		{
			// The private key: its owner's account and admins only.
			procedure: certsvcv1connect.CertificateServiceGetCertificateFileProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: cf.certA.GetId(), Type: certsvcv1.FileType_FILE_TYPE_KEY})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetCertificateFileResponse) {
						if key := authzParseKey(t, res.GetContent()); !authzSameKey(key.Public(), cf.leafA.PublicKey) {
							t.Errorf("GetCertificateFile KEY: got a key that is not certificate %d's", cf.certA.GetId())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceGetCertificateFileProcedure,
			variant:   "fullchain",
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: cf.certA.GetId(), Type: certsvcv1.FileType_FILE_TYPE_FULLCHAIN})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetCertificateFileResponse) {
						if leaf := authzParseCert(t, res.GetContent()); !leaf.Equal(cf.leafA) {
							t.Errorf("GetCertificateFile FULLCHAIN: got leaf %s serial %x, want certificate %d's", leaf.Subject, leaf.SerialNumber, cf.certA.GetId())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceListCertificateEventsProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: cf.certA.GetId(), PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListCertificateEventsResponse) {
						var names []string
						for _, e := range res.GetEvents() {
							names = append(names, e.GetEvent())
							if e.GetCertificateId() != cf.certA.GetId() || e.GetAccountId() != f.a.Account.GetId() {
								t.Errorf("ListCertificateEvents event %d: got certificate %d of account %d, want %d of account %d",
									e.GetId(), e.GetCertificateId(), e.GetAccountId(), cf.certA.GetId(), f.a.Account.GetId())
							}
						}
						if len(names) == 0 || names[0] != "order" || !slices.Contains(names, "pay") || !slices.Contains(names, "ca_issued") {
							t.Errorf("ListCertificateEvents: got %v, want order first, then pay and ca_issued", names)
						}
					}),
				}
			},
		},
		{
			// Watching named certificates of another account is not an
			// error (a missing id is none either): nothing of them arrives.
			procedure: certsvcv1connect.CertificateServiceWatchCertificatesProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						var enough func([]*certsvcv1.WatchCertificatesResponse) bool
						if c != authzUserB {
							enough = func(rs []*certsvcv1.WatchCertificatesResponse) bool {
								return slices.Contains(authzEventsOf(rs, cf.certA.GetId()), "ca_issued")
							}
						}
						return authzWatch(ctx, cl, &certsvcv1.WatchCertificatesRequest{
							CertificateIds: []int64{cf.certA.GetId()}, AfterEventId: cf.afterEvent,
						}, authzWatchWindow, enough)
					},
					check: authzCheck(func(t *testing.T, res []*certsvcv1.WatchCertificatesResponse) {
						if c == authzUserB {
							if len(res) != 0 {
								t.Errorf("WatchCertificates as user B: got %d events (first %v), want none", len(res), res[0].GetEvent())
							}
							return
						}
						for _, r := range res {
							if r.GetEvent().GetCertificateId() != cf.certA.GetId() || r.GetEvent().GetAccountId() != f.a.Account.GetId() || r.GetCertificate().GetId() != cf.certA.GetId() {
								t.Errorf("WatchCertificates: got event %v of certificate %d, want certificate %d only", r.GetEvent(), r.GetCertificate().GetId(), cf.certA.GetId())
							}
						}
						if names := authzEventsOf(res, cf.certA.GetId()); len(names) == 0 || names[0] != "order" || !slices.Contains(names, "ca_issued") {
							t.Errorf("WatchCertificates events of certificate %d: got %v, want the replay from order to ca_issued", cf.certA.GetId(), names)
						}
					}),
				}
			},
		},
		{
			// Without ids each caller watches what they may see.
			procedure: certsvcv1connect.CertificateServiceWatchCertificatesProcedure,
			variant:   "allVisible",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						wantA, wantB := c != authzUserB, c != authzUserA
						enough := func(rs []*certsvcv1.WatchCertificatesResponse) bool {
							return (!wantA || len(authzEventsOf(rs, cf.certA.GetId())) > 0) && (!wantB || len(authzEventsOf(rs, cf.certB.GetId())) > 0)
						}
						return authzWatch(ctx, cl, &certsvcv1.WatchCertificatesRequest{AfterEventId: cf.afterEvent}, authzWatchWindow, enough)
					},
					check: authzCheck(func(t *testing.T, res []*certsvcv1.WatchCertificatesResponse) {
						if c != authzAdmin {
							for _, r := range res {
								if got, want := r.GetEvent().GetAccountId(), f.accountOf(c); got != want || r.GetCertificate().GetAccountId() != want {
									t.Errorf("WatchCertificates: got event %v of account %d, want account %d only", r.GetEvent(), got, want)
								}
							}
						}
						wantA, wantB := c != authzUserB, c != authzUserA
						if got := len(authzEventsOf(res, cf.certA.GetId())) > 0; got != wantA {
							t.Errorf("WatchCertificates: got events of A's certificate %d: %v, want %v", cf.certA.GetId(), got, wantA)
						}
						if got := len(authzEventsOf(res, cf.certB.GetId())) > 0; got != wantB {
							t.Errorf("WatchCertificates: got events of B's certificate %d: %v, want %v", cf.certB.GetId(), got, wantB)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceCreateCertificateFilterProcedure,
			want:      own,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				name := f.unique("preset-a")
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.CreateCertificateFilter(ctx, &certsvcv1.CreateCertificateFilterRequest{
							Name: name, Filter: &certsvcv1.CertificateFilter{AccountId: f.a.Account.GetId()},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateCertificateFilterResponse) {
						if p := res.GetPreset(); p.GetName() != name || p.GetFilter().GetAccountId() != f.a.Account.GetId() {
							t.Errorf("CreateCertificateFilter: got %q for account %d, want %q for account %d", p.GetName(), p.GetFilter().GetAccountId(), name, f.a.Account.GetId())
						}
						if ids := f.presetIDsOf(t, f.authOf(c)); !slices.Contains(ids, res.GetPreset().GetId()) {
							t.Errorf("ListCertificateFilters of the caller: got %v, want them to contain %d", ids, res.GetPreset().GetId())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceCreateCertificateFilterProcedure,
			variant:   "noAccount",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				name := f.unique("preset-any")
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.CreateCertificateFilter(ctx, &certsvcv1.CreateCertificateFilterRequest{
							Name: name, Filter: &certsvcv1.CertificateFilter{Domain: "example.com"},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateCertificateFilterResponse) {
						if p := res.GetPreset(); p.GetName() != name || p.GetFilter().GetDomain() != "example.com" {
							t.Errorf("CreateCertificateFilter: got %q with domain %q, want %q with domain %q", p.GetName(), p.GetFilter().GetDomain(), name, "example.com")
						}
						if ids := f.presetIDsOf(t, f.authOf(c)); !slices.Contains(ids, res.GetPreset().GetId()) {
							t.Errorf("ListCertificateFilters of the caller: got %v, want them to contain %d", ids, res.GetPreset().GetId())
						}
					}),
				}
			},
		},
		{
			// Every caller lists their own saved filters only.
			procedure: certsvcv1connect.CertificateServiceListCertificateFiltersProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				var own *certsvcv1.CertificateFilterPreset
				if c != authzAnon {
					own = f.presetOf(t, f.authOf(c))
				}
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.ListCertificateFilters(ctx, &certsvcv1.ListCertificateFiltersRequest{})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListCertificateFiltersResponse) {
						ids := authzIDs(res.GetPresets())
						if !slices.Contains(ids, own.GetId()) {
							t.Errorf("ListCertificateFilters ids: got %v, want them to contain the caller's %d", ids, own.GetId())
						}
						if got, want := slices.Contains(ids, cf.presetA.GetId()), c == authzUserA; got != want {
							t.Errorf("ListCertificateFilters ids: got %v, want user A's %d listed: %v", ids, cf.presetA.GetId(), want)
						}
					}),
				}
			},
		},
		{
			// A saved filter is deleted by its owner only; for everyone
			// else it does not exist, admins included.
			procedure: certsvcv1connect.CertificateServiceDeleteCertificateFilterProcedure,
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: authzOK,
				authzUserB: connect.CodeNotFound, authzAdmin: connect.CodeNotFound},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				p := f.presetOf(t, f.a.Auth)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.DeleteCertificateFilter(ctx, &certsvcv1.DeleteCertificateFilterRequest{Id: p.GetId()})
					},
					check: authzCheck(func(t *testing.T, _ *certsvcv1.DeleteCertificateFilterResponse) {
						if ids := f.presetIDsOf(t, f.a.Auth); slices.Contains(ids, p.GetId()) {
							t.Errorf("ListCertificateFilters of user A after the deletion: got %v, want them without %d", ids, p.GetId())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CertificateServiceDeleteCertificateFilterProcedure,
			variant:   "own",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				owner := f.authOf(c)
				if c == authzAnon {
					owner = f.a.Auth
				}
				p := f.presetOf(t, owner)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Cert.DeleteCertificateFilter(ctx, &certsvcv1.DeleteCertificateFilterRequest{Id: p.GetId()})
					},
					check: authzCheck(func(t *testing.T, _ *certsvcv1.DeleteCertificateFilterResponse) {
						if ids := f.presetIDsOf(t, owner); slices.Contains(ids, p.GetId()) {
							t.Errorf("ListCertificateFilters after the deletion: got %v, want them without %d", ids, p.GetId())
						}
					}),
				}
			},
		},

		// ---- ProcessingModuleService (admin only) ----
		{
			procedure: certsvcv1connect.ProcessingModuleServiceListProcessingModulesProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.ListProcessingModules(ctx, &certsvcv1.ListProcessingModulesRequest{})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListProcessingModulesResponse) {
						ids := authzIDs(res.GetModules())
						if !slices.Contains(ids, cf.builtinID) || !slices.Contains(ids, cf.pendingID) {
							t.Errorf("ListProcessingModules ids: got %v, want them to contain %d and %d", ids, cf.builtinID, cf.pendingID)
						}
						for _, m := range res.GetModules() {
							if len(m.GetCredentials()) != 0 {
								t.Errorf("ListProcessingModules module %d: got credentials %v, want none returned", m.GetId(), m.GetCredentialKeys())
							}
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.ProcessingModuleServiceGetProcessingModuleProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				cf := f.certFixture(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.GetProcessingModule(ctx, &certsvcv1.GetProcessingModuleRequest{Id: cf.builtinID})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetProcessingModuleResponse) {
						m := res.GetModule()
						if m.GetId() != cf.builtinID || m.GetKind() != certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA {
							t.Errorf("GetProcessingModule: got %d of kind %v, want %d of kind LOCAL_CA", m.GetId(), m.GetKind(), cf.builtinID)
						}
						if len(m.GetCredentials()) != 0 || !slices.Contains(m.GetCredentialKeys(), "ca_keys") {
							t.Errorf("GetProcessingModule credentials: got %d values, keys %v; want no values and key ca_keys", len(m.GetCredentials()), m.GetCredentialKeys())
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.ProcessingModuleServiceCreateProcessingModuleProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				name := f.unique("Authz created module")
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
							Name: name, Kind: certsvcv1.ModuleKind_MODULE_KIND_MANUAL, Priority: 9000,
						}})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateProcessingModuleResponse) {
						if m := res.GetModule(); m.GetId() == 0 || m.GetName() != name || m.GetKind() != certsvcv1.ModuleKind_MODULE_KIND_MANUAL || m.GetEnabled() {
							t.Errorf("CreateProcessingModule: got %d %q kind %v enabled=%v, want a disabled manual module %q", m.GetId(), m.GetName(), m.GetKind(), m.GetEnabled(), name)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.ProcessingModuleServiceUpdateProcessingModuleProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				m := f.manualModule(t)
				name := m.GetName() + " renamed"
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.UpdateProcessingModule(ctx, &certsvcv1.UpdateProcessingModuleRequest{
							Module: &certsvcv1.ProcessingModule{Id: m.GetId(), Name: name}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.UpdateProcessingModuleResponse) {
						if got := res.GetModule(); got.GetId() != m.GetId() || got.GetName() != name {
							t.Errorf("UpdateProcessingModule: got %d %q, want %d %q", got.GetId(), got.GetName(), m.GetId(), name)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.ProcessingModuleServiceDeleteProcessingModuleProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				m := f.manualModule(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.DeleteProcessingModule(ctx, &certsvcv1.DeleteProcessingModuleRequest{Id: m.GetId()})
					},
					check: authzCheck(func(t *testing.T, _ *certsvcv1.DeleteProcessingModuleResponse) {
						_, err := f.admin.Module.GetProcessingModule(context.Background(), &certsvcv1.GetProcessingModuleRequest{Id: m.GetId()})
						if got := authzCodeOf(err); got != connect.CodeNotFound {
							t.Errorf("GetProcessingModule after the deletion: got %s (%v), want %s", authzCodeName(got), err, connect.CodeNotFound)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.ProcessingModuleServiceListModuleCallsProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.ListModuleCalls(ctx, &certsvcv1.ListModuleCallsRequest{Id: f.certFixture(t).builtinID})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListModuleCallsResponse) {
						if n := len(res.GetCalls()); n != 0 {
							t.Errorf("ListModuleCalls of the built-in CA: got %d calls, want none (it calls out to nothing)", n)
						}
					}),
				}
			},
		},
		// The built-in CA has neither a balance nor a product list: an admin
		// is let through to that answer, anyone else is refused before it.
		{
			procedure: certsvcv1connect.ProcessingModuleServiceRefreshModuleBalanceProcedure,
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodePermissionDenied, authzAdmin: connect.CodeFailedPrecondition},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.RefreshModuleBalance(ctx, &certsvcv1.RefreshModuleBalanceRequest{Id: f.certFixture(t).builtinID})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.ProcessingModuleServiceListModuleProductsProcedure,
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodePermissionDenied, authzAdmin: connect.CodeFailedPrecondition},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Module.ListModuleProducts(ctx, &certsvcv1.ListModuleProductsRequest{Id: f.certFixture(t).builtinID})
					},
				}
			},
		},
	}
}

// accountOf is the caller's account id; 0 for admins and anonymous callers.
func (f *authzFixture) accountOf(c authzCaller) int64 {
	switch c {
	case authzUserA:
		return f.a.Account.GetId()
	case authzUserB:
		return f.b.Account.GetId()
	}
	return 0
}

// authzWatcher is a WatchCertificates stream read in the background.
type authzWatcher struct {
	events chan *certsvcv1.WatchCertificatesResponse
	done   chan error
	cancel context.CancelFunc
}

func authzStartWatch(t *testing.T, cl apitest.Clients, req *certsvcv1.WatchCertificatesRequest) *authzWatcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &authzWatcher{events: make(chan *certsvcv1.WatchCertificatesResponse, 1000), done: make(chan error, 1), cancel: cancel}
	go func() {
		// The call returns with the first event, when the server sends the
		// response headers.
		stream, err := cl.Cert.WatchCertificates(ctx, req)
		if err != nil {
			w.done <- err
			return
		}
		defer stream.Close()
		for stream.Receive() {
			w.events <- stream.Msg()
		}
		w.done <- stream.Err()
	}()
	t.Cleanup(cancel)
	return w
}

// until reads events until one satisfies stop, and returns all read.
func (w *authzWatcher) until(t *testing.T, what string, stop func(*certsvcv1.WatchCertificatesResponse) bool) []*certsvcv1.WatchCertificatesResponse {
	t.Helper()
	var got []*certsvcv1.WatchCertificatesResponse
	timeout := time.After(20 * time.Second)
	for {
		select {
		case r := <-w.events:
			got = append(got, r)
			if stop(r) {
				return got
			}
		case err := <-w.done:
			t.Fatalf("watch ended before %s: %v (after %d events)", what, err, len(got))
		case <-timeout:
			t.Fatalf("watch: no %s within 20s (after %d events)", what, len(got))
		}
	}
}

// TestCertificatesHiddenFromOtherAccounts checks that user B learns nothing
// of account A's certificates: listings leave them out, reads answer
// NotFound with the message of a missing id, and a watch never carries
// their events while they change.
func TestCertificatesHiddenFromOtherAccounts(t *testing.T) {
	dbtest.Each(t, testCertificatesHiddenFromOtherAccounts)
}

func testCertificatesHiddenFromOtherAccounts(t *testing.T, db *store.DB) {
	f := authzNewFixture(t, db)
	deposit(t, f.admin, f.a.Account.GetId(), 10_000_000)
	// message is the error's message with the id it names made generic.
	message := func(msg string, id int64) string {
		return strings.ReplaceAll(msg, strconv.FormatInt(id, 10), "<id>")
	}
	errMessage := func(err error, id int64) string {
		var ce *connect.Error
		if !errors.As(err, &ce) {
			return fmt.Sprint(err)
		}
		return message(ce.Message(), id)
	}
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			ctx := t.Context()
			a := f.env.Clients(proto, f.a.Auth)
			b := f.env.Clients(proto, f.b.Auth)
			certA := f.orderIssuedOfA(t, 1)[0]
			id := certA.GetId()
			ownB, err := b.Cert.CreateCertificate(ctx, f.certRequest("own-b", false))
			if err != nil {
				t.Fatalf("user B orders: %v", err)
			}

			t.Run("ListCertificates", func(t *testing.T) {
				for name, req := range map[string]*certsvcv1.ListCertificatesRequest{
					"noFilter":       {PageSize: 1000},
					"domainOfA":      {PageSize: 1000, Filter: &certsvcv1.CertificateFilter{Domain: certA.GetCommonName()}},
					"issuedOrDelete": {PageSize: 1000, Filter: &certsvcv1.CertificateFilter{States: []certsvcv1.CertificateState{authzIssued, authzDeleted}}},
					"includeDeleted": {PageSize: 1000, Filter: &certsvcv1.CertificateFilter{IncludeDeleted: true}},
					"expiringFirst":  {PageSize: 1000, OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_EXPIRING_FIRST},
				} {
					res, err := b.Cert.ListCertificates(ctx, req)
					if err != nil {
						t.Fatalf("%s: ListCertificates as user B: %v", name, err)
					}
					for _, c := range res.GetCertificates() {
						if c.GetAccountId() != f.b.Account.GetId() {
							t.Errorf("%s: ListCertificates as user B: got certificate %d of account %d, want account %d only", name, c.GetId(), c.GetAccountId(), f.b.Account.GetId())
						}
					}
					if name == "noFilter" && !slices.Contains(authzIDs(res.GetCertificates()), ownB.GetCertificate().GetId()) {
						t.Errorf("ListCertificates as user B: got %v, want B's own %d", authzIDs(res.GetCertificates()), ownB.GetCertificate().GetId())
					}
				}
				_, err := b.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{Filter: &certsvcv1.CertificateFilter{AccountId: f.a.Account.GetId()}})
				if got := authzCodeOf(err); got != connect.CodeNotFound {
					t.Errorf("ListCertificates of account A as user B: got %s (%v), want %s", authzCodeName(got), err, connect.CodeNotFound)
				}
			})

			// Reads of A's certificate and of a missing id look the same.
			reads := []struct {
				name string
				do   func(id int64) error
			}{
				{"GetCertificate", func(id int64) error {
					_, err := b.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: id})
					return err
				}},
				{"GetCertificateFileKey", func(id int64) error {
					_, err := b.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: id, Type: certsvcv1.FileType_FILE_TYPE_KEY})
					return err
				}},
				{"GetCertificateFileCrt", func(id int64) error {
					_, err := b.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: id, Type: certsvcv1.FileType_FILE_TYPE_CRT})
					return err
				}},
				{"ListCertificateEvents", func(id int64) error {
					_, err := b.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: id})
					return err
				}},
				{"UpdateCertificate", func(id int64) error {
					_, err := b.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
						Certificate: &certsvcv1.Certificate{Id: id, AutoRenew: true}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"auto_renew"}},
					})
					return err
				}},
				{"ReissueCertificate", func(id int64) error {
					_, err := b.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: id})
					return err
				}},
				{"RenewCertificate", func(id int64) error {
					_, err := b.Cert.RenewCertificate(ctx, &certsvcv1.RenewCertificateRequest{Id: id})
					return err
				}},
				{"PayCertificate", func(id int64) error {
					_, err := b.Cert.PayCertificate(ctx, &certsvcv1.PayCertificateRequest{Id: id})
					return err
				}},
			}
			for _, r := range reads {
				t.Run(r.name, func(t *testing.T) {
					errA, errMissing := r.do(id), r.do(authzMissingID)
					if got := authzCodeOf(errA); got != connect.CodeNotFound {
						t.Fatalf("A's certificate as user B: got %s (%v), want %s", authzCodeName(got), errA, connect.CodeNotFound)
					}
					if got := authzCodeOf(errMissing); got != connect.CodeNotFound {
						t.Errorf("missing certificate as user B: got %s (%v), want %s", authzCodeName(got), errMissing, connect.CodeNotFound)
					}
					if got, want := errMessage(errA, id), errMessage(errMissing, authzMissingID); got != want {
						t.Errorf("message for A's certificate: got %q, want %q (the message for a missing one)", got, want)
					}
				})
			}
			t.Run("DeleteCertificates", func(t *testing.T) {
				res, err := b.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: []int64{id, authzMissingID}})
				if err != nil {
					t.Fatalf("DeleteCertificates as user B: %v", err)
				}
				rs := res.GetResults()
				if len(rs) != 2 {
					t.Fatalf("DeleteCertificates results: got %d, want 2: %v", len(rs), rs)
				}
				for _, r := range rs {
					if r.GetOk() || r.GetCode() != "not_found" || r.GetCertificate() != nil {
						t.Errorf("DeleteCertificates result for %d: got ok=%v code %q certificate %v, want ok=false code \"not_found\" and no certificate",
							r.GetId(), r.GetOk(), r.GetCode(), r.GetCertificate())
					}
				}
				if got, want := message(rs[0].GetMessage(), id), message(rs[1].GetMessage(), authzMissingID); got != want {
					t.Errorf("DeleteCertificates message for A's certificate: got %q, want %q (the message for a missing one)", got, want)
				}
			})
			if got := authzAdminState(t, f, id); got != authzIssued {
				t.Fatalf("A's certificate after user B's attempts: got state %v, want %v", got, authzIssued)
			}

			t.Run("WatchCertificates", func(t *testing.T) {
				evs, err := f.admin.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: id, PageSize: 1000})
				if err != nil || len(evs.GetEvents()) == 0 {
					t.Fatalf("events of A's certificate: %v (%d)", err, len(evs.GetEvents()))
				}
				after := evs.GetEvents()[len(evs.GetEvents())-1].GetId()
				watchA := authzStartWatch(t, a, &certsvcv1.WatchCertificatesRequest{AfterEventId: after})
				watchB := authzStartWatch(t, b, &certsvcv1.WatchCertificatesRequest{AfterEventId: after})
				watchBNamed := authzStartWatch(t, b, &certsvcv1.WatchCertificatesRequest{AfterEventId: after, CertificateIds: []int64{id}})

				// A changes the certificate: auto_renew (an update event),
				// then a reissue, which the CA completes.
				if _, err := a.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
					Certificate: &certsvcv1.Certificate{Id: id, AutoRenew: true}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"auto_renew"}},
				}); err != nil {
					t.Fatalf("user A updates auto_renew: %v", err)
				}
				if _, err := a.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: id}); err != nil {
					t.Fatalf("user A reissues: %v", err)
				}
				waitState(t, f.admin, id, authzIssued)
				gotA := watchA.until(t, "the end of the reissue", func(r *certsvcv1.WatchCertificatesResponse) bool {
					return r.GetEvent().GetCertificateId() == id && r.GetEvent().GetEvent() == "reissue_issued"
				})
				if names := authzEventsOf(gotA, id); len(names) < 2 || names[0] != "update" || names[1] != "reissue" {
					t.Errorf("user A's watch: got events %v of the certificate, want update, then reissue", names)
				}
				if last := gotA[len(gotA)-1]; !last.GetCertificate().GetAutoRenew() {
					t.Errorf("user A's watch: got auto_renew=false on the certificate, want true")
				}

				// B's own order after A's changes: once B's watch has it,
				// the broker has offered B every event of A's changes.
				own, err := b.Cert.CreateCertificate(ctx, f.certRequest("own-b-late", false))
				if err != nil {
					t.Fatalf("user B orders: %v", err)
				}
				ownID := own.GetCertificate().GetId()
				gotB := watchB.until(t, "B's own order", func(r *certsvcv1.WatchCertificatesResponse) bool {
					return r.GetEvent().GetCertificateId() == ownID
				})
				for _, r := range gotB {
					if r.GetEvent().GetAccountId() != f.b.Account.GetId() || r.GetCertificate().GetAccountId() != f.b.Account.GetId() {
						t.Errorf("user B's watch: got event %v of certificate %d of account %d, want account %d only",
							r.GetEvent().GetEvent(), r.GetCertificate().GetId(), r.GetEvent().GetAccountId(), f.b.Account.GetId())
					}
				}
				// The watch that names A's certificate has received nothing,
				// and ends without an error.
				time.Sleep(200 * time.Millisecond)
				watchBNamed.cancel()
				select {
				case err := <-watchBNamed.done:
					if c := authzCodeOf(err); c != authzOK && c != connect.CodeCanceled {
						t.Errorf("user B's watch of A's certificate: ended with %s (%v), want no refusal", authzCodeName(c), err)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("user B's watch of A's certificate: did not end after cancel")
				}
				if n := len(watchBNamed.events); n > 0 {
					t.Errorf("user B's watch of A's certificate %d: got %d events (first %v), want none", id, n, (<-watchBNamed.events).GetEvent())
				}
			})
		})
	}
}
