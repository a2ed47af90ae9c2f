package worker_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/worker"
)

// Orders read the catalog from a cache; a change of prices is charged from
// the very next order.
func TestPriceChangeAppliesToTheNextOrder(t *testing.T) {
	dbtest.EachKind(t, testPriceChangeAppliesToTheNextOrder)
}

func testPriceChangeAppliesToTheNextOrder(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	svc := r.service(r.defaultKinds(), time.Now, worker.Options{ID: "w1"})
	acc := r.account(svc, "prices", 10*price12)
	r.order(svc, acc, "www.example.com", 12, false) // fills the cache

	res, err := svc.Catalog.GetPlan(r.ctx, &certsvcv1.GetPlanRequest{Id: planDV})
	if err != nil {
		t.Fatal(err)
	}
	pl := res.GetPlan()
	const newPrice = 90000
	changed := false
	for _, p := range pl.GetPrices() {
		if p.GetPeriodMonths() == 12 && p.GetCurrency() == "RUB" {
			p.AmountMinor, changed = newPrice, true
		}
	}
	if !changed {
		t.Fatalf("plan %d has no 12-month RUB price: %v", planDV, pl.GetPrices())
	}
	if _, err := svc.Catalog.UpdatePlan(r.ctx, &certsvcv1.UpdatePlanRequest{
		Plan: &certsvcv1.Plan{Id: planDV, Prices: pl.GetPrices()}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"prices"}},
	}); err != nil {
		t.Fatal(err)
	}
	r.order(svc, acc, "www.example.org", 12, false)
	ch := r.charges(acc)
	if len(ch) != 2 || ch[0].Amount != -price12 || ch[1].Amount != -newPrice {
		var got []int64
		for _, e := range ch {
			got = append(got, e.Amount)
		}
		t.Fatalf("charges %v, want [-%d -%d]", got, price12, newPrice)
	}
}
