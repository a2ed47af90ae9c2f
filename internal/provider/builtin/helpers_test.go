package builtin_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

var (
	// caCreated is when the test CA is created; its intermediate expires
	// five years later.
	caCreated = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	// orderTime is when orders are placed: certificates then get at most
	// 200 days.
	orderTime = time.Date(2026, time.June, 1, 12, 30, 15, 0, time.UTC)
)

const maxDays2026 = 200 * 24 * time.Hour

// baseConfig is a module prepared once for all tests, without auto_approve.
var baseConfig = sync.OnceValue(func() provider.Config {
	c, err := builtin.Prepare(context.Background(), provider.Config{
		Name:     "local",
		Settings: map[string]string{builtin.SettingCAName: "Certsvc Test"},
		Now:      func() time.Time { return caCreated },
	})
	if err != nil {
		panic(err)
	}
	return c
})

// config returns a copy of baseConfig with auto_approve set to auto and the
// clock stopped at now.
func config(auto string, now time.Time) provider.Config {
	c := baseConfig()
	c.Settings = maps.Clone(c.Settings)
	c.Secrets = maps.Clone(c.Secrets)
	c.Settings[builtin.SettingAutoApprove] = auto
	c.Now = func() time.Time { return now }
	return c
}

// testProvider is the provider with its capabilities.
type testProvider interface {
	provider.Provider
	provider.DCVController
	provider.Reissuer
	provider.Renewer
	provider.RepeatSafe
}

// newProvider builds a provider on baseConfig's CA, issuing at orderTime.
func newProvider(t testing.TB, auto bool) testProvider {
	t.Helper()
	return newProviderAt(t, auto, orderTime)
}

func newProviderAt(t testing.TB, auto bool, now time.Time) testProvider {
	t.Helper()
	p, err := builtin.Kind().New(config(fmt.Sprint(auto), now))
	checkNoSecrets(t, err)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tp, ok := p.(testProvider)
	if !ok {
		t.Fatalf("the provider %T lacks a capability", p)
	}
	return tp
}

// secretLines are the lines of every secret of the test modules that must
// never show in an answer.
var (
	secretsMu   sync.Mutex
	secretLines = map[string]bool{}
)

// addSecrets records the secrets of c: the lines of its secrets that its
// settings do not show. A private key's PEM ends with lines of its public
// key alone, and now and then one of them is also a line of the CA
// certificate's PEM (the same bytes at the same offset), which every answer
// carries in its chain: about one CA in 600.
func addSecrets(c provider.Config) {
	public := slices.Collect(maps.Values(c.Settings))
	shown := func(l string) bool {
		return slices.ContainsFunc(public, func(p string) bool { return strings.Contains(p, l) })
	}
	secretsMu.Lock()
	defer secretsMu.Unlock()
	for _, v := range c.Secrets {
		for l := range strings.Lines(v) {
			if l = strings.TrimSpace(l); len(l) >= 16 && !strings.HasPrefix(l, "-----") && !shown(l) {
				secretLines[l] = true
			}
		}
	}
}

func init() { addSecrets(baseConfig()) }

// checkNoSecrets fails the test when any of vs, formatted, holds a line of
// a secret. A Remote is checked with its State.
func checkNoSecrets(t testing.TB, vs ...any) {
	t.Helper()
	secretsMu.Lock()
	defer secretsMu.Unlock()
	for _, v := range vs {
		var s string
		switch v := v.(type) {
		case nil:
			continue
		case error:
			s = v.Error()
		case provider.Remote:
			s = fmt.Sprintf("%+v %s", v, v.RemoteRef.State)
		default:
			s = fmt.Sprintf("%+v", v)
		}
		for l := range secretLines {
			if strings.Contains(s, l) {
				t.Fatalf("a secret shows in %T: %.200s", v, s)
			}
		}
	}
}

// ok returns a function that fails the test on err and returns r, after
// checking neither holds a secret: ok(t)(p.Sync(ctx, ref)).
func ok(t testing.TB) func(r provider.Remote, err error) provider.Remote {
	return func(r provider.Remote, err error) provider.Remote {
		t.Helper()
		checkNoSecrets(t, r, err)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return r
	}
}

