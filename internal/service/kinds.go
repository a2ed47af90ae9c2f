package service

import (
	"certsvc/internal/provider"
	"certsvc/internal/provider/acme"
	"certsvc/internal/provider/billmanager"
	"certsvc/internal/provider/builtin"
	"certsvc/internal/provider/manual"
	"certsvc/internal/provider/thesslstore"
)

// ACMEChallenges publishes the HTTP-01 answers of ACME modules whose
// setting "http_publisher" is "builtin"; the server serves it under
// /.well-known/acme-challenge/, for domains that point at certsvc (or a
// proxy that routes that path to it). Tokens are unique, so one publisher
// serves every module of the process.
var ACMEChallenges = acme.NewMemoryPublisher()

// DefaultKinds are the processing-module kinds built into certsvc.
func DefaultKinds() map[string]provider.Kind {
	return map[string]provider.Kind{
		builtin.KindName:     builtin.Kind(),
		manual.KindName:      manual.Kind(),
		billmanager.KindName: billmanager.Kind(),
		thesslstore.KindName: thesslstore.Kind(),
		acme.KindName: acme.KindWith(acme.Options{
			HTTPPublishers: map[string]acme.HTTPPublisher{"builtin": ACMEChallenges},
		}),
	}
}
