package builtin_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

var ctx = context.Background()

func TestKind(t *testing.T) {
	t.Parallel()
	k := builtin.Kind()
	if k.New == nil || k.Prepare == nil {
		t.Fatalf("Kind() = %+v, want New and Prepare", k)
	}
	p := newProvider(t, false)
	if got := p.Kind(); got != "localca" {
		t.Errorf("Kind() = %q, want localca", got)
	}
	if err := p.Cancel(ctx, provider.RemoteRef{Ref: "1", RemoteID: "LCA-1"}, "no longer needed"); err != nil {
		t.Errorf("Cancel: %v", err)
	}
	if _, isLookup := any(p).(provider.RefLookup); isLookup {
		t.Error("the local CA implements RefLookup; it is RepeatSafe instead")
	}
}

func TestPrepareGenerates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings map[string]string
		secrets  map[string]string
		wantCN   string
	}{
		{"nil maps", nil, nil, "certsvc Local CA Root CA"},
		{"default name", map[string]string{builtin.SettingAutoApprove: "true"}, map[string]string{}, "certsvc Local CA Root CA"},
		{"blank name", map[string]string{builtin.SettingCAName: "  "}, nil, "certsvc Local CA Root CA"},
		{"named", map[string]string{builtin.SettingCAName: "Acme Internal"}, map[string]string{"other": "kept"}, "Acme Internal Root CA"},
		{"empty keys regenerate", map[string]string{builtin.SettingCACerts: "stale"}, map[string]string{builtin.SecretCAKeys: ""}, "certsvc Local CA Root CA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := provider.Config{ModuleID: 7, Name: "local", Settings: tt.settings, Secrets: tt.secrets, Now: func() time.Time { return caCreated }}
			settingsBefore, secretsBefore := maps.Clone(tt.settings), maps.Clone(tt.secrets)

			out, err := builtin.Prepare(ctx, in)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			addSecrets(out)
			if !maps.Equal(tt.settings, settingsBefore) || !maps.Equal(tt.secrets, secretsBefore) {
				t.Errorf("Prepare modified the input maps: settings %v, secrets %v", tt.settings, tt.secrets)
			}
			if out.ModuleID != 7 || out.Name != "local" {
				t.Errorf("Prepare lost fields: %+v", out)
			}
			for k, v := range tt.settings {
				if k != builtin.SettingCACerts && out.Settings[k] != v {
					t.Errorf("setting %q = %q, want %q kept", k, out.Settings[k], v)
				}
			}
			for k, v := range tt.secrets {
				if k != builtin.SecretCAKeys && out.Secrets[k] != v {
					t.Errorf("secret %q = %q, want %q kept", k, out.Secrets[k], v)
				}
			}
			certs, keys := out.Settings[builtin.SettingCACerts], out.Secrets[builtin.SecretCAKeys]
			if !strings.Contains(certs, "CERTIFICATE") || !strings.Contains(keys, "PRIVATE KEY") {
				t.Fatalf("Prepare did not store the CA: certs %.40q, keys present %v", certs, keys != "")
			}
			if strings.Contains(certs, "PRIVATE KEY") {
				t.Error("the public setting ca_certs holds a private key")
			}
			if _, err := localca.Load([]byte(certs), []byte(keys)); err != nil {
				t.Errorf("the stored CA does not load: %v", err)
			}
			root := rootFrom(t, out.Settings)
			if root.Subject.CommonName != tt.wantCN {
				t.Errorf("root CN = %q, want %q", root.Subject.CommonName, tt.wantCN)
			}
			if !root.NotBefore.Equal(caCreated) {
				t.Errorf("root NotBefore = %v, want Config.Now %v", root.NotBefore, caCreated)
			}

			// Preparing again keeps the CA.
			again, err := builtin.Prepare(ctx, out)
			if err != nil {
				t.Fatalf("second Prepare: %v", err)
			}
			if again.Settings[builtin.SettingCACerts] != certs || again.Secrets[builtin.SecretCAKeys] != keys {
				t.Error("a second Prepare replaced the CA")
			}
			if _, err := builtin.New(again); err != nil {
				t.Errorf("New after Prepare: %v", err)
			}
		})
	}
}

func rootFrom(t testing.TB, settings map[string]string) *x509.Certificate {
	t.Helper()
	data, err := builtin.RootPEM(settings)
	if err != nil {
		t.Fatalf("RootPEM: %v", err)
	}
	certs, err := pki.ParseCertificates(data)
	if err != nil || len(certs) != 1 {
		t.Fatalf("RootPEM: %d certificates, %v", len(certs), err)
	}
	if !certs[0].IsCA || certs[0].CheckSignatureFrom(certs[0]) != nil {
		t.Fatalf("RootPEM returned %q, not a self-signed CA", certs[0].Subject)
	}
	return certs[0]
}

