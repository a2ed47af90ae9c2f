package store

import (
	"errors"

	"certsvc/ent"
	"certsvc/internal/errkind"

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
)

// Translate gives a database error its kind: a missing row is NotFound, a
// duplicate key AlreadyExists, a broken reference FailedPrecondition, a value
// ent refused InvalidArgument. Other errors are returned unchanged. The
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

// isRetryable reports whether the whole transaction may simply be run again.
func isRetryable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == mysqlDeadlock || me.Number == mysqlLockWaitTimeout
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}
