package provider

import (
	"maps"
	"slices"
	"strings"

	"github.com/certsvc/certsvc/internal/errkind"
)

// Capabilities are what the providers of a kind can do. Most mirror the
// optional interfaces of this package (CapsOf derives those from a
// Provider); ManualActivation and HTTP01 are about the kind as a whole. The
// core reads them instead of comparing kind names.
type Capabilities struct {
	// ManualActivation: an administrator completes the kind's orders by
	// uploading the issued certificate (ActivateCertificate). The worker
	// does not poll such orders once the module has answered, and a
	// reissue waits for the upload when the provider is no Reissuer.
	ManualActivation bool
	// RepeatSafe: placing an order twice costs nothing and harms no one
	// (RepeatSafe), so an unknown outcome is resolved by sending again.
	RepeatSafe bool
	// RefLookup: an order can be found by our reference (RefLookup).
	RefLookup bool
	// Reissue: an issued certificate can be reissued (Reissuer).
	Reissue bool
	// Renew: the next term is ordered as a renewal (Renewer); without it a
	// renewal is placed as a new order.
	Renew bool
	// Revoke: a certificate can be revoked at the CA (Revoker).
	Revoke bool
	// DCV: domain validation can be changed or re-triggered (DCVController).
	DCV bool
	// Catalog: the CA's products can be imported (Catalog).
	Catalog bool
	// Approvers: the CA lists approver addresses (ApproverLister).
	Approvers bool
	// Balance: the money left at the CA can be read (BalanceReporter).
	Balance bool
	// HTTP01: certsvc serves the HTTP-01 answers of the kind's modules
	// (Kind.HTTP01 is set).
	HTTP01 bool
}

// CapsOf is the capabilities p has by the optional interfaces it
// implements. ManualActivation and HTTP01 are left false: no interface
// says them.
func CapsOf(p Provider) Capabilities {
	var c Capabilities
	_, c.RepeatSafe = p.(RepeatSafe)
	_, c.RefLookup = p.(RefLookup)
	_, c.Reissue = p.(Reissuer)
	_, c.Renew = p.(Renewer)
	_, c.Revoke = p.(Revoker)
	_, c.DCV = p.(DCVController)
	_, c.Catalog = p.(Catalog)
	_, c.Approvers = p.(ApproverLister)
	_, c.Balance = p.(BalanceReporter)
	return c
}

// Setting is one setting or secret of a kind.
type Setting struct {
	// Name is the key in Config.Settings, or in Config.Secrets when Secret.
	Name string
	// Doc describes the value, for operators.
	Doc string
	// Secret settings are credentials: stored sealed, given to the provider
	// in Config.Secrets, never shown or logged.
	Secret bool
	// Required settings must be set (not blank) when a module is created.
	Required bool
	// Generated settings are made by the kind's Prepare when absent; an
	// update keeps them unless it sets them itself.
	Generated bool
	// Default is the value the kind uses when the setting is absent or
	// blank; "" when there is none.
	Default string
}

// GeneratedNames returns the names of the generated settings, in order:
// what Kind.Generated holds.
func GeneratedNames(settings []Setting) []string {
	var out []string
	for _, s := range settings {
		if s.Generated {
			out = append(out, s.Name)
		}
	}
	return out
}

// Setting returns the kind's setting or secret named name.
func (k Kind) Setting(name string) (Setting, bool) {
	for _, s := range k.Settings {
		if s.Name == name {
			return s, true
		}
	}
	return Setting{}, false
}

// CheckSettings checks a new module's settings and secrets against the
// kind's declaration before its Prepare runs: every key is a declared
// setting in the right map, and every required one is set. Errors wrap
// errkind.InvalidArgument and name the field ("settings.url",
// "credentials.password"), never a secret's value. Keys are checked in
// sorted order, then the required ones in the kind's order, so the first
// error is the same on every call.
func (k Kind) CheckSettings(settings, secrets map[string]string) error {
	for _, in := range []struct {
		m      map[string]string
		field  string
		secret bool
	}{{settings, "settings", false}, {secrets, "credentials", true}} {
		for _, name := range slices.Sorted(maps.Keys(in.m)) {
			s, ok := k.Setting(name)
			switch {
			case !ok:
				return errkind.Invalid(in.field+"."+name, "a %s module has no setting %q", k.Name, name)
			case s.Secret && !in.secret:
				return errkind.Invalid(in.field+"."+name, "%q is a credential of a %s module: send it in credentials", name, k.Name)
			case !s.Secret && in.secret:
				return errkind.Invalid(in.field+"."+name, "%q is a setting of a %s module, not a credential", name, k.Name)
			}
		}
	}
	for _, s := range k.Settings {
		m, field := settings, "settings."
		if s.Secret {
			m, field = secrets, "credentials."
		}
		if s.Required && strings.TrimSpace(m[s.Name]) == "" {
			return errkind.Invalid(field+s.Name, "a %s module needs %q: %s", k.Name, s.Name, s.Doc)
		}
	}
	return nil
}
