package money

import (
	"errors"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func mustLookup(t testing.TB, code string) Currency {
	t.Helper()
	c, ok := Lookup(code)
	if !ok {
		t.Fatalf("Lookup(%q) = false, want a supported currency", code)
	}
	return c
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name     string
		code     string
		wantOK   bool
		wantExp  int
		wantName string
	}{
		{name: "ok/USD", code: "USD", wantOK: true, wantExp: 2, wantName: "US Dollar"},
		{name: "ok/RUB", code: "RUB", wantOK: true, wantExp: 2, wantName: "Russian Ruble"},
		{name: "ok/JPY zero exponent", code: "JPY", wantOK: true, wantExp: 0, wantName: "Yen"},
		{name: "ok/KWD three decimals", code: "KWD", wantOK: true, wantExp: 3, wantName: "Kuwaiti Dinar"},
		{name: "error/lower case", code: "usd"},
		{name: "error/mixed case", code: "Usd"},
		{name: "error/surrounding space", code: " USD"},
		{name: "error/trailing space", code: "USD "},
		{name: "error/empty", code: ""},
		{name: "error/unknown", code: "XXX"},
		{name: "error/numeric code", code: "840"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := Lookup(tt.code)
			if ok != tt.wantOK {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tt.code, ok, tt.wantOK)
			}
			if !ok {
				if c != (Currency{}) {
					t.Errorf("Lookup(%q) = %+v, want zero Currency", tt.code, c)
				}
				return
			}
			if c.Code != tt.code || c.Exponent != tt.wantExp || c.Name != tt.wantName {
				t.Errorf("Lookup(%q) = %+v, want {%s %d %s}", tt.code, c, tt.code, tt.wantExp, tt.wantName)
			}
		})
	}
}

