// Package money handles monetary amounts for certsvc billing.
//
// All money is represented as an int64 count of minor units of a currency
// (cents for USD, kopecks for RUB, yen for JPY, fils for KWD), never as a
// float: 12.34 USD is the int64 1234, 100 JPY is 100, and 1.5 KWD is 1500.
// How many minor-unit digits a currency has is its Currency.Exponent, taken
// from ISO 4217. Floats cannot represent most decimal fractions exactly, so
// they must not be used to store, compute, or transport amounts.
//
// Parse and Format convert between minor units and the decimal text used at
// the API boundary ("-12.30" for -1230 USD cents). Add and Mul do
// overflow-checked arithmetic; plain + and * on minor units silently wrap
// around on overflow.
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrInvalidAmount is wrapped by every error Parse returns for a
	// malformed or out-of-range amount; test for it with errors.Is.
	ErrInvalidAmount = errors.New("money: invalid amount")

	// ErrOverflow is returned by Add and Mul when the result does not fit in
	// an int64. Parse errors for amounts outside the int64 range wrap it too,
	// in addition to ErrInvalidAmount.
	ErrOverflow = errors.New("money: int64 overflow")
)

// maxQuotedInput limits how much of a rejected input is echoed back in an
// error message.
const maxQuotedInput = 64

// amountError is the error Parse returns for a rejected amount. Its text is
// meant to be shown to API clients.
type amountError struct {
	input    string
	reason   string
	overflow bool
}

func (e *amountError) Error() string {
	in := e.input
	if len(in) > maxQuotedInput {
		in = in[:maxQuotedInput] + "..."
	}
	return fmt.Sprintf("amount %q: %s", in, e.reason)
}

func (e *amountError) Unwrap() []error {
	if e.overflow {
		return []error{ErrInvalidAmount, ErrOverflow}
	}
	return []error{ErrInvalidAmount}
}

func invalid(s, reason string) error {
	return &amountError{input: s, reason: reason}
}

