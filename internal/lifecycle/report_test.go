package lifecycle_test

import (
	"slices"
	"testing"

	"github.com/certsvc/certsvc/internal/lifecycle"
)

type reportPair struct {
	from lifecycle.State
	r    lifecycle.Report
}

// want is one expected reaction: the verdict and, for a move, where the
// events lead.
type want struct {
	verdict lifecycle.Verdict
	to      lifecycle.State // for Move
}

func mv(to lifecycle.State) want { return want{verdict: lifecycle.Move, to: to} }

var (
	stay = want{verdict: lifecycle.Stay}
	ign  = want{verdict: lifecycle.Ignore}
	op   = want{verdict: lifecycle.NeedsOperator}
)

// wantReactions is the specification of the CA-report table, written out
// independently of the package: for every state and every report, what the
// order does. Pairs not listed are a test failure.
var wantReactions = map[lifecycle.State]map[lifecycle.Report]want{
	lifecycle.Unpaid: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": ign,
		"reissuing": ign, "cancelled": ign, "revoked": ign, "failed": ign, "expired": ign,
	},
	lifecycle.Submitting: {
		"": stay, "submitted": mv(lifecycle.AwaitingValidation), "awaiting_dcv": mv(lifecycle.AwaitingValidation),
		"processing": mv(lifecycle.Processing), "issued": mv(lifecycle.Issued), "reissuing": mv(lifecycle.AwaitingValidation),
		"cancelled": mv(lifecycle.Cancelled), "revoked": mv(lifecycle.Failed), "failed": mv(lifecycle.Failed),
		"expired": mv(lifecycle.Failed),
	},
	lifecycle.AwaitingValidation: {
		"": stay, "submitted": stay, "awaiting_dcv": stay, "processing": mv(lifecycle.Processing),
		"issued": mv(lifecycle.Issued), "reissuing": stay, "cancelled": mv(lifecycle.Cancelled),
		"revoked": mv(lifecycle.Failed), "failed": mv(lifecycle.Failed), "expired": mv(lifecycle.Failed),
	},
	lifecycle.Processing: {
		"": stay, "submitted": stay, "awaiting_dcv": mv(lifecycle.AwaitingValidation), "processing": stay,
		"issued": mv(lifecycle.Issued), "reissuing": stay, "cancelled": mv(lifecycle.Cancelled),
		"revoked": mv(lifecycle.Failed), "failed": mv(lifecycle.Failed), "expired": mv(lifecycle.Failed),
	},
	lifecycle.Issued: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": stay, "reissuing": ign,
		"cancelled": op, "revoked": mv(lifecycle.Revoked), "failed": op, "expired": ign,
	},
	lifecycle.Reissuing: {
		"": stay, "submitted": stay, "awaiting_dcv": stay, "processing": stay, "issued": mv(lifecycle.Issued),
		"reissuing": stay, "cancelled": mv(lifecycle.Issued), "revoked": mv(lifecycle.Revoked),
		"failed": mv(lifecycle.Issued), "expired": stay,
	},
	lifecycle.Renewing: {
		"": stay, "submitted": stay, "awaiting_dcv": stay, "processing": stay, "issued": mv(lifecycle.Issued),
		"reissuing": stay, "cancelled": mv(lifecycle.Cancelled), "revoked": mv(lifecycle.Failed),
		"failed": mv(lifecycle.Failed), "expired": stay,
	},
	lifecycle.Failed: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": op, "reissuing": ign,
		"cancelled": ign, "revoked": ign, "failed": stay, "expired": ign,
	},
	lifecycle.Cancelled: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": op, "reissuing": ign,
		"cancelled": stay, "revoked": ign, "failed": ign, "expired": ign,
	},
	lifecycle.Suspended: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": stay, "reissuing": ign,
		"cancelled": op, "revoked": mv(lifecycle.Revoked), "failed": op, "expired": ign,
	},
	lifecycle.Revoked: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": ign, "reissuing": ign,
		"cancelled": ign, "revoked": stay, "failed": ign, "expired": ign,
	},
	lifecycle.Expired: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": ign, "reissuing": ign,
		"cancelled": ign, "revoked": ign, "failed": ign, "expired": stay,
	},
	lifecycle.Deleted: {
		"": stay, "submitted": ign, "awaiting_dcv": ign, "processing": ign, "issued": ign, "reissuing": ign,
		"cancelled": ign, "revoked": ign, "failed": ign, "expired": ign,
	},
}

