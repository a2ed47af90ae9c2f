package webhook

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	"github.com/certsvc/certsvc/ent/webhookendpoint"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/store"
)

// Endpoint is what a caller sets on an endpoint.
type Endpoint struct {
	URL         string
	Description string
	EventTypes  []string
	Enabled     bool
}

// checkTypes refuses unknown notice types in a filter.
func checkTypes(types []string) error {
	for _, t := range types {
		if !outbox.Type(t).Valid() || outbox.Type(t).Operator() {
			return errkind.Invalid("event_types", "unknown event type %q", t)
		}
	}
	return nil
}

func (w *Webhooks) now() time.Time { return w.opts.Now().UTC().Truncate(time.Microsecond) }

// Create adds an endpoint to an account and returns it with its signing
// secret, which is shown this once.
func (w *Webhooks) Create(ctx context.Context, accountID int64, e Endpoint) (*ent.WebhookEndpoint, string, error) {
	if err := checkTypes(e.EventTypes); err != nil {
		return nil, "", err
	}
	if err := w.CheckURL(ctx, e.URL); err != nil {
		return nil, "", err
	}
	if _, err := w.db.Account.Get(ctx, accountID); ent.IsNotFound(err) {
		return nil, "", errkind.Field(errkind.NotFound, "account_id", "account %d not found", accountID)
	} else if err != nil {
		return nil, "", fmt.Errorf("read account %d: %w", accountID, err)
	}
	secret := NewSecret()
	sealed, err := w.seal.Seal([]byte(secret), secretAD(accountID))
	if err != nil {
		return nil, "", fmt.Errorf("seal webhook secret: %w", err)
	}
	now := w.now()
	ep, err := w.db.WebhookEndpoint.Create().SetAccountID(accountID).SetURL(e.URL).SetDescription(e.Description).
		SetEventTypes(e.EventTypes).SetEnabled(e.Enabled).SetSecret(sealed).SetCreateTime(now).SetUpdateTime(now).Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("create webhook endpoint: %w", store.Translate(err))
	}
	return ep, secret, nil
}

// Get reads an endpoint.
func (w *Webhooks) Get(ctx context.Context, id int64) (*ent.WebhookEndpoint, error) {
	ep, err := w.db.WebhookEndpoint.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, errkind.Field(errkind.NotFound, "id", "webhook endpoint %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read webhook endpoint %d: %w", id, err)
	}
	return ep, nil
}

// List lists the endpoints of an account (every account when 0) after id
// after, by id.
func (w *Webhooks) List(ctx context.Context, accountID, after int64, limit int) ([]*ent.WebhookEndpoint, error) {
	q := w.db.WebhookEndpoint.Query().Where(webhookendpoint.IDGT(after)).Order(ent.Asc(webhookendpoint.FieldID)).Limit(limit)
	if accountID != 0 {
		q.Where(webhookendpoint.AccountID(accountID))
	}
	eps, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	return eps, nil
}

// Update sets the fields of e that fields names ("url", "description",
// "event_types", "enabled") on the endpoint id; only those are checked, so
// that switching an endpoint off does not depend on its URL still
// resolving to a public address.
func (w *Webhooks) Update(ctx context.Context, id int64, e Endpoint, fields []string) (*ent.WebhookEndpoint, error) {
	var apply []func(*ent.WebhookEndpointUpdate)
	for _, f := range fields {
		switch f {
		case "url":
			if err := w.CheckURL(ctx, e.URL); err != nil {
				return nil, err
			}
			apply = append(apply, func(u *ent.WebhookEndpointUpdate) { u.SetURL(e.URL) })
		case "description":
			apply = append(apply, func(u *ent.WebhookEndpointUpdate) { u.SetDescription(e.Description) })
		case "event_types":
			if err := checkTypes(e.EventTypes); err != nil {
				return nil, err
			}
			apply = append(apply, func(u *ent.WebhookEndpointUpdate) { u.SetEventTypes(e.EventTypes) })
		case "enabled":
			apply = append(apply, func(u *ent.WebhookEndpointUpdate) { u.SetEnabled(e.Enabled) })
		default:
			return nil, errkind.Invalid("update_mask", "unknown field %q", f)
		}
	}
	// Read, then Update, not UpdateOneID: the answer is the endpoint with
	// the changes applied (store.Applied), not the row read back after the
	// update.
	now := w.now()
	ep, err := store.InTx(ctx, w.db, func(tx *ent.Tx) (*ent.WebhookEndpoint, error) {
		ep, err := tx.WebhookEndpoint.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		u := tx.WebhookEndpoint.Update().Where(webhookendpoint.ID(id)).SetUpdateTime(now)
		for _, f := range apply {
			f(u)
		}
		if _, err := u.Save(ctx); err != nil {
			return nil, err
		}
		return store.Applied(ep, u.Mutation())
	})
	if ent.IsNotFound(err) {
		return nil, errkind.Field(errkind.NotFound, "id", "webhook endpoint %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("update webhook endpoint %d: %w", id, store.Translate(err))
	}
	return ep, nil
}

// Delete deletes an endpoint; its pending deliveries are given up when
// they are next tried.
func (w *Webhooks) Delete(ctx context.Context, id int64) error {
	err := w.db.WebhookEndpoint.DeleteOneID(id).Exec(ctx)
	if ent.IsNotFound(err) {
		return errkind.Field(errkind.NotFound, "id", "webhook endpoint %d not found", id)
	}
	if err != nil {
		return fmt.Errorf("delete webhook endpoint %d: %w", id, err)
	}
	return nil
}

// Rotate gives the endpoint a new signing secret, returned this once; the
// old one keeps signing beside it for Options.RotationGrace.
func (w *Webhooks) Rotate(ctx context.Context, ep *ent.WebhookEndpoint) (*ent.WebhookEndpoint, string, error) {
	secret := NewSecret()
	sealed, err := w.seal.Seal([]byte(secret), secretAD(ep.AccountID))
	if err != nil {
		return nil, "", fmt.Errorf("seal webhook secret: %w", err)
	}
	now := w.now()
	// Update, not UpdateOne: the answer is ep with the new secrets applied
	// (store.Applied), not the row read back. Only where the secret is still
	// the one ep holds: of two rotations at once, the one that would make
	// the other's new secret its previous one unknowingly (and so drop a
	// secret a caller was given) finds no row and is told to try again.
	upd := w.db.WebhookEndpoint.Update().Where(webhookendpoint.ID(ep.ID), webhookendpoint.Secret(ep.Secret)).
		SetSecret(sealed).SetPreviousSecret(ep.Secret).SetPreviousSecretUntil(now.Add(w.opts.RotationGrace)).SetUpdateTime(now)
	n, err := upd.Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("rotate the secret of webhook endpoint %d: %w", ep.ID, err)
	}
	if n == 0 {
		return nil, "", errkind.Field(errkind.Aborted, "id",
			"webhook endpoint %d was changed (rotated or deleted) meanwhile; try again", ep.ID)
	}
	if ep, err = store.Applied(ep, upd.Mutation()); err != nil {
		return nil, "", err
	}
	return ep, secret, nil
}

