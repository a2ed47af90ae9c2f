package server_test

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/certsvc/certsvc/ent/session"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// authzCaller is who calls an RPC in the authorisation matrix.
type authzCaller string

const (
	authzAnon  authzCaller = "anonymous" // no Authorization header
	authzUserA authzCaller = "userA"     // a user of account A, whose objects the requests target
	authzUserB authzCaller = "userB"     // a user of account B
	authzAdmin authzCaller = "admin"     // the bootstrap admin
)

var authzCallers = []authzCaller{authzAnon, authzUserA, authzUserB, authzAdmin}

// authzOK is the expected "code" of a call that must succeed.
const authzOK connect.Code = 0

func authzCodeOf(err error) connect.Code {
	if err == nil {
		return authzOK
	}
	return connect.CodeOf(err)
}

func authzCodeName(c connect.Code) string {
	if c == authzOK {
		return "success"
	}
	return c.String()
}

// authzWant is the expected outcome for every caller.
type authzWant map[authzCaller]connect.Code

// authzCall is one prepared request: the credential it is sent with, the
// call itself, and an optional check of a successful response.
type authzCall struct {
	auth  string // Authorization header value; "" for anonymous
	do    func(ctx context.Context, c apitest.Clients) (any, error)
	check func(t *testing.T, res any)
}

// authzCase is one row of the matrix: an RPC with a request aimed at account
// A's objects, and the outcome for each caller. prepare runs inside the
// subtest, so mutating RPCs get fresh objects for every caller and protocol.
type authzCase struct {
	procedure string
	variant   string // "" for the main row of an RPC
	want      authzWant
	prepare   func(t *testing.T, f *authzFixture, caller authzCaller) authzCall
}

func (c authzCase) name() string {
	if c.variant == "" {
		return path.Base(c.procedure)
	}
	return path.Base(c.procedure) + "_" + c.variant
}

// Common expectation shapes.
var (
	// authzPublic: anyone, with or without credentials.
	authzPublic = authzWant{authzAnon: authzOK, authzUserA: authzOK, authzUserB: authzOK, authzAdmin: authzOK}
	// authzAnyUser: any logged-in caller, no object of another account involved.
	authzAnyUser = authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: authzOK, authzUserB: authzOK, authzAdmin: authzOK}
	// authzOwnAccount: a logged-in caller who may see account A's objects.
	authzOwnAccount = authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: authzOK, authzUserB: connect.CodeNotFound, authzAdmin: authzOK}
	// authzAdminOnly: admin-only RPCs.
	authzAdminOnly = authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied, authzUserB: connect.CodePermissionDenied, authzAdmin: authzOK}
)

// authzFixture is the shared state of the matrix: account A with users A and
// A2, an API key of user A and a deposit; account B with user B; a disabled plan.
type authzFixture struct {
	env            *apitest.Env
	admin          apitest.Clients // for setup, over Connect
	adminID        int64
	a, b           apitest.Customer
	a2             *certsvcv1.User
	keyA           *certsvcv1.ApiKey
	entryA         *certsvcv1.LedgerEntry
	planID         int64 // an enabled, seeded plan
	disabledPlanID int64
	seq            int
	certs          *authzCertFixture // made on first use by certFixture (authz_cert_test.go)
}

func authzNewFixture(t *testing.T, db *store.DB) *authzFixture {
	t.Helper()
	ctx := t.Context()
	env := apitest.New(t, db)
	f := &authzFixture{env: env, admin: env.Clients(apitest.ConnectJSON, apitest.AdminAuth)}
	me, err := f.admin.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
	if err != nil {
		t.Fatalf("admin WhoAmI: %v", err)
	}
	f.adminID = me.GetUser().GetId()
	f.a = env.NewCustomer(t, "authz-a", "RUB")
	f.b = env.NewCustomer(t, "authz-b", "RUB")
	f.a2, _ = f.newUserInA(t)
	dep, err := f.admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{
		AccountId: f.a.Account.GetId(), AmountMinor: 100000, Currency: "RUB", Description: "fixture deposit",
	})
	if err != nil {
		t.Fatalf("deposit on account A: %v", err)
	}
	f.entryA = dep.GetEntry()
	key, err := env.Clients(apitest.ConnectJSON, f.a.Auth).Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{Name: "fixture key of A"})
	if err != nil {
		t.Fatalf("create API key of user A: %v", err)
	}
	f.keyA = key.GetApiKey()
	plans, err := f.admin.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: 1})
	if err != nil || len(plans.GetPlans()) == 0 {
		t.Fatalf("list seeded plans: %v (%d plans)", err, len(plans.GetPlans()))
	}
	f.planID = plans.GetPlans()[0].GetId()
	disabled := f.newPlan(t)
	upd, err := f.admin.Catalog.UpdatePlan(ctx, &certsvcv1.UpdatePlanRequest{
		Plan:       &certsvcv1.Plan{Id: disabled.GetId(), Enabled: false},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"enabled"}},
	})
	if err != nil || upd.GetPlan().GetEnabled() {
		t.Fatalf("disable plan %d: %v (enabled=%v)", disabled.GetId(), err, upd.GetPlan().GetEnabled())
	}
	f.disabledPlanID = disabled.GetId()
	return f
}

func (f *authzFixture) unique(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s-%d", prefix, f.seq)
}

// authOf is the caller's Authorization header: Basic for users and admin.
func (f *authzFixture) authOf(c authzCaller) string {
	switch c {
	case authzUserA:
		return f.a.Auth
	case authzUserB:
		return f.b.Auth
	case authzAdmin:
		return apitest.AdminAuth
	}
	return ""
}

