package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the degree of parallelism.
	Threads uint8
}

// DefaultParams are OWASP's argon2id minimum (m=19456 KiB, t=2, p=1).
var DefaultParams = Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}

// TestParams are cheap parameters for tests only (t=1, m=64 KiB, p=1). They
// give no protection against guessing.
var TestParams = Params{Time: 1, MemoryKiB: 64, Threads: 1}

const (
	saltLen = 16 // bytes of salt in a new hash
	keyLen  = 32 // bytes of key in a new hash

	// Limits on what a hash may ask for, so that a tampered or corrupt row
	// cannot make a verification exhaust the machine.
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 100
	// Accepted salt and key sizes when verifying; RFC 9106 asks for at least
	// 8 bytes of salt and 4 of key, and this package makes 16 and 32.
	minSaltLen, maxSaltLen = 8, 64
	minKeyLen, maxKeyLen   = 16, 64

	phcPrefix = "$argon2id$v=19$"
)

// errMalformed is wrapped by every error about a hash string that cannot be
// used. Error texts never quote the hash.
var errMalformed = errors.New("auth: malformed password hash")

// check reports whether p is usable, for a new hash or one being verified.
func (p Params) check() error {
	switch {
	case p.Time < 1:
		return errors.New("time must be at least 1")
	case p.Time > maxTime:
		return fmt.Errorf("time %d exceeds %d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("memory %d KiB exceeds %d KiB", p.MemoryKiB, maxMemoryKiB)
	case p.MemoryKiB < 8*uint32(p.Threads):
		return fmt.Errorf("memory %d KiB is below 8 KiB per thread", p.MemoryKiB)
	}
	return nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	p         Params
	salt, key []byte
}

// String returns the PHC form of h.
func (h phc) String() string {
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, h.p.MemoryKiB, h.p.Time, h.p.Threads,
		base64.RawStdEncoding.EncodeToString(h.salt), base64.RawStdEncoding.EncodeToString(h.key))
}

// parsePHC parses an argon2id PHC string in the canonical form that String
// writes: version 19, parameters in the order m, t, p as plain decimals, salt
// and key in unpadded standard base64. Anything else, and any parameters that
// fail Params.check, is an error wrapping errMalformed.
func parsePHC(s string) (phc, error) {
	fail := func(format string, a ...any) (phc, error) {
		return phc{}, fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, a...))
	}
	parts := strings.SplitN(s, "$", 7)
	if len(parts) != 6 || parts[0] != "" {
		return fail("not of the form %sm=M,t=T,p=P$salt$key", phcPrefix)
	}
	if parts[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if parts[2] != "v=19" {
		return fail("version is not v=19")
	}
	var h phc
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("parameters are not m=M,t=T,p=P")
	}
	for i, f := range []struct {
		name string
		bits int
		set  func(uint64)
	}{
		{"m", 32, func(v uint64) { h.p.MemoryKiB = uint32(v) }},
		{"t", 32, func(v uint64) { h.p.Time = uint32(v) }},
		{"p", 8, func(v uint64) { h.p.Threads = uint8(v) }},
	} {
		digits, ok := strings.CutPrefix(kv[i], f.name+"=")
		if !ok {
			return fail("parameter %d is not %s", i+1, f.name)
		}
		v, ok := parseDecimal(digits, f.bits)
		if !ok {
			return fail("parameter %s is not a decimal of at most %d bits", f.name, f.bits)
		}
		f.set(v)
	}
	if err := h.p.check(); err != nil {
		return fail("%v", err)
	}
	var ok bool
	if h.salt, ok = decodeB64(parts[4], minSaltLen, maxSaltLen); !ok {
		return fail("salt is not %d to %d bytes of unpadded standard base64", minSaltLen, maxSaltLen)
	}
	if h.key, ok = decodeB64(parts[5], minKeyLen, maxKeyLen); !ok {
		return fail("key is not %d to %d bytes of unpadded standard base64", minKeyLen, maxKeyLen)
	}
	return h, nil
}

// parseDecimal parses a non-negative decimal of at most bits bits, without
// sign or leading zeros.
func parseDecimal(s string, bits int) (uint64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, bits)
	return v, err == nil
}

// decodeB64 decodes s, which must be canonical unpadded standard base64 of
// min to max bytes. The decoder alone would skip CR and LF and accept
// non-zero trailing bits, so the result is encoded again and compared.
func decodeB64(s string, minLen, maxLen int) ([]byte, bool) {
	enc := base64.RawStdEncoding
	if len(s) > enc.EncodedLen(maxLen) {
		return nil, false
	}
	b, err := enc.DecodeString(s)
	if err != nil || len(b) < minLen || len(b) > maxLen || enc.EncodeToString(b) != s {
		return nil, false
	}
	return b, true
}

// randomBytes returns n bytes from crypto/rand. Since Go 1.24 rand.Read never
// returns an error: it crashes the program if the system cannot supply
// randomness.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// HashPassword returns a PHC string
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" for password, with a 16-byte
// random salt and a 32-byte key, both in unpadded standard base64. It fails
// only when p is unusable: zero time or threads, time over 100, memory over
// 1 GiB or under 8 KiB per thread.
func HashPassword(password string, p Params) (string, error) {
	if err := p.check(); err != nil {
		return "", fmt.Errorf("auth: argon2id parameters: %w", err)
	}
	h := phc{p: p, salt: randomBytes(saltLen)}
	h.key = argon2.IDKey([]byte(password), h.salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	return h.String(), nil
}

// VerifyPassword reports whether password matches the PHC hash made by
// [HashPassword], comparing keys in constant time. A malformed hash is an
// error, never a panic, and so are absurd parameters in it (memory over
// 1 GiB, time over 100, zero threads), so that a tampered row cannot exhaust
// the machine. A false result with a nil error means a wrong password.
func VerifyPassword(hash, password string) (bool, error) {
	h, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), h.salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

// dummyHash is a well-formed hash with the cost of DefaultParams that no
// password matches: its key is random, not derived.
var dummyHash = sync.OnceValue(func() string {
	return phc{p: DefaultParams, salt: randomBytes(saltLen), key: randomBytes(keyLen)}.String()
})

// DummyVerify burns the time of a real verification of a hash made with
// [DefaultParams], and matches nothing. Call it when a login names no user,
// so that response times do not reveal which logins exist.
func DummyVerify(password string) {
	_, _ = VerifyPassword(dummyHash(), password)
}

// NeedsRehash reports whether hash was made with parameters other than p, so
// that the caller should hash the password again (with [HashPassword]) after a
// successful verification. A hash that cannot be parsed needs rehashing too.
func NeedsRehash(hash string, p Params) bool {
	h, err := parsePHC(hash)
	return err != nil || h.p != p
}
