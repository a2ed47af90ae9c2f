// Package crl publishes the CRLs of the built-in CA modules over HTTP, at
// the URL their certificates name as CRL distribution point
// (builtin.CRLURL: <crl_base_url>/crl/<module id>.crl).
//
// A module's CRL lists the certificates the order core recorded revoked
// (revoke_time set, also once deleted), signed by the module's
// intermediate. It is kept in memory and signed again when it is not
// current: on the first fetch after a revocation (a cheap indexed read on
// every fetch compares the newest revocation and the count, so a
// revocation made by any replica is seen) and once half its validity
// (localca.CRLValidity, 7 days) has passed, so a CRL served always has
// days left before its nextUpdate. Refresh signs every module's CRL ahead
// of the fetches; the server runs it on a schedule.
package crl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

// Publisher signs and caches the CRLs of the built-in CA modules.
type Publisher struct {
	core *core.Core
	log  *slog.Logger

	mu    sync.Mutex
	cache map[int64]*signed
}

// signed is one module's current CRL and what it was signed from.
type signed struct {
	der     []byte
	at      time.Time // thisUpdate
	latest  time.Time // newest revocation listed
	count   int       // revocations listed
	modTime time.Time // the module's update time (its keys)
}

// New returns a Publisher over c.
func New(c *core.Core, log *slog.Logger) *Publisher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{core: c, log: log, cache: map[int64]*signed{}}
}

// ErrNoCRL: the module does not exist or is not a built-in CA.
var ErrNoCRL = errors.New("no CRL is published for this module")

// CRL returns the current DER CRL of module moduleID, signing a new one
// when the cached one is not current (see the package comment).
func (p *Publisher) CRL(ctx context.Context, moduleID int64) ([]byte, error) {
	mod, prov, err := p.core.ProviderFor(ctx, moduleID)
	if errors.Is(err, errkind.NotFound) {
		return nil, ErrNoCRL
	}
	if err != nil {
		return nil, err
	}
	signer, ok := prov.(builtin.CRLSigner)
	if !ok {
		return nil, ErrNoCRL
	}
	latest, count, err := p.core.LatestRevocation(ctx, moduleID)
	if err != nil {
		return nil, err
	}
	now := p.core.Clock()
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.cache[moduleID]; s != nil && s.latest.Equal(latest) && s.count == count &&
		s.modTime.Equal(mod.UpdateTime) && now.Before(s.at.Add(localca.CRLValidity/2)) {
		return s.der, nil
	}
	revs, err := p.core.Revocations(ctx, moduleID)
	if err != nil {
		return nil, err
	}
	list := make([]localca.Revocation, 0, len(revs))
	for _, r := range revs {
		list = append(list, localca.Revocation{Serial: r.Serial, RevokedAt: r.Time, Reason: r.Reason})
	}
	der, err := signer.SignCRL(now, list)
	if err != nil {
		return nil, fmt.Errorf("sign the CRL of module %d: %w", moduleID, err)
	}
	p.cache[moduleID] = &signed{der: der, at: now, latest: latest, count: count, modTime: mod.UpdateTime}
	p.log.InfoContext(ctx, "CRL signed", "module", moduleID, "revoked", len(list))
	return der, nil
}

// Refresh signs anew the cached CRLs that are no longer current, so that
// fetches find them ready; it returns the first error.
func (p *Publisher) Refresh(ctx context.Context) error {
	p.mu.Lock()
	ids := make([]int64, 0, len(p.cache))
	for id := range p.cache {
		ids = append(ids, id)
	}
	p.mu.Unlock()
	var first error
	for _, id := range ids {
		if _, err := p.CRL(ctx, id); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Run calls Refresh every interval until ctx ends (an hour when 0).
func (p *Publisher) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := p.Refresh(ctx); err != nil && ctx.Err() == nil {
				p.log.WarnContext(ctx, "refresh CRLs", "error", err)
			}
		}
	}
}

// Pattern is the ServeMux pattern of ServeHTTP.
const Pattern = "GET " + builtin.CRLPath

// ServeHTTP serves GET /crl/<module id>.crl: the module's DER CRL as
// application/pkix-crl (RFC 5280 section 4.2.1.13), or 404 for a module
// that is not a built-in CA.
func (p *Publisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("module"), ".crl"), 10, 64)
	if err != nil || id <= 0 || !strings.HasSuffix(r.PathValue("module"), ".crl") {
		http.NotFound(w, r)
		return
	}
	der, err := p.CRL(r.Context(), id)
	switch {
	case errors.Is(err, ErrNoCRL):
		http.NotFound(w, r)
		return
	case err != nil:
		p.log.ErrorContext(r.Context(), "serve CRL", "module", id, "error", err)
		http.Error(w, "the CRL is unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(der)
}
