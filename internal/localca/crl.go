package localca

import (
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// CRLValidity is how long a CRL from CA.CRL is valid: its NextUpdate is
// its ThisUpdate plus CRLValidity.
const CRLValidity = 7 * day

// Revocation reasons (RFC 5280 section 5.3.1) accepted by CA.Revoke. Value
// 7 is unused in RFC 5280 and rejected.
const (
	// ReasonUnspecified gives no reason; the CRL entry then has no reasonCode extension.
	ReasonUnspecified = 0
	// ReasonKeyCompromise means the certificate's private key was compromised.
	ReasonKeyCompromise = 1
	// ReasonCACompromise means a CA key was compromised.
	ReasonCACompromise = 2
	// ReasonAffiliationChanged means the subject's name or other information changed.
	ReasonAffiliationChanged = 3
	// ReasonSuperseded means the certificate was replaced by another.
	ReasonSuperseded = 4
	// ReasonCessationOfOperation means the certificate is no longer needed.
	ReasonCessationOfOperation = 5
	// ReasonCertificateHold means the certificate is temporarily on hold.
	ReasonCertificateHold = 6
	// ReasonRemoveFromCRL takes a held certificate off delta CRLs.
	ReasonRemoveFromCRL = 8
	// ReasonPrivilegeWithdrawn means a privilege in the certificate was withdrawn.
	ReasonPrivilegeWithdrawn = 9
	// ReasonAACompromise means an attribute authority was compromised.
	ReasonAACompromise = 10
)

// Revocation records one revoked certificate.
type Revocation struct {
	// Serial is the serial number of the revoked certificate.
	Serial *big.Int
	// RevokedAt is when the certificate was revoked, in UTC, to the second.
	RevokedAt time.Time
	// Reason is the RFC 5280 reason code, one of the Reason constants.
	// ReasonUnspecified is left out of the CRL entry, as RFC 5280 asks.
	Reason int
}

// validate checks r and returns it normalized: a private copy of Serial and
// RevokedAt in UTC truncated to the second.
func (r Revocation) validate() (Revocation, error) {
	if r.Serial == nil || r.Serial.Sign() <= 0 {
		return r, fmt.Errorf("%w: revoked serial number must be positive", ErrInvalidRequest)
	}
	if r.RevokedAt.IsZero() {
		return r, fmt.Errorf("%w: revocation time of serial %x is missing", ErrInvalidRequest, r.Serial)
	}
	if r.Reason < ReasonUnspecified || r.Reason > ReasonAACompromise || r.Reason == 7 {
		return r, fmt.Errorf("%w: revocation reason %d of serial %x is not an RFC 5280 reason code", ErrInvalidRequest, r.Reason, r.Serial)
	}
	return Revocation{
		Serial:    new(big.Int).Set(r.Serial),
		RevokedAt: r.RevokedAt.UTC().Truncate(time.Second),
		Reason:    r.Reason,
	}, nil
}

// Revoke records that the certificate with the given serial number was
// revoked at the given time for reason (an RFC 5280 reason code, see the
// Reason constants); it is listed by every later CRL. Revoking a serial
// again replaces its earlier entry. The error reports a non-positive
// serial, a zero time or an unknown reason; nothing is recorded then.
//
// Revocations are kept in memory only: persist Revoked and restore it with
// SetRevoked.
func (ca *CA) Revoke(serial *big.Int, at time.Time, reason int) error {
	r, err := Revocation{Serial: serial, RevokedAt: at, Reason: reason}.validate()
	if err != nil {
		return err
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.revoked[r.Serial.Text(16)] = r
	return nil
}

// Revoked returns a copy of the recorded revocations ordered by serial
// number, for the caller to persist.
func (ca *CA) Revoked() []Revocation {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return ca.revokedLocked()
}

func (ca *CA) revokedLocked() []Revocation {
	out := make([]Revocation, 0, len(ca.revoked))
	for _, r := range ca.revoked {
		out = append(out, Revocation{Serial: new(big.Int).Set(r.Serial), RevokedAt: r.RevokedAt, Reason: r.Reason})
	}
	slices.SortFunc(out, func(a, b Revocation) int { return a.Serial.Cmp(b.Serial) })
	return out
}

// SetRevoked replaces all recorded revocations with rs, typically the
// persisted result of Revoked after Load. When a serial appears more than
// once the last entry wins. If any entry is invalid (see Revoke) SetRevoked
// returns an error and changes nothing.
func (ca *CA) SetRevoked(rs []Revocation) error {
	m := make(map[string]Revocation, len(rs))
	for _, r := range rs {
		r, err := r.validate()
		if err != nil {
			return err
		}
		m[r.Serial.Text(16)] = r
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.revoked = m
	return nil
}

// CRL returns a DER-encoded X.509 v2 CRL signed by the intermediate,
// listing every recorded revocation ordered by serial number. Its
// ThisUpdate is now (truncated to the second) and its NextUpdate
// CRLValidity (7 days) later.
//
// The CRL number is now in Unix nanoseconds, or one more than the previous
// CRL's number from this CA value if that is not larger, so it increases
// across restarts as long as the clock does.
func (ca *CA) CRL(now time.Time) ([]byte, error) {
	if now.IsZero() {
		return nil, fmt.Errorf("%w: CRL time is missing", ErrInvalidRequest)
	}
	thisUpdate := now.UTC().Truncate(time.Second)

	ca.mu.Lock()
	revoked := ca.revokedLocked()
	number := big.NewInt(now.UnixNano())
	if number.Sign() <= 0 { // a time before 1970; CRL numbers are positive
		number.SetInt64(1)
	}
	if ca.crlNumber != nil && number.Cmp(ca.crlNumber) <= 0 {
		number.Add(ca.crlNumber, big.NewInt(1))
	}
	ca.crlNumber = number
	ca.mu.Unlock()

	entries := make([]x509.RevocationListEntry, len(revoked))
	for i, r := range revoked {
		entries[i] = x509.RevocationListEntry{SerialNumber: r.Serial, RevocationTime: r.RevokedAt, ReasonCode: r.Reason}
	}
	tmpl := &x509.RevocationList{
		Number:                    new(big.Int).Set(number),
		ThisUpdate:                thisUpdate,
		NextUpdate:                thisUpdate.Add(CRLValidity),
		RevokedCertificateEntries: entries,
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, ca.inter, ca.interKey)
	if err != nil {
		return nil, fmt.Errorf("localca: create CRL: %w", err)
	}
	return der, nil
}
