package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/plan"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	catalogapi "github.com/certsvc/certsvc/internal/api/catalog"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/catalog"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider/builtin"
	"github.com/certsvc/certsvc/internal/store"
)

// BootstrapResult says what Bootstrap did.
type BootstrapResult struct {
	// PlansSeeded is how many catalogue plans were created.
	PlansSeeded int
	// AdminLogin is the login of the admin created, "" when users existed.
	AdminLogin string
	// AdminPassword is the generated password of that admin; "" when it was
	// given. It is shown once and never stored in the clear.
	AdminPassword string
	// ModuleCreated says the built-in CA module was created.
	ModuleCreated bool
	// AdminPasswordIgnored says an admin password was given to a store that
	// already has users: it was not applied to anyone.
	AdminPasswordIgnored bool
	// AdminDeferred says the store has no user and none was created, because
	// no password was given and NoGeneratedAdmin asked not to generate one.
	AdminDeferred bool
}

// BootstrapOptions are the choices of BootstrapWith.
type BootstrapOptions struct {
	// AdminPassword is the password of the admin created on an empty store;
	// empty generates one (see NoGeneratedAdmin).
	AdminPassword string
	// NoGeneratedAdmin leaves a store without users as it is when
	// AdminPassword is empty, instead of creating the admin with a generated
	// password: for callers that cannot show that password to anyone.
	NoGeneratedAdmin bool
}

// Bootstrap prepares an empty store: it seeds the catalogue when there are no
// plans, and creates the admin "admin" when there are no users, with
// adminPassword or, when that is empty, a generated password. On a store
// that has plans and users it does nothing, so it is safe at every start.
//
// A store with no processing module also gets the built-in CA, selling every
// plan and approving validation by itself, so that orders are issued on a
// fresh machine with nothing external; an admin switches auto_approve off
// (or adds real CAs with a lower priority) for production.
func (s *Service) Bootstrap(ctx context.Context, adminPassword string) (BootstrapResult, error) {
	return s.BootstrapWith(ctx, BootstrapOptions{AdminPassword: adminPassword})
}

// BootstrapWith is Bootstrap with options.
func (s *Service) BootstrapWith(ctx context.Context, opts BootstrapOptions) (BootstrapResult, error) {
	res, err := s.bootstrap(ctx, opts)
	if store.IsDuplicate(err) {
		// Another replica bootstrapped the same empty store at the same time;
		// what it wrote is what this one wanted.
		res, err = BootstrapResult{}, nil
	}
	if err != nil {
		return res, err
	}
	res.ModuleCreated, err = s.bootstrapModule(ctx)
	if store.IsDuplicate(err) || errors.Is(err, errkind.AlreadyExists) {
		return res, nil
	}
	return res, err
}

// bootstrapModule creates the built-in CA module when there is no module.
func (s *Service) bootstrapModule(ctx context.Context) (bool, error) {
	if _, ok := s.Kinds().ByAPI(certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA); !ok || s.keyring == nil {
		return false, nil
	}
	n, err := s.db.ProcessingModule.Query().Count(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	_, err = s.Modules.CreateModule(ctx, &certsvcv1.ProcessingModule{Name: "Built-in CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA,
		Priority: 1000, Enabled: true, AllPlans: true, Settings: map[string]string{builtin.SettingAutoApprove: "true"}})
	return err == nil, err
}

func (s *Service) bootstrap(ctx context.Context, opts BootstrapOptions) (BootstrapResult, error) {
	users, err := s.db.User.Query().Count(ctx)
	if err != nil {
		return BootstrapResult{}, fmt.Errorf("count users: %w", err)
	}
	// Hash only when an admin is to be made, and outside the transaction:
	// argon2id is deliberately slow.
	var hash string
	adminPassword := opts.AdminPassword
	generated := adminPassword == ""
	deferred := users == 0 && generated && opts.NoGeneratedAdmin
	if users == 0 && !deferred {
		if generated {
			adminPassword = auth.NewToken("")[:20]
		}
		if hash, err = auth.HashPassword(adminPassword, s.pwParams); err != nil {
			return BootstrapResult{}, fmt.Errorf("hash admin password: %w", err)
		}
	}
	return store.InTx(ctx, s.db, func(tx *ent.Tx) (BootstrapResult, error) {
		res := BootstrapResult{AdminPasswordIgnored: users > 0 && !generated, AdminDeferred: deferred}
		n, err := tx.Plan.Query().Count(ctx)
		if err != nil {
			return res, fmt.Errorf("count plans: %w", err)
		}
		if n == 0 {
			if res.PlansSeeded, err = s.seedPlans(ctx, tx); err != nil {
				return res, err
			}
		}
		if hash == "" {
			return res, nil
		}
		now := s.Clock()
		err = tx.User.Create().SetLogin("admin").SetPasswordHash(hash).SetLevel(user.LevelAdmin).
			SetName("Administrator").SetCreateTime(now).SetUpdateTime(now).Exec(ctx)
		if err != nil {
			return res, fmt.Errorf("create admin: %w", err)
		}
		res.AdminLogin = "admin"
		if generated {
			res.AdminPassword = adminPassword
		}
		return res, nil
	})
}

// seedPlans creates the seeded catalogue.
func (s *Service) seedPlans(ctx context.Context, tx *ent.Tx) (int, error) {
	levels := map[catalog.Validation]plan.Validation{
		catalog.DV: plan.ValidationDv, catalog.OV: plan.ValidationOv, catalog.EV: plan.ValidationEv,
	}
	now := s.Clock()
	seeds := catalog.SeedPlans()
	for _, sp := range seeds {
		err := tx.Plan.Create().SetID(sp.ID).SetForeignID(sp.ForeignID).SetName(sp.Name).SetBrand(sp.Brand).
			SetValidation(levels[sp.Validation]).SetWildcard(sp.Wildcard).SetMultiDomain(sp.MultiDomain).
			SetIncludedNames(sp.IncludedNames).SetMaxNames(sp.MaxNames).SetExtraNameAddonID(sp.ExtraNameAddonID).
			SetIdn(sp.IDN).SetWwwAndBare(sp.WWWAndBare).SetEnabled(true).SetCreateTime(now).SetUpdateTime(now).Exec(ctx)
		if err != nil {
			return 0, fmt.Errorf("seed plan %d: %w", sp.ID, err)
		}
		prices := make([]*certsvcv1.PlanPrice, 0, len(sp.Prices))
		for _, pr := range sp.Prices {
			prices = append(prices, &certsvcv1.PlanPrice{PeriodMonths: pr.PeriodMonths, Currency: pr.Currency,
				AmountMinor: pr.AmountMinor, ExtraNameAmountMinor: pr.ExtraNameMinor})
		}
		if err := catalogapi.SetPrices(ctx, tx, sp.ID, prices); err != nil {
			return 0, err
		}
	}
	return len(seeds), nil
}
