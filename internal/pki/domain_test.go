package pki

import (
	"errors"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
)

func TestNormalizeDomain(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	long := strings.Repeat(label63+".", 4)[:250] + ".com" // 254 characters
	tests := []struct {
		name string
		in   string
		want string
		err  string
	}{
		{name: "ok/plain", in: "example.com", want: "example.com"},
		{name: "ok/upper case and blanks", in: "  WWW.Example.COM \n", want: "www.example.com"},
		{name: "ok/trailing dot", in: "example.com.", want: "example.com"},
		{name: "ok/idn", in: "пример.рф", want: "xn--e1afmkfd.xn--p1ai"},
		{name: "ok/idn upper case", in: "ПРИМЕР.РФ", want: "xn--e1afmkfd.xn--p1ai"},
		{name: "ok/idn already punycode", in: "XN--E1AFMKFD.xn--p1ai", want: "xn--e1afmkfd.xn--p1ai"},
		{name: "ok/idn ideographic full stop", in: "例子。中国", want: "xn--fsqu00a.xn--fiqs8s"},
		{name: "ok/idn sharp s is not transitional", in: "straße.de", want: "xn--strae-oqa.de"},
		{name: "ok/wildcard", in: "*.Example.com", want: "*.example.com"},
		{name: "ok/wildcard idn", in: "*.пример.рф", want: "*.xn--e1afmkfd.xn--p1ai"},
		{name: "ok/label of 63", in: label63 + ".com", want: label63 + ".com"},
		{name: "ok/hyphen inside", in: "my-site.example.com", want: "my-site.example.com"},
		{name: "ok/digits", in: "1password.com", want: "1password.com"},
		{name: "ok/private suffix", in: "*.github.io", want: "*.github.io"},
		{name: "ok/unknown tld", in: "intranet.corp", want: "intranet.corp"},
		{name: "ok/253 characters", in: long[1:], want: long[1:]},
		{name: "error/space", in: "exa mple.com", err: `"exa mple.com": not a valid domain name`},
		{name: "error/empty", in: "  ", err: "empty domain name"},
		{name: "error/underscore", in: "_dmarc.example.com", err: "underscores are not allowed"},
		{name: "error/ipv4", in: "192.0.2.1", err: "IP addresses are not supported"},
		{name: "error/ipv6", in: "2001:db8::1", err: "IP addresses are not supported"},
		{name: "error/ipv6 brackets", in: "[::1]", err: "IP addresses are not supported"},
		{name: "error/numeric tld", in: "192.0.2.300", err: "top-level label is numeric"},
		{name: "error/single label", in: "localhost", err: "needs at least one dot"},
		{name: "error/empty label", in: "www..example.com", err: "empty label"},
		{name: "error/leading dot", in: ".example.com", err: "empty label"},
		{name: "error/two trailing dots", in: "example.com..", err: "empty label"},
		{name: "error/label of 64", in: label63 + "a.com", err: "is longer than 63 characters"},
		{name: "error/254 characters", in: long, err: "longer than 253 characters"},
		{name: "error/double wildcard", in: "*.*.example.com", err: "a wildcard must be the whole first label"},
		{name: "error/partial wildcard", in: "w*.example.com", err: "a wildcard must be the whole first label"},
		{name: "error/inner wildcard", in: "www.*.example.com", err: "a wildcard must be the whole first label"},
		{name: "error/bare wildcard", in: "*", err: "a wildcard must be the whole first label"},
		{name: "error/wildcard on public suffix", in: "*.co.uk", err: "directly under a public suffix"},
		{name: "error/public suffix", in: "co.uk", err: "a public suffix"},
		{name: "error/leading hyphen", in: "-example.com", err: "not a valid domain name"},
		{name: "error/trailing hyphen", in: "example-.com", err: "not a valid domain name"},
		{name: "error/bad punycode", in: "xn--a.com", err: "not a valid domain name"},
		{name: "error/empty punycode", in: "xn--.com", err: "not a valid domain name"},
		{name: "error/slash", in: "example.com/path", err: "not a valid domain name"},
		{name: "error/url", in: "https://example.com", err: "not a valid domain name"},
		{name: "error/control character", in: "exam\x00ple.com", err: "not a valid domain name"},
		{name: "error/zero width joiner", in: "\u200d.com", err: "not a valid domain name"},
		{name: "error/at sign", in: "admin@example.com", err: "not a valid domain name"},
		{name: "error/huge", in: strings.Repeat("a", 5000), err: "longer than 253 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeDomain(tt.in)
			if wantErr(t, err, tt.err) {
				var de *DomainError
				if !errors.As(err, &de) || de.Name != tt.in {
					t.Errorf("error %v is not a *DomainError for %q", err, tt.in)
				}
				if !errors.Is(err, ErrInvalidDomain) || !errors.Is(err, errkind.InvalidArgument) {
					t.Errorf("error %v is not ErrInvalidDomain / InvalidArgument", err)
				}
				return
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			again, err := NormalizeDomain(got)
			if err != nil || again != got {
				t.Errorf("not idempotent: NormalizeDomain(%q) = %q, %v", got, again, err)
			}
		})
	}
}

func TestNameHelpers(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wildcard bool
		idn      bool
		display  string
	}{
		{name: "ok/plain", in: "example.com", display: "example.com"},
		{name: "ok/wildcard", in: "*.example.com", wildcard: true, display: "*.example.com"},
		{name: "ok/idn", in: "xn--e1afmkfd.xn--p1ai", idn: true, display: "пример.рф"},
		{name: "ok/wildcard idn", in: "*.xn--e1afmkfd.xn--p1ai", wildcard: true, idn: true, display: "*.пример.рф"},
		{name: "ok/idn only in a sub-label", in: "xn--e1afmkfd.example.com", idn: true, display: "пример.example.com"},
		{name: "error/bad punycode is shown as is", in: "xn--a.com", idn: true, display: "xn--a.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsWildcard(tt.in); got != tt.wildcard {
				t.Errorf("IsWildcard = %v", got)
			}
			if got := IsIDN(tt.in); got != tt.idn {
				t.Errorf("IsIDN = %v", got)
			}
			if got := DisplayDomain(tt.in); got != tt.display {
				t.Errorf("DisplayDomain = %q, want %q", got, tt.display)
			}
		})
	}
}
