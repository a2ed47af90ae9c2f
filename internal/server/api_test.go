package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/server"
	"github.com/certsvc/certsvc/internal/store"
)

// TestEveryRPC walks every RPC of the API once with each protocol, in the
// order an operator and a customer would use them, on each store.
func TestEveryRPC(t *testing.T) { dbtest.Each(t, testEveryRPC) }

func testEveryRPC(t *testing.T, db *store.DB) {
	env := apitest.New(t, db)
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			ctx := t.Context()
			admin := env.Clients(proto, apitest.AdminAuth)
			login := "walk-" + strings.ReplaceAll(string(proto), "+", "-")

			// Accounts and users.
			acc, err := admin.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "Walk " + login, Currency: "RUB"})
			must(t, err)
			accID := acc.GetAccount().GetId()
			got, err := admin.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: accID})
			must(t, err)
			if diff := cmp.Diff(acc.GetAccount(), got.GetAccount(), protocmp.Transform()); diff != "" {
				t.Fatalf("GetAccount differs from CreateAccount (-want +got):\n%s", diff)
			}
			upd, err := admin.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
				Account:    &certsvcv1.Account{Id: accID, Name: "Renamed " + login},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
			})
			must(t, err)
			if upd.GetAccount().GetName() != "Renamed "+login || upd.GetAccount().GetCurrency() != "RUB" {
				t.Fatalf("UpdateAccount: got %v", upd.GetAccount())
			}
			list, err := admin.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{NameContains: "renamed " + login})
			must(t, err)
			if len(list.GetAccounts()) != 1 || list.GetAccounts()[0].GetId() != accID {
				t.Fatalf("ListAccounts name_contains: got %v", list.GetAccounts())
			}
			u, err := admin.Account.CreateUser(ctx, &certsvcv1.CreateUserRequest{
				AccountId: accID, Login: login, Password: "first-password", Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER,
				Name: "Walker", Email: login + "@example.com",
			})
			must(t, err)
			uid := u.GetUser().GetId()
			gu, err := admin.Account.GetUser(ctx, &certsvcv1.GetUserRequest{Id: uid})
			must(t, err)
			if gu.GetUser().GetLogin() != login || gu.GetUser().GetAccountId() != accID {
				t.Fatalf("GetUser: got %v", gu.GetUser())
			}
			lu, err := admin.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{AccountId: accID})
			must(t, err)
			if len(lu.GetUsers()) != 1 {
				t.Fatalf("ListUsers: got %d users, want 1", len(lu.GetUsers()))
			}

			// Money.
			dep, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: accID, AmountMinor: 150000, Currency: "RUB", IdempotencyKey: "walk-1"})
			must(t, err)
			if dep.GetAccount().GetBalanceMinor() != 150000 || dep.GetEntry().GetBalanceAfterMinor() != 150000 {
				t.Fatalf("Deposit: got %v", dep)
			}
			again, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: accID, AmountMinor: 150000, Currency: "RUB", IdempotencyKey: "walk-1"})
			must(t, err)
			if again.GetEntry().GetId() != dep.GetEntry().GetId() || again.GetAccount().GetBalanceMinor() != 150000 {
				t.Fatalf("retried Deposit moved money again: %v", again)
			}
			adj, err := admin.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: accID, AmountMinor: -50000, Reason: "correction"})
			must(t, err)
			if adj.GetAccount().GetBalanceMinor() != 100000 {
				t.Fatalf("AdjustBalance: balance %d, want 100000", adj.GetAccount().GetBalanceMinor())
			}

			// The customer logs in and looks around.
			customer := env.Clients(proto, apitest.Basic(login, "first-password"))
			lr, err := customer.Auth.Login(ctx, &certsvcv1.LoginRequest{Login: login, Credential: &certsvcv1.LoginRequest_Password{Password: "first-password"}})
			must(t, err)
			if !strings.HasPrefix(lr.GetToken(), "cs_s_") || lr.GetExpireTime().AsTime().Before(time.Now()) {
				t.Fatalf("Login: got token %q expiring %v", lr.GetToken(), lr.GetExpireTime().AsTime())
			}
			session := env.Clients(proto, apitest.Bearer(lr.GetToken()))
			who, err := session.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
			must(t, err)
			if who.GetUser().GetId() != uid || who.GetAccount().GetBalanceMinor() != 100000 ||
				who.GetCredential() != certsvcv1.CredentialKind_CREDENTIAL_KIND_SESSION {
				t.Fatalf("WhoAmI: got %v", who)
			}
			ledger, err := session.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{})
			must(t, err)
			kinds := []certsvcv1.LedgerEntryKind{}
			for _, e := range ledger.GetEntries() {
				kinds = append(kinds, e.GetKind())
			}
			if diff := cmp.Diff([]certsvcv1.LedgerEntryKind{certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_ADJUSTMENT, certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_DEPOSIT}, kinds); diff != "" {
				t.Fatalf("ListLedgerEntries kinds, newest first (-want +got):\n%s", diff)
			}
			self, err := session.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
				User:       &certsvcv1.User{Id: uid, Name: "Walker Renamed"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
			})
			must(t, err)
			if self.GetUser().GetName() != "Walker Renamed" {
				t.Fatalf("UpdateUser: got %v", self.GetUser())
			}

			// API keys.
			key, err := session.Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{Name: "deploy script", ExpireTime: timestamppb.New(time.Now().Add(time.Hour))})
			must(t, err)
			if !strings.HasPrefix(key.GetSecret(), key.GetApiKey().GetPrefix()) {
				t.Fatalf("CreateApiKey: prefix %q does not start the secret", key.GetApiKey().GetPrefix())
			}
			script := env.Clients(proto, apitest.Bearer(key.GetSecret()))
			who, err = script.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
			must(t, err)
			if who.GetCredential() != certsvcv1.CredentialKind_CREDENTIAL_KIND_API_KEY || who.GetUser().GetId() != uid {
				t.Fatalf("WhoAmI with API key: got %v", who)
			}
			keys, err := session.Auth.ListApiKeys(ctx, &certsvcv1.ListApiKeysRequest{})
			must(t, err)
			if len(keys.GetApiKeys()) != 1 || keys.GetApiKeys()[0].GetLastUsedTime() == nil {
				t.Fatalf("ListApiKeys: got %v, want one key with last_used_time", keys.GetApiKeys())
			}
			_, err = session.Auth.DeleteApiKey(ctx, &certsvcv1.DeleteApiKeyRequest{Id: key.GetApiKey().GetId()})
			must(t, err)

			// Passwords, one-time keys and logout.
			_, err = session.Account.SetUserPassword(ctx, &certsvcv1.SetUserPasswordRequest{UserId: uid, CurrentPassword: "first-password", Password: "second-password"})
			must(t, err)
			if _, err := session.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{}); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("session after password change: got %v, want unauthenticated", err)
			}
			lk, err := admin.Auth.CreateLoginKey(ctx, &certsvcv1.CreateLoginKeyRequest{UserId: uid})
			must(t, err)
			anon := env.Clients(proto, "")
			lr, err = anon.Auth.Login(ctx, &certsvcv1.LoginRequest{Login: login, Credential: &certsvcv1.LoginRequest_Key{Key: lk.GetKey()}})
			must(t, err)
			if _, err := anon.Auth.Login(ctx, &certsvcv1.LoginRequest{Login: login, Credential: &certsvcv1.LoginRequest_Key{Key: lk.GetKey()}}); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("second use of a login key: got %v, want unauthenticated", err)
			}
			session = env.Clients(proto, apitest.Bearer(lr.GetToken()))
			_, err = session.Auth.Logout(ctx, &certsvcv1.LogoutRequest{})
			must(t, err)
			if _, err := session.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{}); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("session after logout: got %v, want unauthenticated", err)
			}

			// Catalogue.
			plans, err := anon.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: 1000})
			must(t, err)
			if len(plans.GetPlans()) < 27 {
				t.Fatalf("ListPlans: got %d plans, want the 27 seeded", len(plans.GetPlans()))
			}
			gp, err := anon.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: 55352}) // foreign id of GlobalSign EV SSL
			must(t, err)
			if gp.GetPlan().GetId() != 55330 || gp.GetPlan().GetValidation() != certsvcv1.ValidationLevel_VALIDATION_LEVEL_EV {
				t.Fatalf("GetPlan by foreign id: got %v", gp.GetPlan())
			}
			planID := int64(900000)
			if proto == apitest.GRPC {
				planID++
			}
			cp, err := admin.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: &certsvcv1.Plan{
				Id: planID, Name: "Walk SAN", Brand: "Sectigo", Validation: certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV,
				MultiDomain: true, IncludedNames: 3, MaxNames: 10, ExtraNameAddonId: planID + 10, Enabled: true,
				Prices: []*certsvcv1.PlanPrice{{PeriodMonths: 12, Currency: "RUB", AmountMinor: 500000, ExtraNameAmountMinor: 90000}},
			}})
			must(t, err)
			if cp.GetPlan().GetForeignId() != planID {
				t.Fatalf("CreatePlan: foreign_id %d, want it to default to id %d", cp.GetPlan().GetForeignId(), planID)
			}
			up, err := admin.Catalog.UpdatePlan(ctx, &certsvcv1.UpdatePlanRequest{
				Plan: &certsvcv1.Plan{Id: planID, Name: "Walk SAN Pro", Enabled: false, Prices: []*certsvcv1.PlanPrice{
					{PeriodMonths: 12, Currency: "RUB", AmountMinor: 550000, ExtraNameAmountMinor: 90000},
					{PeriodMonths: 24, Currency: "RUB", AmountMinor: 990000, ExtraNameAmountMinor: 160000},
				}},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name", "enabled", "prices"}},
			})
			must(t, err)
			if up.GetPlan().GetName() != "Walk SAN Pro" || up.GetPlan().GetEnabled() || len(up.GetPlan().GetPrices()) != 2 || up.GetPlan().GetMaxNames() != 10 {
				t.Fatalf("UpdatePlan: got %v", up.GetPlan())
			}
			if _, err := anon.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: planID}); connect.CodeOf(err) != connect.CodeNotFound {
				t.Fatalf("disabled plan for anonymous: got %v, want not_found", err)
			}
			all, err := admin.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{IncludeDisabled: true, PageSize: 1000})
			must(t, err)
			if !slices.ContainsFunc(all.GetPlans(), func(p *certsvcv1.Plan) bool { return p.GetId() == planID }) {
				t.Fatal("ListPlans include_disabled: the disabled plan is missing")
			}
			_, err = admin.Catalog.DeletePlan(ctx, &certsvcv1.DeletePlanRequest{Id: planID})
			must(t, err)
			countries, err := anon.Catalog.ListCountries(ctx, &certsvcv1.ListCountriesRequest{})
			must(t, err)
			if !slices.ContainsFunc(countries.GetCountries(), func(c *certsvcv1.Country) bool {
				return c.GetId() == 182 && c.GetAlpha2() == "RU"
			}) || len(countries.GetCountries()) < 240 {
				t.Fatalf("ListCountries: %d countries, want ~249 with 182 = RU", len(countries.GetCountries()))
			}

			// Clean-up RPCs: a user can be deleted; an account with history cannot.
			_, err = admin.Account.DeleteUser(ctx, &certsvcv1.DeleteUserRequest{Id: uid})
			must(t, err)
			if _, err := admin.Account.DeleteAccount(ctx, &certsvcv1.DeleteAccountRequest{Id: accID}); connect.CodeOf(err) != connect.CodeFailedPrecondition {
				t.Fatalf("DeleteAccount with ledger entries: got %v, want failed_precondition", err)
			}
			fresh, err := admin.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "Unused", Currency: "USD"})
			must(t, err)
			_, err = admin.Account.DeleteAccount(ctx, &certsvcv1.DeleteAccountRequest{Id: fresh.GetAccount().GetId()})
			must(t, err)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestGRPCGoClient checks the doors a grpc-go client and grpcurl use: health
