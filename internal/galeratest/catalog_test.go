package galeratest

import (
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/planprice"
)

// A price changed through replica 2 (node 2) is what replica 1's catalog
// cache answers soon after: the change moves the shared catalog version in
// its transaction, which the cache checks every 250 ms, instead of waiting
// for its snapshot's TTL (a minute).
func TestCatalogChangeSeenByOtherReplica(t *testing.T) {
	dbs := Open(t)
	ctx := t.Context()
	c1 := replicas(t, dbs[:1])[0].Core            // bootstraps the seed plans
	before, err := c1.Catalog().Plan(ctx, planDV) // fills replica 1's cache
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Edges.Prices) == 0 {
		t.Fatalf("plan %d has no prices", planDV)
	}
	pr := before.Edges.Prices[0]
	n, err := dbs[1].Ent.PlanPrice.Update().Where(planprice.ID(pr.ID)).SetAmount(pr.Amount + 1).Save(ctx)
	if err != nil || n != 1 {
		t.Fatalf("update price on node 2: %d rows, %v", n, err)
	}
	deadline := time.Now().Add(10 * time.Second) // far above the check interval; not a timing assertion
	for {
		p, err := c1.Catalog().Plan(ctx, planDV)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range p.Edges.Prices {
			if q.ID == pr.ID && q.Amount == pr.Amount+1 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica 1 still answers the old price of plan %d", planDV)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
