package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/errkind"

	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// MySQL server error numbers certsvc reacts to.
const (
	mysqlDupEntry         = 1062
	mysqlRowIsReferenced  = 1451
	mysqlNoReferencedRow  = 1452
	mysqlLockWaitTimeout  = 1205
	mysqlDeadlock         = 1213
	mysqlRowIsReferenced2 = 1217
	mysqlNoReferencedRow2 = 1216
	// ER_UNKNOWN_COM_ERROR, which Galera answers with "WSREP has not yet
	// prepared node for application use" while the node is not synced.
	mysqlUnknownCom = 1047
)

// Translate gives a database error its kind: a missing row is NotFound, a
// duplicate key AlreadyExists, a broken reference FailedPrecondition, a value
// ent refused InvalidArgument, a lost or refused connection to the database
// Unavailable (so clients retry). Other errors are returned unchanged. The
// driver's text stays in the cause, which is logged but never sent.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	var kind error
	msg, field := "", ""
	var ve *ent.ValidationError
	switch {
	case ent.IsNotFound(err):
		kind, msg = errkind.NotFound, "not found"
	case errors.As(err, &ve):
		kind, msg, field = errkind.InvalidArgument, "invalid value", ve.Name
	case isDuplicate(err):
		kind, msg = errkind.AlreadyExists, "already exists"
	case isForeignKey(err):
		kind, msg = errkind.FailedPrecondition, "still referenced, or refers to a missing object"
	case isUnavailable(err):
		kind, msg = errkind.Unavailable, "the database is unavailable; try again later"
	default:
		return err
	}
	return &errkind.Error{Kind: kind, Field: field, Msg: msg, Cause: err}
}

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool { return isDuplicate(err) }

func isDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == mysqlDupEntry
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func isForeignKey(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case mysqlRowIsReferenced, mysqlNoReferencedRow, mysqlRowIsReferenced2, mysqlNoReferencedRow2:
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// IsRetryable reports whether the whole transaction may simply be run again:
// a deadlock, a lock wait timeout, a Galera certification failure (which
// MariaDB reports as a deadlock, at the commit or at the next statement of a
// transaction another node's write aborted), or a Galera node that is not
// ready for queries yet (it is joining or lost its quorum for a moment).
// Nothing of such a transaction was committed.
func IsRetryable(err error) bool { return isRetryable(err) }

func isRetryable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case mysqlDeadlock, mysqlLockWaitTimeout:
			return true
		case mysqlUnknownCom:
			return strings.Contains(me.Message, "WSREP")
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// MySQL client and server error numbers of a lost or refused connection.
const (
	mysqlServerGone   = 2006 // CR_SERVER_GONE_ERROR
	mysqlServerLost   = 2013 // CR_SERVER_LOST
	mysqlShutdown     = 1053 // ER_SERVER_SHUTDOWN
	mysqlConnCount    = 1040 // ER_CON_COUNT_ERROR
	mysqlConnKilled   = 1927 // ER_CONNECTION_KILLED (MariaDB)
	mysqlQueryKilled  = 1317 // ER_QUERY_INTERRUPTED
	mysqlReadOnlyNode = 1290 // ER_OPTION_PREVENTS_STATEMENT (a read-only replica)
)

// isUnavailable reports whether err means the database cannot be reached or
// served the request no answer: the connection was refused, lost, timed out
// or closed, the server is shutting down, or SQLite stayed busy past its
// timeout. Such a request may succeed when retried later.
func isUnavailable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case mysqlServerGone, mysqlServerLost, mysqlShutdown, mysqlConnCount, mysqlConnKilled, mysqlQueryKilled, mysqlReadOnlyNode:
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED
	}
	var ne net.Error
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ne):
		return true
	}
	// database/sql does not export the error of a closed *sql.DB.
	return strings.Contains(err.Error(), "sql: database is closed")
}
