package lifecycle_test

import (
	"errors"
	"regexp"
	"slices"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

type pair struct {
	from lifecycle.State
	ev   lifecycle.Event
}

// wantTable is the specification, written out independently of the package's
// table: every legal pair and where it leads. Any pair not listed must be
// refused.
var wantTable = map[pair]lifecycle.State{
	{lifecycle.Unpaid, lifecycle.Pay}:    lifecycle.Submitting,
	{lifecycle.Unpaid, lifecycle.Delete}: lifecycle.Deleted,

	{lifecycle.Submitting, lifecycle.Submit}:           lifecycle.AwaitingValidation,
	{lifecycle.Submitting, lifecycle.CAFailed}:         lifecycle.Failed,
	{lifecycle.Submitting, lifecycle.ActivateManually}: lifecycle.Issued,
	{lifecycle.Submitting, lifecycle.Delete}:           lifecycle.Deleted,
	{lifecycle.Submitting, lifecycle.Sync}:             lifecycle.Submitting,

	{lifecycle.AwaitingValidation, lifecycle.ValidationStarted}: lifecycle.AwaitingValidation,
	{lifecycle.AwaitingValidation, lifecycle.ValidationPassed}:  lifecycle.Processing,
	{lifecycle.AwaitingValidation, lifecycle.CAIssued}:          lifecycle.Issued,
	{lifecycle.AwaitingValidation, lifecycle.CAFailed}:          lifecycle.Failed,
	{lifecycle.AwaitingValidation, lifecycle.CACancelled}:       lifecycle.Cancelled,
	{lifecycle.AwaitingValidation, lifecycle.ActivateManually}:  lifecycle.Issued,
	{lifecycle.AwaitingValidation, lifecycle.Delete}:            lifecycle.Deleted,
	{lifecycle.AwaitingValidation, lifecycle.Sync}:              lifecycle.AwaitingValidation,

	{lifecycle.Processing, lifecycle.ValidationStarted}: lifecycle.AwaitingValidation,
	{lifecycle.Processing, lifecycle.CAIssued}:          lifecycle.Issued,
	{lifecycle.Processing, lifecycle.CAFailed}:          lifecycle.Failed,
	{lifecycle.Processing, lifecycle.CACancelled}:       lifecycle.Cancelled,
	{lifecycle.Processing, lifecycle.ActivateManually}:  lifecycle.Issued,
	{lifecycle.Processing, lifecycle.Delete}:            lifecycle.Deleted,
	{lifecycle.Processing, lifecycle.Sync}:              lifecycle.Processing,

	{lifecycle.Issued, lifecycle.Reissue}: lifecycle.Reissuing,
	{lifecycle.Issued, lifecycle.Renew}:   lifecycle.Renewing,
	{lifecycle.Issued, lifecycle.Suspend}: lifecycle.Suspended,
	{lifecycle.Issued, lifecycle.Revoke}:  lifecycle.Revoked,
	{lifecycle.Issued, lifecycle.Expire}:  lifecycle.Expired,
	{lifecycle.Issued, lifecycle.Delete}:  lifecycle.Deleted,
	{lifecycle.Issued, lifecycle.Sync}:    lifecycle.Issued,

	{lifecycle.Reissuing, lifecycle.Submit}:            lifecycle.Reissuing,
	{lifecycle.Reissuing, lifecycle.ValidationStarted}: lifecycle.Reissuing,
	{lifecycle.Reissuing, lifecycle.ValidationPassed}:  lifecycle.Reissuing,
	{lifecycle.Reissuing, lifecycle.CAFailed}:          lifecycle.Issued,
	{lifecycle.Reissuing, lifecycle.CACancelled}:       lifecycle.Issued,
	{lifecycle.Reissuing, lifecycle.ActivateManually}:  lifecycle.Issued,
	{lifecycle.Reissuing, lifecycle.ReissueIssued}:     lifecycle.Issued,
	{lifecycle.Reissuing, lifecycle.Expire}:            lifecycle.Expired,
	{lifecycle.Reissuing, lifecycle.Delete}:            lifecycle.Deleted,
	{lifecycle.Reissuing, lifecycle.Sync}:              lifecycle.Reissuing,

	{lifecycle.Renewing, lifecycle.Submit}:            lifecycle.Renewing,
	{lifecycle.Renewing, lifecycle.ValidationStarted}: lifecycle.Renewing,
	{lifecycle.Renewing, lifecycle.ValidationPassed}:  lifecycle.Renewing,
	{lifecycle.Renewing, lifecycle.CAIssued}:          lifecycle.Issued,
	{lifecycle.Renewing, lifecycle.CAFailed}:          lifecycle.Failed,
	{lifecycle.Renewing, lifecycle.CACancelled}:       lifecycle.Cancelled,
	{lifecycle.Renewing, lifecycle.ActivateManually}:  lifecycle.Issued,
	{lifecycle.Renewing, lifecycle.Delete}:            lifecycle.Deleted,
	{lifecycle.Renewing, lifecycle.Sync}:              lifecycle.Renewing,

	{lifecycle.Failed, lifecycle.ActivateManually}: lifecycle.Issued,
	{lifecycle.Failed, lifecycle.Retry}:            lifecycle.Submitting,
	{lifecycle.Failed, lifecycle.Delete}:           lifecycle.Deleted,
	{lifecycle.Failed, lifecycle.Sync}:             lifecycle.Failed,

	{lifecycle.Cancelled, lifecycle.ActivateManually}: lifecycle.Issued,
	{lifecycle.Cancelled, lifecycle.Retry}:            lifecycle.Submitting,
	{lifecycle.Cancelled, lifecycle.Delete}:           lifecycle.Deleted,
	{lifecycle.Cancelled, lifecycle.Sync}:             lifecycle.Cancelled,

	{lifecycle.Suspended, lifecycle.Resume}: lifecycle.Issued,
	{lifecycle.Suspended, lifecycle.Revoke}: lifecycle.Revoked,
	{lifecycle.Suspended, lifecycle.Expire}: lifecycle.Expired,
	{lifecycle.Suspended, lifecycle.Delete}: lifecycle.Deleted,
	{lifecycle.Suspended, lifecycle.Sync}:   lifecycle.Suspended,

	{lifecycle.Revoked, lifecycle.Delete}: lifecycle.Deleted,
	{lifecycle.Revoked, lifecycle.Sync}:   lifecycle.Revoked,

	{lifecycle.Expired, lifecycle.Renew}:  lifecycle.Renewing,
	{lifecycle.Expired, lifecycle.Delete}: lifecycle.Deleted,
	{lifecycle.Expired, lifecycle.Sync}:   lifecycle.Expired,
}

// checkRefused asserts that err is the refusal of (from, ev).
func checkRefused(t *testing.T, from lifecycle.State, ev lifecycle.Event, got lifecycle.State, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("Next(%q, %q) = %q, nil; want refusal", from, ev, got)
	}
	var te *lifecycle.TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("Next(%q, %q) error %T (%v), want *TransitionError", from, ev, err, err)
	}
	if te.From != from || te.Event != ev {
		t.Errorf("TransitionError{From: %q, Event: %q}, want {%q, %q}", te.From, te.Event, from, ev)
	}
	if !errors.Is(err, lifecycle.ErrIllegalTransition) {
		t.Errorf("errors.Is(%v, ErrIllegalTransition) = false", err)
	}
	if !errors.Is(err, errkind.FailedPrecondition) {
		t.Errorf("errors.Is(%v, errkind.FailedPrecondition) = false", err)
	}
	if got != from {
		t.Errorf("refused Next(%q, %q) returned state %q, want the unchanged %q", from, ev, got, from)
	}
}

