package service

import (
	"certsvc/internal/provider"
	"certsvc/internal/provider/builtin"
	"certsvc/internal/provider/manual"
)

// DefaultKinds are the processing-module kinds built into certsvc.
func DefaultKinds() map[string]provider.Kind {
	return map[string]provider.Kind{
		builtin.KindName: builtin.Kind(),
		manual.KindName:  manual.Kind(),
	}
}
