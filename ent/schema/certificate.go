package schema

import (
	"context"
	"slices"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// text is a column for PEM and other long text: TEXT holds 64 KiB on MySQL.
var text = map[string]string{dialect.MySQL: "mediumtext"}

// states are the lifecycle states, the values of the state columns.
func states() []string {
	var out []string
	for _, s := range lifecycle.AllStates() {
		out = append(out, string(s))
	}
	return out
}

// Certificate is a certificate order and the certificate it yields.
type Certificate struct{ ent.Schema }

// Mixin of the Certificate.
func (Certificate) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the Certificate.
func (Certificate) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("account_id").Immutable(),
		// plan_id is not a foreign key: an order outlives the plan it was sold under.
		field.Int64("plan_id"),
		field.Int32("period_months").Positive(),
		field.Enum("state").Values(states()...),
		field.String("status_message").Default("").MaxRuneLen(512),
		field.String("common_name").MaxLen(253),
		field.JSON("extra_names", []string{}).Optional(),
		field.Int32("extra_name_slots").Default(0).NonNegative(),
		field.JSON("subject", certdata.Subject{}),
		// pending_subject replaces subject at the next renewal.
		field.JSON("pending_subject", &certdata.Subject{}).Optional(),
		field.JSON("admin_contact", certdata.Contact{}).Optional(),
		field.JSON("tech_contact", certdata.Contact{}).Optional(),
		field.JSON("organization", certdata.Organization{}).Optional(),
		field.JSON("validations", []certdata.Validation{}).Optional(),
		field.Bool("auto_renew").Default(false),
		// auto_renew_period_months is the term an auto-renewal buys; nil
		// renews for period_months (legacy autoprolong=<period>).
		field.Int32("auto_renew_period_months").Optional().Nillable().Positive(),
		field.String("client_reference").Optional().Nillable().MaxRuneLen(64).Immutable(),
		field.String("idempotency_key").Optional().Nillable().MaxRuneLen(64).Immutable(),
		field.Int64("processing_module_id").Default(0),
		field.String("ca_order_id").Default("").MaxRuneLen(128),
		// remote_state is the module's private state of the order (ACME URLs).
		field.Bytes("remote_state").Optional().MaxLen(1 << 20),
		// op is the operation at the CA the worker is carrying out: order,
		// reissue, renew, cancel or revoke; "" when none. op_sent_time is set, and committed,
		// just before the call to the CA: the intent that makes a crash
		// mid-call visible, so the outcome is reconciled instead of repeated.
		field.String("op").Default("").MaxLen(16),
		// op_ref is our reference for op at the CA: the order id, then a
		// suffix per retry, so a lookup by reference finds this attempt only.
		field.String("op_ref").Default("").MaxLen(64),
		field.Time("op_sent_time").Optional().Nillable().SchemaType(datetime),
		// op_answer_time is when the CA last answered a call about op: set,
		// the operation is known to the CA and is polled; unset while
		// op_sent_time is, the outcome of the call is unknown.
		field.Time("op_answer_time").Optional().Nillable().SchemaType(datetime),
		field.Int64("cost_minor").Default(0).NonNegative(),
		field.String("currency").MaxLen(3),
		field.String("csr_pem").Optional().SchemaType(text),
		// private_key is the private key PEM sealed with the master keyring
		// ("sb1:..."), or "" when the customer keeps the key.
		field.String("private_key").Optional().Sensitive().SchemaType(text),
		// has_private_key is whether private_key is set, kept by the hook
		// below, so that a listing need not read the key's text (stored off
		// the row's page) to say whether the key is held.
		field.Bool("has_private_key").Default(false),
		field.String("key_algorithm").Default("").MaxLen(32),
		// next_csr_pem and next_private_key are a reissue's new request and
		// key; they replace csr_pem and private_key when the CA issues.
		field.String("next_csr_pem").Optional().SchemaType(text),
		field.String("next_private_key").Optional().Sensitive().SchemaType(text),
		field.String("cert_pem").Optional().SchemaType(text),
		field.String("chain_pem").Optional().SchemaType(text),
		field.String("serial_number").Default("").MaxLen(64),
		field.Time("not_before").Optional().Nillable().SchemaType(datetime),
		field.Time("not_after").Optional().Nillable().SchemaType(datetime),
		field.Time("paid_until").Optional().Nillable().SchemaType(datetime),
		// issue_time is when a certificate was first issued for the order:
		// the refund policy refunds orders never issued.
		field.Time("issue_time").Optional().Nillable().SchemaType(datetime),
		// revoke_reason is the RFC 5280 CRLReason code of a revocation asked
		// for (op "revoke") or done; unset when none was asked for.
		field.Int32("revoke_reason").Optional().Nillable().NonNegative(),
		// revoke_time is when the CA revoked the certificate (serial_number):
		// set, the built-in CA lists it in its CRL, also after deletion.
		field.Time("revoke_time").Optional().Nillable().SchemaType(datetime),
	}
}

