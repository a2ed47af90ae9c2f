package galeratest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/go-sql-driver/mysql"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/loginfailure"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/store"
)

// probeRounds is how many rounds each lost-update probe runs:
// CERTSVC_GALERA_PROBE_ROUNDS, 10 by default.
func probeRounds(t *testing.T) int { return envInt(t, "CERTSVC_GALERA_PROBE_ROUNDS", 10, 1) }

func keyHash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// counterTx is one increment of the failures of the row key_hash=h inside
// tx; it returns the value it wrote.
type counterTx func(ctx context.Context, tx *ent.Tx, h string) (int64, error)

func queryInt(ctx context.Context, tx *ent.Tx, q string, args ...any) (int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, err
		}
		return 0, sql.ErrNoRows
	}
	var n int64
	if err := rows.Scan(&n); err != nil {
		return 0, err
	}
	return n, rows.Close()
}

const insertIgnoreRow = `INSERT IGNORE INTO login_failures (key_hash, failures, window_start, last_failure, lockout_us, locked_until, expire_time)
	VALUES (?, 0, '1970-01-01', '1970-01-01', 0, '1970-01-01', '2100-01-01')`

// insertODKURow is what ent's OnConflict(...).Ignore() sends on MySQL: an
// upsert whose update sets every column to itself, and the id through
// LAST_INSERT_ID (so that ent learns the existing row's id).
const insertODKURow = `INSERT INTO login_failures (key_hash, failures, window_start, last_failure, lockout_us, locked_until, expire_time)
	VALUES (?, 0, '1970-01-01', '1970-01-01', 0, '1970-01-01', '2100-01-01')
	ON DUPLICATE KEY UPDATE key_hash = login_failures.key_hash, failures = login_failures.failures, window_start = login_failures.window_start,
	last_failure = login_failures.last_failure, lockout_us = login_failures.lockout_us, locked_until = login_failures.locked_until,
	expire_time = login_failures.expire_time, id = LAST_INSERT_ID(login_failures.id)`

// insertODKURow2 is insertODKURow with every value a parameter, as ent
// sends it.
const insertODKURow2 = "INSERT INTO `login_failures` (`key_hash`, `failures`, `window_start`, `last_failure`, `lockout_us`, `locked_until`, `expire_time`) VALUES (?, ?, ?, ?, ?, ?, ?) " +
	"ON DUPLICATE KEY UPDATE `key_hash` = `login_failures`.`key_hash`, `failures` = `login_failures`.`failures`, `window_start` = `login_failures`.`window_start`, " +
	"`last_failure` = `login_failures`.`last_failure`, `lockout_us` = `login_failures`.`lockout_us`, `locked_until` = `login_failures`.`locked_until`, " +
	"`expire_time` = `login_failures`.`expire_time`, `id` = LAST_INSERT_ID(`login_failures`.`id`)"