// loginOf is the caller's login and password.
func (f *authzFixture) loginOf(c authzCaller) (string, string) {
	switch c {
	case authzUserA:
		return f.a.User.GetLogin(), f.a.Password
	case authzUserB:
		return f.b.User.GetLogin(), f.b.Password
	case authzAdmin:
		return "admin", apitest.AdminPassword
	}
	return "", ""
}

// idOf is the caller's user id.
func (f *authzFixture) idOf(c authzCaller) int64 {
	switch c {
	case authzUserA:
		return f.a.User.GetId()
	case authzUserB:
		return f.b.User.GetId()
	case authzAdmin:
		return f.adminID
	}
	return 0
}

// newUserInA creates a throwaway user of account A and returns it with its password.
func (f *authzFixture) newUserInA(t *testing.T) (*certsvcv1.User, string) {
	t.Helper()
	login, password := f.unique("authz-a-user"), "pw-throwaway-secret"
	res, err := f.admin.Account.CreateUser(t.Context(), &certsvcv1.CreateUserRequest{
		AccountId: f.a.Account.GetId(), Login: login, Password: password,
		Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER, Name: "Throwaway " + login,
	})
	if err != nil {
		t.Fatalf("create user %s in account A: %v", login, err)
	}
	return res.GetUser(), password
}

// newAccount creates a throwaway empty account.
func (f *authzFixture) newAccount(t *testing.T) *certsvcv1.Account {
	t.Helper()
	res, err := f.admin.Account.CreateAccount(t.Context(), &certsvcv1.CreateAccountRequest{Name: f.unique("Authz throwaway"), Currency: "RUB"})
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	return res.GetAccount()
}

func authzPlan(name string) *certsvcv1.Plan {
	return &certsvcv1.Plan{
		Name: name, Brand: "AuthzCA", Validation: certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV,
		IncludedNames: 1, MaxNames: 1, Enabled: true,
		Prices: []*certsvcv1.PlanPrice{{PeriodMonths: 12, Currency: "RUB", AmountMinor: 150000}},
	}
}

// newPlan creates a throwaway enabled plan.
func (f *authzFixture) newPlan(t *testing.T) *certsvcv1.Plan {
	t.Helper()
	res, err := f.admin.Catalog.CreatePlan(t.Context(), &certsvcv1.CreatePlanRequest{Plan: authzPlan(f.unique("Authz plan"))})
	if err != nil {
		t.Fatalf("create plan: %v", err)
	}
	return res.GetPlan()
}

// newKeyOfA creates a throwaway API key of user A.
func (f *authzFixture) newKeyOfA(t *testing.T) *certsvcv1.ApiKey {
	t.Helper()
	res, err := f.admin.Auth.CreateApiKey(t.Context(), &certsvcv1.CreateApiKeyRequest{UserId: f.a.User.GetId(), Name: f.unique("throwaway")})
	if err != nil {
		t.Fatalf("create API key of user A: %v", err)
	}
	return res.GetApiKey()
}

// sessionOf logs in and returns a Bearer header with the session token.
func (f *authzFixture) sessionOf(t *testing.T, login, password string) string {
	t.Helper()
	res, err := f.env.Clients(apitest.ConnectJSON, "").Auth.Login(t.Context(), &certsvcv1.LoginRequest{
		Login: login, Credential: &certsvcv1.LoginRequest_Password{Password: password},
	})
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return apitest.Bearer(res.GetToken())
}

// authzCheck type-asserts a response for a check function.
func authzCheck[Res any](check func(t *testing.T, res Res)) func(t *testing.T, res any) {
	return func(t *testing.T, res any) {
		t.Helper()
		r, ok := res.(Res)
		if !ok {
			t.Fatalf("response: got %T, want %T", res, r)
		}
		check(t, r)
	}
}

// authzIDs returns the ids of a list of messages.
func authzIDs[M interface{ GetId() int64 }](ms []M) []int64 {
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.GetId())
	}
	return ids
}

