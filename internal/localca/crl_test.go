package localca_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
)

func TestCRL(t *testing.T) {
	ca := newCA(t)
	june := utc(2026, time.June, 1, 0, 0, 0)
	issue := func() *x509.Certificate {
		c, err := ca.Issue(localca.IssueRequest{
			CSR:        newCSR(t, ecKey(), "www.example.com"),
			Names:      []string{"www.example.com"},
			NotBefore:  june,
			NotAfter:   june.AddDate(0, 3, 0),
			Validation: localca.ValidationDV,
		})
		if err != nil {
			t.Fatalf("Issue: %v", err)
		}
		return c
	}
	compromised, superseded, unspecified, kept := issue(), issue(), issue(), issue()
	revokedAt := june.Add(36*time.Hour + 500*time.Millisecond)
	for _, r := range []struct {
		c      *x509.Certificate
		reason int
	}{
		{compromised, localca.ReasonSuperseded}, // replaced below
		{compromised, localca.ReasonKeyCompromise},
		{superseded, localca.ReasonSuperseded},
		{unspecified, localca.ReasonUnspecified},
	} {
		if err := ca.Revoke(r.c.SerialNumber, revokedAt, r.reason); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
	}

	now := june.Add(48*time.Hour + 250*time.Millisecond)
	der, err := ca.CRL(now)
	if err != nil {
		t.Fatalf("CRL: %v", err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatalf("ParseRevocationList: %v", err)
	}
	if err := crl.CheckSignatureFrom(ca.Intermediate()); err != nil {
		t.Fatalf("CRL is not signed by the intermediate: %v", err)
	}
	if err := crl.CheckSignatureFrom(ca.Root()); err == nil {
		t.Error("CRL signature checks out against the root too")
	}
	if !bytes.Equal(crl.RawIssuer, ca.Intermediate().RawSubject) {
		t.Error("CRL issuer is not the intermediate")
	}
	if !bytes.Equal(crl.AuthorityKeyId, ca.Intermediate().SubjectKeyId) {
		t.Error("CRL AuthorityKeyId is not the intermediate's SubjectKeyId")
	}
	thisUpdate := now.Truncate(time.Second)
	if !crl.ThisUpdate.Equal(thisUpdate) || !crl.NextUpdate.Equal(thisUpdate.Add(7*day)) {
		t.Errorf("CRL validity = %s..%s, want %s..+7 days", crl.ThisUpdate, crl.NextUpdate, thisUpdate)
	}
	if crl.Number == nil || crl.Number.Sign() <= 0 {
		t.Errorf("CRL number = %v, want positive", crl.Number)
	}

	got := map[string]x509.RevocationListEntry{}
	for _, e := range crl.RevokedCertificateEntries {
		got[e.SerialNumber.String()] = e
	}
	if len(got) != 3 {
		t.Errorf("CRL lists %d serials, want 3", len(got))
	}
	tests := []struct {
		name   string
		serial *big.Int
		listed bool
		reason int
	}{
		{"ok/key compromise replaces the earlier reason", compromised.SerialNumber, true, localca.ReasonKeyCompromise},
		{"ok/superseded", superseded.SerialNumber, true, localca.ReasonSuperseded},
		{"ok/unspecified", unspecified.SerialNumber, true, localca.ReasonUnspecified},
		{"ok/not revoked", kept.SerialNumber, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := got[tt.serial.String()]
			if ok != tt.listed {
				t.Fatalf("serial %x listed = %v, want %v", tt.serial, ok, tt.listed)
			}
			if !ok {
				return
			}
			if e.ReasonCode != tt.reason {
				t.Errorf("reason = %d, want %d", e.ReasonCode, tt.reason)
			}
			if !e.RevocationTime.Equal(revokedAt.Truncate(time.Second)) {
				t.Errorf("revocation time = %s, want %s", e.RevocationTime, revokedAt.Truncate(time.Second))
			}
			hasReasonExt := false
			for _, ext := range e.Extensions {
				if ext.Id.String() == "2.5.29.21" {
					hasReasonExt = true
				}
			}
			if want := tt.reason != localca.ReasonUnspecified; hasReasonExt != want {
				t.Errorf("reasonCode extension present = %v, want %v", hasReasonExt, want)
			}
		})
	}

	// A second CRL at the same instant still gets a larger number.
	der2, err := ca.CRL(now)
	if err != nil {
		t.Fatalf("second CRL: %v", err)
	}
	crl2, err := x509.ParseRevocationList(der2)
	if err != nil {
		t.Fatalf("parse second CRL: %v", err)
	}
	if crl2.Number.Cmp(crl.Number) <= 0 {
		t.Errorf("second CRL number %v is not above the first %v", crl2.Number, crl.Number)
	}
}

