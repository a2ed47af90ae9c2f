package server_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// TestLoginLimiterDoesNotLockOutTheRightPassword guesses login A from one
// address, then logs in B and A with their right passwords from the same
// address: both succeed. The guessing itself is limited: once A is over its
// limit, wrong passwords are answered ResourceExhausted, not verified freely.
func TestLoginLimiterDoesNotLockOutTheRightPassword(t *testing.T) {
	dbtest.Each(t, testLoginLimiterDoesNotLockOutTheRightPassword)
}

func testLoginLimiterDoesNotLockOutTheRightPassword(t *testing.T, db *store.DB) {
	env := apitest.New(t, db)
	a := env.NewCustomer(t, "limit-a", "RUB")
	b := env.NewCustomer(t, "limit-b", "RUB")
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			ctx := t.Context()
			anon := env.Clients(proto, "")
			login := func(l, pw string) error {
				_, err := anon.Auth.Login(ctx, authzPasswordLogin(l, pw))
				return err
			}
			var codes []connect.Code
			for range 10 {
				codes = append(codes, connect.CodeOf(login(a.User.GetLogin(), "wrong-guess")))
			}
			for i, c := range codes {
				want := connect.CodeUnauthenticated
				if i >= 5 { // the limiter's default: 5 free failures per login
					want = connect.CodeResourceExhausted
				}
				if c != want {
					t.Fatalf("wrong password %d of A: %v, want %v (all: %v)", i+1, c, want, codes)
				}
			}
			if err := login(b.User.GetLogin(), b.Password); err != nil {
				t.Fatalf("B's right password after A was guessed: %v, want success", err)
			}
			if err := login(a.User.GetLogin(), a.Password); err != nil {
				t.Fatalf("A's right password after A was guessed: %v, want success", err)
			}
			// A's success forgets A's failures; guessing starts over from the free ones.
			if err := login(a.User.GetLogin(), "wrong-guess"); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("a wrong password of A after A's success: %v, want Unauthenticated", err)
			}
			// Still limited: after 5 more wrong passwords A is throttled again.
			for range 4 {
				_ = login(a.User.GetLogin(), "wrong-guess")
			}
			if err := login(a.User.GetLogin(), "wrong-guess"); connect.CodeOf(err) != connect.CodeResourceExhausted {
				t.Fatalf("guessing A again: %v, want ResourceExhausted", err)
			}
			if err := login(a.User.GetLogin(), a.Password); err != nil {
				t.Fatalf("A's right password: %v, want success", err)
			}
		})
	}
}

// TestDatabaseOutageIsUnavailable takes the database away from a running
// server (its connection pool is closed) and checks that calls which need it
// answer Unavailable — HTTP 503 over Connect — so clients' retry policies
// retry, instead of internal/500.
func TestDatabaseOutageIsUnavailable(t *testing.T) { dbtest.Each(t, testDatabaseOutageIsUnavailable) }

