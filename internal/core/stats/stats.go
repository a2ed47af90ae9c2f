// Package stats is the collector of certsvc's business metrics
// (certificates by state and module, expiring certificates, the job queue,
// money through the ledger), read from the store so that every replica
// reports the same values. It only reads.
package stats

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/job"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

// The metrics of the business, read from the database by a collector so
// that every replica reports the same values and a restart loses nothing:
// counters kept in memory would count only what this process did since it
// started. A scrape reads a snapshot at most StatsMaxAge old, so frequent
// scrapes by several Prometheus servers cost the database one read.
var (
	certsDesc = prometheus.NewDesc("certsvc_certificates",
		"Certificates (orders) by state and processing module id (0: none yet).", []string{"state", "module"}, nil)
	expiringDesc = prometheus.NewDesc("certsvc_certificates_expiring",
		"Issued certificates whose not_after is within the given period from now.", []string{"within"}, nil)
	jobsDesc = prometheus.NewDesc("certsvc_jobs",
		"Jobs of the worker queue: due now, and in total (due and scheduled).", []string{"queue"}, nil)
	oldestDesc = prometheus.NewDesc("certsvc_jobs_oldest_due_age_seconds",
		"How long the oldest due job has been due; 0 when none is.", nil, nil)
	ledgerInDesc = prometheus.NewDesc("certsvc_ledger_in_minor_total",
		"Money credited to account balances (deposits, refunds, positive adjustments) by the ledger, in minor units.",
		[]string{"currency"}, nil)
	ledgerOutDesc = prometheus.NewDesc("certsvc_ledger_out_minor_total",
		"Money debited from account balances (charges, negative adjustments) by the ledger, in minor units.",
		[]string{"currency"}, nil)
	statsErrDesc = prometheus.NewDesc("certsvc_stats_read_errors_total",
		"Failed reads of the business metrics from the database.", nil, nil)
)

// StatsMaxAge is how old the snapshot a scrape reports may be.
// The read is done at most this often, however many scrapes come.
const StatsMaxAge = 15 * time.Second

// ledgerSettle is how old a ledger entry must be before the collector adds
// it to its running sums for good. Newer entries are summed afresh on every
// read: a transaction that took an id earlier may still commit.
const ledgerSettle = 5 * time.Minute

// expiryWindows are the periods of certsvc_certificates_expiring, shortest
// first.
var expiryWindows = []struct {
	label string
	d     time.Duration
}{{"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour}}

// Collector is the prometheus.Collector of the business metrics.
type Collector struct {
	db  *ent.Client
	sql *sql.DB
	now func() time.Time
	log *slog.Logger

	mu      sync.Mutex
	at      time.Time // when snap was read
	snap    stats
	errs    float64
	settled ledgerSums // entries up to settled.upTo, summed once
}

// New returns the collector of the business metrics of db (the same
// database through ent and database/sql), now its clock.
func New(db *ent.Client, sqlDB *sql.DB, now func() time.Time, log *slog.Logger) *Collector {
	return &Collector{db: db, sql: sqlDB, now: now, log: log}
}

type stats struct {
	certs      map[[2]string]int64 // state, module
	expiring   []int64             // by expiryWindows
	due, total int64
	oldestDue  time.Duration
	ledger     ledgerSums
}

type ledgerSums struct {
	upTo    int64 // the last entry id summed
	in, out map[string]int64
}

func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{certsDesc, expiringDesc, jobsDesc, oldestDesc, ledgerInDesc, ledgerOutDesc, statsErrDesc} {
		ch <- d
	}
}

func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) >= StatsMaxAge {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		st, err := c.read(ctx)
		cancel()
		if err != nil {
			c.log.Warn("read the business metrics", "error", err)
			c.errs++
		} else {
			c.snap, c.at = st, time.Now()
		}
	}
	ch <- prometheus.MustNewConstMetric(statsErrDesc, prometheus.CounterValue, c.errs)
	if c.at.IsZero() {
		return // never read: report nothing rather than zeros
	}
	st := c.snap
	for k, n := range st.certs {
		ch <- prometheus.MustNewConstMetric(certsDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	for i, w := range expiryWindows {
		ch <- prometheus.MustNewConstMetric(expiringDesc, prometheus.GaugeValue, float64(st.expiring[i]), w.label)
	}
	ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(st.due), "due")
	ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(st.total), "total")
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, st.oldestDue.Seconds())
	for cur, v := range st.ledger.in {
		ch <- prometheus.MustNewConstMetric(ledgerInDesc, prometheus.CounterValue, float64(v), cur)
	}
	for cur, v := range st.ledger.out {
		ch <- prometheus.MustNewConstMetric(ledgerOutDesc, prometheus.CounterValue, float64(v), cur)
	}
}