// authzCases is the authorisation matrix. Every RPC of AuthService,
// AccountService, CatalogService, CertificateService and
// ProcessingModuleService has a row without a variant; variants add cases
// whose outcome depends on the request. The certificate and module rows (and
// those of the admin RPCs of AuthService) are in authzCertCases.
func authzCases() []authzCase {
	cases := []authzCase{
		// ---- AuthService ----
		{
			procedure: certsvcv1connect.AuthServiceLoginProcedure,
			want:      authzPublic,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				req := &certsvcv1.LoginRequest{Login: f.a.User.GetLogin(), Credential: &certsvcv1.LoginRequest_Password{Password: f.a.Password}}
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.Login(ctx, req)
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.LoginResponse) {
						if got, want := res.GetUser().GetId(), f.a.User.GetId(); got != want {
							t.Errorf("Login user id: got %d, want %d", got, want)
						}
						if res.GetToken() == "" {
							t.Errorf("Login token: got empty, want a token")
						}
					}),
				}
			},
		},
		{
			// Logout ends the session the call carries, so every caller
			// brings a fresh session token of their own.
			procedure: certsvcv1connect.AuthServiceLogoutProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				bearer := ""
				if c != authzAnon {
					login, password := f.loginOf(c)
					bearer = f.sessionOf(t, login, password)
				}
				return authzCall{
					auth: bearer,
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.Logout(ctx, &certsvcv1.LogoutRequest{})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceWhoAmIProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.WhoAmIResponse) {
						if got, want := res.GetUser().GetId(), f.idOf(c); got != want {
							t.Errorf("WhoAmI user id: got %d, want %d", got, want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceCreateLoginKeyProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.CreateLoginKey(ctx, &certsvcv1.CreateLoginKeyRequest{UserId: f.a.User.GetId()})
					},
				}
			},
		},
		{
			// Users name only themselves as the owner ("Only admins name
			// others"); the service answers PermissionDenied for any other
			// user_id, without looking the user up.
			procedure: certsvcv1connect.AuthServiceCreateApiKeyProcedure,
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: authzOK,
				authzUserB: connect.CodePermissionDenied, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{UserId: f.a.User.GetId(), Name: "matrix key"})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateApiKeyResponse) {
						if got, want := res.GetApiKey().GetUserId(), f.a.User.GetId(); got != want {
							t.Errorf("CreateApiKey owner: got %d, want %d", got, want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceCreateApiKeyProcedure,
			variant:   "ownerOmitted",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{Name: "own key"})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.CreateApiKeyResponse) {
						if got, want := res.GetApiKey().GetUserId(), f.idOf(c); got != want {
							t.Errorf("CreateApiKey owner: got %d, want %d (the caller)", got, want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceListApiKeysProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.ListApiKeys(ctx, &certsvcv1.ListApiKeysRequest{UserId: f.a.User.GetId(), PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListApiKeysResponse) {
						if ids := authzIDs(res.GetApiKeys()); !slices.Contains(ids, f.keyA.GetId()) {
							t.Errorf("ListApiKeys ids: got %v, want them to contain %d", ids, f.keyA.GetId())
						}
						for _, k := range res.GetApiKeys() {
							if k.GetUserId() != f.a.User.GetId() {
								t.Errorf("ListApiKeys key %d: got owner %d, want %d", k.GetId(), k.GetUserId(), f.a.User.GetId())
							}
						}
					}),
				}
			},
		},
		{
			// A user lists only their own keys, even within their account.
			procedure: certsvcv1connect.AuthServiceListApiKeysProcedure,
			variant:   "ofUserA2",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodeNotFound,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.ListApiKeys(ctx, &certsvcv1.ListApiKeysRequest{UserId: f.a2.GetId()})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceListApiKeysProcedure,
			variant:   "own",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.ListApiKeys(ctx, &certsvcv1.ListApiKeysRequest{PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListApiKeysResponse) {
						if c == authzAdmin {
							return // admins see every key
						}
						for _, k := range res.GetApiKeys() {
							if k.GetUserId() != f.idOf(c) {
								t.Errorf("ListApiKeys key %d: got owner %d, want %d (the caller)", k.GetId(), k.GetUserId(), f.idOf(c))
							}
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AuthServiceDeleteApiKeyProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				key := f.newKeyOfA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Auth.DeleteApiKey(ctx, &certsvcv1.DeleteApiKeyRequest{Id: key.GetId()})
					},
				}
			},
		},

		// ---- AccountService ----
		{
			procedure: certsvcv1connect.AccountServiceCreateAccountProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				name := f.unique("Authz created")
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: name, Currency: "USD"})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceGetAccountProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: f.a.Account.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetAccountResponse) {
						if got, want := res.GetAccount().GetId(), f.a.Account.GetId(); got != want {
							t.Errorf("GetAccount id: got %d, want %d", got, want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceListAccountsProcedure,
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListAccountsResponse) {
						got := authzIDs(res.GetAccounts())
						switch c {
						case authzUserA:
							if want := []int64{f.a.Account.GetId()}; !cmp.Equal(got, want) {
								t.Errorf("ListAccounts ids: got %v, want %v", got, want)
							}
						case authzUserB:
							if want := []int64{f.b.Account.GetId()}; !cmp.Equal(got, want) {
								t.Errorf("ListAccounts ids: got %v, want %v", got, want)
							}
						case authzAdmin:
							if !slices.Contains(got, f.a.Account.GetId()) || !slices.Contains(got, f.b.Account.GetId()) {
								t.Errorf("ListAccounts ids: got %v, want them to contain %d and %d", got, f.a.Account.GetId(), f.b.Account.GetId())
							}
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceUpdateAccountProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				acc := f.newAccount(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
							Account:    &certsvcv1.Account{Id: acc.GetId(), Name: acc.GetName() + " renamed"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
						})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceDeleteAccountProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				acc := f.newAccount(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.DeleteAccount(ctx, &certsvcv1.DeleteAccountRequest{Id: acc.GetId()})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceCreateUserProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				login := f.unique("authz-created")
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.CreateUser(ctx, &certsvcv1.CreateUserRequest{
							AccountId: f.a.Account.GetId(), Login: login, Password: "pw-created-secret",
							Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER,
						})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceGetUserProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.GetUser(ctx, &certsvcv1.GetUserRequest{Id: f.a2.GetId()})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetUserResponse) {
						if got, want := res.GetUser().GetId(), f.a2.GetId(); got != want {
							t.Errorf("GetUser id: got %d, want %d", got, want)
						}
					}),
				}
			},
		},
		{
			// Admins belong to no account: users do not see them.
			procedure: certsvcv1connect.AccountServiceGetUserProcedure,
			variant:   "ofAdmin",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodeNotFound,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.GetUser(ctx, &certsvcv1.GetUserRequest{Id: f.adminID})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceListUsersProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{AccountId: f.a.Account.GetId(), PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListUsersResponse) {
						got := authzIDs(res.GetUsers())
						if !slices.Contains(got, f.a.User.GetId()) || !slices.Contains(got, f.a2.GetId()) {
							t.Errorf("ListUsers ids: got %v, want them to contain %d and %d", got, f.a.User.GetId(), f.a2.GetId())
						}
						for _, u := range res.GetUsers() {
							if u.GetAccountId() != f.a.Account.GetId() {
								t.Errorf("ListUsers user %d: got account %d, want %d", u.GetId(), u.GetAccountId(), f.a.Account.GetId())
							}
						}
					}),
				}
			},
		},
		{
			// Without a filter a user sees the users of their own account only.
			procedure: certsvcv1connect.AccountServiceListUsersProcedure,
			variant:   "noFilter",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListUsersResponse) {
						got := authzIDs(res.GetUsers())
						switch c {
						case authzUserA:
							for _, u := range res.GetUsers() {
								if u.GetAccountId() != f.a.Account.GetId() {
									t.Errorf("ListUsers user %d: got account %d, want %d", u.GetId(), u.GetAccountId(), f.a.Account.GetId())
								}
							}
						case authzUserB:
							if want := []int64{f.b.User.GetId()}; !cmp.Equal(got, want) {
								t.Errorf("ListUsers ids: got %v, want %v", got, want)
							}
						case authzAdmin:
							for _, id := range []int64{f.adminID, f.a.User.GetId(), f.a2.GetId(), f.b.User.GetId()} {
								if !slices.Contains(got, id) {
									t.Errorf("ListUsers ids: got %v, want them to contain %d", got, id)
								}
							}
						}
					}),
				}
			},
		},
		{
			// "userA" is a fresh user of account A changing their own name.
			procedure: certsvcv1connect.AccountServiceUpdateUserProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				u, password := f.newUserInA(t)
				a := f.authOf(c)
				if c == authzUserA {
					a = apitest.Basic(u.GetLogin(), password)
				}
				return authzCall{
					auth: a,
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
							User:       &certsvcv1.User{Id: u.GetId(), Name: "Renamed"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.UpdateUserResponse) {
						if got, want := res.GetUser().GetName(), "Renamed"; got != want {
							t.Errorf("UpdateUser name: got %q, want %q", got, want)
						}
					}),
				}
			},
		},
		{
			// A user may not change another user of the same account.
			procedure: certsvcv1connect.AccountServiceUpdateUserProcedure,
			variant:   "otherUserOfA",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				u, _ := f.newUserInA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
							User:       &certsvcv1.User{Id: u.GetId(), Name: "Renamed"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
						})
					},
				}
			},
		},
		{
			// Only admins enable or disable users; "userA" tries it on themselves.
			procedure: certsvcv1connect.AccountServiceUpdateUserProcedure,
			variant:   "disabled",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				u, password := f.newUserInA(t)
				a := f.authOf(c)
				if c == authzUserA {
					a = apitest.Basic(u.GetLogin(), password)
				}
				return authzCall{
					auth: a,
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
							User:       &certsvcv1.User{Id: u.GetId(), Disabled: true},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"disabled"}},
						})
					},
				}
			},
		},
		{
			// "userA" is a fresh user of account A changing their own password.
			procedure: certsvcv1connect.AccountServiceSetUserPasswordProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				u, password := f.newUserInA(t)
				a := f.authOf(c)
				req := &certsvcv1.SetUserPasswordRequest{UserId: u.GetId(), Password: "pw-changed-secret"}
				if c == authzUserA {
					a = apitest.Basic(u.GetLogin(), password)
					req.CurrentPassword = password
				}
				return authzCall{
					auth: a,
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.SetUserPassword(ctx, req)
					},
				}
			},
		},
		{
			// A user may not set the password of another user of the same account.
			procedure: certsvcv1connect.AccountServiceSetUserPasswordProcedure,
			variant:   "otherUserOfA",
			want: authzWant{authzAnon: connect.CodeUnauthenticated, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				u, password := f.newUserInA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.SetUserPassword(ctx, &certsvcv1.SetUserPasswordRequest{
							UserId: u.GetId(), Password: "pw-changed-secret", CurrentPassword: password,
						})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceDeleteUserProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				u, _ := f.newUserInA(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.DeleteUser(ctx, &certsvcv1.DeleteUserRequest{Id: u.GetId()})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceDepositProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.Deposit(ctx, &certsvcv1.DepositRequest{
							AccountId: f.a.Account.GetId(), AmountMinor: 1000, Currency: "RUB", Description: "matrix deposit",
						})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.DepositResponse) {
						if got, want := res.GetEntry().GetAccountId(), f.a.Account.GetId(); got != want {
							t.Errorf("Deposit entry account: got %d, want %d", got, want)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceAdjustBalanceProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{
							AccountId: f.a.Account.GetId(), AmountMinor: 500, Currency: "RUB", Reason: "matrix adjustment",
						})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.AccountServiceListLedgerEntriesProcedure,
			want:      authzOwnAccount,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{AccountId: f.a.Account.GetId(), PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListLedgerEntriesResponse) {
						if got := authzIDs(res.GetEntries()); !slices.Contains(got, f.entryA.GetId()) {
							t.Errorf("ListLedgerEntries ids: got %v, want them to contain %d", got, f.entryA.GetId())
						}
						for _, e := range res.GetEntries() {
							if e.GetAccountId() != f.a.Account.GetId() {
								t.Errorf("ListLedgerEntries entry %d: got account %d, want %d", e.GetId(), e.GetAccountId(), f.a.Account.GetId())
							}
						}
					}),
				}
			},
		},
		{
			// Without a filter a user sees their own account's entries only
			// (account B has none).
			procedure: certsvcv1connect.AccountServiceListLedgerEntriesProcedure,
			variant:   "noFilter",
			want:      authzAnyUser,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListLedgerEntriesResponse) {
						got := authzIDs(res.GetEntries())
						switch c {
						case authzUserA:
							for _, e := range res.GetEntries() {
								if e.GetAccountId() != f.a.Account.GetId() {
									t.Errorf("ListLedgerEntries entry %d: got account %d, want %d", e.GetId(), e.GetAccountId(), f.a.Account.GetId())
								}
							}
						case authzUserB:
							if len(got) != 0 {
								t.Errorf("ListLedgerEntries ids: got %v, want none", got)
							}
						}
						if c != authzUserB && !slices.Contains(got, f.entryA.GetId()) {
							t.Errorf("ListLedgerEntries ids: got %v, want them to contain %d", got, f.entryA.GetId())
						}
					}),
				}
			},
		},

		// ---- CatalogService ----
		{
			procedure: certsvcv1connect.CatalogServiceListPlansProcedure,
			want:      authzPublic,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: 1000})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListPlansResponse) {
						got := authzIDs(res.GetPlans())
						if !slices.Contains(got, f.planID) {
							t.Errorf("ListPlans ids: got %v, want them to contain %d", got, f.planID)
						}
						if slices.Contains(got, f.disabledPlanID) {
							t.Errorf("ListPlans ids: got %v, want them without disabled plan %d", got, f.disabledPlanID)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CatalogServiceListPlansProcedure,
			variant:   "includeDisabled",
			want: authzWant{authzAnon: connect.CodePermissionDenied, authzUserA: connect.CodePermissionDenied,
				authzUserB: connect.CodePermissionDenied, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: 1000, IncludeDisabled: true})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListPlansResponse) {
						if got := authzIDs(res.GetPlans()); !slices.Contains(got, f.disabledPlanID) {
							t.Errorf("ListPlans ids: got %v, want them to contain disabled plan %d", got, f.disabledPlanID)
						}
					}),
				}
			},
		},
		{
			procedure: certsvcv1connect.CatalogServiceGetPlanProcedure,
			want:      authzPublic,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: f.planID})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.GetPlanResponse) {
						if got, want := res.GetPlan().GetId(), f.planID; got != want {
							t.Errorf("GetPlan id: got %d, want %d", got, want)
						}
					}),
				}
			},
		},
		{
			// A disabled plan is visible to admins only.
			procedure: certsvcv1connect.CatalogServiceGetPlanProcedure,
			variant:   "disabled",
			want: authzWant{authzAnon: connect.CodeNotFound, authzUserA: connect.CodeNotFound,
				authzUserB: connect.CodeNotFound, authzAdmin: authzOK},
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: f.disabledPlanID})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.CatalogServiceCreatePlanProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				pl := authzPlan(f.unique("Authz created plan"))
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: pl})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.CatalogServiceUpdatePlanProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				pl := f.newPlan(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.UpdatePlan(ctx, &certsvcv1.UpdatePlanRequest{
							Plan:       &certsvcv1.Plan{Id: pl.GetId(), Name: pl.GetName() + " renamed"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
						})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.CatalogServiceDeletePlanProcedure,
			want:      authzAdminOnly,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				pl := f.newPlan(t)
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.DeletePlan(ctx, &certsvcv1.DeletePlanRequest{Id: pl.GetId()})
					},
				}
			},
		},
		{
			procedure: certsvcv1connect.CatalogServiceListCountriesProcedure,
			want:      authzPublic,
			prepare: func(t *testing.T, f *authzFixture, c authzCaller) authzCall {
				return authzCall{
					auth: f.authOf(c),
					do: func(ctx context.Context, cl apitest.Clients) (any, error) {
						return cl.Catalog.ListCountries(ctx, &certsvcv1.ListCountriesRequest{})
					},
					check: authzCheck(func(t *testing.T, res *certsvcv1.ListCountriesResponse) {
						if len(res.GetCountries()) == 0 {
							t.Errorf("ListCountries: got no countries, want some")
						}
					}),
				}
			},
		},
	}
	return append(cases, authzCertCases()...)
}

