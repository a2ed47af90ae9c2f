package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A certificate event's notice is written with the event, in its
// transaction: a transaction retried after a deadlock writes it once, and
// one rolled back writes none. The notice carries the event's data.
func TestEventNoticeOnceAcrossRetry(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := rpc.WithPrincipal(context.Background(), rpc.OperatorPrincipal())
		env := apitest.New(t, k.Open(t))
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "retry", "RUB")
		if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 10_000_000, Currency: "RUB"}); err != nil {
			t.Fatal(err)
		}
		res, err := env.Clients(apitest.ConnectJSON, cust.Auth).Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: 3033, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
			Subject: &certsvcv1.Subject{CommonName: "r.example.com"}, Pay: true})
		if err != nil {
			t.Fatal(err)
		}
		id := res.GetCertificate().GetId()
		deadline := time.Now().Add(30 * time.Second)
		for env.DB.Ent.Certificate.GetX(ctx, id).State != "issued" {
			if time.Now().After(deadline) {
				t.Fatal("not issued")
			}
			time.Sleep(20 * time.Millisecond)
		}
		revoke := func(tx *core.Tx) error {
			c, err := tx.LockCert(ctx, id)
			if err != nil {
				return err
			}
			_, err = tx.Apply(ctx, c, core.Step{Event: lifecycle.Revoke, Message: "key compromise"}, nil)
			return err
		}
		count := func() (notices, events int) {
			notices = env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.CertificateID(id), outboxnotice.Type(string(outbox.Revoked))).CountX(ctx)
			events = env.DB.Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(id), certificateevent.Event("revoke")).CountX(ctx)
			return notices, events
		}
		// Rolled back: nothing.
		if err := env.Core.InTx(ctx, func(tx *core.Tx) error {
			if err := revoke(tx); err != nil {
				return err
			}
			return context.Canceled
		}); err == nil {
			t.Fatal("the failing transaction committed")
		}
		if n, e := count(); n != 0 || e != 0 {
			t.Fatalf("after a rollback: %d notices, %d events", n, e)
		}
		// Retried after a deadlock: once.
		attempts := 0
		if err := env.Core.InTx(ctx, func(tx *core.Tx) error {
			attempts++
			if err := revoke(tx); err != nil {
				return err
			}
			if attempts == 1 {
				return &mysql.MySQLError{Number: 1213, Message: "Deadlock found (simulated)"}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if attempts != 2 {
			t.Fatalf("attempts: %d, want 2", attempts)
		}
		if n, e := count(); n != 1 || e != 1 {
			t.Fatalf("after a retried transaction: %d notices, %d events; want 1 and 1", n, e)
		}
		r := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.CertificateID(id), outboxnotice.Type(string(outbox.Revoked))).OnlyX(ctx)
		n, err := outbox.NoticeOf(r)
		if err != nil {
			t.Fatal(err)
		}
		ev := env.DB.Ent.CertificateEvent.Query().Where(certificateevent.CertificateID(id), certificateevent.Event("revoke")).OnlyX(ctx)
		if r.DedupeKey != fmt.Sprintf("event:%d", ev.ID) || n.Data.Reason != "key compromise" || n.Data.CommonName != "r.example.com" || n.AccountID != cust.Account.GetId() {
			t.Errorf("notice %s: %+v", r.DedupeKey, n)
		}
	})
}

// A charge that takes the balance below the account's threshold writes one
// account.balance_low notice; a further charge below it writes none.
func TestBalanceLowOnCrossing(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := context.Background()
		env := apitest.NewWith(t, k.Open(t), apitest.Options{NoWorker: true})
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "low", "RUB")
		acct := cust.Account.GetId()
		if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: acct, AmountMinor: 10_000_000, Currency: "RUB"}); err != nil {
			t.Fatal(err)
		}
		env.DB.Ent.Account.UpdateOneID(acct).SetLowBalanceMinor(9_999_999).ExecX(ctx)
		cl := env.Clients(apitest.ConnectJSON, cust.Auth)
		for _, name := range []string{"x.example.com", "y.example.com"} {
			if _, err := cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 12,
				KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: name}, Pay: true}); err != nil {
				t.Fatal(err)
			}
		}
		rows := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.Type(string(outbox.BalanceLow))).AllX(ctx)
		if len(rows) != 1 {
			t.Fatalf("balance_low notices: %d, want 1", len(rows))
		}
		n, err := outbox.NoticeOf(rows[0])
		if err != nil {
			t.Fatal(err)
		}
		if n.AccountID != acct || n.Data.ThresholdMinor != 9_999_999 || n.Data.BalanceMinor >= 9_999_999 || n.Data.AmountMinor <= 0 || n.Data.Currency != "RUB" {
			t.Errorf("notice: %+v", n)
		}
	})
}

// A module whose balance at its CA is below its minimum gets one operator
// notice a day, however often the balances are read.
func TestModuleBalanceLowOperatorNotice(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := context.Background()
		env := apitest.NewWith(t, k.Open(t), apitest.Options{NoWorker: true})
		m := env.DB.Ent.ProcessingModule.Query().FirstX(ctx)
		env.DB.Ent.ProcessingModule.UpdateOne(m).SetMinBalance(1000).SetBalanceMinor(10).SetBalanceCurrency("RUB").ExecX(ctx)
		for range 3 {
			env.Worker.NoticeModules(ctx)
		}
		rows := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.Type(string(outbox.ModuleBalanceLow))).AllX(ctx)
		if len(rows) != 1 {
			t.Fatalf("module_balance_low notices: %d, want 1", len(rows))
		}
		n, err := outbox.NoticeOf(rows[0])
		if err != nil {
			t.Fatal(err)
		}
		if n.AccountID != 0 || n.Data.ModuleName != m.Name || n.Data.BalanceMinor != 10 || n.Data.ThresholdMinor != 1000 {
			t.Errorf("notice: %+v", n)
		}
	})
}
