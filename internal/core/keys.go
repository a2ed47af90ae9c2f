package core

import (
	"crypto"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/secretbox"
)

// SealKey seals a private key PEM for an account; nil seals to "".
func (s *Core) SealKey(accountID int64, keyPEM []byte) (string, error) {
	if keyPEM == nil {
		return "", nil
	}
	return s.Seal(keyPEM, KeyAD(accountID))
}

// Seal encrypts a secret with the master keyring, bound to ad.
func (s *Core) Seal(plain, ad []byte) (string, error) {
	if s.keyring == nil {
		return "", ErrNoKeyring
	}
	blob, err := s.keyring.Seal(plain, ad)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return secretbox.EncodeText(blob), nil
}

// Open decrypts what seal produced.
func (s *Core) Open(text string, ad []byte) ([]byte, error) {
	if s.keyring == nil {
		return nil, ErrNoKeyring
	}
	blob, err := secretbox.DecodeText(text)
	if err != nil {
		return nil, fmt.Errorf("decode sealed text: %w", err)
	}
	return s.keyring.Open(blob, ad)
}

// KeyAD binds a sealed private key to its account, so a key copied to
// another account's row does not open.
func KeyAD(accountID int64) []byte { return fmt.Appendf(nil, "certificate-key/account/%d", accountID) }

// PrivateKey opens the stored private key of c.
func (s *Core) PrivateKey(c *ent.Certificate) (crypto.Signer, error) {
	if c.PrivateKey == "" {
		return nil, errkind.Field(errkind.FailedPrecondition, "type", "certificate %d has no stored private key: the customer keeps it", c.ID)
	}
	pemBytes, err := s.Open(c.PrivateKey, KeyAD(c.AccountID))
	if err != nil {
		return nil, fmt.Errorf("open private key of certificate %d: %w", c.ID, err)
	}
	defer clear(pemBytes)
	return pki.ParsePrivateKeyPEM(pemBytes)
}
