package webhook_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
	"github.com/certsvc/certsvc/internal/store"
)

// The targets of a batch of notices of several accounts, read at once: for
// each notice, its own account's enabled endpoints whose filter takes its
// type, in the order the endpoints were made; none for a test notice or an
// operator notice.
func TestTargetsOfABatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := webhook.New(db.Ent, plainSeal{}, webhook.Options{AllowPrivate: true})
		a := db.Ent.Account.Create().SetName("a").SetCurrency("RUB").SaveX(ctx)
		b := db.Ent.Account.Create().SetName("b").SetCurrency("RUB").SaveX(ctx)
		c := db.Ent.Account.Create().SetName("c").SetCurrency("RUB").SaveX(ctx)
		id := func(acc int64, e webhook.Endpoint) string {
			e.URL = "https://127.0.0.1/hook"
			ep, _, err := w.Create(ctx, acc, e)
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(ep.ID, 10)
		}
		aAll := id(a.ID, webhook.Endpoint{Enabled: true})
		aIssued := id(a.ID, webhook.Endpoint{Enabled: true, EventTypes: []string{string(outbox.Issued)}})
		id(a.ID, webhook.Endpoint{Enabled: false})
		bAll := id(b.ID, webhook.Endpoint{Enabled: true})

		ns := []*outbox.Notice{
			{AccountID: a.ID, Type: outbox.Issued},
			{AccountID: b.ID, Type: outbox.Issued},
			{AccountID: a.ID, Type: outbox.Expiring},
			{AccountID: c.ID, Type: outbox.Issued},
			{AccountID: a.ID, Type: outbox.Test},
			{AccountID: 0, Type: outbox.BreakerOpen},
		}
		want := []string{aAll + "," + aIssued, bAll, aAll, "", "", ""}
		got, err := w.Targets(ctx, ns)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ns) {
			t.Fatalf("%d lists for %d notices", len(got), len(ns))
		}
		for i := range ns {
			if strings.Join(got[i], ",") != want[i] {
				t.Errorf("notice %d (account %d, %s): targets %v, want %q", i, ns[i].AccountID, ns[i].Type, got[i], want[i])
			}
		}
	})
}
