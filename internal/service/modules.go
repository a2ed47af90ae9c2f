package service

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"certsvc/ent"
	"certsvc/ent/processingmodule"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/certdata"
	"certsvc/internal/errkind"
	"certsvc/internal/provider"
	"certsvc/internal/provider/calls"
	"certsvc/internal/store"
)

// moduleKinds maps the API's module kinds to the stored kind names.
var moduleKinds = map[certsvcv1.ModuleKind]string{
	certsvcv1.ModuleKind_MODULE_KIND_MANUAL:      "manual",
	certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA:    "localca",
	certsvcv1.ModuleKind_MODULE_KIND_BILLMANAGER: "billmanager",
	certsvcv1.ModuleKind_MODULE_KIND_THESSLSTORE: "thesslstore",
	certsvcv1.ModuleKind_MODULE_KIND_ACME:        "acme",
}

func moduleKindToProto(k string) certsvcv1.ModuleKind {
	for pk, name := range moduleKinds {
		if name == k {
			return pk
		}
	}
	return certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED
}

// credentialsAD binds sealed module credentials to their purpose.
func credentialsAD(moduleID int64) []byte { return fmt.Appendf(nil, "processing-module/%d", moduleID) }

// sealCredentials seals a module's secrets; an empty map seals to "".
func (s *Service) sealCredentials(moduleID int64, secrets map[string]string) (string, error) {
	if len(secrets) == 0 {
		return "", nil
	}
	b, err := json.Marshal(secrets)
	if err != nil {
		return "", fmt.Errorf("encode credentials: %w", err)
	}
	return s.seal(b, credentialsAD(moduleID))
}

func (s *Service) openCredentials(m *ent.ProcessingModule) (map[string]string, error) {
	if m.Credentials == "" {
		return map[string]string{}, nil
	}
	b, err := s.open(m.Credentials, credentialsAD(m.ID))
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
	s  *Service
	mu sync.Mutex
	m  map[int64]cachedModule
}

type cachedModule struct {
	updated time.Time
	p       provider.Provider
}

func newModuleCache(s *Service) *moduleCache {
	return &moduleCache{s: s, m: map[int64]cachedModule{}}
}

// config is the provider.Config of a stored module.
func (s *Service) moduleConfig(m *ent.ProcessingModule) (provider.Config, error) {
	secrets, err := s.openCredentials(m)
	if err != nil {
		return provider.Config{}, err
	}
	return provider.Config{ModuleID: m.ID, Name: m.Name, Settings: maps.Clone(m.Settings), Secrets: secrets,
		Now: s.now, Logger: s.log.With("module", m.ID, "kind", m.Kind),
		HTTPClient: s.moduleClient(m.ID, s.guards.of(m), m.DebugLog, secrets)}, nil
}