// TestAuthorizationMatrix calls every RPC as every kind of caller over every
// protocol and checks the outcome: success or the exact error code.
func TestAuthorizationMatrix(t *testing.T) { dbtest.Each(t, testAuthorizationMatrix) }

func testAuthorizationMatrix(t *testing.T, db *store.DB) {
	f := authzNewFixture(t, db)
	cases := authzCases()
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name(), func(t *testing.T) {
					for _, caller := range authzCallers {
						t.Run(string(caller), func(t *testing.T) {
							call := tc.prepare(t, f, caller)
							res, err := call.do(t.Context(), f.env.Clients(proto, call.auth))
							got, want := authzCodeOf(err), tc.want[caller]
							if got != want {
								t.Fatalf("%s as %s: got %s (%v), want %s", tc.name(), caller, authzCodeName(got), err, authzCodeName(want))
							}
							if err == nil && call.check != nil {
								call.check(t, res)
							}
						})
					}
				})
			}
		})
	}
}

// TestEveryProcedureHasAPolicyCase fails when an RPC of the five services has
// no row in the authorisation matrix, so a new RPC cannot ship without an
// authorisation decision; and when a row names an RPC that does not exist or
// leaves a caller without an expectation.
func TestEveryProcedureHasAPolicyCase(t *testing.T) {
	rpcs := map[string]bool{}
	for _, fd := range []protoreflect.FileDescriptor{
		certsvcv1.File_certsvc_v1_auth_proto,
		certsvcv1.File_certsvc_v1_account_proto,
		certsvcv1.File_certsvc_v1_catalog_proto,
		certsvcv1.File_certsvc_v1_certificate_proto,
		certsvcv1.File_certsvc_v1_module_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				rpcs[fmt.Sprintf("/%s/%s", sd.FullName(), sd.Methods().Get(j).Name())] = true
			}
		}
	}
	if got, want := len(rpcs), 58; got < want {
		t.Fatalf("RPCs found in the descriptors: got %d, want at least %d", got, want)
	}

	mainRow := map[string]bool{}
	names := map[string]bool{}
	for _, tc := range authzCases() {
		if !rpcs[tc.procedure] {
			t.Errorf("matrix row %s: got procedure %q, want an RPC of the five services", tc.name(), tc.procedure)
		}
		if names[tc.name()] {
			t.Errorf("matrix row %s: got a second row with this name, want unique names", tc.name())
		}
		names[tc.name()] = true
		if tc.variant == "" {
			mainRow[tc.procedure] = true
		}
		for _, c := range authzCallers {
			if _, ok := tc.want[c]; !ok {
				t.Errorf("matrix row %s: got no expectation for caller %s, want one for every caller", tc.name(), c)
			}
		}
		if len(tc.want) != len(authzCallers) {
			t.Errorf("matrix row %s: got %d expectations, want %d", tc.name(), len(tc.want), len(authzCallers))
		}
	}
	var missing []string
	for rpc := range rpcs {
		if !mainRow[rpc] {
			missing = append(missing, rpc)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("RPCs without a row in the authorisation matrix: got %v, want none", missing)
	}
}

