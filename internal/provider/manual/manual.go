// Package manual is the manual processing module (kind "manual"): an
// administrator completes each order by uploading the issued certificate.
// The module never calls out and keeps nothing; the core holds the order and
// the uploaded certificate, and never syncs an issued order with it.
package manual

import (
	"context"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/provider"
)

// KindName is the kind of the module, returned by the provider's Kind method.
const KindName = "manual"

// Message is the note every answer of the module carries.
const Message = "An administrator completes this order by uploading the issued certificate."

// RawStatus is the module's status of every order.
const RawStatus = "awaiting administrator"

// Kind returns the module kind for the core's registry. The module needs no
// configuration, so it has no settings and no Prepare. An administrator
// activates its orders (ManualActivation) and, as it has no Reissuer,
// uploads reissued certificates too.
func Kind() provider.Kind {
	return provider.Kind{
		Name: KindName,
		API:  certsvcv1.ModuleKind_MODULE_KIND_MANUAL,
		Doc:  "Orders are completed by an administrator uploading the issued certificate.",
		Caps: provider.Capabilities{ManualActivation: true, RepeatSafe: true, Renew: true},
		New:  New,
	}
}

// New returns the manual provider. The configuration is not used.
func New(provider.Config) (provider.Provider, error) {
	return manual{}, nil
}

type manual struct{}

var (
	_ provider.Provider   = manual{}
	_ provider.Renewer    = manual{}
	_ provider.RepeatSafe = manual{}
)

// Kind returns "manual".
func (manual) Kind() string { return KindName }

// RepeatSafe marks the module as safe to call twice: it records nothing.
func (manual) RepeatSafe() {}

// CheckCredentials succeeds: there is nothing to check.
func (manual) CheckCredentials(ctx context.Context) error { return ctx.Err() }

// PlaceOrder returns the order as processing, awaiting an administrator.
func (manual) PlaceOrder(ctx context.Context, r provider.OrderRequest) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	return processing(provider.RemoteRef{Ref: r.Ref}), nil
}

// Renew is PlaceOrder for the next term.
func (m manual) Renew(ctx context.Context, _ provider.RemoteRef, r provider.OrderRequest) (provider.Remote, error) {
	return m.PlaceOrder(ctx, r)
}

// Sync returns the order as processing, with ref unchanged.
func (manual) Sync(ctx context.Context, ref provider.RemoteRef) (provider.Remote, error) {
	if err := ctx.Err(); err != nil {
		return provider.Remote{}, err
	}
	return processing(ref), nil
}

// Cancel does nothing: nothing was ordered anywhere.
func (manual) Cancel(ctx context.Context, _ provider.RemoteRef, _ string) error { return ctx.Err() }

func processing(ref provider.RemoteRef) provider.Remote {
	return provider.Remote{RemoteRef: ref, State: provider.StateProcessing, RawStatus: RawStatus, Message: Message}
}
