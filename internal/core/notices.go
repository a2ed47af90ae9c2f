package core

import (
	"context"
	"fmt"
	"strings"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/outbox"
)

// EventAutoRenewFailed is the history event of an auto-renewal the worker
// could not charge for.
const EventAutoRenewFailed = "auto_renew_failed"

// noticeOf is the notice an event of c (c in its new state) tells, or nil:
// the outbox's notices are written with the certificate events, in the
// transaction of their cause (see writeEvents).
func noticeOf(c *ent.Certificate, event string, from lifecycle.State, st Step) *outbox.Notice {
	to := lifecycle.State(c.State)
	var t outbox.Type
	switch ev := lifecycle.Event(event); {
	case to == lifecycle.AwaitingValidation && from != lifecycle.AwaitingValidation,
		ev == lifecycle.ValidationStarted && from != lifecycle.AwaitingValidation:
		t = outbox.ValidationNeeded
	case to == lifecycle.Issued && from == lifecycle.Renewing:
		t = outbox.Renewed
	case to == lifecycle.Issued && (ev == lifecycle.CAIssued || ev == lifecycle.ReissueIssued || ev == lifecycle.ActivateManually):
		t = outbox.Issued
	case to == lifecycle.Failed && from != lifecycle.Failed,
		ev == lifecycle.CAFailed && from == lifecycle.Reissuing:
		t = outbox.Failed
	case to == lifecycle.Revoked && from != lifecycle.Revoked:
		t = outbox.Revoked
	case event == EventAutoRenewFailed:
		t = outbox.RenewalNoMoney
	default:
		return nil
	}
	return noticeFor(c, t, st)
}

// noticeFor is the notice of type t about c (c in its new state), with the
// data t needs.
func noticeFor(c *ent.Certificate, t outbox.Type, st Step) *outbox.Notice {
	to := lifecycle.State(c.State)
	names := append([]string{c.CommonName}, c.ExtraNames...)
	d := outbox.Data{CommonName: c.CommonName, Names: names, State: c.State.String(),
		LegacyStatus: lifecycle.Legacy(to).ItemStatusName, NotAfter: c.NotAfter, Currency: c.Currency}
	switch t {
	case outbox.ValidationNeeded:
		d.Validations = validationsOf(c)
	case outbox.Failed, outbox.Revoked, outbox.RenewalNoMoney:
		d.Reason = st.Message
	}
	if st.Amount != 0 {
		d.AmountMinor = -st.Amount
	}
	return &outbox.Notice{Type: t, AccountID: c.AccountID, CertificateID: c.ID, Data: d}
}

// validationsOf is what to publish for each name of c still to validate.
func validationsOf(c *ent.Certificate) []outbox.Validation {
	var out []outbox.Validation
	for _, v := range c.Validations {
		if v.Status == "valid" {
			continue
		}
		ov := outbox.Validation{Name: v.Domain, Approver: v.Email}
		switch m := strings.ToLower(v.Method); {
		case strings.Contains(m, "dns"):
			ov.Method, ov.DNSName, ov.DNSType, ov.DNSValue = "dns", v.DNSName, v.DNSType, v.Value
		case strings.Contains(m, "http"):
			ov.Method, ov.HTTPURL, ov.HTTPBody = "http", v.HTTPURL, v.Value
		default:
			ov.Method = "email"
		}
		out = append(out, ov)
	}
	return out
}

// noticeOpValidation writes a certificate.validation_needed notice when the
// CA asks to validate the names of a reissue or a renewal (c, in its state
// after the CA's report r, carries the operation). A new order's notice comes
// with its awaiting_validation event (noticeOf); a reissue or a renewal
// validates without a change of state, so it is written here, once per
// operation: the key names the certificate and the operation's reference,
// however often the CA repeats its report.
func (tx *Tx) noticeOpValidation(ctx context.Context, c *ent.Certificate, r lifecycle.Report) error {
	st, op := lifecycle.State(c.State), OpOf(c)
	if r != lifecycle.ReportAwaitingDCV || c.OpRef == "" ||
		!(st == lifecycle.Reissuing && op == lifecycle.OpReissue || st == lifecycle.Renewing && op == lifecycle.OpRenew) {
		return nil
	}
	n := noticeFor(c, outbox.ValidationNeeded, Step{})
	if len(n.Data.Validations) == 0 {
		return nil // nothing to publish yet: a later report brings it
	}
	return tx.Notify(ctx, fmt.Sprintf("validation_needed:%d:%s", c.ID, c.OpRef), *n)
}

// writeEvents writes the batch of events of etx, in order, with the notice
// each tells: runs of events without one in one statement, an event with
// one alone, so that the notice's dedupe key can name the event's id.
func writeEvents(ctx context.Context, etx *ent.Tx, evs []*ent.CertificateEventCreate, ns []*outbox.Notice) (int, error) {
	written := 0
	for i := 0; i < len(evs); {
		if ns[i] == nil {
			j := i
			for j < len(evs) && ns[j] == nil {
				j++
			}
			if err := etx.CertificateEvent.CreateBulk(evs[i:j]...).Exec(ctx); err != nil {
				return written, fmt.Errorf("record %d certificate events: %w", j-i, err)
			}
			i = j
			continue
		}
		e, err := evs[i].Save(ctx)
		if err != nil {
			return written, fmt.Errorf("record a certificate event: %w", err)
		}
		if err := outbox.Add(ctx, etx.OutboxNotice, fmt.Sprintf("event:%d", e.ID), *ns[i], e.CreateTime); err != nil {
			return written, err
		}
		written++
		i++
	}
	return written, nil
}

// noticeLowBalance writes an account.balance_low notice when the movement e
// took a's balance from before to below the account's threshold.
func (tx *Tx) noticeLowBalance(ctx context.Context, a *ent.Account, e *ent.LedgerEntry, before int64) error {
	t := a.LowBalanceMinor
	if t <= 0 || e.Amount >= 0 || a.Balance >= t || before < t {
		return nil
	}
	n := outbox.Notice{Type: outbox.BalanceLow, AccountID: a.ID, Data: outbox.Data{
		AmountMinor: -e.Amount, BalanceMinor: a.Balance, ThresholdMinor: t, Currency: a.Currency}}
	return tx.Notify(ctx, fmt.Sprintf("balance_low:%d", e.ID), n)
}

// Notify writes an outbox notice under key in tx (once per key), and wakes
// the outbox's sender when tx commits.
func (tx *Tx) Notify(ctx context.Context, key string, n outbox.Notice) error {
	if err := outbox.Add(ctx, tx.OutboxNotice, key, n, tx.core.Clock()); err != nil {
		return err
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, etx *ent.Tx) error {
			if err := next.Commit(ctx, etx); err != nil {
				return err
			}
			tx.core.PokeNotices()
			return nil
		})
	})
	return nil
}
