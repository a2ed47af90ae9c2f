package store_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/account"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/ent/user"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// sameRow compares two entities field by field (the exported fields but
// the edges), times by instant.
func sameRow(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range g.NumField() {
		f := g.Type().Field(i)
		if !f.IsExported() || f.Name == "Edges" {
			continue
		}
		a, b := g.Field(i).Interface(), w.Field(i).Interface()
		if ta, ok := a.(time.Time); ok {
			if !ta.Equal(b.(time.Time)) {
				t.Errorf("%s.%s = %v, the row has %v", what, f.Name, a, b)
			}
			continue
		}
		if pa, ok := a.(*time.Time); ok {
			pb := b.(*time.Time)
			if (pa == nil) != (pb == nil) || (pa != nil && !pa.Equal(*pb)) {
				t.Errorf("%s.%s = %v, the row has %v", what, f.Name, pa, pb)
			}
			continue
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s.%s = %#v, the row has %#v", what, f.Name, a, b)
		}
	}
}

// Applied gives what the row holds after the update: sets and clears,
// nillable and sensitive columns, JSON, enums, the update default of
// update_time and the certificate's has_private_key hook.
func TestAppliedIsTheRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Microsecond)
		acc := db.Ent.Account.Create().SetName("a").SetCurrency("RUB").SaveX(ctx)

		u := db.Ent.User.Create().SetLogin("applied").SetPasswordHash("h1").SetLevel(user.LevelUser).
			SetAccountID(acc.ID).SetLastLoginTime(now).SaveX(ctx)
		uu := db.Ent.User.Update().Where(user.ID(u.ID)).SetPasswordHash("h2").SetLevel(user.LevelAdmin).
			SetName("N").ClearLastLoginTime().SetUpdateTime(now.Add(time.Second))
		uu.ExecX(ctx)
		got, err := store.Applied(u, uu.Mutation())
		if err != nil {
			t.Fatal(err)
		}
		sameRow(t, "user", got, db.Ent.User.GetX(ctx, u.ID))
		if u.Name != "" || u.PasswordHash != "h1" {
			t.Errorf("Applied changed its argument: %+v", u)
		}

		m := db.Ent.ProcessingModule.Create().SetName("m").SetKind("manual").SetCredentials("c1").SaveX(ctx)
		mu := db.Ent.ProcessingModule.Update().Where(processingmodule.ID(m.ID)).SetCredentials("c2").
			SetSettings(map[string]string{"k": "v"}).SetBalanceMinor(42).SetBalanceTime(now) // update_time by default
		mu.ExecX(ctx)
		gotM, err := store.Applied(m, mu.Mutation())
		if err != nil {
			t.Fatal(err)
		}
		sameRow(t, "module", gotM, db.Ent.ProcessingModule.GetX(ctx, m.ID))
		if !gotM.UpdateTime.After(m.UpdateTime) && !gotM.UpdateTime.Equal(m.UpdateTime) {
			t.Errorf("module update_time %v before %v", gotM.UpdateTime, m.UpdateTime)
		}

		c := db.Ent.Certificate.Create().SetAccountID(acc.ID).SetPlanID(1).SetPeriodMonths(12).
			SetState(certificate.StateUnpaid).SetCommonName("example.com").SetSubject(certdata.Subject{CommonName: "example.com"}).
			SetCurrency("RUB").SetPrivateKey("k1").SetNextPrivateKey("n1").SetNextCsrPem("csr").
			SetOp("order").SetOpSentTime(now).SaveX(ctx)
		cu := db.Ent.Certificate.Update().Where(certificate.ID(c.ID)).ClearPrivateKey().ClearNextPrivateKey().
			ClearNextCsrPem().ClearOpSentTime().SetOp("").SetExtraNames([]string{"www.example.com"}).
			SetUpdateTime(now)
		cu.ExecX(ctx)
		gotC, err := store.Applied(c, cu.Mutation())
		if err != nil {
			t.Fatal(err)
		}
		sameRow(t, "certificate", gotC, db.Ent.Certificate.GetX(ctx, c.ID))
		if gotC.HasPrivateKey || !c.HasPrivateKey {
			t.Errorf("has_private_key %t after %t, want the hook's false after true", gotC.HasPrivateKey, c.HasPrivateKey)
		}

		// An addition is refused: its result is not in the mutation.
		au := db.Ent.Account.Update().Where(account.ID(acc.ID)).AddBalance(1)
		if _, err := store.Applied(acc, au.Mutation()); err == nil || !strings.Contains(err.Error(), "balance") {
			t.Errorf("Applied of an addition: %v, want an error naming balance", err)
		}
	})
}