// provider returns the Provider of a module.
func (c *moduleCache) provider(m *ent.ProcessingModule) (provider.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[m.ID]; ok && e.updated.Equal(m.UpdateTime) {
		return e.p, nil
	}
	kind, ok := c.s.kinds[m.Kind]
	if !ok {
		return nil, fmt.Errorf("module %d: kind %q is not available in this build: %w", m.ID, m.Kind, errkind.FailedPrecondition)
	}
	cfg, err := c.s.moduleConfig(m)
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

// providerFor returns the module of a certificate and its Provider.
func (s *Service) providerFor(ctx context.Context, moduleID int64) (*ent.ProcessingModule, provider.Provider, error) {
	m, err := s.catalog.module(ctx, moduleID)
	if err != nil {
		return nil, nil, fmt.Errorf("load module %d: %w", moduleID, store.Translate(err))
	}
	p, err := s.modules.provider(m)
	return m, p, err
}

// servesPlan reports whether a module sells a plan, and under which product code.
func servesPlan(m *ent.ProcessingModule, planID int64) (string, bool) {
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

// pickModule chooses the enabled module with the lowest priority that sells
// the plan; id, when not 0, names it (admins only).
func (s *Service) pickModule(ctx context.Context, planID, id int64) (*ent.ProcessingModule, error) {
	if id != 0 {
		m, err := s.catalog.module(ctx, id)
		if ent.IsNotFound(err) {
			return nil, errkind.Field(errkind.NotFound, "processing_module_id", "processing module %d not found", id)
		}
		if err != nil {
			return nil, fmt.Errorf("load module %d: %w", id, err)
		}
		if _, ok := servesPlan(m, planID); !ok || !m.Enabled {
			return nil, errkind.Field(errkind.FailedPrecondition, "processing_module_id",
				"processing module %d is disabled or does not sell plan %d", id, planID)
		}
		return m, nil
	}
	mods, err := s.catalog.enabledModules(ctx)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	sold := false
	for _, m := range mods {
		if s.canTake(m, planID) {
			return m, nil
		}
		_, sells := servesPlan(m, planID)
		sold = sold || sells
	}
	if sold {
		return nil, errNoModuleNow(planID)
	}
	return nil, errkind.Field(errkind.FailedPrecondition, "plan_id", "no enabled processing module sells plan %d", planID)
}

func (s *Service) moduleToProto(m *ent.ProcessingModule) *certsvcv1.ProcessingModule {
	out := &certsvcv1.ProcessingModule{Id: m.ID, Name: m.Name, Kind: moduleKindToProto(m.Kind), Priority: m.Priority,
		MinBalanceMinor: m.MinBalance, Enabled: m.Enabled, AllPlans: m.AllPlans, Settings: m.Settings,
		CredentialKeys: m.CredentialKeys, CreateTime: ts(m.CreateTime), UpdateTime: ts(m.UpdateTime),
		DebugLog: m.DebugLog, MaxConcurrentCalls: m.MaxConcurrentCalls}
	if m.BalanceMinor != nil {
		out.Balance = &certsvcv1.Money{Currency: m.BalanceCurrency, AmountMinor: *m.BalanceMinor}
		out.BalanceTime = tsPtr(m.BalanceTime)
	}
	if until := s.unavailableUntil(m); !until.IsZero() {
		out.UnavailableUntil = ts(until)
	}
	for _, p := range m.Plans {
		out.Plans = append(out.Plans, &certsvcv1.ModulePlan{PlanId: p.PlanID, ProductCode: p.ProductCode})
	}
	return out
}

func modulePlans(in []*certsvcv1.ModulePlan) []certdata.ModulePlan {
	out := make([]certdata.ModulePlan, 0, len(in))
	for _, p := range in {
		out = append(out, certdata.ModulePlan{PlanID: p.GetPlanId(), ProductCode: p.GetProductCode()})
	}
	return out
}

// checkModule is the set-up check: the module must build and answer.
func (s *Service) checkModule(ctx context.Context, kind provider.Kind, cfg provider.Config) error {
	p, err := kind.New(cfg)
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		err = p.CheckCredentials(ctx)
	}
	if err != nil {
		return &errkind.Error{Kind: errkind.Unavailable,
			Msg: "Cannot connect to the processing module: " + publicReason(err), Cause: err}
	}
	return nil
}

// publicReason is the part of a provider error a caller may see: providers
// keep secrets out of their messages, and the text is cut to a sane length.
func publicReason(err error) string { return truncate(err.Error(), 300) }

// ListProcessingModules implements ProcessingModuleService.ListProcessingModules.
func (s *Service) ListProcessingModules(ctx context.Context, _ *certsvcv1.ListProcessingModulesRequest) (*certsvcv1.ListProcessingModulesResponse, error) {
	mods, err := s.db.ProcessingModule.Query().
		Order(ent.Asc(processingmodule.FieldPriority), ent.Asc(processingmodule.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list modules: %w", err)
	}
	res := &certsvcv1.ListProcessingModulesResponse{}
	for _, m := range mods {
		res.Modules = append(res.Modules, s.moduleToProto(m))
	}
	return res, nil
}

// GetProcessingModule implements ProcessingModuleService.GetProcessingModule.
func (s *Service) GetProcessingModule(ctx context.Context, req *certsvcv1.GetProcessingModuleRequest) (*certsvcv1.GetProcessingModuleResponse, error) {
	m, err := s.db.ProcessingModule.Get(ctx, req.GetId())
	if err != nil {
		return nil, fieldErr("id", store.Translate(err))
	}
	return &certsvcv1.GetProcessingModuleResponse{Module: s.moduleToProto(m)}, nil
}

// CreateProcessingModule implements ProcessingModuleService.CreateProcessingModule.
func (s *Service) CreateProcessingModule(ctx context.Context, req *certsvcv1.CreateProcessingModuleRequest) (*certsvcv1.CreateProcessingModuleResponse, error) {
	m, err := s.createModule(ctx, req.GetModule())
	if err != nil {
		return nil, err
	}
	s.auditDone(ctx, auditCreateModule, fmt.Sprintf("processing_module/%d", m.ID), "name "+m.Name)
	return &certsvcv1.CreateProcessingModuleResponse{Module: s.moduleToProto(m)}, nil
}

func (s *Service) createModule(ctx context.Context, in *certsvcv1.ProcessingModule) (*ent.ProcessingModule, error) {
	if err := checkName("module.name", in.GetName(), 64); err != nil {
		return nil, err
	}
	kindName, ok := moduleKinds[in.GetKind()]
	if !ok {
		return nil, errkind.Invalid("module.kind", "choose a kind")
	}
	kind, ok := s.kinds[kindName]
	if !ok {
		return nil, errkind.Invalid("module.kind", "kind %q is not available in this build", kindName)
	}
	if err := s.checkModulePlans(ctx, in.GetPlans()); err != nil {
		return nil, err
	}
	cfg := provider.Config{Name: in.GetName(), Settings: maps.Clone(in.GetSettings()), Secrets: maps.Clone(in.GetCredentials()),
		Now: s.now, Logger: s.log,
		HTTPClient: s.moduleClient(0, calls.NewGuard(0, 0, 0), false, in.GetCredentials())}
	if cfg.Settings == nil {
		cfg.Settings = map[string]string{}
	}
	if cfg.Secrets == nil {
		cfg.Secrets = map[string]string{}
	}
	if kind.Prepare != nil {
		var err error
		if cfg, err = kind.Prepare(ctx, cfg); err != nil {
			return nil, fieldErr("module.settings", asInvalid(err))
		}
	}
	if err := s.checkModule(ctx, kind, cfg); err != nil {
		return nil, err
	}
	return store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.ProcessingModule, error) {
		now := s.clock()
		m, err := tx.ProcessingModule.Create().SetName(in.GetName()).SetKind(kindName).SetPriority(in.GetPriority()).
			SetMinBalance(in.GetMinBalanceMinor()).SetEnabled(in.GetEnabled()).SetAllPlans(in.GetAllPlans()).
			SetPlans(modulePlans(in.GetPlans())).SetSettings(cfg.Settings).SetCredentialKeys(sortedKeys(cfg.Secrets)).
			SetDebugLog(in.GetDebugLog()).SetMaxConcurrentCalls(in.GetMaxConcurrentCalls()).
			SetCreateTime(now).SetUpdateTime(now).Save(ctx)
		if err != nil {
			return nil, fieldErr("module.name", store.Translate(err))
		}
		sealed, err := s.sealCredentials(m.ID, cfg.Secrets)
		if err != nil {
			return nil, err
		}
		return tx.ProcessingModule.UpdateOne(m).SetCredentials(sealed).Save(ctx)
	})
}