// fails checks that err wraps target and mentions each of words.
func fails(t testing.TB, r provider.Remote, err, target error, words ...string) {
	t.Helper()
	checkNoSecrets(t, r, err)
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want one wrapping %q", err, target)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Keys for CSRs, ECDSA P-256 for speed.
var (
	key1 = sync.OnceValue(func() crypto.Signer { return must(pki.GenerateKey(pki.ECDSAP256)) })
	key2 = sync.OnceValue(func() crypto.Signer { return must(pki.GenerateKey(pki.ECDSAP256)) })
)

// csrPEM returns a CSR for key with names, the first the common name.
func csrPEM(t testing.TB, key crypto.Signer, names ...string) string {
	t.Helper()
	der, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0], DNSNames: names[1:]})
	if err != nil {
		t.Fatalf("CreateCSR: %v", err)
	}
	return string(pki.EncodeCSRPEM(der))
}

// rootOf returns the root certificate of baseConfig's CA via RootPEM.
func rootOf(t testing.TB) *x509.Certificate {
	t.Helper()
	data, err := builtin.RootPEM(baseConfig().Settings)
	if err != nil {
		t.Fatalf("RootPEM: %v", err)
	}
	certs, err := pki.ParseCertificates(data)
	if err != nil || len(certs) != 1 {
		t.Fatalf("RootPEM returned %d certificates, error %v; want one", len(certs), err)
	}
	return certs[0]
}

// verifyIssued checks an issued answer: state, dates, and a chain of leaf
// then intermediate that verifies against the root for each of names, which
// must be the leaf's DNS names. It returns the leaf.
func verifyIssued(t testing.TB, r provider.Remote, names ...string) *x509.Certificate {
	t.Helper()
	if r.State != provider.StateIssued {
		t.Fatalf("State = %q, want issued", r.State)
	}
	certs, err := pki.ParseCertificates([]byte(r.ChainPEM))
	if err != nil {
		t.Fatalf("ChainPEM: %v", err)
	}
	if len(certs) != 2 {
		t.Fatalf("ChainPEM holds %d certificates, want 2 (leaf, intermediate)", len(certs))
	}
	leaf, inter := certs[0], certs[1]
	root := rootOf(t)
	if leaf.IsCA || !inter.IsCA || inter.Equal(root) {
		t.Fatalf("ChainPEM is not leaf then intermediate (leaf CA %v, intermediate CA %v, second is root %v)", leaf.IsCA, inter.IsCA, inter.Equal(root))
	}
	if !slices.Equal(leaf.DNSNames, names) {
		t.Errorf("DNS names = %q, want %q", leaf.DNSNames, names)
	}
	if leaf.Subject.CommonName != names[0] {
		t.Errorf("common name = %q, want %q", leaf.Subject.CommonName, names[0])
	}
	if !r.CertNotBefore.Equal(leaf.NotBefore) || !r.CertNotAfter.Equal(leaf.NotAfter) {
		t.Errorf("CertNotBefore/After = %v/%v, want the leaf's %v/%v", r.CertNotBefore, r.CertNotAfter, leaf.NotBefore, leaf.NotAfter)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	inters.AddCert(inter)
	for _, n := range names {
		host := n
		if strings.HasPrefix(n, "*.") {
			host = "anything" + n[1:]
		}
		if _, err := leaf.Verify(x509.VerifyOptions{
			DNSName:       host,
			Roots:         roots,
			Intermediates: inters,
			CurrentTime:   leaf.NotBefore.Add(time.Minute),
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}); err != nil {
			t.Errorf("Verify(%q): %v", host, err)
		}
	}
	for _, d := range r.DCV {
		if d.Status != "valid" {
			t.Errorf("DCV of %q in an issued order has status %q, want valid", d.Domain, d.Status)
		}
	}
	return leaf
}

// statuses returns the DCV status of each domain.
func statuses(r provider.Remote) map[string]string {
	m := map[string]string{}
	for _, d := range r.DCV {
		m[d.Domain] = d.Status
	}
	return m
}

// order is a DV order for names with key1's CSR.
func order(t testing.TB, ref string, names ...string) provider.OrderRequest {
	t.Helper()
	return provider.OrderRequest{
		Ref:        ref,
		Validation: "dv",
		CSRPEM:     csrPEM(t, key1(), names...),
		CommonName: names[0],
		SANs:       names[1:],
	}
}
