package pki

import (
	"errors"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
)

func TestNamePolicyCheck(t *testing.T) {
	tests := []struct {
		name   string
		policy NamePolicy
		names  []string
		errs   []error // each must match with errors.Is
		msg    string  // the error text must contain it
	}{
		{name: "ok/zero policy allows plain names", names: []string{"example.com", "www.example.com", "mail.example.com"}},
		{name: "ok/within the limit", policy: NamePolicy{MaxNames: 2}, names: []string{"example.com", "www.example.com"}},
		{name: "ok/duplicates count once", policy: NamePolicy{MaxNames: 1}, names: []string{"example.com", "EXAMPLE.com.", "example.com"}},
		{name: "ok/wildcard allowed", policy: NamePolicy{AllowWildcard: true, MaxNames: 1}, names: []string{"*.example.com"}},
		{name: "ok/idn allowed", policy: NamePolicy{AllowIDN: true}, names: []string{"пример.рф", "xn--e1afmkfd.xn--p1ai"}},
		{name: "ok/everything allowed", policy: NamePolicy{AllowWildcard: true, AllowIDN: true, MaxNames: 3}, names: []string{"*.пример.рф", "пример.рф", "example.com"}},
		{name: "error/wildcard", policy: NamePolicy{MaxNames: 5}, names: []string{"example.com", "*.example.com"},
			errs: []error{ErrWildcardNotAllowed}, msg: `the plan does not allow wildcard names: "*.example.com"`},
		{name: "error/too many", policy: NamePolicy{MaxNames: 2}, names: []string{"example.com", "www.example.com", "mail.example.com"},
			errs: []error{ErrTooManyNames}, msg: "too many domain names for the plan: 3 names, the plan allows 2 including the common name"},
		{name: "error/idn", policy: NamePolicy{MaxNames: 5}, names: []string{"example.com", "xn--e1afmkfd.xn--p1ai"},
			errs: []error{ErrIDNNotAllowed}, msg: `internationalised (IDN) names: "пример.рф"`},
		{name: "error/all three", policy: NamePolicy{MaxNames: 1}, names: []string{"*.example.com", "пример.рф"},
			errs: []error{ErrWildcardNotAllowed, ErrIDNNotAllowed, ErrTooManyNames}, msg: "2 names"},
		{name: "error/many wildcards are summarised", names: []string{"*.a.com", "*.b.com", "*.c.com", "*.d.com", "*.e.com", "*.f.com", "*.g.com"},
			errs: []error{ErrWildcardNotAllowed}, msg: `"*.e.com" and 2 more`},
		{name: "error/invalid name", policy: NamePolicy{AllowWildcard: true}, names: []string{"example.com", "exa mple.com"},
			errs: []error{ErrInvalidDomain}, msg: `"exa mple.com": not a valid domain name`},
		{name: "error/no names", names: nil, errs: []error{ErrInvalidDomain}, msg: "no domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(tt.names)
			if !wantErr(t, err, tt.msg) {
				return
			}
			for _, want := range tt.errs {
				if !errors.Is(err, want) {
					t.Errorf("error %q is not %q", err, want)
				}
			}
			for _, other := range []error{ErrWildcardNotAllowed, ErrIDNNotAllowed, ErrTooManyNames} {
				wanted := false
				for _, want := range tt.errs {
					wanted = wanted || want == other
				}
				if !wanted && errors.Is(err, other) {
					t.Errorf("error %q is also %q", err, other)
				}
			}
			if !errors.Is(err, errkind.InvalidArgument) {
				t.Errorf("error %q is not InvalidArgument", err)
			}
		})
	}
}
