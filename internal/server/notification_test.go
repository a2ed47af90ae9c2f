package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/mail/mailtest"
)

// newMailEnv is a certEnv whose server sends e-mail to a mailtest relay.
func newMailEnv(t *testing.T, k dbtest.Kind, p apitest.Protocol, login string, cfg func(*mail.Config)) (certEnv, *mailtest.Server) {
	t.Helper()
	srv := mailtest.Start(t, mailtest.Options{})
	c := srv.Config()
	if cfg != nil {
		cfg(&c)
	}
	sender, err := mail.NewSender(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	return newCertEnvWith(t, k, p, login, apitest.Options{Mail: sender, OperatorEmails: []string{"ops@example.com"}}), srv
}

func TestNotificationSettings(t *testing.T) { dbtest.EachKind(t, testNotificationSettings) }

func testNotificationSettings(t *testing.T, k dbtest.Kind) {
	for _, p := range apitest.Protocols {
		t.Run(string(p), func(t *testing.T) {
			e, srv := newMailEnv(t, k, p, "notify-"+string(p[:4]), nil)
			ctx := context.Background()
			acc := e.cust.Account.GetId()

			got, err := e.c.Notify.GetNotificationSettings(ctx, &certsvcv1.GetNotificationSettingsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if s := got.GetSettings(); s.GetAccountId() != acc || s.GetLanguage() != "en" || len(s.GetRecipients()) != 0 ||
				len(s.GetEventTypes()) != 0 || s.GetBalanceThresholdMinor() != 0 || !s.GetEmailEnabled() {
				t.Fatalf("defaults: %v", s)
			}

			// Bad input: refused naming the field, nothing written.
			for _, tc := range []struct {
				s    *certsvcv1.NotificationSettings
				mask []string
				want string
			}{
				{&certsvcv1.NotificationSettings{Recipients: []string{"a@example.com", "not-an-address"}}, nil, "settings.recipients[1]"},
				{&certsvcv1.NotificationSettings{Recipients: []string{"a@example.com", "A <a@example.com>"}}, nil, "settings.recipients[1]"},
				{&certsvcv1.NotificationSettings{EventTypes: []string{"certificate.issued", "module.breaker_open"}}, nil, "settings.event_types[1]"},
				{&certsvcv1.NotificationSettings{Language: "de"}, nil, "settings.language"},
				{&certsvcv1.NotificationSettings{BalanceThresholdMinor: -1}, nil, "settings.balance_threshold_minor"},
				{&certsvcv1.NotificationSettings{}, []string{"sender"}, "update_mask"},
			} {
				req := &certsvcv1.UpdateNotificationSettingsRequest{Settings: tc.s}
				if tc.mask != nil {
					req.UpdateMask = &fieldmaskpb.FieldMask{Paths: tc.mask}
				}
				_, err := e.c.Notify.UpdateNotificationSettings(ctx, req)
				if codeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%v: error %v, want invalid_argument naming %s", tc.s, err, tc.want)
				}
			}

			up, err := e.c.Notify.UpdateNotificationSettings(ctx, &certsvcv1.UpdateNotificationSettingsRequest{
				Settings: &certsvcv1.NotificationSettings{Recipients: []string{"Billing <billing@example.com>", "tech@example.com"},
					EventTypes: []string{"certificate.issued", "certificate.expiring"}, Language: "ru", BalanceThresholdMinor: 50000}})
			if err != nil {
				t.Fatal(err)
			}
			if s := up.GetSettings(); strings.Join(s.GetRecipients(), ",") != "billing@example.com,tech@example.com" ||
				s.GetLanguage() != "ru" || s.GetBalanceThresholdMinor() != 50000 || len(s.GetEventTypes()) != 2 || s.GetUpdateTime() == nil {
				t.Fatalf("updated: %v", s)
			}
			// A mask changes only what it names.
			up, err = e.c.Notify.UpdateNotificationSettings(ctx, &certsvcv1.UpdateNotificationSettingsRequest{
				Settings: &certsvcv1.NotificationSettings{EventTypes: nil}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"event_types"}}})
			if err != nil {
				t.Fatal(err)
			}
			if s := up.GetSettings(); len(s.GetEventTypes()) != 0 || s.GetLanguage() != "ru" || len(s.GetRecipients()) != 2 || s.GetBalanceThresholdMinor() != 50000 {
				t.Fatalf("after a masked update: %v", s)
			}

			// Access: another customer does not see them; an admin names the account.
			other := e.env.NewCustomer(t, "notify-other-"+string(p[:4]), "RUB")
			oc := e.env.Clients(p, other.Auth)
			if _, err := oc.Notify.GetNotificationSettings(ctx, &certsvcv1.GetNotificationSettingsRequest{AccountId: acc}); codeOf(err) != connect.CodeNotFound {
				t.Errorf("another customer's settings: %v, want not_found", err)
			}
			if _, err := oc.Notify.ListEmailDeliveries(ctx, &certsvcv1.ListEmailDeliveriesRequest{AccountId: acc}); codeOf(err) != connect.CodeNotFound {
				t.Errorf("another customer's e-mail log: %v, want not_found", err)
			}
			if _, err := e.admin.Notify.GetNotificationSettings(ctx, &certsvcv1.GetNotificationSettingsRequest{}); codeOf(err) != connect.CodeInvalidArgument ||
				!strings.Contains(err.Error(), "account_id") {
				t.Errorf("admin without account_id: %v", err)
			}
			if got, err := e.admin.Notify.GetNotificationSettings(ctx, &certsvcv1.GetNotificationSettingsRequest{AccountId: acc}); err != nil ||
				got.GetSettings().GetLanguage() != "ru" {
				t.Errorf("admin reads the customer's: %v %v", got, err)
			}

			// The test message goes out at once, in the account's language, to every recipient.
			sent, err := e.c.Notify.SendTestEmail(ctx, &certsvcv1.SendTestEmailRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if len(sent.GetSentTo()) != 2 {
				t.Fatalf("sent to %v", sent.GetSentTo())
			}
			msgs := srv.Messages()
			if len(msgs) != 1 || msgs[0].Subject != "Проверочное письмо certsvc" || len(msgs[0].To) != 2 ||
				msgs[0].Part("text/plain") == nil || msgs[0].Part("text/html") == nil {
				t.Fatalf("test message: %+v", msgs)
			}
			if _, err := oc.Notify.SendTestEmail(ctx, &certsvcv1.SendTestEmailRequest{}); codeOf(err) != connect.CodeFailedPrecondition {
				t.Errorf("test message without recipients: %v, want failed_precondition", err)
			}
			if _, err := e.c.Notify.SendTestEmail(ctx, &certsvcv1.SendTestEmailRequest{Recipients: []string{"x@example.com", "bad"}}); codeOf(err) != connect.CodeInvalidArgument ||
				!strings.Contains(err.Error(), "recipients[1]") {
				t.Errorf("test message to a bad address: %v", err)
			}
		})
	}
}

