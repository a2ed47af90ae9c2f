package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Session is a login session. Only a SHA-256 hash of its token is stored.
type Session struct{ ent.Schema }

// Mixin of the Session.
func (Session) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").MaxLen(64).Unique().Immutable().Sensitive(),
		field.Int64("user_id").Immutable(),
		field.Time("expire_time").SchemaType(datetime),
		field.Time("revoke_time").Optional().Nillable().SchemaType(datetime),
		field.String("remote_addr").Default("").MaxLen(64).Immutable(),
		// impersonator_user_id is the admin who opened the session as this
		// user (Impersonate); nil for the user's own sessions.
		field.Int64("impersonator_user_id").Optional().Nillable().Immutable(),
	}
}

// Edges of the Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the Session: expired sessions are purged by expire_time.
func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("expire_time")}
}

// APIKey is a long-lived credential for scripts. Only a SHA-256 hash of the
// secret is stored; prefix lets people recognise a key.
type APIKey struct{ ent.Schema }

// Mixin of the APIKey.
func (APIKey) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(64),
		field.String("prefix").MaxLen(16).Immutable(),
		field.String("secret_hash").MaxLen(64).Unique().Immutable().Sensitive(),
		field.Int64("user_id").Immutable(),
		field.Time("expire_time").Optional().Nillable().SchemaType(datetime),
		field.Time("last_used_time").Optional().Nillable().SchemaType(datetime),
	}
}

// Edges of the APIKey.
func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("api_keys").Field("user_id").Unique().Required().Immutable(),
	}
}

// LoginKey is a single-use key to log in without a password (legacy
// session.newkey). Only a SHA-256 hash of the key is stored.
type LoginKey struct{ ent.Schema }

// Mixin of the LoginKey.
func (LoginKey) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the LoginKey.
func (LoginKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("key_hash").MaxLen(64).Unique().Immutable().Sensitive(),
		field.Int64("user_id").Immutable(),
		field.Int64("creator_user_id").Immutable(),
		field.Time("expire_time").SchemaType(datetime),
		field.Time("use_time").Optional().Nillable().SchemaType(datetime),
	}
}

// Edges of the LoginKey.
func (LoginKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("login_keys").Field("user_id").Unique().Required().Immutable(),
	}
}
