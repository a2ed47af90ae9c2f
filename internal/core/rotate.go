package core

import (
	"context"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/ent/webhookendpoint"
	"github.com/certsvc/certsvc/internal/secretbox"
)

// RewrapResult counts what RewrapSecrets re-sealed.
type RewrapResult struct {
	PrivateKeys int // private keys of certificates, pending reissue keys included
	Modules     int // credential sets of processing modules
	Webhooks    int // signing secrets of webhook endpoints, previous ones included
}

// WebhookSecretAD binds a webhook endpoint's sealed signing secret to its account.
func WebhookSecretAD(accountID int64) []byte { return fmt.Appendf(nil, "webhook-secret/%d", accountID) }

// RewrapSecrets re-seals every private key and module credential that is not
// sealed under the keyring's primary master key (key rotation: configure the
// new key as primary and the old one as retired, run this, then drop the
// old key). Each row is rewritten in its own short transaction; running it
// again after an interruption finishes the job.
func (s *Core) RewrapSecrets(ctx context.Context) (RewrapResult, error) {
	var res RewrapResult
	if s.keyring == nil {
		return res, ErrNoKeyring
	}
	rewrap := func(text string, ad []byte) (string, bool, error) {
		if text == "" {
			return "", false, nil
		}
		blob, err := secretbox.DecodeText(text)
		if err != nil {
			return "", false, err
		}
		if !s.keyring.NeedsRewrap(blob) {
			return text, false, nil
		}
		nb, err := s.keyring.Rewrap(blob, ad)
		if err != nil {
			return "", false, err
		}
		return secretbox.EncodeText(nb), true, nil
	}
	var after int64
	for {
		certs, err := s.db.Certificate.Query().Where(certificate.IDGT(after)).
			Where(certificate.Or(certificate.PrivateKeyNEQ(""), certificate.NextPrivateKeyNEQ(""))).
			Order(ent.Asc(certificate.FieldID)).Limit(500).IDs(ctx)
		if err != nil {
			return res, fmt.Errorf("list certificates: %w", err)
		}
		if len(certs) == 0 {
			break
		}
		for _, id := range certs {
			n, err := InTxValue(ctx, s, func(tx *Tx) (int, error) {
				c, err := tx.LockCert(ctx, id)
				if err != nil {
					return 0, err
				}
				key, k1, err := rewrap(c.PrivateKey, KeyAD(c.AccountID))
				if err != nil {
					return 0, fmt.Errorf("certificate %d: %w", id, err)
				}
				next, k2, err := rewrap(c.NextPrivateKey, KeyAD(c.AccountID))
				if err != nil {
					return 0, fmt.Errorf("certificate %d: %w", id, err)
				}
				if !k1 && !k2 {
					return 0, nil
				}
				u := tx.Certificate.UpdateOne(c).SetPrivateKey(key)
				if c.NextPrivateKey != "" {
					u.SetNextPrivateKey(next)
				}
				// Without ent's read back (see saveCertOnly); update_time
				// takes its update default, as it did.
				_, err = tx.saveCertOnly(ctx, c, u)
				return btoi(k1) + btoi(k2), err
			})
			if err != nil {
				return res, err
			}
			res.PrivateKeys += n
		}
		after = certs[len(certs)-1]
	}
	mods, err := s.db.ProcessingModule.Query().All(ctx)
	if err != nil {
		return res, fmt.Errorf("list modules: %w", err)
	}
	for _, m := range mods {
		text, changed, err := rewrap(m.Credentials, CredentialsAD(m.ID))
		if err != nil {
			return res, fmt.Errorf("module %d: %w", m.ID, err)
		}
		if changed {
			// The update time stays: it keys the provider cache, and the
			// credentials themselves did not change. Only where the
			// credentials and the update time are still the ones read (an
			// Update with no read back): a change of the module meanwhile
			// wins, and is not turned back by this write; the next run
			// re-seals what it sealed under the old key.
			n, err := s.db.ProcessingModule.Update().Where(processingmodule.ID(m.ID),
				processingmodule.Credentials(m.Credentials), processingmodule.UpdateTime(m.UpdateTime)).
				SetCredentials(text).SetUpdateTime(m.UpdateTime).Save(ctx)
			if err != nil {
				return res, fmt.Errorf("module %d: %w", m.ID, err)
			}
			res.Modules += n
		}
	}
	eps, err := s.db.WebhookEndpoint.Query().All(ctx)
	if err != nil {
		return res, fmt.Errorf("list webhook endpoints: %w", err)
	}
	for _, ep := range eps {
		cur, k1, err := rewrap(ep.Secret, WebhookSecretAD(ep.AccountID))
		if err != nil {
			return res, fmt.Errorf("webhook endpoint %d: %w", ep.ID, err)
		}
		prev, k2, err := rewrap(ep.PreviousSecret, WebhookSecretAD(ep.AccountID))
		if err != nil {
			return res, fmt.Errorf("webhook endpoint %d: %w", ep.ID, err)
		}
		if !k1 && !k2 {
			continue
		}
		// Only where the secrets are still the ones read: a rotation
		// meanwhile wins.
		n, err := s.db.WebhookEndpoint.Update().Where(webhookendpoint.ID(ep.ID), webhookendpoint.Secret(ep.Secret),
			webhookendpoint.PreviousSecret(ep.PreviousSecret)).SetSecret(cur).SetPreviousSecret(prev).Save(ctx)
		if err != nil {
			return res, fmt.Errorf("webhook endpoint %d: %w", ep.ID, err)
		}
		res.Webhooks += n * (btoi(k1) + btoi(k2))
	}
	return res, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
