package server_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/apitest"
	"certsvc/internal/dbtest"
	"certsvc/internal/store"
)

// A listing reads fewer columns than a get (no PEM texts, no sealed keys);
// its rows must still be what GetCertificate answers, on both databases.
func TestListedRowsAreWhatGetAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		env := apitest.New(t, db)
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "rows", "RUB")
		deposit(t, admin, cust.Account.GetId(), 10_000_000)
		c := env.Clients(apitest.ConnectJSON, cust.Auth)
		ctx := context.Background()
		generated := mustCert(t)(c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
			Subject: &certsvcv1.Subject{CommonName: "generated.example.com"}, Pay: true,
		}))
		mustCert(t)(c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, CsrPem: csrPEM(t, p256(), "own.example.com"),
		}))
		waitState(t, c, generated.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)

		res, err := c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.GetCertificates()) != 2 {
			t.Fatalf("%d rows, want 2", len(res.GetCertificates()))
		}
		for _, row := range res.GetCertificates() {
			got, err := c.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: row.GetId()})
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(row, got.GetCertificate()) {
				t.Errorf("listed:\n%v\nget:\n%v", row, got.GetCertificate())
			}
			if want := row.GetId() == generated.GetId(); row.GetHasPrivateKey() != want {
				t.Errorf("certificate %d (%s): has_private_key %v, want %v", row.GetId(), row.GetCommonName(), row.GetHasPrivateKey(), want)
			}
		}
	})
}
