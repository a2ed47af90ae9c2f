package schema

import (
	"github.com/certsvc/certsvc/ent/hook"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// LedgerEntry is one money movement on an account. Entries are append-only.
type LedgerEntry struct{ ent.Schema }

// Mixin of the LedgerEntry.
func (LedgerEntry) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the LedgerEntry. Every field is immutable.
func (LedgerEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("account_id").Immutable(),
		field.Enum("kind").Values("deposit", "adjustment", "charge", "refund").Immutable(),
		// amount is in minor units: positive in, negative out.
		field.Int64("amount").Immutable(),
		field.String("currency").MaxLen(3).Immutable(),
		field.Int64("balance_after").Immutable(),
		field.String("description").Default("").MaxRuneLen(256).Immutable(),
		// actor_user_id is not a foreign key: the ledger outlives users.
		field.Int64("actor_user_id").Optional().Nillable().Immutable(),
		field.String("idempotency_key").Optional().Nillable().MaxRuneLen(64).Immutable(),
	}
}

// Edges of the LedgerEntry.
func (LedgerEntry) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("ledger_entries").Field("account_id").Unique().Required().Immutable(),
	}
}

// Indexes of the LedgerEntry: one entry per idempotency key and account, and
// time-range listings.
func (LedgerEntry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("account_id", "idempotency_key").Unique(),
		index.Fields("create_time"),
	}
}

// Hooks of the LedgerEntry: the ledger is append-only, so updates and deletes
// through ent are refused outright.
func (LedgerEntry) Hooks() []ent.Hook {
	return []ent.Hook{hook.Reject(ent.OpUpdate | ent.OpUpdateOne | ent.OpDelete | ent.OpDeleteOne)}
}
