package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/errkind"
)

// maxAttempts bounds how often InTx runs a function that hit a deadlock, a
// lock wait timeout or a Galera certification failure (see isRetryable).
// On a Galera cluster under load a hot row (an account's balance) can lose
// certification a few times in a row.
const maxAttempts = 8

// InTx runs fn in a transaction and commits when fn returns no error. It rolls
// back on error and on panic (and re-panics). A deadlock or lock-wait timeout
// re-runs fn from the start, so fn must have no effects outside the database.
// So does a Galera certification failure: on a cluster, writes to the same
// rows on two nodes are not serialised by locks but certified at commit, and
// the loser gets a deadlock error (1213) at its commit or its next statement.
func InTx[T any](ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) (T, error)) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		v, err := inTxOnce(ctx, client, fn)
		if err == nil {
			return v, nil
		}
		if !isRetryable(err) {
			return zero, err
		}
		if attempt == maxAttempts {
			// Still conflicting: the client may try again (Connect's
			// Aborted), as it would after a lost race.
			return zero, &errkind.Error{Kind: errkind.Aborted, Msg: "conflicting with concurrent changes; try again", Cause: err}
		}
		select {
		case <-ctx.Done():
			return zero, err
		case <-time.After(retryWait(attempt)):
		}
	}
}

// retryWait is the wait before attempt n+1: growing, with jitter so that
// the transactions that conflicted do not meet again in lockstep.
func retryWait(n int) time.Duration {
	base := time.Duration(n*n) * 10 * time.Millisecond
	return base/2 + rand.N(base)
}

func inTxOnce[T any](ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) (T, error)) (v T, err error) {
	var zero T
	tx, err := client.Tx(ctx)
	if err != nil {
		return zero, fmt.Errorf("begin tx: %w", Translate(err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	v, err = fn(tx)
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return zero, errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return zero, err
	}
	if err := tx.Commit(); err != nil {
		// A commit hook may fail before the commit: end the transaction
		// (after a failed commit itself this is a no-op).
		_ = tx.Rollback()
		return zero, fmt.Errorf("commit: %w", Translate(err))
	}
	return v, nil
}
