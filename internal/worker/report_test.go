package worker_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/job"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/worker"
)

// reports scripts what a CA reports about its orders: the state of its
// answer to PlaceOrder and of its answers to Sync.
type reports struct {
	mu          sync.Mutex
	place, sync provider.State
}

func (s *reports) set(place, sync provider.State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.place, s.sync = place, sync
}

func (s *reports) get() (place, sync provider.State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.place, s.sync
}

// reportingCA is the fake CA answering with the scripted reports: it takes
// the order (signing it, as the built-in CA does) but reports it in the
// scripted state, without the certificate unless the report is issued.
type reportingCA struct {
	*caConn
	script *reports
}

func (s *reports) conn(c *caConn) provider.Provider { return reportingCA{caConn: c, script: s} }

func (p reportingCA) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	remote, err := p.caConn.PlaceOrder(ctx, r)
	if err != nil {
		return remote, err
	}
	st, _ := p.script.get()
	return p.as(remote, st), nil
}

func (p reportingCA) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	remote, err := p.caConn.Sync(ctx, ref)
	if err != nil {
		return remote, err
	}
	_, st := p.script.get()
	return p.as(remote, st), nil
}

func (reportingCA) as(remote provider.Remote, st provider.State) provider.Remote {
	if st != provider.StateIssued {
		remote.ChainPEM = ""
	}
	remote.State, remote.RawStatus, remote.Message = st, "SCRIPTED_"+strings.ToUpper(string(st)), ""
	return remote
}

// TestCAReportsThatWereStuck drives real orders through a CA that answers
// with the (state, report) pairs the worker's old mapping turned into events
// the lifecycle refuses — the job then failed and retried for up to an hour
// while the certificate never moved. Now the CA-report table decides: the
// order moves, or it waits for an operator and polling stops.
func TestCAReportsThatWereStuck(t *testing.T) { dbtest.EachKind(t, testCAReportsThatWereStuck) }

