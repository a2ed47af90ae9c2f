package galeratest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/core"
)

// Two workers on each of two nodes claim the same due jobs at once. SKIP
// LOCKED locks only on its own node, so two nodes may select the same job;
// the claim that loses certification takes nothing. Every job is run —
// "the CA called" — by exactly one worker, once.
func TestClaimOnceAcrossNodes(t *testing.T) {
	dbs := Open(t)
	ctx := context.Background()
	const jobs = 400
	now := time.Now()
	var creates []*ent.JobCreate
	for i := range jobs {
		creates = append(creates, dbs[0].Ent.Job.Create().SetCertificateID(int64(i+1)).
			SetRunTime(now.Add(-time.Second)).SetCreateTime(now))
	}
	if err := dbs[0].Ent.Job.CreateBulk(creates...).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	cores := []*core.Core{core.New(core.Options{DB: dbs[0]}), core.New(core.Options{DB: dbs[1]})}

	var mu sync.Mutex
	calledBy := map[int64]string{} // certificate -> the worker that "called the CA"
	var empty atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		c := cores[w%2]
		owner := fmt.Sprintf("node%d-w%d", w%2+1, w)
		wg.Go(func() {
			for {
				js, err := c.ClaimJobs(ctx, owner, 8, time.Minute)
				if err != nil {
					t.Errorf("%s: claim: %v", owner, err)
					return
				}
				if len(js) == 0 {
					n, err := dbs[w%2].Ent.Job.Query().Count(ctx)
					if err != nil {
						t.Errorf("%s: count: %v", owner, err)
						return
					}
					if n == 0 {
						return
					}
					empty.Add(1) // lost a claim, or the rest are leased elsewhere
					continue
				}
				for _, j := range js {
					mu.Lock()
					if prev, ok := calledBy[j.CertID]; ok {
						t.Errorf("job of certificate %d run by %s and by %s", j.CertID, prev, owner)
					}
					calledBy[j.CertID] = owner
					mu.Unlock()
					if err := c.InTx(ctx, func(tx *core.Tx) error { return tx.FinishJob(ctx, j, nil, "") }); err != nil {
						t.Errorf("%s: finish job %d: %v", owner, j.ID, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(calledBy) != jobs {
		t.Errorf("%d jobs run, want %d", len(calledBy), jobs)
	}
	per := map[string]int{}
	for _, o := range calledBy {
		per[o]++
	}
	t.Logf("jobs run per worker: %v; empty claims while jobs remained: %d", per, empty.Load())
}
