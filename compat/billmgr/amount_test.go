package billmgr_test

import (
	"math"
	"testing"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/internal/money"
)

// TestFormatAmount: every currency the service accepts is shown as the
// service formats it (the gateway does not import the service's money
// package, so this test holds the two together).
func TestFormatAmount(t *testing.T) {
	for _, c := range money.Currencies() {
		for _, minor := range []int64{0, 5, -5, 81000, -123456, math.MaxInt64, math.MinInt64} {
			if got, want := billmgr.FormatAmount(minor, c.Code), money.Format(minor, c); got != want {
				t.Errorf("FormatAmount(%d, %s) = %q, want %q", minor, c.Code, got, want)
			}
		}
	}
	if got := billmgr.FormatAmount(81000, "XXX"); got != "810.00" {
		t.Errorf("unknown currency: %q, want 810.00", got)
	}
}
