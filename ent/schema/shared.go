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
