package lifecycle

import "fmt"

// Report is what a CA says about an order, normalised: the state of the
// order at the CA. Providers report it (provider.State is this type), and
// React turns it into the events to apply. The values are stable strings;
// ReportNone ("") is an answer that says nothing about the state.
type Report string

// The CA's reports.
const (
	// ReportNone: the answer carries no state (a validation change, say).
	ReportNone Report = ""
	// ReportSubmitted: the CA has the order; details are pending.
	ReportSubmitted Report = "submitted"
	// ReportAwaitingDCV: the CA waits for domain validation.
	ReportAwaitingDCV Report = "awaiting_dcv"
	// ReportProcessing: the CA is vetting or signing.
	ReportProcessing Report = "processing"
	// ReportIssued: the CA issued; the answer carries the certificate.
	ReportIssued Report = "issued"
	// ReportReissuing: the CA is reissuing the order's certificate.
	ReportReissuing Report = "reissuing"
	// ReportCancelled: the CA cancelled (or refunded) the order.
	ReportCancelled Report = "cancelled"
	// ReportRevoked: the CA revoked the order's certificate.
	ReportRevoked Report = "revoked"
	// ReportFailed: the CA rejected the order or its validation failed.
	ReportFailed Report = "failed"
	// ReportExpired: the order, or its certificate, expired at the CA.
	ReportExpired Report = "expired"
)

var allReports = []Report{
	ReportNone, ReportSubmitted, ReportAwaitingDCV, ReportProcessing, ReportIssued, ReportReissuing,
	ReportCancelled, ReportRevoked, ReportFailed, ReportExpired,
}

// AllReports returns every report, ReportNone first. The slice is a fresh
// copy.
func AllReports() []Report { return append([]Report(nil), allReports...) }

// Valid reports whether r is one of AllReports.
func (r Report) Valid() bool {
	for _, x := range allReports {
		if x == r {
			return true
		}
	}
	return false
}

// String returns the stored form of r.
func (r Report) String() string { return string(r) }

// Verdict is what React decides about a CA's report.
type Verdict string

// The verdicts.
const (
	// Move: apply Reaction.Events in order; Next accepts each in turn.
	Move Verdict = "move"
	// Stay: the report agrees with the state, or is progress the state
	// machine does not record (the CA still validating). Nothing changes
	// state; the caller stores the answer's details (validation
	// instructions, the CA's order id, a certificate it sends again).
	Stay Verdict = "stay"
	// Ignore: the report does not concern the order in its state: it is
	// stale (the order failed, was cancelled, revoked, expired or deleted
	// here already) or the state is decided locally (the end of the paid
	// term). Nothing changes state.
	Ignore Verdict = "ignore"
	// NeedsOperator: the report contradicts the state and no event
	// resolves it safely (the CA issued an order that failed here, or
	// cancelled a certificate that is issued here). Nothing changes state;
	// the caller records Reaction.Reason on the order and stops polling, and
	// an operator decides (activate by hand, override the state, revoke).
	NeedsOperator Verdict = "needs_operator"
)

// Reaction is React's answer.
type Reaction struct {
	Verdict Verdict
	// Events are the events to apply in order, for Move; nil otherwise.
	Events []Event
	// Reason says why, for Ignore and NeedsOperator (for the log and the
	// order's status message); "" otherwise.
	Reason string
}

func move(evs ...Event) Reaction { return Reaction{Verdict: Move, Events: evs} }

var stay = Reaction{Verdict: Stay}

func ignore(why string) Reaction { return Reaction{Verdict: Ignore, Reason: why} }

func operator(why string) Reaction { return Reaction{Verdict: NeedsOperator, Reason: why} }

// Reasons shared by several pairs of the report table.
const (
	whyNotAtCA     = "the order is not at the CA yet"
	whyStale       = "the order is no longer at work at the CA here; the report is stale"
	whyLocalTerm   = "the paid term, not the CA, decides when the order expires"
	whyDeleted     = "the order is deleted"
	whyIssuedAhead = "the certificate is issued; the CA's report lags behind"
	whyIssuedAfter = "the CA reports the order issued, but it ended here: check it at the CA, then activate it by hand or leave it"
	whyIssuedEnded = "the CA reports the issued order %s: check it at the CA, then revoke the certificate here or keep it"
)

