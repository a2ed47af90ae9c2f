package pki

import (
	"strings"
	"testing"
)

// A "+" that became a space is seen inside a line, and also as the first or
// last character of a full-width line, where trimming the line's blanks
// would otherwise drop it without a word; blanks around a short line (the
// last) or a clean text are no sign of it.
func TestDecodeBase64LinesSpaced(t *testing.T) {
	full := strings.Repeat("M", 63)
	for _, tc := range []struct {
		name   string
		lines  []string
		spaced bool
	}{
		{"clean", []string{full + "+", "MAo="}, false},
		{"inside a line", []string{"MM MM" + full[4:], "MAo="}, true},
		{"end of a full line", []string{full + " ", "MAo="}, true},
		{"start of a full line", []string{" " + full, "MAo="}, true},
		{"end of a full line, crlf", []string{full + " \r", "MAo=\r"}, true},
		{"blank after the short last line", []string{full + "+", "MAo= "}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, spaced, err := decodeBase64Lines(tc.lines)
			if spaced != tc.spaced {
				t.Errorf("spaced = %v (err %v), want %v", spaced, err, tc.spaced)
			}
		})
	}
}