func TestCurrencies(t *testing.T) {
	want := map[string]int{
		"RUB": 2, "USD": 2, "EUR": 2, "GBP": 2, "KZT": 2, "BYN": 2, "UAH": 2, "UZS": 2, "AMD": 2,
		"GEL": 2, "KGS": 2, "TRY": 2, "CNY": 2, "JPY": 0, "CHF": 2, "PLN": 2, "CZK": 2, "KWD": 3,
	}
	all := Currencies()
	if !slices.IsSortedFunc(all, func(a, b Currency) int { return strings.Compare(a.Code, b.Code) }) {
		t.Errorf("Currencies() not ordered by code: %v", all)
	}
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.Code] {
			t.Errorf("duplicate currency %s", c.Code)
		}
		seen[c.Code] = true
		if len(c.Code) != 3 || strings.ToUpper(c.Code) != c.Code {
			t.Errorf("code %q is not three upper-case letters", c.Code)
		}
		if c.Name == "" {
			t.Errorf("%s has no name", c.Code)
		}
		if got, ok := Lookup(c.Code); !ok || got != c {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v, true", c.Code, got, ok, c)
		}
	}
	for code, exp := range want {
		c, ok := Lookup(code)
		if !ok {
			t.Errorf("%s is not supported", code)
			continue
		}
		if c.Exponent != exp {
			t.Errorf("%s exponent = %d, want %d", code, c.Exponent, exp)
		}
	}

	// The result is a copy: changing it must not affect the package.
	all[0].Code = "ZZZ"
	all[0].Exponent = 9
	if again := Currencies(); again[0].Code == "ZZZ" || again[0].Exponent == 9 {
		t.Errorf("Currencies() returned the internal slice")
	}
	if _, ok := Lookup("ZZZ"); ok {
		t.Errorf("mutating the Currencies() result changed Lookup")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		code string
		want int64
	}{
		{name: "ok/integer", in: "100", code: "USD", want: 10000},
		{name: "ok/one fraction digit", in: "100.5", code: "USD", want: 10050},
		{name: "ok/two fraction digits", in: "12.34", code: "USD", want: 1234},
		{name: "ok/negative", in: "-12.34", code: "USD", want: -1234},
		{name: "ok/explicit plus", in: "+12.34", code: "USD", want: 1234},
		{name: "ok/zero", in: "0", code: "USD", want: 0},
		{name: "ok/negative zero", in: "-0.00", code: "USD", want: 0},
		{name: "ok/cents only", in: "0.05", code: "USD", want: 5},
		{name: "ok/leading zeros", in: "007.10", code: "EUR", want: 710},
		{name: "ok/rub", in: "1500.99", code: "RUB", want: 150099},
		{name: "ok/jpy integer", in: "1500", code: "JPY", want: 1500},
		{name: "ok/jpy negative", in: "-7", code: "JPY", want: -7},
		{name: "ok/kwd three decimals", in: "1.234", code: "KWD", want: 1234},
		{name: "ok/kwd one decimal", in: "1.5", code: "KWD", want: 1500},
		{name: "ok/max int64 usd", in: "92233720368547758.07", code: "USD", want: math.MaxInt64},
		{name: "ok/min int64 usd", in: "-92233720368547758.08", code: "USD", want: math.MinInt64},
		{name: "ok/max int64 jpy", in: "9223372036854775807", code: "JPY", want: math.MaxInt64},
		{name: "ok/min int64 jpy", in: "-9223372036854775808", code: "JPY", want: math.MinInt64},
		{name: "ok/max int64 kwd", in: "9223372036854775.807", code: "KWD", want: math.MaxInt64},
		{name: "ok/min int64 kwd", in: "-9223372036854775.808", code: "KWD", want: math.MinInt64},
		{name: "ok/max int64 short fraction", in: "92233720368547758.0", code: "USD", want: 9223372036854775800},
		{name: "ok/many leading zeros", in: "0000000000000000000000000000001.00", code: "USD", want: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, mustLookup(t, tt.code))
			if err != nil {
				t.Fatalf("Parse(%q, %s) error: %v", tt.in, tt.code, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q, %s) = %d, want %d", tt.in, tt.code, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		code         string
		wantMsg      string // exact error text, if set
		wantContains string // substring of the error text, if set
		wantOverflow bool
	}{
		{name: "error/empty", in: "", code: "USD", wantMsg: `amount "": empty amount`},
		{name: "error/too many decimals", in: "1.234", code: "USD", wantMsg: `amount "1.234": USD has 2 decimal places`},
		{name: "error/too many decimals trailing zero", in: "1.230", code: "USD", wantContains: "USD has 2 decimal places"},
		{name: "error/decimals for jpy", in: "1.0", code: "JPY", wantMsg: `amount "1.0": JPY has no decimal places`},
		{name: "error/too many decimals kwd", in: "1.2345", code: "KWD", wantContains: "KWD has 3 decimal places"},
		{name: "error/sign only minus", in: "-", code: "USD", wantContains: "no digits"},
		{name: "error/sign only plus", in: "+", code: "USD", wantContains: "no digits"},
		{name: "error/double minus", in: "--1", code: "USD", wantContains: "single leading '-' or '+'"},
		{name: "error/plus minus", in: "+-1", code: "USD", wantContains: "single leading '-' or '+'"},
		{name: "error/minus plus", in: "-+1", code: "USD", wantContains: "single leading '-' or '+'"},
		{name: "error/trailing minus", in: "1-", code: "USD", wantContains: "single leading '-' or '+'"},
		{name: "error/sign after dot", in: "1.-5", code: "USD", wantContains: "single leading '-' or '+'"},
		{name: "error/exponent lower", in: "1e3", code: "USD", wantContains: "exponent"},
		{name: "error/exponent upper", in: "1E3", code: "USD", wantContains: "exponent"},
		{name: "error/exponent with fraction", in: "1.5e-2", code: "USD", wantContains: "exponent"},
		{name: "error/space grouping", in: "1 000.00", code: "USD", wantContains: "spaces"},
		{name: "error/leading space", in: " 1", code: "USD", wantContains: "spaces"},
		{name: "error/trailing space", in: "1 ", code: "USD", wantContains: "spaces"},
		{name: "error/space after sign", in: "- 1", code: "USD", wantContains: "spaces"},
		{name: "error/tab", in: "1\t", code: "USD", wantContains: "spaces"},
		{name: "error/newline", in: "1\n", code: "USD", wantContains: "spaces"},
		{name: "error/no-break space grouping", in: "1\u00a0000", code: "USD", wantContains: "spaces"},
		{name: "error/narrow no-break space", in: "1\u202f000", code: "USD", wantContains: "spaces"},
		{name: "error/comma grouping", in: "1,000.00", code: "USD", wantContains: "commas"},
		{name: "error/comma decimal separator", in: "12,34", code: "RUB", wantContains: "commas"},
		{name: "error/underscore", in: "1_000", code: "USD", wantContains: "grouping"},
		{name: "error/NaN", in: "NaN", code: "USD", wantContains: "NaN and Inf"},
		{name: "error/nan lower", in: "nan", code: "USD", wantContains: "NaN and Inf"},
		{name: "error/Inf", in: "Inf", code: "USD", wantContains: "NaN and Inf"},
		{name: "error/+Inf", in: "+Inf", code: "USD", wantContains: "NaN and Inf"},
		{name: "error/-Infinity", in: "-Infinity", code: "USD", wantContains: "NaN and Inf"},
		{name: "error/hex", in: "0x10", code: "USD", wantContains: "unexpected character 'x'"},
		{name: "error/letters", in: "abc", code: "USD", wantContains: "unexpected character 'a'"},
		{name: "error/currency suffix", in: "10USD", code: "USD", wantContains: "unexpected character 'U'"},
		{name: "error/currency symbol", in: "$10", code: "USD", wantContains: "unexpected character '$'"},
		{name: "error/arabic-indic digits", in: "\u0661\u0662", code: "USD", wantContains: "unexpected character"},
		{name: "error/fullwidth digit", in: "\uff11", code: "USD", wantContains: "unexpected character"},
		{name: "error/invalid utf8", in: "1\xff", code: "USD", wantContains: "invalid UTF-8"},
		{name: "error/nul byte", in: "1\x00", code: "USD", wantContains: "unexpected character"},
		{name: "error/two dots", in: "1.2.3", code: "USD", wantContains: "more than one '.'"},
		{name: "error/dot only", in: ".", code: "USD", wantContains: "no digits"},
		{name: "error/leading dot", in: ".5", code: "USD", wantContains: "missing digits before '.'"},
		{name: "error/trailing dot", in: "5.", code: "USD", wantContains: "missing digits after '.'"},
		{name: "error/overflow usd max+1", in: "92233720368547758.08", code: "USD", wantMsg: `amount "92233720368547758.08": out of range for USD`, wantOverflow: true},
		{name: "error/overflow usd min-1", in: "-92233720368547758.09", code: "USD", wantOverflow: true},
		{name: "error/overflow usd by scaling", in: "92233720368547759", code: "USD", wantOverflow: true},
		{name: "error/overflow usd by scaling short fraction", in: "92233720368547758.1", code: "USD", wantOverflow: true},
		{name: "error/overflow jpy max+1", in: "9223372036854775808", code: "JPY", wantOverflow: true},
		{name: "error/overflow jpy min-1", in: "-9223372036854775809", code: "JPY", wantOverflow: true},
		{name: "error/overflow kwd max+1", in: "9223372036854775.808", code: "KWD", wantOverflow: true},
		{name: "error/overflow uint64 range", in: "18446744073709551616", code: "JPY", wantOverflow: true},
		{name: "error/overflow huge", in: strings.Repeat("9", 400), code: "USD", wantOverflow: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, mustLookup(t, tt.code))
			if err == nil {
				t.Fatalf("Parse(%q, %s) = %d, want error", tt.in, tt.code, got)
			}
			if got != 0 {
				t.Errorf("Parse(%q, %s) returned %d with an error, want 0", tt.in, tt.code, got)
			}
			if !errors.Is(err, ErrInvalidAmount) {
				t.Errorf("Parse(%q, %s) error %v does not wrap ErrInvalidAmount", tt.in, tt.code, err)
			}
			if errors.Is(err, ErrOverflow) != tt.wantOverflow {
				t.Errorf("Parse(%q, %s) error %v: errors.Is(ErrOverflow) = %v, want %v",
					tt.in, tt.code, err, !tt.wantOverflow, tt.wantOverflow)
			}
			msg := err.Error()
			if tt.wantMsg != "" && msg != tt.wantMsg {
				t.Errorf("Parse(%q, %s) error = %q, want %q", tt.in, tt.code, msg, tt.wantMsg)
			}
			if tt.wantContains != "" && !strings.Contains(msg, tt.wantContains) {
				t.Errorf("Parse(%q, %s) error = %q, want it to contain %q", tt.in, tt.code, msg, tt.wantContains)
			}
			if tt.wantOverflow && !strings.Contains(msg, "out of range for "+tt.code) {
				t.Errorf("Parse(%q, %s) error = %q, want it to mention the range", tt.in, tt.code, msg)
			}
		})
	}
}

