package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/outboxnotice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/outbox"
)

// The expiry scan writes each reminder once however often it runs, the
// nearest step of the schedule only, and none for a certificate no longer
// issued.
func TestScanExpiringOncePerStep(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := context.Background()
		// The service's own scan runs with the default schedule now: nothing
		// it writes is due for a fresh certificate.
		env := apitest.New(t, k.Open(t))
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "expiry", "RUB")
		if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 10_000_000, Currency: "RUB"}); err != nil {
			t.Fatal(err)
		}
		cl := env.Clients(apitest.ConnectJSON, cust.Auth)
		var ids []int64
		for _, name := range []string{"a.example.com", "b.example.com"} {
			res, err := cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 12,
				KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: name}, Pay: true})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.GetCertificate().GetId())
		}
		var notAfter time.Time
		for _, id := range ids {
			deadline := time.Now().Add(30 * time.Second)
			for {
				c, err := env.DB.Ent.Certificate.Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if c.State == "issued" && c.NotAfter != nil {
					notAfter = *c.NotAfter
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("certificate %d: %s", id, c.State)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		// The second is no longer issued: no reminder for it.
		if _, err := admin.Cert.SuspendCertificates(ctx, &certsvcv1.SuspendCertificatesRequest{Ids: ids[1:]}); err != nil {
			t.Fatal(err)
		}
		now := notAfter.Add(-10 * 24 * time.Hour)
		b := outbox.New(env.DB, nil, outbox.Options{Now: func() time.Time { return now }})
		count := func(typ outbox.Type) int {
			n, err := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.Type(string(typ))).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for range 3 {
			if _, err := b.ScanExpiring(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(outbox.Expiring); n != 1 {
			t.Fatalf("after three scans 10 days before the end: %d reminders, want 1", n)
		}
		r := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.Type(string(outbox.Expiring))).OnlyX(ctx)
		n, err := outbox.NoticeOf(r)
		if err != nil {
			t.Fatal(err)
		}
		if n.CertificateID != ids[0] || n.Data.DaysLeft != 10 || n.Data.CommonName != "a.example.com" {
			t.Errorf("reminder: %+v", n)
		}
		now = notAfter.Add(-5 * 24 * time.Hour)
		for range 2 {
			if _, err := b.ScanExpiring(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(outbox.Expiring); n != 2 {
			t.Fatalf("after the 7-day step: %d reminders, want 2", n)
		}
	})
}
