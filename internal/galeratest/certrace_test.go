package galeratest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/certificatename"
	"github.com/certsvc/certsvc/ent/job"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// Concurrent changes of ONE certificate and its job from the three nodes,
// through the order core (one core per node), each a read under the
// certificate's row lock and a write of what it read plus one:
//   - an edit (core.Tx.Edit) that adds one to extra_name_slots, recorded in
//     the history (core.Tx.Record);
//   - an edit that adds a name to extra_names (certificate_names follows),
//     recorded too;
//   - one more attempt of the certificate's job (core.Tx.KeepAttempts with
//     the count read plus one, as the worker keeps counting the polls of a
//     CA still at work).
//
// Every change acknowledged is in the rows and nothing else is: slots,
// names and attempts equal the acknowledged changes of their kind, and the
// history has one event per acknowledged edit. A change still conflicting
// after InTx's retries is answered Aborted: not counted, and not in the rows
// either. A lost update (two changes reading the same value, as ent's
// UpdateOne read back let happen on MariaDB 10.11 Galera) breaks a count.
func TestCertificateChangesCountedAcrossNodes(t *testing.T) {
	dbs := Open(t)
	ctx := t.Context()
	var cores []*core.Core
	for _, db := range dbs {
		cores = append(cores, core.New(core.Options{DB: db}))
	}
	acc := dbs[0].Ent.Account.Create().SetName("race").SetCurrency("RUB").SaveX(ctx)
	c := dbs[0].Ent.Certificate.Create().SetAccountID(acc.ID).SetPlanID(planDV).SetPeriodMonths(12).
		SetState(certificate.StateIssued).SetCommonName("race.example.com").
		SetSubject(certdata.Subject{CommonName: "race.example.com"}).SetCurrency("RUB").SaveX(ctx)
	if err := cores[0].InTx(ctx, func(tx *core.Tx) error { return tx.Schedule(ctx, c.ID, time.Now().Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}

	const perGoroutine, goroutines = 18, 4
	const (
		slots = iota
		names
		attempts
	)
	var (
		acked   [3]atomic.Int64
		aborted atomic.Int64
		mu      sync.Mutex
		added   []string // the names whose edits were acknowledged
	)
	var wg sync.WaitGroup
	for i, cr := range cores {
		for g := range goroutines {
			wg.Go(func() {
				for n := range perGoroutine {
					kind := (n + g) % 3
					name := fmt.Sprintf("n%d-g%d-%d.race.example.com", i+1, g, n)
					err := cr.InTx(ctx, func(tx *core.Tx) error {
						cur, err := tx.LockCert(ctx, c.ID)
						if err != nil {
							return err
						}
						switch kind {
						case attempts:
							j, err := tx.Job.Query().Where(job.CertificateID(c.ID)).Only(ctx)
							if err != nil {
								return err
							}
							return tx.KeepAttempts(ctx, core.Job{ID: j.ID, Attempts: j.Attempts + 1})
						case slots:
							next, err := tx.Edit(ctx, cur, func(u *ent.CertificateUpdateOne) error {
								u.SetExtraNameSlots(cur.ExtraNameSlots + 1)
								return nil
							})
							if err != nil {
								return err
							}
							return tx.Record(ctx, next, "probe_slot", lifecycle.State(cur.State), core.Step{Message: "one more slot"})
						default:
							next, err := tx.Edit(ctx, cur, func(u *ent.CertificateUpdateOne) error {
								u.SetExtraNames(append(slices.Clone(cur.ExtraNames), name))
								return nil
							})
							if err != nil {
								return err
							}
							return tx.Record(ctx, next, "probe_name", lifecycle.State(cur.State), core.Step{Message: "added " + name})
						}
					})
					switch {
					case err == nil:
						acked[kind].Add(1)
						if kind == names {
							mu.Lock()
							added = append(added, name)
							mu.Unlock()
						}
					case errors.Is(err, errkind.Aborted):
						aborted.Add(1)
					default:
						t.Errorf("node %d: %v", i+1, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	t.Logf("acknowledged: %d slot edits, %d name edits, %d job attempts; %d aborted after InTx's retries",
		acked[slots].Load(), acked[names].Load(), acked[attempts].Load(), aborted.Load())

	for i, db := range dbs {
		got := db.Ent.Certificate.GetX(ctx, c.ID)
		if int64(got.ExtraNameSlots) != acked[slots].Load() {
			t.Errorf("node %d: extra_name_slots %d, want the %d acknowledged", i+1, got.ExtraNameSlots, acked[slots].Load())
		}
		gotNames, want := slices.Sorted(slices.Values(got.ExtraNames)), slices.Sorted(slices.Values(added))
		if !slices.Equal(gotNames, want) {
			t.Errorf("node %d: %d extra names, want the %d acknowledged; missing %v, extra %v", i+1, len(gotNames), len(want),
				minus(want, gotNames), minus(gotNames, want))
		}
		for _, name := range added {
			if n := db.Ent.CertificateName.Query().Where(certificatename.CertificateID(c.ID), certificatename.Suffix(name)).CountX(ctx); n != 1 {
				t.Errorf("node %d: %d certificate_names rows for %s, want 1", i+1, n, name)
			}
		}
		j := db.Ent.Job.Query().Where(job.CertificateID(c.ID)).OnlyX(ctx)
		if int64(j.Attempts) != acked[attempts].Load() {
			t.Errorf("node %d: job attempts %d, want the %d acknowledged", i+1, j.Attempts, acked[attempts].Load())
		}
		for ev, k := range map[string]int{"probe_slot": slots, "probe_name": names} {
			n := db.Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(c.ID), certificateevent.Event(ev)).CountX(ctx)
			if int64(n) != acked[k].Load() {
				t.Errorf("node %d: %d %s events, want the %d acknowledged", i+1, n, ev, acked[k].Load())
			}
		}
	}
}

// minus is a without the elements of b (both sorted).
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, found := slices.BinarySearch(b, s); !found {
			out = append(out, s)
		}
	}
	return out
}
