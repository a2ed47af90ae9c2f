package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"entgo.io/ent/dialect"

	"github.com/certsvc/certsvc/internal/config"
	"github.com/certsvc/certsvc/internal/secretbox"
)

// loadKeyring builds the master keyring from CERTSVC_MASTER_KEY or the key
// file, plus the retired keys. On the embedded database a missing key file
// at the default place is created, so certsvc runs with no set-up; on MySQL
// replicas share the database and must share the key, so it must be given.
func loadKeyring(cfg *config.Config, dia string, log *slog.Logger) (*secretbox.Keyring, error) {
	text := cfg.MasterKey
	if text == "" {
		path := cfg.MasterKeyFile
		if path == "" {
			path = filepath.Join(cfg.DataDir, "master.key")
		}
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && cfg.MasterKeyFile == "" && dia == dialect.SQLite:
			_, enc, gerr := secretbox.GenerateMasterKey("k1")
			if gerr != nil {
				return nil, gerr
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return nil, fmt.Errorf("master key: %w", err)
			}
			if err := os.WriteFile(path, []byte(enc+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("master key: %w", err)
			}
			log.Warn("created a master key for private keys at rest; back it up with the database", "file", path)
			b = []byte(enc)
		case errors.Is(err, fs.ErrNotExist) && cfg.MasterKeyFile == "":
			// Accounts, users and the catalogue work without one; storing
			// and reading private keys is refused until one is configured.
			log.Warn("no master key: private keys cannot be stored; set CERTSVC_MASTER_KEY or --master-key-file " +
				"(make one with `certsvc admin master-key`), the same in every replica")
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("master key: %w", err)
		}
		text = string(b)
	}
	primary, err := secretbox.ParseMasterKey(text)
	if err != nil {
		return nil, err
	}
	var old []secretbox.MasterKey
	for _, o := range cfg.OldMasterKeys {
		k, err := secretbox.ParseMasterKey(o)
		if err != nil {
			return nil, fmt.Errorf("CERTSVC_OLD_MASTER_KEYS: %w", err)
		}
		old = append(old, k)
	}
	return secretbox.NewKeyring(primary, old...)
}
