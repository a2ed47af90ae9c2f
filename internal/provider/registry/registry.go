// Package registry builds the registry of the processing-module kinds built
// into certsvc. cmd/certsvc calls Default once at start-up and hands the
// registry to the core, the worker and the server; adding a CA module is
// one line in Default's list.
package registry

import (
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
	"github.com/certsvc/certsvc/internal/provider/billmanager"
	"github.com/certsvc/certsvc/internal/provider/builtin"
	"github.com/certsvc/certsvc/internal/provider/manual"
	"github.com/certsvc/certsvc/internal/provider/thesslstore"
)

// Default returns the registry of the kinds built into certsvc. Each call
// builds new kinds: the ACME kind gets its own in-memory HTTP-01 publisher,
// for modules whose setting "http_publisher" is "builtin", which the
// registry's HTTP01Handler serves (tokens are unique, so one publisher
// serves every ACME module of the process).
func Default() (*provider.Registry, error) {
	return DefaultWith(acme.NewMemoryPublisher())
}

// DefaultWith is Default with the built-in HTTP-01 publisher http, which
// must also be an http.Handler serving its answers: challenge.Store, in the
// store, when several replicas serve one database.
func DefaultWith(http acme.HTTPPublisher) (*provider.Registry, error) {
	return provider.NewRegistry(
		builtin.Kind(),
		manual.Kind(),
		billmanager.Kind(),
		thesslstore.Kind(),
		acme.KindWith(acme.Options{
			HTTPPublishers: map[string]acme.HTTPPublisher{acme.BuiltinPublisher: http},
		}),
	)
}
