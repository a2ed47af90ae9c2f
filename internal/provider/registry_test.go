package provider_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
)

func newNothing(provider.Config) (provider.Provider, error) {
	return nil, errors.New("not built in tests")
}

func testKind(name string, api certsvcv1.ModuleKind) provider.Kind {
	return provider.Kind{Name: name, API: api, New: newNothing}
}

func TestNewRegistry(t *testing.T) {
	manual := testKind("manual", certsvcv1.ModuleKind_MODULE_KIND_MANUAL)
	local := testKind("localca", certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA)
	withHTTP := func(k provider.Kind) provider.Kind {
		k.HTTP01, k.Caps.HTTP01 = http.NotFoundHandler(), true
		return k
	}
	tests := []struct {
		name    string
		kinds   []provider.Kind
		wantErr string
	}{
		{name: "ok/empty"},
		{name: "ok/two kinds", kinds: []provider.Kind{local, manual}},
		{name: "ok/one HTTP-01 kind", kinds: []provider.Kind{withHTTP(local), manual}},
		{name: "error/same name", kinds: []provider.Kind{manual, testKind("manual", certsvcv1.ModuleKind_MODULE_KIND_ACME)},
			wantErr: `module kind "manual" is registered twice`},
		{name: "error/same API value", kinds: []provider.Kind{manual, testKind("manual2", certsvcv1.ModuleKind_MODULE_KIND_MANUAL)},
			wantErr: `module kinds "manual" and "manual2" have the same API value`},
		{name: "error/no API value", kinds: []provider.Kind{testKind("x", certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED)},
			wantErr: `module kind "x" has no API value`},
		{name: "error/unknown API value", kinds: []provider.Kind{testKind("x", 99)},
			wantErr: `module kind "x" has the unknown API value 99`},
		{name: "error/bad name", kinds: []provider.Kind{testKind("Local CA", certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA)},
			wantErr: `module kind name "Local CA"`},
		{name: "error/no New", kinds: []provider.Kind{{Name: "x", API: certsvcv1.ModuleKind_MODULE_KIND_ACME}},
			wantErr: `module kind "x" has no New`},
		{name: "error/HTTP-01 claimed without a handler", kinds: []provider.Kind{func() provider.Kind {
			k := local
			k.Caps.HTTP01 = true
			return k
		}()}, wantErr: `Caps.HTTP01 is true but its HTTP01 handler is set: false`},
		{name: "error/two HTTP-01 kinds", kinds: []provider.Kind{withHTTP(local), withHTTP(manual)},
			wantErr: "serves HTTP-01 answers, and another kind does already"},
		{name: "error/setting twice", kinds: []provider.Kind{func() provider.Kind {
			k := local
			k.Settings = []provider.Setting{{Name: "a"}, {Name: "a", Secret: true}}
			return k
		}()}, wantErr: `declares setting "a" twice`},
		{name: "error/required and generated", kinds: []provider.Kind{func() provider.Kind {
			k := local
			k.Settings = []provider.Setting{{Name: "a", Required: true, Generated: true}}
			k.Generated = []string{"a"}
			return k
		}()}, wantErr: `setting "a" cannot be both required and generated`},
		{name: "error/secret default", kinds: []provider.Kind{func() provider.Kind {
			k := local
			k.Settings = []provider.Setting{{Name: "a", Secret: true, Default: "x"}}
			return k
		}()}, wantErr: `secret "a" cannot have a default`},
		{name: "error/Generated disagrees", kinds: []provider.Kind{func() provider.Kind {
			k := local
			k.Settings = []provider.Setting{{Name: "a", Generated: true}, {Name: "b"}}
			k.Generated = []string{"b"}
			return k
		}()}, wantErr: `Generated is ["b"], its settings generate ["a"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := provider.NewRegistry(tc.kinds...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("NewRegistry: %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewRegistry: %v", err)
			}
			if got := len(r.Kinds()); got != len(tc.kinds) {
				t.Errorf("%d kinds, want %d", got, len(tc.kinds))
			}
		})
	}
}

func TestRegistryOrderAndCopies(t *testing.T) {
	r, err := provider.NewRegistry(testKind("acme", certsvcv1.ModuleKind_MODULE_KIND_ACME),
		testKind("manual", certsvcv1.ModuleKind_MODULE_KIND_MANUAL))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Names(); len(got) != 2 || got[0] != "manual" || got[1] != "acme" {
		t.Errorf("Names() = %q, want the order of the API values", got)
	}
	r.Kinds()[0].Name = "changed"
	delete(r.Map(), "manual")
	if k, ok := r.Lookup("manual"); !ok || k.Name != "manual" || r.Kinds()[0].Name != "manual" {
		t.Error("Kinds or Map expose the registry")
	}
}

func TestCheckSettings(t *testing.T) {
	k := provider.Kind{Name: "demo", Settings: []provider.Setting{
		{Name: "url", Required: true, Doc: "the API URL"},
		{Name: "mode", Default: "test"},
		{Name: "token", Secret: true, Required: true},
		{Name: "keys", Secret: true, Generated: true},
	}}
	tests := []struct {
		name              string
		settings, secrets map[string]string
		wantField         string
		wantMsg           string
	}{
		{name: "ok/all", settings: map[string]string{"url": "u", "mode": "live"}, secrets: map[string]string{"token": "t", "keys": "k"}},
		{name: "ok/optional and generated absent", settings: map[string]string{"url": "u"}, secrets: map[string]string{"token": "t"}},
		{name: "error/unknown setting, sorted first", settings: map[string]string{"url": "u", "zz": "1", "aa": "1"},
			secrets: map[string]string{"token": "t"}, wantField: "settings.aa", wantMsg: `a demo module has no setting "aa"`},
		{name: "error/unknown secret", settings: map[string]string{"url": "u"}, secrets: map[string]string{"token": "t", "pin": "1"},
			wantField: "credentials.pin"},
		{name: "error/secret in settings names no value", settings: map[string]string{"url": "u", "token": "hunter2"},
			wantField: "settings.token", wantMsg: `"token" is a credential of a demo module: send it in credentials`},
		{name: "error/setting in secrets", settings: map[string]string{"url": "u"}, secrets: map[string]string{"token": "t", "mode": "x"},
			wantField: "credentials.mode"},
		{name: "error/required missing, in declaration order", wantField: "settings.url",
			wantMsg: `a demo module needs "url": the API URL`},
		{name: "error/required secret blank", settings: map[string]string{"url": "u"}, secrets: map[string]string{"token": "  "},
			wantField: "credentials.token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := k.CheckSettings(tc.settings, tc.secrets)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("CheckSettings: %v", err)
				}
				return
			}
			var ke *errkind.Error
			if !errors.As(err, &ke) || !errors.Is(err, errkind.InvalidArgument) || ke.Field != tc.wantField {
				t.Fatalf("error %v, want invalid_argument about %q", err, tc.wantField)
			}
			if tc.wantMsg != "" && ke.Msg != tc.wantMsg {
				t.Errorf("message %q, want %q", ke.Msg, tc.wantMsg)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows a secret: %v", err)
			}
		})
	}
}

// fullProvider implements every optional interface.
type fullProvider struct{ provider.Provider }

func (fullProvider) FindByRef(context.Context, string) (provider.Remote, bool, error) {
	return provider.Remote{}, false, nil
}
func (fullProvider) Products(context.Context) ([]provider.Product, error) { return nil, nil }
func (fullProvider) ApproverEmails(context.Context, string, string) ([]string, error) {
	return nil, nil
}
func (fullProvider) SetDCV(context.Context, provider.RemoteRef, string, provider.DCVChoice) (provider.Remote, error) {
	return provider.Remote{}, nil
}
func (fullProvider) RetryDCV(context.Context, provider.RemoteRef, string) (provider.Remote, error) {
	return provider.Remote{}, nil
}
func (fullProvider) RepeatSafe() {}
func (fullProvider) Reissue(context.Context, provider.RemoteRef, provider.ReissueRequest) (provider.Remote, error) {
	return provider.Remote{}, nil
}
func (fullProvider) Renew(context.Context, provider.RemoteRef, provider.OrderRequest) (provider.Remote, error) {
	return provider.Remote{}, nil
}
func (fullProvider) Revoke(context.Context, provider.RemoteRef, string, int) error { return nil }
func (fullProvider) Balance(context.Context) (provider.Money, error)               { return provider.Money{}, nil }

func TestCapsOf(t *testing.T) {
	want := provider.Capabilities{RepeatSafe: true, RefLookup: true, Reissue: true, Renew: true, Revoke: true,
		DCV: true, Catalog: true, Approvers: true, Balance: true}
	if got := provider.CapsOf(fullProvider{}); got != want {
		t.Errorf("CapsOf(every interface) = %+v, want %+v", got, want)
	}
	type bare struct{ provider.Provider }
	if got := provider.CapsOf(bare{}); got != (provider.Capabilities{}) {
		t.Errorf("CapsOf(bare) = %+v, want none", got)
	}
}
