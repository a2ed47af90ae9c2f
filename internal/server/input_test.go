package server_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"connectrpc.com/connect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// inputCase is one request that must be refused.
type inputCase struct {
	name string
	// anonymous sends the call without credentials (for Login).
	anonymous bool
	call      func(ctx context.Context, c apitest.Clients) error
	code      connect.Code
	// field is the request field the error must name, in proto path form.
	field string
}

// inputFixture is what TestBadInput's cases refer to.
type inputFixture struct {
	cust       apitest.Customer // RUB account holding inputBalance
	other      apitest.Customer // USD account
	maxAccount int64            // RUB account holding math.MaxInt64
	accTok     string           // a ListAccounts token issued without filters
	usersTok   string           // a ListUsers token
	plan       *certsvcv1.Plan  // an existing plan whose foreign_id differs from its id
	ownPlan    *certsvcv1.Plan  // a plan created by the fixture
}

const inputBalance = 1000

// inputValidPlan returns a plan CreatePlan accepts; cases break one rule each.
func inputValidPlan() *certsvcv1.Plan {
	return &certsvcv1.Plan{
		Name: "Input Test DV", Brand: "InputCA", Validation: certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV,
		IncludedNames: 1, MaxNames: 1, Enabled: true,
		Prices: []*certsvcv1.PlanPrice{{PeriodMonths: 12, Currency: "RUB", AmountMinor: 150000}},
	}
}

// inputValidUser returns a CreateUser request that would succeed.
func inputValidUser(accountID int64) *certsvcv1.CreateUserRequest {
	return &certsvcv1.CreateUserRequest{
		AccountId: accountID, Login: "input-new-user", Password: "long-enough-password",
		Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER, Email: "new@example.com",
	}
}

func inputSetup(t *testing.T, env *apitest.Env) inputFixture {
	t.Helper()
	ctx := t.Context()
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	var f inputFixture
	f.cust = env.NewCustomer(t, "input-cust", "RUB")
	f.other = env.NewCustomer(t, "input-other", "USD")
	if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{
		AccountId: f.cust.Account.GetId(), AmountMinor: inputBalance, Currency: "RUB",
	}); err != nil {
		t.Fatalf("deposit: %v", err)
	}
	acc, err := admin.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "Input Max", Currency: "RUB"})
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	f.maxAccount = acc.GetAccount().GetId()
	dep, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: f.maxAccount, AmountMinor: math.MaxInt64})
	if err != nil {
		t.Fatalf("deposit MaxInt64: %v", err)
	}
	if got := dep.GetAccount().GetBalanceMinor(); got != math.MaxInt64 {
		t.Fatalf("balance after depositing MaxInt64: got %d, want %d", got, int64(math.MaxInt64))
	}
	la, err := admin.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageSize: 1})
	if err != nil {
		t.Fatalf("list accounts: %v", err)
	}
	if f.accTok = la.GetNextPageToken(); f.accTok == "" {
		t.Fatalf("list accounts with page_size 1 of 3: got no next_page_token")
	}
	lu, err := admin.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{PageSize: 1})
	if err != nil {
		t.Fatalf("list users: %v", err)
	}
	if f.usersTok = lu.GetNextPageToken(); f.usersTok == "" {
		t.Fatalf("list users with page_size 1 of 3: got no next_page_token")
	}
	plans, err := admin.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: 1000, IncludeDisabled: true})
	if err != nil {
		t.Fatalf("list plans: %v", err)
	}
	for _, p := range plans.GetPlans() {
		if p.GetForeignId() != p.GetId() {
			f.plan = p
			break
		}
	}
	if f.plan == nil {
		t.Fatalf("no seeded plan has a foreign_id different from its id")
	}
	// A positive control: the plan the CreatePlan cases break is valid.
	cp, err := admin.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: inputValidPlan()})
	if err != nil {
		t.Fatalf("create valid plan: %v", err)
	}
	f.ownPlan = cp.GetPlan()
	return f
}

