package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/ent/outboxnotice"
)

// Add writes n under the dedupe key key with the client of the transaction
// of its cause (tx.OutboxNotice); a notice already written under key is left
// as it is, so a scan or a step that runs twice tells once. n.ID and n.Time
// are ignored: the row's id and now are used.
func Add(ctx context.Context, c *ent.OutboxNoticeClient, key string, n Notice, now time.Time) error {
	data, err := json.Marshal(n.Data)
	if err != nil {
		return fmt.Errorf("encode notice %s: %w", key, err)
	}
	err = c.Create().SetType(string(n.Type)).SetAccountID(n.AccountID).SetCertificateID(n.CertificateID).
		SetDedupeKey(key).SetData(data).SetCreateTime(now).
		OnConflictColumns(outboxnotice.FieldDedupeKey).Ignore().Exec(ctx)
	if err != nil {
		return fmt.Errorf("write notice %s: %w", key, err)
	}
	return nil
}

// AddDirect writes n, already fanned out, with one delivery to target on
// channel: a test message to one webhook endpoint. It returns the delivery.
func AddDirect(ctx context.Context, tx *ent.Tx, key string, n Notice, channel, target string, now time.Time) (int64, error) {
	data, err := json.Marshal(n.Data)
	if err != nil {
		return 0, fmt.Errorf("encode notice %s: %w", key, err)
	}
	row, err := tx.OutboxNotice.Create().SetType(string(n.Type)).SetAccountID(n.AccountID).
		SetCertificateID(n.CertificateID).SetDedupeKey(key).SetData(data).SetCreateTime(now).SetFannedOut(true).Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("write notice %s: %w", key, err)
	}
	d, err := tx.OutboxDelivery.Create().SetNoticeID(row.ID).SetAccountID(n.AccountID).SetChannel(channel).
		SetTarget(target).SetRunTime(now).SetCreateTime(now).SetUpdateTime(now).Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("write delivery of notice %d: %w", row.ID, err)
	}
	return d.ID, nil
}

// Redeliver makes delivery id due now again, whatever became of it: its
// attempts count from zero, its log keeps the last error. It reports false
// when there is no such delivery.
func Redeliver(ctx context.Context, c *ent.OutboxDeliveryClient, id int64, now time.Time) (bool, error) {
	n, err := c.Update().Where(outboxdelivery.ID(id)).SetState(outboxdelivery.StatePending).SetRunTime(now).
		SetAttempts(0).SetLeaseOwner("").ClearLeaseTime().SetUpdateTime(now).Save(ctx)
	if err != nil {
		return false, fmt.Errorf("redeliver %d: %w", id, err)
	}
	return n > 0, nil
}

// NoticeOf converts a stored notice.
func NoticeOf(r *ent.OutboxNotice) (*Notice, error) {
	n := &Notice{ID: r.ID, Type: Type(r.Type), AccountID: r.AccountID, CertificateID: r.CertificateID, Time: r.CreateTime}
	if err := json.Unmarshal(r.Data, &n.Data); err != nil {
		return nil, fmt.Errorf("decode notice %d: %w", r.ID, err)
	}
	return n, nil
}