func TestParseErrorTruncatesLongInput(t *testing.T) {
	in := strings.Repeat("1", 10000) + "x"
	_, err := Parse(in, mustLookup(t, "USD"))
	if err == nil {
		t.Fatal("Parse accepted garbage")
	}
	if n := len(err.Error()); n > 200 {
		t.Errorf("error text is %d bytes long, want the input truncated", n)
	}
}

func TestParseInvalidCurrency(t *testing.T) {
	_, err := Parse("1", Currency{Code: "BAD", Exponent: -1})
	if err == nil {
		t.Fatal("Parse with a negative exponent succeeded")
	}
	if errors.Is(err, ErrInvalidAmount) {
		t.Errorf("invalid currency reported as an invalid amount: %v", err)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name  string
		minor int64
		code  string
		want  string
	}{
		{name: "ok/zero", minor: 0, code: "USD", want: "0.00"},
		{name: "ok/one cent", minor: 1, code: "USD", want: "0.01"},
		{name: "ok/ten cents", minor: 10, code: "USD", want: "0.10"},
		{name: "ok/negative one cent", minor: -1, code: "USD", want: "-0.01"},
		{name: "ok/negative", minor: -1230, code: "USD", want: "-12.30"},
		{name: "ok/whole", minor: 10000, code: "RUB", want: "100.00"},
		{name: "ok/no grouping", minor: 123456789, code: "EUR", want: "1234567.89"},
		{name: "ok/jpy", minor: 1500, code: "JPY", want: "1500"},
		{name: "ok/jpy zero", minor: 0, code: "JPY", want: "0"},
		{name: "ok/jpy negative", minor: -7, code: "JPY", want: "-7"},
		{name: "ok/kwd", minor: 1500, code: "KWD", want: "1.500"},
		{name: "ok/kwd small", minor: 5, code: "KWD", want: "0.005"},
		{name: "ok/max int64 usd", minor: math.MaxInt64, code: "USD", want: "92233720368547758.07"},
		{name: "ok/min int64 usd", minor: math.MinInt64, code: "USD", want: "-92233720368547758.08"},
		{name: "ok/min int64 jpy", minor: math.MinInt64, code: "JPY", want: "-9223372036854775808"},
		{name: "ok/min int64 kwd", minor: math.MinInt64, code: "KWD", want: "-9223372036854775.808"},
		{name: "ok/min int64 plus one", minor: math.MinInt64 + 1, code: "USD", want: "-92233720368547758.07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLookup(t, tt.code)
			if got := Format(tt.minor, c); got != tt.want {
				t.Errorf("Format(%d, %s) = %q, want %q", tt.minor, tt.code, got, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	values := []int64{
		0, 1, -1, 9, 10, 99, 100, 101, -999, 1234, -1234, 100000, 123456789,
		math.MaxInt64, math.MaxInt64 - 1, math.MinInt64, math.MinInt64 + 1,
		math.MaxInt32, math.MinInt32,
	}
	for _, c := range Currencies() {
		t.Run(c.Code, func(t *testing.T) {
			for _, v := range values {
				s := Format(v, c)
				got, err := Parse(s, c)
				if err != nil {
					t.Errorf("Parse(Format(%d) = %q) error: %v", v, s, err)
					continue
				}
				if got != v {
					t.Errorf("Parse(Format(%d) = %q) = %d", v, s, got)
				}
				if again := Format(got, c); again != s {
					t.Errorf("Format(Parse(%q)) = %q", s, again)
				}
			}
		})
	}
}

func TestParseFormatCanonical(t *testing.T) {
	// Format(Parse(s)) yields the canonical spelling of s.
	tests := []struct {
		name string
		in   string
		code string
		want string
	}{
		{name: "ok/pads fraction", in: "100.5", code: "USD", want: "100.50"},
		{name: "ok/adds fraction", in: "100", code: "USD", want: "100.00"},
		{name: "ok/drops plus", in: "+1.25", code: "USD", want: "1.25"},
		{name: "ok/drops negative zero", in: "-0", code: "USD", want: "0.00"},
		{name: "ok/drops leading zeros", in: "0012.3", code: "KWD", want: "12.300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLookup(t, tt.code)
			v, err := Parse(tt.in, c)
			if err != nil {
				t.Fatalf("Parse(%q, %s) error: %v", tt.in, tt.code, err)
			}
			if got := Format(v, c); got != tt.want {
				t.Errorf("Format(Parse(%q, %s)) = %q, want %q", tt.in, tt.code, got, tt.want)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	tests := []struct {
		name         string
		a, b         int64
		want         int64
		wantOverflow bool
	}{
		{name: "ok/small", a: 150, b: 250, want: 400},
		{name: "ok/negative", a: -150, b: 50, want: -100},
		{name: "ok/zero", a: 0, b: 0, want: 0},
		{name: "ok/reach max", a: math.MaxInt64 - 1, b: 1, want: math.MaxInt64},
		{name: "ok/reach min", a: math.MinInt64 + 1, b: -1, want: math.MinInt64},
		{name: "ok/max plus min", a: math.MaxInt64, b: math.MinInt64, want: -1},
		{name: "ok/min plus max", a: math.MinInt64, b: math.MaxInt64, want: -1},
		{name: "ok/max plus zero", a: math.MaxInt64, b: 0, want: math.MaxInt64},
		{name: "ok/min plus zero", a: math.MinInt64, b: 0, want: math.MinInt64},
		{name: "error/max plus one", a: math.MaxInt64, b: 1, wantOverflow: true},
		{name: "error/one plus max", a: 1, b: math.MaxInt64, wantOverflow: true},
		{name: "error/min minus one", a: math.MinInt64, b: -1, wantOverflow: true},
		{name: "error/max plus max", a: math.MaxInt64, b: math.MaxInt64, wantOverflow: true},
		{name: "error/min plus min", a: math.MinInt64, b: math.MinInt64, wantOverflow: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Add(tt.a, tt.b)
			checkArith(t, "Add", tt.a, tt.b, got, err, tt.want, tt.wantOverflow)
		})
	}
}

func TestMul(t *testing.T) {
	tests := []struct {
		name         string
		a, n         int64
		want         int64
		wantOverflow bool
	}{
		{name: "ok/small", a: 1999, n: 3, want: 5997},
		{name: "ok/negative factor", a: 1999, n: -3, want: -5997},
		{name: "ok/both negative", a: -1999, n: -3, want: 5997},
		{name: "ok/zero amount", a: 0, n: math.MinInt64, want: 0},
		{name: "ok/zero factor", a: math.MinInt64, n: 0, want: 0},
		{name: "ok/one", a: math.MinInt64, n: 1, want: math.MinInt64},
		{name: "ok/max times one", a: math.MaxInt64, n: 1, want: math.MaxInt64},
		{name: "ok/max times minus one", a: math.MaxInt64, n: -1, want: -math.MaxInt64},
		{name: "ok/minus one times max", a: -1, n: math.MaxInt64, want: -math.MaxInt64},
		{name: "ok/reach min", a: math.MinInt64 / 2, n: 2, want: math.MinInt64},
		{name: "ok/reach min negative", a: -(math.MinInt64 / 2), n: -2, want: math.MinInt64},
		{name: "ok/near max", a: math.MaxInt64 / 7, n: 7, want: math.MaxInt64 / 7 * 7},
		{name: "error/min times minus one", a: math.MinInt64, n: -1, wantOverflow: true},
		{name: "error/minus one times min", a: -1, n: math.MinInt64, wantOverflow: true},
		{name: "error/min times two", a: math.MinInt64, n: 2, wantOverflow: true},
		{name: "error/max times two", a: math.MaxInt64, n: 2, wantOverflow: true},
		{name: "error/half max plus one times two", a: math.MaxInt64/2 + 1, n: 2, wantOverflow: true},
		{name: "error/past min", a: math.MinInt64/2 - 1, n: 2, wantOverflow: true},
		{name: "error/min times min", a: math.MinInt64, n: math.MinInt64, wantOverflow: true},
		{name: "error/max times max", a: math.MaxInt64, n: math.MaxInt64, wantOverflow: true},
		{name: "error/wraps to positive", a: 1 << 32, n: 1 << 32, wantOverflow: true},
		{name: "ok/powers of two reach min", a: 1 << 32, n: -(1 << 31), want: math.MinInt64},
		{name: "error/powers of two wrap to zero", a: 1 << 33, n: -(1 << 31), wantOverflow: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Mul(tt.a, tt.n)
			checkArith(t, "Mul", tt.a, tt.n, got, err, tt.want, tt.wantOverflow)
		})
	}
}

func checkArith(t *testing.T, op string, a, b, got int64, err error, want int64, wantOverflow bool) {
	t.Helper()
	if wantOverflow {
		if !errors.Is(err, ErrOverflow) {
			t.Errorf("%s(%d, %d) = %d, %v; want ErrOverflow", op, a, b, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(%d, %d) error: %v", op, a, b, err)
	}
	if got != want {
		t.Errorf("%s(%d, %d) = %d, want %d", op, a, b, got, want)
	}
}

// TestArithAgainstBig checks Add and Mul against math/big on values around
// the int64 boundaries.
func TestArithAgainstBig(t *testing.T) {
	edges := []int64{
		0, 1, -1, 2, -2, 3, -3, 7, 10, -10,
		math.MaxInt32, math.MinInt32, 1 << 32, -(1 << 32), 3037000499, 3037000500, -3037000499, -3037000500,
		math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64 / 2, math.MaxInt64/2 + 1,
		math.MinInt64, math.MinInt64 + 1, math.MinInt64 / 2, math.MinInt64/2 - 1,
	}
	minB, maxB := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	fits := func(x *big.Int) bool { return x.Cmp(minB) >= 0 && x.Cmp(maxB) <= 0 }
	for _, a := range edges {
		for _, b := range edges {
			ba, bb := big.NewInt(a), big.NewInt(b)
			for _, op := range []struct {
				name string
				f    func(int64, int64) (int64, error)
				ref  *big.Int
			}{
				{"Add", Add, new(big.Int).Add(ba, bb)},
				{"Mul", Mul, new(big.Int).Mul(ba, bb)},
			} {
				got, err := op.f(a, b)
				if fits(op.ref) {
					if err != nil || got != op.ref.Int64() {
						t.Errorf("%s(%d, %d) = %d, %v; want %s", op.name, a, b, got, err, op.ref)
					}
				} else if !errors.Is(err, ErrOverflow) {
					t.Errorf("%s(%d, %d) = %d, %v; want ErrOverflow", op.name, a, b, got, err)
				}
			}
		}
	}
}

// wellFormed matches the syntax Parse accepts, before the digit-count and
// range checks.
var wellFormed = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// referenceParse is an independent, math/big based model of Parse. ok is
// false when s must be rejected; overflow reports a well-formed amount that
// is outside the int64 range.
func referenceParse(s string, c Currency) (v int64, ok, overflow bool) {
	if !wellFormed.MatchString(s) {
		return 0, false, false
	}
	intPart, frac, _ := strings.Cut(strings.TrimLeft(s, "+-"), ".")
	if len(frac) > c.Exponent {
		return 0, false, false
	}
	n, _ := new(big.Int).SetString(intPart+frac+strings.Repeat("0", c.Exponent-len(frac)), 10)
	if s[0] == '-' {
		n.Neg(n)
	}
	if !n.IsInt64() {
		return 0, false, true
	}
	return n.Int64(), true, false
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "0", "-0", "+0", "100", "100.5", "-12.34", "+12.34", "1.234", "1 000.00", "1,000.00",
		"1e3", "NaN", "Inf", "-Infinity", "--1", "+-1", ".5", "5.", ".", "-", "0x10", "١٢", "1\u00a0000",
		"92233720368547758.07", "92233720368547758.08", "-92233720368547758.08", "-92233720368547758.09",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
		"9223372036854775.807", "000000000000000000000001.5",
	} {
		f.Add(s)
	}
	currencies := Currencies()
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range currencies {
			v, err := Parse(s, c)
			refV, refOK, refOverflow := referenceParse(s, c)
			if err != nil {
				if v != 0 {
					t.Errorf("Parse(%q, %s) returned %d with error %v", s, c.Code, v, err)
				}
				if !errors.Is(err, ErrInvalidAmount) {
					t.Errorf("Parse(%q, %s) error %v does not wrap ErrInvalidAmount", s, c.Code, err)
				}
				if errors.Is(err, ErrOverflow) != refOverflow {
					t.Errorf("Parse(%q, %s) error %v: overflow = %v, reference says %v",
						s, c.Code, err, !refOverflow, refOverflow)
				}
				if refOK {
					t.Errorf("Parse(%q, %s) rejected a valid amount (%d): %v", s, c.Code, refV, err)
				}
				continue
			}
			if !refOK || v != refV {
				t.Errorf("Parse(%q, %s) = %d, reference = %d, ok %v", s, c.Code, v, refV, refOK)
			}
			f := Format(v, c)
			back, err := Parse(f, c)
			if err != nil {
				t.Errorf("Parse(Format(%d, %s) = %q) error: %v", v, c.Code, f, err)
				continue
			}
			if back != v {
				t.Errorf("Parse(Format(%d, %s) = %q) = %d", v, c.Code, f, back)
			}
		}
	})
}
