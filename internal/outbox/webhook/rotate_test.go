package webhook_test

import (
	"errors"
	"testing"

	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
	"github.com/certsvc/certsvc/internal/store"
)

// plainSeal seals nothing: the test reads the secrets as they are.
type plainSeal struct{}

func (plainSeal) Seal(plain, _ []byte) (string, error)       { return string(plain), nil }
func (plainSeal) Open(text string, _ []byte) ([]byte, error) { return []byte(text), nil }

// A rotation answers the endpoint as stored, without reading it back; one
// made from an endpoint read before another rotation (two at once) is
// refused as aborted instead of dropping the secret the other gave out.
func TestRotateFromAStaleEndpointIsAborted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := webhook.New(db.Ent, plainSeal{}, webhook.Options{AllowPrivate: true})
		acc := db.Ent.Account.Create().SetName("hooks").SetCurrency("RUB").SaveX(ctx)
		ep, first, err := w.Create(ctx, acc.ID, webhook.Endpoint{URL: "https://127.0.0.1/hook", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		rotated, second, err := w.Rotate(ctx, ep)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := w.Get(ctx, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Secret != second || rotated.PreviousSecret != first || stored.Secret != second || stored.PreviousSecret != first ||
			rotated.PreviousSecretUntil == nil || stored.PreviousSecretUntil == nil ||
			!rotated.PreviousSecretUntil.Equal(*stored.PreviousSecretUntil) || !rotated.UpdateTime.Equal(stored.UpdateTime) {
			t.Fatalf("rotated %+v, stored %+v; want the new secret, the old one as previous, equal", rotated, stored)
		}
		if _, _, err := w.Rotate(ctx, ep); !errors.Is(err, errkind.Aborted) {
			t.Fatalf("rotation of the endpoint as read before the first: %v, want aborted", err)
		}
		if now, _ := w.Get(ctx, ep.ID); now.Secret != second || now.PreviousSecret != first {
			t.Fatalf("after the refused rotation: secret %q, previous %q; want %q, %q", now.Secret, now.PreviousSecret, second, first)
		}
	})
}
