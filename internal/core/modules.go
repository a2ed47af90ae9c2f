package core

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/calls"
	"github.com/certsvc/certsvc/internal/store"
)

// CredentialsAD binds sealed module credentials to their purpose.
func CredentialsAD(moduleID int64) []byte { return fmt.Appendf(nil, "processing-module/%d", moduleID) }

// SealCredentials seals a module's secrets; an empty map seals to "".
func (s *Core) SealCredentials(moduleID int64, secrets map[string]string) (string, error) {
	if len(secrets) == 0 {
		return "", nil
	}
	b, err := json.Marshal(secrets)
	if err != nil {
		return "", fmt.Errorf("encode credentials: %w", err)
	}
	return s.Seal(b, CredentialsAD(moduleID))
}

// OpenCredentials opens the sealed credentials of module m; none when it has none.
func (s *Core) OpenCredentials(m *ent.ProcessingModule) (map[string]string, error) {
	if m.Credentials == "" {
		return map[string]string{}, nil
	}
	b, err := s.Open(m.Credentials, CredentialsAD(m.ID))
	if err != nil {
		return nil, fmt.Errorf("credentials of module %d: %w", m.ID, err)
	}
	out := map[string]string{}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("credentials of module %d: %w", m.ID, err)
	}
	return out, nil
}

// moduleCache keeps one Provider per module, rebuilt when the module changes.
type moduleCache struct {
	s  *Core
	mu sync.Mutex
	m  map[int64]cachedModule
}

type cachedModule struct {
	updated time.Time
	p       provider.Provider
}

func newModuleCache(s *Core) *moduleCache {
	return &moduleCache{s: s, m: map[int64]cachedModule{}}
}

// config is the provider.Config of a stored module.
func (s *Core) ModuleConfig(m *ent.ProcessingModule) (provider.Config, error) {
	secrets, err := s.OpenCredentials(m)
	if err != nil {
		return provider.Config{}, err
	}
	return provider.Config{ModuleID: m.ID, Name: m.Name, Settings: maps.Clone(m.Settings), Secrets: secrets,
		Now: s.now, Logger: s.log.With("module", m.ID, "kind", m.Kind), PublicURL: s.publicURL,
		HTTPClient: s.ModuleClient(m.ID, s.guards.of(m), m.DebugLog, secrets)}, nil
}

// provider returns the Provider of a module.
func (c *moduleCache) provider(m *ent.ProcessingModule) (provider.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[m.ID]; ok && e.updated.Equal(m.UpdateTime) {
		return e.p, nil
	}
	kind, ok := c.s.kinds.Lookup(m.Kind)
	if !ok {
		return nil, fmt.Errorf("module %d: kind %q is not available in this build: %w", m.ID, m.Kind, errkind.FailedPrecondition)
	}
	cfg, err := c.s.ModuleConfig(m)
	if err != nil {
		return nil, err
	}
	p, err := kind.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("module %d: %w", m.ID, err)
	}
	c.m[m.ID] = cachedModule{updated: m.UpdateTime, p: p}
	return p, nil
}

// KindOf returns the kind of module m; the zero Kind (no capabilities) for
// a kind this build does not offer.
func (s *Core) KindOf(m *ent.ProcessingModule) provider.Kind {
	k, _ := s.kinds.Lookup(m.Kind)
	return k
}

// ProviderFor returns the module of a certificate and its Provider.
func (s *Core) ProviderFor(ctx context.Context, moduleID int64) (*ent.ProcessingModule, provider.Provider, error) {
	m, err := s.Catalog().Module(ctx, moduleID)
	if err != nil {
		return nil, nil, fmt.Errorf("load module %d: %w", moduleID, store.Translate(err))
	}
	p, err := s.modules.provider(m)
	return m, p, err
}

// ServesPlan reports whether a module sells a plan, and under which product code.
func ServesPlan(m *ent.ProcessingModule, planID int64) (string, bool) {
	for _, mp := range m.Plans {
		if mp.PlanID == planID {
			if mp.ProductCode != "" {
				return mp.ProductCode, true
			}
			return fmt.Sprint(planID), true
		}
	}
	if m.AllPlans {
		return fmt.Sprint(planID), true
	}
	return "", false
}

// PickModule chooses the enabled module with the lowest priority that sells
// the plan; id, when not 0, names it (admins only).
func (s *Core) PickModule(ctx context.Context, planID, id int64) (*ent.ProcessingModule, error) {
	if id != 0 {
		m, err := s.Catalog().Module(ctx, id)
		if ent.IsNotFound(err) {
			return nil, errkind.Field(errkind.NotFound, "processing_module_id", "processing module %d not found", id)
		}
		if err != nil {
			return nil, fmt.Errorf("load module %d: %w", id, err)
		}
		if _, ok := ServesPlan(m, planID); !ok || !m.Enabled {
			return nil, errkind.Field(errkind.FailedPrecondition, "processing_module_id",
				"processing module %d is disabled or does not sell plan %d", id, planID)
		}
		return m, nil
	}
	mods, err := s.Catalog().EnabledModules(ctx)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	sold := false
	for _, m := range mods {
		if s.CanTake(m, planID) {
			return m, nil
		}
		_, sells := ServesPlan(m, planID)
		sold = sold || sells
	}
	if sold {
		return nil, ErrNoModuleNow(planID)
	}
	return nil, errkind.Field(errkind.FailedPrecondition, "plan_id", "no enabled processing module sells plan %d", planID)
}

