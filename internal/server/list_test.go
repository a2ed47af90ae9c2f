package server_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
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

// The domain filter finds a certificate by any of its names: the names the
// filter begins, and the names with a label (after a dot) the filter
// begins, so "example.com" finds example.com and its subdomains; on both
// databases, with the names kept current by a reissue with new names.
func TestListCertificatesDomainFilter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		env := apitest.New(t, db)
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "domains", "RUB")
		deposit(t, admin, cust.Account.GetId(), 100_000_000)
		c := env.Clients(apitest.ConnectJSON, cust.Auth)
		ctx := context.Background()
		order := func(plan int64, cn string, pay bool, extra ...string) *certsvcv1.Certificate {
			return mustCert(t)(c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
				PlanId: plan, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
				Subject: &certsvcv1.Subject{CommonName: cn}, ExtraNames: extra, Pay: pay,
				Organization: &certsvcv1.Organization{Name: "Domains LLC", CountryId: 182},
			}))
		}
		order(planMulti, "example.com", false, "www.example.com")
		order(planDV, "shop.example.org", false)
		order(planDV, "myexample.com", false)
		order(planWildcard, "*.cdn.example.net", false)
		reissued := order(planMulti, "old.example.info", true, "mail.example.info")
		waitState(t, c, reissued.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)

		check := func(domain string, want ...string) {
			t.Helper()
			res, err := c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{
				Filter: &certsvcv1.CertificateFilter{Domain: domain}, IncludeTotalSize: true,
				OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_DOMAIN})
			if err != nil {
				t.Fatalf("domain %q: %v", domain, err)
			}
			var got []string
			for _, x := range res.GetCertificates() {
				got = append(got, x.GetCommonName())
			}
			if !slices.Equal(got, want) || int(res.GetTotalSize()) != len(want) {
				t.Errorf("domain %q: %v (total %d), want %v", domain, got, res.GetTotalSize(), want)
			}
		}
		check("example.com", "example.com")
		check(" EXAMPLE.com ", "example.com")
		check("www.exa", "example.com")
		check("shop", "shop.example.org")
		check(".example.org", "shop.example.org")
		check("example", "*.cdn.example.net", "example.com", "old.example.info", "shop.example.org")
		check("myexample.com", "myexample.com")
		check("*.cdn", "*.cdn.example.net")
		check("cdn.example.net", "*.cdn.example.net")
		check("mail.example.info", "old.example.info")
		check("xample") // not at the start of a label
		check("example.com.evil")
		// Page by page, by id both ways (the ids the filter matched are read
		// a chunk at a time).
		for _, order := range []certsvcv1.CertificateOrder{certsvcv1.CertificateOrder_CERTIFICATE_ORDER_NEWEST_FIRST,
			certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST} {
			got := namesByPages(t, c, "example", order)
			want := []string{"example.com", "shop.example.org", "*.cdn.example.net", "old.example.info"}
			if order == certsvcv1.CertificateOrder_CERTIFICATE_ORDER_NEWEST_FIRST {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%v by pages of 1: %v, want %v", order, got, want)
			}
		}

		mustCert(t)(c.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: reissued.GetId(),
			ReplaceExtraNames: true, ExtraNames: []string{"new.example.info"}}))
		check("mail.example.info")
		check("new.example", "old.example.info")
		check("old.example.info", "old.example.info")
		check("example.info", "old.example.info")
	})
}