// keepGenerated is the new map of settings or secrets: next, with the values
// of old the kind generated for itself, unless next sets them.
func keepGenerated(kind provider.Kind, next, old map[string]string) map[string]string {
	out := maps.Clone(next)
	if out == nil {
		out = map[string]string{}
	}
	for _, k := range kind.Generated {
		if _, set := out[k]; !set {
			if v, ok := old[k]; ok {
				out[k] = v
			}
		}
	}
	return out
}

// asInvalid gives an error from a provider's settings check the kind
// invalid_argument unless it has a kind already.
func asInvalid(err error) error {
	if errkind.Kind(err) != nil {
		return err
	}
	return &errkind.Error{Kind: errkind.InvalidArgument, Msg: publicReason(err)}
}

func sortedKeys(m map[string]string) []string {
	keys := slices.Collect(maps.Keys(m))
	sort.Strings(keys)
	return keys
}

func (s *Service) checkModulePlans(ctx context.Context, plans []*certsvcv1.ModulePlan) error {
	seen := map[int64]bool{}
	for i, p := range plans {
		field := fmt.Sprintf("module.plans[%d].plan_id", i)
		if seen[p.GetPlanId()] {
			return errkind.Invalid(field, "plan %d is listed twice", p.GetPlanId())
		}
		seen[p.GetPlanId()] = true
		if _, err := s.db.Plan.Get(ctx, p.GetPlanId()); err != nil {
			return fieldErr(field, store.Translate(err))
		}
	}
	return nil
}

