package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// User is a person or a script that logs in: an admin (staff, no account) or a
// user of one customer account.
type User struct{ ent.Schema }

// Mixin of the User.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("login").NotEmpty().MaxLen(128).Unique(),
		// password_hash is a PHC-format argon2id hash.
		field.String("password_hash").Sensitive().MaxLen(255),
		field.Enum("level").Values("admin", "user"),
		field.String("name").Default("").MaxRuneLen(128),
		field.String("email").Default("").MaxRuneLen(254),
		field.Bool("disabled").Default(false),
		field.Int64("account_id").Optional().Nillable(),
		field.Time("last_login_time").Optional().Nillable().SchemaType(datetime),
	}
}

// Edges of the User. A user's credentials go with the user.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("users").Field("account_id").Unique(),
		edge.To("sessions", Session.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("api_keys", APIKey.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("login_keys", LoginKey.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("saved_filters", SavedFilter.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}
