package catalog

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/plan"
	"github.com/certsvc/certsvc/ent/planprice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/catalog"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/money"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// planQuery selects plans with their prices in a stable order.
func (s *Handler) planQuery(c *ent.Client) *ent.PlanQuery {
	return c.Plan.Query().WithPrices(func(q *ent.PlanPriceQuery) {
		q.Order(ent.Asc(planprice.FieldCurrency), ent.Asc(planprice.FieldPeriodMonths))
	})
}

// ListPlans implements CatalogService.ListPlans.
func (s *Handler) ListPlans(ctx context.Context, req *certsvcv1.ListPlansRequest) (*certsvcv1.ListPlansResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	if req.GetIncludeDisabled() && (p == nil || !p.Admin) {
		return nil, errkind.Field(errkind.PermissionDenied, "include_disabled", "only admins see disabled plans")
	}
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.planQuery(s.db).Where(plan.IDGT(pg.After)).Order(ent.Asc(plan.FieldID)).Limit(pg.Limit())
	if !req.GetIncludeDisabled() {
		q.Where(plan.Enabled(true))
	}
	if b := req.GetBrand(); b != "" {
		q.Where(plan.BrandEqualFold(b))
	}
	if v := req.GetValidation(); v != certsvcv1.ValidationLevel_VALIDATION_LEVEL_UNSPECIFIED {
		q.Where(plan.ValidationEQ(validationFromProto(v)))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	res := &certsvcv1.ListPlansResponse{}
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.Plan) int64 { return x.ID })
	for _, pl := range rows {
		res.Plans = append(res.Plans, planToProto(pl))
	}
	return res, nil
}

// GetPlan implements CatalogService.GetPlan. The id may be either of a
// plan's two pricelist ids.
func (s *Handler) GetPlan(ctx context.Context, req *certsvcv1.GetPlanRequest) (*certsvcv1.GetPlanResponse, error) {
	id := req.GetId()
	pl, err := s.planQuery(s.db).Where(plan.Or(plan.ID(id), plan.ForeignID(id))).Order(ent.Asc(plan.FieldID)).First(ctx)
	if err == nil && !pl.Enabled {
		if p := rpc.PrincipalFrom(ctx); p == nil || !p.Admin {
			err = &ent.NotFoundError{}
		}
	}
	if err != nil {
		return nil, rpc.FieldErr("id", fmt.Errorf("plan %d: %w", id, store.Translate(err)))
	}
	return &certsvcv1.GetPlanResponse{Plan: planToProto(pl)}, nil
}

// checkPlan validates the semantic rules of a plan that protovalidate cannot
// express. prefix names the message in field paths ("plan.").
func checkPlan(prefix string, pl *certsvcv1.Plan) error {
	if err := rpc.CheckName(prefix+"name", pl.GetName(), 128); err != nil {
		return err
	}
	if err := rpc.CheckName(prefix+"brand", pl.GetBrand(), 64); err != nil {
		return err
	}
	if pl.GetValidation() == certsvcv1.ValidationLevel_VALIDATION_LEVEL_UNSPECIFIED {
		return errkind.Invalid(prefix+"validation", "give DV, OV or EV")
	}
	if pl.GetIncludedNames() < 1 {
		return errkind.Invalid(prefix+"included_names", "must be at least 1 (the main domain)")
	}
	if pl.GetMaxNames() < pl.GetIncludedNames() {
		return errkind.Invalid(prefix+"max_names", "must be at least included_names (%d)", pl.GetIncludedNames())
	}
	if !pl.GetMultiDomain() && pl.GetMaxNames() != 1 {
		return errkind.Invalid(prefix+"max_names", "must be 1 unless multi_domain is set")
	}
	if pl.GetMultiDomain() && pl.GetMaxNames() > pl.GetIncludedNames() && pl.GetExtraNameAddonId() == 0 {
		return errkind.Invalid(prefix+"extra_name_addon_id", "required when extra names can be bought (max_names > included_names)")
	}
	return checkPrices(prefix+"prices", pl.GetPrices())
}

func checkPrices(field string, prices []*certsvcv1.PlanPrice) error {
	if len(prices) == 0 {
		return errkind.Invalid(field, "give at least one price")
	}
	seen := map[string]bool{}
	for i, pr := range prices {
		f := fmt.Sprintf("%s[%d]", field, i)
		if _, ok := money.Lookup(pr.GetCurrency()); !ok {
			return errkind.Invalid(f+".currency", "%q is not a supported ISO 4217 currency", pr.GetCurrency())
		}
		k := fmt.Sprintf("%d/%s", pr.GetPeriodMonths(), pr.GetCurrency())
		if seen[k] {
			return errkind.Invalid(f, "a second price for %d months in %s", pr.GetPeriodMonths(), pr.GetCurrency())
		}
		seen[k] = true
	}
	return nil
}