func TestPrepareChecks(t *testing.T) {
	t.Parallel()
	base := baseConfig()
	other := must(localca.New(caCreated, "Other"))
	otherCerts, otherKeys := must2(other.Marshal())
	addSecrets(provider.Config{Secrets: map[string]string{"k": string(otherKeys)}})

	tests := []struct {
		name     string
		settings map[string]string
		secrets  map[string]string
		words    []string
	}{
		{"auto_approve yes", map[string]string{builtin.SettingAutoApprove: "yes"}, nil, []string{"auto_approve", "yes"}},
		{"auto_approve TRUE", map[string]string{builtin.SettingAutoApprove: "TRUE"}, nil, []string{"auto_approve"}},
		{"auto_approve 1", map[string]string{builtin.SettingAutoApprove: "1"}, nil, []string{"auto_approve"}},
		{"auto_approve spaced", map[string]string{builtin.SettingAutoApprove: " true"}, nil, []string{"auto_approve"}},
		{"keys without certificates", nil, map[string]string{builtin.SecretCAKeys: base.Secrets[builtin.SecretCAKeys]}, []string{"ca_certs"}},
		{"keys of another CA", map[string]string{builtin.SettingCACerts: base.Settings[builtin.SettingCACerts]},
			map[string]string{builtin.SecretCAKeys: string(otherKeys)}, []string{"ca_keys", "private key"}},
		{"certificates of another CA", map[string]string{builtin.SettingCACerts: string(otherCerts)},
			map[string]string{builtin.SecretCAKeys: base.Secrets[builtin.SecretCAKeys]}, []string{"ca_keys"}},
		{"garbage keys", map[string]string{builtin.SettingCACerts: base.Settings[builtin.SettingCACerts]},
			map[string]string{builtin.SecretCAKeys: "not a key"}, []string{"ca_keys"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := builtin.Prepare(ctx, provider.Config{Settings: tt.settings, Secrets: tt.secrets, Now: func() time.Time { return caCreated }})
			if err == nil {
				t.Fatal("Prepare succeeded, want an error")
			}
			checkNoSecrets(t, err)
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}

	t.Run("accepted auto_approve", func(t *testing.T) {
		t.Parallel()
		for _, v := range []string{"", "true", "false"} {
			c := config(v, orderTime)
			if _, err := builtin.Prepare(ctx, c); err != nil {
				t.Errorf("Prepare with auto_approve %q: %v", v, err)
			}
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		t.Parallel()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := builtin.Prepare(cctx, provider.Config{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Prepare: %v, want context.Canceled", err)
		}
	})
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestNewMissingMaterial(t *testing.T) {
	t.Parallel()
	base := baseConfig()
	certs, keys := base.Settings[builtin.SettingCACerts], base.Secrets[builtin.SecretCAKeys]
	tests := []struct {
		name     string
		settings map[string]string
		secrets  map[string]string
		words    []string
	}{
		{"nothing", nil, nil, []string{"ca_certs", "ca_keys"}},
		{"no certificates", nil, map[string]string{builtin.SecretCAKeys: keys}, []string{"ca_certs"}},
		{"no keys", map[string]string{builtin.SettingCACerts: certs}, nil, []string{"ca_keys"}},
		{"garbage certificates", map[string]string{builtin.SettingCACerts: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"},
			map[string]string{builtin.SecretCAKeys: keys}, []string{"ca_certs"}},
		{"one key only", map[string]string{builtin.SettingCACerts: certs},
			map[string]string{builtin.SecretCAKeys: keys[:strings.Index(keys, "-----END")] + "-----END PRIVATE KEY-----\n"}, []string{"ca_keys"}},
		{"bad auto_approve", map[string]string{builtin.SettingCACerts: certs, builtin.SettingAutoApprove: "on"},
			map[string]string{builtin.SecretCAKeys: keys}, []string{"auto_approve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := builtin.New(provider.Config{Settings: tt.settings, Secrets: tt.secrets})
			if err == nil {
				t.Fatalf("New succeeded with %T, want an error", p)
			}
			checkNoSecrets(t, err)
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestRootPEM(t *testing.T) {
	t.Parallel()
	root := rootOf(t)
	ca := must(localca.Load([]byte(baseConfig().Settings[builtin.SettingCACerts]), []byte(baseConfig().Secrets[builtin.SecretCAKeys])))
	if !root.Equal(ca.Root()) {
		t.Error("RootPEM is not the CA's root")
	}
	for _, s := range []map[string]string{nil, {builtin.SettingCACerts: ""}, {builtin.SettingCACerts: "junk"}} {
		if _, err := builtin.RootPEM(s); err == nil {
			t.Errorf("RootPEM(%v) succeeded, want an error", s)
		}
	}
	// Only the intermediate: no root.
	inter := string(pki.EncodePEMCertificates(ca.Intermediate()))
	if _, err := builtin.RootPEM(map[string]string{builtin.SettingCACerts: inter}); err == nil {
		t.Error("RootPEM of the intermediate alone succeeded, want an error")
	}
}

func TestCheckCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		now   time.Time
		words []string
	}{
		{"now", orderTime, nil},
		{"at creation", caCreated, nil},
		{"intermediate expired", caCreated.AddDate(5, 0, 1), []string{"intermediate", "expired"}},
		{"before the CA", caCreated.Add(-time.Hour), []string{"not valid before"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := newProviderAt(t, false, tt.now).CheckCredentials(ctx)
			checkNoSecrets(t, err)
			switch {
			case tt.words == nil && err != nil:
				t.Errorf("CheckCredentials: %v", err)
			case tt.words != nil && err == nil:
				t.Error("CheckCredentials succeeded, want an error")
			}
			for _, w := range tt.words {
				if err != nil && !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestAutoApprove(t *testing.T) {
	t.Parallel()
	at2027 := time.Date(2027, time.April, 1, 8, 0, 0, 0, time.UTC) // 100 days allowed
	tests := []struct {
		name     string
		now      time.Time
		req      func(t testing.TB) provider.OrderRequest
		names    []string
		notAfter time.Time
		check    func(t testing.TB, leaf *x509.Certificate)
	}{
		{
			name:     "one name, longest validity",
			req:      func(t testing.TB) provider.OrderRequest { return order(t, "1", "example.com") },
			names:    []string{"example.com"},
			notAfter: orderTime.Add(maxDays2026),
		},
		{
			name: "several names and a wildcard",
			req: func(t testing.TB) provider.OrderRequest {
				return order(t, "2", "example.com", "www.example.com", "*.example.org")
			},
			names:    []string{"example.com", "www.example.com", "*.example.org"},
			notAfter: orderTime.Add(maxDays2026),
		},
		{
			name: "names normalised and deduplicated",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "3", "example.com")
				r.CommonName, r.SANs = "Example.COM.", []string{"example.com", "WWW.example.com", "пример.рф"}
				return r
			},
			names:    []string{"example.com", "www.example.com", "xn--e1afmkfd.xn--p1ai"},
			notAfter: orderTime.Add(maxDays2026),
		},
		{
			name: "names from the CSR without a common name",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "4", "csr.example.com", "alt.example.com")
				r.CommonName, r.SANs, r.Validation = "", nil, ""
				return r
			},
			names:    []string{"csr.example.com", "alt.example.com"},
			notAfter: orderTime.Add(maxDays2026),
		},
		{
			name: "earlier requested end",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "5", "example.com")
				r.NotAfter = orderTime.Add(30 * 24 * time.Hour)
				return r
			},
			names:    []string{"example.com"},
			notAfter: orderTime.Add(30 * 24 * time.Hour),
		},
		{
			name: "later requested end is capped",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "6", "example.com")
				r.NotAfter = orderTime.AddDate(2, 0, 0)
				return r
			},
			names:    []string{"example.com"},
			notAfter: orderTime.Add(maxDays2026),
		},
		{
			name:     "cap of 2027",
			now:      at2027,
			req:      func(t testing.TB) provider.OrderRequest { return order(t, "7", "example.com") },
			names:    []string{"example.com"},
			notAfter: at2027.Add(localca.MaxValidity(at2027)),
			check: func(t testing.TB, leaf *x509.Certificate) {
				if d := leaf.NotAfter.Sub(leaf.NotBefore); d != 100*24*time.Hour {
					t.Errorf("validity = %v, want 100 days", d)
				}
			},
		},
		{
			name: "OV",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "8", "example.com")
				r.Validation = "OV"
				r.Org = &provider.Organization{Name: " Example LLC ", Country: "ru", State: "Moscow", City: "Moscow", Address: "ignored"}
				return r
			},
			names:    []string{"example.com"},
			notAfter: orderTime.Add(maxDays2026),
			check: func(t testing.TB, leaf *x509.Certificate) {
				want := pkix.Name{Organization: []string{"Example LLC"}, Country: []string{"RU"}, Province: []string{"Moscow"}, Locality: []string{"Moscow"}}
				s := leaf.Subject
				if !slices.Equal(s.Organization, want.Organization) || !slices.Equal(s.Country, want.Country) ||
					!slices.Equal(s.Province, want.Province) || !slices.Equal(s.Locality, want.Locality) {
					t.Errorf("subject = %v, want organisation %v", s, want)
				}
				wantPolicy(t, leaf, "2.23.140.1.2.2")
			},
		},
		{
			name: "EV",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "9", "example.com")
				r.Validation = "ev"
				r.Org = &provider.Organization{Name: "Example Inc", Country: "US"}
				return r
			},
			names:    []string{"example.com"},
			notAfter: orderTime.Add(maxDays2026),
			check: func(t testing.TB, leaf *x509.Certificate) {
				if !slices.Equal(leaf.Subject.Organization, []string{"Example Inc"}) || len(leaf.Subject.Locality) != 0 {
					t.Errorf("subject = %v", leaf.Subject)
				}
				wantPolicy(t, leaf, "2.23.140.1.1")
			},
		},
		{
			name: "DV ignores the organisation",
			req: func(t testing.TB) provider.OrderRequest {
				r := order(t, "10", "example.com")
				r.Org = &provider.Organization{Name: "Example Inc", Country: "US"}
				return r
			},
			names:    []string{"example.com"},
			notAfter: orderTime.Add(maxDays2026),
			check: func(t testing.TB, leaf *x509.Certificate) {
				if len(leaf.Subject.Organization) != 0 {
					t.Errorf("DV subject = %v, want the common name only", leaf.Subject)
				}
				wantPolicy(t, leaf, "2.23.140.1.2.1")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := tt.now
			if now.IsZero() {
				now = orderTime
			}
			p := newProviderAt(t, true, now)
			req := tt.req(t)
			got := ok(t)(p.PlaceOrder(ctx, req))
			if got.Ref != req.Ref || got.RemoteID != "LCA-"+req.Ref || len(got.RemoteRef.State) == 0 {
				t.Errorf("RemoteRef = %q %q (state %d bytes), want %q LCA-%s with state", got.Ref, got.RemoteID, len(got.RemoteRef.State), req.Ref, req.Ref)
			}
			if got.RawStatus == "" || got.Message == "" {
				t.Errorf("RawStatus %q, Message %q: want both", got.RawStatus, got.Message)
			}
			leaf := verifyIssued(t, got, tt.names...)
			if !leaf.NotBefore.Equal(now) {
				t.Errorf("NotBefore = %v, want %v", leaf.NotBefore, now)
			}
			if !leaf.NotAfter.Equal(tt.notAfter) {
				t.Errorf("NotAfter = %v, want %v", leaf.NotAfter, tt.notAfter)
			}
			if limit := leaf.NotBefore.Add(localca.MaxValidity(leaf.NotBefore)); leaf.NotAfter.After(limit) {
				t.Errorf("NotAfter %v is after the cap %v", leaf.NotAfter, limit)
			}
			if !pki.MatchesKey(leaf, key1().Public()) {
				t.Error("the certificate is not for the CSR's key")
			}
			if len(got.DCV) != len(tt.names) {
				t.Errorf("%d DCV entries, want %d", len(got.DCV), len(tt.names))
			}
			if tt.check != nil {
				tt.check(t, leaf)
			}

			// Sync gives the same answer, every time, without issuing again.
			for range 2 {
				if again := ok(t)(p.Sync(ctx, got.RemoteRef)); !reflect.DeepEqual(again, got) {
					t.Errorf("Sync = %+v\nwant %+v", again, got)
				}
			}
		})
	}
}

func wantPolicy(t testing.TB, leaf *x509.Certificate, oid string) {
	t.Helper()
	for _, p := range leaf.Policies {
		if p.String() == oid {
			return
		}
	}
	t.Errorf("policies %v lack %s", leaf.Policies, oid)
}

func TestApproval(t *testing.T) {
	t.Parallel()
	names := []string{"example.com", "www.example.com", "*.example.com"}

	t.Run("per domain", func(t *testing.T) {
		t.Parallel()
		p := newProvider(t, false)
		req := order(t, "100", names...)
		req.DCV = map[string]provider.DCVChoice{"www.example.com": {Method: provider.DCVHTTPFile}, "*.example.com": {Method: provider.DCVDNSTXT}}
		r := ok(t)(p.PlaceOrder(ctx, req))
		if r.State != provider.StateAwaitingDCV || r.ChainPEM != "" || !r.CertNotAfter.IsZero() {
			t.Fatalf("PlaceOrder: state %q, chain %d bytes, not after %v; want awaiting DCV without certificate", r.State, len(r.ChainPEM), r.CertNotAfter)
		}
		if r.RemoteID != "LCA-100" || r.Ref != "100" {
			t.Errorf("RemoteRef = %q %q", r.Ref, r.RemoteID)
		}
		if !strings.Contains(r.Message, "administrator") {
			t.Errorf("Message %q does not say an administrator confirms validation", r.Message)
		}
		want := map[string]string{"example.com": "pending", "www.example.com": "pending", "*.example.com": "pending"}
		if got := statuses(r); !maps.Equal(got, want) {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
		// Sync does not approve anything.
		if s := ok(t)(p.Sync(ctx, r.RemoteRef)); !reflect.DeepEqual(s, r) {
			t.Errorf("Sync of a pending order = %+v\nwant %+v", s, r)
		}

		r2, err := p.RetryDCV(ctx, r.RemoteRef, "nope.example.net")
		fails(t, r2, err, provider.ErrRejected, "nope.example.net")

		steps := []struct {
			domain string
			state  provider.State
		}{
			{"WWW.Example.com", provider.StateAwaitingDCV}, // normalised
			{"www.example.com", provider.StateAwaitingDCV}, // again: no change
			{"example.com", provider.StateAwaitingDCV},
			{"*.example.com", provider.StateIssued},
		}
		for _, s := range steps {
			r = ok(t)(p.RetryDCV(ctx, r.RemoteRef, s.domain))
			if r.State != s.state {
				t.Fatalf("after approving %q: state %q, want %q", s.domain, r.State, s.state)
			}
			want[strings.ToLower(s.domain)] = "valid"
			if s.state != provider.StateIssued {
				if got := statuses(r); !maps.Equal(got, want) {
					t.Errorf("after approving %q: statuses %v, want %v", s.domain, got, want)
				}
			}
		}
		verifyIssued(t, r, names...)
		if r.RemoteID != "LCA-100" || r.Ref != "100" {
			t.Errorf("RemoteRef = %q %q", r.Ref, r.RemoteID)
		}

		// Approving an issued order changes nothing; Sync agrees.
		for _, d := range []string{"", "example.com"} {
			if again := ok(t)(p.RetryDCV(ctx, r.RemoteRef, d)); !reflect.DeepEqual(again, r) {
				t.Errorf("RetryDCV(%q) of an issued order changed it", d)
			}
		}
		if again := ok(t)(p.Sync(ctx, r.RemoteRef)); !reflect.DeepEqual(again, r) {
			t.Error("Sync of an issued order differs from the answer that issued it")
		}
		r2, err = p.RetryDCV(ctx, r.RemoteRef, "nope.example.net")
		fails(t, r2, err, provider.ErrRejected, "nope.example.net")
	})

	t.Run("all at once", func(t *testing.T) {
		t.Parallel()
		p := newProvider(t, false)
		r := ok(t)(p.PlaceOrder(ctx, order(t, "101", names...)))
		r = ok(t)(p.RetryDCV(ctx, r.RemoteRef, ""))
		leaf := verifyIssued(t, r, names...)
		if !leaf.NotAfter.Equal(orderTime.Add(maxDays2026)) {
			t.Errorf("NotAfter = %v", leaf.NotAfter)
		}
	})

	t.Run("issued at approval time", func(t *testing.T) {
		t.Parallel()
		r := ok(t)(newProvider(t, false).PlaceOrder(ctx, order(t, "102", "example.com")))
		later := orderTime.Add(72 * time.Hour)
		r = ok(t)(newProviderAt(t, false, later).RetryDCV(ctx, r.RemoteRef, "example.com"))
		leaf := verifyIssued(t, r, "example.com")
		if !leaf.NotBefore.Equal(later) || !leaf.NotAfter.Equal(later.Add(maxDays2026)) {
			t.Errorf("validity %v – %v, want from the approval at %v", leaf.NotBefore, leaf.NotAfter, later)
		}
	})

	t.Run("requested end passed before approval", func(t *testing.T) {
		t.Parallel()
		req := order(t, "103", "example.com")
		req.NotAfter = orderTime.Add(24 * time.Hour)
		r := ok(t)(newProvider(t, false).PlaceOrder(ctx, req))
		r2, err := newProviderAt(t, false, orderTime.Add(48*time.Hour)).RetryDCV(ctx, r.RemoteRef, "")
		fails(t, r2, err, provider.ErrRejected, "notAfter")
	})

	t.Run("enabling auto_approve issues pending orders at the next sync", func(t *testing.T) {
		t.Parallel()
		r := ok(t)(newProvider(t, false).PlaceOrder(ctx, order(t, "104", "example.com")))
		verifyIssued(t, ok(t)(newProvider(t, true).Sync(ctx, r.RemoteRef)), "example.com")
	})
}

func TestInstructions(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	names := []string{"example.com", "*.shop.example.com"}
	tests := []struct {
		name   string
		choice provider.DCVChoice
		want   func(domain, base, token string) provider.DCVInstruction
	}{
		{"default", provider.DCVChoice{}, func(d, b, _ string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVEmail, Status: "pending", Email: "admin@" + b}
		}},
		{"email default address", provider.DCVChoice{Method: provider.DCVEmail}, func(d, b, _ string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVEmail, Status: "pending", Email: "admin@" + b}
		}},
		{"email chosen", provider.DCVChoice{Method: provider.DCVEmail, Email: "hostmaster@example.com"}, func(d, _, _ string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVEmail, Status: "pending", Email: "hostmaster@example.com"}
		}},
		{"http file", provider.DCVChoice{Method: provider.DCVHTTPFile}, func(d, b, tok string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVHTTPFile, Status: "pending",
				HTTPURL: "http://" + b + "/.well-known/pki-validation/" + tok + ".txt", Content: tok}
		}},
		{"https file", provider.DCVChoice{Method: provider.DCVHTTPSFile}, func(d, b, tok string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVHTTPSFile, Status: "pending",
				HTTPURL: "https://" + b + "/.well-known/pki-validation/" + tok + ".txt", Content: tok}
		}},
		{"dns txt", provider.DCVChoice{Method: provider.DCVDNSTXT}, func(d, b, tok string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVDNSTXT, Status: "pending",
				DNSName: "_certsvc-challenge." + b, DNSType: "TXT", Content: tok}
		}},
		{"dns cname", provider.DCVChoice{Method: provider.DCVDNSCNAME}, func(d, b, tok string) provider.DCVInstruction {
			return provider.DCVInstruction{Domain: d, Method: provider.DCVDNSCNAME, Status: "pending",
				DNSName: "_certsvc-challenge." + b, DNSType: "CNAME", Content: tok + ".dcv.certsvc.invalid"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := order(t, "200", names...)
			req.DCV = map[string]provider.DCVChoice{}
			for _, n := range names {
				req.DCV[n] = tt.choice
			}
			r := ok(t)(p.PlaceOrder(ctx, req))
			if len(r.DCV) != len(names) {
				t.Fatalf("%d instructions, want %d", len(r.DCV), len(names))
			}
			tokens := map[string]bool{}
			for i, got := range r.DCV {
				d := names[i]
				tok := tokenOf(got)
				if tt.choice.Method != "" && tt.choice.Method != provider.DCVEmail {
					if len(tok) < 16 || strings.Trim(tok, "0123456789abcdef") != "" {
						t.Errorf("%s: token %q is not a hex string of 16+ characters", d, tok)
					}
					if tokens[tok] {
						t.Errorf("%s: token %q is shared with another domain", d, tok)
					}
					tokens[tok] = true
				}
				if want := tt.want(d, strings.TrimPrefix(d, "*."), tok); !reflect.DeepEqual(got, want) {
					t.Errorf("instruction for %s:\n got %+v\nwant %+v", d, got, want)
				}
			}
		})
	}
}

