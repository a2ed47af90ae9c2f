package email_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/mail/mailtest"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/email"
	"github.com/certsvc/certsvc/internal/store"
)

// TestTargets: an account's recipients for the types it wants (all customer
// types when it names none, the test message always), the operators for an
// operator notice, nobody when e-mail is off; a recipient removed after the
// fan-out is given up, not sent to.
func TestTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		srv := mailtest.Start(t, mailtest.Options{})
		sender, err := mail.NewSender(srv.Config())
		if err != nil {
			t.Fatal(err)
		}
		defer sender.Close()
		acc := db.Ent.Account.Create().SetName("A").SetCurrency("RUB").SaveX(ctx)
		all := db.Ent.Account.Create().SetName("B").SetCurrency("RUB").SaveX(ctx)
		none := db.Ent.Account.Create().SetName("C").SetCurrency("RUB").SaveX(ctx)
		db.Ent.NotificationSettings.Create().SetAccountID(acc.ID).SetRecipients([]string{"a@example.com", "b@example.com"}).
			SetEventTypes([]string{string(outbox.Issued)}).SaveX(ctx)
		db.Ent.NotificationSettings.Create().SetAccountID(all.ID).SetRecipients([]string{"c@example.com"}).SaveX(ctx)

		ch, err := email.New(db.Ent, sender, []string{"ops@example.com"}, "")
		if err != nil {
			t.Fatal(err)
		}
		off, err := email.New(db.Ent, nil, []string{"ops@example.com"}, "")
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			ch      *email.Channel
			account int64
			typ     outbox.Type
			want    string
		}{
			{ch, acc.ID, outbox.Issued, "a@example.com,b@example.com"},
			{ch, acc.ID, outbox.Expiring, ""},
			{ch, acc.ID, outbox.Test, "a@example.com,b@example.com"},
			{ch, all.ID, outbox.Expiring, "c@example.com"},
			{ch, all.ID, outbox.BalanceLow, "c@example.com"},
			{ch, none.ID, outbox.Issued, ""},
			{ch, 0, outbox.BreakerOpen, "ops@example.com"},
			{off, acc.ID, outbox.Issued, ""},
			{off, 0, outbox.BreakerOpen, ""},
		}
		for _, tc := range cases {
			got, err := tc.ch.Targets(ctx, []*outbox.Notice{{AccountID: tc.account, Type: tc.typ}})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got[0], ",") != tc.want {
				t.Errorf("account %d, %s, enabled %v: targets %v, want %q", tc.account, tc.typ, tc.ch.Enabled(), got, tc.want)
			}
		}
		// The same notices in one batch: the settings of all the accounts
		// are read at once, and each notice gets its own account's.
		var batch []*outbox.Notice
		var wants []string
		for _, tc := range cases {
			if tc.ch == ch {
				batch = append(batch, &outbox.Notice{AccountID: tc.account, Type: tc.typ})
				wants = append(wants, tc.want)
			}
		}
		got, err := ch.Targets(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range batch {
			if strings.Join(got[i], ",") != wants[i] {
				t.Errorf("in a batch, account %d, %s: targets %v, want %q", n.AccountID, n.Type, got[i], wants[i])
			}
		}
		if !slices.Contains(email.CustomerTypes(), outbox.Revoked) || slices.Contains(email.CustomerTypes(), outbox.BreakerOpen) {
			t.Errorf("customer types %v", email.CustomerTypes())
		}

		n := sampleNotice(outbox.Issued)
		n.AccountID = acc.ID
		err = ch.Deliver(ctx, &outbox.Delivery{ID: 1, Notice: n, Channel: email.Name, Target: "gone@example.com", Attempt: 1})
		if !outbox.IsPermanent(err) || srv.Count() != 0 {
			t.Fatalf("delivery to a recipient no longer in the settings: %v, %d sent", err, srv.Count())
		}
		if err := ch.Deliver(ctx, &outbox.Delivery{ID: 2, Notice: n, Channel: email.Name, Target: "b@example.com", Attempt: 1}); err != nil {
			t.Fatal(err)
		}
		m := srv.Messages()[0]
		if m.Subject != "Your certificate for <script>x</script>www.example.com is issued" || strings.Join(m.To, ",") != "b@example.com" ||
			m.Header.Get("Message-ID") != ch.MessageID(2) {
			t.Errorf("message %q to %v, Message-ID %q", m.Subject, m.To, m.Header.Get("Message-ID"))
		}
	})
}

// Operator notices are written in the operator language (--operator-language),
// English by default; a language without templates is refused.
func TestOperatorLanguage(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := t.Context()
	srv := mailtest.Start(t, mailtest.Options{})
	sender, err := mail.NewSender(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	for i, tc := range []struct{ lang, want string }{{"", "en"}, {"en", "en"}, {"ru", "ru"}} {
		ch, err := email.New(db.Ent, sender, []string{"ops@example.com"}, tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		n := sampleNotice(outbox.BreakerOpen)
		n.AccountID, n.CertificateID = 0, 0
		d := &outbox.Delivery{ID: int64(100 + i), Notice: n, Channel: email.Name, Target: "ops@example.com", Attempt: 1}
		if err := ch.Deliver(ctx, d); err != nil {
			t.Fatal(err)
		}
		msgs, err := srv.Wait(ctx, i+1)
		if err != nil {
			t.Fatal(err)
		}
		m := msgs[i]
		if got := m.Header.Get("Content-Language"); got != tc.want || strings.Join(m.To, ",") != "ops@example.com" || d.Status != 250 {
			t.Errorf("operator language %q: message in %q to %v (status %d), want %q", tc.lang, got, m.To, d.Status, tc.want)
		}
		if text := m.Part("text/plain"); text == nil || (tc.want == "ru") != strings.ContainsAny(text.Body, "абвгдеёжзийклмнопрстуфхцчшщыьэюя") {
			t.Errorf("operator language %q: text part %v", tc.lang, text)
		}
	}
	if _, err := email.New(db.Ent, sender, nil, "de"); err == nil || !strings.Contains(err.Error(), `"de"`) {
		t.Errorf("operator language de: %v, want an error naming it", err)
	}
}
