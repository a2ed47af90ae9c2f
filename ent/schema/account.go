package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Account is a customer: the owner of certificates and of a balance.
type Account struct{ ent.Schema }

// Mixin of the Account.
func (Account) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(128),
		field.String("currency").NotEmpty().MaxLen(3).Immutable(),
		// balance is in minor units and always equals the sum of the ledger.
		field.Int64("balance").Default(0),
		// low_balance_minor: a charge that leaves the balance below it
		// notifies the account (account.balance_low); 0 is off.
		field.Int64("low_balance_minor").Default(0).NonNegative(),
	}
}

// Edges of the Account. Users and ledger entries keep an account alive:
// deleting an account with either is refused by the database.
func (Account) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("users", User.Type).Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("ledger_entries", LedgerEntry.Type).Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("certificates", Certificate.Type).Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("notification_settings", NotificationSettings.Type).Unique().Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}
