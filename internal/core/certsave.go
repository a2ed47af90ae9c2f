package core

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/internal/store"
)

// saveCert saves the changes u holds to c, which tx holds locked, and
// returns c as it now is, with certificate_names following a change of its
// names or of its end date. It writes the changes with one UPDATE by id and
// applies them to a copy of c, with no read back (see saveCertOnly).
func (tx *Tx) saveCert(ctx context.Context, c *ent.Certificate, u *ent.CertificateUpdateOne) (*ent.Certificate, error) {
	m := u.Mutation()
	renamed, dated := namesChanged(m), notAfterChanged(m)
	next, err := tx.updateCert(ctx, c, u)
	if err != nil {
		return nil, err
	}
	if renamed {
		if err := tx.writeNames(ctx, c.ID, next.NotAfter, certNames(c), certNames(next)); err != nil {
			return nil, err
		}
	}
	if dated {
		if err := tx.writeNamesNotAfter(ctx, c.ID, next.NotAfter); err != nil {
			return nil, err
		}
	}
	return next, nil
}

// saveCertOnly is saveCert for changes that leave certificate_names as it
// is: it refuses a change of the names or of the end date, which that table
// repeats.
func (tx *Tx) saveCertOnly(ctx context.Context, c *ent.Certificate, u *ent.CertificateUpdateOne) (*ent.Certificate, error) {
	m := u.Mutation()
	if namesChanged(m) || notAfterChanged(m) {
		return nil, fmt.Errorf("save certificate %d: a change of its names or end date goes through saveCert", c.ID)
	}
	return tx.updateCert(ctx, c, u)
}

// updateCert writes u's changes to c's row with one UPDATE by id and
// returns c with them applied (store.Applied), with no read back. Changes
// that cannot be applied without reading the row (an addition, an append to
// a JSON list, an edge) are refused before anything is written; nothing in
// the core makes them.
func (tx *Tx) updateCert(ctx context.Context, c *ent.Certificate, u *ent.CertificateUpdateOne) (*ent.Certificate, error) {
	m := u.Mutation()
	if _, ok := m.AppendedExtraNames(); ok {
		return nil, fmt.Errorf("save certificate %d: an append to extra_names needs a read back; set the list", c.ID)
	}
	if _, ok := m.AppendedValidations(); ok {
		return nil, fmt.Errorf("save certificate %d: an append to validations needs a read back; set the list", c.ID)
	}
	if len(m.AddedFields()) > 0 || len(m.AddedEdges()) > 0 || len(m.RemovedEdges()) > 0 || len(m.ClearedEdges()) > 0 {
		return nil, fmt.Errorf("save certificate %d: additions and edge changes need a read back", c.ID)
	}
	upd := tx.Certificate.Update().Where(certificate.ID(c.ID))
	um := upd.Mutation()
	for _, f := range m.Fields() {
		v, _ := m.Field(f)
		if err := um.SetField(f, v); err != nil {
			return nil, fmt.Errorf("save certificate %d: %w", c.ID, err)
		}
	}
	for _, f := range m.ClearedFields() {
		if err := um.ClearField(f); err != nil {
			return nil, fmt.Errorf("save certificate %d: %w", c.ID, err)
		}
	}
	// The row is locked and exists; an update that changes nothing (a test
	// clock standing still) affects no row on MySQL, so the count is not read.
	if _, err := upd.Save(ctx); err != nil {
		return nil, err
	}
	// um now holds what the update's default (update_time, when u did not
	// set it) and the schema's hook (has_private_key) added.
	return store.Applied(c, um)
}
