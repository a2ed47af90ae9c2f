package registry_test

import (
	"errors"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
)

// checkFieldErr asserts that err is an invalid-argument error about field.
func checkFieldErr(t *testing.T, err error, field string) {
	t.Helper()
	var ke *errkind.Error
	if !errors.As(err, &ke) || !errors.Is(err, errkind.InvalidArgument) || ke.Field != field {
		t.Fatalf("error %v, want invalid_argument about %q", err, field)
	}
}