func TestNextExhaustive(t *testing.T) {
	legal := 0
	for _, from := range lifecycle.AllStates() {
		for _, ev := range lifecycle.AllEvents() {
			got, err := lifecycle.Next(from, ev)
			want, ok := wantTable[pair{from, ev}]
			if !ok {
				checkRefused(t, from, ev, got, err)
				continue
			}
			legal++
			if err != nil || got != want {
				t.Errorf("Next(%q, %q) = %q, %v; want %q, nil", from, ev, got, err, want)
			}
		}
	}
	if legal != len(wantTable) {
		t.Errorf("visited %d legal pairs, want table has %d: it names an unknown state or event", legal, len(wantTable))
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		name    string
		from    lifecycle.State
		ev      lifecycle.Event
		want    lifecycle.State
		wantMsg string // for refusals
	}{
		{name: "ok/pay", from: lifecycle.Unpaid, ev: lifecycle.Pay, want: lifecycle.Submitting},
		{name: "ok/reissue issued", from: lifecycle.Issued, ev: lifecycle.Reissue, want: lifecycle.Reissuing},
		{name: "ok/failed reissue keeps the certificate", from: lifecycle.Reissuing, ev: lifecycle.CAFailed, want: lifecycle.Issued},
		{name: "ok/sync changes nothing", from: lifecycle.Processing, ev: lifecycle.Sync, want: lifecycle.Processing},
		{name: "ok/admin activates a failed order", from: lifecycle.Failed, ev: lifecycle.ActivateManually, want: lifecycle.Issued},
		{name: "ok/resume suspended", from: lifecycle.Suspended, ev: lifecycle.Resume, want: lifecycle.Issued},
		{name: "error/reissue processing", from: lifecycle.Processing, ev: lifecycle.Reissue,
			wantMsg: `cannot reissue a certificate in state "processing"`},
		{name: "error/pay twice", from: lifecycle.Submitting, ev: lifecycle.Pay,
			wantMsg: `cannot pay for a certificate in state "submitting"`},
		{name: "error/retry issued", from: lifecycle.Issued, ev: lifecycle.Retry,
			wantMsg: `cannot retry a certificate in state "issued"`},
		{name: "error/renew revoked", from: lifecycle.Revoked, ev: lifecycle.Renew,
			wantMsg: `cannot renew a certificate in state "revoked"`},
		{name: "error/delete deleted", from: lifecycle.Deleted, ev: lifecycle.Delete,
			wantMsg: `cannot delete a certificate in state "deleted"`},
		{name: "error/sync unpaid", from: lifecycle.Unpaid, ev: lifecycle.Sync,
			wantMsg: `cannot sync a certificate in state "unpaid"`},
		{name: "error/expire while renewing", from: lifecycle.Renewing, ev: lifecycle.Expire,
			wantMsg: `cannot expire a certificate in state "renewing"`},
		{name: "error/reissue result outside a reissue", from: lifecycle.Processing, ev: lifecycle.ReissueIssued,
			wantMsg: `cannot complete the reissue of a certificate in state "processing"`},
		{name: "error/unknown state", from: "bogus", ev: lifecycle.Delete,
			wantMsg: `cannot delete a certificate in state "bogus"`},
		{name: "error/unknown event", from: lifecycle.Issued, ev: "frobnicate",
			wantMsg: `cannot apply event "frobnicate" to a certificate in state "issued"`},
		{name: "error/empty state", from: "", ev: lifecycle.Pay,
			wantMsg: `cannot pay for a certificate in state ""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lifecycle.Next(tc.from, tc.ev)
			if tc.wantMsg == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Next(%q, %q) = %q, %v; want %q, nil", tc.from, tc.ev, got, err, tc.want)
				}
				return
			}
			checkRefused(t, tc.from, tc.ev, got, err)
			if err.Error() != tc.wantMsg {
				t.Errorf("error %q, want %q", err.Error(), tc.wantMsg)
			}
		})
	}
}

// walk applies evs from start and returns every state visited after start.
func walk(t *testing.T, start lifecycle.State, evs ...lifecycle.Event) []lifecycle.State {
	t.Helper()
	var path []lifecycle.State
	s := start
	for _, ev := range evs {
		next, err := lifecycle.Next(s, ev)
		if err != nil {
			t.Fatalf("after %v: Next(%q, %q): %v", path, s, ev, err)
		}
		s = next
		path = append(path, s)
	}
	return path
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name  string
		start lifecycle.State
		evs   []lifecycle.Event
		want  []lifecycle.State
	}{
		{
			name:  "ok/happy path to expiry",
			start: lifecycle.Unpaid,
			evs: []lifecycle.Event{lifecycle.Pay, lifecycle.Submit, lifecycle.ValidationStarted,
				lifecycle.ValidationPassed, lifecycle.CAIssued, lifecycle.Reissue, lifecycle.ReissueIssued,
				lifecycle.Expire},
			want: []lifecycle.State{lifecycle.Submitting, lifecycle.AwaitingValidation, lifecycle.AwaitingValidation,
				lifecycle.Processing, lifecycle.Issued, lifecycle.Reissuing, lifecycle.Issued, lifecycle.Expired},
		},
		{
			name:  "ok/renew issued",
			start: lifecycle.Issued,
			evs:   []lifecycle.Event{lifecycle.Renew, lifecycle.Submit, lifecycle.ValidationPassed, lifecycle.CAIssued},
			want:  []lifecycle.State{lifecycle.Renewing, lifecycle.Renewing, lifecycle.Renewing, lifecycle.Issued},
		},
		{
			// BILLmanager lets an expired service be prolonged until it is deleted.
			name:  "ok/renew after expiry",
			start: lifecycle.Issued,
			evs:   []lifecycle.Event{lifecycle.Expire, lifecycle.Renew, lifecycle.CAIssued},
			want:  []lifecycle.State{lifecycle.Expired, lifecycle.Renewing, lifecycle.Issued},
		},
		{
			name:  "ok/failed renewal retried",
			start: lifecycle.Expired,
			evs:   []lifecycle.Event{lifecycle.Renew, lifecycle.CAFailed, lifecycle.Retry, lifecycle.Submit, lifecycle.CAIssued},
			want: []lifecycle.State{lifecycle.Renewing, lifecycle.Failed, lifecycle.Submitting,
				lifecycle.AwaitingValidation, lifecycle.Issued},
		},
		{
			name:  "ok/CA cancels, retry, manual activation",
			start: lifecycle.Unpaid,
			evs: []lifecycle.Event{lifecycle.Pay, lifecycle.Submit, lifecycle.CACancelled, lifecycle.Retry,
				lifecycle.ActivateManually},
			want: []lifecycle.State{lifecycle.Submitting, lifecycle.AwaitingValidation, lifecycle.Cancelled,
				lifecycle.Submitting, lifecycle.Issued},
		},
		{
			name:  "ok/revalidation",
			start: lifecycle.AwaitingValidation,
			evs:   []lifecycle.Event{lifecycle.ValidationPassed, lifecycle.ValidationStarted, lifecycle.ValidationPassed},
			want:  []lifecycle.State{lifecycle.Processing, lifecycle.AwaitingValidation, lifecycle.Processing},
		},
		{
			name:  "ok/suspend, resume, revoke, delete",
			start: lifecycle.Issued,
			evs:   []lifecycle.Event{lifecycle.Suspend, lifecycle.Resume, lifecycle.Revoke, lifecycle.Delete},
			want:  []lifecycle.State{lifecycle.Suspended, lifecycle.Issued, lifecycle.Revoked, lifecycle.Deleted},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := walk(t, tc.start, tc.evs...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("path %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEventOnlyFrom(t *testing.T) {
	tests := []struct {
		name string
		ev   lifecycle.Event
		want []lifecycle.State // every state that accepts ev, in AllStates order
	}{
		{name: "ok/retry only after the CA failed or cancelled", ev: lifecycle.Retry,
			want: []lifecycle.State{lifecycle.Failed, lifecycle.Cancelled}},
		{name: "ok/reissue only when issued", ev: lifecycle.Reissue,
			want: []lifecycle.State{lifecycle.Issued}},
		{name: "ok/renew when issued or expired", ev: lifecycle.Renew,
			want: []lifecycle.State{lifecycle.Issued, lifecycle.Expired}},
		{name: "ok/pay only unpaid", ev: lifecycle.Pay,
			want: []lifecycle.State{lifecycle.Unpaid}},
		{name: "ok/resume only suspended", ev: lifecycle.Resume,
			want: []lifecycle.State{lifecycle.Suspended}},
		{name: "ok/delete from all but deleted", ev: lifecycle.Delete,
			want: slices.DeleteFunc(lifecycle.AllStates(), func(s lifecycle.State) bool { return s == lifecycle.Deleted })},
		{name: "ok/sync once the order may be at the CA", ev: lifecycle.Sync,
			want: slices.DeleteFunc(lifecycle.AllStates(), func(s lifecycle.State) bool {
				return s == lifecycle.Unpaid || s == lifecycle.Deleted
			})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []lifecycle.State
			for _, s := range lifecycle.AllStates() {
				if _, err := lifecycle.Next(s, tc.ev); err == nil {
					got = append(got, s)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q accepted in %v, want %v", tc.ev, got, tc.want)
			}
		})
	}
}

func TestSyncNeverChangesState(t *testing.T) {
	for _, s := range lifecycle.AllStates() {
		got, err := lifecycle.Next(s, lifecycle.Sync)
		if err == nil && got != s {
			t.Errorf("Next(%q, sync) = %q, want no change", s, got)
		}
	}
}

func TestTerminal(t *testing.T) {
	for _, s := range lifecycle.AllStates() {
		want := s == lifecycle.Deleted
		if got := lifecycle.Terminal(s); got != want {
			t.Errorf("Terminal(%q) = %v, want %v", s, got, want)
		}
		if got := len(lifecycle.Allowed(s)) == 0; got != want {
			t.Errorf("Allowed(%q) = %v; empty = %v, want %v", s, lifecycle.Allowed(s), got, want)
		}
	}
	if lifecycle.Terminal("bogus") {
		t.Error(`Terminal("bogus") = true, want false`)
	}
}

func TestAllowed(t *testing.T) {
	tests := []struct {
		name string
		from lifecycle.State
		want []lifecycle.Event
	}{
		{name: "ok/unpaid", from: lifecycle.Unpaid, want: []lifecycle.Event{lifecycle.Pay, lifecycle.Delete}},
		{name: "ok/issued", from: lifecycle.Issued, want: []lifecycle.Event{lifecycle.Reissue, lifecycle.Renew,
			lifecycle.Suspend, lifecycle.Revoke, lifecycle.Expire, lifecycle.Delete, lifecycle.Sync}},
		{name: "ok/failed", from: lifecycle.Failed, want: []lifecycle.Event{lifecycle.ActivateManually,
			lifecycle.Retry, lifecycle.Delete, lifecycle.Sync}},
		{name: "ok/expired", from: lifecycle.Expired, want: []lifecycle.Event{lifecycle.Renew, lifecycle.Delete, lifecycle.Sync}},
		{name: "ok/deleted", from: lifecycle.Deleted, want: nil},
		{name: "error/unknown state", from: "bogus", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lifecycle.Allowed(tc.from); !slices.Equal(got, tc.want) {
				t.Errorf("Allowed(%q) = %v, want %v", tc.from, got, tc.want)
			}
		})
	}
}

// TestAllowedMatchesNext checks that Allowed is exactly the set Next accepts,
// in AllEvents order, and is the same on every call.
func TestAllowedMatchesNext(t *testing.T) {
	for _, s := range lifecycle.AllStates() {
		var want []lifecycle.Event
		for _, ev := range lifecycle.AllEvents() {
			if _, err := lifecycle.Next(s, ev); err == nil {
				want = append(want, ev)
			}
		}
		for range 5 {
			if got := lifecycle.Allowed(s); !slices.Equal(got, want) {
				t.Fatalf("Allowed(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

// TestReachable checks that every state can be reached from Unpaid.
func TestReachable(t *testing.T) {
	seen := map[lifecycle.State]bool{lifecycle.Unpaid: true}
	queue := []lifecycle.State{lifecycle.Unpaid}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, ev := range lifecycle.Allowed(s) {
			next, err := lifecycle.Next(s, ev)
			if err != nil {
				t.Fatalf("Next(%q, %q) refused an allowed event: %v", s, ev, err)
			}
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	for _, s := range lifecycle.AllStates() {
		if !seen[s] {
			t.Errorf("state %q is unreachable from %q", s, lifecycle.Unpaid)
		}
	}
}

func TestBillable(t *testing.T) {
	for _, ev := range lifecycle.AllEvents() {
		want := ev == lifecycle.Pay || ev == lifecycle.Renew
		if got := lifecycle.Billable(ev); got != want {
			t.Errorf("Billable(%q) = %v, want %v", ev, got, want)
		}
	}
}

var snakeCase = regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)

func TestStableValues(t *testing.T) {
	// The stored forms are a database enum: changing one needs a migration.
	wantStates := []string{"unpaid", "submitting", "awaiting_validation", "processing", "issued", "reissuing",
		"renewing", "failed", "cancelled", "suspended", "revoked", "expired", "deleted"}
	var gotStates []string
	for _, s := range lifecycle.AllStates() {
		gotStates = append(gotStates, s.String())
	}
	if !slices.Equal(gotStates, wantStates) {
		t.Errorf("AllStates() = %v, want %v", gotStates, wantStates)
	}
	seen := map[string]bool{}
	for _, ev := range lifecycle.AllEvents() {
		if !snakeCase.MatchString(string(ev)) || seen[string(ev)] {
			t.Errorf("event %q is not unique snake_case", ev)
		}
		seen[string(ev)] = true
	}
	if n := len(lifecycle.AllEvents()); n != 18 {
		t.Errorf("len(AllEvents()) = %d, want 18", n)
	}
	// The returned slices are copies.
	lifecycle.AllStates()[0] = "x"
	lifecycle.AllEvents()[0] = "x"
	if lifecycle.AllStates()[0] != lifecycle.Unpaid || lifecycle.AllEvents()[0] != lifecycle.Pay {
		t.Error("AllStates or AllEvents exposes the package's slice")
	}
}

func TestParseState(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    lifecycle.State
		wantErr bool
	}{
		{name: "ok/unpaid", in: "unpaid", want: lifecycle.Unpaid},
		{name: "ok/awaiting validation", in: "awaiting_validation", want: lifecycle.AwaitingValidation},
		{name: "ok/deleted", in: "deleted", want: lifecycle.Deleted},
		{name: "error/empty", in: "", wantErr: true},
		{name: "error/case", in: "Issued", wantErr: true},
		{name: "error/spaces", in: "awaiting validation", wantErr: true},
		{name: "error/unknown", in: "pending", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lifecycle.ParseState(tc.in)
			if tc.wantErr {
				if err == nil || !errors.Is(err, errkind.InvalidArgument) {
					t.Fatalf("ParseState(%q) = %q, %v; want an InvalidArgument error", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseState(%q) = %q, %v; want %q, nil", tc.in, got, err, tc.want)
			}
		})
	}
	for _, s := range lifecycle.AllStates() {
		if got, err := lifecycle.ParseState(string(s)); err != nil || got != s {
			t.Errorf("ParseState(%q) = %q, %v; want round trip", s, got, err)
		}
	}
}

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    lifecycle.Event
		wantErr bool
	}{
		{name: "ok/renew", in: "renew", want: lifecycle.Renew},
		{name: "ok/activate manually", in: "activate_manually", want: lifecycle.ActivateManually},
		{name: "error/empty", in: "", wantErr: true},
		{name: "error/unknown", in: "prolong", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lifecycle.ParseEvent(tc.in)
			if tc.wantErr {
				if err == nil || !errors.Is(err, errkind.InvalidArgument) {
					t.Fatalf("ParseEvent(%q) = %q, %v; want an InvalidArgument error", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseEvent(%q) = %q, %v; want %q, nil", tc.in, got, err, tc.want)
			}
		})
	}
	for _, ev := range lifecycle.AllEvents() {
		if got, err := lifecycle.ParseEvent(string(ev)); err != nil || got != ev {
			t.Errorf("ParseEvent(%q) = %q, %v; want round trip", ev, got, err)
		}
	}
}
