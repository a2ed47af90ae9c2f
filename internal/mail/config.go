// Package mail sends e-mail over SMTP: a Config with its flags' checks, a
// Sender (STARTTLS or implicit TLS, AUTH PLAIN/LOGIN, connections reused),
// the MIME of a message (multipart/alternative, text and HTML, quoted-
// printable, RFC 2047 headers) and templates in English and Russian. It
// knows nothing of the database: the outbox's e-mail channel
// (internal/outbox/email) feeds it.
package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// Security is how the connection to the relay is protected.
type Security string

// The securities of a relay.
const (
	// StartTLS connects in clear and upgrades with STARTTLS before AUTH and
	// MAIL; a relay without STARTTLS is refused (port 587).
	StartTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (SMTPS, port 465).
	ImplicitTLS Security = "tls"
	// NoTLS sends in clear: only for a relay on the same host or network
	// that is trusted (port 25).
	NoTLS Security = "none"
)

// DefaultPort is the port of the relay for a security when none is given.
func (s Security) DefaultPort() int {
	switch s {
	case ImplicitTLS:
		return 465
	case NoTLS:
		return 25
	default:
		return 587
	}
}

// Config is how certsvc reaches its SMTP relay. The zero Config (no Host)
// means sending is off.
type Config struct {
	// Host is the relay's host name or address; empty turns e-mail off.
	Host string
	// Port is the relay's port; 0 takes the default of Security.
	Port int
	// Security is starttls (default), tls (implicit) or none.
	Security Security
	// Username and Password authenticate with AUTH PLAIN (or LOGIN when the
	// relay offers only that); no Username, no AUTH. Password is never
	// printed: String and every error leave it out.
	Username string
	Password string
	// From is the sender's address, "certsvc <noreply@example.com>" or a bare
	// address; its domain also ends every Message-ID.
	From string
	// HELO is the name certsvc gives in EHLO; default "localhost".
	HELO string
	// Timeout bounds one message's dial, TLS handshake and SMTP exchange.
	Timeout time.Duration
	// CAFile is a PEM file of CA certificates to trust for the relay instead
	// of the system's (a private relay, tests); verification stays on.
	CAFile string
}

// Enabled reports whether e-mail is on (a relay host is set).
func (c Config) Enabled() bool { return c.Host != "" }

// Addr is the relay's host:port.
func (c Config) Addr() string {
	port := c.Port
	if port == 0 {
		port = c.security().DefaultPort()
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

func (c Config) security() Security {
	if c.Security == "" {
		return StartTLS
	}
	return c.Security
}

// String describes the relay for logs, never with the password.
func (c Config) String() string {
	if !c.Enabled() {
		return "smtp off"
	}
	s := fmt.Sprintf("smtp %s security=%s from=%q", c.Addr(), c.security(), c.From)
	if c.Username != "" {
		s += fmt.Sprintf(" user=%q", c.Username)
	}
	return s
}

// Validate checks a Config; each error names its flag. A Config without Host
// is valid (e-mail off) whatever else it holds.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	var errs []error
	if strings.ContainsAny(c.Host, " /:@") && net.ParseIP(c.Host) == nil {
		errs = append(errs, fmt.Errorf("--smtp-host: %q is not a host name or address (the port goes in --smtp-port)", c.Host))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("--smtp-port: %d is not in 1-65535", c.Port))
	}
	switch c.Security {
	case "", StartTLS, ImplicitTLS, NoTLS:
	default:
		errs = append(errs, fmt.Errorf("--smtp-security: %q is not starttls, tls or none", c.Security))
	}
	if c.From == "" {
		errs = append(errs, errors.New("--smtp-from: required when --smtp-host is set"))
	} else if a, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("--smtp-from: %q is not an e-mail address: %w", c.From, err))
	} else if !strings.Contains(a.Address, "@") {
		errs = append(errs, fmt.Errorf("--smtp-from: %q has no domain", c.From))
	}
	if c.Username == "" && c.Password != "" {
		errs = append(errs, errors.New("--smtp-username: required when a password is set"))
	}
	if c.Username != "" && c.Password == "" {
		errs = append(errs, errors.New("--smtp-password-file: no password for --smtp-username (set CERTSVC_SMTP_PASSWORD or --smtp-password-file)"))
	}
	if c.Username != "" && c.security() == NoTLS && !isLoopback(c.Host) {
		errs = append(errs, fmt.Errorf("--smtp-security: none would send the password for --smtp-username in clear to %s; use starttls or tls", c.Host))
	}
	if c.HELO != "" && strings.ContainsAny(c.HELO, " \r\n") {
		errs = append(errs, fmt.Errorf("--smtp-helo: %q is not a host name", c.HELO))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("--smtp-timeout: %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseAddressList parses a list of e-mail addresses separated by commas
// (bare addresses or "Name <addr>"), returning the bare addresses.
func ParseAddressList(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, err := ParseAddress(part)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ParseAddress checks one recipient's address and returns it bare
// ("user@example.com"): a local part, an @ and a domain with a dot or an
// address literal, as RFC 5322 has it.
func ParseAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an e-mail address", s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		return "", fmt.Errorf("%q is not an e-mail address", s)
	}
	domain := a.Address[at+1:]
	if !strings.Contains(domain, ".") && !strings.HasPrefix(domain, "[") && domain != "localhost" {
		return "", fmt.Errorf("%q: the domain %q has no dot", s, domain)
	}
	return a.Address, nil
}
