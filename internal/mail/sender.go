package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// DefaultTimeout bounds one message when Config.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// maxIdle is how many connections a Sender keeps open between messages, and
// idleFor how long one may wait: relays drop idle clients after a few
// minutes (RFC 5321 asks at least 5), so reuse stays well inside that.
const (
	maxIdle = 4
	idleFor = 30 * time.Second
)

// Sender sends messages through one relay. It keeps a few connections open
// between messages and is safe for concurrent use. Close it to end them.
type Sender struct {
	cfg  Config
	from *mail.Address
	tls  *tls.Config

	mu   sync.Mutex
	idle []idleConn
}

type idleConn struct {
	c     *smtp.Client
	since time.Time
}

// NewSender checks cfg and returns its Sender; an error names the flag.
func NewSender(cfg Config) (*Sender, error) {
	if !cfg.Enabled() {
		return nil, errors.New("--smtp-host: not set, e-mail is off")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("--smtp-from: %w", err)
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("--smtp-ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--smtp-ca-file: %s holds no PEM certificate", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	return &Sender{cfg: cfg, from: from, tls: tc}, nil
}

// From is the sender's address.
func (s *Sender) From() string { return s.from.Address }

// Send sends m. An error says which step failed (dial, tls, auth, mail,
// rcpt, data) and, for an answer of the relay, carries *smtp.SMTPError;
// it never holds the password. Permanent reports whether a retry could help.
func (s *Sender) Send(ctx context.Context, m Message) error {
	raw, err := build(&m, s.from)
	if err != nil {
		return &Error{Op: "build", Err: err}
	}
	timeout := s.cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// A reused connection that the relay closed meanwhile fails at once (on
	// RSET); then a new one is dialled, once.
	if c := s.takeIdle(); c != nil {
		err := s.transact(ctx, c, true, &m, raw)
		if err == nil || !errors.Is(err, errStale) {
			return err
		}
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	return s.transact(ctx, c, false, &m, raw)
}

// errStale marks a reused connection that no longer answers.
var errStale = errors.New("stale connection")

// transact runs one mail transaction on c and keeps c for the next message
// when it ended well; c is closed otherwise. A reused c is checked with RSET
// first.
func (s *Sender) transact(ctx context.Context, c *smtp.Client, reused bool, m *Message, raw []byte) error {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	deadline, _ := ctx.Deadline()
	c.CommandTimeout = time.Until(deadline)
	c.SubmissionTimeout = c.CommandTimeout
	err := func() error {
		if reused {
			if err := c.Reset(); err != nil {
				return &Error{Op: "rset", Err: fmt.Errorf("%w: %w", errStale, err)}
			}
		}
		if err := c.Mail(s.from.Address, nil); err != nil {
			return &Error{Op: "mail", Err: err}
		}
		for _, to := range m.To {
			if err := c.Rcpt(to, nil); err != nil {
				return &Error{Op: "rcpt " + to, Err: err}
			}
		}
		w, err := c.Data()
		if err != nil {
			return &Error{Op: "data", Err: err}
		}
		if _, err := w.Write(raw); err != nil {
			w.Close()
			return &Error{Op: "data", Err: err}
		}
		if err := w.Close(); err != nil {
			return &Error{Op: "data", Err: err}
		}
		return nil
	}()
	if !stop() || err != nil {
		c.Close()
		if err != nil && ctx.Err() != nil {
			return &Error{Op: "send", Err: ctx.Err()}
		}
		return err
	}
	s.putIdle(c)
	return nil
}

// dial connects, secures and authenticates a new connection.
func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr())
	if err != nil {
		return nil, &Error{Op: "dial", Err: err}
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	var c *smtp.Client
	switch s.cfg.security() {
	case ImplicitTLS:
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, &Error{Op: "tls", Err: err}
		}
		c = smtp.NewClient(tc)
	case StartTLS:
		// The EHLO before STARTTLS says "localhost"; the one after, HELO.
		c, err = smtp.NewClientStartTLS(conn, s.tls)
		if err != nil {
			conn.Close()
			return nil, &Error{Op: "starttls", Err: err}
		}
	default:
		c = smtp.NewClient(conn)
	}
	helo := s.cfg.HELO
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		c.Close()
		return nil, &Error{Op: "ehlo", Err: err}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(s.auth(c)); err != nil {
			c.Close()
			return nil, &Error{Op: "auth", Err: fmt.Errorf("as %q: %w", s.cfg.Username, err)}
		}
	}
	conn.SetDeadline(time.Time{})
	return c, nil
}

// auth picks PLAIN, or LOGIN for a relay that offers only that.
func (s *Sender) auth(c *smtp.Client) sasl.Client {
	if !c.SupportsAuth(sasl.Plain) && c.SupportsAuth(sasl.Login) {
		return sasl.NewLoginClient(s.cfg.Username, s.cfg.Password)
	}
	return sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)
}

func (s *Sender) takeIdle() *smtp.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.idle) > 0 {
		ic := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if time.Since(ic.since) < idleFor {
			return ic.c
		}
		go ic.c.Quit()
	}
	return nil
}

func (s *Sender) putIdle(c *smtp.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) >= maxIdle {
		go c.Quit()
		return
	}
	s.idle = append(s.idle, idleConn{c: c, since: time.Now()})
}

// Close ends the connections kept open.
func (s *Sender) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, ic := range idle {
		ic.c.Quit()
	}
	return nil
}

// Error is a failed Send: the step and the cause.
type Error struct {
	Op  string
	Err error
}

func (e *Error) Error() string { return "smtp " + e.Op + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Code is the relay's reply code, 0 when the relay did not answer one.
func (e *Error) Code() int {
	var se *smtp.SMTPError
	if errors.As(e.Err, &se) {
		return se.Code
	}
	return 0
}

// Permanent reports whether err is a failure a retry cannot cure: a 5xx
// answer to a recipient or to the message, or a message that does not
// build. A refused login (535) is not: an operator fixes the password and
// the retries then go through.
func Permanent(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if e.Op == "build" {
		return true
	}
	code := e.Code()
	return code >= 500 && code < 600 && e.Op != "auth" && e.Op != "ehlo" && e.Op != "starttls"
}