// The shapes of the increment the probe compares.
var counterShapes = []struct {
	name      string
	precreate bool // the row exists before the run
	// readsBack: the transaction reads the whole row back after updating
	// it, as ent's UpdateOne does. Such shapes lost increments on MariaDB
	// 10.11 Galera (the others, reading back only the count or nothing,
	// never did): the probe reports their losses without failing.
	readsBack bool
	fn        counterTx
}{
	{"insert-ignore, select for update, update by id", false, false, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		if _, err := tx.ExecContext(ctx, insertIgnoreRow, h); err != nil {
			return 0, fmt.Errorf("insert ignore: %w", err)
		}
		return lockedReadWrite(ctx, tx, h)
	}},
	{"select for update, update by id (row pre-created)", true, false, lockedReadWrite},
	{"insert-ignore, select for update, update by id, plain select", false, false, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		if _, err := tx.ExecContext(ctx, insertIgnoreRow, h); err != nil {
			return 0, fmt.Errorf("insert ignore: %w", err)
		}
		v, err := lockedReadWrite(ctx, tx, h)
		if err != nil {
			return 0, err
		}
		// What ent's UpdateOne does after the update: read the row back.
		if _, err := queryInt(ctx, tx, `SELECT failures FROM login_failures WHERE key_hash = ?`, h); err != nil {
			return 0, fmt.Errorf("read back: %w", err)
		}
		return v, nil
	}},
	{"insert on duplicate key update (no-op, id = LAST_INSERT_ID(id), as ent's Ignore), select for update, update by id", false, false, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		if _, err := tx.ExecContext(ctx, insertODKURow, h); err != nil {
			return 0, fmt.Errorf("insert on duplicate key update: %w", err)
		}
		return lockedReadWrite(ctx, tx, h)
	}},
	{"insert-ignore, select for update, update by id with expire_time (indexed), read back by id", false, false, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		if _, err := tx.ExecContext(ctx, insertIgnoreRow, h); err != nil {
			return 0, fmt.Errorf("insert ignore: %w", err)
		}
		id, n, err := lockFailures(ctx, tx, `SELECT id, failures FROM login_failures WHERE key_hash = ? LIMIT 2 FOR UPDATE`, h)
		if err != nil {
			return 0, err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = ?, last_failure = ?, expire_time = ? WHERE id = ?`, n+1, now, now.Add(time.Hour), id); err != nil {
			return 0, fmt.Errorf("update by id: %w", err)
		}
		if _, err := queryInt(ctx, tx, `SELECT failures FROM login_failures WHERE id = ?`, id); err != nil {
			return 0, fmt.Errorf("read back: %w", err)
		}
		return n + 1, nil
	}},
	{"raw SQL: ent's exact statements (upsert, select all columns for update, update by id, read back by id)", false, true, entStatements(allCols, true)},
	{"raw SQL: ent's statements without the read back", false, false, entStatements(allCols, false)},
	{"raw SQL: ent's statements with the read back, update guarded by the count read", false, true, entStatementsGuarded(allCols, true)},
	{"raw SQL: ent's statements, select for update of id and failures only", false, true, entStatements("`id`, `failures`", true)},
	{"ent: as LoginLimiter.Failure without Clean", false, true, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		err := tx.LoginFailure.Create().SetKeyHash(h).SetWindowStart(time.Unix(0, 0).UTC()).SetLastFailure(time.Unix(0, 0).UTC()).
			SetLockedUntil(time.Unix(0, 0).UTC()).SetExpireTime(time.Unix(0, 0).UTC()).
			OnConflictColumns(loginfailure.FieldKeyHash).Ignore().Exec(ctx)
		if err != nil {
			return 0, err
		}
		r, err := tx.LoginFailure.Query().Where(loginfailure.KeyHash(h)).ForUpdate().Only(ctx)
		if err != nil {
			return 0, err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		err = tx.LoginFailure.UpdateOneID(r.ID).SetFailures(r.Failures + 1).SetLastFailure(now).SetExpireTime(now.Add(time.Hour)).Exec(ctx)
		return int64(r.Failures) + 1, err
	}},
	{"ent: the same with Update().Where(id).Save (no read back)", false, false, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		err := tx.LoginFailure.Create().SetKeyHash(h).SetWindowStart(time.Unix(0, 0).UTC()).SetLastFailure(time.Unix(0, 0).UTC()).
			SetLockedUntil(time.Unix(0, 0).UTC()).SetExpireTime(time.Unix(0, 0).UTC()).
			OnConflictColumns(loginfailure.FieldKeyHash).Ignore().Exec(ctx)
		if err != nil {
			return 0, err
		}
		r, err := tx.LoginFailure.Query().Where(loginfailure.KeyHash(h)).ForUpdate().Only(ctx)
		if err != nil {
			return 0, err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		_, err = tx.LoginFailure.Update().Where(loginfailure.ID(r.ID)).SetFailures(r.Failures + 1).SetLastFailure(now).SetExpireTime(now.Add(time.Hour)).Save(ctx)
		return int64(r.Failures) + 1, err
	}},
	{"atomic update failures = failures + 1 (row pre-created)", true, false, func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = failures + 1 WHERE key_hash = ?`, h); err != nil {
			return 0, fmt.Errorf("update: %w", err)
		}
		return queryInt(ctx, tx, `SELECT failures FROM login_failures WHERE key_hash = ? FOR UPDATE`, h)
	}},
}

// staleGuard counts the guarded updates that found the row changed.
var staleGuard atomic.Int64

const allCols = "`id`, `key_hash`, `failures`, `window_start`, `last_failure`, `lockout_us`, `locked_until`, `expire_time`"

// entStatements is the transaction ent runs for LoginLimiter.Failure, in
// raw SQL: the upsert, the locked read of cols, the update by id and, with
// readBack, UpdateOne's read back of the row.
func entStatements(cols string, readBack bool) counterTx {
	return entStatementsOpt(cols, readBack, false)
}