func inputCases(f inputFixture) []inputCase {
	custID := f.cust.Account.GetId()
	const unknownID = 987654321
	long := func(n int) string { return strings.Repeat("a", n) }
	return []inputCase{
		// CreateAccount.
		{name: "create account empty name", code: connect.CodeInvalidArgument, field: "name",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "", Currency: "RUB"})
				return err
			}},
		{name: "create account blank name", code: connect.CodeInvalidArgument, field: "name",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "   ", Currency: "RUB"})
				return err
			}},
		{name: "create account name of 129 chars", code: connect.CodeInvalidArgument, field: "name",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: long(129), Currency: "RUB"})
				return err
			}},
		{name: "create account lower-case currency", code: connect.CodeInvalidArgument, field: "currency",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "Lower", Currency: "rub"})
				return err
			}},
		{name: "create account unsupported currency", code: connect.CodeInvalidArgument, field: "currency",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "Unsupported", Currency: "XXX"})
				return err
			}},

		// CreateUser.
		{name: "create user empty login", code: connect.CodeInvalidArgument, field: "login",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Login = ""
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user login with colon", code: connect.CodeInvalidArgument, field: "login",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Login = "input:colon"
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user login with space", code: connect.CodeInvalidArgument, field: "login",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Login = "input space"
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user password of 7 chars", code: connect.CodeInvalidArgument, field: "password",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Password = "1234567"
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user password of 2000 chars", code: connect.CodeInvalidArgument, field: "password",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Password = long(2000)
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user level unspecified", code: connect.CodeInvalidArgument, field: "level",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Level = certsvcv1.AccessLevel_ACCESS_LEVEL_UNSPECIFIED
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user of level user without account", code: connect.CodeInvalidArgument, field: "account_id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateUser(ctx, inputValidUser(0))
				return err
			}},
		{name: "create user of level admin with account", code: connect.CodeInvalidArgument, field: "account_id",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Level = certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user unknown account", code: connect.CodeNotFound, field: "account_id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.CreateUser(ctx, inputValidUser(unknownID))
				return err
			}},
		{name: "create user duplicate login", code: connect.CodeAlreadyExists, field: "login",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Login = f.cust.User.GetLogin()
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},
		{name: "create user bad email", code: connect.CodeInvalidArgument, field: "email",
			call: func(ctx context.Context, c apitest.Clients) error {
				r := inputValidUser(custID)
				r.Email = "not-an-email"
				_, err := c.Account.CreateUser(ctx, r)
				return err
			}},

		// GetAccount.
		{name: "get account id 0", code: connect.CodeInvalidArgument, field: "id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: 0})
				return err
			}},
		{name: "get account unknown id", code: connect.CodeNotFound, field: "id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: unknownID})
				return err
			}},

		// UpdateAccount.
		{name: "update account empty mask", code: connect.CodeInvalidArgument, field: "update_mask",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
					Account:    &certsvcv1.Account{Id: custID, Name: "Renamed"},
					UpdateMask: &fieldmaskpb.FieldMask{},
				})
				return err
			}},
		{name: "update account no mask", code: connect.CodeInvalidArgument, field: "update_mask",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
					Account: &certsvcv1.Account{Id: custID, Name: "Renamed"},
				})
				return err
			}},
		{name: "update account unknown mask path", code: connect.CodeInvalidArgument, field: "update_mask",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
					Account:    &certsvcv1.Account{Id: custID, Name: "Renamed", BalanceMinor: 1 << 40},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name", "balance_minor"}},
				})
				return err
			}},
		{name: "update account empty name", code: connect.CodeInvalidArgument, field: "account.name",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
					Account:    &certsvcv1.Account{Id: custID, Name: ""},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return err
			}},
		{name: "update account unknown id", code: connect.CodeNotFound, field: "account.id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
					Account:    &certsvcv1.Account{Id: unknownID, Name: "Ghost"},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return err
			}},
		{name: "delete account with history", code: connect.CodeFailedPrecondition, field: "id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.DeleteAccount(ctx, &certsvcv1.DeleteAccountRequest{Id: custID})
				return err
			}},

		// UpdateUser.
		{name: "update user mask path login", code: connect.CodeInvalidArgument, field: "update_mask",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
					User:       &certsvcv1.User{Id: f.cust.User.GetId(), Login: "renamed-login"},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"login"}},
				})
				return err
			}},
		{name: "update user name of 129 chars", code: connect.CodeInvalidArgument, field: "user.name",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
					User:       &certsvcv1.User{Id: f.cust.User.GetId(), Name: long(129)},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return err
			}},
		{name: "update user bad email", code: connect.CodeInvalidArgument, field: "user.email",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
					User:       &certsvcv1.User{Id: f.cust.User.GetId(), Name: "New Name", Email: "Someone <x@example.com>"},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name", "email"}},
				})
				return err
			}},

		// Deposit.
		{name: "deposit zero", code: connect.CodeInvalidArgument, field: "amount_minor",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: custID, AmountMinor: 0})
				return err
			}},
		{name: "deposit negative", code: connect.CodeInvalidArgument, field: "amount_minor",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: custID, AmountMinor: -100})
				return err
			}},
		{name: "deposit currency mismatch", code: connect.CodeInvalidArgument, field: "currency",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: custID, AmountMinor: 100, Currency: "USD"})
				return err
			}},
		{name: "deposit unknown account", code: connect.CodeNotFound, field: "account_id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: unknownID, AmountMinor: 100})
				return err
			}},
		{name: "deposit account 0", code: connect.CodeInvalidArgument, field: "account_id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: 0, AmountMinor: 100})
				return err
			}},
		{name: "deposit overflowing int64", code: connect.CodeInvalidArgument, field: "amount_minor",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: f.maxAccount, AmountMinor: 1})
				return err
			}},

		// AdjustBalance.
		{name: "adjust zero", code: connect.CodeInvalidArgument, field: "amount_minor",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: custID, AmountMinor: 0, Reason: "zero"})
				return err
			}},
		{name: "adjust without reason", code: connect.CodeInvalidArgument, field: "reason",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: custID, AmountMinor: 10})
				return err
			}},
		{name: "adjust blank reason", code: connect.CodeInvalidArgument, field: "reason",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: custID, AmountMinor: 10, Reason: "  "})
				return err
			}},
		{name: "adjust below zero", code: connect.CodeFailedPrecondition, field: "amount_minor",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{
					AccountId: custID, AmountMinor: -(inputBalance + 1), Reason: "too much",
				})
				return err
			}},
		{name: "adjust currency mismatch", code: connect.CodeInvalidArgument, field: "currency",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{
					AccountId: f.other.Account.GetId(), AmountMinor: 10, Currency: "RUB", Reason: "wrong currency",
				})
				return err
			}},

		// Paging.
		{name: "list accounts page size -1", code: connect.CodeInvalidArgument, field: "page_size",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageSize: -1})
				return err
			}},
		{name: "list accounts page size 1001", code: connect.CodeInvalidArgument, field: "page_size",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageSize: 1001})
				return err
			}},
		{name: "list users page size -1", code: connect.CodeInvalidArgument, field: "page_size",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{PageSize: -1})
				return err
			}},
		{name: "list ledger entries page size 1001", code: connect.CodeInvalidArgument, field: "page_size",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{PageSize: 1001})
				return err
			}},
		{name: "list api keys page size -1", code: connect.CodeInvalidArgument, field: "page_size",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Auth.ListApiKeys(ctx, &certsvcv1.ListApiKeysRequest{PageSize: -1})
				return err
			}},
		{name: "list plans page size 1001", code: connect.CodeInvalidArgument, field: "page_size",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Catalog.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: 1001})
				return err
			}},
		{name: "list accounts garbage page token", code: connect.CodeInvalidArgument, field: "page_token",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageToken: "garbage!*"})
				return err
			}},
		{name: "list ledger entries garbage page token", code: connect.CodeInvalidArgument, field: "page_token",
			call: func(ctx context.Context, c apitest.Clients) error {
				// Valid base64url of "{}": decodes, but carries no position.
				_, err := c.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{PageToken: "e30"})
				return err
			}},
		{name: "list accounts page token of other filter", code: connect.CodeInvalidArgument, field: "page_token",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageToken: f.accTok, NameContains: "input"})
				return err
			}},
		{name: "list accounts page token of list users", code: connect.CodeInvalidArgument, field: "page_token",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Account.ListAccounts(ctx, &certsvcv1.ListAccountsRequest{PageToken: f.usersTok, PageSize: 1})
				return err
			}},
		{name: "list ledger entries end before start", code: connect.CodeInvalidArgument, field: "end_time",
			call: func(ctx context.Context, c apitest.Clients) error {
				now := time.Now()
				_, err := c.Account.ListLedgerEntries(ctx, &certsvcv1.ListLedgerEntriesRequest{
					StartTime: timestamppb.New(now), EndTime: timestamppb.New(now.Add(-time.Hour)),
				})
				return err
			}},

		// Catalog.
		{name: "create plan without prices", code: connect.CodeInvalidArgument, field: "plan.prices",
			call: func(ctx context.Context, c apitest.Clients) error {
				p := inputValidPlan()
				p.Prices = nil
				_, err := c.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: p})
				return err
			}},
		{name: "create plan duplicate price", code: connect.CodeInvalidArgument, field: "plan.prices[1]",
			call: func(ctx context.Context, c apitest.Clients) error {
				p := inputValidPlan()
				p.Prices = append(p.Prices, &certsvcv1.PlanPrice{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1})
				_, err := c.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: p})
				return err
			}},
		{name: "create plan max names below included", code: connect.CodeInvalidArgument, field: "plan.max_names",
			call: func(ctx context.Context, c apitest.Clients) error {
				p := inputValidPlan()
				p.MultiDomain, p.IncludedNames, p.MaxNames, p.ExtraNameAddonId = true, 3, 2, 77
				_, err := c.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: p})
				return err
			}},
		{name: "create plan id clashing with foreign id", code: connect.CodeAlreadyExists, field: "plan.id",
			call: func(ctx context.Context, c apitest.Clients) error {
				p := inputValidPlan()
				p.Id, p.ForeignId = f.plan.GetForeignId(), unknownID
				_, err := c.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: p})
				return err
			}},
		{name: "create plan foreign id clashing with id", code: connect.CodeAlreadyExists, field: "plan.foreign_id",
			call: func(ctx context.Context, c apitest.Clients) error {
				p := inputValidPlan()
				p.Id, p.ForeignId = unknownID, f.plan.GetId()
				_, err := c.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: p})
				return err
			}},
		{name: "update plan unknown id", code: connect.CodeNotFound, field: "plan.id",
			call: func(ctx context.Context, c apitest.Clients) error {
				p := inputValidPlan()
				p.Id = unknownID
				_, err := c.Catalog.UpdatePlan(ctx, &certsvcv1.UpdatePlanRequest{
					Plan: p, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return err
			}},
		{name: "update plan empty prices", code: connect.CodeInvalidArgument, field: "plan.prices",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Catalog.UpdatePlan(ctx, &certsvcv1.UpdatePlanRequest{
					Plan:       &certsvcv1.Plan{Id: f.ownPlan.GetId()},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"prices"}},
				})
				return err
			}},
		{name: "get plan unknown id", code: connect.CodeNotFound, field: "id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: unknownID})
				return err
			}},

		// AuthService.
		{name: "login without credential", anonymous: true, code: connect.CodeInvalidArgument, field: "credential",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Auth.Login(ctx, &certsvcv1.LoginRequest{Login: "admin"})
				return err
			}},
		{name: "create api key expiring in the past", code: connect.CodeInvalidArgument, field: "expire_time",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{
					Name: "expired", ExpireTime: timestamppb.New(time.Now().Add(-time.Minute)),
				})
				return err
			}},
		{name: "delete api key unknown id", code: connect.CodeNotFound, field: "id",
			call: func(ctx context.Context, c apitest.Clients) error {
				_, err := c.Auth.DeleteApiKey(ctx, &certsvcv1.DeleteApiKeyRequest{Id: unknownID})
				return err
			}},
	}
}