// and reflection, over TLS HTTP/2.
func TestGRPCGoClient(t *testing.T) {
	env := apitest.New(t, dbtest.SQLite(t))
	u, _ := url.Parse(env.URL)
	tlsCfg := env.HTTP.Transport.(*http.Transport).TLSClientConfig.Clone()
	conn, err := grpc.NewClient(u.Host, grpc.WithTransportCredentials(credentials.NewTLS(tlsCfg)))
	must(t, err)
	defer conn.Close()

	h, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{Service: "certsvc.v1.AuthService"})
	must(t, err)
	if h.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: got %v, want SERVING", h.GetStatus())
	}
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(t.Context())
	must(t, err)
	must(t, stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}))
	res, err := stream.Recv()
	must(t, err)
	var names []string
	for _, s := range res.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	for _, want := range server.Services {
		if !slices.Contains(names, want) {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}
	// A typed call through grpc-go itself, without generated grpc stubs.
	var out certsvcv1.ListCountriesResponse
	must(t, conn.Invoke(t.Context(), "/certsvc.v1.CatalogService/ListCountries", &certsvcv1.ListCountriesRequest{}, &out))
	if len(out.GetCountries()) == 0 {
		t.Fatal("ListCountries over grpc-go returned nothing")
	}
}

func TestMetricsHealthzAndCORS(t *testing.T) {
	db := dbtest.SQLite(t)
	env := apitest.New(t, db)
	anon := env.Clients(apitest.ConnectJSON, "")
	anon.Catalog.ListCountries(t.Context(), &certsvcv1.ListCountriesRequest{})

	res, err := env.HTTP.Get(env.URL + "/metrics")
	must(t, err)
	body := readAll(t, res)
	if !strings.Contains(body, `certsvc_rpc_requests_total{code="ok",procedure="/certsvc.v1.CatalogService/ListCountries"}`) {
		t.Fatalf("/metrics lacks the RPC counter:\n%.2000s", body)
	}
	res, err = env.HTTP.Get(env.URL + "/healthz")
	must(t, err)
	if res.StatusCode != 200 {
		t.Fatalf("/healthz: got %d", res.StatusCode)
	}
	res.Body.Close()

	h := server.NewHandler(env.Svc, env.Core.Kinds(), slog.New(slog.DiscardHandler), prometheus.NewRegistry(), db.SQL.PingContext, []string{"https://console.example.com"})
	req := httptest.NewRequest(http.MethodOptions, "/certsvc.v1.AuthService/WhoAmI", nil)
	req.Header.Set("Origin", "https://console.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,connect-protocol-version,content-type")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://console.example.com" {
		t.Fatalf("CORS preflight: Allow-Origin %q, want the console origin", got)
	}
	req.Header.Set("Origin", "https://evil.example.com")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("CORS preflight from another origin: Allow-Origin %q, want none", got)
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// TestFailedLoginsAreSlowedDown: after repeated wrong passwords of a login,
// further wrong ones are answered resource_exhausted (over Login and over
// Basic on any RPC), while the right password still gets in.
func TestFailedLoginsAreSlowedDown(t *testing.T) {
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			env := apitest.New(t, dbtest.SQLite(t)) // a fresh limiter per protocol
			c := env.NewCustomer(t, "victim", "RUB")
			anon := env.Clients(proto, "")
			login := func(pw string) error {
				_, err := anon.Auth.Login(t.Context(), &certsvcv1.LoginRequest{Login: "victim", Credential: &certsvcv1.LoginRequest_Password{Password: pw}})
				return err
			}
			var err error
			for i := 0; i < 10 && connect.CodeOf(err) != connect.CodeResourceExhausted; i++ {
				err = login("guess")
			}
			if connect.CodeOf(err) != connect.CodeResourceExhausted || !strings.Contains(err.Error(), "try again in") {
				t.Fatalf("after repeated failures: got %v, want resource_exhausted saying when to retry", err)
			}
			// Basic credentials on any RPC count against the same limit.
			_, err = env.Clients(proto, apitest.Basic("victim", "guess")).Auth.WhoAmI(t.Context(), &certsvcv1.WhoAmIRequest{})
			if connect.CodeOf(err) != connect.CodeResourceExhausted {
				t.Fatalf("wrong Basic during the lock-out: got %v, want resource_exhausted", err)
			}
			if _, err := env.Clients(proto, c.Auth).Auth.WhoAmI(t.Context(), &certsvcv1.WhoAmIRequest{}); err != nil {
				t.Fatalf("right Basic during the lock-out: got %v, want success", err)
			}
			if err := login(c.Password); err != nil {
				t.Fatalf("right password during the lock-out: got %v, want success", err)
			}
		})
	}
}