// tokenOf extracts the token of a file or DNS instruction.
func tokenOf(in provider.DCVInstruction) string {
	return strings.TrimSuffix(in.Content, ".dcv.certsvc.invalid")
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	req := order(t, "300", "example.com", "www.example.com")
	req.DCV = map[string]provider.DCVChoice{"example.com": {Method: provider.DCVDNSTXT}, "www.example.com": {Method: provider.DCVHTTPFile}}
	first := ok(t)(p.PlaceOrder(ctx, req))
	again := ok(t)(p.PlaceOrder(ctx, req))
	if !reflect.DeepEqual(first, again) {
		t.Errorf("PlaceOrder twice differs:\n%+v\n%+v", first, again)
	}
	// Another provider on the same module agrees.
	if other := ok(t)(newProvider(t, false).PlaceOrder(ctx, req)); !reflect.DeepEqual(first.DCV, other.DCV) {
		t.Errorf("another provider gives other instructions:\n%+v\n%+v", first.DCV, other.DCV)
	}
	if s := ok(t)(p.Sync(ctx, first.RemoteRef)); !reflect.DeepEqual(s.DCV, first.DCV) {
		t.Errorf("Sync gives other instructions:\n%+v\n%+v", s.DCV, first.DCV)
	}
	// Another order gets other tokens.
	req.Ref = "301"
	next := ok(t)(p.PlaceOrder(ctx, req))
	for i := range next.DCV {
		if next.DCV[i].Content == first.DCV[i].Content {
			t.Errorf("orders 300 and 301 share the token of %s", next.DCV[i].Domain)
		}
	}
}

