package billmgrhttp

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/certsvc/certsvc/compat/billmgr"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// This file holds the binding tables: each legacy form is one table of
// fields, each binding a legacy parameter to a field path of the request
// or resource message (as the service names it in errors) with a codec
// (get shows the field, set reads a submitted value). The same table fills
// requests (apply, fill), shows forms (formFields) and names the parameter
// of a field error (legacyParam, built from every table). Issue 13's
// catalogue of errors plugs in through legacyParam and errorDoc: a field
// error already arrives there as (legacy parameter, value, message).

// field is a legacy parameter backed by a field of a message M: get shows
// it, set applies a submitted value. For every kind but text an empty value
// leaves the field as it is. path is the field's path as the service names
// it in errors, from the request message down.
type field[M any] struct {
	name, path string
	get        func(M) string
	set        func(M, string) error
}

// errBadValue is what a field's set returns for a value it cannot read.
var errBadValue = errors.New("bad value")

func textField[M any](name, path string, p func(M) *string) field[M] {
	return field[M]{name, path,
		func(m M) string { return *p(m) },
		func(m M, v string) error { *p(m) = v; return nil }}
}

func idField[M any, T int32 | int64](name, path string, p func(M) *T) field[M] {
	return field[M]{name, path,
		func(m M) string { return optionalID(int64(*p(m))) },
		func(m M, v string) error {
			if v = strings.TrimSpace(v); v == "" {
				return nil
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || int64(T(n)) != n {
				return errBadValue
			}
			*p(m) = T(n)
			return nil
		}}
}

// flagField is a check box: on or off. A positive number counts as on, as
// BILLmanager's autoprolong is a period select with "null" for off.
func flagField[M any](name, path string, p func(M) *bool) field[M] {
	return field[M]{name, path,
		func(m M) string { return billmgr.OnOff(*p(m)) },
		func(m M, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			n, err := strconv.Atoi(v)
			switch {
			case v == "":
			case v == "on" || v == "yes" || v == "true" || err == nil && n > 0:
				*p(m) = true
			case v == "off" || v == "no" || v == "false" || v == "null" || err == nil && n == 0:
				*p(m) = false
			default:
				return errBadValue
			}
			return nil
		}}
}

// autoprolongField is BILLmanager's autoprolong: a select of renewal
// periods, in months (seed 000: "Select a period to automatically renew the
// service"). A period switches auto-renewal on for that period and is shown
// back as sent; on/yes/true switches it on for the current period (shown as
// on); off, null, 0 and an empty value switch it off. The field is bound to
// auto_renew; auto_renew_period_months goes with it (see autoprolongMask).
func autoprolongField[M any](p func(M) (*bool, **int32)) field[M] {
	return field[M]{"autoprolong", "auto_renew",
		func(m M) string {
			on, period := p(m)
			switch {
			case !*on:
				return "off"
			case *period != nil:
				return strconv.Itoa(int(**period))
			}
			return "on"
		},
		func(m M, v string) error {
			on, period := p(m)
			v = strings.ToLower(strings.TrimSpace(v))
			n, err := strconv.ParseInt(v, 10, 32)
			switch {
			case v == "" || v == "off" || v == "no" || v == "false" || v == "null" || err == nil && n == 0:
				*on, *period = false, nil
			case v == "on" || v == "yes" || v == "true":
				*on, *period = true, nil
			case err == nil && n > 0:
				months := int32(n)
				*on, *period = true, &months
			default:
				return errBadValue
			}
			return nil
		}}
}

// autoprolongMask is the mask path that goes with auto_renew: autoprolong
// sets the period with the switch.
const autoprolongMask = "auto_renew_period_months"

// dateField is a date, YYYY-MM-DD, stored as midnight UTC. With end set it
// is an inclusive end: the next midnight is stored, and shown as the day
// before it.
func dateField[M any](name, path string, end bool, p func(M) **timestamppb.Timestamp) field[M] {
	shift := 0
	if end {
		shift = 1
	}
	return field[M]{name, path,
		func(m M) string {
			if *p(m) == nil {
				return ""
			}
			return (*p(m)).AsTime().UTC().AddDate(0, 0, -shift).Format(billmgr.DateLayout)
		},
		func(m M, v string) error {
			if v = strings.TrimSpace(v); v == "" {
				return nil
			}
			t, err := billmgr.ParseDate(v)
			if err != nil {
				return errBadValue
			}
			*p(m) = timestamppb.New(t.AddDate(0, 0, shift))
			return nil
		}}
}

// apply sets the submitted values of fields on m (read with Request.Value:
// trimmed, a phone's unencoded '+' restored) and returns the fields that
// changed. A value that cannot be read is a value error naming it.
func apply[M any](req *billmgr.Request, m M, fields []field[M]) ([]field[M], error) {
	var changed []field[M]
	for _, f := range fields {
		if _, ok := req.Params[f.name]; !ok {
			continue
		}
		v := req.Value(f.name)
		before := f.get(m)
		if err := f.set(m, v); err != nil {
			return nil, billmgr.InvalidParam(f.name, v)
		}
		if f.get(m) != before {
			changed = append(changed, f)
		}
	}
	return changed, nil
}

// formFields shows fields of m as form fields.
func formFields[M any](m M, fields []field[M]) []billmgr.Field {
	out := make([]billmgr.Field, 0, len(fields))
	for _, f := range fields {
		out = append(out, billmgr.F(f.name, f.get(m)))
	}
	return out
}

// nest lifts the fields of a nested message C into the message P that holds
// it at path prefix: their paths become prefix.path and they read and
// write the message get returns (which must not be nil when used).
func nest[P, C any](prefix string, get func(P) C, fields []field[C]) []field[P] {
	out := make([]field[P], len(fields))
	for i, f := range fields {
		out[i] = field[P]{f.name, prefix + "." + f.path,
			func(p P) string { return f.get(get(p)) },
			func(p P, v string) error { return f.set(get(p), v) }}
	}
	return out
}

// fill sets m's fields from the parameters present (apply) and reports
// whether any was given a value.
func fill[M any](req *billmgr.Request, m M, fields []field[M]) (bool, error) {
	changed, err := apply(req, m, fields)
	return len(changed) > 0, err
}

// intField is a whole number of the request; the service judges its range.
func intField[M any, T int32 | int64](name, path string, p func(M) *T) field[M] {
	return field[M]{name, path,
		func(m M) string { return strconv.FormatInt(int64(*p(m)), 10) },
		func(m M, v string) error {
			if v = strings.TrimSpace(v); v == "" {
				return nil
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || int64(T(n)) != n {
				return errBadValue
			}
			*p(m) = T(n)
			return nil
		}}
}

// The subject, contact and organisation forms: one table each, shared by
// the order (CreateCertificateRequest, CreateCsrRequest) and certificate.edit
// (Certificate), which nest them at their paths.
var (
	subjectFields = []field[*certsvcv1.Subject]{
		textField("CN", "common_name", func(s *certsvcv1.Subject) *string { return &s.CommonName }),
		idField("field_country", "country_id", func(s *certsvcv1.Subject) *int32 { return &s.CountryId }),
		textField("ST", "state", func(s *certsvcv1.Subject) *string { return &s.State }),
		textField("L", "locality", func(s *certsvcv1.Subject) *string { return &s.Locality }),
		textField("O", "organization", func(s *certsvcv1.Subject) *string { return &s.Organization }),
		textField("OU", "organizational_unit", func(s *certsvcv1.Subject) *string { return &s.OrganizationalUnit }),
		textField("emailAddress", "email", func(s *certsvcv1.Subject) *string { return &s.Email }),
	}
	orgFields = []field[*certsvcv1.Organization]{
		textField("org_name", "name", func(o *certsvcv1.Organization) *string { return &o.Name }),
		textField("org_department", "department", func(o *certsvcv1.Organization) *string { return &o.Department }),
		textField("org_address", "address", func(o *certsvcv1.Organization) *string { return &o.Address }),
		textField("org_city", "city", func(o *certsvcv1.Organization) *string { return &o.City }),
		textField("org_state", "state", func(o *certsvcv1.Organization) *string { return &o.State }),
		textField("org_postcode", "postal_code", func(o *certsvcv1.Organization) *string { return &o.PostalCode }),
		idField("org_country", "country_id", func(o *certsvcv1.Organization) *int32 { return &o.CountryId }),
		textField("org_phone", "phone", func(o *certsvcv1.Organization) *string { return &o.Phone }),
	}
)

// The admin and tech contact forms.
var (
	adminFields = contactFields("adm_")
	techFields  = contactFields("tech_")
)

// contactFields is the contact form with a parameter prefix (adm_, tech_).
func contactFields(prefix string) []field[*certsvcv1.Contact] {
	return []field[*certsvcv1.Contact]{
		textField(prefix+"fname", "first_name", func(c *certsvcv1.Contact) *string { return &c.FirstName }),
		textField(prefix+"lname", "last_name", func(c *certsvcv1.Contact) *string { return &c.LastName }),
		textField(prefix+"jtitle", "title", func(c *certsvcv1.Contact) *string { return &c.Title }),
		textField(prefix+"email", "email", func(c *certsvcv1.Contact) *string { return &c.Email }),
		textField(prefix+"phone", "phone", func(c *certsvcv1.Contact) *string { return &c.Phone }),
	}
}

// orderFields is the order form (certificate.order.param) as far as it maps
// field to field; the CSR, the names, the add-on and the approvers are read
// by order.go, and named for errors by orderNames.
var orderFields = []field[*certsvcv1.CreateCertificateRequest]{
	intField("pricelist", "plan_id", func(r *certsvcv1.CreateCertificateRequest) *int64 { return &r.PlanId }),
	intField("period", "period_months", func(r *certsvcv1.CreateCertificateRequest) *int32 { return &r.PeriodMonths }),
	// remoteid is the client reference and the idempotency key: a retried
	// order answers the first one's id.
	{"remoteid", "client_reference",
		func(r *certsvcv1.CreateCertificateRequest) string { return r.ClientReference },
		func(r *certsvcv1.CreateCertificateRequest, v string) error {
			r.ClientReference, r.IdempotencyKey = v, v
			return nil
		}},
	autoprolongField(func(r *certsvcv1.CreateCertificateRequest) (*bool, **int32) {
		return &r.AutoRenew, &r.AutoRenewPeriodMonths
	}),
}

// orderNames names, for errors, the order's fields that are not bound
// field to field, and whole messages by their main parameter.
var orderNames = fieldNames{"csr_pem": "csr", "private_key_pem": "key", "subject": "CN", "extra_names": "altname",
	"extra_name_slots": "addon", "idempotency_key": "remoteid", "id": "elid", "validations": "approver_method",
	"validations.method": "approver_method"}

// legacyNames maps the service's field paths back to legacy parameter
// names, from every form's table, so that an error about
// "certificate.subject.common_name" or "subject.common_name" names CN.
var legacyNames = func() fieldNames {
	m := fieldNames{"ids": "elid", autoprolongMask: "autoprolong"}
	add := func(name, path string) { m[path] = name }
	for _, f := range certFields {
		add(f.name, f.path)
	}
	for _, f := range filterFields {
		add(f.name, f.path)
	}
	for _, f := range orderFields {
		add(f.name, f.path)
	}
	for path, name := range orderNames {
		add(name, path)
	}
	return m
}()

// indexSuffix matches a repeated field's index: "extra_names[2]".
var indexSuffix = regexp.MustCompile(`\[\d+\]`)

// legacyParam names a field of an RPC request as the legacy parameter it
// came from, through the forms' tables; a field without one keeps its
// name. Paths of UpdateCertificate ("certificate.subject.state") and of
// CreateCertificate ("subject.state") give the same name, and a repeated
// field's index is dropped (extra_names[2] is altname).
func legacyParam(field string) string {
	f := strings.TrimPrefix(field, "certificate.")
	if n, ok := legacyNames[f]; ok {
		return n
	}
	if n, ok := legacyNames[indexSuffix.ReplaceAllString(f, "")]; ok {
		return n
	}
	return field
}
