package lifecycle_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// overrideAllowed is the set of events an override may use, written out
// independently of the package.
var overrideAllowed = []lifecycle.Event{
	lifecycle.ActivateManually, lifecycle.Resume, lifecycle.Suspend, lifecycle.Revoke, lifecycle.Expire,
	lifecycle.Retry, lifecycle.Submit, lifecycle.ValidationStarted, lifecycle.ValidationPassed,
	lifecycle.CAFailed, lifecycle.CACancelled,
}

// shortest is the length of the shortest path from one state to another over
// overrideAllowed through Next; -1 when there is none.
func shortest(from, to lifecycle.State) int {
	dist := map[lifecycle.State]int{from: 0}
	queue := []lifecycle.State{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s == to {
			return dist[s]
		}
		for _, ev := range overrideAllowed {
			if next, err := lifecycle.Next(s, ev); err == nil {
				if _, ok := dist[next]; !ok {
					dist[next] = dist[s] + 1
					queue = append(queue, next)
				}
			}
		}
	}
	return -1
}

// TestOverrideExhaustive checks every (from, to) pair: an override path is
// accepted by Next event after event, ends in to, is as short as any, and
// uses neither a charge nor a certificate from the CA; a refusal happens
// only where no such path exists.
func TestOverrideExhaustive(t *testing.T) {
	if got := lifecycle.OverrideEvents(); !slices.Equal(got, overrideAllowed) {
		t.Errorf("OverrideEvents() = %v, want %v", got, overrideAllowed)
	}
	for _, from := range lifecycle.AllStates() {
		for _, to := range lifecycle.AllStates() {
			path, err := lifecycle.Override(from, to)
			n := shortest(from, to)
			if err != nil {
				var oe *lifecycle.OverrideError
				if !errors.As(err, &oe) || oe.From != from || oe.To != to ||
					!errors.Is(err, lifecycle.ErrIllegalTransition) || !errors.Is(err, errkind.FailedPrecondition) {
					t.Errorf("Override(%q, %q) error %T %v, want an *OverrideError", from, to, err, err)
				}
				if n >= 0 {
					t.Errorf("Override(%q, %q) refused, but a path of %d events exists", from, to, n)
				}
				continue
			}
			if len(path) != n {
				t.Errorf("Override(%q, %q) = %v, want a path of %d events", from, to, path, n)
			}
			s := from
			for _, ev := range path {
				if !slices.Contains(overrideAllowed, ev) || lifecycle.Billable(ev) {
					t.Errorf("Override(%q, %q) uses %q", from, to, ev)
				}
				next, err := lifecycle.Next(s, ev)
				if err != nil {
					t.Fatalf("Override(%q, %q) = %v: %v", from, to, path, err)
				}
				s = next
			}
			if s != to {
				t.Errorf("Override(%q, %q) = %v ends in %q", from, to, path, s)
			}
		}
	}
}

func TestOverride(t *testing.T) {
	tests := []struct {
		name     string
		from, to lifecycle.State
		want     []lifecycle.Event
		wantMsg  string // for refusals
	}{
		{name: "ok/same state", from: lifecycle.Issued, to: lifecycle.Issued, want: nil},
		{name: "ok/processing to failed", from: lifecycle.Processing, to: lifecycle.Failed,
			want: []lifecycle.Event{lifecycle.CAFailed}},
		{name: "ok/activate rather than a CA issue", from: lifecycle.AwaitingValidation, to: lifecycle.Issued,
			want: []lifecycle.Event{lifecycle.ActivateManually}},
		{name: "ok/reissuing to issued is an activation", from: lifecycle.Reissuing, to: lifecycle.Issued,
			want: []lifecycle.Event{lifecycle.ActivateManually}},
		{name: "ok/failed to submitting is a retry", from: lifecycle.Failed, to: lifecycle.Submitting,
			want: []lifecycle.Event{lifecycle.Retry}},
		{name: "ok/processing back to submitting", from: lifecycle.Processing, to: lifecycle.Submitting,
			want: []lifecycle.Event{lifecycle.CAFailed, lifecycle.Retry}},
		{name: "ok/submitting to processing", from: lifecycle.Submitting, to: lifecycle.Processing,
			want: []lifecycle.Event{lifecycle.Submit, lifecycle.ValidationPassed}},
		{name: "ok/issued to expired", from: lifecycle.Issued, to: lifecycle.Expired,
			want: []lifecycle.Event{lifecycle.Expire}},
		{name: "ok/suspended to revoked", from: lifecycle.Suspended, to: lifecycle.Revoked,
			want: []lifecycle.Event{lifecycle.Revoke}},
		{name: "ok/failed to suspended", from: lifecycle.Failed, to: lifecycle.Suspended,
			want: []lifecycle.Event{lifecycle.ActivateManually, lifecycle.Suspend}},
		{name: "error/unpaid must be paid", from: lifecycle.Unpaid, to: lifecycle.Failed,
			wantMsg: `cannot change a certificate in state "unpaid" to "failed"`},
		{name: "error/expired stays", from: lifecycle.Expired, to: lifecycle.Issued,
			wantMsg: `cannot change a certificate in state "expired" to "issued"`},
		{name: "error/no unpaying", from: lifecycle.Submitting, to: lifecycle.Unpaid,
			wantMsg: `cannot change a certificate in state "submitting" to "unpaid": an order cannot become unpaid again`},
		{name: "error/renewing is paid for", from: lifecycle.Issued, to: lifecycle.Renewing,
			wantMsg: `cannot change a certificate in state "issued" to "renewing": renew the certificate instead`},
		{name: "error/delete instead", from: lifecycle.Issued, to: lifecycle.Deleted,
			wantMsg: `cannot change a certificate in state "issued" to "deleted": delete the certificate instead`},
		{name: "error/deleted is terminal", from: lifecycle.Deleted, to: lifecycle.Issued,
			wantMsg: `cannot change a certificate in state "deleted" to "issued"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lifecycle.Override(tc.from, tc.to)
			if tc.wantMsg != "" {
				if err == nil || err.Error() != tc.wantMsg || got != nil {
					t.Fatalf("Override(%q, %q) = %v, %v; want the error %q", tc.from, tc.to, got, err, tc.wantMsg)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("Override(%q, %q) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
			}
		})
	}
}

func TestOverrideUnknownState(t *testing.T) {
	for _, tc := range [][2]lifecycle.State{{"bogus", lifecycle.Issued}, {lifecycle.Issued, ""}} {
		if _, err := lifecycle.Override(tc[0], tc[1]); !errors.Is(err, errkind.InvalidArgument) {
			t.Errorf("Override(%q, %q) error %v, want InvalidArgument", tc[0], tc[1], err)
		}
	}
}
