package acme

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
)

// HTTPPublisher serves HTTP-01 challenge responses: the key authorization at
// http://<domain>/.well-known/acme-challenge/<token>. Present must return
// only once the response is served, because the challenge is accepted right
// after it; the module calls it again on every Sync while the CA may fetch
// the response, so a publisher that loses responses on a restart is
// refilled. Both methods must be idempotent and safe for concurrent use, and
// the CA fetches a response several times, from several places.
type HTTPPublisher interface {
	Present(ctx context.Context, domain, token, keyAuth string) error
	CleanUp(ctx context.Context, domain, token string) error
}

// DNSProvider publishes DNS-01 TXT records. name is the record's name without
// the final dot ("_acme-challenge.example.com"). A name may carry several
// values at once (a name and its wildcard share one), so Present adds a value
// and CleanUp removes only the given one. Both must be idempotent and safe
// for concurrent use. The module waits Settings["dns_propagation_wait"]
// between Present and accepting the challenge.
type DNSProvider interface {
	Present(ctx context.Context, name, value string) error
	CleanUp(ctx context.Context, name, value string) error
}

// ChallengePath is the path prefix of HTTP-01 responses (RFC 8555 §8.3).
const ChallengePath = "/.well-known/acme-challenge/"

// MemoryPublisher is an [HTTPPublisher] that keeps the responses in memory
// and serves them as an [http.Handler] under /.well-known/acme-challenge/,
// for a hoster to route the customers' domains (port 80) to. It answers only
// for the domain a token was presented for.
//
// The responses live in this process only: when several instances of the
// service run, the hoster must route challenge requests to the one that
// presented them, or use another HTTPPublisher.
//
// The zero value is ready to use; it is safe for concurrent use.
type MemoryPublisher struct {
	mu        sync.RWMutex
	responses map[string]memResponse // by token
}

type memResponse struct{ domain, keyAuth string }

var _ HTTPPublisher = (*MemoryPublisher)(nil)

// NewMemoryPublisher returns an empty MemoryPublisher.
func NewMemoryPublisher() *MemoryPublisher { return &MemoryPublisher{} }

// Present serves keyAuth for token on domain from now on.
func (m *MemoryPublisher) Present(ctx context.Context, domain, token, keyAuth string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.responses == nil {
		m.responses = map[string]memResponse{}
	}
	m.responses[token] = memResponse{domain: strings.ToLower(domain), keyAuth: keyAuth}
	return nil
}

// CleanUp stops serving token.
func (m *MemoryPublisher) CleanUp(ctx context.Context, _, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.responses, token)
	return nil
}

// Len returns how many responses are served.
func (m *MemoryPublisher) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.responses)
}

// ServeHTTP answers GET and HEAD requests for presented tokens with the key
// authorization as text/plain, and 404 for anything else.
func (m *MemoryPublisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	token, ok := strings.CutPrefix(r.URL.Path, ChallengePath)
	if !ok || token == "" || strings.Contains(token, "/") {
		http.NotFound(w, r)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	m.mu.RLock()
	resp, found := m.responses[token]
	m.mu.RUnlock()
	if !found || !strings.EqualFold(strings.TrimSuffix(host, "."), resp.domain) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(resp.keyAuth))
}