// authzCredCase is a credential that is refused. When revoke is set the
// credential first works, and stops working after revoke.
type authzCredCase struct {
	name string
	// setup returns an Authorization header value and, optionally, the
	// step that makes it invalid.
	setup func(t *testing.T, f *authzFixture) (authorization string, revoke func(t *testing.T))
}

// authzUser is a throwaway user of account A with a password, a session and an API key.
type authzUser struct {
	user     *certsvcv1.User
	password string
	basic    string
	session  string // Bearer header with a session token
	apiKey   string // Bearer header with an API key
	keyID    int64
}

func (f *authzFixture) newCredUser(t *testing.T) authzUser {
	t.Helper()
	ctx := t.Context()
	u, password := f.newUserInA(t)
	basic := apitest.Basic(u.GetLogin(), password)
	key, err := f.env.Clients(apitest.ConnectJSON, basic).Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{Name: "cred key"})
	if err != nil {
		t.Fatalf("create API key of %s: %v", u.GetLogin(), err)
	}
	return authzUser{
		user: u, password: password, basic: basic,
		session: f.sessionOf(t, u.GetLogin(), password),
		apiKey:  apitest.Bearer(key.GetSecret()), keyID: key.GetApiKey().GetId(),
	}
}

func (f *authzFixture) disable(t *testing.T, id int64) {
	t.Helper()
	_, err := f.admin.Account.UpdateUser(t.Context(), &certsvcv1.UpdateUserRequest{
		User: &certsvcv1.User{Id: id, Disabled: true}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"disabled"}},
	})
	if err != nil {
		t.Fatalf("disable user %d: %v", id, err)
	}
}

