package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// Registry is the set of module kinds a build of certsvc offers, looked up
// by stored name or by API value. It is built once, at start-up, from the
// kinds the provider packages declare, and never changes; it is safe for
// concurrent use.
type Registry struct {
	kinds  []Kind // by API value
	byName map[string]int
	byAPI  map[certsvcv1.ModuleKind]int
	http01 http.Handler
}

var kindName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// NewRegistry checks the kinds and returns their registry. A kind needs a
// lower-case name and an API value, both unique, a New function, uniquely
// named settings of which none is both required and generated, Generated
// equal to GeneratedNames(Settings), and Caps.HTTP01 exactly when it has an
// HTTP01 handler; at most one kind may serve HTTP-01 answers (a token names
// no kind).
func NewRegistry(kinds ...Kind) (*Registry, error) {
	r := &Registry{byName: map[string]int{}, byAPI: map[certsvcv1.ModuleKind]int{}}
	sorted := slices.Clone(kinds)
	slices.SortStableFunc(sorted, func(a, b Kind) int { return int(a.API) - int(b.API) })
	for i, k := range sorted {
		if err := checkKind(k); err != nil {
			return nil, err
		}
		if _, dup := r.byName[k.Name]; dup {
			return nil, fmt.Errorf("module kind %q is registered twice", k.Name)
		}
		if j, dup := r.byAPI[k.API]; dup {
			return nil, fmt.Errorf("module kinds %q and %q have the same API value %s", sorted[j].Name, k.Name, k.API)
		}
		if k.HTTP01 != nil {
			if r.http01 != nil {
				return nil, fmt.Errorf("module kind %q serves HTTP-01 answers, and another kind does already", k.Name)
			}
			r.http01 = k.HTTP01
		}
		r.byName[k.Name], r.byAPI[k.API] = i, i
		r.kinds = append(r.kinds, k)
	}
	return r, nil
}

func checkKind(k Kind) error {
	switch {
	case !kindName.MatchString(k.Name):
		return fmt.Errorf("module kind name %q: want lower-case letters, digits and _", k.Name)
	case k.API == certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED:
		return fmt.Errorf("module kind %q has no API value", k.Name)
	case certsvcv1.ModuleKind_name[int32(k.API)] == "":
		return fmt.Errorf("module kind %q has the unknown API value %d", k.Name, k.API)
	case k.New == nil:
		return fmt.Errorf("module kind %q has no New", k.Name)
	case k.Caps.HTTP01 != (k.HTTP01 != nil):
		return fmt.Errorf("module kind %q: Caps.HTTP01 is %v but its HTTP01 handler is set: %v", k.Name, k.Caps.HTTP01, k.HTTP01 != nil)
	}
	seen := map[string]bool{}
	for _, s := range k.Settings {
		switch {
		case s.Name == "":
			return fmt.Errorf("module kind %q has a setting without a name", k.Name)
		case seen[s.Name]:
			return fmt.Errorf("module kind %q declares setting %q twice", k.Name, s.Name)
		case s.Required && s.Generated:
			return fmt.Errorf("module kind %q: setting %q cannot be both required and generated", k.Name, s.Name)
		case s.Secret && s.Default != "":
			return fmt.Errorf("module kind %q: secret %q cannot have a default", k.Name, s.Name)
		}
		seen[s.Name] = true
	}
	gen := slices.Sorted(slices.Values(k.Generated))
	if want := slices.Sorted(slices.Values(GeneratedNames(k.Settings))); !slices.Equal(gen, want) {
		return fmt.Errorf("module kind %q: Generated is %q, its settings generate %q", k.Name, gen, want)
	}
	return nil
}

// Lookup returns the kind stored as name.
func (r *Registry) Lookup(name string) (Kind, bool) {
	i, ok := r.byName[name]
	if !ok {
		return Kind{}, false
	}
	return r.kinds[i], true
}

// ByAPI returns the kind whose API value is k.
func (r *Registry) ByAPI(k certsvcv1.ModuleKind) (Kind, bool) {
	i, ok := r.byAPI[k]
	if !ok {
		return Kind{}, false
	}
	return r.kinds[i], true
}

// APIOf returns the API value of the kind stored as name, or
// MODULE_KIND_UNSPECIFIED for a name this build does not know.
func (r *Registry) APIOf(name string) certsvcv1.ModuleKind {
	if k, ok := r.Lookup(name); ok {
		return k.API
	}
	return certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED
}

// Kinds returns the kinds in the order of their API values. The slice is a
// fresh copy.
func (r *Registry) Kinds() []Kind { return slices.Clone(r.kinds) }

// Names returns the stored names of the kinds, in the order of Kinds.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.kinds))
	for _, k := range r.kinds {
		out = append(out, k.Name)
	}
	return out
}

// Map returns the kinds by stored name, a fresh map (the shape the service
// took before the registry).
func (r *Registry) Map() map[string]Kind {
	out := make(map[string]Kind, len(r.kinds))
	for _, k := range r.kinds {
		out[k.Name] = k
	}
	return out
}

// HTTP01Handler serves the HTTP-01 answers of the kind that publishes them
// through certsvc; mount it at GET /.well-known/acme-challenge/. Without
// such a kind it answers 404 to everything.
func (r *Registry) HTTP01Handler() http.Handler {
	if r.http01 == nil {
		return http.NotFoundHandler()
	}
	return r.http01
}
