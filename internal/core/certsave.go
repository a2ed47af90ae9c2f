package core

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
)

// certFields maps a certificate column to the index of its field in
// ent.Certificate (by the json tag ent generates); sensitive columns, whose
// tag is "-", are not in it.
var certFields = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeFor[ent.Certificate]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}()

// saveCert saves the changes u holds to c, which tx holds locked, and
// returns c as it now is, with certificate_names following a change of its
// names. When every change is one the struct can take (a set or a clear of
// a column, update_time among them), it writes them with one UPDATE and
// applies them to a copy of c, with no read back; else it saves u as it is,
// which reads the row back.
func (tx *Tx) saveCert(ctx context.Context, c *ent.Certificate, u *ent.CertificateUpdateOne) (*ent.Certificate, error) {
	m := u.Mutation()
	renamed := namesChanged(m)
	next, err := tx.saveCertOnly(ctx, c, u)
	if err != nil || !renamed {
		return next, err
	}
	return next, tx.writeNames(ctx, c.ID, certNames(c), certNames(next))
}

func (tx *Tx) saveCertOnly(ctx context.Context, c *ent.Certificate, u *ent.CertificateUpdateOne) (*ent.Certificate, error) {
	m := u.Mutation()
	next, ok := applied(c, m)
	if !ok {
		return u.Save(ctx)
	}
	upd := tx.Certificate.Update().Where(certificate.ID(c.ID))
	um := upd.Mutation()
	for _, f := range m.Fields() {
		v, _ := m.Field(f)
		if err := um.SetField(f, v); err != nil {
			return u.Save(ctx)
		}
	}
	for _, f := range m.ClearedFields() {
		if err := um.ClearField(f); err != nil {
			return u.Save(ctx)
		}
	}
	// The row is locked and exists; an update that changes nothing (a test
	// clock standing still) affects no row on MySQL, so the count is not read.
	if _, err := upd.Save(ctx); err != nil {
		return nil, err
	}
	return next, nil
}

// applied is c with m's changes, or false when m holds a change this cannot
// apply to the struct: an addition, an append, a sensitive column, a value
// of another type, or no update_time (which the update would default).
func applied(c *ent.Certificate, m *ent.CertificateMutation) (*ent.Certificate, bool) {
	if len(m.AddedFields()) > 0 {
		return nil, false
	}
	if _, ok := m.AppendedExtraNames(); ok {
		return nil, false
	}
	if _, ok := m.AppendedValidations(); ok {
		return nil, false
	}
	if _, ok := m.UpdateTime(); !ok {
		return nil, false
	}
	next := *c
	v := reflect.ValueOf(&next).Elem()
	for _, f := range m.ClearedFields() {
		i, ok := certFields[f]
		if !ok {
			return nil, false
		}
		v.Field(i).SetZero()
	}
	for _, f := range m.Fields() {
		i, ok := certFields[f]
		if !ok {
			return nil, false
		}
		val, _ := m.Field(f)
		if t, ok := val.(time.Time); ok {
			// As the column keeps it.
			val = t.UTC().Truncate(time.Microsecond)
		}
		field, rv := v.Field(i), reflect.ValueOf(val)
		switch {
		case !rv.IsValid():
			return nil, false
		case rv.Type().AssignableTo(field.Type()):
			field.Set(rv)
		case field.Kind() == reflect.Pointer && rv.Type().AssignableTo(field.Type().Elem()):
			p := reflect.New(rv.Type())
			p.Elem().Set(rv)
			field.Set(p)
		default:
			return nil, false
		}
	}
	return &next, true
}