func authzCredCases() []authzCredCase {
	static := func(a string) func(*testing.T, *authzFixture) (string, func(*testing.T)) {
		return func(*testing.T, *authzFixture) (string, func(*testing.T)) { return a, nil }
	}
	past := time.Now().UTC().Add(-24 * time.Hour)
	return []authzCredCase{
		{"wrongBasicPassword", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return apitest.Basic(u.user.GetLogin(), u.password+"-wrong"), nil
		}},
		{"unknownLogin", static(apitest.Basic("authz-nobody", "pw-nobody-secret"))},
		{"malformedBasic", static("Basic !!not-base64!!")},
		{"basicWithoutColon", static("Basic YXV0aHotbm9ib2R5")}, // "authz-nobody"
		{"unsupportedScheme", static("Digest username=admin")},
		{"unknownSessionToken", static(apitest.Bearer("cs_s_" + auth.NewToken("")))},
		{"unknownAPIKey", static(apitest.Bearer("cs_k_" + auth.NewToken("")))},
		{"unknownTokenKind", static(apitest.Bearer(auth.NewToken("")))},
		{"loginKeyAsBearer", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			res, err := f.admin.Auth.CreateLoginKey(t.Context(), &certsvcv1.CreateLoginKeyRequest{UserId: f.a.User.GetId()})
			if err != nil {
				t.Fatalf("create login key: %v", err)
			}
			return apitest.Bearer(res.GetKey()), nil
		}},
		{"expiredSession", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.session, func(t *testing.T) {
				token := u.session[len("Bearer "):]
				n, err := f.env.DB.Ent.Session.Update().Where(session.TokenHash(auth.HashToken(token))).SetExpireTime(past).Save(t.Context())
				if err != nil || n != 1 {
					t.Fatalf("expire session: %v (%d rows)", err, n)
				}
			}
		}},
		{"expiredAPIKey", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) {
				if err := f.env.DB.Ent.APIKey.UpdateOneID(u.keyID).SetExpireTime(past).Exec(t.Context()); err != nil {
					t.Fatalf("expire API key: %v", err)
				}
			}
		}},
		{"sessionAfterLogout", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.session, func(t *testing.T) {
				if _, err := f.env.Clients(apitest.GRPC, u.session).Auth.Logout(t.Context(), &certsvcv1.LogoutRequest{}); err != nil {
					t.Fatalf("logout: %v", err)
				}
			}
		}},
		{"apiKeyAfterDeleteApiKey", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) {
				_, err := f.env.Clients(apitest.ConnectJSON, u.basic).Auth.DeleteApiKey(t.Context(), &certsvcv1.DeleteApiKeyRequest{Id: u.keyID})
				if err != nil {
					t.Fatalf("delete API key: %v", err)
				}
			}
		}},
		{"disabledUserBasic", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.basic, func(t *testing.T) { f.disable(t, u.user.GetId()) }
		}},
		{"disabledUserSession", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.session, func(t *testing.T) { f.disable(t, u.user.GetId()) }
		}},
		{"disabledUserAPIKey", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) { f.disable(t, u.user.GetId()) }
		}},
		{"oldPasswordAfterOwnSetUserPassword", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.basic, func(t *testing.T) {
				authzSetPassword(t, f, u.basic, u.user, u.password)
			}
		}},
		{"oldPasswordAfterAdminSetUserPassword", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.basic, func(t *testing.T) {
				authzSetPassword(t, f, apitest.AdminAuth, u.user, "")
			}
		}},
		{"sessionAfterSetUserPassword", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.session, func(t *testing.T) {
				authzSetPassword(t, f, u.basic, u.user, u.password)
			}
		}},
		{"apiKeyAfterOwnSetUserPassword", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) {
				authzSetPassword(t, f, u.basic, u.user, u.password)
			}
		}},
		{"apiKeyAfterAdminSetUserPassword", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) {
				authzSetPassword(t, f, apitest.AdminAuth, u.user, "")
			}
		}},
		{"apiKeyAfterDisableAndEnable", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) {
				f.disable(t, u.user.GetId())
				_, err := f.admin.Account.UpdateUser(t.Context(), &certsvcv1.UpdateUserRequest{
					User: &certsvcv1.User{Id: u.user.GetId()}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"disabled"}},
				})
				if err != nil {
					t.Fatalf("enable user %d: %v", u.user.GetId(), err)
				}
			}
		}},
		{"sessionAfterDeleteUser", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.session, func(t *testing.T) { authzDeleteUser(t, f, u.user.GetId()) }
		}},
		{"apiKeyAfterDeleteUser", func(t *testing.T, f *authzFixture) (string, func(*testing.T)) {
			u := f.newCredUser(t)
			return u.apiKey, func(t *testing.T) { authzDeleteUser(t, f, u.user.GetId()) }
		}},
	}
}

