package galeratest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/certificate"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/provider/thesslstore/sslstoretest"
	"github.com/certsvc/certsvc/internal/store"
)

// planUpstream is the seed's Comodo Essential SSL (single-name DV), which
// the run sells through the fake upstream CA instead of the built-in one.
const planUpstream = 2025

// upstream is a fake The SSL Store (internal/provider/thesslstore) that the
// replicas order from, and an operator loop that issues its pending orders.
type upstream struct {
	fake  *sslstoretest.Server
	modID int64
	stop  func()
}

// newUpstream starts the fake, adds it as a processing module selling
// planUpstream (ahead of the built-in CA), and starts the operator loop:
// every 200 ms it issues the fake's pending orders of certificates awaiting
// validation and asks a replica to sync them.
func newUpstream(t *testing.T, envs []*apitest.Env, db *store.DB) *upstream {
	t.Helper()
	fake := sslstoretest.New(t, sslstoretest.Options{Balance: "10000000.00"})
	admin := envs[0].Clients(apitest.ConnectJSON, apitest.AdminAuth)
	mod := &certsvcv1.ProcessingModule{Name: "The SSL Store (fake upstream)", Kind: certsvcv1.ModuleKind_MODULE_KIND_THESSLSTORE,
		Enabled: true, Plans: []*certsvcv1.ModulePlan{{PlanId: planUpstream, ProductCode: "positivessl"}},
		Settings:    map[string]string{"url": fake.URL()},
		Credentials: map[string]string{"partner_code": sslstoretest.DefaultPartnerCode, "auth_token": sslstoretest.DefaultAuthToken}}
	created, err := admin.Module.CreateProcessingModule(context.Background(), &certsvcv1.CreateProcessingModuleRequest{Module: mod})
	if err != nil {
		t.Fatalf("add the fake upstream module: %v", err)
	}
	u := &upstream{fake: fake, modID: created.GetModule().GetId()}
	// Each replica's catalog cache sees the new module at its next check of
	// the shared version (at most 250 ms apart); until then it would sell
	// the plan through the built-in CA.
	time.Sleep(time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for try := 0; ctx.Err() == nil; try++ {
			time.Sleep(200 * time.Millisecond)
			ids, err := db.Ent.Certificate.Query().Where(certificate.ProcessingModuleID(u.modID),
				certificate.StateEQ(certificate.StateAwaitingValidation)).IDs(ctx)
			if err != nil {
				continue // node 1 restarting, or the test ending
			}
			var ready []int64
			for _, id := range ids {
				ref := fmt.Sprint(id)
				if o, ok := fake.Order(ref); ok && o.MajorStatus == "Pending" {
					fake.Issue(ref)
				}
				if _, ok := fake.Order(ref); ok {
					ready = append(ready, id)
				}
			}
			if len(ready) == 0 {
				continue
			}
			// Any replica may be down (chaos): try them in turn.
			cl := envs[try%len(envs)].Clients(apitest.ConnectJSON, apitest.AdminAuth)
			cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
			_, _ = cl.Cert.SyncCertificates(cctx, &certsvcv1.SyncCertificatesRequest{Ids: ready})
			ccancel()
		}
	})
	u.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(u.stop)
	return u
}

func upstreamOrderReq(key string) *certsvcv1.CreateCertificateRequest {
	cn := key + ".example.com"
	return &certsvcv1.CreateCertificateRequest{
		PlanId: planUpstream, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: cn}, Pay: true, IdempotencyKey: key,
		Validations: []*certsvcv1.DomainValidation{{Domain: cn, Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL,
			ApproverEmail: "admin@" + cn}},
	}
}

// audit checks that the upstream received exactly one order per
// certificate sold through it, want of them, and logs how many neworder
// requests it took (a retried request is refused by reference and finds
// the order instead).
func (u *upstream) audit(t *testing.T, db *store.DB, want int) {
	t.Helper()
	u.stop()
	ids, err := db.Ent.Certificate.Query().Where(certificate.ProcessingModuleID(u.modID)).IDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != want {
		t.Errorf("%d certificates ordered from the upstream, want %d", len(ids), want)
	}
	placed, requests := 0, 0
	for _, id := range ids {
		ref := fmt.Sprint(id)
		n := u.fake.OrdersPlaced(ref)
		if n != 1 {
			t.Errorf("certificate %d: %d orders at the upstream, want exactly 1", id, n)
		}
		placed += n
		requests += u.fake.NewOrderRequests(ref)
	}
	t.Logf("upstream: %d certificates, %d orders placed, %d neworder requests", len(ids), placed, requests)
}
