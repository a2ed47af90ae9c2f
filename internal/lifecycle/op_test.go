package lifecycle_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

func TestOpStableValues(t *testing.T) {
	// The stored forms are the certificate's op column.
	want := []string{"", "order", "reissue", "renew", "cancel", "revoke"}
	var got []string
	for _, o := range lifecycle.AllOps() {
		got = append(got, o.String())
		if p, err := lifecycle.ParseOp(o.String()); err != nil || p != o {
			t.Errorf("ParseOp(%q) = %q, %v; want round trip", o, p, err)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("AllOps() = %q, want %q", got, want)
	}
	for _, bad := range []string{"Order", "prolong", " order"} {
		if _, err := lifecycle.ParseOp(bad); !errors.Is(err, errkind.InvalidArgument) {
			t.Errorf("ParseOp(%q) error %v, want InvalidArgument", bad, err)
		}
	}
}

func TestPhaseOf(t *testing.T) {
	tests := []struct {
		op             lifecycle.Op
		sent, answered bool
		want           lifecycle.Phase
	}{
		{lifecycle.OpNone, false, false, lifecycle.PhaseNone},
		{lifecycle.OpNone, true, true, lifecycle.PhaseNone},
		{lifecycle.OpOrder, false, false, lifecycle.PhasePending},
		{lifecycle.OpOrder, false, true, lifecycle.PhasePending},
		{lifecycle.OpRenew, true, false, lifecycle.PhaseSent},
		{lifecycle.OpReissue, true, true, lifecycle.PhaseAnswered},
		{lifecycle.OpCancel, true, true, lifecycle.PhaseAnswered},
		{lifecycle.OpRevoke, false, false, lifecycle.PhasePending},
		{lifecycle.OpRevoke, true, false, lifecycle.PhaseSent},
	}
	for _, tc := range tests {
		if got := lifecycle.PhaseOf(tc.op, tc.sent, tc.answered); got != tc.want {
			t.Errorf("PhaseOf(%q, %v, %v) = %q, want %q", tc.op, tc.sent, tc.answered, got, tc.want)
		}
	}
}

// wantOpStates is where each operation may be carried, written out
// independently of the package.
var wantOpStates = map[lifecycle.Op][]lifecycle.State{
	lifecycle.OpNone:    lifecycle.AllStates(),
	lifecycle.OpOrder:   {lifecycle.Submitting, lifecycle.AwaitingValidation, lifecycle.Processing},
	lifecycle.OpReissue: {lifecycle.Reissuing},
	lifecycle.OpRenew:   {lifecycle.Renewing},
	lifecycle.OpCancel:  {lifecycle.Deleted},
	lifecycle.OpRevoke:  {lifecycle.Issued, lifecycle.Suspended},
}

func TestOpAllowedIn(t *testing.T) {
	for _, o := range lifecycle.AllOps() {
		var got []lifecycle.State
		for _, s := range lifecycle.AllStates() {
			if o.AllowedIn(s) {
				got = append(got, s)
			}
		}
		if !slices.Equal(got, wantOpStates[o]) {
			t.Errorf("%q allowed in %v, want %v", o, got, wantOpStates[o])
		}
		if o.AllowedIn("bogus") {
			t.Errorf("%q allowed in an unknown state", o)
		}
	}
	if lifecycle.Op("prolong").AllowedIn(lifecycle.Renewing) {
		t.Error("an unknown op is allowed")
	}
}

// TestOpBegunFitsNext checks that an event that starts an operation leads
// to a state that may carry it, from every state that accepts the event.
func TestOpBegunFitsNext(t *testing.T) {
	starts := map[lifecycle.Event]lifecycle.Op{}
	for _, ev := range lifecycle.AllEvents() {
		o, ok := lifecycle.OpBegun(ev)
		if ok != (o != lifecycle.OpNone) {
			t.Errorf("OpBegun(%q) = %q, %v", ev, o, ok)
		}
		if !ok {
			continue
		}
		starts[ev] = o
		for _, s := range lifecycle.AllStates() {
			if next, err := lifecycle.Next(s, ev); err == nil && !o.AllowedIn(next) {
				t.Errorf("%q from %q begins %q in %q, which does not allow it", ev, s, o, next)
			}
		}
	}
	want := map[lifecycle.Event]lifecycle.Op{lifecycle.Pay: lifecycle.OpOrder, lifecycle.Retry: lifecycle.OpOrder,
		lifecycle.Reissue: lifecycle.OpReissue, lifecycle.Renew: lifecycle.OpRenew}
	if len(starts) != len(want) {
		t.Errorf("OpBegun starts %v, want %v", starts, want)
	}
	for ev, o := range want {
		if starts[ev] != o {
			t.Errorf("OpBegun(%q) = %q, want %q", ev, starts[ev], o)
		}
	}
}

// TestDecideExhaustive checks the worker's decision for every state,
// operation and phase against the rules written out here.
func TestDecideExhaustive(t *testing.T) {
	phases := []lifecycle.Phase{lifecycle.PhaseNone, lifecycle.PhasePending, lifecycle.PhaseSent, lifecycle.PhaseAnswered}
	for _, s := range lifecycle.AllStates() {
		for _, o := range lifecycle.AllOps() {
			for _, ph := range phases {
				var want lifecycle.Action
				switch {
				case !slices.Contains(wantOpStates[o], s):
					want = lifecycle.ActDropOp
				case o == lifecycle.OpNone && (s == lifecycle.Issued || s == lifecycle.Suspended || s == lifecycle.Reissuing):
					want = lifecycle.ActMaintain
				case o == lifecycle.OpNone:
					want = lifecycle.ActDone
				case o == lifecycle.OpCancel:
					want = lifecycle.ActCancel
				case o == lifecycle.OpRevoke:
					want = lifecycle.ActRevoke
				case ph == lifecycle.PhaseSent:
					want = lifecycle.ActReconcile
				case ph == lifecycle.PhaseAnswered:
					want = lifecycle.ActPoll
				default:
					want = lifecycle.ActSend
				}
				if got := lifecycle.Decide(s, o, ph); got != want {
					t.Errorf("Decide(%q, %q, %q) = %q, want %q", s, o, ph, got, want)
				}
			}
		}
	}
	if got := lifecycle.Decide("bogus", lifecycle.OpNone, lifecycle.PhaseNone); got != lifecycle.ActDropOp {
		t.Errorf("Decide(unknown state) = %q, want drop_op", got)
	}
	if got := lifecycle.Decide(lifecycle.Submitting, "prolong", lifecycle.PhasePending); got != lifecycle.ActDropOp {
		t.Errorf("Decide(unknown op) = %q, want drop_op", got)
	}
}

// TestDecideMatchesOldStep checks that every consistent (state, op, phase)
// gets what the worker's old step chose.
func TestDecideMatchesOldStep(t *testing.T) {
	oldStep := func(s lifecycle.State, op lifecycle.Op, sent, answered bool) lifecycle.Action {
		switch {
		case op == lifecycle.OpCancel:
			return lifecycle.ActCancel
		case op == lifecycle.OpRevoke: // new with revocation; no old step
			return lifecycle.ActRevoke
		case op != "" && !sent:
			return lifecycle.ActSend
		case op != "" && !answered:
			return lifecycle.ActReconcile
		case op != "":
			return lifecycle.ActPoll
		case s == lifecycle.Issued || s == lifecycle.Suspended || s == lifecycle.Reissuing:
			return lifecycle.ActMaintain
		}
		return lifecycle.ActDone
	}
	for _, s := range lifecycle.AllStates() {
		for _, o := range lifecycle.AllOps() {
			if !o.AllowedIn(s) {
				continue
			}
			for _, sa := range [][2]bool{{false, false}, {true, false}, {true, true}, {false, true}} {
				want := oldStep(s, o, sa[0], sa[1])
				if got := lifecycle.Decide(s, o, lifecycle.PhaseOf(o, sa[0], sa[1])); got != want {
					t.Errorf("Decide(%q, %q, sent %v, answered %v) = %q, the old step chose %q", s, o, sa[0], sa[1], got, want)
				}
			}
		}
	}
}

// TestCheckOpExhaustive checks, for every operation and event, which events
// an operation refuses: a pending revocation refuses exactly the events
// that begin another operation; no other operation refuses any.
func TestCheckOpExhaustive(t *testing.T) {
	for _, o := range lifecycle.AllOps() {
		for _, ev := range lifecycle.AllEvents() {
			_, begins := lifecycle.OpBegun(ev)
			wantRefused := o == lifecycle.OpRevoke && begins
			err := lifecycle.CheckOp(o, ev)
			if (err != nil) != wantRefused {
				t.Errorf("CheckOp(%q, %q) = %v, want refused %v", o, ev, err, wantRefused)
			}
			if err != nil && (!errors.Is(err, lifecycle.ErrIllegalTransition) || !errors.Is(err, errkind.FailedPrecondition)) {
				t.Errorf("CheckOp(%q, %q) = %v, want failed_precondition", o, ev, err)
			}
		}
	}
	err := lifecycle.CheckOp(lifecycle.OpRevoke, lifecycle.Renew)
	if want := "cannot renew a certificate while its revocation at the CA is pending"; err == nil || err.Error() != want {
		t.Errorf("CheckOp(revoke, renew) = %v, want %q", err, want)
	}
	// Revoke itself, Delete, Suspend and Resume go on while a revocation waits.
	for _, ev := range []lifecycle.Event{lifecycle.Revoke, lifecycle.Delete, lifecycle.Suspend, lifecycle.Resume, lifecycle.Sync} {
		if err := lifecycle.CheckOp(lifecycle.OpRevoke, ev); err != nil {
			t.Errorf("CheckOp(revoke, %q) = %v, want nil", ev, err)
		}
	}
}
