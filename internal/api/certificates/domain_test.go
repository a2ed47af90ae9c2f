package certificates

import (
	"context"
	"slices"
	"testing"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

func TestNameSuffixes(t *testing.T) {
	got := core.NameSuffixes([]string{"Shop.Example.com", "example.com", "*.cdn.example.com", "localhost"})
	want := []string{"shop.example.com", "example.com", "com", "*.cdn.example.com", "cdn.example.com", "localhost"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// Both ways of finding certificates by domain (by the ids of a few, by a
// test per row when many match) find the same ones, on both databases.
func TestDomainFilterPlans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := core.New(core.Options{DB: db})
		h := New(c, rpc.Deps{DB: db.Ent, SQL: db.SQL})
		acc := db.Ent.Account.Create().SetName("names").SetCurrency("RUB").SaveX(ctx)
		names := map[string][]string{"a": {"example.com", "www.example.com"}, "b": {"shop.example.org"}, "c": {"myexample.com"},
			"d": {"shop.example.net", "shop.example.info"}}
		ids := map[string]int64{}
		for _, k := range []string{"a", "b", "c", "d"} {
			cert, err := core.InTxValue(ctx, c, func(tx *core.Tx) (*ent.Certificate, error) {
				return tx.CreateOrder(ctx, "ordered", func(cr *ent.CertificateCreate) {
					cr.SetAccountID(acc.ID).SetPlanID(1).SetPeriodMonths(12).SetCommonName(names[k][0]).
						SetExtraNames(names[k][1:]).SetSubject(certdata.Subject{}).SetCurrency("RUB")
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			ids[k] = cert.ID
		}
		for d, want := range map[string][]string{"example.com": {"a"}, "www.ex": {"a"}, "example": {"a", "b", "d"}, "xample": nil, "com": {"a", "c"},
			"shop": {"b", "d"}} {
			var wantIDs []int64
			for _, k := range want {
				wantIDs = append(wantIDs, ids[k])
			}
			byIDs, matches, err := h.domainFilter(ctx, d, false)
			if err != nil {
				t.Fatal(err)
			}
			// One match per certificate, also for d (shop), which two names
			// of one certificate begin.
			var matched []int64
			for _, m := range matches {
				matched = append(matched, m.ID)
			}
			if !slices.Equal(matched, wantIDs) {
				t.Errorf("matches of %q: %v, want %v", d, matched, wantIDs)
			}
			for name, p := range map[string]func(*ent.CertificateQuery){
				"ids":  func(q *ent.CertificateQuery) { q.Where(byIDs) },
				"test": func(q *ent.CertificateQuery) { q.Where(domainTest(d)) },
			} {
				q := db.Ent.Certificate.Query().Order(ent.Asc(certificate.FieldID))
				p(q)
				got, err := q.IDs(ctx)
				if err != nil {
					t.Fatalf("%s %q: %v", name, d, err)
				}
				if !slices.Equal(got, wantIDs) {
					t.Errorf("%s %q: %v, want %v", name, d, got, wantIDs)
				}
			}
		}
	})
}