// Parse reads a decimal amount in the major units of currency c, such as
// "100", "100.5", "+7" or "-12.34", and returns it in minor units
// (Parse("-12.34", USD) is -1234).
//
// The accepted syntax is an optional single leading '-' or '+', one or more
// ASCII digits, and optionally a '.' followed by one or more digits, at most
// c.Exponent of them. Everything else is rejected: the empty string, more
// fraction digits than the currency has ("1.234" for USD, "1.0" for JPY),
// repeated or misplaced signs, exponents ("1e3"), spaces or digit grouping
// ("1 000.00", "1,000"), a comma as decimal separator, a bare "." or a '.'
// without digits on both sides (".5", "5."), NaN and Inf, non-ASCII digits,
// and any amount whose minor units do not fit in an int64.
//
// Rejections are reported with an error whose text says what is wrong, for
// example `amount "1.234": USD has 2 decimal places`, and which wraps
// ErrInvalidAmount (out-of-range amounts also wrap ErrOverflow). A Currency
// with a negative Exponent is a programming error and yields an error that
// wraps neither.
func Parse(s string, c Currency) (int64, error) {
	if c.Exponent < 0 {
		return 0, fmt.Errorf("money: currency %q has invalid exponent %d", c.Code, c.Exponent)
	}
	if s == "" {
		return 0, invalid(s, "empty amount")
	}

	body := s
	neg := false
	switch s[0] {
	case '-':
		neg = true
		body = s[1:]
	case '+':
		body = s[1:]
	}

	if isNonFinite(body) {
		return 0, invalid(s, "NaN and Inf are not amounts")
	}

	// Check the characters before looking at digit counts, so that the
	// message names the real problem ("1,000.5" is about the comma).
	dots := 0
	for i := 0; i < len(body); {
		b := body[i]
		switch {
		case '0' <= b && b <= '9':
			i++
			continue
		case b == '.':
			dots++
			if dots > 1 {
				return 0, invalid(s, "more than one '.'")
			}
			i++
			continue
		case b == '-' || b == '+':
			return 0, invalid(s, "only a single leading '-' or '+' sign is allowed")
		case b == ',':
			return 0, invalid(s, "commas are not allowed; use '.' as the decimal separator and no digit grouping")
		case b == '_' || b == '\'':
			return 0, invalid(s, "digit grouping is not allowed")
		case b == 'e' || b == 'E':
			return 0, invalid(s, "exponent notation is not allowed")
		}
		r, _ := utf8.DecodeRuneInString(body[i:])
		if unicode.IsSpace(r) {
			return 0, invalid(s, "spaces are not allowed")
		}
		if r == utf8.RuneError {
			return 0, invalid(s, "invalid UTF-8")
		}
		return 0, invalid(s, fmt.Sprintf("unexpected character %q; only ASCII digits and one '.' are allowed", r))
	}

	intPart, frac, hasDot := strings.Cut(body, ".")
	switch {
	case intPart == "" && frac == "":
		return 0, invalid(s, "no digits")
	case intPart == "":
		return 0, invalid(s, "missing digits before '.'")
	case hasDot && frac == "":
		return 0, invalid(s, "missing digits after '.'")
	case len(frac) > c.Exponent:
		if c.Exponent == 0 {
			return 0, invalid(s, c.Code+" has no decimal places")
		}
		return 0, invalid(s, fmt.Sprintf("%s has %d decimal places", c.Code, c.Exponent))
	}

	// Accumulate the magnitude as uint64 so that the most negative int64,
	// whose magnitude is MaxInt64+1, is reachable.
	limit := uint64(1<<63 - 1)
	if neg {
		limit = 1 << 63
	}
	overflow := func() (int64, error) {
		return 0, &amountError{
			input:    s,
			reason:   fmt.Sprintf("out of range for %s", c.Code),
			overflow: true,
		}
	}
	var m uint64
	for _, part := range [2]string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			d := uint64(part[i] - '0')
			if m > (limit-d)/10 {
				return overflow()
			}
			m = m*10 + d
		}
	}
	// Scale to minor units. Once m is non-zero this overflows within 19
	// steps, so a huge Exponent cannot make the loop long.
	for i := len(frac); i < c.Exponent && m != 0; i++ {
		if m > limit/10 {
			return overflow()
		}
		m *= 10
	}

	v := int64(m) // m == 1<<63 only when neg; the conversion yields MinInt64
	if neg {
		v = -v // -MinInt64 == MinInt64, which is the intended result
	}
	return v, nil
}

// isNonFinite reports whether s spells NaN or an infinity, in the forms
// strconv.ParseFloat accepts, ignoring case.
func isNonFinite(s string) bool {
	return strings.EqualFold(s, "nan") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity")
}

// Format renders minor units of currency c as a decimal string in major
// units with exactly c.Exponent fraction digits and no currency symbol or
// digit grouping: Format(-1230, USD) is "-12.30", Format(5, USD) is "0.05",
// Format(100, JPY) is "100". Every int64, including math.MinInt64, is
// handled, and Parse(Format(v, c), c) returns v. A negative Exponent is
// treated as 0.
func Format(minor int64, c Currency) string {
	exp := max(c.Exponent, 0)
	mag := uint64(minor)
	if minor < 0 {
		mag = -mag // two's complement: exact magnitude even for MinInt64
	}
	digits := strconv.FormatUint(mag, 10)
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp+1-len(digits)) + digits
	}

	var sb strings.Builder
	sb.Grow(len(digits) + 2)
	if minor < 0 {
		sb.WriteByte('-')
	}
	split := len(digits) - exp
	sb.WriteString(digits[:split])
	if exp > 0 {
		sb.WriteByte('.')
		sb.WriteString(digits[split:])
	}
	return sb.String()
}

// Add returns a+b, or ErrOverflow if the sum does not fit in an int64.
func Add(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Mul returns a*n, or ErrOverflow if the product does not fit in an int64.
// The factor n may be negative.
func Mul(a int64, n int64) (int64, error) {
	if a == 0 || n == 0 {
		return 0, nil
	}
	p := a * n
	// In Go, MinInt64 / -1 evaluates to MinInt64 instead of trapping, so the
	// division check below cannot catch that pair on its own.
	if (a == -1 && n == minInt64) || (n == -1 && a == minInt64) || p/n != a {
		return 0, ErrOverflow
	}
	return p, nil
}

const minInt64 = -1 << 63
