package schema

import (
	"encoding/json"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OutboxNotice is one thing to tell someone (internal/outbox.Notice),
// written in the transaction of its cause. dedupe_key makes a notice that a
// scan or a retried step could write twice ("expiring:<cert>:<days>",
// "event:<certificate event id>") a single row. account_id 0 is an operator
// notice. fanned_out is set when its deliveries are written.
type OutboxNotice struct{ ent.Schema }

// Mixin of the OutboxNotice.
func (OutboxNotice) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the OutboxNotice.
func (OutboxNotice) Fields() []ent.Field {
	return []ent.Field{
		field.String("type").MaxLen(64).Immutable(),
		field.Int64("account_id").Default(0).Immutable(),
		field.Int64("certificate_id").Default(0).Immutable(),
		field.String("dedupe_key").MaxLen(191).Immutable(),
		// data is the snapshot a message is rendered from (outbox.Data).
		field.JSON("data", json.RawMessage{}).Immutable(),
		field.Bool("fanned_out").Default(false),
	}
}

// Indexes of the OutboxNotice: one row per dedupe key; notices to fan out
// are found by (fanned_out, id).
func (OutboxNotice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("dedupe_key").Unique(),
		index.Fields("fanned_out", "id"),
		index.Fields("account_id", "id"),
	}
}

// OutboxDelivery is one notice on its way to one target of one channel, and
// the log of its attempts. state is pending (due at run_time), sent or dead
// (given up). A sender leases a due delivery (lease_owner, lease_time) and
// commits the lease before it sends, as the worker does with jobs.
type OutboxDelivery struct{ ent.Schema }

// Mixin of the OutboxDelivery.
func (OutboxDelivery) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the OutboxDelivery.
func (OutboxDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("notice_id").Immutable(),
		field.Int64("account_id").Default(0).Immutable(),
		field.String("channel").MaxLen(16).Immutable(),
		field.String("target").MaxLen(191).Immutable(),
		field.Enum("state").Values("pending", "sent", "dead").Default("pending"),
		field.Time("run_time").SchemaType(datetime),
		field.Int32("attempts").Default(0),
		field.String("lease_owner").Default("").MaxLen(64),
		field.Time("lease_time").Optional().Nillable().SchemaType(datetime),
		field.String("last_error").Default("").MaxRuneLen(512),
		// last_status is the status the target last answered (an HTTP
		// status, an SMTP reply code); 0 when none.
		field.Int32("last_status").Default(0),
		field.Time("last_attempt_time").Optional().Nillable().SchemaType(datetime),
		field.Time("sent_time").Optional().Nillable().SchemaType(datetime),
		// latency_ms is from the notice's creation to the target's
		// acceptance, for the delivery log.
		field.Int64("latency_ms").Default(0),
	}
}

// Indexes of the OutboxDelivery: one per (notice, channel, target); due
// deliveries by (state, run_time); a channel's log by target.
func (OutboxDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("notice_id", "channel", "target").Unique(),
		index.Fields("state", "run_time"),
		index.Fields("channel", "target", "id"),
		index.Fields("account_id", "id"),
	}
}

// WebhookEndpoint is an account's receiver of webhooks. secret is the
// signing secret ("whsec_..."), sealed with the master keyring ("sb1:...");
// previous_secret is the one it replaced, also used to sign until
// previous_secret_until, so receivers can switch without a gap.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of the WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("account_id").Immutable(),
		field.String("url").NotEmpty().MaxLen(2048),
		field.String("description").Default("").MaxRuneLen(256),
		// event_types filters the notice types sent; empty: all of them.
		field.JSON("event_types", []string{}).Optional(),
		field.Bool("enabled").Default(true),
		field.String("secret").Sensitive().MaxLen(512),
		field.String("previous_secret").Default("").Sensitive().MaxLen(512),
		field.Time("previous_secret_until").Optional().Nillable().SchemaType(datetime),
	}
}

// Indexes of the WebhookEndpoint.
func (WebhookEndpoint) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "id")}
}