// Edges of the Certificate.
func (Certificate) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("certificates").Field("account_id").Unique().Required().Immutable(),
	}
}

// Hooks of the Certificate: every write of private_key sets has_private_key.
func (Certificate) Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			has, set := false, slices.Contains(m.ClearedFields(), "private_key")
			if v, ok := m.Field("private_key"); ok {
				k, _ := v.(string)
				has, set = k != "", true
			}
			if set {
				if err := m.SetField("has_private_key", has); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}}
}

// Indexes of the Certificate: the keyset orders of ListCertificates, each
// with the id as tie-breaker, and the retry keys per account.
func (Certificate) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("account_id", "idempotency_key").Unique(),
		index.Fields("account_id", "client_reference").Unique(),
		index.Fields("account_id", "id"),
		index.Fields("state", "id"),
		index.Fields("not_after", "id"),
		index.Fields("common_name", "id"),
		index.Fields("plan_id", "id"),
		index.Fields("processing_module_id", "id"),
		// The CRL of a built-in CA module: its revoked certificates.
		index.Fields("processing_module_id", "revoke_time"),
		// certsvc_certificates counts by state and module from this index
		// alone, not by scanning the table.
		index.Fields("state", "processing_module_id"),
	}
}

// CertificateName is one way a certificate is found by domain: one of its
// names (the common name and the extra names), or the rest of that name after
// one of its dots, lower-case. "shop.example.com" is found as
// "shop.example.com", "example.com" and "com", so the listing's domain filter
// is a prefix range on (suffix, certificate_id): "example.com" finds the name
// and its subdomains, "www.exa" the names it begins, "example" example.com and
// shop.example.org. The rows of a certificate are written in the transaction
// of every change of its names. certificate_id is not a foreign key, as a
// job's is not: the rows are written only beside their certificate.
type CertificateName struct{ ent.Schema }

// Mixin of the CertificateName.
func (CertificateName) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}} }

// Fields of the CertificateName.
func (CertificateName) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("certificate_id").Immutable(),
		field.String("suffix").MaxLen(253).Immutable(),
		// The certificate's not_after, kept equal to it in the transaction
		// of each change: an expiring-first listing with a domain filter
		// sorts the certificates the filter matches from this index alone,
		// and reads only a page of their rows.
		field.Time("not_after").Optional().Nillable().SchemaType(datetime),
	}
}

// Indexes of the CertificateName: by suffix for the filter (with what a
// listing sorts the matches by), by certificate to replace a certificate's
// rows and to test one certificate.
func (CertificateName) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("suffix", "certificate_id", "not_after"),
		index.Fields("certificate_id", "suffix").Unique(),
	}
}

// CertificateEvent is one entry of a certificate's history: a state change,
// a money movement or both. Events are append-only; their ids order them.
type CertificateEvent struct{ ent.Schema }

// Mixin of the CertificateEvent.
func (CertificateEvent) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the CertificateEvent.
func (CertificateEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("certificate_id").Immutable(),
		field.Int64("account_id").Immutable(),
		field.String("event").MaxLen(32).Immutable(),
		field.Enum("from_state").Values(states()...).Immutable(),
		field.Enum("to_state").Values(states()...).Immutable(),
		field.Int64("amount").Default(0).Immutable(),
		field.String("currency").Default("").MaxLen(3).Immutable(),
		field.Int64("ledger_entry_id").Optional().Nillable().Immutable(),
		field.String("message").Default("").MaxRuneLen(512).Immutable(),
		field.Int64("actor_user_id").Optional().Nillable().Immutable(),
	}
}

// Indexes of the CertificateEvent.
func (CertificateEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("certificate_id", "id"),
		index.Fields("account_id", "id"),
	}
}

// Job is the worker's outbox: the next step of one certificate, due at
// run_time. It is written in the transaction of the change that causes it,
// so work is never lost, and leased (lease_owner, lease_time) so that one
// worker runs it at a time. A certificate has at most one job.
type Job struct{ ent.Schema }

// Mixin of the Job.
func (Job) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the Job.
func (Job) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("certificate_id").Unique().Immutable(),
		field.Time("run_time").SchemaType(datetime),
		field.Int32("attempts").Default(0),
		field.String("lease_owner").Default("").MaxLen(64),
		field.Time("lease_time").Optional().Nillable().SchemaType(datetime),
		field.String("last_error").Default("").MaxRuneLen(512),
	}
}

