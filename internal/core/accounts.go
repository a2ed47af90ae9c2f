package core

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// VisibleAccount loads an account the caller may see; others are NotFound,
// so a user cannot probe which account ids exist.
func (s *Core) VisibleAccount(ctx context.Context, field string, id int64) (*ent.Account, error) {
	if !rpc.PrincipalFrom(ctx).OwnsAccount(id) {
		return nil, errkind.Field(errkind.NotFound, field, "account %d not found", id)
	}
	a, err := s.db.Account.Get(ctx, id)
	if err != nil {
		return nil, rpc.FieldErr(field, fmt.Errorf("account %d: %w", id, store.Translate(err)))
	}
	return a, nil
}