func TestSetDCV(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	r := ok(t)(p.PlaceOrder(ctx, order(t, "400", "example.com", "www.example.com")))

	r = ok(t)(p.SetDCV(ctx, r.RemoteRef, "example.com", provider.DCVChoice{Method: provider.DCVDNSTXT}))
	if r.State != provider.StateAwaitingDCV || r.DCV[0].Method != provider.DCVDNSTXT || r.DCV[0].DNSType != "TXT" ||
		r.DCV[0].DNSName != "_certsvc-challenge.example.com" || r.DCV[1].Method != provider.DCVEmail {
		t.Fatalf("after SetDCV: %+v", r.DCV)
	}
	if s := ok(t)(p.Sync(ctx, r.RemoteRef)); !reflect.DeepEqual(s.DCV, r.DCV) {
		t.Error("Sync does not keep the changed method")
	}

	// An approval survives the same choice and is withdrawn by a change.
	r = ok(t)(p.RetryDCV(ctx, r.RemoteRef, "example.com"))
	r = ok(t)(p.SetDCV(ctx, r.RemoteRef, "example.com", provider.DCVChoice{Method: provider.DCVDNSTXT}))
	if st := statuses(r)["example.com"]; st != "valid" {
		t.Errorf("after setting the same method: status %q, want valid", st)
	}
	r = ok(t)(p.SetDCV(ctx, r.RemoteRef, "Example.com", provider.DCVChoice{Method: provider.DCVEmail, Email: "webmaster@example.com"}))
	if st := statuses(r)["example.com"]; st != "pending" || r.DCV[0].Email != "webmaster@example.com" {
		t.Errorf("after changing the method: %+v, want pending e-mail to webmaster@", r.DCV[0])
	}

	bad := []struct {
		name   string
		domain string
		choice provider.DCVChoice
		words  []string
	}{
		{"unknown domain", "other.example.net", provider.DCVChoice{Method: provider.DCVDNSTXT}, []string{"other.example.net"}},
		{"ACME method", "example.com", provider.DCVChoice{Method: provider.DCVACMEHTTP01}, []string{"acme_http_01"}},
		{"unknown method", "example.com", provider.DCVChoice{Method: "carrier_pigeon"}, []string{"carrier_pigeon"}},
		{"bad e-mail", "example.com", provider.DCVChoice{Method: provider.DCVEmail, Email: "nobody"}, []string{"nobody"}},
	}
	for _, b := range bad {
		got, err := p.SetDCV(ctx, r.RemoteRef, b.domain, b.choice)
		fails(t, got, err, provider.ErrRejected, b.words...)
	}

	issued := ok(t)(p.RetryDCV(ctx, r.RemoteRef, ""))
	verifyIssued(t, issued, "example.com", "www.example.com")
	got, err := p.SetDCV(ctx, issued.RemoteRef, "example.com", provider.DCVChoice{Method: provider.DCVDNSTXT})
	fails(t, got, err, provider.ErrRejected, "issued")
}

