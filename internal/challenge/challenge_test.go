package challenge_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/certsvc/certsvc/internal/challenge"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// An answer presented through one replica's publisher is served by another
// replica's handler over the same store, for its domain only, until it is
// cleaned up.
func TestStoreServesEveryReplica(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := challenge.New(db.Ent), challenge.New(db.Ent)
		if err := a.Present(ctx, "Shop.Example.com.", "tok1", "tok1.thumb"); err != nil {
			t.Fatal(err)
		}
		if err := a.Present(ctx, "shop.example.com", "tok1", "tok1.thumb"); err != nil { // again: idempotent
			t.Fatal(err)
		}
		get := func(host, token string) (int, string) {
			r := httptest.NewRequest(http.MethodGet, challenge.Path+token, nil)
			r.Host = host
			w := httptest.NewRecorder()
			b.ServeHTTP(w, r)
			body, _ := io.ReadAll(w.Result().Body)
			return w.Code, string(body)
		}
		if code, body := get("shop.example.com:80", "tok1"); code != 200 || body != "tok1.thumb" {
			t.Errorf("answer: %d %q", code, body)
		}
		if code, _ := get("other.example.com", "tok1"); code != 404 {
			t.Errorf("another domain: %d, want 404", code)
		}
		if err := a.CleanUp(ctx, "shop.example.com", "tok1"); err != nil {
			t.Fatal(err)
		}
		if code, _ := get("shop.example.com", "tok1"); code != 404 {
			t.Errorf("after clean-up: %d, want 404", code)
		}
	})
}
