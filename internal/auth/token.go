package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// NewToken returns a new random secret: prefix followed by 43 characters of
// unpadded base64url encoding 32 bytes from crypto/rand, for example
// NewToken("cs_s_"). The prefix tells kinds of secret apart and is not secret.
func NewToken(prefix string) string {
	return prefix + base64.RawURLEncoding.EncodeToString(randomBytes(tokenBytes))
}

// HashToken returns the lower-case hex SHA-256 of token (64 characters), which
// is what the database stores in place of the token. Tokens from [NewToken]
// have 256 bits of entropy, so a fast unsalted hash is right here: there is
// nothing to guess, and equal tokens must give equal hashes to be looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
