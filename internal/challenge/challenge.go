// Package challenge keeps the HTTP-01 answers of the ACME module in the
// store, so that every replica of certsvc answers a CA's validation request
// at /.well-known/acme-challenge/<token>, whichever replica ordered (a
// CA's validation request lands on any replica behind the load balancer).
package challenge

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/acmechallenge"
)

// Path is the path prefix of HTTP-01 answers (RFC 8555 §8.3); the same as
// acme.ChallengePath.
const Path = "/.well-known/acme-challenge/"

// MaxAge is how long an answer is kept when the module never cleaned it up
// (its replica died between Present and CleanUp): an ACME authorization
// is valid for far less.
const MaxAge = 7 * 24 * time.Hour

// Store is an HTTP-01 publisher (acme.HTTPPublisher) and the handler of
// its answers, over the store. It is safe for concurrent use.
type Store struct {
	db  *ent.Client
	now func() time.Time
}

// New returns the publisher of db.
func New(db *ent.Client) *Store { return &Store{db: db, now: time.Now} }

// Present serves keyAuth for token on domain from now on, on every replica.
// It returns once the answer is committed; replicas read it with
// wsrep_sync_wait on Galera, so the CA's request finds it.
func (s *Store) Present(ctx context.Context, domain, token, keyAuth string) error {
	err := s.db.AcmeChallenge.Create().SetToken(token).SetDomain(strings.ToLower(strings.TrimSuffix(domain, "."))).
		SetKeyAuth(keyAuth).SetCreateTime(s.now()).
		OnConflictColumns(acmechallenge.FieldToken).UpdateNewValues().Exec(ctx)
	if err != nil {
		return fmt.Errorf("present HTTP-01 answer: %w", err)
	}
	if _, err := s.db.AcmeChallenge.Delete().Where(acmechallenge.CreateTimeLT(s.now().Add(-MaxAge))).Exec(ctx); err != nil {
		return fmt.Errorf("purge old HTTP-01 answers: %w", err)
	}
	return nil
}

// CleanUp stops serving token.
func (s *Store) CleanUp(ctx context.Context, _, token string) error {
	if _, err := s.db.AcmeChallenge.Delete().Where(acmechallenge.Token(token)).Exec(ctx); err != nil {
		return fmt.Errorf("clean up HTTP-01 answer: %w", err)
	}
	return nil
}

// ServeHTTP answers GET and HEAD requests for presented tokens with the key
// authorization as text/plain, and 404 for anything else (also for a token
// presented for another domain).
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	token, ok := strings.CutPrefix(r.URL.Path, Path)
	if !ok || token == "" || strings.Contains(token, "/") {
		http.NotFound(w, r)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	a, err := s.db.AcmeChallenge.Query().Where(acmechallenge.Token(token)).Only(r.Context())
	switch {
	case ent.IsNotFound(err):
		http.NotFound(w, r)
		return
	case err != nil:
		http.Error(w, "the database is unavailable", http.StatusServiceUnavailable)
		return
	case !strings.EqualFold(strings.TrimSuffix(host, "."), a.Domain):
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(a.KeyAuth))
}
