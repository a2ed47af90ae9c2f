package store

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	entgo "entgo.io/ent"
)

// Applied returns a copy of x, an entity ent generated (*ent.User, …), with
// the changes m sets and clears: the row as an update with the mutation m
// leaves it, when x is the row as it was. It is what ent's UpdateOne(...).Save
// would read back, without the read back: on MariaDB 10.11 Galera a
// transaction that reads back a row it updated after a locked read could
// commit over another node's update of that row (TestProbeCounterShapes in
// internal/galeratest), so writes use Update().Where(id) and this.
//
// Pass the mutation of the update after it was saved: then it holds what the
// update's defaults (update_time) and hooks (has_private_key) set too. Times
// are kept as the columns keep them, in UTC at the microsecond. x's loaded
// edges are kept as they are.
//
// It fails, and x is left as it is, on a change it cannot apply from the
// mutation alone: an addition (AddX), a change of edges, or a column x has no
// field for. (Appends to JSON lists are not in ent's generic Mutation: a
// caller that may append checks for them itself.)
func Applied[T any](x *T, m entgo.Mutation) (*T, error) {
	if len(m.AddedFields()) > 0 {
		return nil, fmt.Errorf("apply the update of %s: additions to %v need a read back", m.Type(), m.AddedFields())
	}
	if len(m.AddedEdges()) > 0 || len(m.RemovedEdges()) > 0 || len(m.ClearedEdges()) > 0 {
		return nil, fmt.Errorf("apply the update of %s: changes of edges need a read back", m.Type())
	}
	fields := fieldsOf(reflect.TypeFor[T]())
	next := *x
	v := reflect.ValueOf(&next).Elem()
	for _, f := range m.ClearedFields() {
		i, ok := fields[f]
		if !ok {
			return nil, fmt.Errorf("apply the update of %s: no field for the column %q", m.Type(), f)
		}
		v.Field(i).SetZero()
	}
	for _, f := range m.Fields() {
		i, ok := fields[f]
		if !ok {
			return nil, fmt.Errorf("apply the update of %s: no field for the column %q", m.Type(), f)
		}
		val, _ := m.Field(f)
		if t, ok := val.(time.Time); ok {
			// As the column keeps it.
			val = t.UTC().Truncate(time.Microsecond)
		}
		field, rv := v.Field(i), reflect.ValueOf(val)
		switch {
		case !rv.IsValid():
			return nil, fmt.Errorf("apply the update of %s: the column %q is set to nil", m.Type(), f)
		case rv.Type().AssignableTo(field.Type()):
			field.Set(rv)
		case field.Kind() == reflect.Pointer && rv.Type().AssignableTo(field.Type().Elem()):
			p := reflect.New(rv.Type())
			p.Elem().Set(rv)
			field.Set(p)
		default:
			return nil, fmt.Errorf("apply the update of %s: the column %q is a %s, its field a %s", m.Type(), f, rv.Type(), field.Type())
		}
	}
	return &next, nil
}

// entFields caches fieldsOf by entity type.
var entFields sync.Map // reflect.Type -> map[string]int

// fieldsOf maps the columns of an entity type ent generated to the index of
// their field: by the json tag ent gives each field (the column's name), or,
// for a sensitive column, whose tag is "-", by the field's name (ent's
// PascalCase of the column: next_private_key is NextPrivateKey).
func fieldsOf(t reflect.Type) map[string]int {
	if m, ok := entFields.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Name == "Edges" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			name = snake(f.Name)
		}
		if name != "" {
			m[name] = i
		}
	}
	entFields.Store(t, m)
	return m
}

// snake is the column of a Go field name without acronyms: NextPrivateKey is
// next_private_key. (Sensitive columns' names have none; a test checks each.)
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if 'A' <= r && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