// UpdateProcessingModule implements ProcessingModuleService.UpdateProcessingModule.
func (s *Service) UpdateProcessingModule(ctx context.Context, req *certsvcv1.UpdateProcessingModuleRequest) (*certsvcv1.UpdateProcessingModuleResponse, error) {
	paths, err := maskPaths(req.GetUpdateMask(), "name", "priority", "min_balance_minor", "enabled", "all_plans",
		"plans", "settings", "credentials", "debug_log", "max_concurrent_calls")
	if err != nil {
		return nil, err
	}
	in := req.GetModule()
	m, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.ProcessingModule, error) {
		m, err := tx.ProcessingModule.Get(ctx, in.GetId())
		if err != nil {
			return nil, fieldErr("module.id", store.Translate(err))
		}
		u := tx.ProcessingModule.UpdateOne(m).SetUpdateTime(s.clock())
		kind := s.kinds[m.Kind]
		connection := false
		cfg, err := s.moduleConfig(m)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			switch p {
			case "name":
				if err := checkName("module.name", in.GetName(), 64); err != nil {
					return nil, err
				}
				u.SetName(in.GetName())
			case "priority":
				u.SetPriority(in.GetPriority())
			case "min_balance_minor":
				u.SetMinBalance(in.GetMinBalanceMinor())
			case "enabled":
				u.SetEnabled(in.GetEnabled())
			case "all_plans":
				u.SetAllPlans(in.GetAllPlans())
			case "debug_log":
				u.SetDebugLog(in.GetDebugLog())
			case "max_concurrent_calls":
				u.SetMaxConcurrentCalls(in.GetMaxConcurrentCalls())
			case "plans":
				if err := s.checkModulePlans(ctx, in.GetPlans()); err != nil {
					return nil, err
				}
				u.SetPlans(modulePlans(in.GetPlans()))
			case "settings":
				// Generated settings (the built-in CA's certificates) are kept
				// unless replaced explicitly.
				next := keepGenerated(kind, in.GetSettings(), cfg.Settings)
				cfg.Settings, connection = next, true
				u.SetSettings(next)
			case "credentials":
				next := keepGenerated(kind, in.GetCredentials(), cfg.Secrets)
				cfg.Secrets, connection = next, true
				sealed, err := s.sealCredentials(m.ID, next)
				if err != nil {
					return nil, err
				}
				u.SetCredentials(sealed).SetCredentialKeys(sortedKeys(next))
			}
		}
		if connection {
			if err := s.checkModule(ctx, kind, cfg); err != nil {
				return nil, err
			}
		}
		m, err = u.Save(ctx)
		return m, fieldErr("module.name", store.Translate(err))
	})
	if err != nil {
		return nil, err
	}
	s.auditDone(ctx, auditUpdateModule, fmt.Sprintf("processing_module/%d", m.ID), "name "+m.Name)
	return &certsvcv1.UpdateProcessingModuleResponse{Module: s.moduleToProto(m)}, nil
}

// DeleteProcessingModule implements ProcessingModuleService.DeleteProcessingModule.
func (s *Service) DeleteProcessingModule(ctx context.Context, req *certsvcv1.DeleteProcessingModuleRequest) (*certsvcv1.DeleteProcessingModuleResponse, error) {
	_, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (struct{}, error) {
		n, err := tx.Certificate.Query().Where(certificateUsesModule(req.GetId())).Count(ctx)
		if err != nil {
			return struct{}{}, fmt.Errorf("count certificates of module: %w", err)
		}
		if n > 0 {
			return struct{}{}, errkind.Field(errkind.FailedPrecondition, "id",
				"processing module %d still has %d certificates; disable it instead", req.GetId(), n)
		}
		err = tx.ProcessingModule.DeleteOneID(req.GetId()).Exec(ctx)
		return struct{}{}, fieldErr("id", store.Translate(err))
	})
	if err != nil {
		return nil, err
	}
	s.auditDone(ctx, auditDeleteModule, fmt.Sprintf("processing_module/%d", req.GetId()), "")
	return &certsvcv1.DeleteProcessingModuleResponse{}, nil
}

var errNoKeyring = fmt.Errorf("no master key is configured, so private keys and credentials cannot be stored: %w", errkind.FailedPrecondition)
