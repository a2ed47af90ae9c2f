// Package mailtest is a real SMTP server for tests, in process (go-smtp's
// server side): STARTTLS or implicit TLS with a certificate made for it,
// AUTH PLAIN required, every accepted message recorded with its envelope,
// headers and decoded MIME parts.
package mailtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/certsvc/certsvc/internal/mail"
)

// Options shape a Server.
type Options struct {
	// ImplicitTLS speaks TLS from the first byte; otherwise the server
	// offers STARTTLS (and refuses AUTH before it).
	ImplicitTLS bool
	// Username and Password are the only credentials AUTH PLAIN accepts;
	// defaults "certsvc" and "s3cret".
	Username, Password string
	// Discard keeps no messages (benchmarks): only the count.
	Discard bool
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is host:port; Host and Port the same, split.
	Addr string
	Host string
	Port int
	// CAFile is a PEM file with the server's certificate, for
	// mail.Config.CAFile.
	CAFile string

	opts Options
	srv  *smtp.Server
	ln   net.Listener

	mu       sync.Mutex
	msgs     []Message
	count    int
	changed  chan struct{} // closed and replaced on every message
	sessions int
}

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Raw  []byte
	// Header is the message's header; Subject its Subject decoded (RFC 2047).
	Header  netmail.Header
	Subject string
	// Parts are the leaf parts, decoded from their transfer encoding.
	Parts []Part
}

// Part is one MIME part.
type Part struct {
	ContentType string // media type without parameters
	Charset     string
	Body        string
}

// Part returns the first part of the media type, or nil.
func (m *Message) Part(contentType string) *Part {
	for i := range m.Parts {
		if m.Parts[i].ContentType == contentType {
			return &m.Parts[i]
		}
	}
	return nil
}

// Start runs a Server until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Username == "" {
		opts.Username, opts.Password = "certsvc", "s3cret"
	}
	tlsConf, caPEM := selfSigned(t)
	caFile := filepath.Join(t.TempDir(), "smtp-ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{CAFile: caFile, opts: opts, changed: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		return &session{s: s}, nil
	}))
	srv.Domain = "mailtest.localhost"
	srv.TLSConfig = tlsConf
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = discardLogger{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.ImplicitTLS {
		ln = tls.NewListener(ln, tlsConf)
	}
	s.srv, s.ln = srv, ln
	s.Addr = ln.Addr().String()
	s.Host = "127.0.0.1"
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return s
}

// Config is a mail.Config that reaches s with its credentials and CA.
func (s *Server) Config() mail.Config {
	sec := mail.StartTLS
	if s.opts.ImplicitTLS {
		sec = mail.ImplicitTLS
	}
	return mail.Config{
		Host: s.Host, Port: s.Port, Security: sec,
		Username: s.opts.Username, Password: s.opts.Password,
		From: "certsvc <noreply@certsvc.test>", HELO: "certsvc.test",
		Timeout: time.Minute, CAFile: s.CAFile,
	}
}

// Close stops the server: later connections are refused.
func (s *Server) Close() error {
	s.ln.Close() // Serve may not have taken it yet
	return s.srv.Close()
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is how many messages were accepted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Sessions is how many SMTP connections were opened.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Wait returns once at least n messages were accepted, or ctx ends.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		if s.count >= n {
			msgs := append([]Message(nil), s.msgs...)
			s.mu.Unlock()
			return msgs, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Messages(), fmt.Errorf("mailtest: %d of %d messages: %w", s.Count(), n, ctx.Err())
		}
	}
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	if !s.opts.Discard {
		s.msgs = append(s.msgs, m)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

type session struct {
	s    *Server
	auth bool
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.auth = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.auth {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !ss.auth {
		return smtp.ErrAuthRequired
	}
	if strings.HasSuffix(to, "@refused.test") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if !ss.auth {
		return smtp.ErrAuthRequired
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: ss.from, To: ss.to, Raw: raw}
	if !ss.s.opts.Discard {
		if err := parse(&m); err != nil {
			return &smtp.SMTPError{Code: 554, Message: "mailtest: " + err.Error()}
		}
	}
	ss.s.add(m)
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// parse fills m's header, subject and parts from m.Raw.
func parse(m *Message) error {
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return err
	}
	m.Header = msg.Header
	var dec mime.WordDecoder
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return parsePart(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func parsePart(m *Message, contentType, cte string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := parsePart(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	if strings.EqualFold(cte, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	m.Parts = append(m.Parts, Part{ContentType: mt, Charset: params["charset"], Body: string(b)})
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned(t testing.TB) (*tls.Config, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}
