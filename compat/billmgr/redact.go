package billmgr

import (
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Redacted replaces a secret value in the output of Redact.
const Redacted = "[REDACTED]"

// secretParams are always masked, whatever their value (compared in lower
// case).
var secretParams = map[string]bool{
	"authinfo": true, "password": true, "passwd": true, "key": true, "auth": true,
	"confirm":      true, // password confirmation in BILLmanager forms
	"partner_code": true, // The SSL Store's API partner code
}

// secretParts mark a parameter name as a secret wherever they stand in it
// (lower case): pass covers password, passwd and old_password, token covers
// auth_token.
var secretParts = []string{"pass", "pwd", "token", "secret"}

// IsSecretName reports whether a parameter called name carries a secret:
// authinfo, password, passwd, key, auth, confirm, partner_code, any name
// containing pass, pwd, token or secret, and any name ending in _key. The
// comparison ignores case.
func IsSecretName(name string) bool {
	n := strings.ToLower(name)
	if secretParams[n] || strings.HasSuffix(n, "_key") {
		return true
	}
	return slices.ContainsFunc(secretParts, func(p string) bool { return strings.Contains(n, p) })
}

// IsSecretValue reports whether v holds PEM private key material, even
// with its line breaks or '+' mangled in transit.
func IsSecretValue(v string) bool {
	return strings.Contains(strings.ToUpper(v), "PRIVATE KEY")
}

// embeddedSecret finds name=value pairs inside a value (a URL or a query
// string pasted into a parameter, an error text): the value of a secret
// name is masked, authinfo keeps its login.
var embeddedSecret = regexp.MustCompile(`(?i)([a-z0-9_]*(?:authinfo|pass|pwd|token|secret|partner_code|key|auth))=([^&\s"']*)`)

// RedactText masks the secrets of name=value pairs inside s, as in
// "https://host/billmgr?authinfo=login:password&func=…" (the login is kept),
// and the whole of s when it holds a private key.
func RedactText(s string) string {
	if IsSecretValue(s) {
		return Redacted
	}
	if !strings.Contains(s, "=") {
		return s
	}
	return embeddedSecret.ReplaceAllStringFunc(s, func(m string) string {
		name, v, _ := strings.Cut(m, "=")
		if !IsSecretName(name) {
			return m
		}
		return name + "=" + redactValue(name, v)
	})
}

// redactValue masks the value of the secret parameter name: authinfo keeps
// the login ("login:[REDACTED]").
func redactValue(name, v string) string {
	if strings.EqualFold(name, "authinfo") {
		login, _, _ := strings.Cut(v, ":")
		return login + ":" + Redacted
	}
	return Redacted
}

// Redact returns a copy of v that is safe to log or echo: the values of
// secret names (IsSecretName) are masked, authinfo keeping the login
// ("login:[REDACTED]"); any other value that holds a private key is masked
// and the secrets of name=value pairs inside values are (RedactText).
// Redact(nil) is nil.
func Redact(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for name, vals := range v {
		cp := make([]string, len(vals))
		for i, s := range vals {
			if IsSecretName(name) {
				cp[i] = redactValue(name, s)
			} else {
				cp[i] = RedactText(s)
			}
		}
		out[name] = cp
	}
	return out
}

// MaxEchoedValue bounds, in characters, how much of a value an error
// document or a log line shows.
const MaxEchoedValue = 64

// EchoValue is the one policy for showing a request's value back, in error
// documents and logs: a secret (by its parameter's name, a private key, a
// PEM block) is Redacted, and a long value is cut at MaxEchoedValue
// characters with "…".
func EchoValue(name, v string) string {
	switch {
	case v == "":
		return ""
	case IsSecretName(name), IsSecretValue(v), strings.Contains(v, "-----BEGIN"):
		return Redacted
	}
	return truncate(RedactText(v), MaxEchoedValue)
}

// truncate cuts s at n characters, marking the cut with "…"; invalid UTF-8
// is replaced so that a log or document stays valid.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Bounds of Summary.
const (
	// maxSummaryParams is how many parameters a summary names.
	maxSummaryParams = 24
	// maxSummaryName bounds a parameter's name in a summary.
	maxSummaryName = 32
	// maxSummaryValue bounds a shown value in a summary.
	maxSummaryValue = 32
)

// summaryValues are the parameters whose values a summary shows (cut at
// maxSummaryValue characters): what tells calls apart, never what a
// client types in.
var summaryValues = map[string]bool{
	"func": true, "out": true, "lang": true, "sok": true, "elid": true, "plid": true,
	"p_num": true, "p_cnt": true, "pricelist": true, "period": true, "crt_type": true,
	"clicked_button": true, "sfrom": true, "type": true,
}

// Summary is a bounded, redacted account of a request's parameters for a
// log line, whatever the request holds: how many parameters and bytes
// there are, then the first names in order with each value's size, and the
// value itself only for a short allow-list of harmless parameters (func,
// out, lang, elid, ...), cut short. Secrets are never shown.
func Summary(v url.Values) slog.Value {
	names := make([]string, 0, len(v))
	size := 0
	for name, vals := range v {
		names = append(names, name)
		for _, s := range vals {
			size += len(name) + len(s)
		}
	}
	slices.Sort(names)
	attrs := []slog.Attr{slog.Int("count", len(names)), slog.Int("bytes", size)}
	var shown []string
	for _, name := range names {
		if len(shown) == maxSummaryParams {
			shown = append(shown, "…")
			break
		}
		n := 0
		for _, s := range v[name] {
			n += len(s)
		}
		item := truncate(name, maxSummaryName) + "(" + strconv.Itoa(n) + ")"
		if summaryValues[strings.ToLower(name)] && !IsSecretName(name) {
			item += "=" + truncate(RedactText(v.Get(name)), maxSummaryValue)
		}
		shown = append(shown, item)
	}
	attrs = append(attrs, slog.String("names", strings.Join(shown, " ")))
	return slog.GroupValue(attrs...)
}