// TestReactExhaustive checks every (state, report) pair: a Move's events are
// accepted by Next one after another and lead where the specification says;
// every other verdict carries no event; reasons are given where asked.
func TestReactExhaustive(t *testing.T) {
	n := 0
	for _, from := range lifecycle.AllStates() {
		for _, r := range lifecycle.AllReports() {
			w, ok := wantReactions[from][r]
			if !ok {
				t.Errorf("(%q, %q) is missing from the specification", from, r)
				continue
			}
			n++
			got := lifecycle.React(from, r)
			if got.Verdict != w.verdict {
				t.Errorf("React(%q, %q) verdict %q, want %q", from, r, got.Verdict, w.verdict)
				continue
			}
			switch got.Verdict {
			case lifecycle.Move:
				if len(got.Events) == 0 {
					t.Errorf("React(%q, %q) moves with no event", from, r)
				}
				s := from
				for _, ev := range got.Events {
					next, err := lifecycle.Next(s, ev)
					if err != nil {
						t.Errorf("React(%q, %q) = %v: %v", from, r, got.Events, err)
						break
					}
					s = next
				}
				if s != w.to {
					t.Errorf("React(%q, %q) = %v leads to %q, want %q", from, r, got.Events, s, w.to)
				}
				if got.Reason != "" {
					t.Errorf("React(%q, %q) moves with a reason %q", from, r, got.Reason)
				}
			case lifecycle.Stay:
				if got.Events != nil || got.Reason != "" {
					t.Errorf("React(%q, %q) = %+v, want no events and no reason", from, r, got)
				}
			case lifecycle.Ignore, lifecycle.NeedsOperator:
				if got.Events != nil || got.Reason == "" {
					t.Errorf("React(%q, %q) = %+v, want no events and a reason", from, r, got)
				}
			default:
				t.Errorf("React(%q, %q) has the unknown verdict %q", from, r, got.Verdict)
			}
			// Only an answer that carries the certificate may apply an
			// event that stores one; the CA never activates by hand.
			for _, ev := range got.Events {
				if (ev == lifecycle.CAIssued || ev == lifecycle.ReissueIssued) && r != lifecycle.ReportIssued {
					t.Errorf("React(%q, %q) applies %q without a certificate", from, r, ev)
				}
				if ev == lifecycle.ActivateManually || lifecycle.Billable(ev) {
					t.Errorf("React(%q, %q) applies the administrator's or customer's event %q", from, r, ev)
				}
			}
		}
	}
	if want := len(lifecycle.AllStates()) * len(lifecycle.AllReports()); n != want {
		t.Errorf("checked %d pairs, want %d", n, want)
	}
}

func TestReactUnknown(t *testing.T) {
	for _, tc := range []reportPair{{"bogus", lifecycle.ReportIssued}, {lifecycle.Processing, "halfway"}, {"", ""}} {
		got := lifecycle.React(tc.from, tc.r)
		if got.Verdict != lifecycle.NeedsOperator || got.Events != nil || got.Reason == "" {
			t.Errorf("React(%q, %q) = %+v, want needs_operator with a reason", tc.from, tc.r, got)
		}
	}
}

// TestReactReturnsCopies checks that a caller cannot change the table.
func TestReactReturnsCopies(t *testing.T) {
	got := lifecycle.React(lifecycle.Submitting, lifecycle.ReportIssued)
	got.Events[0] = lifecycle.Delete
	if again := lifecycle.React(lifecycle.Submitting, lifecycle.ReportIssued); again.Events[0] != lifecycle.Submit {
		t.Fatalf("React exposes its table: %v", again.Events)
	}
}

