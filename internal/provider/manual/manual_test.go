package manual_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/manual"
)

func newProvider(t *testing.T) provider.Provider {
	t.Helper()
	k := manual.Kind()
	if k.New == nil {
		t.Fatal("Kind().New is nil")
	}
	if k.Prepare != nil {
		t.Error("Kind().Prepare is set; the manual module needs no preparation")
	}
	p, err := k.New(provider.Config{Settings: map[string]string{"x": "y"}, Secrets: map[string]string{"password": "hunter2"}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func want(ref provider.RemoteRef) provider.Remote {
	return provider.Remote{
		RemoteRef: ref,
		State:     provider.StateProcessing,
		RawStatus: "awaiting administrator",
		Message:   "An administrator completes this order by uploading the issued certificate.",
	}
}

func TestCapabilities(t *testing.T) {
	p := newProvider(t)
	if got := p.Kind(); got != "manual" {
		t.Errorf("Kind() = %q, want manual", got)
	}
	if _, ok := p.(provider.RepeatSafe); !ok {
		t.Error("the manual provider is not RepeatSafe")
	}
	for name, ok := range map[string]bool{
		"RefLookup":     is[provider.RefLookup](p),
		"DCVController": is[provider.DCVController](p),
		"Reissuer":      is[provider.Reissuer](p),
		"Revoker":       is[provider.Revoker](p),
	} {
		if ok {
			t.Errorf("the manual provider implements %s; it should not", name)
		}
	}
	if err := p.CheckCredentials(context.Background()); err != nil {
		t.Errorf("CheckCredentials: %v", err)
	}
}

func is[T any](v any) bool { _, ok := v.(T); return ok }

func TestCalls(t *testing.T) {
	ctx := context.Background()
	p := newProvider(t)
	req := provider.OrderRequest{Ref: "42", CommonName: "example.com", SANs: []string{"www.example.com"}, CSRPEM: "ignored"}
	stored := provider.RemoteRef{Ref: "42", RemoteID: "", State: []byte(`{"anything":1}`)}

	tests := []struct {
		name string
		call func() (provider.Remote, error)
		want provider.Remote
	}{
		{"PlaceOrder", func() (provider.Remote, error) { return p.PlaceOrder(ctx, req) }, want(provider.RemoteRef{Ref: "42"})},
		{"PlaceOrder again", func() (provider.Remote, error) { return p.PlaceOrder(ctx, req) }, want(provider.RemoteRef{Ref: "42"})},
		{"Renew", func() (provider.Remote, error) {
			return p.(provider.Renewer).Renew(ctx, stored, provider.OrderRequest{Ref: "43"})
		}, want(provider.RemoteRef{Ref: "43"})},
		{"Sync keeps the ref", func() (provider.Remote, error) { return p.Sync(ctx, stored) }, want(stored)},
		{"Sync of an empty ref", func() (provider.Remote, error) { return p.Sync(ctx, provider.RemoteRef{}) }, want(provider.RemoteRef{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if err := p.Cancel(ctx, stored, "customer asked"); err != nil {
		t.Errorf("Cancel: %v", err)
	}
}

func TestCancelledContext(t *testing.T) {
	p := newProvider(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.PlaceOrder(ctx, provider.OrderRequest{Ref: "1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("PlaceOrder with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := p.Sync(ctx, provider.RemoteRef{Ref: "1"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync with a cancelled context: %v, want context.Canceled", err)
	}
}