// checkPlanIDs refuses ids that clash with another plan's id or foreign id:
// the legacy API looks plans up by either.
func checkPlanIDs(ctx context.Context, tx *ent.Tx, self, id, foreignID int64) error {
	for _, c := range []struct {
		field string
		v     int64
	}{{"plan.id", id}, {"plan.foreign_id", foreignID}} {
		other, err := tx.Plan.Query().Where(plan.IDNEQ(self), plan.Or(plan.ID(c.v), plan.ForeignID(c.v))).First(ctx)
		switch {
		case err == nil:
			return errkind.Field(errkind.AlreadyExists, c.field, "%d is already an id of plan %d", c.v, other.ID)
		case !ent.IsNotFound(err):
			return fmt.Errorf("check plan ids: %w", err)
		}
	}
	return nil
}

// CreatePlan implements CatalogService.CreatePlan.
func (s *Handler) CreatePlan(ctx context.Context, req *certsvcv1.CreatePlanRequest) (*certsvcv1.CreatePlanResponse, error) {
	in := req.GetPlan()
	if err := checkPlan("plan.", in); err != nil {
		return nil, err
	}
	pl, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.Plan, error) {
		id := in.GetId()
		if id == 0 {
			// Assign past every id and foreign id in use.
			last, err := tx.Plan.Query().Order(ent.Desc(plan.FieldID)).First(ctx)
			if err != nil && !ent.IsNotFound(err) {
				return nil, fmt.Errorf("find last plan id: %w", err)
			}
			lastForeign, ferr := tx.Plan.Query().Order(ent.Desc(plan.FieldForeignID)).First(ctx)
			if ferr != nil && !ent.IsNotFound(ferr) {
				return nil, fmt.Errorf("find last foreign id: %w", ferr)
			}
			id = 1
			if last != nil {
				id = max(last.ID, lastForeign.ForeignID) + 1
			}
		}
		foreignID := in.GetForeignId()
		if foreignID == 0 {
			foreignID = id
		}
		if err := checkPlanIDs(ctx, tx, 0, id, foreignID); err != nil {
			return nil, err
		}
		now := s.Clock()
		_, err := tx.Plan.Create().SetID(id).SetForeignID(foreignID).SetName(in.GetName()).SetBrand(in.GetBrand()).
			SetValidation(validationFromProto(in.GetValidation())).SetWildcard(in.GetWildcard()).
			SetMultiDomain(in.GetMultiDomain()).SetIncludedNames(in.GetIncludedNames()).SetMaxNames(in.GetMaxNames()).
			SetExtraNameAddonID(in.GetExtraNameAddonId()).SetIdn(in.GetIdn()).SetWwwAndBare(in.GetWwwAndBare()).
			SetEnabled(in.GetEnabled()).SetCreateTime(now).SetUpdateTime(now).Save(ctx)
		if err != nil {
			return nil, rpc.FieldErr("plan.id", fmt.Errorf("create plan: %w", store.Translate(err)))
		}
		if err := SetPrices(ctx, tx, id, in.GetPrices()); err != nil {
			return nil, err
		}
		return s.planQuery(tx.Client()).Where(plan.ID(id)).Only(ctx)
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.CreatePlanResponse{Plan: planToProto(pl)}, nil
}

// SetPrices replaces the prices of a plan.
func SetPrices(ctx context.Context, tx *ent.Tx, planID int64, prices []*certsvcv1.PlanPrice) error {
	if _, err := tx.PlanPrice.Delete().Where(planprice.PlanID(planID)).Exec(ctx); err != nil {
		return fmt.Errorf("delete prices of plan %d: %w", planID, err)
	}
	b := make([]*ent.PlanPriceCreate, 0, len(prices))
	for _, pr := range prices {
		b = append(b, tx.PlanPrice.Create().SetPlanID(planID).SetPeriodMonths(pr.GetPeriodMonths()).
			SetCurrency(pr.GetCurrency()).SetAmount(pr.GetAmountMinor()).SetExtraNameAmount(pr.GetExtraNameAmountMinor()))
	}
	if err := tx.PlanPrice.CreateBulk(b...).Exec(ctx); err != nil {
		return fmt.Errorf("set prices of plan %d: %w", planID, store.Translate(err))
	}
	return nil
}

