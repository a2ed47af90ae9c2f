package worker_test

import (
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/certsvc/certsvc/ent/certificate"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/service"
	"github.com/certsvc/certsvc/internal/worker"
)

// primaryModule adds a built-in CA module selling planDV ahead of the
// bootstrap one (priority 1000), and returns the ids of both.
func primaryModule(t *testing.T, r *rig, svc *service.Service) (primary, fallback int64) {
	t.Helper()
	res, err := svc.Modules.CreateProcessingModule(r.ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Primary CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA, Enabled: true, Priority: 1,
		Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}}, Settings: map[string]string{"auto_approve": "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	mods, err := svc.Modules.ListProcessingModules(r.ctx, &certsvcv1.ListProcessingModulesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods.GetModules() {
		if m.GetName() == "Built-in CA" {
			fallback = m.GetId()
		}
	}
	if fallback == 0 {
		t.Fatal("no bootstrap module")
	}
	return res.GetModule().GetId(), fallback
}

// An order whose CA is down, or short of money, moves to the next module
// selling its plan: placed once, at the second CA.
func TestOrderFailsOverToTheNextModule(t *testing.T) {
	dbtest.EachKind(t, testOrderFailsOverToTheNextModule)
}

func testOrderFailsOverToTheNextModule(t *testing.T, k dbtest.Kind) {
	for _, cause := range []error{provider.ErrUnavailable, provider.ErrInsufficientFunds} {
		t.Run(cause.Error(), func(t *testing.T) {
			r := newRig(t, k)
			ca := newFakeCA()
			svc := r.service(ca.kinds("w1", plainConn), time.Now, worker.Options{ID: "w1"})
			primary, fallback := primaryModule(t, r, svc)
			acc := r.account(svc, "failover", price12)
			id := r.order(svc, acc, "www.example.com", 12, false)
			if c := r.cert(id); c.ProcessingModuleID != primary {
				t.Fatalf("ordered at module %d, want the primary %d", c.ProcessingModuleID, primary)
			}
			ca.fail(fmt.Sprint(id), fmt.Errorf("call the CA: %w", cause))
			r.runDue(svc) // the primary fails; the order moves
			r.runDue(svc) // the fallback places it
			c := r.wantState(id, certificate.StateIssued)
			if c.ProcessingModuleID != fallback {
				t.Errorf("issued by module %d, want the fallback %d", c.ProcessingModuleID, fallback)
			}
			if n := len(ca.ordersOf(fmt.Sprint(id))); n != 1 {
				t.Errorf("%d orders at the CAs, want 1", n)
			}
			if evs := r.events(id, "failover"); len(evs) != 1 {
				t.Errorf("%d failover events, want 1", len(evs))
			}
			if ch := r.charges(acc); len(ch) != 1 {
				t.Errorf("%d charges, want 1", len(ch))
			}
		})
	}
}

// A module whose balance at the CA is below its minimum takes no orders;
// when no module can, the order is refused and nothing is written.
func TestOrdersAvoidModulesShortOfMoney(t *testing.T) {
	dbtest.EachKind(t, testOrdersAvoidModulesShortOfMoney)
}

func testOrdersAvoidModulesShortOfMoney(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	svc := r.service(r.defaultKinds(), time.Now, worker.Options{ID: "w1"})
	primary, fallback := primaryModule(t, r, svc)
	if _, err := svc.Modules.UpdateProcessingModule(r.ctx, &certsvcv1.UpdateProcessingModuleRequest{
		Module:     &certsvcv1.ProcessingModule{Id: primary, MinBalanceMinor: 100_00},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"min_balance_minor"}},
	}); err != nil {
		t.Fatal(err)
	}
	// The last balance read at the CA (the built-in CA has none to read).
	if err := r.db.Ent.ProcessingModule.UpdateOneID(primary).SetBalanceMinor(99_99).SetBalanceCurrency("USD").Exec(r.ctx); err != nil {
		t.Fatal(err)
	}
	acc := r.account(svc, "short", 10*price12)
	id := r.order(svc, acc, "www.example.com", 12, false)
	if c := r.cert(id); c.ProcessingModuleID != fallback {
		t.Fatalf("ordered at module %d, want the fallback %d: the primary is short of money", c.ProcessingModuleID, fallback)
	}
	m, err := svc.Modules.GetProcessingModule(r.ctx, &certsvcv1.GetProcessingModuleRequest{Id: primary})
	if err != nil {
		t.Fatal(err)
	}
	if b := m.GetModule().GetBalance(); b.GetAmountMinor() != 99_99 || b.GetCurrency() != "USD" {
		t.Errorf("module balance %v, want 99.99 USD", b)
	}

	if _, err := svc.Modules.UpdateProcessingModule(r.ctx, &certsvcv1.UpdateProcessingModuleRequest{
		Module:     &certsvcv1.ProcessingModule{Id: fallback, Enabled: false},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"enabled"}},
	}); err != nil {
		t.Fatal(err)
	}
	before := r.balance(acc)
	n, err := r.db.Ent.Certificate.Query().Count(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = placeOrder(r.ctx, svc, acc, "www.example.org", 12, false)
	if errkind.Kind(err) != errkind.Unavailable {
		t.Fatalf("order with every module short of money: %v, want unavailable", err)
	}
	if after, _ := r.db.Ent.Certificate.Query().Count(r.ctx); after != n || r.balance(acc) != before {
		t.Errorf("a refused order wrote: %d certificates (was %d), balance %d (was %d)", after, n, r.balance(acc), before)
	}
}