// reactions is the CA-report table: state → report → reaction. Every state
// has every report; the test checks that every Move is accepted by Next.
//
// Before an order is issued (submitting, awaiting validation, processing)
// the CA's progress moves it forward; a report of failure, cancellation,
// revocation or expiry ends it: failed (revoked or expired before we held a
// certificate: nothing was delivered, and Retry orders again for free) or
// cancelled. A submitting order is first marked submitted (Submit), as the
// report proves the CA has it.
//
// A reissue (reissuing) ends with the new certificate (reissue_issued) or,
// failed or cancelled, with the old certificate standing (issued); a
// revocation ends the reissue and revokes the order (ca_failed, revoke).
//
// A renewal (renewing) ends with the new certificate (ca_issued), or failed
// or cancelled like a new order; a revocation fails it. Expired and
// reissuing reports are the old term's certificate and change nothing.
//
// An issued or suspended certificate follows the CA's revocation only;
// failed and cancelled reports need an operator; progress reports lag and
// are ignored, and expiry follows the paid term.
//
// Failed, cancelled, revoked, expired and deleted orders ignore the CA
// (its answer is about an order that ended here), except that a CA issuing
// a failed or cancelled order needs an operator.
var reactions = map[State]map[Report]Reaction{
	Unpaid: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyNotAtCA),
		ReportAwaitingDCV: ignore(whyNotAtCA),
		ReportProcessing:  ignore(whyNotAtCA),
		ReportIssued:      ignore(whyNotAtCA),
		ReportReissuing:   ignore(whyNotAtCA),
		ReportCancelled:   ignore(whyNotAtCA),
		ReportRevoked:     ignore(whyNotAtCA),
		ReportFailed:      ignore(whyNotAtCA),
		ReportExpired:     ignore(whyNotAtCA),
	},
	Submitting: {
		ReportNone:        stay,
		ReportSubmitted:   move(Submit),
		ReportAwaitingDCV: move(Submit),
		ReportProcessing:  move(Submit, ValidationPassed),
		ReportIssued:      move(Submit, CAIssued),
		// The CA has the order and works on it; a reissue of an order we
		// have not seen issued is its business.
		ReportReissuing: move(Submit),
		ReportCancelled: move(Submit, CACancelled),
		ReportRevoked:   move(Submit, CAFailed),
		ReportFailed:    move(CAFailed),
		ReportExpired:   move(CAFailed),
	},
	AwaitingValidation: {
		ReportNone:        stay,
		ReportSubmitted:   stay,
		ReportAwaitingDCV: stay,
		ReportProcessing:  move(ValidationPassed),
		ReportIssued:      move(CAIssued),
		ReportReissuing:   stay,
		ReportCancelled:   move(CACancelled),
		ReportRevoked:     move(CAFailed),
		ReportFailed:      move(CAFailed),
		ReportExpired:     move(CAFailed),
	},
	Processing: {
		ReportNone:        stay,
		ReportSubmitted:   stay,
		ReportAwaitingDCV: move(ValidationStarted),
		ReportProcessing:  stay,
		ReportIssued:      move(CAIssued),
		ReportReissuing:   stay,
		ReportCancelled:   move(CACancelled),
		ReportRevoked:     move(CAFailed),
		ReportFailed:      move(CAFailed),
		ReportExpired:     move(CAFailed),
	},
	Issued: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyIssuedAhead),
		ReportAwaitingDCV: ignore(whyIssuedAhead),
		ReportProcessing:  ignore(whyIssuedAhead),
		ReportIssued:      stay,
		ReportReissuing:   ignore(whyIssuedAhead),
		ReportCancelled:   operator(fmt.Sprintf(whyIssuedEnded, "cancelled")),
		ReportRevoked:     move(Revoke),
		ReportFailed:      operator(fmt.Sprintf(whyIssuedEnded, "failed")),
		ReportExpired:     ignore(whyLocalTerm),
	},
	Reissuing: {
		ReportNone:        stay,
		ReportSubmitted:   stay,
		ReportAwaitingDCV: stay,
		ReportProcessing:  stay,
		ReportIssued:      move(ReissueIssued),
		ReportReissuing:   stay,
		ReportCancelled:   move(CACancelled),
		ReportRevoked:     move(CAFailed, Revoke),
		ReportFailed:      move(CAFailed),
		// The certificate being reissued reached its end; the reissue goes
		// on, and the paid term decides expiry.
		ReportExpired: stay,
	},
	Renewing: {
		ReportNone:        stay,
		ReportSubmitted:   stay,
		ReportAwaitingDCV: stay,
		ReportProcessing:  stay,
		ReportIssued:      move(CAIssued),
		ReportReissuing:   stay,
		ReportCancelled:   move(CACancelled),
		ReportRevoked:     move(CAFailed),
		ReportFailed:      move(CAFailed),
		ReportExpired:     stay,
	},
	Failed: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyStale),
		ReportAwaitingDCV: ignore(whyStale),
		ReportProcessing:  ignore(whyStale),
		ReportIssued:      operator(whyIssuedAfter),
		ReportReissuing:   ignore(whyStale),
		ReportCancelled:   ignore(whyStale),
		ReportRevoked:     ignore(whyStale),
		ReportFailed:      stay,
		ReportExpired:     ignore(whyStale),
	},
	Cancelled: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyStale),
		ReportAwaitingDCV: ignore(whyStale),
		ReportProcessing:  ignore(whyStale),
		ReportIssued:      operator(whyIssuedAfter),
		ReportReissuing:   ignore(whyStale),
		ReportCancelled:   stay,
		ReportRevoked:     ignore(whyStale),
		ReportFailed:      ignore(whyStale),
		ReportExpired:     ignore(whyStale),
	},
	Suspended: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyIssuedAhead),
		ReportAwaitingDCV: ignore(whyIssuedAhead),
		ReportProcessing:  ignore(whyIssuedAhead),
		ReportIssued:      stay,
		ReportReissuing:   ignore(whyIssuedAhead),
		ReportCancelled:   operator(fmt.Sprintf(whyIssuedEnded, "cancelled")),
		ReportRevoked:     move(Revoke),
		ReportFailed:      operator(fmt.Sprintf(whyIssuedEnded, "failed")),
		ReportExpired:     ignore(whyLocalTerm),
	},
	Revoked: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyStale),
		ReportAwaitingDCV: ignore(whyStale),
		ReportProcessing:  ignore(whyStale),
		ReportIssued:      ignore(whyStale),
		ReportReissuing:   ignore(whyStale),
		ReportCancelled:   ignore(whyStale),
		ReportRevoked:     stay,
		ReportFailed:      ignore(whyStale),
		ReportExpired:     ignore(whyStale),
	},
	Expired: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyStale),
		ReportAwaitingDCV: ignore(whyStale),
		ReportProcessing:  ignore(whyStale),
		ReportIssued:      ignore(whyLocalTerm),
		ReportReissuing:   ignore(whyStale),
		ReportCancelled:   ignore(whyStale),
		ReportRevoked:     ignore(whyStale),
		ReportFailed:      ignore(whyStale),
		ReportExpired:     stay,
	},
	Deleted: {
		ReportNone:        stay,
		ReportSubmitted:   ignore(whyDeleted),
		ReportAwaitingDCV: ignore(whyDeleted),
		ReportProcessing:  ignore(whyDeleted),
		ReportIssued:      ignore(whyDeleted),
		ReportReissuing:   ignore(whyDeleted),
		ReportCancelled:   ignore(whyDeleted),
		ReportRevoked:     ignore(whyDeleted),
		ReportFailed:      ignore(whyDeleted),
		ReportExpired:     ignore(whyDeleted),
	},
}

