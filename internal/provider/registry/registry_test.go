package registry_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
	"github.com/certsvc/certsvc/internal/provider/billmanager"
	"github.com/certsvc/certsvc/internal/provider/builtin"
	"github.com/certsvc/certsvc/internal/provider/manual"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/provider/thesslstore"
)

func defaultRegistry(t *testing.T) *provider.Registry {
	t.Helper()
	r, err := registry.Default()
	if err != nil {
		t.Fatalf("Default(): %v", err)
	}
	return r
}

func TestDefaultLookup(t *testing.T) {
	r := defaultRegistry(t)
	want := []struct {
		name string
		api  certsvcv1.ModuleKind
	}{
		{manual.KindName, certsvcv1.ModuleKind_MODULE_KIND_MANUAL},
		{builtin.KindName, certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA},
		{billmanager.KindName, certsvcv1.ModuleKind_MODULE_KIND_BILLMANAGER},
		{thesslstore.KindName, certsvcv1.ModuleKind_MODULE_KIND_THESSLSTORE},
		{acme.KindName, certsvcv1.ModuleKind_MODULE_KIND_ACME},
	}
	var names []string
	for _, w := range want {
		names = append(names, w.name)
		k, ok := r.Lookup(w.name)
		if !ok || k.Name != w.name || k.API != w.api {
			t.Errorf("Lookup(%q) = %q %v, %v; want API %v", w.name, k.Name, k.API, ok, w.api)
		}
		k, ok = r.ByAPI(w.api)
		if !ok || k.Name != w.name {
			t.Errorf("ByAPI(%v) = %q, %v; want %q", w.api, k.Name, ok, w.name)
		}
		if got := r.APIOf(w.name); got != w.api {
			t.Errorf("APIOf(%q) = %v, want %v", w.name, got, w.api)
		}
		if k.Doc == "" {
			t.Errorf("kind %q has no Doc", w.name)
		}
	}
	// Kinds and Names come in the order of the API values.
	if got := r.Names(); !slices.Equal(got, names) {
		t.Errorf("Names() = %q, want %q", got, names)
	}
	if got := len(r.Kinds()); got != len(want) {
		t.Errorf("len(Kinds()) = %d, want %d", got, len(want))
	}
	if m := r.Map(); len(m) != len(want) || m[acme.KindName].Name != acme.KindName {
		t.Errorf("Map() = %v", m)
	}
	if _, ok := r.Lookup("Manual"); ok {
		t.Error(`Lookup("Manual") found a kind: names are exact`)
	}
	if _, ok := r.ByAPI(certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED); ok {
		t.Error("ByAPI(UNSPECIFIED) found a kind")
	}
	if got := r.APIOf("venafi"); got != certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED {
		t.Errorf(`APIOf("venafi") = %v, want UNSPECIFIED`, got)
	}
	// Every value of the API's enum has a kind in the default build.
	for v := range certsvcv1.ModuleKind_name {
		if k := certsvcv1.ModuleKind(v); k != certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED {
			if _, ok := r.ByAPI(k); !ok {
				t.Errorf("the API's %v has no kind", k)
			}
		}
	}
}

// sampleConfigs are working configurations of every default kind, as a
// module of the kind would hold after Prepare, built without the network.
func sampleConfigs(t *testing.T) map[string]provider.Config {
	t.Helper()
	ctx := context.Background()
	local, err := builtin.Prepare(ctx, provider.Config{Settings: map[string]string{builtin.SettingCAName: "Registry Test"},
		Secrets: map[string]string{}})
	if err != nil {
		t.Fatalf("builtin.Prepare: %v", err)
	}
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]provider.Config{
		manual.KindName:  {Settings: map[string]string{}, Secrets: map[string]string{}},
		builtin.KindName: local,
		billmanager.KindName: {
			Settings: map[string]string{billmanager.SettingURL: "https://bill.example.com/billmgr", billmanager.SettingLogin: "reseller"},
			Secrets:  map[string]string{billmanager.SecretPassword: "secret-password"}},
		thesslstore.KindName: {
			Settings: map[string]string{thesslstore.SettingEnvironment: thesslstore.EnvironmentSandbox},
			Secrets:  map[string]string{thesslstore.SecretPartnerCode: "partner", thesslstore.SecretAuthToken: "token"}},
		acme.KindName: {
			Settings: map[string]string{acme.SettingDirectoryURL: "https://acme.example.com/directory",
				acme.SettingAccountURL: "https://acme.example.com/acct/1", acme.SettingHTTP: acme.BuiltinPublisher},
			Secrets: map[string]string{acme.SecretAccountKey: string(keyPEM)}},
	}
}

