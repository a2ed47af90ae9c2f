package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AcmeChallenge is an HTTP-01 answer the built-in publisher serves at
// /.well-known/acme-challenge/<token>: in the store, so that every replica
// answers the CA's validation request, whichever one ordered.
type AcmeChallenge struct{ ent.Schema }

// Mixin of the AcmeChallenge.
func (AcmeChallenge) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the AcmeChallenge.
func (AcmeChallenge) Fields() []ent.Field {
	return []ent.Field{
		field.String("token").MaxLen(128).NotEmpty().Unique(),
		field.String("domain").MaxLen(253),
		field.String("key_auth").MaxLen(512).Sensitive(),
	}
}

// Indexes of the AcmeChallenge: stale answers are purged by create_time.
func (AcmeChallenge) Indexes() []ent.Index {
	return []ent.Index{index.Fields("create_time")}
}

// StoreVersion is a counter replicas share: "catalog" moves with every
// change to a plan, a price or a processing module, in the transaction of
// the change, so that every replica's catalog cache sees it.
type StoreVersion struct{ ent.Schema }

// Mixin of the StoreVersion.
func (StoreVersion) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}} }

// Fields of the StoreVersion.
func (StoreVersion) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(64).NotEmpty().Unique(),
		field.Int64("value").Default(0),
	}
}

// LoginFailure is the failed-login state of one limiter key ("login:<login>"
// or "addr:<address>", internal/rpc.LimiterKeys), shared by every replica
// (internal/store.LoginLimiter, with the policy of auth.LimiterConfig).
// key_hash is the SHA-256 (hex) of the key, so rows have a bounded key and
// keep no login or address in the clear. expire_time is when the state
// becomes idle: a row past it counts as absent and is deleted by the next
// cleaning.
type LoginFailure struct{ ent.Schema }

// Mixin of the LoginFailure.
func (LoginFailure) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}} }

// Fields of the LoginFailure.
func (LoginFailure) Fields() []ent.Field {
	return []ent.Field{
		field.String("key_hash").MaxLen(64).NotEmpty().Unique().Immutable(),
		field.Int32("failures").Default(0),
		field.Time("window_start").SchemaType(datetime),
		field.Time("last_failure").SchemaType(datetime),
		// lockout_us is the current lock-out in microseconds; 0 while under
		// the limit.
		field.Int64("lockout_us").Default(0),
		field.Time("locked_until").SchemaType(datetime),
		field.Time("expire_time").SchemaType(datetime),
	}
}

// Indexes of the LoginFailure: expired rows are cleaned by expire_time.
func (LoginFailure) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expire_time")}
}
