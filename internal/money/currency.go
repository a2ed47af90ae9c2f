package money

import (
	"slices"
	"strings"
)

// Currency describes an ISO 4217 currency the service accepts.
type Currency struct {
	Code     string // ISO 4217 alphabetic code, upper case
	Exponent int    // number of minor-unit digits (2 for RUB, USD, EUR; 0 for JPY; 3 for KWD)
	Name     string // English name
}

// currencies is the table of supported currencies, ordered by Code.
// Exponents are the minor-unit digits from the ISO 4217 list.
var currencies = []Currency{
	{Code: "AMD", Exponent: 2, Name: "Armenian Dram"},
	{Code: "BYN", Exponent: 2, Name: "Belarusian Ruble"},
	{Code: "CHF", Exponent: 2, Name: "Swiss Franc"},
	{Code: "CNY", Exponent: 2, Name: "Yuan Renminbi"},
	{Code: "CZK", Exponent: 2, Name: "Czech Koruna"},
	{Code: "EUR", Exponent: 2, Name: "Euro"},
	{Code: "GBP", Exponent: 2, Name: "Pound Sterling"},
	{Code: "GEL", Exponent: 2, Name: "Lari"},
	{Code: "JPY", Exponent: 0, Name: "Yen"},
	{Code: "KGS", Exponent: 2, Name: "Som"},
	{Code: "KWD", Exponent: 3, Name: "Kuwaiti Dinar"},
	{Code: "KZT", Exponent: 2, Name: "Tenge"},
	{Code: "PLN", Exponent: 2, Name: "Zloty"},
	{Code: "RUB", Exponent: 2, Name: "Russian Ruble"},
	{Code: "TRY", Exponent: 2, Name: "Turkish Lira"},
	{Code: "UAH", Exponent: 2, Name: "Hryvnia"},
	{Code: "USD", Exponent: 2, Name: "US Dollar"},
	{Code: "UZS", Exponent: 2, Name: "Uzbekistan Sum"},
}

// Lookup returns the supported currency with the given ISO 4217 code.
// The match is exact: only the upper-case code is accepted, so "usd" and
// " USD" report false. This lets the API reject such input with
// "must be an upper-case ISO 4217 code" rather than guessing.
func Lookup(code string) (Currency, bool) {
	i, ok := slices.BinarySearchFunc(currencies, code, func(c Currency, code string) int {
		return strings.Compare(c.Code, code)
	})
	if !ok {
		return Currency{}, false
	}
	return currencies[i], true
}

// Currencies returns all supported currencies ordered by Code. The result is
// a fresh copy that the caller may modify.
func Currencies() []Currency {
	return slices.Clone(currencies)
}
