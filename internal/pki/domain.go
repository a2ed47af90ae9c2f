package pki

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// DomainError reports a name that [NormalizeDomain] refuses. It wraps
// [ErrInvalidDomain].
type DomainError struct {
	Name   string // the name as given
	Reason string // what is wrong, for the customer
}

// Error returns `"name": reason`.
func (e *DomainError) Error() string {
	return fmt.Sprintf("%q: %s", truncate(e.Name, 100), e.Reason)
}

// Unwrap returns [ErrInvalidDomain].
func (e *DomainError) Unwrap() error { return ErrInvalidDomain }

const (
	maxNameLen  = 253 // RFC 1035, in the dotted text form, without the final dot
	maxLabelLen = 63
)

// NormalizeDomain returns the canonical form of a certificate name: blanks
// around it trimmed, lower case, a final dot removed, Unicode (IDN) labels
// converted to punycode by the IDNA2008 lookup mapping and then validated by
// the registration rules ("Пример.РФ" → "xn--e1afmkfd.xn--p1ai"). A single
// leading "*." wildcard label is kept.
//
// It refuses, with a [*DomainError] saying why: IP addresses, names with one
// label ("localhost") or a numeric last label, empty labels, labels longer
// than 63 or names longer than 253 characters, underscores and every other
// character not allowed in a host name, a "*" anywhere but as the whole first
// label, and an ICANN public suffix ("co.uk", or "*.co.uk") on its own.
//
// The result is idempotent: NormalizeDomain of a result returns it unchanged.
func NormalizeDomain(name string) (string, error) {
	fail := func(reason string) (string, error) {
		return "", &DomainError{Name: name, Reason: reason}
	}
	s := strings.TrimSpace(name)
	if s == "" {
		return fail("empty domain name")
	}
	if len(s) > 4*maxNameLen {
		return fail(fmt.Sprintf("longer than %d characters", maxNameLen))
	}
	if isIPAddress(s) {
		return fail("IP addresses are not supported; use a domain name")
	}
	s = strings.TrimSuffix(s, ".")
	wildcard := false
	if rest, ok := strings.CutPrefix(s, "*."); ok {
		wildcard, s = true, rest
	}
	if strings.Contains(s, "*") {
		return fail(`a wildcard must be the whole first label, as in "*.example.com"`)
	}
	if strings.Contains(s, "_") {
		return fail("underscores are not allowed in host names")
	}
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return fail("empty label")
	}
	if strings.ContainsFunc(s, isBlankOrControl) {
		return fail("not a valid domain name")
	}
	ascii, err := idna.Lookup.ToASCII(strings.ToLower(s))
	if err != nil {
		return fail("not a valid domain name")
	}
	// Lookup maps full-width and ideographic dots to "."; check the labels
	// of the result rather than the input.
	labels := strings.Split(ascii, ".")
	for _, l := range labels {
		switch {
		case l == "": // "a。。b" or an empty punycode label ("xn--")
			return fail("not a valid domain name (empty label)")
		case len(l) > maxLabelLen:
			return fail(fmt.Sprintf("label %q is longer than %d characters", truncate(l, 20), maxLabelLen))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return fail("not a valid domain name")
			}
		}
	}
	full := ascii
	if wildcard {
		full = "*." + ascii
	}
	if len(full) > maxNameLen {
		return fail(fmt.Sprintf("longer than %d characters", maxNameLen))
	}
	if len(labels) < 2 {
		return fail("not a fully qualified domain name (it needs at least one dot)")
	}
	if isNumeric(labels[len(labels)-1]) {
		return fail("not a valid domain name (the top-level label is numeric)")
	}
	// Registration is stricter than Lookup: it refuses labels whose Unicode
	// form would need mapping, so a name is only accepted in the form that
	// round-trips.
	if _, err := idna.Registration.ToASCII(ascii); err != nil {
		return fail("not a valid domain name")
	}
	if suffix, icann := publicsuffix.PublicSuffix(ascii); icann && suffix == ascii {
		if wildcard {
			return fail("a wildcard directly under a public suffix is not allowed")
		}
		return fail("a public suffix, not a domain that can be registered")
	}
	return full, nil
}

// IsWildcard reports whether a normalised name is a wildcard ("*.example.com").
func IsWildcard(name string) bool { return strings.HasPrefix(name, "*.") }

// IsIDN reports whether a normalised name has an internationalised label
// (one in punycode, "xn--...").
func IsIDN(name string) bool {
	for l := range strings.SplitSeq(name, ".") {
		if strings.HasPrefix(l, "xn--") {
			return true
		}
	}
	return false
}

// DisplayDomain returns the Unicode form of a normalised name for showing to
// people ("xn--e1afmkfd.xn--p1ai" → "пример.рф"); a name that does not
// convert is returned unchanged.
func DisplayDomain(name string) string {
	prefix, rest := "", name
	if r, ok := strings.CutPrefix(name, "*."); ok {
		prefix, rest = "*.", r
	}
	u, err := idna.Display.ToUnicode(rest)
	if err != nil {
		return name
	}
	return prefix + u
}

func isIPAddress(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	return false
}

func isNumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isBlankOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xa0 || r == 0x3000
}