// Indexes of the Job: due jobs are found by run_time.
func (Job) Indexes() []ent.Index {
	return []ent.Index{index.Fields("run_time")}
}

// ProcessingModule is a configured certificate authority integration.
type ProcessingModule struct{ ent.Schema }

// Mixin of the ProcessingModule.
func (ProcessingModule) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, TimeMixin{}} }

// Fields of the ProcessingModule.
func (ProcessingModule) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(64).Unique(),
		field.String("kind").MaxLen(32).Immutable(),
		field.Int32("priority").Default(0),
		field.Int64("min_balance").Default(0).NonNegative(),
		field.Bool("enabled").Default(true),
		field.Bool("all_plans").Default(false),
		field.JSON("plans", []certdata.ModulePlan{}).Optional(),
		field.JSON("settings", map[string]string{}).Optional(),
		// credentials is the JSON of the secret settings sealed with the
		// master keyring ("sb1:...").
		field.String("credentials").Optional().Sensitive().SchemaType(text),
		field.JSON("credential_keys", []string{}).Optional(),
		// debug_log records the bodies of calls to the CA (secrets masked)
		// in module_calls, beside the one line every call gets.
		field.Bool("debug_log").Default(false),
		// max_concurrent_calls bounds the calls in flight to the CA, per
		// process; 0 means the default.
		field.Int32("max_concurrent_calls").Default(0).NonNegative(),
		// balance_minor is the money left at the CA as last read, in
		// balance_currency, at balance_time; unset for CAs without one.
		field.Int64("balance_minor").Optional().Nillable(),
		field.String("balance_currency").Default("").MaxLen(3),
		field.Time("balance_time").Optional().Nillable().SchemaType(datetime),
	}
}

// ModuleCall is one call certsvc made to a processing module's CA: the log
// an admin reads to see what was said, with secrets masked.
type ModuleCall struct{ ent.Schema }

// Mixin of the ModuleCall.
func (ModuleCall) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the ModuleCall.
func (ModuleCall) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("module_id").Immutable(),
		field.String("method").MaxLen(8).Immutable(),
		field.String("url").MaxLen(1024).Immutable(),
		// status is the HTTP status, 0 when no answer came.
		field.Int32("status").Default(0).Immutable(),
		field.Int64("duration_us").Default(0).Immutable(),
		field.String("error").Default("").MaxLen(1024).Immutable(),
		// request and response are the masked bodies, when debug_log is on.
		field.String("request").Optional().SchemaType(text).Immutable(),
		field.String("response").Optional().SchemaType(text).Immutable(),
	}
}

// Indexes of the ModuleCall.
func (ModuleCall) Indexes() []ent.Index {
	return []ent.Index{index.Fields("module_id", "id"), index.Fields("create_time")}
}

// SavedFilter is a certificate listing filter a user saved under a name.
type SavedFilter struct{ ent.Schema }

// Mixin of the SavedFilter.
func (SavedFilter) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the SavedFilter.
func (SavedFilter) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("user_id").Immutable(),
		field.String("name").NotEmpty().MaxRuneLen(64),
		// filter is the protojson of certsvc.v1.CertificateFilter.
		field.String("filter").MaxLen(8192),
	}
}

// Edges of the SavedFilter.
func (SavedFilter) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("saved_filters").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the SavedFilter.
func (SavedFilter) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "name").Unique()}
}

// AuditEntry records an action worth answering for: impersonation, private
// key reads, admin changes to money-relevant fields. Entries are append-only.
type AuditEntry struct{ ent.Schema }

// Mixin of the AuditEntry.
func (AuditEntry) Mixin() []ent.Mixin { return []ent.Mixin{IDMixin{}, CreateTimeMixin{}} }

// Fields of the AuditEntry.
func (AuditEntry) Fields() []ent.Field {
	return []ent.Field{
		// actor_user_id is not a foreign key: the audit log outlives users.
		field.Int64("actor_user_id").Optional().Nillable().Immutable(),
		field.String("actor_login").Default("").MaxLen(128).Immutable(),
		field.String("action").MaxLen(64).Immutable(),
		field.String("target").Default("").MaxLen(64).Immutable(),
		field.String("detail").Default("").MaxRuneLen(512).Immutable(),
		field.String("client_address").Default("").MaxLen(64).Immutable(),
	}
}

// Indexes of the AuditEntry.
func (AuditEntry) Indexes() []ent.Index {
	return []ent.Index{index.Fields("target", "id"), index.Fields("action", "id")}
}
