package email_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/outbox"
)

// sampleNotice is a notice of type t with every field of Data set, a common
// name that needs escaping in HTML.
func sampleNotice(t outbox.Type) *outbox.Notice {
	end := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	return &outbox.Notice{ID: 1, Type: t, AccountID: 7, CertificateID: 42, Time: end.AddDate(-1, 0, 0), Data: outbox.Data{
		CommonName: "<script>x</script>www.example.com", Names: []string{"www.example.com", "example.com"}, PlanName: "PositiveSSL",
		Validations: []outbox.Validation{
			{Name: "www.example.com", Method: "dns", DNSName: "_acme-challenge.www.example.com", DNSType: "TXT", DNSValue: "tok-dns"},
			{Name: "example.com", Method: "http", HTTPURL: "http://example.com/.well-known/pki-validation/x.txt", HTTPBody: "tok-http"},
			{Name: "mail.example.com", Method: "email", Approver: "admin@example.com"},
		},
		Reason: "CAA forbids issuance", NotAfter: &end, DaysLeft: 14,
		AmountMinor: 150000, BalanceMinor: 99, ThresholdMinor: 100000, Currency: "RUB",
		ModuleName: "Sandbox store", ConsoleURL: "https://certsvc.example/certificates/42",
	}}
}

// TestEveryNoticeTypeHasTemplates: every type of the outbox has a template in
// every language, and each renders a subject, a text and an HTML part with
// the notice's facts, HTML-escaped in the HTML part.
func TestEveryNoticeTypeHasTemplates(t *testing.T) {
	tm, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range outbox.Types() {
		for _, lang := range mail.Languages {
			t.Run(lang+"/"+string(typ), func(t *testing.T) {
				if !tm.Has(lang, string(typ)) {
					t.Fatalf("no %s template for %s", lang, typ)
				}
				c, err := tm.Render(lang, string(typ), sampleNotice(typ))
				if err != nil {
					t.Fatal(err)
				}
				if c.Subject == "" || strings.TrimSpace(c.Text) == "" || !strings.Contains(c.HTML, "</html>") {
					t.Fatalf("empty part: %+v", c)
				}
				for _, part := range []string{c.Subject, c.Text, c.HTML} {
					if strings.Contains(part, "<no value>") || strings.Contains(part, "%!") {
						t.Errorf("unfilled value in %q", part)
					}
				}
				if strings.Contains(c.HTML, "<script>") {
					t.Error("HTML part does not escape the common name")
				}
				if lang == "ru" && !strings.ContainsFunc(c.Text, func(r rune) bool { return r >= 'а' && r <= 'я' }) {
					t.Error("Russian text has no Cyrillic")
				}
				want := map[outbox.Type][]string{
					outbox.ValidationNeeded: {"_acme-challenge.www.example.com TXT tok-dns", "tok-http", "admin@example.com"},
					outbox.Issued:           {"https://certsvc.example/certificates/42"},
					outbox.Failed:           {"CAA forbids issuance"},
					outbox.Expiring:         {"14"},
					outbox.RenewalNoMoney:   {"1500", "0", "RUB"},
					outbox.BalanceLow:       {"1000"},
					outbox.ModuleBalanceLow: {"Sandbox store"},
					outbox.BreakerOpen:      {"Sandbox store"},
				}[typ]
				for _, w := range want {
					if !strings.Contains(c.Text, w) || !strings.Contains(c.HTML, w) {
						t.Errorf("%q missing from text or HTML:\n%s\n%s", w, c.Text, c.HTML)
					}
				}
			})
		}
	}
}

func TestRussianPlurals(t *testing.T) {
	tm, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for days, want := range map[int]string{1: "1 день", 2: "2 дня", 5: "5 дней", 11: "11 дней", 21: "21 день", 14: "14 дней"} {
		n := sampleNotice(outbox.Expiring)
		n.Data.DaysLeft = days
		c, err := tm.Render("ru", string(outbox.Expiring), n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(c.Subject, want) {
			t.Errorf("%d days: subject %q, want …%q", days, c.Subject, want)
		}
	}
}