func testCAReportsThatWereStuck(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	ca := newFakeCA()
	script := &reports{}
	clk := newClock(t0)
	svc := r.service(ca.kinds("w1", script.conn), clk.Now, worker.Options{ID: "w1"})
	acc := r.account(svc, "reports", 20*price12)

	for i, tc := range []struct {
		name string
		// place is the CA's answer to the order; the worker polls once after
		// it, and sync is the answer to that poll.
		place, sync provider.State
		// before is the state after the CA took the order, want the state
		// after the poll, events the events the poll recorded.
		before, want certificate.State
		events       []lifecycle.Event
		operator     bool // the report needs an operator
	}{
		{name: "submitting + cancelled", place: provider.StateCancelled,
			before: certificate.StateCancelled, want: certificate.StateCancelled},
		{name: "submitting + revoked", place: provider.StateRevoked,
			before: certificate.StateFailed, want: certificate.StateFailed},
		{name: "submitting (no state yet) + cancelled", place: lifecycle.ReportNone, sync: provider.StateCancelled,
			before: certificate.StateSubmitting, want: certificate.StateCancelled,
			events: []lifecycle.Event{lifecycle.Submit, lifecycle.CACancelled}},
		{name: "awaiting validation + revoked", place: provider.StateAwaitingDCV, sync: provider.StateRevoked,
			before: certificate.StateAwaitingValidation, want: certificate.StateFailed,
			events: []lifecycle.Event{lifecycle.CAFailed}},
		{name: "processing + revoked", place: provider.StateProcessing, sync: provider.StateRevoked,
			before: certificate.StateProcessing, want: certificate.StateFailed,
			events: []lifecycle.Event{lifecycle.CAFailed}},
		{name: "awaiting validation + a state the table does not know", place: provider.StateAwaitingDCV, sync: "on_hold",
			before: certificate.StateAwaitingValidation, want: certificate.StateAwaitingValidation, operator: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script.set(tc.place, tc.sync)
			id := r.order(svc, acc, strings.ReplaceAll(tc.name, " ", "")[:8]+string(rune('a'+i))+".example.com", 12, false)
			r.runDue(svc) // the worker places the order
			c := r.wantState(id, tc.before)
			if j := r.job(id); j != nil && j.LastError != "" {
				t.Fatalf("the CA's answer to the order failed the job: %q", j.LastError)
			}
			if tc.before != certificate.StateSubmitting && tc.before != certificate.StateAwaitingValidation && tc.before != certificate.StateProcessing {
				// The answer to the order ended it: nothing is left to do.
				if c.Op != "" || r.job(id) != nil {
					t.Fatalf("an ended order keeps op %q or its job %+v", c.Op, r.job(id))
				}
				if !strings.Contains(c.StatusMessage, "SCRIPTED_") {
					t.Errorf("status message %q does not quote the CA", c.StatusMessage)
				}
				return
			}
			// The CA works on it: the worker polls after a backoff.
			clk.Advance(2 * time.Hour)
			if n := r.runDue(svc); n != 1 {
				t.Fatalf("ran %d jobs, want the poll", n)
			}
			c = r.wantState(id, tc.want)
			for _, ev := range tc.events {
				if len(r.events(id, string(ev))) != 1 {
					t.Errorf("no %s event", ev)
				}
			}
			j := r.job(id)
			if j != nil && j.LastError != "" {
				t.Fatalf("the CA's report failed the job: %q (attempts %d)", j.LastError, j.Attempts)
			}
			if !tc.operator {
				if c.Op != "" || j != nil {
					t.Fatalf("an ended order keeps op %q or its job %+v", c.Op, j)
				}
				return
			}
			evs := r.events(id, core.EventNeedsOperator)
			if len(evs) != 1 || !strings.Contains(evs[0].Message, "on_hold") || !strings.Contains(evs[0].Message, "SCRIPTED_ON_HOLD") {
				t.Fatalf("%s events %+v, want one naming the report", core.EventNeedsOperator, evs)
			}
			if !strings.Contains(c.StatusMessage, "unknown state") {
				t.Errorf("status message %q does not say why an operator is needed", c.StatusMessage)
			}
			if j != nil {
				t.Fatalf("polling goes on: job %+v", j)
			}
			clk.Advance(24 * time.Hour)
			if n := r.runDue(svc); n != 0 {
				t.Fatalf("ran %d jobs after the report that needs an operator", n)
			}
		})
	}

	// A CA that issues an order that failed here needs an operator: the
	// administrator's sync records it and the state stays.
	t.Run("failed + issued, by a sync", func(t *testing.T) {
		script.set(provider.StateRevoked, provider.StateIssued)
		id := r.order(svc, acc, "failedissued.example.com", 12, false)
		r.runDue(svc)
		r.wantState(id, certificate.StateFailed)
		res, err := svc.Certificates.SyncCertificates(r.ctx, &certsvcv1.SyncCertificatesRequest{Ids: []int64{id}})
		if err != nil || !res.GetResults()[0].GetOk() {
			t.Fatalf("sync: %v %v", res, err)
		}
		c := r.wantState(id, certificate.StateFailed)
		if c.CertPem != "" {
			t.Error("the certificate of an order that failed here was stored")
		}
		if evs := r.events(id, core.EventNeedsOperator); len(evs) != 1 {
			t.Fatalf("%s events %+v, want one", core.EventNeedsOperator, evs)
		}
	})

	// An operation the state does not allow (left behind by an override
	// before overrides went through the lifecycle) is dropped without
	// calling the CA, and the issued order is maintained again.
	t.Run("order operation on an issued certificate", func(t *testing.T) {
		script.set(provider.StateIssued, provider.StateIssued)
		id := r.order(svc, acc, "dropop.example.com", 12, false)
		r.runDue(svc)
		r.wantState(id, certificate.StateIssued)
		calls := ca.callsOf(r.cert(id).OpRef)
		if err := r.db.Ent.Certificate.UpdateOneID(id).SetOp(lifecycle.OpOrder.String()).Exec(r.ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.db.Ent.Job.Update().Where(job.CertificateID(id)).SetRunTime(clk.Now()).Exec(r.ctx); err != nil {
			t.Fatal(err)
		}
		if n := r.runDue(svc); n != 2 {
			t.Fatalf("ran %d jobs, want the drop and then the maintenance", n)
		}
		c := r.wantState(id, certificate.StateIssued)
		if c.Op != "" || len(r.events(id, core.EventOpDropped)) != 1 {
			t.Fatalf("op %q, %d %s events; want the operation dropped and recorded", c.Op, len(r.events(id, core.EventOpDropped)), core.EventOpDropped)
		}
		if got := ca.callsOf(c.OpRef); got != calls {
			t.Fatalf("the CA was called %d times more", got-calls)
		}
		if j := r.job(id); j == nil || !j.RunTime.After(clk.Now()) {
			t.Fatalf("job %+v, want the next maintenance", j)
		}
	})
}