// TestCapsMatchProviders builds a provider of every default kind and checks
// the kind's capability flags against the interfaces the provider
// implements, and the kind-wide flags against what the core relies on.
func TestCapsMatchProviders(t *testing.T) {
	r := defaultRegistry(t)
	cfgs := sampleConfigs(t)
	for _, k := range r.Kinds() {
		t.Run(k.Name, func(t *testing.T) {
			cfg, ok := cfgs[k.Name]
			if !ok {
				t.Fatalf("no sample configuration for kind %q", k.Name)
			}
			if err := k.CheckSettings(cfg.Settings, cfg.Secrets); err != nil {
				t.Errorf("CheckSettings(sample): %v", err)
			}
			p, err := k.New(cfg)
			if err != nil {
				t.Fatalf("New(sample): %v", err)
			}
			if p.Kind() != k.Name {
				t.Errorf("provider Kind() = %q, want %q", p.Kind(), k.Name)
			}
			want := provider.CapsOf(p)
			want.ManualActivation, want.HTTP01 = k.Caps.ManualActivation, k.Caps.HTTP01
			if k.Caps != want {
				t.Errorf("Caps = %+v, the provider implements %+v", k.Caps, want)
			}
			// Only the manual module waits for an administrator, and only
			// ACME answers HTTP-01 challenges through certsvc.
			if k.Caps.ManualActivation != (k.Name == manual.KindName) {
				t.Errorf("ManualActivation = %v", k.Caps.ManualActivation)
			}
			if k.Caps.HTTP01 != (k.Name == acme.KindName) || (k.HTTP01 != nil) != k.Caps.HTTP01 {
				t.Errorf("HTTP01 = %v, handler %v", k.Caps.HTTP01, k.HTTP01 != nil)
			}
		})
	}
}

// TestDeclaredSettings checks that every kind declares the settings its
// package reads, each with a doc, and that generated ones are what the
// core keeps on an update.
func TestDeclaredSettings(t *testing.T) {
	r := defaultRegistry(t)
	type decl struct {
		name                        string
		secret, required, generated bool
		def                         string
	}
	want := map[string][]decl{
		manual.KindName: nil,
		builtin.KindName: {
			{name: builtin.SettingCAName, def: builtin.DefaultCAName}, {name: builtin.SettingAutoApprove, def: "false"},
			{name: builtin.SettingCRLBaseURL},
			{name: builtin.SettingCACerts, generated: true}, {name: builtin.SecretCAKeys, secret: true, generated: true}},
		billmanager.KindName: {
			{name: billmanager.SettingURL, required: true}, {name: billmanager.SettingLogin, required: true},
			{name: billmanager.SecretPassword, secret: true, required: true}, {name: billmanager.SettingCurrency}},
		thesslstore.KindName: {
			{name: thesslstore.SettingEnvironment, def: thesslstore.EnvironmentSandbox}, {name: thesslstore.SettingURL},
			{name: thesslstore.SecretPartnerCode, secret: true, required: true},
			{name: thesslstore.SecretAuthToken, secret: true, required: true}},
		acme.KindName: {
			{name: acme.SettingDirectoryURL, required: true}, {name: acme.SettingEmail}, {name: acme.SettingAgreeTOS, def: "false"},
			{name: acme.SettingEABKID}, {name: acme.SecretEABKey, secret: true}, {name: acme.SettingProfile},
			{name: acme.SettingHTTP}, {name: acme.SettingDNS}, {name: acme.SettingDNSWait, def: "30s"},
			{name: acme.SettingAccountURL, generated: true}, {name: acme.SecretAccountKey, secret: true, generated: true}},
	}
	for _, k := range r.Kinds() {
		var got []decl
		for _, s := range k.Settings {
			got = append(got, decl{s.Name, s.Secret, s.Required, s.Generated, s.Default})
			if s.Doc == "" {
				t.Errorf("%s setting %q has no Doc", k.Name, s.Name)
			}
		}
		if !slices.Equal(got, want[k.Name]) {
			t.Errorf("%s settings\n got %+v\nwant %+v", k.Name, got, want[k.Name])
		}
		if g := provider.GeneratedNames(k.Settings); !slices.Equal(k.Generated, g) {
			t.Errorf("%s Generated = %q, want %q", k.Name, k.Generated, g)
		}
	}
}

