package modules

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/predicate"
	"github.com/certsvc/certsvc/ent/processingmodule"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/calls"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

func (s *Handler) moduleToProto(m *ent.ProcessingModule) *certsvcv1.ProcessingModule {
	out := &certsvcv1.ProcessingModule{Id: m.ID, Name: m.Name, Kind: s.Kinds().APIOf(m.Kind), Priority: m.Priority,
		MinBalanceMinor: m.MinBalance, Enabled: m.Enabled, AllPlans: m.AllPlans, Settings: m.Settings,
		CredentialKeys: m.CredentialKeys, CreateTime: rpc.TS(m.CreateTime), UpdateTime: rpc.TS(m.UpdateTime),
		DebugLog: m.DebugLog, MaxConcurrentCalls: m.MaxConcurrentCalls}
	if m.BalanceMinor != nil {
		out.Balance = &certsvcv1.Money{Currency: m.BalanceCurrency, AmountMinor: *m.BalanceMinor}
		out.BalanceTime = rpc.TSPtr(m.BalanceTime)
	}
	if until := s.UnavailableUntil(m); !until.IsZero() {
		out.UnavailableUntil = rpc.TS(until)
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
func (s *Handler) checkModule(ctx context.Context, kind provider.Kind, cfg provider.Config) error {
	p, err := kind.New(cfg)
	if err == nil {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		err = p.CheckCredentials(ctx)
	}
	if err != nil {
		return &errkind.Error{Kind: errkind.Unavailable,
			Msg: "Cannot connect to the processing module: " + core.PublicReason(err), Cause: err}
	}
	return nil
}

// ListProcessingModules implements ProcessingModuleService.ListProcessingModules.
func (s *Handler) ListProcessingModules(ctx context.Context, _ *certsvcv1.ListProcessingModulesRequest) (*certsvcv1.ListProcessingModulesResponse, error) {
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
func (s *Handler) GetProcessingModule(ctx context.Context, req *certsvcv1.GetProcessingModuleRequest) (*certsvcv1.GetProcessingModuleResponse, error) {
	m, err := s.db.ProcessingModule.Get(ctx, req.GetId())
	if err != nil {
		return nil, rpc.FieldErr("id", store.Translate(err))
	}
	return &certsvcv1.GetProcessingModuleResponse{Module: s.moduleToProto(m)}, nil
}

// CreateProcessingModule implements ProcessingModuleService.CreateProcessingModule.
func (s *Handler) CreateProcessingModule(ctx context.Context, req *certsvcv1.CreateProcessingModuleRequest) (*certsvcv1.CreateProcessingModuleResponse, error) {
	m, err := s.createModule(ctx, req.GetModule(), true)
	if err != nil {
		return nil, err
	}
	return &certsvcv1.CreateProcessingModuleResponse{Module: s.moduleToProto(m)}, nil
}

// CreateModule checks the connection of a new module and stores it (for
// bootstrap: not audited).
func (s *Handler) CreateModule(ctx context.Context, in *certsvcv1.ProcessingModule) (*ent.ProcessingModule, error) {
	return s.createModule(ctx, in, false)
}

// createModule is CreateModule, audited in the module's transaction when audit.
func (s *Handler) createModule(ctx context.Context, in *certsvcv1.ProcessingModule, audit bool) (*ent.ProcessingModule, error) {
	if err := rpc.CheckName("module.name", in.GetName(), 64); err != nil {
		return nil, err
	}
	if in.GetKind() == certsvcv1.ModuleKind_MODULE_KIND_UNSPECIFIED {
		return nil, errkind.Invalid("module.kind", "choose a kind")
	}
	kind, ok := s.Kinds().ByAPI(in.GetKind())
	if !ok {
		return nil, errkind.Invalid("module.kind", "kind %s is not available in this build", in.GetKind())
	}
	if err := kind.CheckSettings(in.GetSettings(), in.GetCredentials()); err != nil {
		return nil, moduleField(err)
	}
	if err := s.checkModulePlans(ctx, in.GetPlans()); err != nil {
		return nil, err
	}
	cfg := provider.Config{Name: in.GetName(), Settings: maps.Clone(in.GetSettings()), Secrets: maps.Clone(in.GetCredentials()),
		Now: s.now, Logger: s.log,
		HTTPClient: s.ModuleClient(0, calls.NewGuard(0, 0, 0), false, in.GetCredentials())}
	if cfg.Settings == nil {
		cfg.Settings = map[string]string{}
	}
	if cfg.Secrets == nil {
		cfg.Secrets = map[string]string{}
	}
	if kind.Prepare != nil {
		var err error
		if cfg, err = kind.Prepare(ctx, cfg); err != nil {
			return nil, rpc.FieldErr("module.settings", asInvalid(err))
		}
	}
	if err := s.checkModule(ctx, kind, cfg); err != nil {
		return nil, err
	}
	return store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.ProcessingModule, error) {
		now := s.Clock()
		m, err := tx.ProcessingModule.Create().SetName(in.GetName()).SetKind(kind.Name).SetPriority(in.GetPriority()).
			SetMinBalance(in.GetMinBalanceMinor()).SetEnabled(in.GetEnabled()).SetAllPlans(in.GetAllPlans()).
			SetPlans(modulePlans(in.GetPlans())).SetSettings(cfg.Settings).SetCredentialKeys(sortedKeys(cfg.Secrets)).
			SetDebugLog(in.GetDebugLog()).SetMaxConcurrentCalls(in.GetMaxConcurrentCalls()).
			SetCreateTime(now).SetUpdateTime(now).Save(ctx)
		if err != nil {
			return nil, rpc.FieldErr("module.name", store.Translate(err))
		}
		sealed, err := s.SealCredentials(m.ID, cfg.Secrets)
		if err != nil {
			return nil, err
		}
		// Update, not UpdateOne: the row's new values are known, and
		// nothing reads it back (see store.Applied).
		upd := tx.ProcessingModule.Update().Where(processingmodule.ID(m.ID)).SetCredentials(sealed)
		if _, err := upd.Save(ctx); err != nil {
			return nil, err
		}
		if m, err = store.Applied(m, upd.Mutation()); err != nil || !audit {
			return m, err
		}
		return m, rpc.Audit(ctx, s.db, tx, now, rpc.AuditCreateModule, fmt.Sprintf("processing_module/%d", m.ID), "name "+m.Name)
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

// moduleField names the module's field in an error of Kind.CheckSettings
// ("settings.url" becomes "module.settings.url").
func moduleField(err error) error {
	var ke *errkind.Error
	if errors.As(err, &ke) && ke.Field != "" {
		out := *ke
		out.Field = "module." + ke.Field
		return &out
	}
	return err
}

// asInvalid gives an error from a provider's settings check the kind
// invalid_argument unless it has a kind already.
func asInvalid(err error) error {
	if errkind.Kind(err) != nil {
		return err
	}
	return &errkind.Error{Kind: errkind.InvalidArgument, Msg: core.PublicReason(err)}
}

func sortedKeys(m map[string]string) []string {
	keys := slices.Collect(maps.Keys(m))
	sort.Strings(keys)
	return keys
}

func (s *Handler) checkModulePlans(ctx context.Context, plans []*certsvcv1.ModulePlan) error {
	seen := map[int64]bool{}
	for i, p := range plans {
		field := fmt.Sprintf("module.plans[%d].plan_id", i)
		if seen[p.GetPlanId()] {
			return errkind.Invalid(field, "plan %d is listed twice", p.GetPlanId())
		}
		seen[p.GetPlanId()] = true
		if _, err := s.db.Plan.Get(ctx, p.GetPlanId()); err != nil {
			return rpc.FieldErr(field, store.Translate(err))
		}
	}
	return nil
}

// UpdateProcessingModule implements ProcessingModuleService.UpdateProcessingModule.
func (s *Handler) UpdateProcessingModule(ctx context.Context, req *certsvcv1.UpdateProcessingModuleRequest) (*certsvcv1.UpdateProcessingModuleResponse, error) {
	paths, err := rpc.MaskPaths(req.GetUpdateMask(), "name", "priority", "min_balance_minor", "enabled", "all_plans",
		"plans", "settings", "credentials", "debug_log", "max_concurrent_calls")
	if err != nil {
		return nil, err
	}
	in := req.GetModule()
	m, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.ProcessingModule, error) {
		m, err := tx.ProcessingModule.Get(ctx, in.GetId())
		if err != nil {
			return nil, rpc.FieldErr("module.id", store.Translate(err))
		}
		// Update, not UpdateOne: the answer is m with the changes applied
		// (store.Applied), not the row read back.
		u := tx.ProcessingModule.Update().Where(processingmodule.ID(m.ID)).SetUpdateTime(s.Clock())
		kind, ok := s.Kinds().Lookup(m.Kind)
		if !ok {
			return nil, errkind.Field(errkind.FailedPrecondition, "module.id",
				"processing module %d is of kind %q, which this build does not offer", m.ID, m.Kind)
		}
		connection := false
		cfg, err := s.ModuleConfig(m)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			switch p {
			case "name":
				if err := rpc.CheckName("module.name", in.GetName(), 64); err != nil {
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
				sealed, err := s.SealCredentials(m.ID, next)
				if err != nil {
					return nil, err
				}
				u.SetCredentials(sealed).SetCredentialKeys(sortedKeys(next))
			}
		}
		if connection {
			if err := kind.CheckSettings(cfg.Settings, cfg.Secrets); err != nil {
				return nil, moduleField(err)
			}
			if err := s.checkModule(ctx, kind, cfg); err != nil {
				return nil, err
			}
		}
		if _, err := u.Save(ctx); err != nil {
			return nil, rpc.FieldErr("module.name", store.Translate(err))
		}
		if m, err = store.Applied(m, u.Mutation()); err != nil {
			return nil, err
		}
		return m, rpc.Audit(ctx, s.db, tx, s.Clock(), rpc.AuditUpdateModule, fmt.Sprintf("processing_module/%d", m.ID),
			fmt.Sprintf("name %s, fields %v", m.Name, paths))
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.UpdateProcessingModuleResponse{Module: s.moduleToProto(m)}, nil
}

// DeleteProcessingModule implements ProcessingModuleService.DeleteProcessingModule.
func (s *Handler) DeleteProcessingModule(ctx context.Context, req *certsvcv1.DeleteProcessingModuleRequest) (*certsvcv1.DeleteProcessingModuleResponse, error) {
	err := s.InTx(ctx, func(tx *core.Tx) error {
		n, err := tx.Certificate.Query().Where(certificateUsesModule(req.GetId())).Count(ctx)
		if err != nil {
			return fmt.Errorf("count certificates of module: %w", err)
		}
		if n > 0 {
			return errkind.Field(errkind.FailedPrecondition, "id",
				"processing module %d still has %d certificates; disable it instead", req.GetId(), n)
		}
		if err := tx.ProcessingModule.DeleteOneID(req.GetId()).Exec(ctx); err != nil {
			return rpc.FieldErr("id", store.Translate(err))
		}
		return rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), rpc.AuditDeleteModule, fmt.Sprintf("processing_module/%d", req.GetId()), "")
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.DeleteProcessingModuleResponse{}, nil
}

func certificateUsesModule(id int64) predicate.Certificate {
	return certificate.ProcessingModuleID(id)
}