func TestReissue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		auto     bool
		rr       func(t testing.TB) provider.ReissueRequest
		names    []string
		newKey   bool
		notAfter time.Time // zero: the current certificate's
	}{
		{name: "new CSR, auto", auto: true, newKey: true, names: []string{"example.com", "www.example.com"},
			rr: func(t testing.TB) provider.ReissueRequest {
				return provider.ReissueRequest{CSRPEM: csrPEM(t, key2(), "whatever.example.com")}
			}},
		{name: "new names, auto", auto: true, names: []string{"example.com", "api.example.com", "*.example.com"},
			rr: func(t testing.TB) provider.ReissueRequest {
				return provider.ReissueRequest{CommonName: "example.com", SANs: []string{"api.example.com", "*.example.com"}}
			}},
		{name: "new CSR and earlier end, auto", auto: true, newKey: true, names: []string{"example.com", "www.example.com"},
			notAfter: orderTime.Add(10 * 24 * time.Hour),
			rr: func(t testing.TB) provider.ReissueRequest {
				return provider.ReissueRequest{CSRPEM: csrPEM(t, key2(), "example.com"), NotAfter: orderTime.Add(10 * 24 * time.Hour)}
			}},
		{name: "new CSR, approved", newKey: true, names: []string{"example.com", "www.example.com"},
			rr: func(t testing.TB) provider.ReissueRequest {
				return provider.ReissueRequest{CSRPEM: csrPEM(t, key2(), "example.com")}
			}},
		{name: "new names and methods, approved", names: []string{"www.example.com", "new.example.com"},
			rr: func(t testing.TB) provider.ReissueRequest {
				return provider.ReissueRequest{CommonName: "www.example.com", SANs: []string{"new.example.com"},
					DCV: map[string]provider.DCVChoice{"new.example.com": {Method: provider.DCVDNSCNAME}}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Issued a month ago, with www.example.com validated by DNS.
			issuedAt := orderTime.AddDate(0, -1, 0)
			req := order(t, "500", "example.com", "www.example.com")
			req.DCV = map[string]provider.DCVChoice{"www.example.com": {Method: provider.DCVDNSTXT}}
			old := ok(t)(newProviderAt(t, true, issuedAt).PlaceOrder(ctx, req))
			oldLeaf := verifyIssued(t, old, "example.com", "www.example.com")

			p := newProvider(t, tt.auto)
			r := ok(t)(p.Reissue(ctx, old.RemoteRef, tt.rr(t)))
			if r.Ref != old.Ref || r.RemoteID != old.RemoteID {
				t.Errorf("RemoteRef = %q %q, want %q %q", r.Ref, r.RemoteID, old.Ref, old.RemoteID)
			}
			if !tt.auto {
				if r.State != provider.StateReissuing || r.ChainPEM != "" {
					t.Fatalf("Reissue: state %q with %d bytes of chain, want reissuing", r.State, len(r.ChainPEM))
				}
				var domains []string
				for _, d := range r.DCV {
					domains = append(domains, d.Domain)
					if d.Status != "pending" {
						t.Errorf("%s: status %q, want pending", d.Domain, d.Status)
					}
					want := provider.DCVEmail
					switch d.Domain {
					case "www.example.com":
						want = provider.DCVDNSTXT // kept from the order
					case "new.example.com":
						want = provider.DCVDNSCNAME
					}
					if d.Method != want {
						t.Errorf("%s: method %q, want %q", d.Domain, d.Method, want)
					}
				}
				if !slices.Equal(domains, tt.names) {
					t.Errorf("instructions for %q, want %q", domains, tt.names)
				}
				if s := ok(t)(p.Sync(ctx, r.RemoteRef)); !reflect.DeepEqual(s, r) {
					t.Errorf("Sync of a pending reissue = %+v\nwant %+v", s, r)
				}
				if first := ok(t)(p.RetryDCV(ctx, r.RemoteRef, tt.names[0])); first.State != provider.StateReissuing {
					t.Errorf("after approving one domain: state %q, want reissuing", first.State)
				}
				r = ok(t)(p.RetryDCV(ctx, r.RemoteRef, ""))
			}
			leaf := verifyIssued(t, r, tt.names...)
			if leaf.SerialNumber.Cmp(oldLeaf.SerialNumber) == 0 {
				t.Error("the reissued certificate has the old serial number")
			}
			wantKey := key1()
			if tt.newKey {
				wantKey = key2()
			}
			if !pki.MatchesKey(leaf, wantKey.Public()) {
				t.Errorf("the reissued certificate is not for the expected key (new key %v)", tt.newKey)
			}
			if !leaf.NotBefore.Equal(orderTime) {
				t.Errorf("NotBefore = %v, want %v", leaf.NotBefore, orderTime)
			}
			wantEnd := tt.notAfter
			if wantEnd.IsZero() {
				wantEnd = oldLeaf.NotAfter
			}
			if !leaf.NotAfter.Equal(wantEnd) {
				t.Errorf("NotAfter = %v, want %v", leaf.NotAfter, wantEnd)
			}
			if s := ok(t)(p.Sync(ctx, r.RemoteRef)); !reflect.DeepEqual(s, r) {
				t.Error("Sync after the reissue differs from the reissue's answer")
			}
		})
	}
}

