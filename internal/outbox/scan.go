package outbox

import (
	"context"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/ent/outboxnotice"
)

// ScanExpiring writes a certificate.expiring notice for every issued
// certificate whose end is at most d days away, for the smallest d of
// Options.ExpiryDays it has reached, under the key "expiring:<id>:<d>", so a
// reminder is written once however often the scan runs. A certificate that
// was renewed or reissued meanwhile has a later end and is not announced;
// one no longer issued (revoked, expired, replaced) is not either. It
// returns how many certificates it looked at.
func (b *Outbox) ScanExpiring(ctx context.Context) (int, error) {
	days := slices.Sorted(slices.Values(b.opts.ExpiryDays))
	if len(days) == 0 {
		return 0, nil
	}
	now := b.now()
	horizon := now.Add(time.Duration(days[len(days)-1]) * 24 * time.Hour)
	var after int64
	n := 0
	for {
		cs, err := b.db.Certificate.Query().Where(certificate.StateEQ(certificate.StateIssued),
			certificate.NotAfterNotNil(), certificate.NotAfterGT(now), certificate.NotAfterLTE(horizon),
			certificate.IDGT(after)).Order(ent.Asc(certificate.FieldID)).Limit(500).
			Select(certificate.FieldID, certificate.FieldAccountID, certificate.FieldCommonName,
				certificate.FieldExtraNames, certificate.FieldState, certificate.FieldNotAfter).All(ctx)
		if err != nil {
			return n, fmt.Errorf("read expiring certificates: %w", err)
		}
		for _, c := range cs {
			left := c.NotAfter.Sub(now)
			i := slices.IndexFunc(days, func(d int) bool { return left <= time.Duration(d)*24*time.Hour })
			if i < 0 {
				continue
			}
			d := days[i]
			na := *c.NotAfter
			key := fmt.Sprintf("expiring:%d:%d:%d", c.ID, d, na.Unix())
			nt := Notice{Type: Expiring, AccountID: c.AccountID, CertificateID: c.ID, Data: Data{
				CommonName: c.CommonName, Names: append([]string{c.CommonName}, c.ExtraNames...), State: string(c.State),
				NotAfter: &na, DaysLeft: int(left.Hours()/24 + 0.999),
			}}
			if err := Add(ctx, b.db.OutboxNotice, key, nt, now); err != nil {
				return n, err
			}
			n++
		}
		if len(cs) < 500 {
			return n, nil
		}
		after = cs[len(cs)-1].ID
	}
}

// Retention is how long sent and dead deliveries, and notices with no
// delivery left, are kept.
const Retention = 30 * 24 * time.Hour

// Purge deletes the deliveries that ended (sent or dead) longer than
// Retention ago and the notices older than that with no delivery left. It
// returns how many rows it deleted.
func (b *Outbox) Purge(ctx context.Context) (int, error) {
	cutoff := b.now().Add(-Retention)
	nd, err := b.db.OutboxDelivery.Delete().Where(outboxdelivery.StateNEQ(outboxdelivery.StatePending),
		outboxdelivery.UpdateTimeLT(cutoff)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge deliveries: %w", err)
	}
	nn, err := b.db.OutboxNotice.Delete().Where(outboxnotice.FannedOut(true), outboxnotice.CreateTimeLT(cutoff),
		func(s *sql.Selector) {
			d := sql.Table(outboxdelivery.Table)
			s.Where(sql.NotExists(sql.Select(d.C(outboxdelivery.FieldID)).From(d).
				Where(sql.ColumnsEQ(d.C(outboxdelivery.FieldNoticeID), s.C(outboxnotice.FieldID)))))
		}).Exec(ctx)
	if err != nil {
		return nd, fmt.Errorf("purge notices: %w", err)
	}
	return nd + nn, nil
}
