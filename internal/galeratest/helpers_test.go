package galeratest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/certsvc/certsvc/ent"
)

// probe skips t unless CERTSVC_GALERA_LOST_UPDATE_PROBE is set: the
// lost-update probes run on request, not in CI.
func probe(t *testing.T) {
	t.Helper()
	if os.Getenv("CERTSVC_GALERA_LOST_UPDATE_PROBE") == "" {
		t.Skip("set CERTSVC_GALERA_LOST_UPDATE_PROBE=1 to run the lost-update probe")
	}
}

// envInt is the number in the variable name, def when it is unset; a value
// that is no number or less than least fails t.
func envInt(t *testing.T, name string, def, least int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		t.Fatalf("%s=%q: want a number of at least %d", name, v, least)
	}
	return n
}

// lockFailures runs query, a SELECT id, failures ... FOR UPDATE of the
// login_failures row of h, and returns the row's id and count.
func lockFailures(ctx context.Context, tx *ent.Tx, query, h string) (id, n int64, err error) {
	rows, err := tx.QueryContext(ctx, query, h)
	if err != nil {
		return 0, 0, fmt.Errorf("select for update: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, 0, fmt.Errorf("select for update: no row (%v)", rows.Err())
	}
	if err := rows.Scan(&id, &n); err != nil {
		return 0, 0, err
	}
	return id, n, rows.Close()
}