// inputLimitCase is a request at a documented length limit, in
// multi-byte characters, that must be accepted and stored as given.
type inputLimitCase struct {
	name string
	want string
	// call makes the request; tag tells the protocols' objects apart.
	call func(ctx context.Context, c apitest.Clients, tag string) (string, error)
}

// inputLimitCases fill each length-limited text field with as many
// characters as the API allows. The API counts characters (protovalidate
// max_len), so a Cyrillic text of that many characters is valid.
func inputLimitCases(f inputFixture) []inputLimitCase {
	cyr := func(n int) string { return strings.Repeat("Ж", n) }
	custID := f.cust.Account.GetId()
	return []inputLimitCase{
		{name: "create account name of 128 cyrillic chars", want: cyr(128),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				res, err := c.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: cyr(128), Currency: "RUB"})
				return res.GetAccount().GetName(), err
			}},
		{name: "update account name of 128 cyrillic chars", want: cyr(128),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				res, err := c.Account.UpdateAccount(ctx, &certsvcv1.UpdateAccountRequest{
					Account:    &certsvcv1.Account{Id: custID, Name: cyr(128)},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return res.GetAccount().GetName(), err
			}},
		{name: "create user name of 128 cyrillic chars", want: cyr(128),
			call: func(ctx context.Context, c apitest.Clients, tag string) (string, error) {
				r := inputValidUser(custID)
				r.Login, r.Name = "input-limit-"+tag, cyr(128)
				res, err := c.Account.CreateUser(ctx, r)
				return res.GetUser().GetName(), err
			}},
		{name: "update user name of 128 cyrillic chars", want: cyr(128),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				res, err := c.Account.UpdateUser(ctx, &certsvcv1.UpdateUserRequest{
					User:       &certsvcv1.User{Id: f.cust.User.GetId(), Name: cyr(128)},
					UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}},
				})
				return res.GetUser().GetName(), err
			}},
		{name: "deposit description of 256 cyrillic chars", want: cyr(256),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				res, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: custID, AmountMinor: 1, Description: cyr(256)})
				return res.GetEntry().GetDescription(), err
			}},
		{name: "adjust reason of 256 cyrillic chars", want: cyr(256),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				res, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: custID, AmountMinor: 1, Reason: cyr(256)})
				return res.GetEntry().GetDescription(), err
			}},
		{name: "deposit idempotency key of 64 cyrillic chars", want: "ok",
			call: func(ctx context.Context, c apitest.Clients, tag string) (string, error) {
				_, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: custID, AmountMinor: 1, IdempotencyKey: tag + cyr(64-len(tag))})
				return "ok", err
			}},
		{name: "create api key name of 64 cyrillic chars", want: cyr(64),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				res, err := c.Auth.CreateApiKey(ctx, &certsvcv1.CreateApiKeyRequest{Name: cyr(64)})
				return res.GetApiKey().GetName(), err
			}},
		{name: "create plan name of 128 and brand of 64 cyrillic chars", want: cyr(128) + "/" + cyr(64),
			call: func(ctx context.Context, c apitest.Clients, _ string) (string, error) {
				p := inputValidPlan()
				p.Name, p.Brand = cyr(128), cyr(64)
				res, err := c.Catalog.CreatePlan(ctx, &certsvcv1.CreatePlanRequest{Plan: p})
				return res.GetPlan().GetName() + "/" + res.GetPlan().GetBrand(), err
			}},
	}
}