// TestMalformedRequests: whatever arrives, the answer is a clear client
// error, never a 500.
func TestMalformedRequests(t *testing.T) {
	env := apitest.New(t, dbtest.SQLite(t))
	post := func(t *testing.T, contentType, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, env.URL+"/certsvc.v1.AccountService/CreateAccount", strings.NewReader(body))
		must(t, err)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", apitest.AdminAuth)
		res, err := env.HTTP.Do(req)
		must(t, err)
		return res.StatusCode, readAll(t, res)
	}
	tests := []struct {
		name, contentType, body string
		wantStatus              int
		wantCode                string
	}{
		{"error/not json", "application/json", "{name: nope", 400, `"code":"invalid_argument"`},
		{"error/wrong type", "application/json", `{"name": 5, "currency": "RUB"}`, 400, `"code":"invalid_argument"`},
		{"error/garbage proto", "application/proto", "\xff\xff\xff\xff", 400, `"code":"invalid_argument"`},
		{"error/unsupported content type", "text/plain", "hello", 415, ""},
		{"error/too large", "application/json", `{"name":"` + strings.Repeat("x", server.MaxRequestBytes) + `","currency":"RUB"}`, 429, `"code":"resource_exhausted"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, tc.contentType, tc.body)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantCode) {
				t.Fatalf("got %d %.200s, want %d with %s", status, body, tc.wantStatus, tc.wantCode)
			}
		})
	}
	n, err := env.DB.Ent.Account.Query().Count(t.Context())
	must(t, err)
	if n != 0 {
		t.Fatalf("malformed requests created %d accounts", n)
	}
}