func TestReissueErrors(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	pending := ok(t)(p.PlaceOrder(ctx, order(t, "600", "example.com")))
	got, err := p.Reissue(ctx, pending.RemoteRef, provider.ReissueRequest{CSRPEM: csrPEM(t, key2(), "example.com")})
	fails(t, got, err, provider.ErrRejected, "no issued certificate")

	issued := ok(t)(p.RetryDCV(ctx, pending.RemoteRef, ""))
	got, err = p.Reissue(ctx, issued.RemoteRef, provider.ReissueRequest{CSRPEM: "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"})
	fails(t, got, err, provider.ErrRejected)
	if !errors.Is(err, pki.ErrInvalidCSR) {
		t.Errorf("error %v does not wrap pki.ErrInvalidCSR", err)
	}
	got, err = p.Reissue(ctx, issued.RemoteRef, provider.ReissueRequest{CommonName: "bad_name.example.com"})
	fails(t, got, err, provider.ErrRejected, "bad_name.example.com")
	got, err = p.Reissue(ctx, issued.RemoteRef, provider.ReissueRequest{DCV: map[string]provider.DCVChoice{"example.com": {Method: provider.DCVACMEDNS01}}})
	fails(t, got, err, provider.ErrRejected, "acme_dns_01")

	// A second reissue replaces a pending one.
	first := ok(t)(p.Reissue(ctx, issued.RemoteRef, provider.ReissueRequest{CommonName: "a.example.com"}))
	second := ok(t)(p.Reissue(ctx, first.RemoteRef, provider.ReissueRequest{CommonName: "b.example.com"}))
	if len(second.DCV) != 1 || second.DCV[0].Domain != "b.example.com" {
		t.Errorf("second reissue instructions = %+v, want b.example.com only", second.DCV)
	}
	done := ok(t)(p.RetryDCV(ctx, second.RemoteRef, "b.example.com"))
	verifyIssued(t, done, "b.example.com")
	// Stored names when none are given: the last issued ones.
	again := ok(t)(newProvider(t, true).Reissue(ctx, done.RemoteRef, provider.ReissueRequest{}))
	verifyIssued(t, again, "b.example.com")
}