// TestCheckSettingsDefaultKinds checks the settings check on real kinds: the
// required settings of each, and a setting put in the wrong map.
func TestCheckSettingsDefaultKinds(t *testing.T) {
	r := defaultRegistry(t)
	bm, _ := r.Lookup(billmanager.KindName)
	ss, _ := r.Lookup(thesslstore.KindName)
	am, _ := r.Lookup(acme.KindName)
	lc, _ := r.Lookup(builtin.KindName)
	tests := []struct {
		name              string
		kind              provider.Kind
		settings, secrets map[string]string
		wantField         string // "" for no error
	}{
		{name: "ok/local CA needs nothing", kind: lc},
		{name: "ok/billmanager", kind: bm, settings: map[string]string{"url": "https://b.example", "login": "r"},
			secrets: map[string]string{"password": "p"}},
		{name: "error/billmanager without password", kind: bm,
			settings: map[string]string{"url": "https://b.example", "login": "r"}, wantField: "credentials.password"},
		{name: "error/billmanager password as a setting", kind: bm,
			settings: map[string]string{"url": "https://b.example", "login": "r", "password": "p"}, wantField: "settings.password"},
		{name: "error/billmanager blank url", kind: bm, settings: map[string]string{"url": " ", "login": "r"},
			secrets: map[string]string{"password": "p"}, wantField: "settings.url"},
		{name: "error/thesslstore token missing", kind: ss, secrets: map[string]string{"partner_code": "p"},
			wantField: "credentials.auth_token"},
		{name: "error/thesslstore environment as a secret", kind: ss,
			secrets:   map[string]string{"partner_code": "p", "auth_token": "t", "environment": "live"},
			wantField: "credentials.environment"},
		{name: "ok/acme generated settings may be given", kind: am,
			settings: map[string]string{"directory_url": "https://a.example/dir", "account_url": "https://a.example/acct/1"}},
		{name: "error/acme without directory", kind: am, settings: map[string]string{"email": "a@b.example"},
			wantField: "settings.directory_url"},
		{name: "error/acme unknown setting", kind: am,
			settings: map[string]string{"directory_url": "https://a.example/dir", "dns_wait": "10s"}, wantField: "settings.dns_wait"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.kind.CheckSettings(tc.settings, tc.secrets)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("CheckSettings: %v", err)
				}
				return
			}
			checkFieldErr(t, err, tc.wantField)
		})
	}
}

// TestHTTP01 checks that the default registry serves the ACME kind's
// answers and that an ACME module may name the built-in publisher.
func TestHTTP01(t *testing.T) {
	r := defaultRegistry(t)
	am, _ := r.Lookup(acme.KindName)
	cfg := sampleConfigs(t)[acme.KindName]
	cfg.Settings[acme.SettingHTTP] = "elsewhere"
	if _, err := am.New(cfg); err == nil {
		t.Error("an ACME module naming an unknown publisher was built")
	}
	// The default registry's publisher is the kind's own; present through
	// a registry built the same way with a publisher the test holds.
	pub := acme.NewMemoryPublisher()
	r2, err := provider.NewRegistry(acme.KindWith(acme.Options{
		HTTPPublishers: map[string]acme.HTTPPublisher{acme.BuiltinPublisher: pub}}))
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Present(context.Background(), "www.example.com", "tok1", "tok1.thumb"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reg  *provider.Registry
		host string
		code int
		body string
	}{
		{r2, "www.example.com", http.StatusOK, "tok1.thumb"},
		{r2, "other.example.com", http.StatusNotFound, ""},
		{r, "www.example.com", http.StatusNotFound, ""}, // another publisher
	} {
		req := httptest.NewRequest(http.MethodGet, "http://"+tc.host+acme.ChallengePath+"tok1", nil)
		rec := httptest.NewRecorder()
		tc.reg.HTTP01Handler().ServeHTTP(rec, req)
		if rec.Code != tc.code || (tc.body != "" && rec.Body.String() != tc.body) {
			t.Errorf("GET %s: %d %q, want %d %q", req.URL, rec.Code, rec.Body.String(), tc.code, tc.body)
		}
	}
	// A registry without an HTTP-01 kind answers 404.
	r3, err := provider.NewRegistry(manual.Kind(), acme.Kind())
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	r3.HTTP01Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, acme.ChallengePath+"tok1", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("no HTTP-01 kind: %d, want 404", rec.Code)
	}
	if k, _ := r3.Lookup(acme.KindName); k.Caps.HTTP01 || k.HTTP01 != nil {
		t.Error("acme.Kind() without publishers claims to serve HTTP-01")
	}
}