const authzNewPassword = "pw-brand-new-secret"

// authzSetPassword sets u's password to authzNewPassword as the caller with
// Authorization a, and checks that the new password works.
func authzSetPassword(t *testing.T, f *authzFixture, a string, u *certsvcv1.User, current string) {
	t.Helper()
	ctx := t.Context()
	_, err := f.env.Clients(apitest.ConnectJSON, a).Account.SetUserPassword(ctx, &certsvcv1.SetUserPasswordRequest{
		UserId: u.GetId(), Password: authzNewPassword, CurrentPassword: current,
	})
	if err != nil {
		t.Fatalf("SetUserPassword: %v", err)
	}
	if _, err := f.env.Clients(apitest.ConnectJSON, apitest.Basic(u.GetLogin(), authzNewPassword)).Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{}); err != nil {
		t.Fatalf("WhoAmI with the new password: got %v, want success", err)
	}
}

func authzDeleteUser(t *testing.T, f *authzFixture, id int64) {
	t.Helper()
	if _, err := f.admin.Account.DeleteUser(t.Context(), &certsvcv1.DeleteUserRequest{Id: id}); err != nil {
		t.Fatalf("DeleteUser %d: %v", id, err)
	}
}

// TestAuthorizationCredentials checks that credentials which are wrong,
// unknown, expired or revoked are refused with Unauthenticated, on a
// non-public RPC (WhoAmI) and on a public one (ListCountries): bad
// credentials are an error even where none are needed.
//
// Every case starts with admin calls over Basic, which also reset the failed
// login counter of the test's address, so the login limiter never locks it out.
func TestAuthorizationCredentials(t *testing.T) { dbtest.Each(t, testAuthorizationCredentials) }

func testAuthorizationCredentials(t *testing.T, db *store.DB) {
	f := authzNewFixture(t, db)
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			for _, tc := range authzCredCases() {
				t.Run(tc.name, func(t *testing.T) {
					ctx := t.Context()
					// Reset the limiter's count for this address.
					if _, err := f.admin.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{}); err != nil {
						t.Fatalf("admin WhoAmI: %v", err)
					}
					a, revoke := tc.setup(t, f)
					cl := f.env.Clients(proto, a)
					if revoke != nil {
						if _, err := cl.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{}); err != nil {
							t.Fatalf("WhoAmI before revocation: got %v, want success", err)
						}
						revoke(t)
					}
					_, err := cl.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
					if got, want := authzCodeOf(err), connect.CodeUnauthenticated; got != want {
						t.Errorf("WhoAmI: got %s (%v), want %s", authzCodeName(got), err, authzCodeName(want))
					}
					_, err = cl.Catalog.ListCountries(ctx, &certsvcv1.ListCountriesRequest{})
					if got, want := authzCodeOf(err), connect.CodeUnauthenticated; got != want {
						t.Errorf("ListCountries: got %s (%v), want %s", authzCodeName(got), err, authzCodeName(want))
					}
				})
			}
		})
	}
}

func authzPasswordLogin(login, password string) *certsvcv1.LoginRequest {
	return &certsvcv1.LoginRequest{Login: login, Credential: &certsvcv1.LoginRequest_Password{Password: password}}
}

// TestAuthorizationLogin checks that Login refuses a wrong password, a
// disabled user, a password replaced by SetUserPassword, and login keys that
// are spent, of another user or of a disabled user.
func TestAuthorizationLogin(t *testing.T) { dbtest.Each(t, testAuthorizationLogin) }