func TestRenew(t *testing.T) {
	t.Parallel()
	issuedAt := orderTime.AddDate(0, -3, 0) // 2026-03-01: 398 days allowed
	old := ok(t)(newProviderAt(t, true, issuedAt).PlaceOrder(ctx, order(t, "700", "example.com")))
	oldLeaf := verifyIssued(t, old, "example.com")

	t.Run("auto", func(t *testing.T) {
		t.Parallel()
		p := newProvider(t, true)
		req := order(t, "701", "example.com", "www.example.com")
		req.CSRPEM = csrPEM(t, key2(), "example.com")
		r := ok(t)(p.Renew(ctx, old.RemoteRef, req))
		if r.RemoteID != "LCA-700" || r.Ref != "701" {
			t.Errorf("RemoteRef = %q %q, want 701 LCA-700", r.Ref, r.RemoteID)
		}
		leaf := verifyIssued(t, r, "example.com", "www.example.com")
		if !pki.MatchesKey(leaf, key2().Public()) || leaf.SerialNumber.Cmp(oldLeaf.SerialNumber) == 0 {
			t.Error("the renewal is not a new certificate for the new key")
		}
		if !leaf.NotBefore.Equal(orderTime) || !leaf.NotAfter.Equal(orderTime.Add(maxDays2026)) {
			t.Errorf("validity %v – %v", leaf.NotBefore, leaf.NotAfter)
		}
		if s := ok(t)(p.Sync(ctx, r.RemoteRef)); !reflect.DeepEqual(s, r) {
			t.Error("Sync after Renew differs")
		}
	})
	t.Run("approved", func(t *testing.T) {
		t.Parallel()
		p := newProvider(t, false)
		r := ok(t)(p.Renew(ctx, old.RemoteRef, order(t, "702", "example.com")))
		if r.State != provider.StateAwaitingDCV || r.ChainPEM != "" || r.RemoteID != "LCA-700" || r.Ref != "702" {
			t.Fatalf("Renew = state %q, chain %d bytes, ref %q %q", r.State, len(r.ChainPEM), r.Ref, r.RemoteID)
		}
		placed := ok(t)(p.PlaceOrder(ctx, order(t, "702", "example.com")))
		if !reflect.DeepEqual(placed.DCV, r.DCV) {
			t.Errorf("Renew instructions differ from PlaceOrder's for the same Ref")
		}
		r = ok(t)(p.RetryDCV(ctx, r.RemoteRef, ""))
		verifyIssued(t, r, "example.com")
		if r.RemoteID != "LCA-700" || r.Ref != "702" {
			t.Errorf("RemoteRef after approval = %q %q", r.Ref, r.RemoteID)
		}
	})
	t.Run("garbage old state is not needed", func(t *testing.T) {
		t.Parallel()
		r := ok(t)(newProvider(t, true).Renew(ctx, provider.RemoteRef{Ref: "703", State: []byte("junk")}, order(t, "", "example.com")))
		if r.Ref != "703" || r.RemoteID != "LCA-703" {
			t.Errorf("RemoteRef = %q %q, want 703 LCA-703", r.Ref, r.RemoteID)
		}
		verifyIssued(t, r, "example.com")
	})
}

func TestUnknownState(t *testing.T) {
	t.Parallel()
	p := newProvider(t, false)
	good := ok(t)(p.PlaceOrder(ctx, order(t, "800", "example.com")))
	issued := ok(t)(newProvider(t, true).PlaceOrder(ctx, order(t, "801", "example.com")))
	replace := func(state []byte, old, new string) []byte {
		return bytes.Replace(state, []byte(old), []byte(new), 1)
	}
	states := map[string][]byte{
		"nil":             nil,
		"empty":           {},
		"garbage":         []byte("garbage"),
		"empty object":    []byte("{}"),
		"JSON array":      []byte("[1,2]"),
		"other version":   replace(good.RemoteRef.State, `"v":1`, `"v":2`),
		"no request":      []byte(`{"v":1,"ref":"800","validation":"dv"}`),
		"bad validation":  replace(good.RemoteRef.State, `"validation":"dv"`, `"validation":"xv"`),
		"bad method":      replace(good.RemoteRef.State, `"method":"email"`, `"method":"smoke"`),
		"corrupted chain": replace(issued.RemoteRef.State, `CERTIFICATE-----\nMII`, `CERTIFICATE-----\nAAA`),
	}
	for name, state := range states {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if bytes.Equal(state, good.RemoteRef.State) || bytes.Equal(state, issued.RemoteRef.State) {
				t.Fatal("the test state was not altered")
			}
			ref := provider.RemoteRef{Ref: "800", RemoteID: "LCA-800", State: state}
			calls := map[string]func() (provider.Remote, error){
				"Sync":     func() (provider.Remote, error) { return p.Sync(ctx, ref) },
				"RetryDCV": func() (provider.Remote, error) { return p.RetryDCV(ctx, ref, "") },
				"SetDCV": func() (provider.Remote, error) {
					return p.SetDCV(ctx, ref, "example.com", provider.DCVChoice{Method: provider.DCVDNSTXT})
				},
				"Reissue": func() (provider.Remote, error) { return p.Reissue(ctx, ref, provider.ReissueRequest{}) },
			}
			for call, f := range calls {
				r, err := f()
				checkNoSecrets(t, r, err)
				if !errors.Is(err, provider.ErrNotFound) {
					t.Errorf("%s: error %v, want one wrapping ErrNotFound", call, err)
				}
			}
		})
	}
}