func TestCRLEmpty(t *testing.T) {
	ca := newCA(t)
	der, err := ca.CRL(utc(2026, time.June, 1, 0, 0, 0))
	if err != nil {
		t.Fatalf("CRL: %v", err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatalf("ParseRevocationList: %v", err)
	}
	if err := crl.CheckSignatureFrom(ca.Intermediate()); err != nil {
		t.Errorf("CRL is not signed by the intermediate: %v", err)
	}
	if len(crl.RevokedCertificateEntries) != 0 {
		t.Errorf("empty CRL lists %d serials", len(crl.RevokedCertificateEntries))
	}
	if _, err := ca.CRL(time.Time{}); err == nil || !errors.Is(err, localca.ErrInvalidRequest) {
		t.Errorf("CRL(zero time) error = %v, want ErrInvalidRequest", err)
	}
}

func TestRevokeErrors(t *testing.T) {
	at := utc(2026, time.June, 1, 0, 0, 0)
	tests := []struct {
		name    string
		serial  *big.Int
		at      time.Time
		reason  int
		wantErr string
	}{
		{"ok/cessation of operation", big.NewInt(42), at, localca.ReasonCessationOfOperation, ""},
		{"ok/AA compromise", big.NewInt(42), at, localca.ReasonAACompromise, ""},
		{"error/nil serial", nil, at, 0, "serial number must be positive"},
		{"error/zero serial", big.NewInt(0), at, 0, "serial number must be positive"},
		{"error/negative serial", big.NewInt(-5), at, 0, "serial number must be positive"},
		{"error/zero time", big.NewInt(42), time.Time{}, 0, "revocation time of serial 2a is missing"},
		{"error/reason 7", big.NewInt(42), at, 7, "revocation reason 7"},
		{"error/reason 11", big.NewInt(42), at, 11, "revocation reason 11"},
		{"error/negative reason", big.NewInt(42), at, -1, "revocation reason -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca := newCA(t)
			err := ca.Revoke(tt.serial, tt.at, tt.reason)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Revoke: %v", err)
				}
				if got := ca.Revoked(); len(got) != 1 || got[0].Serial.Cmp(tt.serial) != 0 || got[0].Reason != tt.reason {
					t.Fatalf("Revoked() = %v, want the one revocation", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, localca.ErrInvalidRequest) {
				t.Fatalf("Revoke error = %v, want ErrInvalidRequest containing %q", err, tt.wantErr)
			}
			if got := ca.Revoked(); len(got) != 0 {
				t.Errorf("a rejected revocation was recorded: %v", got)
			}
		})
	}
}

func TestRevokedPersistence(t *testing.T) {
	ca := newCA(t)
	at := utc(2026, time.June, 1, 0, 0, 0)
	serial := big.NewInt(1000)
	for _, s := range []*big.Int{big.NewInt(3000), serial, big.NewInt(2000)} {
		if err := ca.Revoke(s, at.Add(time.Duration(s.Int64())*time.Second), localca.ReasonSuperseded); err != nil {
			t.Fatal(err)
		}
	}
	saved := ca.Revoked()
	if len(saved) != 3 || saved[0].Serial.Int64() != 1000 || saved[2].Serial.Int64() != 3000 {
		t.Fatalf("Revoked() = %v, want three entries ordered by serial", saved)
	}
	saved[0].Serial.SetInt64(1) // the copy is the caller's own
	if ca.Revoked()[0].Serial.Int64() != 1000 {
		t.Fatal("modifying Revoked() output changed the CA")
	}
	saved = ca.Revoked()
	serial.SetInt64(5) // nor did Revoke keep the caller's *big.Int
	if ca.Revoked()[0].Serial.Int64() != 1000 {
		t.Fatal("Revoke kept the caller's serial")
	}

	certsPEM, keysPEM, err := ca.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		set     []localca.Revocation
		want    []int64 // serials after SetRevoked
		reason  int     // reason of the first entry after SetRevoked
		wantErr string
	}{
		{"ok/restore", saved, []int64{1000, 2000, 3000}, localca.ReasonSuperseded, ""},
		{"ok/duplicate serial, last wins", []localca.Revocation{
			{Serial: big.NewInt(7), RevokedAt: at, Reason: localca.ReasonSuperseded},
			{Serial: big.NewInt(7), RevokedAt: at, Reason: localca.ReasonKeyCompromise},
		}, []int64{7}, localca.ReasonKeyCompromise, ""},
		{"ok/empty clears", nil, nil, 0, ""},
		{"error/invalid entry changes nothing", []localca.Revocation{
			{Serial: big.NewInt(7), RevokedAt: at},
			{Serial: big.NewInt(8), RevokedAt: at, Reason: 7},
		}, []int64{1000, 2000, 3000}, localca.ReasonSuperseded, "revocation reason 7 of serial 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loaded, err := localca.Load(certsPEM, keysPEM)
			if err != nil {
				t.Fatal(err)
			}
			if err := loaded.SetRevoked(saved); err != nil {
				t.Fatal(err)
			}
			err = loaded.SetRevoked(tt.set)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SetRevoked error = %v, want one containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("SetRevoked: %v", err)
			}
			got := loaded.Revoked()
			var gotSerials []int64
			for _, r := range got {
				gotSerials = append(gotSerials, r.Serial.Int64())
			}
			if len(gotSerials) != len(tt.want) {
				t.Fatalf("serials after SetRevoked = %v, want %v", gotSerials, tt.want)
			}
			for i := range tt.want {
				if gotSerials[i] != tt.want[i] {
					t.Fatalf("serials after SetRevoked = %v, want %v", gotSerials, tt.want)
				}
			}
			if len(got) > 0 && got[0].Reason != tt.reason {
				t.Errorf("first entry's reason = %d, want %d", got[0].Reason, tt.reason)
			}
			// The loaded CA's CRL lists what was restored.
			der, err := loaded.CRL(at.Add(day))
			if err != nil {
				t.Fatal(err)
			}
			crl, err := x509.ParseRevocationList(der)
			if err != nil {
				t.Fatal(err)
			}
			if len(crl.RevokedCertificateEntries) != len(tt.want) {
				t.Errorf("CRL lists %d serials, want %d", len(crl.RevokedCertificateEntries), len(tt.want))
			}
		})
	}
}