// entStatementsGuarded is entStatements whose update repeats the count it
// read in its WHERE; when that matches no row, the transaction is retried
// (as InTx retries a deadlock).
func entStatementsGuarded(cols string, readBack bool) counterTx {
	return entStatementsOpt(cols, readBack, true)
}

func entStatementsOpt(cols string, readBack, guard bool) counterTx {
	return func(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
		e := time.Unix(0, 0).UTC()
		if _, err := tx.ExecContext(ctx, insertODKURow2, h, 0, e, e, 0, e, e); err != nil {
			return 0, err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+cols+" FROM `login_failures` WHERE `login_failures`.`key_hash` = ? LIMIT 2 FOR UPDATE", h)
		if err != nil {
			return 0, err
		}
		var id, failures int64
		n := 0
		for rows.Next() {
			n++
			vals, _ := rows.Columns()
			dst := make([]any, len(vals))
			for k := range dst {
				dst[k] = new(any)
			}
			dst[0], dst[slices.Index(vals, "failures")] = &id, &failures
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return 0, err
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return 0, fmt.Errorf("select for update: %w", err)
		}
		rows.Close()
		if n != 1 {
			return 0, fmt.Errorf("select for update: %d rows", n)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		q := "UPDATE `login_failures` SET `failures` = ?, `last_failure` = ?, `expire_time` = ? WHERE `id` = ?"
		args := []any{failures + 1, now, now.Add(time.Hour), id}
		if guard {
			q += " AND `failures` = ?"
			args = append(args, failures)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			staleGuard.Add(1)
			return 0, &mysql.MySQLError{Number: 1213, Message: fmt.Sprintf("probe: guarded update matched %d rows (%v)", n, err)}
		}
		if readBack {
			rows, err = tx.QueryContext(ctx, "SELECT "+allCols+" FROM `login_failures` WHERE `id` = ?", id)
			if err != nil {
				return 0, err
			}
			ok := rows.Next()
			rows.Close()
			if !ok {
				return 0, fmt.Errorf("read back: no row (%v)", rows.Err())
			}
		}
		return failures + 1, nil
	}
}

func lockedReadWrite(ctx context.Context, tx *ent.Tx, h string) (int64, error) {
	id, n, err := lockFailures(ctx, tx, `SELECT id, failures FROM login_failures WHERE key_hash = ? FOR UPDATE`, h)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET failures = ? WHERE id = ?`, n+1, id); err != nil {
		return 0, fmt.Errorf("update by id: %w", err)
	}
	return n + 1, nil
}

// A probe of the lost failed login (TestLoginFailuresCountedAcrossNodes):
// the same 3×4 goroutines increment one counter row through store.InTx in
// the shapes above, 20 increments each, for CERTSVC_GALERA_PROBE_ROUNDS
// rounds. Each acknowledged increment records the value it wrote: two
// acknowledged increments that wrote the same value read the same value
// (a lost update); a final count below the acknowledged ones with all
// written values distinct would be a lost commit instead.
func TestProbeCounterShapes(t *testing.T) {
	probe(t)
	dbs := Open(t)
	rounds := probeRounds(t)
	for si, shape := range counterShapes {
		t.Run(shape.name, func(t *testing.T) {
			lossy := 0
			for round := range rounds {
				if probeCounterRound(t, dbs, shape.fn, shape.precreate, fmt.Sprintf("probe:%d:%d", si, round)) {
					lossy++
				}
			}
			t.Logf("%s: %d of %d rounds lost increments", shape.name, lossy, rounds)
			if lossy > 0 && !shape.readsBack {
				t.Errorf("%d of %d rounds lost increments", lossy, rounds)
			}
		})
	}
}

func probeCounterRound(t *testing.T, dbs []*store.DB, fn counterTx, precreate bool, key string) (lossy bool) {
	ctx := t.Context()
	h := keyHash(key)
	if precreate {
		if _, err := dbs[0].SQL.ExecContext(ctx, insertIgnoreRow, h); err != nil {
			t.Fatal(err)
		}
	}
	const perGoroutine, goroutines = 20, 4
	var (
		mu      sync.Mutex
		written = map[int64][]string{} // value -> "node/attempts" of the increments that wrote it
		acked   atomic.Int64
		aborted atomic.Int64
		runs    atomic.Int64 // fn runs, retries included
	)
	var wg sync.WaitGroup
	for i, db := range dbs {
		for g := range goroutines {
			wg.Go(func() {
				for range perGoroutine {
					var v int64
					var attempts int
					_, err := store.InTx(ctx, db.Ent, func(tx *ent.Tx) (struct{}, error) {
						attempts++
						runs.Add(1)
						var err error
						v, err = fn(ctx, tx, h)
						return struct{}{}, err
					})
					switch {
					case err == nil:
						acked.Add(1)
						mu.Lock()
						written[v] = append(written[v], fmt.Sprintf("node%d.g%d/%d", i+1, g, attempts))
						mu.Unlock()
					case errors.Is(err, errkind.Aborted):
						aborted.Add(1)
					default:
						t.Errorf("node %d: %v", i+1, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	var final int64
	if err := dbs[0].SQL.QueryRowContext(ctx, `SELECT failures FROM login_failures WHERE key_hash = ?`, h).Scan(&final); err != nil {
		t.Fatal(err)
	}
	var dups []string
	for v, by := range written {
		if len(by) > 1 {
			dups = append(dups, fmt.Sprintf("%d written by %v", v, by))
		}
	}
	slices.Sort(dups)
	t.Logf("%s: acked %d, aborted %d, tx runs %d (guarded updates that matched nothing, all rounds: %d), final %d, values written twice: %v",
		key, acked.Load(), aborted.Load(), runs.Load(), staleGuard.Load(), final, dups)
	return final != acked.Load() || len(dups) > 0
}

// Concurrent balance changes of ONE account from the three nodes, through
// the API of three replicas (AccountService.Deposit and AdjustBalance, each
// with its own idempotency key; no client retry): every acknowledged change
// has its ledger entry and nothing else does, and the ledger sums to the
// balance. A lost update of the balance (two changes reading the same
// balance) breaks the sum.
func TestProbeBalanceAcrossNodes(t *testing.T) {
	probe(t)
	dbs := Open(t)
	envs := replicas(t, dbs)
	rounds := probeRounds(t)
	lossy := 0
	for round := range rounds {
		if probeBalanceRound(t, dbs, envs, round) {
			lossy++
		}
	}
	t.Logf("balance: %d of %d rounds inconsistent", lossy, rounds)
	if lossy > 0 {
		t.Errorf("%d of %d rounds inconsistent", lossy, rounds)
	}
}

func probeBalanceRound(t *testing.T, dbs []*store.DB, envs []*apitest.Env, round int) (bad bool) {
	ctx := t.Context()
	c := envs[0].NewCustomer(t, fmt.Sprintf("probe%d", round), "RUB")
	acc := c.Account.GetId()
	const perGoroutine, goroutines = 20, 4
	var acked, aborted, ackedSum atomic.Int64
	var wg sync.WaitGroup
	for i, env := range envs {
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		for g := range goroutines {
			wg.Go(func() {
				for n := range perGoroutine {
					key := fmt.Sprintf("r%d-n%d-g%d-%d", round, i, g, n)
					amount := int64(1000 + 10*i + g)
					var err error
					if n%4 == 3 {
						amount = -int64(1 + i)
						_, err = admin.Account.AdjustBalance(ctx, &certsvcv1.AdjustBalanceRequest{AccountId: acc,
							AmountMinor: amount, Currency: "RUB", Reason: "probe", IdempotencyKey: key})
					} else {
						_, err = admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: acc,
							AmountMinor: amount, Currency: "RUB", IdempotencyKey: key})
					}
					switch {
					case err == nil:
						acked.Add(1)
						ackedSum.Add(amount)
					case connect.CodeOf(err) == connect.CodeAborted:
						aborted.Add(1)
					default:
						t.Errorf("node %d: %v", i+1, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	var balance, entries, sum int64
	if err := dbs[0].SQL.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, acc).Scan(&balance); err != nil {
		t.Fatal(err)
	}
	if err := dbs[0].SQL.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM ledger_entries WHERE account_id = ?`, acc).Scan(&entries, &sum); err != nil {
		t.Fatal(err)
	}
	t.Logf("round %d: acked %d (sum %d), aborted %d; ledger %d entries, sum %d; balance %d",
		round, acked.Load(), ackedSum.Load(), aborted.Load(), entries, sum, balance)
	return entries != acked.Load() || sum != ackedSum.Load() || balance != sum
}