// inputDump renders every row of every table, so a test can tell that a
// refused request wrote nothing.
func inputDump(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	for _, table := range []string{"accounts", "users", "ledger_entries", "plans", "plan_prices", "api_keys", "sessions", "login_keys"} {
		rows, err := db.SQL.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY id")
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			b.WriteString(table)
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		rows.Close()
	}
	return b.String()
}

// inputDetailFields returns the fields named by an error's BadRequest and
// buf.validate.Violations details.
func inputDetailFields(t *testing.T, err error) []string {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return nil
	}
	var fields []string
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			t.Errorf("error detail %s: %v", d.Type(), derr)
			continue
		}
		switch m := v.(type) {
		case *errdetails.BadRequest:
			for _, fv := range m.GetFieldViolations() {
				fields = append(fields, fv.GetField())
			}
		case *validate.Violations:
			for _, vi := range m.GetViolations() {
				fields = append(fields, protovalidate.FieldPathString(vi.GetField()))
			}
		}
	}
	return fields
}

func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		env := apitest.New(t, db)
		f := inputSetup(t, env)
		cases := inputCases(f)
		if d := inputDump(t, db); !strings.Contains(d, "\naccounts ") || !strings.Contains(d, "\nledger_entries ") {
			t.Fatalf("database dump: got %q, want rows of accounts and ledger_entries", d)
		}
		for _, p := range apitest.Protocols {
			admin := env.Clients(p, apitest.AdminAuth)
			anon := env.Clients(p, "")
			for _, tc := range cases {
				t.Run(string(p)+"/error/"+tc.name, func(t *testing.T) {
					c := admin
					if tc.anonymous {
						c = anon
					}
					before := inputDump(t, db)
					err := tc.call(t.Context(), c)
					t.Logf("error: %v", err)
					if got := connect.CodeOf(err); err == nil || got != tc.code {
						t.Fatalf("code: got %v (err %v), want %v", got, err, tc.code)
					}
					if !strings.Contains(err.Error(), tc.field) {
						t.Errorf("message: got %q, want it to name %q", err.Error(), tc.field)
					}
					if tc.code == connect.CodeInvalidArgument {
						if fields := inputDetailFields(t, err); !slices.Contains(fields, tc.field) {
							t.Errorf("detail fields: got %q, want %q among them", fields, tc.field)
						}
					}
					if diff := cmp.Diff(before, inputDump(t, db)); diff != "" {
						t.Errorf("a refused request changed the database (-before +after):\n%s", diff)
					}
				})
			}

			t.Run(string(p)+"/error/bad request detail", func(t *testing.T) {
				_, err := admin.Account.CreateAccount(t.Context(), &certsvcv1.CreateAccountRequest{Name: "Detail", Currency: "XXX"})
				var ce *connect.Error
				if !errors.As(err, &ce) {
					t.Fatalf("err: got %v, want a *connect.Error", err)
				}
				var br *errdetails.BadRequest
				for _, d := range ce.Details() {
					v, err := d.Value()
					if err != nil {
						t.Fatalf("detail %s: %v", d.Type(), err)
					}
					if m, ok := v.(*errdetails.BadRequest); ok {
						br = m
					}
				}
				if br == nil {
					t.Fatalf("details: got %d without a google.rpc.BadRequest, want one", len(ce.Details()))
				}
				if n := len(br.GetFieldViolations()); n != 1 {
					t.Fatalf("field violations: got %d, want 1", n)
				}
				fv := br.GetFieldViolations()[0]
				if fv.GetField() != "currency" {
					t.Errorf("field: got %q, want %q", fv.GetField(), "currency")
				}
				if !strings.Contains(fv.GetDescription(), "XXX") {
					t.Errorf("description: got %q, want it to quote %q", fv.GetDescription(), "XXX")
				}
			})
		}

		// The refusals above left every balance as it was.
		admin := env.Clients(apitest.GRPC, apitest.AdminAuth)
		for id, want := range map[int64]int64{f.cust.Account.GetId(): inputBalance, f.maxAccount: math.MaxInt64, f.other.Account.GetId(): 0} {
			got, err := admin.Account.GetAccount(t.Context(), &certsvcv1.GetAccountRequest{Id: id})
			if err != nil {
				t.Fatalf("get account %d: %v", id, err)
			}
			if b := got.GetAccount().GetBalanceMinor(); b != want {
				t.Errorf("balance of account %d: got %d, want %d", id, b, want)
			}
		}

		// Text at the documented limits is accepted and stored as given.
		for _, p := range apitest.Protocols {
			admin := env.Clients(p, apitest.AdminAuth)
			for _, tc := range inputLimitCases(f) {
				t.Run(string(p)+"/ok/"+tc.name, func(t *testing.T) {
					got, err := tc.call(t.Context(), admin, strings.TrimSuffix(string(p), "+json"))
					if err != nil {
						t.Fatalf("got error %v (code %v), want success", err, connect.CodeOf(err))
					}
					if got != tc.want {
						t.Errorf("stored text: got %q, want %q", got, tc.want)
					}
				})
			}
		}
	})
}

