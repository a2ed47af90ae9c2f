package worker_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/certsvc/certsvc/ent/certificate"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/worker"
)

// TestAutoprolongPeriod: an order of 12 months whose auto-renewal period is
// 24 (legacy autoprolong=24) is renewed for 24 months at the 24-month
// price; a period the plan does not sell is refused naming the field, and
// clearing the period renews for the current one again.
func TestAutoprolongPeriod(t *testing.T) { dbtest.EachKind(t, testAutoprolongPeriod) }

func testAutoprolongPeriod(t *testing.T, k dbtest.Kind) {
	r := newRig(t, k)
	clk := newClock(t0)
	svc := r.service(r.defaultKinds(), clk.Now, worker.Options{ID: "w1"})
	acc := r.account(svc, "prolong", price12+price24+price24)
	res, err := svc.Certificates.CreateCertificate(r.ctx, &certsvcv1.CreateCertificateRequest{
		AccountId: acc, PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: "prolong.example.com"}, Pay: true, AutoRenew: true,
		AutoRenewPeriodMonths: proto.Int32(24)})
	if err != nil {
		t.Fatalf("order: %v", err)
	}
	if got := res.GetCertificate().AutoRenewPeriodMonths; got == nil || *got != 24 {
		t.Fatalf("the order's auto-renewal period: %v, want 24", got)
	}
	id := res.GetCertificate().GetId()
	r.runDue(svc)
	c1 := r.wantState(id, certificate.StateIssued)
	paid := *c1.PaidUntil

	// Not sold for 7 months: refused, the period stays.
	update := func(period *int32) error {
		_, err := svc.Certificates.UpdateCertificate(r.ctx, &certsvcv1.UpdateCertificateRequest{
			Certificate: &certsvcv1.Certificate{Id: id, AutoRenew: true, AutoRenewPeriodMonths: period},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"auto_renew", "auto_renew_period_months"}}})
		return err
	}
	if err := update(proto.Int32(7)); !errors.Is(err, errkind.InvalidArgument) || !strings.Contains(err.Error(), "auto_renew_period_months") {
		t.Fatalf("period 7: %v, want invalid_argument naming auto_renew_period_months", err)
	}
	if c := r.cert(id); c.AutoRenewPeriodMonths == nil || *c.AutoRenewPeriodMonths != 24 {
		t.Fatalf("period after the refusal: %v, want 24", c.AutoRenewPeriodMonths)
	}

	clk.Set(paid.Add(-14 * 24 * time.Hour))
	r.runDue(svc)
	c2 := r.wantState(id, certificate.StateIssued)
	if want := paid.AddDate(0, 24, 0); !c2.PaidUntil.Equal(want) || c2.PeriodMonths != 24 {
		t.Fatalf("renewed until %v for %d months, want %v for 24", c2.PaidUntil, c2.PeriodMonths, want)
	}
	if ch := r.charges(acc); len(ch) != 2 || ch[1].Amount != -price24 {
		t.Fatalf("charges %v, want the order and one renewal of %d", ch, price24)
	}

	// Cleared: auto-renewal stays on, for the current period.
	if err := update(nil); err != nil {
		t.Fatalf("clear the period: %v", err)
	}
	if c := r.cert(id); c.AutoRenewPeriodMonths != nil || !c.AutoRenew {
		t.Fatalf("after clearing: auto_renew %v, period %v; want on, none", c.AutoRenew, c.AutoRenewPeriodMonths)
	}
}
