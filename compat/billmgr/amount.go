package billmgr

import (
	"strconv"
	"strings"
)

// minorDigits are the ISO 4217 currencies whose minor unit is not a
// hundredth; every other code has two digits.
var minorDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// FormatAmount shows an amount in minor units of the ISO 4217 currency code
// as BILLmanager shows money: a plain decimal in major units, "810.00",
// "-0.05", "1500" (JPY), "1.250" (KWD).
func FormatAmount(minor int64, code string) string {
	exp, ok := minorDigits[code]
	if !ok {
		exp = 2
	}
	mag := uint64(minor)
	if minor < 0 {
		mag = -mag // two's complement: the exact magnitude even for MinInt64
	}
	digits := strconv.FormatUint(mag, 10)
	if pad := exp + 1 - len(digits); pad > 0 {
		digits = strings.Repeat("0", pad) + digits
	}
	whole, frac := digits[:len(digits)-exp], digits[len(digits)-exp:]
	out := whole
	if exp > 0 {
		out += "." + frac
	}
	if minor < 0 {
		out = "-" + out
	}
	return out
}
