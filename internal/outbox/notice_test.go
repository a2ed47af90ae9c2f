package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/provider"
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

// A reissue or a renewal that the CA asks to validate writes one
// certificate.validation_needed notice per operation, with what to publish
// per name, however often the CA repeats its report; the next operation
// writes its own. A report without anything left to validate writes none.
func TestValidationNeededForReissueAndRenewal(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := rpc.WithPrincipal(context.Background(), rpc.OperatorPrincipal())
		env := apitest.NewWith(t, k.Open(t), apitest.Options{NoWorker: true})
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "dcv", "RUB")
		if _, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 10_000_000, Currency: "RUB"}); err != nil {
			t.Fatal(err)
		}
		res, err := env.Clients(apitest.ConnectJSON, cust.Auth).Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: 3033, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
			Subject: &certsvcv1.Subject{CommonName: "dcv.example.com"}, Pay: true})
		if err != nil {
			t.Fatal(err)
		}
		id := res.GetCertificate().GetId()
		// The order as a reissue or renewal under way at the CA, its names
		// validated before.
		begin := func(state certificate.State, op lifecycle.Op, ref string) {
			env.DB.Ent.Certificate.UpdateOneID(id).SetState(state).SetOp(op.String()).SetOpRef(ref).
				SetValidations([]certdata.Validation{{Domain: "dcv.example.com", Method: "dns_txt", Status: "valid"}}).ExecX(ctx)
		}
		report := func(r provider.Remote) {
			t.Helper()
			if err := env.Core.InTx(ctx, func(tx *core.Tx) error {
				c, err := tx.LockCert(ctx, id)
				if err != nil {
					return err
				}
				_, v, err := tx.ApplyRemote(ctx, c, r, "")
				if err == nil && v != lifecycle.Stay {
					t.Errorf("verdict %q, want stay", v)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		pending := func(value string) provider.Remote {
			return provider.Remote{State: provider.StateAwaitingDCV, DCV: []provider.DCVInstruction{{Domain: "dcv.example.com",
				Method: provider.DCVDNSTXT, Status: "pending", DNSName: "_dnsauth.dcv.example.com", DNSType: "TXT", Content: value}}}
		}
		notices := func() []*outbox.Notice {
			t.Helper()
			rows := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.CertificateID(id), outboxnotice.Type(string(outbox.ValidationNeeded))).
				Order(outboxnotice.ByID()).AllX(ctx)
			var out []*outbox.Notice
			for _, r := range rows {
				n, err := outbox.NoticeOf(r)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, n)
			}
			return out
		}
		before := len(notices()) // the new order's, if any
		begin(certificate.StateReissuing, lifecycle.OpReissue, "re-1")
		report(provider.Remote{State: provider.StateProcessing})  // nothing to validate
		report(provider.Remote{State: provider.StateAwaitingDCV}) // the names are still valid: nothing to publish
		report(pending("tok-1"))
		report(pending("tok-1")) // the CA repeats itself
		ns := notices()
		if len(ns) != before+1 {
			t.Fatalf("after the reissue's reports: %d validation_needed notices, want %d", len(ns), before+1)
		}
		want := outbox.Validation{Name: "dcv.example.com", Method: "dns", DNSName: "_dnsauth.dcv.example.com", DNSType: "TXT", DNSValue: "tok-1"}
		if n := ns[len(ns)-1]; n.AccountID != cust.Account.GetId() || len(n.Data.Validations) != 1 || n.Data.Validations[0] != want || n.Data.State != "reissuing" {
			t.Errorf("reissue's notice: %+v", n)
		}
		// A renewal is another operation: its own notice.
		begin(certificate.StateRenewing, lifecycle.OpRenew, "rn-1")
		report(pending("tok-2"))
		report(pending("tok-2"))
		ns = notices()
		if len(ns) != before+2 {
			t.Fatalf("after the renewal's reports: %d validation_needed notices, want %d", len(ns), before+2)
		}
		if n := ns[len(ns)-1]; len(n.Data.Validations) != 1 || n.Data.Validations[0].DNSValue != "tok-2" || n.Data.State != "renewing" {
			t.Errorf("renewal's notice: %+v", n)
		}
		if got := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.DedupeKey(fmt.Sprintf("validation_needed:%d:rn-1", id))).CountX(ctx); got != 1 {
			t.Errorf("notices under the renewal's key: %d, want 1", got)
		}
	})
}
