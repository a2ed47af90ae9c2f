package secretbox

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// KeySize is the size in bytes of a master key and of a data key.
const KeySize = 32

// maxIDLen is the longest master key ID; it also fits the one-byte length
// prefix in a blob.
const maxIDLen = 32

// ErrInvalidMasterKey is returned, wrapped with the reason, by
// [ParseMasterKey], [GenerateMasterKey] and [NewKeyring] for a malformed master
// key or key ID. The messages never contain key material.
var ErrInvalidMasterKey = errors.New("secretbox: invalid master key")

// MasterKey is an AES-256 key-encryption key with an ID. The ID is stored in
// every blob sealed under the key, so the right key can be found again after
// rotation. Obtain one with [ParseMasterKey] or [GenerateMasterKey]; a
// MasterKey built as a literal has an all-zero key and is rejected by
// [NewKeyring].
//
// Printing a MasterKey with fmt, under any verb, shows only its ID.
type MasterKey struct {
	ID  string
	key [KeySize]byte
}

// ParseMasterKey parses a master key in the form "<id>:<base64 of 32 bytes>"
// as produced by [GenerateMasterKey]. The ID is 1 to 32 characters of
// [a-z0-9-]; the key is standard padded base64. Surrounding whitespace, such as
// the trailing newline of a secret file, is ignored. Errors wrap
// [ErrInvalidMasterKey], say what is wrong and never echo the input.
func ParseMasterKey(s string) (MasterKey, error) {
	s = strings.TrimSpace(s)
	id, enc, ok := strings.Cut(s, ":")
	if !ok {
		return MasterKey{}, fmt.Errorf(`%w: want "<id>:<base64 key>", found no ':'`, ErrInvalidMasterKey)
	}
	if err := checkID(id); err != nil {
		return MasterKey{}, err
	}
	// Decode into a buffer large enough for any input so an over-long key is
	// reported by length rather than as a buffer error.
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(enc)))
	defer clear(buf)
	n, err := base64.StdEncoding.Decode(buf, []byte(enc))
	if err != nil {
		// CorruptInputError carries only an offset, never the data.
		return MasterKey{}, fmt.Errorf("%w: key %q: key is not valid standard base64: %v", ErrInvalidMasterKey, id, err)
	}
	if n != KeySize {
		return MasterKey{}, fmt.Errorf("%w: key %q: key decodes to %d bytes, want %d", ErrInvalidMasterKey, id, n, KeySize)
	}
	k := MasterKey{ID: id}
	copy(k.key[:], buf[:n])
	if k.isZero() {
		return MasterKey{}, fmt.Errorf("%w: key %q: key is all zero bytes (a placeholder?)", ErrInvalidMasterKey, id)
	}
	return k, nil
}

// GenerateMasterKey returns a new random master key with the given ID and its
// encoded form "<id>:<base64 key>", which [ParseMasterKey] reads. The encoded
// form is the secret to put in configuration.
func GenerateMasterKey(id string) (MasterKey, string, error) {
	if err := checkID(id); err != nil {
		return MasterKey{}, "", err
	}
	k := MasterKey{ID: id}
	if _, err := rand.Read(k.key[:]); err != nil {
		return MasterKey{}, "", fmt.Errorf("secretbox: generating master key: %w", err)
	}
	return k, id + ":" + base64.StdEncoding.EncodeToString(k.key[:]), nil
}

// String returns "masterkey(<id>)"; it never includes key material.
func (k MasterKey) String() string { return "masterkey(" + k.ID + ")" }

// GoString returns the same as [MasterKey.String], so %#v leaks nothing.
func (k MasterKey) GoString() string { return k.String() }

// Format implements [fmt.Formatter] so that every verb (%v, %+v, %#v, %s, %q,
// %x, …) prints only [MasterKey.String], quoted for %q.
func (k MasterKey) Format(f fmt.State, verb rune) {
	s := k.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

func (k *MasterKey) isZero() bool { return k.key == [KeySize]byte{} }

// checkID reports whether id is 1 to maxIDLen characters of [a-z0-9-]. The
// error describes the problem without echoing id, since a malformed config
// value may be key material pasted in the wrong place.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: key id is empty", ErrInvalidMasterKey)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: key id is %d bytes long, want at most %d", ErrInvalidMasterKey, len(id), maxIDLen)
	}
	for i := 0; i < len(id); i++ {
		if !idByte(id[i]) {
			return fmt.Errorf("%w: key id has a character outside [a-z0-9-] at byte %d", ErrInvalidMasterKey, i)
		}
	}
	return nil
}

func idByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}
