package billmgrhttp

import (
	"github.com/certsvc/certsvc/compat/billmgr"
	"sync"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// namesTTL is how long the gateway keeps what it shows beside ids.
const namesTTL = time.Minute

// names caches what the gateway shows beside ids: account and plan names
// and the country list. They change rarely and are display only, and a
// name is only shown on a row the caller was allowed to read, so a minute
// of staleness is harmless, while reading them again for every call would
// triple the work of a list.
type names struct {
	mu        sync.Mutex
	now       func() time.Time
	accounts  map[int64]entry[string]
	plans     map[int64]entry[*certsvcv1.Plan]
	countries entry[[]billmgr.Option]
}

type entry[T any] struct {
	v       T
	expires time.Time
}

func newNames() *names {
	return &names{now: time.Now, accounts: map[int64]entry[string]{}, plans: map[int64]entry[*certsvcv1.Plan]{}}
}

// get returns m[k] while it is fresh.
func get[K comparable, T any](n *names, m map[K]entry[T], k K) (T, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, ok := m[k]
	if !ok || n.now().After(e.expires) {
		var zero T
		return zero, false
	}
	return e.v, true
}

// put keeps v as m[k] for namesTTL; the map is cleared when it grows large.
func put[K comparable, T any](n *names, m map[K]entry[T], k K, v T) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(m) >= 10000 {
		clear(m)
	}
	m[k] = entry[T]{v: v, expires: n.now().Add(namesTTL)}
}
