package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// NotificationSettings is how an account wants to hear from certsvc by
// e-mail: its recipients, the notice types it wants (empty: every customer
// type) and the language of the messages. An account without a row gets no
// e-mail. The balance threshold of account.balance_low lives on the account
// (accounts.low_balance_minor), where the charge that crosses it reads it;
// the notification API shows and sets it with these settings.
type NotificationSettings struct{ ent.Schema }

// Mixin of the NotificationSettings.
func (NotificationSettings) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the NotificationSettings.
func (NotificationSettings) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("account_id").Immutable().Unique(),
		// recipients are bare e-mail addresses, checked by the API.
		field.JSON("recipients", []string{}).Optional(),
		// event_types are outbox notice types; empty means every customer type.
		field.JSON("event_types", []string{}).Optional(),
		field.Enum("language").Values("en", "ru").Default("en"),
	}
}

// Edges of the NotificationSettings: the account (one row at most each);
// the settings go with the account (ON DELETE CASCADE).
func (NotificationSettings) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("notification_settings").Field("account_id").Unique().Required().Immutable(),
	}
}