func TestRejected(t *testing.T) {
	t.Parallel()
	_, edKey := must2(ed25519.GenerateKey(rand.Reader))
	edCSR := func(t testing.TB) string {
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{"example.com"}}, edKey)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	}
	tests := []struct {
		name   string
		auto   bool
		change func(t testing.TB, r *provider.OrderRequest)
		words  []string
		is     error
	}{
		{"garbage CSR", true, func(_ testing.TB, r *provider.OrderRequest) { r.CSRPEM = "not a CSR" }, nil, pki.ErrInvalidCSR},
		{"empty CSR", false, func(_ testing.TB, r *provider.OrderRequest) { r.CSRPEM = "" }, nil, pki.ErrInvalidCSR},
		{"certificate instead of CSR", false, func(t testing.TB, r *provider.OrderRequest) {
			r.CSRPEM = string(must(builtin.RootPEM(baseConfig().Settings)))
		}, nil, pki.ErrInvalidCSR},
		{"Ed25519 key", false, func(t testing.TB, r *provider.OrderRequest) { r.CSRPEM = edCSR(t) }, []string{"Ed25519"}, pki.ErrUnacceptableKey},
		{"CA's own key", true, func(t testing.TB, r *provider.OrderRequest) {
			keys := must(pki.ParsePrivateKeyPEM([]byte(baseConfig().Secrets[builtin.SecretCAKeys])))
			r.CSRPEM = csrPEM(t, keys, "example.com")
		}, []string{"CA's own key"}, localca.ErrInvalidRequest},
		{"unknown validation", false, func(_ testing.TB, r *provider.OrderRequest) { r.Validation = "xv" }, []string{"xv"}, nil},
		{"OV without organisation", false, func(_ testing.TB, r *provider.OrderRequest) { r.Validation = "ov" }, []string{"OV", "organisation"}, nil},
		{"EV without name", false, func(_ testing.TB, r *provider.OrderRequest) {
			r.Validation, r.Org = "ev", &provider.Organization{Country: "US"}
		}, []string{"EV"}, nil},
		{"OV with a country name", false, func(_ testing.TB, r *provider.OrderRequest) {
			r.Validation, r.Org = "ov", &provider.Organization{Name: "Example", Country: "Russia"}
		}, []string{"Russia"}, nil},
		{"bad name", false, func(_ testing.TB, r *provider.OrderRequest) { r.SANs = []string{"exa mple.com"} }, []string{"exa mple.com"}, pki.ErrInvalidDomain},
		{"IP address", false, func(_ testing.TB, r *provider.OrderRequest) { r.CommonName = "192.0.2.1" }, []string{"192.0.2.1"}, pki.ErrInvalidDomain},
		{"no reference", true, func(_ testing.TB, r *provider.OrderRequest) { r.Ref = "" }, []string{"reference"}, nil},
		{"ACME method", false, func(_ testing.TB, r *provider.OrderRequest) {
			r.DCV = map[string]provider.DCVChoice{"example.com": {Method: provider.DCVACMEHTTP01}}
		}, []string{"example.com", "acme_http_01"}, nil},
		{"end in the past", true, func(_ testing.TB, r *provider.OrderRequest) { r.NotAfter = orderTime.Add(-time.Hour) }, []string{"notAfter"}, localca.ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := order(t, "900", "example.com")
			tt.change(t, &req)
			r, err := newProvider(t, tt.auto).PlaceOrder(ctx, req)
			fails(t, r, err, provider.ErrRejected, tt.words...)
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
			// Renew checks the same.
			r, err = newProvider(t, tt.auto).Renew(ctx, provider.RemoteRef{Ref: "899", RemoteID: "LCA-899"}, req)
			if req.Ref == "" { // Renew takes the reference of the renewed order
				return
			}
			fails(t, r, err, provider.ErrRejected, tt.words...)
		})
	}
}

func TestExpiredIntermediate(t *testing.T) {
	t.Parallel()
	late := caCreated.AddDate(5, 0, 1)
	r, err := newProviderAt(t, true, late).PlaceOrder(ctx, order(t, "950", "example.com"))
	fails(t, r, err, provider.ErrRejected, "expired")

	// Near the end, certificates end with the intermediate.
	end := caCreated.AddDate(5, 0, 0)
	near := end.Add(-10 * 24 * time.Hour)
	r = ok(t)(newProviderAt(t, true, near).PlaceOrder(ctx, order(t, "951", "example.com")))
	if leaf := verifyIssued(t, r, "example.com"); !leaf.NotAfter.Equal(end) {
		t.Errorf("NotAfter = %v, want the intermediate's %v", leaf.NotAfter, end)
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	p := newProvider(t, true)
	issued := ok(t)(p.PlaceOrder(ctx, order(t, "960", "example.com")))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	calls := map[string]func() error{
		"PlaceOrder":       func() error { _, err := p.PlaceOrder(cctx, order(t, "961", "example.com")); return err },
		"Sync":             func() error { _, err := p.Sync(cctx, issued.RemoteRef); return err },
		"RetryDCV":         func() error { _, err := p.RetryDCV(cctx, issued.RemoteRef, ""); return err },
		"CheckCredentials": func() error { return p.CheckCredentials(cctx) },
	}
	for name, f := range calls {
		if err := f(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", name, err)
		}
	}
}

func TestConcurrent(t *testing.T) {
	t.Parallel()
	p := newProvider(t, true)
	var wg sync.WaitGroup
	results := make([]provider.Remote, 8)
	errs := make([]error, len(results))
	for i := range results {
		req := order(t, fmt.Sprint(1000+i), fmt.Sprintf("host%d.example.com", i))
		wg.Go(func() { results[i], errs[i] = p.PlaceOrder(ctx, req) })
	}
	wg.Wait()
	serials := map[string]bool{}
	for i, r := range results {
		checkNoSecrets(t, r, errs[i])
		if errs[i] != nil {
			t.Fatalf("PlaceOrder %d: %v", i, errs[i])
		}
		leaf := verifyIssued(t, r, fmt.Sprintf("host%d.example.com", i))
		if serials[leaf.SerialNumber.String()] {
			t.Error("two certificates share a serial number")
		}
		serials[leaf.SerialNumber.String()] = true
	}
}

// TestNoSecrets runs every call, in success and failure, and checks that no
// answer or error holds the CA keys. (The helpers check every answer of the
// other tests too.)
func TestNoSecrets(t *testing.T) {
	t.Parallel()
	keys := baseConfig().Secrets[builtin.SecretCAKeys]
	if keys == "" {
		t.Fatal("no CA keys")
	}
	p := newProvider(t, false)
	var answers []any
	note := func(r provider.Remote, err error) provider.Remote {
		answers = append(answers, r, err)
		return r
	}
	r := note(p.PlaceOrder(ctx, order(t, "1100", "example.com", "www.example.com")))
	note(p.Sync(ctx, r.RemoteRef))
	note(p.SetDCV(ctx, r.RemoteRef, "example.com", provider.DCVChoice{Method: provider.DCVHTTPFile}))
	note(p.RetryDCV(ctx, r.RemoteRef, "nope.example.com"))
	r = note(p.RetryDCV(ctx, r.RemoteRef, ""))
	note(p.Reissue(ctx, r.RemoteRef, provider.ReissueRequest{CSRPEM: keys}))
	note(p.Renew(ctx, r.RemoteRef, provider.OrderRequest{Ref: "1101", CSRPEM: keys}))
	note(p.Sync(ctx, provider.RemoteRef{State: []byte(keys)}))
	note(p.PlaceOrder(ctx, provider.OrderRequest{Ref: "1102", CSRPEM: keys, CommonName: "example.com"}))
	answers = append(answers, p.CheckCredentials(ctx), p.Cancel(ctx, r.RemoteRef, ""))
	for _, a := range answers {
		checkNoSecrets(t, a)
	}
}
