// Package store opens the database behind certsvc, applies its versioned
// migrations, runs transactions and translates driver errors into error kinds.
// It is the only package that knows which SQL driver is in use.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/certsvc/certsvc/ent"
	// The runtime registers the schema hooks (the append-only ledger).
	_ "github.com/certsvc/certsvc/ent/runtime"

	"entgo.io/ent/dialect"
	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open database.
type DB struct {
	Ent     *ent.Client
	SQL     *sql.DB
	Dialect string // dialect.MySQL or dialect.SQLite
	// Where says which database this is, with no password, for logs.
	Where string

	catalog *catalogVersion
}

// Close closes the database.
func (db *DB) Close() error { return db.Ent.Close() }

// Options say which database to open.
type Options struct {
	// URL selects MySQL/MariaDB: "mysql://user:pass@host:3306/db?param=value" or a
	// go-sql-driver DSN "user:pass@tcp(host:3306)/db". Empty selects SQLite in DataDir.
	URL string
	// DataDir holds the SQLite database file certsvc.db; created when missing.
	DataDir string
	// MaxOpenConns bounds the MySQL connection pool; 0 means 32.
	MaxOpenConns int
}

// Open opens the database the options select. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	var (
		db  *sql.DB
		dia string
		err error
	)
	var where string
	if opts.URL == "" || strings.HasPrefix(opts.URL, "sqlite:") || strings.HasPrefix(opts.URL, "file:") {
		db, where, err = openSQLite(opts)
		dia = dialect.SQLite
	} else {
		db, where, err = openMySQL(opts)
		dia = dialect.MySQL
	}
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", where, err)
	}
	client, catalog := newEntClient(ent.Driver(entsql.OpenDB(dia, db)))
	return &DB{Ent: client, SQL: db, Dialect: dia, Where: where, catalog: catalog}, nil
}

func openSQLite(opts Options) (*sql.DB, string, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(opts.URL, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		dir := opts.DataDir
		if dir == "" {
			dir = "data"
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, "", fmt.Errorf("create data directory: %w", err)
		}
		path = filepath.Join(dir, "certsvc.db")
	}
	// WAL lets readers run beside the writer; _txlock=immediate takes the write
	// lock when a transaction begins, so read-modify-write transactions
	// serialise instead of failing half-way with SQLITE_BUSY.
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	if path == ":memory:" || strings.HasPrefix(path, "/memory/") {
		return nil, "", errors.New("database url: in-memory SQLite is not supported; give a file path")
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, "", fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	return db, "sqlite:" + path, nil
}

func openMySQL(opts Options) (*sql.DB, string, error) {
	cfg, err := ParseMySQLURL(opts.URL)
	if err != nil {
		return nil, "", err
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("database url: %w", err)
	}
	db := sql.OpenDB(conn)
	n := opts.MaxOpenConns
	if n <= 0 {
		n = 32
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(5 * time.Minute)
	db.SetConnMaxIdleTime(time.Minute)
	return db, fmt.Sprintf("mysql:%s@%s/%s", cfg.User, cfg.Addr, cfg.DBName), nil
}

// ParseMySQLURL reads a mysql:// URL or a go-sql-driver DSN and sets what
// certsvc relies on: parseTime, UTC and utf8mb4.
func ParseMySQLURL(s string) (*mysql.Config, error) {
	dsn := s
	for _, scheme := range []string{"mysql://", "mariadb://"} {
		if strings.HasPrefix(s, scheme) {
			u, err := url.Parse(s)
			if err != nil {
				return nil, fmt.Errorf("database url: %w", redact(err))
			}
			cfg := mysql.NewConfig()
			cfg.User = u.User.Username()
			cfg.Passwd, _ = u.User.Password()
			cfg.Net = "tcp"
			cfg.Addr = u.Host
			if u.Port() == "" {
				cfg.Addr = u.Host + ":3306"
			}
			cfg.DBName = strings.TrimPrefix(u.Path, "/")
			dsn = cfg.FormatDSN()
			if u.RawQuery != "" {
				dsn += "?" + u.RawQuery
			}
			break
		}
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, errors.New("database url: not a mysql:// URL or a MySQL DSN")
	}
	if cfg.DBName == "" {
		return nil, errors.New("database url: no database name")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	// Arguments are escaped by the driver (safe with utf8mb4): one round
	// trip per statement instead of prepare, execute and close.
	cfg.InterpolateParams = true
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if !strings.HasPrefix(cfg.Collation, "utf8mb4") {
		cfg.Collation = "utf8mb4_general_ci"
	}
	// Sessions run in UTC so NOW() and stored DATETIMEs agree.
	cfg.Params["time_zone"] = "'+00:00'"
	return cfg, nil
}

// redact drops the password from a URL parse error.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New(ue.Err.Error())
	}
	return err
}