// read takes a snapshot. EXPLAIN on MariaDB with 1M certificates, jobs and
// ledger entries: the GROUP BY reads the (state, processing_module_id) index
// (BenchmarkCertificatesByStateModule in internal/server); expiry is a range of the not_after index
// (0.45 s for 156k rows in 30 days); the job counts read the smallest index
// and a range of run_time; the oldest due job is the first run_time entry;
// the ledger reads a primary-key range after the settled entries.
func (c *Collector) read(ctx context.Context) (stats, error) {
	db, now := c.db, c.now().UTC().Truncate(time.Microsecond)
	st := stats{certs: map[[2]string]int64{}}
	groups, err := CertificatesByStateModule(ctx, db)
	if err != nil {
		return st, err
	}
	for _, g := range groups {
		mod := strconv.FormatInt(g.ModuleID, 10)
		if _, seen := st.certs[[2]string{g.State, mod}]; !seen {
			// Every state of a module that has certificates, so a state
			// emptied shows 0 rather than vanishing.
			for _, s := range lifecycle.AllStates() {
				st.certs[[2]string{string(s), mod}] += 0
			}
		}
		st.certs[[2]string{g.State, mod}] = g.Count
	}
	// One range read of the not_after index for every window.
	q := "SELECT COUNT(*)"
	args := []any{}
	for _, w := range expiryWindows[:len(expiryWindows)-1] {
		q += ", COALESCE(SUM(CASE WHEN not_after < ? THEN 1 ELSE 0 END), 0)"
		args = append(args, now.Add(w.d))
	}
	q += " FROM certificates WHERE state = ? AND not_after >= ? AND not_after < ?"
	args = append(args, certificate.StateIssued.String(), now, now.Add(expiryWindows[len(expiryWindows)-1].d))
	st.expiring = make([]int64, len(expiryWindows))
	dest := []any{&st.expiring[len(st.expiring)-1]}
	for i := range expiryWindows[:len(expiryWindows)-1] {
		dest = append(dest, &st.expiring[i])
	}
	if err := c.sql.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return st, fmt.Errorf("count expiring certificates: %w", err)
	}
	total, err := db.Job.Query().Count(ctx)
	if err != nil {
		return st, fmt.Errorf("count jobs: %w", err)
	}
	due, err := db.Job.Query().Where(job.RunTimeLTE(now)).Count(ctx)
	if err != nil {
		return st, fmt.Errorf("count due jobs: %w", err)
	}
	st.total, st.due = int64(total), int64(due)
	if due > 0 {
		oldest, err := db.Job.Query().Order(ent.Asc(job.FieldRunTime)).Select(job.FieldRunTime).First(ctx)
		if err != nil {
			return st, fmt.Errorf("oldest due job: %w", err)
		}
		st.oldestDue = max(now.Sub(oldest.RunTime), 0)
	}
	if st.ledger, err = c.readLedger(ctx, now); err != nil {
		return st, err
	}
	return st, nil
}

// StateModuleCount is the number of certificates in one state at one
// processing module (0: none yet).
type StateModuleCount struct {
	State    string `json:"state"`
	ModuleID int64  `json:"processing_module_id"`
	Count    int64  `json:"count"`
}

// CertificatesByStateModule counts the certificates by state and processing
// module (certsvc_certificates), from the (state, processing_module_id)
// index.
func CertificatesByStateModule(ctx context.Context, db *ent.Client) ([]StateModuleCount, error) {
	var groups []StateModuleCount
	if err := db.Certificate.Query().GroupBy(certificate.FieldState, certificate.FieldProcessingModuleID).
		Aggregate(ent.Count()).Scan(ctx, &groups); err != nil {
		return nil, fmt.Errorf("count certificates by state and module: %w", err)
	}
	return groups, nil
}

// readLedger sums the ledger. The ledger is append-only, so entries old
// enough to be committed for good (ledgerSettle) are added to c.settled
// once; only the entries after them are read on every refresh. A process
// that starts sums the whole ledger once.
func (c *Collector) readLedger(ctx context.Context, now time.Time) (ledgerSums, error) {
	if c.settled.in == nil {
		c.settled = ledgerSums{in: map[string]int64{}, out: map[string]int64{}}
	}
	settle, err := c.db.LedgerEntry.Query().Where(ledgerentry.IDGT(c.settled.upTo), ledgerentry.CreateTimeLT(now.Add(-ledgerSettle))).
		Order(ent.Desc(ledgerentry.FieldID)).FirstID(ctx)
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return ledgerSums{}, fmt.Errorf("read the ledger: %w", err)
	default:
		// Summed into a copy: a read that fails half-way adds nothing.
		next := ledgerSums{upTo: c.settled.upTo, in: maps.Clone(c.settled.in), out: maps.Clone(c.settled.out)}
		if err := c.sumLedger(ctx, &next, settle); err != nil {
			return ledgerSums{}, err
		}
		next.upTo = settle
		c.settled = next
	}
	out := ledgerSums{upTo: c.settled.upTo, in: maps.Clone(c.settled.in), out: maps.Clone(c.settled.out)}
	if err := c.sumLedger(ctx, &out, math.MaxInt64); err != nil {
		return ledgerSums{}, err
	}
	return out, nil
}

// sumLedger adds the entries after into.upTo, up to upTo, to into's sums.
func (c *Collector) sumLedger(ctx context.Context, into *ledgerSums, upTo int64) error {
	rows, err := c.sql.QueryContext(ctx, `SELECT currency,
		COALESCE(SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END), 0)
		FROM ledger_entries WHERE id > ? AND id <= ? GROUP BY currency`, into.upTo, upTo)
	if err != nil {
		return fmt.Errorf("sum the ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cur string
		var in, out int64
		if err := rows.Scan(&cur, &in, &out); err != nil {
			return fmt.Errorf("sum the ledger: %w", err)
		}
		into.in[cur] += in
		into.out[cur] += out
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sum the ledger: %w", err)
	}
	return nil
}
