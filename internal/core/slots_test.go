package core

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/certsvc/certsvc/internal/errkind"
)

// TestClientKeys: the ledger key of a purchase of slots or a renewal fits
// the ledger's 64 characters whatever the client's key (the API takes 64 of
// its own), keeps a short key as it is, and two client keys give two ledger
// keys.
func TestClientKeys(t *testing.T) {
	for what, key := range map[string]func(int64, string) string{"slots": SlotsKey, "renew": RenewKey} {
		if got, want := key(7, "k1"), "certificate/7/"+what+"/k1"; got != want {
			t.Errorf("%s key of (7, k1) = %q, want %q", what, got, want)
		}
		long := strings.Repeat("x", 64)
		seen := map[string]bool{}
		for _, k := range []string{long, long[:63] + "y", strings.Repeat("я", 64)} {
			got := key(9223372036854775807, k)
			if n := utf8.RuneCountInString(got); n > 64 || !strings.HasPrefix(got, "certificate/9223372036854775807/"+what+"/#") {
				t.Errorf("%s key of a %d-character key: %q (%d characters)", what, utf8.RuneCountInString(k), got, n)
			}
			if seen[got] {
				t.Errorf("%s key: %q twice", what, got)
			}
			seen[got] = true
		}
	}
}

// TestCheckSlots: a reissue buys exactly the missing slots or none.
func TestCheckSlots(t *testing.T) {
	for _, tc := range []struct {
		need, have, buy int32
		field           string // "" when accepted
	}{
		{0, 0, 0, ""},
		{1, 2, 0, ""},
		{2, 2, 0, ""},
		{3, 2, 0, "extra_names"},
		{3, 2, 1, ""},
		{4, 2, 1, "buy_extra_name_slots"},
		{3, 2, 2, "buy_extra_name_slots"},
		{2, 2, 1, "buy_extra_name_slots"},
	} {
		err := CheckSlots(5, tc.need, tc.have, tc.buy)
		var ke *errkind.Error
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("need %d, have %d, buy %d: %v, want accepted", tc.need, tc.have, tc.buy, err)
		case tc.field != "" && (!errors.As(err, &ke) || ke.Field != tc.field || !errors.Is(err, errkind.InvalidArgument)):
			t.Errorf("need %d, have %d, buy %d: %v, want invalid on %s", tc.need, tc.have, tc.buy, err, tc.field)
		}
	}
}
