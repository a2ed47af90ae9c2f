package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Plan is a certificate product of the catalogue (BILLmanager's pricelist).
// Its id is the legacy pricelist id for Russian clients.
type Plan struct{ ent.Schema }

// Mixin of the Plan.
func (Plan) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Plan.
func (Plan) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id").Positive(),
		field.Int64("foreign_id").Positive().Unique(),
		field.String("name").NotEmpty().MaxRuneLen(128),
		field.String("brand").NotEmpty().MaxRuneLen(64),
		field.Enum("validation").Values("dv", "ov", "ev"),
		field.Bool("wildcard").Default(false),
		field.Bool("multi_domain").Default(false),
		field.Int32("included_names").Default(1),
		field.Int32("max_names").Default(1),
		field.Int64("extra_name_addon_id").Default(0),
		field.Bool("idn").Default(false),
		field.Bool("www_and_bare").Default(false),
		field.Bool("enabled").Default(true),
	}
}

// Edges of the Plan.
func (Plan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("prices", PlanPrice.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// PlanPrice is the price of one period of a plan in one currency.
type PlanPrice struct{ ent.Schema }

// Mixin of the PlanPrice.
func (PlanPrice) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}} }

// Fields of the PlanPrice. Amounts are in minor units.
func (PlanPrice) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("plan_id"),
		field.Int32("period_months").Positive(),
		field.String("currency").MaxLen(3),
		field.Int64("amount").NonNegative(),
		field.Int64("extra_name_amount").NonNegative().Default(0),
	}
}

// Edges of the PlanPrice.
func (PlanPrice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", Plan.Type).Ref("prices").Field("plan_id").Unique().Required(),
	}
}

// Indexes of the PlanPrice: one price per plan, period and currency.
func (PlanPrice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("plan_id", "period_months", "currency").Unique()}
}