// planFields are the update_mask paths UpdatePlan accepts.
var planFields = []string{"name", "brand", "enabled", "prices", "validation", "wildcard", "multi_domain",
	"included_names", "max_names", "extra_name_addon_id", "idn", "www_and_bare", "foreign_id"}

// UpdatePlan implements CatalogService.UpdatePlan.
func (s *Handler) UpdatePlan(ctx context.Context, req *certsvcv1.UpdatePlanRequest) (*certsvcv1.UpdatePlanResponse, error) {
	paths, err := rpc.MaskPaths(req.GetUpdateMask(), planFields...)
	if err != nil {
		return nil, err
	}
	in := req.GetPlan()
	pl, err := store.InTx(ctx, s.db, func(tx *ent.Tx) (*ent.Plan, error) {
		cur, err := s.planQuery(tx.Client()).Where(plan.ID(in.GetId())).Only(ctx)
		if err != nil {
			return nil, rpc.FieldErr("plan.id", fmt.Errorf("plan %d: %w", in.GetId(), store.Translate(err)))
		}
		// Apply the mask to the current plan, then check the result as a whole.
		next := planToProto(cur)
		for _, p := range paths {
			// Mask paths are top-level field names, checked by maskPaths.
			f := next.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(p))
			if in.ProtoReflect().Has(f) {
				next.ProtoReflect().Set(f, in.ProtoReflect().Get(f))
			} else {
				next.ProtoReflect().Clear(f)
			}
		}
		if err := checkPlan("plan.", next); err != nil {
			return nil, err
		}
		if next.GetForeignId() == 0 {
			next.ForeignId = next.GetId()
		}
		if err := checkPlanIDs(ctx, tx, cur.ID, cur.ID, next.GetForeignId()); err != nil {
			return nil, err
		}
		// Update, not UpdateOne: nothing reads the row back in the
		// transaction; the answer is read after the commit.
		err = tx.Plan.Update().Where(plan.ID(cur.ID)).SetForeignID(next.GetForeignId()).SetName(next.GetName()).SetBrand(next.GetBrand()).
			SetValidation(validationFromProto(next.GetValidation())).SetWildcard(next.GetWildcard()).
			SetMultiDomain(next.GetMultiDomain()).SetIncludedNames(next.GetIncludedNames()).SetMaxNames(next.GetMaxNames()).
			SetExtraNameAddonID(next.GetExtraNameAddonId()).SetIdn(next.GetIdn()).SetWwwAndBare(next.GetWwwAndBare()).
			SetEnabled(next.GetEnabled()).SetUpdateTime(s.Clock()).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("update plan %d: %w", cur.ID, store.Translate(err))
		}
		for _, p := range paths {
			if p == "prices" {
				if err := SetPrices(ctx, tx, cur.ID, next.GetPrices()); err != nil {
					return nil, err
				}
			}
		}
		return cur, nil
	})
	if err != nil {
		return nil, err
	}
	// The plan as committed, read with a plain query after the transaction
	// (its prices were rewritten whole, so the answer is not built from the
	// request); a change committed meanwhile shows, as it would in GetPlan.
	if pl, err = s.planQuery(s.db).Where(plan.ID(pl.ID)).Only(ctx); err != nil {
		return nil, fmt.Errorf("read plan %d: %w", pl.ID, store.Translate(err))
	}
	return &certsvcv1.UpdatePlanResponse{Plan: planToProto(pl)}, nil
}

// DeletePlan implements CatalogService.DeletePlan.
func (s *Handler) DeletePlan(ctx context.Context, req *certsvcv1.DeletePlanRequest) (*certsvcv1.DeletePlanResponse, error) {
	if err := s.db.Plan.DeleteOneID(req.GetId()).Exec(ctx); err != nil {
		return nil, rpc.FieldErr("id", fmt.Errorf("plan %d: %w", req.GetId(), store.Translate(err)))
	}
	return &certsvcv1.DeletePlanResponse{}, nil
}

// ListCountries implements CatalogService.ListCountries.
func (s *Handler) ListCountries(context.Context, *certsvcv1.ListCountriesRequest) (*certsvcv1.ListCountriesResponse, error) {
	res := &certsvcv1.ListCountriesResponse{}
	for _, c := range catalog.Countries() {
		res.Countries = append(res.Countries, &certsvcv1.Country{Id: c.ID, Alpha2: c.Alpha2, Name: c.Name})
	}
	return res, nil
}