func testDatabaseOutageIsUnavailable(t *testing.T, db *store.DB) {
	env := apitest.NewWith(t, db, apitest.Options{NoWorker: true})
	cust := env.NewCustomer(t, "outage", "RUB")
	key, err := env.Clients(apitest.ConnectJSON, cust.Auth).Auth.CreateApiKey(t.Context(), &certsvcv1.CreateApiKeyRequest{Name: "outage"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.DB.SQL.Close(); err != nil {
		t.Fatal(err)
	}
	for _, proto := range apitest.Protocols {
		for _, a := range []string{apitest.AdminAuth, apitest.Bearer(key.GetSecret())} {
			cl := env.Clients(proto, a)
			_, err := cl.Auth.WhoAmI(t.Context(), &certsvcv1.WhoAmIRequest{})
			if connect.CodeOf(err) != connect.CodeUnavailable {
				t.Errorf("%s: WhoAmI with the database gone: %v, want Unavailable", proto, err)
			}
			_, err = cl.Cert.ListCertificates(t.Context(), &certsvcv1.ListCertificatesRequest{})
			if connect.CodeOf(err) != connect.CodeUnavailable {
				t.Errorf("%s: ListCertificates with the database gone: %v, want Unavailable", proto, err)
			}
		}
	}
	// Connect's HTTP status for Unavailable.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, env.URL+"/certsvc.v1.AuthService/WhoAmI", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", apitest.AdminAuth)
	res, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("HTTP status with the database gone: %d, want 503", res.StatusCode)
	}
}

// TestAuditLogRecordsAdministrativeActions performs the audited actions and
// reads them back with ListAuditEntries, with the actor (the admin behind an
// impersonation). A deposit replayed under its idempotency key is audited
// once, like the money it moved once.
func TestAuditLogRecordsAdministrativeActions(t *testing.T) {
	dbtest.Each(t, testAuditLogRecordsAdministrativeActions)
}

func testAuditLogRecordsAdministrativeActions(t *testing.T, db *store.DB) {
	env := apitest.New(t, db)
	ctx := t.Context()
	admin := env.Clients(apitest.GRPC, apitest.AdminAuth)
	who, err := admin.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
	if err != nil {
		t.Fatal(err)
	}
	adminID := who.GetUser().GetId()
	cust := env.NewCustomer(t, "audited", "RUB")
	uid := cust.User.GetId()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 500, Currency: "RUB"}))
	must(admin.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: cust.Account.GetId(), AmountMinor: -100, Currency: "RUB", Reason: "refund"}))
	must(admin.Auth.CreateLoginKey(ctx, &certsvcv1.CreateLoginKeyRequest{UserId: uid}))
	imp, err := admin.Auth.Impersonate(ctx, &certsvcv1.ImpersonateRequest{UserId: uid})
	if err != nil {
		t.Fatal(err)
	}
	key, err := env.Clients(apitest.GRPC, apitest.Bearer(imp.GetToken())).Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{Name: "k"})
	if err != nil {
		t.Fatal(err)
	}
	must(admin.Auth.DeleteApiKey(ctx, &certsvcv1.DeleteApiKeyRequest{Id: key.GetApiKey().GetId()}))
	must(admin.Account.SetUserPassword(ctx, &certsvcv1.SetUserPasswordRequest{UserId: uid, Password: "pw-audited-new-secret"}))
	must(admin.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{User: &certsvcv1.User{Id: uid, Disabled: true},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"disabled"}}}))
	for range 2 { // a client retrying a deposit whose answer it lost
		must(admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 700,
			Currency: "RUB", IdempotencyKey: "audited-deposit-1"}))
	}
	mod, err := admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Audited CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA}})
	if err != nil {
		t.Fatal(err)
	}
	modID := mod.GetModule().GetId()
	must(admin.Module.UpdateProcessingModule(ctx, &certsvcv1.UpdateProcessingModuleRequest{
		Module: &certsvcv1.ProcessingModule{Id: modID, Name: "Audited CA 2"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}}}))
	must(admin.Module.DeleteProcessingModule(ctx, &certsvcv1.DeleteProcessingModuleRequest{Id: modID}))

	res, err := admin.Auth.ListAuditEntries(ctx, &certsvcv1.ListAuditEntriesRequest{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*certsvcv1.AuditEntry{}
	deposits := 0
	for _, e := range res.GetEntries() {
		got[e.GetAction()] = e
		if e.GetAction() == "deposit" && strings.Contains(e.GetDetail(), ": 700 RUB") {
			deposits++
		}
	}
	if deposits != 1 {
		t.Errorf("%d audit entries of the deposit made once and replayed once, want 1", deposits)
	}
	for _, action := range []string{"create_user", "deposit", "adjust_balance", "create_login_key", "impersonate",
		"create_api_key", "delete_api_key", "set_user_password", "update_user",
		"create_processing_module", "update_processing_module", "delete_processing_module"} {
		e, ok := got[action]
		if !ok {
			t.Errorf("no audit entry %q (have %v)", action, slices.Collect(maps.Keys(got)))
			continue
		}
		if e.GetActorUserId() != adminID {
			t.Errorf("%s: actor %d (%s), want the admin %d", action, e.GetActorUserId(), e.GetActorLogin(), adminID)
		}
	}
	if e := got["create_api_key"]; e != nil && !strings.Contains(e.GetActorLogin(), "impersonated") {
		t.Errorf("create_api_key under impersonation: actor_login %q does not name the impersonation", e.GetActorLogin())
	}
}