// TestSendTestEmailRelayRefuses: a relay that refuses the login gives
// unavailable with the step and the reply code, never the relay's login or
// password.
func TestSendTestEmailRelayRefuses(t *testing.T) {
	e, srv := newMailEnv(t, dbtest.Kinds[0], apitest.ConnectJSON, "notify-refused", func(c *mail.Config) { c.Password = "wrong-secret" })
	_, err := e.c.Notify.SendTestEmail(context.Background(), &certsvcv1.SendTestEmailRequest{Recipients: []string{"x@example.com"}})
	if codeOf(err) != connect.CodeUnavailable || !strings.Contains(err.Error(), "auth") || !strings.Contains(err.Error(), "535") {
		t.Fatalf("error %v, want unavailable naming auth and 535", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") || strings.Contains(err.Error(), srv.Config().Username) {
		t.Errorf("error %q shows the relay's credentials", err)
	}
}

// TestEmailOnIssue: an order on the built-in CA ends in a "certificate
// issued" e-mail to each recipient, in the account's language, with a text
// and an HTML part and the console link; the e-mail log shows each as sent
// with the Message-ID it carries.
func TestEmailOnIssue(t *testing.T) { dbtest.EachKind(t, testEmailOnIssue) }

func testEmailOnIssue(t *testing.T, k dbtest.Kind) {
	e, srv := newMailEnv(t, k, apitest.ConnectJSON, "issue-mail", nil)
	ctx := context.Background()
	_, err := e.c.Notify.UpdateNotificationSettings(ctx, &certsvcv1.UpdateNotificationSettingsRequest{
		Settings: &certsvcv1.NotificationSettings{Recipients: []string{"billing@example.com", "tech@example.com"}, Language: "ru"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
		PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: "mail.example.com"}, Pay: true})
	if err != nil {
		t.Fatal(err)
	}
	id := res.GetCertificate().GetId()
	waitState(t, e.c, id, stIssued)

	const subject = "Сертификат для mail.example.com выпущен"
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var issued []mailtest.Message
	for n := 1; len(issued) < 2; n++ {
		msgs, err := srv.Wait(wctx, n)
		if err != nil {
			t.Fatalf("%v; subjects so far: %v", err, subjects(msgs))
		}
		issued = issued[:0]
		for _, m := range msgs {
			if m.Subject == subject {
				issued = append(issued, m)
			}
		}
	}
	to := map[string]string{}
	for _, m := range issued {
		if len(m.To) != 1 {
			t.Fatalf("one message per recipient, got one to %v", m.To)
		}
		to[m.To[0]] = m.Header.Get("Message-ID")
		text, html := m.Part("text/plain"), m.Part("text/html")
		if text == nil || html == nil || m.Header.Get("Content-Language") != "ru" {
			t.Fatalf("parts %v, language %q", m.Parts, m.Header.Get("Content-Language"))
		}
		if !strings.Contains(text.Body, "Здравствуйте") || !strings.Contains(html.Body, `lang="ru"`) || !strings.Contains(text.Body, "mail.example.com") {
			t.Errorf("text %q\nhtml %q", text.Body, html.Body)
		}
	}
	if to["billing@example.com"] == "" || to["tech@example.com"] == "" || to["billing@example.com"] == to["tech@example.com"] {
		t.Fatalf("recipients and Message-IDs: %v", to)
	}

	// The log: each issued e-mail sent, with the Message-ID it carried.
	var log []*certsvcv1.EmailDelivery
	for len(log) == 0 || log[0].GetState() != certsvcv1.EmailDeliveryState_EMAIL_DELIVERY_STATE_SENT {
		lr, err := e.c.Notify.ListEmailDeliveries(wctx, &certsvcv1.ListEmailDeliveriesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		log = log[:0]
		for _, d := range lr.GetDeliveries() {
			if d.GetNoticeType() == "certificate.issued" && d.GetState() == certsvcv1.EmailDeliveryState_EMAIL_DELIVERY_STATE_SENT {
				log = append(log, d)
			}
		}
		if len(log) == 2 {
			break
		}
		log = nil
		time.Sleep(20 * time.Millisecond) // the sender records the outcome after the relay's answer
	}
	for _, d := range log {
		if d.GetCertificateId() != id || d.GetAttempts() != 1 || to[d.GetRecipient()] != d.GetMessageId() || d.GetSentTime() == nil ||
			d.GetLastStatus() != 250 {
			t.Errorf("log entry %v; Message-IDs sent %v", d, to)
		}
	}
}

func subjects(msgs []mailtest.Message) []string {
	var s []string
	for _, m := range msgs {
		s = append(s, m.Subject)
	}
	return s
}
