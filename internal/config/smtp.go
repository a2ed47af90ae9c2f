package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certsvc/certsvc/internal/mail"
)

// registerSMTP defines the e-mail flags on fs (CERTSVC_SMTP_* and
// CERTSVC_OPERATOR_EMAIL) and returns the function that fills c.SMTP and
// c.OperatorEmails once fs is parsed. The password is read from
// CERTSVC_SMTP_PASSWORD or the file --smtp-password-file names, never from a
// flag's value, so it shows neither in ps nor in --help.
func registerSMTP(fs *flag.FlagSet, getenv func(string) string, c *Config) func() []error {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.SMTP.Host, "smtp-host", env("CERTSVC_SMTP_HOST", ""),
		"SMTP relay `host` for e-mail notifications; empty turns e-mail off (CERTSVC_SMTP_HOST)")
	port := fs.String("smtp-port", env("CERTSVC_SMTP_PORT", ""),
		"SMTP relay `port`; default 587 for starttls, 465 for tls, 25 for none (CERTSVC_SMTP_PORT)")
	security := fs.String("smtp-security", env("CERTSVC_SMTP_SECURITY", string(mail.StartTLS)),
		"how to protect the relay connection: starttls, tls (implicit TLS, SMTPS) or none (CERTSVC_SMTP_SECURITY)")
	fs.StringVar(&c.SMTP.Username, "smtp-username", env("CERTSVC_SMTP_USERNAME", ""),
		"SMTP AUTH `user`; empty sends without AUTH (CERTSVC_SMTP_USERNAME)")
	pwFile := fs.String("smtp-password-file", env("CERTSVC_SMTP_PASSWORD_FILE", ""),
		"`file` holding the SMTP AUTH password (CERTSVC_SMTP_PASSWORD_FILE; CERTSVC_SMTP_PASSWORD holds the password itself)")
	fs.StringVar(&c.SMTP.From, "smtp-from", env("CERTSVC_SMTP_FROM", ""),
		"sender `address` of notifications, e.g. \"certsvc <noreply@example.com>\" (CERTSVC_SMTP_FROM)")
	fs.StringVar(&c.SMTP.HELO, "smtp-helo", env("CERTSVC_SMTP_HELO", ""),
		"host `name` certsvc gives in EHLO; default localhost (CERTSVC_SMTP_HELO)")
	timeout := fs.String("smtp-timeout", env("CERTSVC_SMTP_TIMEOUT", "30s"),
		"`limit` for sending one message: connect, TLS, AUTH and data (CERTSVC_SMTP_TIMEOUT)")
	fs.StringVar(&c.SMTP.CAFile, "smtp-ca-file", env("CERTSVC_SMTP_CA_FILE", ""),
		"PEM `file` of CA certificates to trust for the relay instead of the system's; verification stays on (CERTSVC_SMTP_CA_FILE)")
	operators := fs.String("operator-email", env("CERTSVC_OPERATOR_EMAIL", ""),
		"comma-separated `addresses` that get operator notices: module balance low, circuit breaker open (CERTSVC_OPERATOR_EMAIL)")
	opLang := fs.String("operator-language", env("CERTSVC_OPERATOR_LANGUAGE", mail.Languages[0]),
		"`language` of the operator notices: "+strings.Join(mail.Languages, " or ")+" (CERTSVC_OPERATOR_LANGUAGE)")
	return func() []error {
		var errs []error
		c.OperatorLanguage = *opLang
		if !slices.Contains(mail.Languages, *opLang) {
			errs = append(errs, fmt.Errorf("--operator-language: %q is not one of %s", *opLang, strings.Join(mail.Languages, ", ")))
		}
		c.SMTP.Security = mail.Security(*security)
		if *port != "" {
			n, err := strconv.Atoi(*port)
			if err != nil || n <= 0 || n > 65535 {
				errs = append(errs, fmt.Errorf("--smtp-port: %q is not a port number 1-65535", *port))
			}
			c.SMTP.Port = n
		}
		d, err := time.ParseDuration(*timeout)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("--smtp-timeout: %q is not a positive duration such as 30s", *timeout))
			d = mail.DefaultTimeout
		}
		c.SMTP.Timeout = d
		c.SMTP.Password = getenv("CERTSVC_SMTP_PASSWORD")
		if c.SMTP.Password == "" && *pwFile != "" {
			b, err := os.ReadFile(*pwFile)
			if err != nil {
				errs = append(errs, fmt.Errorf("--smtp-password-file: %w", err))
			}
			c.SMTP.Password = strings.TrimRight(string(b), "\r\n")
		}
		if c.OperatorEmails, err = mail.ParseAddressList(*operators); err != nil {
			errs = append(errs, fmt.Errorf("--operator-email: %w", err))
		}
		if len(errs) == 0 {
			if err := c.SMTP.Validate(); err != nil {
				errs = append(errs, err)
			}
		}
		if len(c.OperatorEmails) > 0 && !c.SMTP.Enabled() {
			errs = append(errs, errors.New("--operator-email: e-mail is off; set --smtp-host too"))
		}
		return errs
	}
}
