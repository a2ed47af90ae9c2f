package pki

import (
	"errors"
	"fmt"
	"strings"
)

// NamePolicy is what a plan allows in the names of one certificate.
// The zero value allows any number of plain (non-wildcard, ASCII) names.
type NamePolicy struct {
	AllowWildcard bool // "*.example.com" names
	MaxNames      int  // distinct names including the common name; 0 means no limit
	AllowIDN      bool // internationalised names (punycode labels, "xn--...")
}

// Check reports whether names (the common name and the extra names, as given
// or normalised) fit the policy. Each name is normalised with
// [NormalizeDomain] first and duplicates count once. Every kind of violation
// is reported: the result joins up to three errors wrapping
// [ErrWildcardNotAllowed], [ErrIDNNotAllowed] and [ErrTooManyNames], each with
// the names at fault, so errors.Is finds each of them. A name that does not
// normalise is reported alone.
func (p NamePolicy) Check(names []string) error {
	seen := make(map[string]bool, len(names))
	var distinct, wildcards, idns []string
	for _, n := range names {
		d, err := NormalizeDomain(n)
		if err != nil {
			return err
		}
		if seen[d] {
			continue
		}
		seen[d] = true
		distinct = append(distinct, d)
		if IsWildcard(d) {
			wildcards = append(wildcards, d)
		}
		if IsIDN(d) {
			idns = append(idns, DisplayDomain(d))
		}
	}
	var errs []error
	if len(distinct) == 0 {
		return fmt.Errorf("%w: no domain name", ErrInvalidDomain)
	}
	if !p.AllowWildcard && len(wildcards) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s", ErrWildcardNotAllowed, quoteList(wildcards)))
	}
	if !p.AllowIDN && len(idns) > 0 {
		errs = append(errs, fmt.Errorf("%w: %s", ErrIDNNotAllowed, quoteList(idns)))
	}
	if p.MaxNames > 0 && len(distinct) > p.MaxNames {
		errs = append(errs, fmt.Errorf("%w: %d names, the plan allows %d including the common name", ErrTooManyNames, len(distinct), p.MaxNames))
	}
	return errors.Join(errs...)
}

// quoteList quotes up to five names and counts the rest.
func quoteList(names []string) string {
	const show = 5
	q := make([]string, 0, show)
	for i, n := range names {
		if i == show {
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > show {
		s += fmt.Sprintf(" and %d more", len(names)-show)
	}
	return s
}