// SendTest queues a test notice to the endpoint alone and returns its
// delivery; the outbox sends it like any other.
func (w *Webhooks) SendTest(ctx context.Context, ep *ent.WebhookEndpoint) (int64, error) {
	now := w.now()
	n := outbox.Notice{Type: outbox.Test, AccountID: ep.AccountID}
	key := fmt.Sprintf("test:%d:%s", ep.ID, NewSecret()[6:22])
	return store.InTx(ctx, w.db, func(tx *ent.Tx) (int64, error) {
		return outbox.AddDirect(ctx, tx, key, n, ChannelName, strconv.FormatInt(ep.ID, 10), now)
	})
}

// Deliveries lists the deliveries to an endpoint, newest first, before id
// before (all when 0).
func (w *Webhooks) Deliveries(ctx context.Context, ep *ent.WebhookEndpoint, before int64, limit int) ([]*ent.OutboxDelivery, map[int64]*ent.OutboxNotice, error) {
	q := w.db.OutboxDelivery.Query().Where(outboxdelivery.Channel(ChannelName),
		outboxdelivery.Target(strconv.FormatInt(ep.ID, 10))).Order(ent.Desc(outboxdelivery.FieldID)).Limit(limit)
	if before > 0 {
		q.Where(outboxdelivery.IDLT(before))
	}
	ds, err := q.All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list deliveries of webhook endpoint %d: %w", ep.ID, err)
	}
	ids := make([]int64, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.NoticeID)
	}
	ns, err := w.db.OutboxNotice.Query().Where(outboxnotice.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read notices: %w", err)
	}
	byID := make(map[int64]*ent.OutboxNotice, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	return ds, byID, nil
}

// Delivery reads a webhook delivery and its endpoint.
func (w *Webhooks) Delivery(ctx context.Context, id int64) (*ent.OutboxDelivery, *ent.WebhookEndpoint, error) {
	d, err := w.db.OutboxDelivery.Query().Where(outboxdelivery.ID(id), outboxdelivery.Channel(ChannelName)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, errkind.Field(errkind.NotFound, "delivery_id", "webhook delivery %d not found", id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read delivery %d: %w", id, err)
	}
	epID, _ := strconv.ParseInt(d.Target, 10, 64)
	ep, err := w.Get(ctx, epID)
	if err != nil {
		return nil, nil, errkind.Field(errkind.NotFound, "delivery_id", "webhook delivery %d not found", id)
	}
	return d, ep, nil
}

// Redeliver makes a delivery due again now.
func (w *Webhooks) Redeliver(ctx context.Context, id int64) (*ent.OutboxDelivery, error) {
	if _, err := outbox.Redeliver(ctx, w.db.OutboxDelivery, id, w.now()); err != nil {
		return nil, err
	}
	return w.db.OutboxDelivery.Get(ctx, id)
}

// NoticeType is the type of a notice.
func (w *Webhooks) NoticeType(ctx context.Context, id int64) (string, error) {
	n, err := w.db.OutboxNotice.Get(ctx, id)
	if err != nil {
		return "", fmt.Errorf("read notice %d: %w", id, err)
	}
	return n.Type, nil
}
