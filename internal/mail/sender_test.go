package mail_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/mail/mailtest"
)

func testMessage(id string) mail.Message {
	return mail.Message{
		ID:       id,
		To:       []string{"alice@example.com", "bob@example.org"},
		Subject:  "Сертификат для www.example.com выпущен — это очень длинная тема письма, которую нужно перенести",
		Text:     "Здравствуйте!\nСертификат выпущен: строка длиннее семидесяти шести символов, чтобы проверить мягкие переносы quoted-printable.\n",
		HTML:     "<p>Здравствуйте!</p><p>Сертификат <b>выпущен</b>.</p>",
		Language: "ru",
	}
}

func send(t *testing.T, cfg mail.Config, m mail.Message) error {
	t.Helper()
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Send(t.Context(), m)
}

func TestSendStartTLSAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	if err := send(t, srv.Config(), testMessage("certsvc.delivery.7")); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "noreply@certsvc.test" || strings.Join(m.To, ",") != "alice@example.com,bob@example.org" {
		t.Errorf("envelope from %q to %q", m.From, m.To)
	}
	want := testMessage("")
	if m.Subject != want.Subject {
		t.Errorf("subject %q, want %q", m.Subject, want.Subject)
	}
	if raw := m.Header.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?b?") {
		t.Errorf("raw subject %q is not RFC 2047 encoded", raw)
	}
	head, body, _ := strings.Cut(string(m.Raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 998 {
			t.Errorf("header line longer than 998: %q", line)
		}
	}
	for _, line := range strings.Split(body, "\r\n") {
		if len(line) > 78 {
			t.Errorf("body line longer than 78: %q", line)
		}
	}
	if got := m.Header.Get("Message-ID"); got != "<certsvc.delivery.7@certsvc.test>" {
		t.Errorf("Message-ID %q", got)
	}
	for k, v := range map[string]string{"Auto-Submitted": "auto-generated", "Content-Language": "ru", "MIME-Version": "1.0"} {
		if got := m.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type %q", ct)
	}
	text, html := m.Part("text/plain"), m.Part("text/html")
	if text == nil || html == nil || len(m.Parts) != 2 {
		t.Fatalf("parts %+v, want text/plain and text/html", m.Parts)
	}
	if text.Charset != "utf-8" || text.Body != strings.ReplaceAll(want.Text, "\n", "\r\n") {
		t.Errorf("text part (%s) %q", text.Charset, text.Body)
	}
	if html.Body != want.HTML {
		t.Errorf("html part %q", html.Body)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{ImplicitTLS: true})
	if err := send(t, srv.Config(), testMessage("m1")); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(); n != 1 {
		t.Fatalf("got %d messages, want 1", n)
	}
}

func TestSendWrongPassword(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	cfg := srv.Config()
	cfg.Password = "wrong-password-xyz"
	err := send(t, cfg, testMessage("m1"))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 535 {
		t.Fatalf("error %v, want an SMTP 535", err)
	}
	if !strings.Contains(err.Error(), "smtp auth") || !strings.Contains(err.Error(), `"certsvc"`) {
		t.Errorf("error %q does not say auth failed for the user", err)
	}
	if strings.Contains(err.Error(), cfg.Password) {
		t.Errorf("error %q holds the password", err)
	}
	if mail.Permanent(err) {
		t.Errorf("a refused login is permanent; it should be retried once the operator fixes it")
	}
	if srv.Count() != 0 {
		t.Error("a message went through")
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	cfg := srv.Config()
	cfg.CAFile = "" // the system's roots do not know the test certificate
	err := send(t, cfg, testMessage("m1"))
	if err == nil || !strings.Contains(err.Error(), "failed to verify certificate") {
		t.Fatalf("error %v, want a certificate verification failure", err)
	}
}

func TestSendServerDown(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	cfg := srv.Config()
	srv.Close()
	err := send(t, cfg, testMessage("m1"))
	if err == nil || !strings.HasPrefix(err.Error(), "smtp dial") {
		t.Fatalf("error %v, want a dial error", err)
	}
	if mail.Permanent(err) {
		t.Error("a relay that is down is a temporary failure")
	}
}

func TestSendRefusedRecipientIsPermanent(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	m := testMessage("m1")
	m.To = []string{"nobody@refused.test"}
	err := send(t, srv.Config(), m)
	if err == nil || !mail.Permanent(err) || !strings.Contains(err.Error(), "nobody@refused.test") {
		t.Fatalf("error %v, want a permanent error naming the recipient", err)
	}
}

// TestSendReusesConnections sends from several goroutines: every message
// arrives, over fewer connections than messages.
func TestSendReusesConnections(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s, err := mail.NewSender(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				errs <- s.Send(t.Context(), testMessage(fmt.Sprintf("g%d.%d", g, i)))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Count(); n != 40 {
		t.Fatalf("%d messages arrived, want 40", n)
	}
	if n := srv.Sessions(); n > 8 {
		t.Errorf("%d connections for 40 messages: not reused", n)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  mail.Config
		want string // substring of the error; "" for none
	}{
		{"off", mail.Config{}, ""},
		{"ok", mail.Config{Host: "smtp.example.com", From: "certsvc <noreply@example.com>", Username: "u", Password: "p"}, ""},
		{"no from", mail.Config{Host: "smtp.example.com"}, "--smtp-from: required"},
		{"bad from", mail.Config{Host: "smtp.example.com", From: "not an address"}, "--smtp-from:"},
		{"host with port", mail.Config{Host: "smtp.example.com:587", From: "a@example.com"}, "--smtp-host:"},
		{"bad port", mail.Config{Host: "h", Port: 70000, From: "a@example.com"}, "--smtp-port:"},
		{"bad security", mail.Config{Host: "h", Security: "ssl", From: "a@example.com"}, "--smtp-security: \"ssl\""},
		{"user without password", mail.Config{Host: "h", From: "a@example.com", Username: "u"}, "--smtp-password-file:"},
		{"password in clear", mail.Config{Host: "smtp.example.com", Security: mail.NoTLS, From: "a@example.com", Username: "u", Password: "hunter2"}, "--smtp-security: none"},
		{"clear to loopback", mail.Config{Host: "127.0.0.1", Security: mail.NoTLS, From: "a@example.com", Username: "u", Password: "hunter2"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if tc.cfg.Password != "" && strings.Contains(err.Error(), tc.cfg.Password) {
				t.Errorf("error %q holds the password", err)
			}
		})
	}
	cfg := mail.Config{Host: "h", From: "a@example.com", Username: "u", Password: "hunter2"}
	if s := cfg.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "h:587") {
		t.Errorf("String() = %q", s)
	}
}

// BenchmarkSender measures messages sent per second through one Sender to
// the in-process relay (STARTTLS, AUTH PLAIN), 4 senders in parallel.
func BenchmarkSender(b *testing.B) {
	srv := mailtest.Start(b, mailtest.Options{Discard: true})
	s, err := mail.NewSender(srv.Config())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	m := testMessage("bench")
	b.SetParallelism(1) // GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Send(b.Context(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