// React is what an order in state from does about the CA's report r: the
// events to apply in order (Move), or that the report changes nothing
// (Stay), is ignored (Ignore) or needs an operator (NeedsOperator). For
// every valid (state, report) pair, the events of a Move are accepted by
// Next one after another from from; no other reaction carries events. An
// unknown state or report needs an operator.
//
// The pairs the worker's old mapping turned into events Next refuses now
// react as follows: submitting + cancelled → submit, ca_cancelled
// (cancelled); submitting + revoked and awaiting validation, processing or
// renewing + revoked → ca_failed (failed: no certificate was delivered, a
// retry orders again for free); reissuing + revoked → ca_failed, revoke
// (revoked); unpaid, failed, cancelled, revoked, expired and deleted +
// failed, cancelled or revoked → ignored (or stay where the report agrees).
//
// Events that carry a certificate (ca_issued, reissue_issued) come only from
// ReportIssued, whose answer carries the chain; activate_manually, an
// administrator's event, never comes from the CA.
func React(from State, r Report) Reaction {
	byReport, ok := reactions[from]
	if !ok {
		return operator(fmt.Sprintf("unknown certificate state %q", string(from)))
	}
	re, ok := byReport[r]
	if !ok {
		return operator(fmt.Sprintf("the CA reports the unknown state %q", string(r)))
	}
	re.Events = append([]Event(nil), re.Events...)
	if len(re.Events) == 0 {
		re.Events = nil
	}
	return re
}