func TestPagination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		env := apitest.New(t, db)
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)

		var wantAccounts []int64
		pre, err := db.Ent.Account.Query().IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantAccounts = append(wantAccounts, pre...)
		for i := range 7 {
			res, err := admin.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: fmt.Sprintf("Page %d", i), Currency: "RUB"})
			if err != nil {
				t.Fatalf("create account %d: %v", i, err)
			}
			wantAccounts = append(wantAccounts, res.GetAccount().GetId())
		}
		slices.Sort(wantAccounts)

		acc := wantAccounts[len(wantAccounts)-1]
		var wantEntries []int64
		for i := range 7 {
			res, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: acc, AmountMinor: int64(100 + i)})
			if err != nil {
				t.Fatalf("deposit %d: %v", i, err)
			}
			wantEntries = append([]int64{res.GetEntry().GetId()}, wantEntries...) // newest first
		}

		wantSizes := func(total int) []int {
			var s []int
			for ; total > 3; total -= 3 {
				s = append(s, 3)
			}
			return append(s, total)
		}

		// A token is a property of the listing, not of the wire protocol:
		// pages alternate between protocols.
		t.Run("mixed protocols/list accounts", func(t *testing.T) {
			var got []int64
			tok := ""
			for page := 0; ; page++ {
				if page > len(wantAccounts) {
					t.Fatalf("pages: got more than %d, want the listing to end", page)
				}
				c := env.Clients(apitest.Protocols[page%len(apitest.Protocols)], apitest.AdminAuth)
				res, err := c.Account.ListAccounts(t.Context(), &certsvcv1.ListAccountsRequest{PageSize: 3, PageToken: tok, NameContains: "page"})
				if err != nil {
					t.Fatalf("page %d: %v", page, err)
				}
				for _, a := range res.GetAccounts() {
					got = append(got, a.GetId())
				}
				if tok = res.GetNextPageToken(); tok == "" {
					break
				}
			}
			if diff := cmp.Diff(wantAccounts[len(wantAccounts)-7:], got); diff != "" {
				t.Errorf("account ids named like %q (-want +got):\n%s", "page", diff)
			}
		})

		for _, p := range apitest.Protocols {
			c := env.Clients(p, apitest.AdminAuth)
			t.Run(string(p)+"/list accounts", func(t *testing.T) {
				var got []int64
				var sizes []int
				tok := ""
				for page := 0; ; page++ {
					if page > len(wantAccounts) {
						t.Fatalf("pages: got more than %d, want the listing to end", page)
					}
					res, err := c.Account.ListAccounts(t.Context(), &certsvcv1.ListAccountsRequest{PageSize: 3, PageToken: tok})
					if err != nil {
						t.Fatalf("page %d: %v", page, err)
					}
					sizes = append(sizes, len(res.GetAccounts()))
					for _, a := range res.GetAccounts() {
						got = append(got, a.GetId())
					}
					if tok = res.GetNextPageToken(); tok == "" {
						break
					}
				}
				if diff := cmp.Diff(wantSizes(len(wantAccounts)), sizes); diff != "" {
					t.Errorf("page sizes (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantAccounts, got); diff != "" {
					t.Errorf("account ids (-want +got):\n%s", diff)
				}
			})
			t.Run(string(p)+"/list ledger entries", func(t *testing.T) {
				var got []int64
				var sizes []int
				tok := ""
				for page := 0; ; page++ {
					if page > len(wantEntries) {
						t.Fatalf("pages: got more than %d, want the listing to end", page)
					}
					res, err := c.Account.ListLedgerEntries(t.Context(), &certsvcv1.ListLedgerEntriesRequest{
						PageSize: 3, PageToken: tok, AccountId: acc,
					})
					if err != nil {
						t.Fatalf("page %d: %v", page, err)
					}
					sizes = append(sizes, len(res.GetEntries()))
					for _, e := range res.GetEntries() {
						got = append(got, e.GetId())
					}
					if tok = res.GetNextPageToken(); tok == "" {
						break
					}
				}
				if diff := cmp.Diff([]int{3, 3, 1}, sizes); diff != "" {
					t.Errorf("page sizes (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantEntries, got); diff != "" {
					t.Errorf("entry ids, newest first (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// inputLedgerRow is what the ledger checks compare.
type inputLedgerRow struct {
	ID           int64
	Kind         string
	Amount       int64
	BalanceAfter int64
	Description  string
	Key          string
}

// inputLedger reads an account's ledger in id order straight from the store.
func inputLedger(t *testing.T, db *store.DB, accountID int64) []inputLedgerRow {
	t.Helper()
	es, err := db.Ent.LedgerEntry.Query().Where(ledgerentry.AccountID(accountID)).Order(ent.Asc(ledgerentry.FieldID)).All(t.Context())
	if err != nil {
		t.Fatalf("read ledger of account %d: %v", accountID, err)
	}
	rows := make([]inputLedgerRow, 0, len(es))
	for _, e := range es {
		r := inputLedgerRow{ID: e.ID, Kind: string(e.Kind), Amount: e.Amount, BalanceAfter: e.BalanceAfter, Description: e.Description}
		if e.IdempotencyKey != nil {
			r.Key = *e.IdempotencyKey
		}
		rows = append(rows, r)
	}
	return rows
}

// inputCheckLedger checks that the ledger sums to balance and that every
// entry's balance_after is the running sum.
func inputCheckLedger(t *testing.T, rows []inputLedgerRow, balance int64) {
	t.Helper()
	var sum int64
	for _, r := range rows {
		sum += r.Amount
		if r.BalanceAfter != sum {
			t.Errorf("entry %d balance_after: got %d, want running sum %d", r.ID, r.BalanceAfter, sum)
		}
	}
	if sum != balance {
		t.Errorf("sum of ledger: got %d, want balance %d", sum, balance)
	}
	if n := len(rows); n > 0 && rows[n-1].BalanceAfter != balance {
		t.Errorf("balance_after of newest entry: got %d, want balance %d", rows[n-1].BalanceAfter, balance)
	}
}

func inputBalanceOf(t *testing.T, c apitest.Clients, id int64) int64 {
	t.Helper()
	res, err := c.Account.GetAccount(t.Context(), &certsvcv1.GetAccountRequest{Id: id})
	if err != nil {
		t.Fatalf("get account %d: %v", id, err)
	}
	return res.GetAccount().GetBalanceMinor()
}

func TestConcurrentDeposits(t *testing.T) { dbtest.Each(t, testConcurrentDeposits) }

func testConcurrentDeposits(t *testing.T, db *store.DB) {
	env := apitest.New(t, db)
	cust := env.NewCustomer(t, "input-concurrent", "RUB")
	accID := cust.Account.GetId()
	clients := []apitest.Clients{env.Clients(apitest.ConnectJSON, apitest.AdminAuth), env.Clients(apitest.GRPC, apitest.AdminAuth)}

	const (
		workers     = 16
		perWorker   = 10
		amount      = 100
		retries     = 8
		retryKey    = "input-retried-key"
		retryAmount = 555
	)
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		retryIDs = make([]int64, retries)
	)
	for w := range workers {
		wg.Go(func() {
			<-start
			c := clients[w%2]
			for i := range perWorker {
				_, err := c.Account.Deposit(t.Context(), &certsvcv1.DepositRequest{
					AccountId: accID, AmountMinor: amount, Currency: "RUB", IdempotencyKey: fmt.Sprintf("input-%d-%d", w, i),
				})
				if err != nil {
					t.Errorf("worker %d deposit %d: %v", w, i, err)
				}
			}
		})
	}
	for r := range retries {
		wg.Go(func() {
			<-start
			res, err := clients[r%2].Account.Deposit(t.Context(), &certsvcv1.DepositRequest{
				AccountId: accID, AmountMinor: retryAmount, IdempotencyKey: retryKey, Description: "retried",
			})
			if err != nil {
				t.Errorf("retry %d: %v", r, err)
				return
			}
			retryIDs[r] = res.GetEntry().GetId()
		})
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	const want = workers*perWorker*amount + retryAmount
	balance := inputBalanceOf(t, clients[0], accID)
	if balance != want {
		t.Errorf("balance: got %d, want %d", balance, want)
	}
	rows := inputLedger(t, db, accID)
	if got := len(rows); got != workers*perWorker+1 {
		t.Errorf("ledger entries: got %d, want %d", got, workers*perWorker+1)
	}
	var retried []int64
	for _, r := range rows {
		if r.Key == retryKey {
			retried = append(retried, r.ID)
		}
	}
	if len(retried) != 1 {
		t.Fatalf("entries for the retried key: got %v, want exactly one", retried)
	}
	for r, id := range retryIDs {
		if id != retried[0] {
			t.Errorf("retry %d entry id: got %d, want %d", r, id, retried[0])
		}
	}
	inputCheckLedger(t, rows, balance)

	// The same key for a different movement is refused and moves nothing.
	for _, p := range apitest.Protocols {
		c := env.Clients(p, apitest.AdminAuth)
		t.Run(string(p)+"/error/idempotency key reused with other amount", func(t *testing.T) {
			_, err := c.Account.Deposit(t.Context(), &certsvcv1.DepositRequest{AccountId: accID, AmountMinor: retryAmount + 1, IdempotencyKey: retryKey})
			if got := connect.CodeOf(err); got != connect.CodeFailedPrecondition {
				t.Fatalf("code: got %v (err %v), want %v", got, err, connect.CodeFailedPrecondition)
			}
			if !strings.Contains(err.Error(), "idempotency_key") {
				t.Errorf("message: got %q, want it to name idempotency_key", err.Error())
			}
		})
		t.Run(string(p)+"/error/idempotency key reused by an adjustment", func(t *testing.T) {
			_, err := c.Account.AdjustBalance(t.Context(), &certsvcv1.AdjustBalanceRequest{
				AccountId: accID, AmountMinor: retryAmount, Reason: "same key", IdempotencyKey: retryKey,
			})
			if got := connect.CodeOf(err); got != connect.CodeFailedPrecondition {
				t.Fatalf("code: got %v (err %v), want %v", got, err, connect.CodeFailedPrecondition)
			}
			if !strings.Contains(err.Error(), "idempotency_key") {
				t.Errorf("message: got %q, want it to name idempotency_key", err.Error())
			}
		})
	}
	if got := inputBalanceOf(t, clients[1], accID); got != balance {
		t.Errorf("balance after refused reuse: got %d, want %d", got, balance)
	}
	if diff := cmp.Diff(rows, inputLedger(t, db, accID)); diff != "" {
		t.Errorf("ledger after refused reuse (-before +after):\n%s", diff)
	}
}

func TestLedgerInvariant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		env := apitest.New(t, db)
		accounts := []int64{
			env.NewCustomer(t, "input-ledger-a", "RUB").Account.GetId(),
			env.NewCustomer(t, "input-ledger-b", "USD").Account.GetId(),
		}
		clients := []apitest.Clients{env.Clients(apitest.ConnectJSON, apitest.AdminAuth), env.Clients(apitest.GRPC, apitest.AdminAuth)}
		rng := rand.New(rand.NewPCG(2026, 11))

		type done struct {
			account int64
			key     string
			amount  int64
			deposit bool
			entry   int64
		}
		model := map[int64]int64{}
		wantAmounts := map[int64][]int64{}
		var succeeded []done
		failures := 0
		for i := range 200 {
			c := clients[rng.IntN(2)]
			acc := accounts[rng.IntN(len(accounts))]
			key := fmt.Sprintf("input-op-%d", i)

			// Now and then replay an earlier successful request.
			if len(succeeded) > 0 && rng.IntN(10) == 0 {
				d := succeeded[rng.IntN(len(succeeded))]
				var entry *certsvcv1.LedgerEntry
				var bal int64
				if d.deposit {
					res, err := c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: d.account, AmountMinor: d.amount, IdempotencyKey: d.key})
					if err != nil {
						t.Fatalf("op %d: replay deposit %s: %v", i, d.key, err)
					}
					entry, bal = res.GetEntry(), res.GetAccount().GetBalanceMinor()
				} else {
					res, err := c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: d.account, AmountMinor: d.amount, Reason: "replay", IdempotencyKey: d.key})
					if err != nil {
						t.Fatalf("op %d: replay adjustment %s: %v", i, d.key, err)
					}
					entry, bal = res.GetEntry(), res.GetAccount().GetBalanceMinor()
				}
				if entry.GetId() != d.entry {
					t.Errorf("op %d: replay of %s entry id: got %d, want %d", i, d.key, entry.GetId(), d.entry)
				}
				if bal != model[d.account] {
					t.Errorf("op %d: replay of %s balance: got %d, want %d", i, d.key, bal, model[d.account])
				}
				continue
			}

			var (
				amount  int64
				deposit bool
				entry   *certsvcv1.LedgerEntry
				bal     int64
				err     error
			)
			switch r := rng.IntN(10); {
			case r < 4:
				deposit, amount = true, 1+rng.Int64N(5000)
				var res *certsvcv1.DepositResponse
				res, err = c.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: acc, AmountMinor: amount, IdempotencyKey: key})
				entry, bal = res.GetEntry(), res.GetAccount().GetBalanceMinor()
			default:
				amount = 1 + rng.Int64N(4000)
				if r >= 6 {
					amount = -1 - rng.Int64N(6000)
				}
				var res *certsvcv1.AdjustBalanceResponse
				res, err = c.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{
					AccountId: acc, AmountMinor: amount, Reason: fmt.Sprintf("op %d", i), IdempotencyKey: key,
				})
				entry, bal = res.GetEntry(), res.GetAccount().GetBalanceMinor()
			}
			if model[acc]+amount < 0 {
				failures++
				if got := connect.CodeOf(err); got != connect.CodeFailedPrecondition {
					t.Fatalf("op %d: %+d on balance %d: code got %v (err %v), want %v", i, amount, model[acc], got, err, connect.CodeFailedPrecondition)
				}
				n, qerr := db.Ent.LedgerEntry.Query().Where(ledgerentry.IdempotencyKey(key)).Count(ctx)
				if qerr != nil {
					t.Fatal(qerr)
				}
				if n != 0 {
					t.Errorf("op %d: entries with the key of a refused op: got %d, want 0", i, n)
				}
				continue
			}
			if err != nil {
				t.Fatalf("op %d: %+d on balance %d: %v", i, amount, model[acc], err)
			}
			model[acc] += amount
			wantAmounts[acc] = append(wantAmounts[acc], amount)
			if entry.GetAmountMinor() != amount || entry.GetBalanceAfterMinor() != model[acc] || bal != model[acc] {
				t.Errorf("op %d: got entry amount %d balance_after %d and balance %d, want %d, %d and %d",
					i, entry.GetAmountMinor(), entry.GetBalanceAfterMinor(), bal, amount, model[acc], model[acc])
			}
			succeeded = append(succeeded, done{account: acc, key: key, amount: amount, deposit: deposit, entry: entry.GetId()})
		}
		if failures == 0 || failures > 100 {
			t.Errorf("refused operations: got %d, want some but not most of 200", failures)
		}

		for _, acc := range accounts {
			balance := inputBalanceOf(t, clients[0], acc)
			if balance != model[acc] {
				t.Errorf("account %d balance: got %d, want %d", acc, balance, model[acc])
			}
			rows := inputLedger(t, db, acc)
			inputCheckLedger(t, rows, balance)
			var amounts []int64
			for _, r := range rows {
				amounts = append(amounts, r.Amount)
			}
			if diff := cmp.Diff(wantAmounts[acc], amounts); diff != "" {
				t.Errorf("account %d ledger amounts (-want +got):\n%s", acc, diff)
			}
		}
	})
}

func TestLedgerIsAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		env := apitest.New(t, db)
		cust := env.NewCustomer(t, "input-append-only", "RUB")
		admin := env.Clients(apitest.GRPC, apitest.AdminAuth)
		for _, amt := range []int64{500, 700} {
			if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: amt}); err != nil {
				t.Fatalf("deposit: %v", err)
			}
		}
		before := inputLedger(t, db, cust.Account.GetId())
		if len(before) != 2 {
			t.Fatalf("ledger entries: got %d, want 2", len(before))
		}
		id := before[0].ID

		attempts := []struct {
			name string
			run  func(c *ent.Client) error
		}{
			{"update one", func(c *ent.Client) error {
				return c.LedgerEntry.UpdateOneID(id).Modify(func(u *entsql.UpdateBuilder) {
					u.Set(ledgerentry.FieldAmount, 1)
				}).Exec(ctx)
			}},
			{"update one without changes", func(c *ent.Client) error { return c.LedgerEntry.UpdateOneID(id).Exec(ctx) }},
			{"update many", func(c *ent.Client) error {
				return c.LedgerEntry.Update().Where(ledgerentry.AccountID(cust.Account.GetId())).Modify(func(u *entsql.UpdateBuilder) {
					u.Set(ledgerentry.FieldBalanceAfter, 0)
				}).Exec(ctx)
			}},
			{"delete one", func(c *ent.Client) error { return c.LedgerEntry.DeleteOneID(id).Exec(ctx) }},
			{"delete many", func(c *ent.Client) error {
				_, err := c.LedgerEntry.Delete().Where(ledgerentry.AccountID(cust.Account.GetId())).Exec(ctx)
				return err
			}},
		}
		for _, a := range attempts {
			t.Run("error/"+a.name, func(t *testing.T) {
				if err := a.run(db.Ent); err == nil {
					t.Errorf("%s through ent: got no error, want one", a.name)
				}
				if diff := cmp.Diff(before, inputLedger(t, db, cust.Account.GetId())); diff != "" {
					t.Errorf("ledger changed (-before +after):\n%s", diff)
				}
			})
			t.Run("error/"+a.name+" in tx", func(t *testing.T) {
				tx, err := db.Ent.Tx(ctx)
				if err != nil {
					t.Fatal(err)
				}
				err = a.run(tx.Client())
				if cerr := tx.Commit(); cerr != nil {
					t.Fatalf("commit: %v", cerr)
				}
				if err == nil {
					t.Errorf("%s through ent in a transaction: got no error, want one", a.name)
				}
				if diff := cmp.Diff(before, inputLedger(t, db, cust.Account.GetId())); diff != "" {
					t.Errorf("ledger changed (-before +after):\n%s", diff)
				}
			})
		}
		if got := inputBalanceOf(t, admin, cust.Account.GetId()); got != 1200 {
			t.Errorf("balance: got %d, want 1200", got)
		}
	})
}