// Expiring first, the domain filter sorts the certificates it matches by
// the end dates certificate_names repeats: they follow every change of a
// certificate's end date and names (issue, reissue with new names, an
// administrator's edit), so pages come in the order of the certificates'
// own end dates, ties by id, and a certificate without one is left out; on
// both databases.
func TestListCertificatesDomainExpiringFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *store.DB) {
		env := apitest.New(t, db)
		admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
		cust := env.NewCustomer(t, "expiring", "RUB")
		deposit(t, admin, cust.Account.GetId(), 100_000_000)
		c := env.Clients(apitest.ConnectJSON, cust.Auth)
		ctx := context.Background()
		order := func(cn string, pay bool) *certsvcv1.Certificate {
			return mustCert(t)(c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
				PlanId: planMulti, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
				Subject: &certsvcv1.Subject{CommonName: cn}, Pay: pay,
				Organization: &certsvcv1.Organization{Name: "Expiring LLC", CountryId: 182},
			}))
		}
		ids := map[string]int64{}
		for _, cn := range []string{"a.example.com", "b.example.com", "c.example.com", "d.example.org"} {
			ids[cn] = order(cn, true).GetId()
		}
		order("unissued.example.com", false) // no end date: not listed expiring first
		for _, id := range ids {
			waitState(t, c, id, certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)
		}
		// certificate_names holds each certificate's own end date.
		consistent := func() {
			t.Helper()
			var stale int
			if err := env.DB.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificate_names n JOIN certificates c ON c.id = n.certificate_id
				WHERE (n.not_after IS NULL) <> (c.not_after IS NULL) OR n.not_after <> c.not_after`).Scan(&stale); err != nil {
				t.Fatal(err)
			}
			if stale != 0 {
				t.Errorf("%d rows of certificate_names do not hold their certificate's not_after", stale)
			}
		}
		consistent()
		list := func(domain string) []string {
			t.Helper()
			return namesByPages(t, c, domain, certsvcv1.CertificateOrder_CERTIFICATE_ORDER_EXPIRING_FIRST)
		}

		// A reissue with a new name: the name's row comes with the end date,
		// and the new certificate's end date reaches every row.
		a := ids["a.example.com"]
		mustCert(t)(c.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: a,
			ReplaceExtraNames: true, ExtraNames: []string{"api.a.example.com"}}))
		waitState(t, c, a, certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)
		consistent()
		if got := list("api.a"); !slices.Equal(got, []string{"a.example.com"}) {
			t.Errorf("api.a after the reissue: %v", got)
		}

		// An administrator's end dates: b and c tie, so id decides.
		base := time.Now().UTC().Truncate(time.Second).AddDate(2, 0, 0)
		for cn, at := range map[string]time.Time{"a.example.com": base.AddDate(0, 0, 3), "b.example.com": base.AddDate(0, 0, 1),
			"c.example.com": base.AddDate(0, 0, 1), "d.example.org": base} {
			if _, err := admin.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
				Certificate: &certsvcv1.Certificate{Id: ids[cn], NotAfter: timestamppb.New(at)},
				UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"not_after"}}}); err != nil {
				t.Fatal(err)
			}
		}
		consistent()
		if got, want := list("example.com"), []string{"b.example.com", "c.example.com", "a.example.com"}; !slices.Equal(got, want) {
			t.Errorf("example.com expiring first by pages of 1: %v, want %v", got, want)
		}
		if got, want := list("example"), []string{"d.example.org", "b.example.com", "c.example.com", "a.example.com"}; !slices.Equal(got, want) {
			t.Errorf("example expiring first by pages of 1: %v, want %v", got, want)
		}
		if got := list("unissued"); len(got) != 0 {
			t.Errorf("a certificate without an end date listed expiring first: %v", got)
		}
	})
}

// namesByPages lists the common names of the certificates the domain
// filter finds, in order, by pages of one.
func namesByPages(t *testing.T, c apitest.Clients, domain string, order certsvcv1.CertificateOrder) []string {
	t.Helper()
	var got []string
	req := &certsvcv1.ListCertificatesRequest{Filter: &certsvcv1.CertificateFilter{Domain: domain}, PageSize: 1, OrderBy: order}
	for {
		res, err := c.Cert.ListCertificates(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.GetCertificates() {
			got = append(got, x.GetCommonName())
		}
		if req.PageToken = res.GetNextPageToken(); req.PageToken == "" {
			return got
		}
	}
}
