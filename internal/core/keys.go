package core


// sealKey seals a private key PEM for an account; nil seals to "".
func (s *Service) sealKey(accountID int64, keyPEM []byte) (string, error) {
	if keyPEM == nil {
		return "", nil
	}
	return s.seal(keyPEM, keyAD(accountID))
}



// seal encrypts a secret with the master keyring, bound to ad.
func (s *Service) seal(plain, ad []byte) (string, error) {
	if s.keyring == nil {
		return "", errNoKeyring
	}
	blob, err := s.keyring.Seal(plain, ad)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return secretbox.EncodeText(blob), nil
}


// open decrypts what seal produced.
func (s *Service) open(text string, ad []byte) ([]byte, error) {
	if s.keyring == nil {
		return nil, errNoKeyring
	}
	blob, err := secretbox.DecodeText(text)
	if err != nil {
		return nil, fmt.Errorf("decode sealed text: %w", err)
	}
	return s.keyring.Open(blob, ad)
}


// keyAD binds a sealed private key to its account, so a key copied to
// another account's row does not open.
func keyAD(accountID int64) []byte { return fmt.Appendf(nil, "certificate-key/account/%d", accountID) }



// privateKey opens the stored private key of c.
func (s *Service) privateKey(c *ent.Certificate) (crypto.Signer, error) {
	if c.PrivateKey == "" {
		return nil, errkind.Field(errkind.FailedPrecondition, "type", "certificate %d has no stored private key: the customer keeps it", c.ID)
	}
	pemBytes, err := s.open(c.PrivateKey, keyAD(c.AccountID))
	if err != nil {
		return nil, fmt.Errorf("open private key of certificate %d: %w", c.ID, err)
	}
	defer clear(pemBytes)
	return pki.ParsePrivateKeyPEM(pemBytes)
}