func testAuthorizationLogin(t *testing.T, db *store.DB) {
	f := authzNewFixture(t, db)
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			loginKey := func(t *testing.T, userID int64) string {
				t.Helper()
				res, err := f.admin.Auth.CreateLoginKey(t.Context(), &certsvcv1.CreateLoginKeyRequest{UserId: userID})
				if err != nil {
					t.Fatalf("CreateLoginKey: %v", err)
				}
				return res.GetKey()
			}
			cases := []struct {
				name  string
				setup func(t *testing.T) *certsvcv1.LoginRequest
			}{
				{"wrongPassword", func(t *testing.T) *certsvcv1.LoginRequest {
					u := f.newCredUser(t)
					return authzPasswordLogin(u.user.GetLogin(), u.password+"-wrong")
				}},
				{"disabledUser", func(t *testing.T) *certsvcv1.LoginRequest {
					u := f.newCredUser(t)
					f.disable(t, u.user.GetId())
					return authzPasswordLogin(u.user.GetLogin(), u.password)
				}},
				{"oldPasswordAfterSetUserPassword", func(t *testing.T) *certsvcv1.LoginRequest {
					u := f.newCredUser(t)
					authzSetPassword(t, f, u.basic, u.user, u.password)
					return authzPasswordLogin(u.user.GetLogin(), u.password)
				}},
				{"loginKeyUsedTwice", func(t *testing.T) *certsvcv1.LoginRequest {
					u := f.newCredUser(t)
					req := &certsvcv1.LoginRequest{Login: u.user.GetLogin(), Credential: &certsvcv1.LoginRequest_Key{Key: loginKey(t, u.user.GetId())}}
					if _, err := f.env.Clients(proto, "").Auth.Login(t.Context(), req); err != nil {
						t.Fatalf("first Login with the key: got %v, want success", err)
					}
					return req
				}},
				{"loginKeyOfAnotherUser", func(t *testing.T) *certsvcv1.LoginRequest {
					u := f.newCredUser(t)
					return &certsvcv1.LoginRequest{Login: f.b.User.GetLogin(), Credential: &certsvcv1.LoginRequest_Key{Key: loginKey(t, u.user.GetId())}}
				}},
				{"loginKeyOfDisabledUser", func(t *testing.T) *certsvcv1.LoginRequest {
					u := f.newCredUser(t)
					key := loginKey(t, u.user.GetId())
					f.disable(t, u.user.GetId())
					return &certsvcv1.LoginRequest{Login: u.user.GetLogin(), Credential: &certsvcv1.LoginRequest_Key{Key: key}}
				}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					req := tc.setup(t)
					_, err := f.env.Clients(proto, "").Auth.Login(t.Context(), req)
					if got, want := authzCodeOf(err), connect.CodeUnauthenticated; got != want {
						t.Errorf("Login: got %s (%v), want %s", authzCodeName(got), err, authzCodeName(want))
					}
				})
			}
		})
	}
}

// authzMissingID is an id no object has in the test database.
const authzMissingID int64 = 987654321

// TestAuthorizationHidesOtherAccounts checks that an object of another
// account is indistinguishable from one that does not exist: the same code
// and, ids aside, the same message. Otherwise a user could probe which ids
// exist in other accounts.
func TestAuthorizationHidesOtherAccounts(t *testing.T) {
	dbtest.Each(t, testAuthorizationHidesOtherAccounts)
}

func testAuthorizationHidesOtherAccounts(t *testing.T, db *store.DB) {
	f := authzNewFixture(t, db)
	cases := []struct {
		name   string
		caller authzCaller
		id     func(f *authzFixture) int64 // an object of account A
		want   connect.Code
		do     func(ctx context.Context, cl apitest.Clients, id int64) error
	}{
		{"GetAccount", authzUserB, func(f *authzFixture) int64 { return f.a.Account.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: id})
				return err
			}},
		{"GetUser", authzUserB, func(f *authzFixture) int64 { return f.a2.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Account.GetUser(ctx, &certsvcv1.GetUserRequest{Id: id})
				return err
			}},
		{"UpdateUser", authzUserB, func(f *authzFixture) int64 { return f.a2.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
					User: &certsvcv1.User{Id: id, Name: "Probe"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return err
			}},
		{"SetUserPassword", authzUserB, func(f *authzFixture) int64 { return f.a2.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Account.SetUserPassword(ctx, &certsvcv1.SetUserPasswordRequest{UserId: id, Password: "pw-probe-secret"})
				return err
			}},
		{"ListUsers", authzUserB, func(f *authzFixture) int64 { return f.a.Account.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{AccountId: id})
				return err
			}},
		{"ListLedgerEntries", authzUserB, func(f *authzFixture) int64 { return f.a.Account.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{AccountId: id})
				return err
			}},
		{"ListApiKeys", authzUserB, func(f *authzFixture) int64 { return f.a.User.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Auth.ListApiKeys(ctx, &certsvcv1.ListApiKeysRequest{UserId: id})
				return err
			}},
		{"DeleteApiKey", authzUserB, func(f *authzFixture) int64 { return f.keyA.GetId() }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Auth.DeleteApiKey(ctx, &certsvcv1.DeleteApiKeyRequest{Id: id})
				return err
			}},
		{"CreateApiKey", authzUserB, func(f *authzFixture) int64 { return f.a.User.GetId() }, connect.CodePermissionDenied,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{UserId: id, Name: "probe"})
				return err
			}},
		{"GetPlanDisabled", authzAnon, func(f *authzFixture) int64 { return f.disabledPlanID }, connect.CodeNotFound,
			func(ctx context.Context, cl apitest.Clients, id int64) error {
				_, err := cl.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: id})
				return err
			}},
	}
	// message is the error's message with the id it names made generic.
	message := func(err error, id int64) string {
		var ce *connect.Error
		if !errors.As(err, &ce) {
			return fmt.Sprint(err)
		}
		return strings.ReplaceAll(ce.Message(), strconv.FormatInt(id, 10), "<id>")
	}
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					cl := f.env.Clients(proto, f.authOf(tc.caller))
					id := tc.id(f)
					errExisting := tc.do(t.Context(), cl, id)
					errMissing := tc.do(t.Context(), cl, authzMissingID)
					if got, want := authzCodeOf(errExisting), tc.want; got != want {
						t.Fatalf("object of account A: got %s (%v), want %s", authzCodeName(got), errExisting, authzCodeName(want))
					}
					if got, want := authzCodeOf(errMissing), tc.want; got != want {
						t.Errorf("missing object: got %s (%v), want %s", authzCodeName(got), errMissing, authzCodeName(want))
					}
					if got, want := message(errExisting, id), message(errMissing, authzMissingID); got != want {
						t.Errorf("message for an object of account A: got %q, want %q (the message for a missing object)", got, want)
					}
				})
			}
		})
	}
}
