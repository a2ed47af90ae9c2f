package builtin_test

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

func parseChain(t *testing.T, chainPEM string) []*x509.Certificate {
	t.Helper()
	certs, err := pki.ParseCertificates([]byte(chainPEM))
	if err != nil || len(certs) < 2 {
		t.Fatalf("chain: %v (%d certificates)", err, len(certs))
	}
	return certs
}

// TestRevokeAndCRL: the module accepts the revocation of its order's
// certificate only, names the CRL distribution point of crl_base_url in
// what it issues, and signs a CRL listing what it is given.
func TestRevokeAndCRL(t *testing.T) {
	c := config("true", orderTime)
	c.ModuleID = 42
	c.Settings[builtin.SettingCRLBaseURL] = "https://certsvc.example/"
	p, err := builtin.Kind().New(c)
	if err != nil {
		t.Fatal(err)
	}
	r := ok(t)(p.PlaceOrder(t.Context(), order(t, "r-1", "example.com")))
	leaf := verifyIssued(t, r, "example.com")
	if want := "https://certsvc.example/crl/42.crl"; len(leaf.CRLDistributionPoints) != 1 || leaf.CRLDistributionPoints[0] != want {
		t.Errorf("CRL distribution points %v, want [%s]", leaf.CRLDistributionPoints, want)
	}
	rv := p.(provider.Revoker)
	if err := rv.Revoke(t.Context(), r.RemoteRef, "abcdef", localca.ReasonKeyCompromise); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("revoke another serial: %v, want ErrRejected", err)
	}
	if err := rv.Revoke(t.Context(), r.RemoteRef, leaf.SerialNumber.Text(16), 7); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("revoke with reason 7: %v, want ErrRejected", err)
	}
	for range 2 {
		if err := rv.Revoke(t.Context(), r.RemoteRef, strings.ToUpper(leaf.SerialNumber.Text(16)), localca.ReasonKeyCompromise); err != nil {
			t.Errorf("revoke: %v", err)
		}
	}
	pending := ok(t)(newProvider(t, false).PlaceOrder(t.Context(), order(t, "r-2", "example.org")))
	if err := rv.Revoke(t.Context(), pending.RemoteRef, "01", 0); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("revoke an order not issued: %v, want ErrRejected", err)
	}

	der, err := p.(builtin.CRLSigner).SignCRL(orderTime, []localca.Revocation{{Serial: leaf.SerialNumber, RevokedAt: orderTime, Reason: 1}})
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(parseChain(t, r.ChainPEM)[1]); err != nil {
		t.Errorf("the CRL is not signed by the intermediate: %v", err)
	}
	if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(leaf.SerialNumber) != 0 ||
		!crl.NextUpdate.After(orderTime) {
		t.Errorf("CRL entries %v, next update %v", crl.RevokedCertificateEntries, crl.NextUpdate)
	}

	// Without the setting no distribution point is named; a bad URL is refused naming the setting.
	if leaf := verifyIssued(t, ok(t)(newProvider(t, true).PlaceOrder(t.Context(), order(t, "r-3", "example.net"))), "example.net"); len(leaf.CRLDistributionPoints) != 0 {
		t.Errorf("without crl_base_url: distribution points %v", leaf.CRLDistributionPoints)
	}
	for _, bad := range []string{"ftp://certsvc.example", "certsvc.example", "https://certsvc.example/?x=1"} {
		c := config("true", orderTime)
		c.Settings[builtin.SettingCRLBaseURL] = bad
		if _, err := builtin.Kind().New(c); !errors.Is(err, errkind.InvalidArgument) || !strings.Contains(err.Error(), builtin.SettingCRLBaseURL) {
			t.Errorf("crl_base_url %q: %v, want invalid_argument naming the setting", bad, err)
		}
	}
}

// Without crl_base_url the CRL distribution point is under the service's
// public URL (--public-url); the setting, when given, wins.
func TestCRLURLDefaultsToPublicURL(t *testing.T) {
	for _, tt := range []struct{ setting, want string }{
		{"", "https://public.example/crl/7.crl"},
		{"https://crl.example", "https://crl.example/crl/7.crl"},
	} {
		c := config("true", orderTime)
		c.ModuleID, c.PublicURL = 7, "https://public.example/"
		if tt.setting != "" {
			c.Settings[builtin.SettingCRLBaseURL] = tt.setting
		}
		p, err := builtin.Kind().New(c)
		if err != nil {
			t.Fatal(err)
		}
		leaf := verifyIssued(t, ok(t)(p.PlaceOrder(t.Context(), order(t, "p-1", "example.com"))), "example.com")
		if len(leaf.CRLDistributionPoints) != 1 || leaf.CRLDistributionPoints[0] != tt.want {
			t.Errorf("crl_base_url %q: distribution points %v, want [%s]", tt.setting, leaf.CRLDistributionPoints, tt.want)
		}
	}
}
