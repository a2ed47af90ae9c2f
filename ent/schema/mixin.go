// Package schema is the data model of certsvc: the only hand-written code under ent/.
package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// datetime stores times as DATETIME(6) on MySQL: ent's default TIMESTAMP ends
// in 2038 and drops sub-second precision.
var datetime = map[string]string{dialect.MySQL: "datetime(6)"}

// nowUTC is the default for time columns: UTC, at the microsecond precision
// DATETIME(6) keeps, so a value written reads back equal.
func nowUTC() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// IDMixin makes the primary key a 64-bit auto-increment integer, as the API's ids are.
type IDMixin struct{ mixin.Schema }

// Fields of the IDMixin.
func (IDMixin) Fields() []ent.Field {
	return []ent.Field{field.Int64("id")}
}

// Text that people write is limited with MaxRuneLen, in characters as the API
// and MySQL's utf8mb4 VARCHAR count it, never in bytes.

// TimeMixin adds create_time (immutable) and update_time.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("create_time").Default(nowUTC).Immutable().SchemaType(datetime),
		field.Time("update_time").Default(nowUTC).UpdateDefault(nowUTC).SchemaType(datetime),
	}
}

// CreateTimeMixin adds only create_time, for rows that never change.
type CreateTimeMixin struct{ mixin.Schema }

// Fields of the CreateTimeMixin.
func (CreateTimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("create_time").Default(nowUTC).Immutable().SchemaType(datetime),
	}
}
