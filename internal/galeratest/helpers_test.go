package galeratest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/store"
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

// failAtOnce records failures of key through every limiter at once (one per
// node), goroutines each doing each failures, and counts those recorded and
// those answered Aborted (still conflicting after InTx's attempts: not
// counted, and not lost either). Any other error fails t.
func failAtOnce(t *testing.T, ls []*store.LoginLimiter, key string, goroutines, each int) (recorded, aborted int64) {
	t.Helper()
	var ok, conflicted atomic.Int64
	var wg sync.WaitGroup
	for i, l := range ls {
		for range goroutines {
			wg.Go(func() {
				for range each {
					switch err := l.Failure(t.Context(), key); {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, errkind.Aborted):
						conflicted.Add(1)
					default:
						t.Errorf("node %d: Failure: %v", i+1, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	recorded, aborted = ok.Load(), conflicted.Load()
	return recorded, aborted
}