// oldEventsFor is the worker's mapping before the report table, kept to show
// which pairs it broke.
func oldEventsFor(from lifecycle.State, r lifecycle.Report) []lifecycle.Event {
	switch from {
	case lifecycle.Submitting:
		switch r {
		case lifecycle.ReportSubmitted, lifecycle.ReportAwaitingDCV:
			return []lifecycle.Event{lifecycle.Submit}
		case lifecycle.ReportProcessing:
			return []lifecycle.Event{lifecycle.Submit, lifecycle.ValidationPassed}
		case lifecycle.ReportIssued:
			return []lifecycle.Event{lifecycle.Submit, lifecycle.CAIssued}
		}
	case lifecycle.AwaitingValidation:
		switch r {
		case lifecycle.ReportProcessing:
			return []lifecycle.Event{lifecycle.ValidationPassed}
		case lifecycle.ReportIssued:
			return []lifecycle.Event{lifecycle.CAIssued}
		}
	case lifecycle.Processing:
		switch r {
		case lifecycle.ReportAwaitingDCV:
			return []lifecycle.Event{lifecycle.ValidationStarted}
		case lifecycle.ReportIssued:
			return []lifecycle.Event{lifecycle.CAIssued}
		}
	case lifecycle.Reissuing:
		if r == lifecycle.ReportIssued {
			return []lifecycle.Event{lifecycle.ReissueIssued}
		}
	case lifecycle.Renewing:
		if r == lifecycle.ReportIssued {
			return []lifecycle.Event{lifecycle.CAIssued}
		}
	case lifecycle.Issued, lifecycle.Suspended:
		if r == lifecycle.ReportRevoked {
			return []lifecycle.Event{lifecycle.Revoke}
		}
		return nil
	}
	switch r {
	case lifecycle.ReportFailed:
		return []lifecycle.Event{lifecycle.CAFailed}
	case lifecycle.ReportCancelled:
		return []lifecycle.Event{lifecycle.CACancelled}
	case lifecycle.ReportRevoked:
		return []lifecycle.Event{lifecycle.Revoke}
	}
	return nil
}

// TestReactFixesOldMapping checks the 24 pairs whose events Next refused
// under the old mapping (the job failed and retried for ever) against the
// new table, and that every pair the old mapping moved moves the same way.
func TestReactFixesOldMapping(t *testing.T) {
	var broken []reportPair
	for _, from := range lifecycle.AllStates() {
		for _, r := range lifecycle.AllReports() {
			evs := oldEventsFor(from, r)
			s, ok := from, true
			for _, ev := range evs {
				next, err := lifecycle.Next(s, ev)
				if err != nil {
					ok = false
					break
				}
				s = next
			}
			got := lifecycle.React(from, r)
			if !ok {
				broken = append(broken, reportPair{from, r})
				if got.Verdict == lifecycle.Move {
					if _, err := walkEvents(from, got.Events); err != nil {
						t.Errorf("React(%q, %q) still refused: %v", from, r, err)
					}
				}
				continue
			}
			if len(evs) > 0 && !slices.Equal(got.Events, evs) {
				t.Errorf("React(%q, %q) = %+v, the old mapping applied %v", from, r, got, evs)
			}
		}
	}
	if len(broken) != 24 {
		t.Errorf("the old mapping broke %d pairs, want the 24 of the issue: %v", len(broken), broken)
	}
}

func walkEvents(from lifecycle.State, evs []lifecycle.Event) (lifecycle.State, error) {
	s := from
	for _, ev := range evs {
		next, err := lifecycle.Next(s, ev)
		if err != nil {
			return s, err
		}
		s = next
	}
	return s, nil
}

func TestReportStableValues(t *testing.T) {
	want := []string{"", "submitted", "awaiting_dcv", "processing", "issued", "reissuing", "cancelled",
		"revoked", "failed", "expired"}
	var got []string
	for _, r := range lifecycle.AllReports() {
		got = append(got, r.String())
		if !r.Valid() {
			t.Errorf("%q is not Valid", r)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("AllReports() = %q, want %q", got, want)
	}
	if lifecycle.Report("done").Valid() {
		t.Error(`Report("done").Valid() = true`)
	}
	lifecycle.AllReports()[1] = "x"
	if lifecycle.AllReports()[1] != lifecycle.ReportSubmitted {
		t.Error("AllReports exposes the package's slice")
	}
}