// PublicReason is the part of a provider error a caller may see: providers
// keep secrets out of their messages, and the text is cut to a sane length.
func PublicReason(err error) string { return Truncate(err.Error(), 300) }

var ErrNoKeyring = fmt.Errorf("no master key is configured, so private keys and credentials cannot be stored: %w", errkind.FailedPrecondition)

// guards holds each module's circuit breaker and call slots. They live as
// long as the process: a module's Provider is rebuilt when its settings
// change, its breaker is not.
type guards struct {
	mu sync.Mutex
	m  map[int64]*guardEntry
}

type guardEntry struct {
	g     *calls.Guard
	limit int32
}

func (gs *guards) of(m *ent.ProcessingModule) *calls.Guard {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	if gs.m == nil {
		gs.m = map[int64]*guardEntry{}
	}
	e, ok := gs.m[m.ID]
	if !ok || e.limit != m.MaxConcurrentCalls {
		e = &guardEntry{g: calls.NewGuard(int(m.MaxConcurrentCalls), 0, 0), limit: m.MaxConcurrentCalls}
		gs.m[m.ID] = e
	}
	return e.g
}

// UnavailableUntil is when this replica's breaker lets calls to m through
// again; zero when it does now.
func (s *Core) UnavailableUntil(m *ent.ProcessingModule) time.Time {
	if open, until := s.guards.of(m).Open(s.now()); open {
		return until
	}
	return time.Time{}
}

// ModuleClient is the HTTP client a module's Provider calls its CA with:
// limited, guarded by the module's breaker, and recorded in its call log.
// moduleID 0 (a module being created) records nothing.
func (s *Core) ModuleClient(moduleID int64, g *calls.Guard, debug bool, secrets map[string]string) *http.Client {
	t := calls.NewTransport(calls.Options{ModuleID: moduleID, Guard: g, Base: s.transport, Debug: debug,
		Record: s.RecordCall, Secrets: slices.Collect(maps.Values(secrets)), Now: s.now, Logger: s.log, Tracer: s.tracer})
	return t.Client(2 * s.callTimeout)
}

// RecordCall appends a call to its module's log. The log is best effort: a
// failure to write it is logged, never fails the call.
func (s *Core) RecordCall(ctx context.Context, c calls.Call) {
	if c.ModuleID == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := s.db.ModuleCall.Create().SetModuleID(c.ModuleID).SetCreateTime(c.Time.UTC().Truncate(time.Microsecond)).
		SetMethod(Truncate(c.Method, 8)).SetURL(Truncate(c.URL, 1024)).SetStatus(int32(c.Status)).
		SetDurationUs(c.Duration.Microseconds()).SetError(Truncate(c.Err, 1024)).
		SetRequest(c.Request).SetResponse(c.Response).Exec(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "record a call to the CA", "module", c.ModuleID, "error", err)
	}
}

// RefreshBalance reads m's balance at its CA and stores it. It keeps
// update_time, which says when the configuration changed.
func (s *Core) RefreshBalance(ctx context.Context, m *ent.ProcessingModule, p provider.Provider) (*ent.ProcessingModule, error) {
	br, ok := p.(provider.BalanceReporter)
	if !ok {
		return m, nil
	}
	callCtx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	callCtx, endCall := s.CallCA(callCtx, m, "balance")
	bal, err := br.Balance(callCtx)
	endCall(err)
	if err != nil {
		return nil, fmt.Errorf("balance of module %d: %w", m.ID, err)
	}
	s.moduleBalance.WithLabelValues(strconv.FormatInt(m.ID, 10), bal.Currency).Set(float64(bal.AmountMinor))
	// Update, not UpdateOne (whose read back is in the update's
	// transaction). m may come from the catalog cache, so the answer is the
	// row read after the write, on its own, as ent's read back gave it: the
	// module as it now is, or not found when it was deleted meanwhile.
	err = s.db.ProcessingModule.Update().Where(processingmodule.ID(m.ID)).SetBalanceMinor(bal.AmountMinor).
		SetBalanceCurrency(Truncate(bal.Currency, 3)).SetBalanceTime(s.Clock()).SetUpdateTime(m.UpdateTime).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("store balance of module %d: %w", m.ID, err)
	}
	next, err := s.db.ProcessingModule.Get(ctx, m.ID)
	if err != nil {
		return nil, fmt.Errorf("read module %d: %w", m.ID, err)
	}
	return next, nil
}

// ShortOfMoney reports whether m's last known balance is below its minimum.
func ShortOfMoney(m *ent.ProcessingModule) bool {
	return m.MinBalance > 0 && m.BalanceMinor != nil && *m.BalanceMinor < m.MinBalance
}

// ErrNoModuleNow refuses an order whose modules are all short of money or
// unavailable; nothing was written.
func ErrNoModuleNow(planID int64) error {
	return errkind.Field(errkind.Unavailable, "plan_id",
		"plan %d cannot be ordered now: its processing modules are short of money at the CA or unavailable; try again later", planID)
}

// CanTake reports whether m sells planID and can take an order now.
func (s *Core) CanTake(m *ent.ProcessingModule, planID int64) bool {
	_, sells := ServesPlan(m, planID)
	_, known := s.kinds.Lookup(m.Kind)
	return sells && known && !ShortOfMoney(m) && s.UnavailableUntil(m).IsZero()
}

// ProviderOf returns the Provider of module m, built from its settings and
// cached until they change.
func (s *Core) ProviderOf(m *ent.ProcessingModule) (provider.Provider, error) {
	return s.modules.provider(m)
}
