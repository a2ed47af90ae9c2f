package thesslstore_test

import (
	"crypto"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/thesslstore"
	"github.com/certsvc/certsvc/internal/provider/thesslstore/sslstoretest"
)

func TestOrderToIssued(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ctx := t.Context()
	key, csr := newCSR(t, "www.example.com", "example.com")

	r, err := p.PlaceOrder(ctx, dvOrder("ord-1", csr))
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	sent, ok := fake.Order("ord-1")
	if !ok {
		t.Fatal("the fake has no order ord-1")
	}
	if r.Ref != "ord-1" || r.RemoteID != sent.TheSSLStoreOrderID || r.State != provider.StateAwaitingDCV || r.RawStatus != "Pending" {
		t.Errorf("PlaceOrder = ref %q, remote id %q, state %q, raw %q; want ord-1, %q, awaiting_dcv, Pending",
			r.Ref, r.RemoteID, r.State, r.RawStatus, sent.TheSSLStoreOrderID)
	}
	if r.PaidUntil.IsZero() {
		t.Error("PaidUntil is zero, want the order's expiry")
	}

	// What the API was sent.
	if sent.ProductCode != "positivessl" || sent.ValidityMonths != 12 || sent.CommonName != "www.example.com" ||
		!slices.Equal(sent.DNSNames, []string{"example.com"}) || sent.DCVMethod != "FILE" || sent.IsRenewal {
		t.Errorf("the fake got %+v", sent)
	}
	if sent.ApproverEmail != "admin@example.com" {
		t.Errorf("ApproverEmail = %q, want the e-mail chosen for example.com", sent.ApproverEmail)
	}
	if sent.AdminContact.FirstName != "Ada" || sent.AdminContact.Email != admin.Email || sent.TechnicalContact.LastName != "Turing" {
		t.Errorf("contacts = %+v / %+v", sent.AdminContact, sent.TechnicalContact)
	}
	// example.com differs from the order level: set by changeapproveremail.
	if d := sent.Domains[1]; d.Domain != "example.com" || d.Method != "EMAIL" || d.Email != "admin@example.com" {
		t.Errorf("example.com validation at the fake = %+v, want EMAIL to admin@example.com", d)
	}

	// What the customer is told.
	file := dcvFor(t, r, "www.example.com")
	if file.Method != provider.DCVHTTPFile || file.Status != "pending" ||
		!strings.HasPrefix(file.HTTPURL, "http://www.example.com/.well-known/pki-validation/") ||
		!strings.HasSuffix(file.HTTPURL, ".txt") || !strings.Contains(file.Content, "sectigo.com") {
		t.Errorf("www.example.com instruction = %+v", file)
	}
	// The API does not echo a domain's own approver address (as far as
	// documented); the core keeps the one it chose.
	if mail := dcvFor(t, r, "example.com"); mail.Method != provider.DCVEmail || mail.Status != "pending" {
		t.Errorf("example.com instruction = %+v, want e-mail, pending", mail)
	}

	ref := r.RemoteRef
	if r, err = p.Sync(ctx, ref); err != nil || r.State != provider.StateAwaitingDCV {
		t.Fatalf("Sync before validation = %q, %v; want awaiting_dcv", r.State, err)
	}
	fake.ValidateDCV("ord-1")
	if r, err = p.Sync(ctx, ref); err != nil || r.State != provider.StateProcessing {
		t.Fatalf("Sync after validation = %q, %v; want processing", r.State, err)
	}
	if r.ChainPEM != "" {
		t.Error("a chain before issuance")
	}

	fake.Issue("ord-1")
	r, err = p.Sync(ctx, ref)
	if err != nil {
		t.Fatalf("Sync after issuance: %v", err)
	}
	if r.State != provider.StateIssued || r.RawStatus != "Active" {
		t.Fatalf("Sync after issuance = %q (%q), want issued (Active)", r.State, r.RawStatus)
	}
	chain := parseChain(t, r.ChainPEM)
	if len(chain) != 2 {
		t.Fatalf("chain has %d certificates, want the leaf and the intermediate (no root)", len(chain))
	}
	leaf := chain[0]
	if !leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
		t.Error("the first certificate is not the leaf of the CSR's key")
	}
	if !slices.Equal(leaf.DNSNames, []string{"www.example.com", "example.com"}) {
		t.Errorf("leaf names = %v", leaf.DNSNames)
	}
	inter := x509.NewCertPool()
	inter.AddCert(chain[1])
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: fake.Roots(), Intermediates: inter, DNSName: "example.com"}); err != nil {
		t.Errorf("verify the chain: %v", err)
	}
	if !r.CertNotAfter.Equal(leaf.NotAfter) || !r.CertNotBefore.Equal(leaf.NotBefore) {
		t.Errorf("dates = %v – %v, want the leaf's %v – %v", r.CertNotBefore, r.CertNotAfter, leaf.NotBefore, leaf.NotAfter)
	}
	if got := dcvFor(t, r, "example.com").Status; got != "valid" {
		t.Errorf("example.com validation after issuance = %q, want valid", got)
	}
}

func TestPlaceOrderOV(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	_, csr := newCSR(t, "shop.example.org")
	org := &provider.Organization{Name: "Example Ltd", Department: "IT", Address: "1 High St", City: "London",
		State: "London", PostalCode: "N1 1AA", Country: "GB", Phone: "+44 20 7946 0002"}
	r, err := p.PlaceOrder(t.Context(), provider.OrderRequest{
		Ref: "ov-1", ProductCode: "sectigoovssl", Validation: "ov", PeriodMonths: 12, CSRPEM: csr,
		CommonName: "shop.example.org",
		DCV:        map[string]provider.DCVChoice{"shop.example.org": {Method: provider.DCVDNSCNAME}},
		Admin:      admin, Tech: tech, Org: org,
	})
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	sent, _ := fake.Order("ov-1")
	if sent.Organization == nil || sent.Organization.OrganizationName != "Example Ltd" || sent.Organization.Division != "IT" ||
		sent.Organization.OrganizationAddress.Country != "GB" || sent.Organization.OrganizationAddress.City != "London" {
		t.Errorf("OrganizationInfo = %+v", sent.Organization)
	}
	if sent.AdminContact.OrganizationName != "Example Ltd" || sent.AdminContact.Country != "GB" {
		t.Errorf("AdminContact = %+v, want the organisation's address", sent.AdminContact)
	}
	if sent.DCVMethod != "CNAME" {
		t.Errorf("DCV method = %q, want CNAME", sent.DCVMethod)
	}
	// No e-mail choice: the approver comes from the API's list, as the
	// integrations do.
	if sent.ApproverEmail != "admin@shop.example.org" || fake.Calls("order/approverlist") != 1 {
		t.Errorf("ApproverEmail = %q after %d approverlist calls, want admin@shop.example.org after 1",
			sent.ApproverEmail, fake.Calls("order/approverlist"))
	}
	in := dcvFor(t, r, "shop.example.org")
	if in.Method != provider.DCVDNSCNAME || in.DNSType != "CNAME" || !strings.HasSuffix(in.DNSName, ".shop.example.org") ||
		!strings.HasPrefix(in.DNSName, "_") || !strings.HasSuffix(in.Content, ".sectigo.com") {
		t.Errorf("instruction = %+v", in)
	}
}

func TestPlaceOrderRefusedBeforeSending(t *testing.T) {
	_, csr := newCSR(t, "www.example.com", "example.com")
	tests := []struct {
		name   string
		change func(*provider.OrderRequest)
		want   string
	}{
		{"ov without organisation", func(r *provider.OrderRequest) { r.Validation = "ov" }, "organisation"},
		{"dns txt", func(r *provider.OrderRequest) {
			r.DCV["example.com"] = provider.DCVChoice{Method: provider.DCVDNSTXT}
		}, `"dns_txt"`},
		{"no method for the common name", func(r *provider.OrderRequest) { delete(r.DCV, "www.example.com") }, "www.example.com"},
		{"e-mail without address", func(r *provider.OrderRequest) {
			r.DCV["example.com"] = provider.DCVChoice{Method: provider.DCVEmail}
		}, "approver address"},
		{"no period", func(r *provider.OrderRequest) { r.PeriodMonths = 0 }, "period"},
		{"no ref", func(r *provider.OrderRequest) { r.Ref = "" }, "reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, p := newFake(t, sslstoretest.Options{})
			req := dvOrder("ord-1", csr)
			tc.change(&req)
			_, err := p.PlaceOrder(t.Context(), req)
			if !errors.Is(err, provider.ErrRejected) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("PlaceOrder error = %v, want ErrRejected mentioning %s", err, tc.want)
			}
			if n := fake.Calls("order/neworder"); n != 0 {
				t.Errorf("%d neworder calls, want none", n)
			}
		})
	}
}

func TestPlaceOrderRejectedByAPI(t *testing.T) {
	tests := []struct {
		name    string
		balance string
		product string
		want    error
		message string
	}{
		{"unknown product", "", "nosuchproduct", provider.ErrRejected, "Invalid ProductCode."},
		{"balance too low", "1.00", "positivessl", provider.ErrInsufficientFunds, "Insufficient balance"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, p := newFake(t, sslstoretest.Options{Balance: tc.balance})
			_, csr := newCSR(t, "www.example.com", "example.com")
			req := dvOrder("ord-1", csr)
			req.ProductCode = tc.product
			_, err := p.PlaceOrder(t.Context(), req)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("PlaceOrder error = %v, want %v with %q", err, tc.want, tc.message)
			}
			if n := fake.OrdersPlaced("ord-1"); n != 0 {
				t.Errorf("%d orders placed, want 0", n)
			}
		})
	}
}

// A second PlaceOrder with the same Ref gets the first order back: the
// API refuses the CustomOrderID and the provider looks it up.
func TestPlaceOrderSameRefReturnsTheOrder(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	_, csr := newCSR(t, "www.example.com", "example.com")
	first, err := p.PlaceOrder(t.Context(), dvOrder("ord-1", csr))
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.PlaceOrder(t.Context(), dvOrder("ord-1", csr))
	if err != nil {
		t.Fatalf("second PlaceOrder: %v", err)
	}
	if again.RemoteID != first.RemoteID || again.State != provider.StateAwaitingDCV {
		t.Errorf("second PlaceOrder = %q (%s), want the first order %q", again.RemoteID, again.State, first.RemoteID)
	}
	if n := fake.OrdersPlaced("ord-1"); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}
}

// issued places ord-1 and issues it.
func issued(t *testing.T, fake *sslstoretest.Server, p testProvider) provider.RemoteRef {
	t.Helper()
	_, csr := newCSR(t, "www.example.com", "example.com")
	r, err := p.PlaceOrder(t.Context(), dvOrder("ord-1", csr))
	if err != nil {
		t.Fatal(err)
	}
	fake.Issue("ord-1")
	return r.RemoteRef
}

func TestReissue(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ctx := t.Context()
	ref := issued(t, fake, p)
	old, err := p.Sync(ctx, ref)
	if err != nil || old.State != provider.StateIssued {
		t.Fatalf("Sync = %q, %v", old.State, err)
	}

	key, csr := newCSR(t, "www.example.com", "example.com")
	ref.Ref = "reissue-1" // the core's reference of the operation
	r, err := p.Reissue(ctx, ref, provider.ReissueRequest{CSRPEM: csr, CommonName: "www.example.com", SANs: []string{"example.com"},
		DCV: map[string]provider.DCVChoice{
			"www.example.com": {Method: provider.DCVEmail, Email: "admin@example.com"},
			"example.com":     {Method: provider.DCVEmail, Email: "admin@example.com"},
		}})
	if err != nil {
		t.Fatalf("Reissue: %v", err)
	}
	if r.State != provider.StateReissuing || r.RemoteID != ref.RemoteID {
		t.Errorf("Reissue = %q on %q, want reissuing on %q", r.State, r.RemoteID, ref.RemoteID)
	}
	sent, _ := fake.Order("ord-1")
	if sent.Reissues != 1 || sent.CSR != csr || sent.ApproverEmail != "admin@example.com" || sent.DCVMethod != "EMAIL" {
		t.Errorf("the fake got reissues %d, method %s, approver %q", sent.Reissues, sent.DCVMethod, sent.ApproverEmail)
	}
	if r, err = p.Sync(ctx, ref); err != nil || r.State != provider.StateReissuing || r.RawStatus != "Active/PENDING_REISSUE" {
		t.Fatalf("Sync while reissuing = %q (%q), %v", r.State, r.RawStatus, err)
	}
	if r.ChainPEM != "" {
		t.Error("Sync while reissuing returned a chain: it would be the old certificate")
	}

	fake.Issue("ord-1")
	r, err = p.Sync(ctx, ref)
	if err != nil || r.State != provider.StateIssued {
		t.Fatalf("Sync after the reissue = %q, %v", r.State, err)
	}
	leaf := parseChain(t, r.ChainPEM)[0]
	if !leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public()) {
		t.Error("the leaf after the reissue is not of the new key")
	}
}

func TestRenew(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ref := issued(t, fake, p)
	_, csr := newCSR(t, "www.example.com", "example.com")
	ref.Ref = "ord-2"
	r, err := p.Renew(t.Context(), ref, dvOrder("ord-2", csr))
	if err != nil {
		t.Fatalf("Renew: %v", err)
	}
	sent, _ := fake.Order("ord-2")
	if !sent.IsRenewal || sent.RelatedOrderID != ref.RemoteID {
		t.Errorf("renewal at the fake: isRenewalOrder %v, related %q; want true, %q", sent.IsRenewal, sent.RelatedOrderID, ref.RemoteID)
	}
	if r.RemoteID == ref.RemoteID || r.RemoteID != sent.TheSSLStoreOrderID || r.Ref != "ord-2" {
		t.Errorf("Renew = %q (ref %q), want the new order %q", r.RemoteID, r.Ref, sent.TheSSLStoreOrderID)
	}
}

func TestCancel(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ctx := t.Context()
	_, csr := newCSR(t, "www.example.com", "example.com")
	r, err := p.PlaceOrder(ctx, dvOrder("ord-1", csr))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := p.Balance(ctx)
	if err := p.Cancel(ctx, r.RemoteRef, "customer changed their mind"); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	sent, _ := fake.Order("ord-1")
	if sent.MajorStatus != "Cancelled" || sent.RefundReason != "customer changed their mind" || sent.RefundRequestID != "ord-1" {
		t.Errorf("the fake's order = %s, reason %q, refund id %q", sent.MajorStatus, sent.RefundReason, sent.RefundRequestID)
	}
	if after, _ := p.Balance(ctx); after.AmountMinor-before.AmountMinor != 995 {
		t.Errorf("balance %d → %d, want the 9.95 refunded", before.AmountMinor, after.AmountMinor)
	}
	if got, err := p.Sync(ctx, r.RemoteRef); err != nil || got.State != provider.StateCancelled {
		t.Errorf("Sync after Cancel = %q, %v; want cancelled", got.State, err)
	}
	if err := p.Cancel(ctx, r.RemoteRef, ""); err != nil {
		t.Errorf("second Cancel = %v, want nil (already refunded)", err)
	}
	err = p.Cancel(ctx, provider.RemoteRef{Ref: "x", RemoteID: "42"}, "")
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Cancel of an unknown order = %v, want ErrNotFound", err)
	}
}

func TestUnknownOrder(t *testing.T) {
	_, p := newFake(t, sslstoretest.Options{})
	if _, err := p.Sync(t.Context(), provider.RemoteRef{Ref: "nope", RemoteID: "42"}); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Sync = %v, want ErrNotFound", err)
	}
	r, found, err := p.FindByRef(t.Context(), "nope")
	if err != nil || found {
		t.Errorf("FindByRef = %+v, %v, %v; want not found", r, found, err)
	}
}

func TestFindByRef(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ref := issued(t, fake, p)
	r, found, err := p.FindByRef(t.Context(), "ord-1")
	if err != nil || !found {
		t.Fatalf("FindByRef = %v, %v", found, err)
	}
	if r.Ref != "ord-1" || r.RemoteID != ref.RemoteID || r.State != provider.StateIssued || r.ChainPEM == "" {
		t.Errorf("FindByRef = ref %q, id %q, %s, chain %d bytes; want ord-1, %q, issued with a chain",
			r.Ref, r.RemoteID, r.State, len(r.ChainPEM), ref.RemoteID)
	}
}

func TestProducts(t *testing.T) {
	_, p := newFake(t, sslstoretest.Options{})
	products, err := p.Products(t.Context())
	if err != nil {
		t.Fatalf("Products: %v", err)
	}
	byCode := map[string]provider.Product{}
	for _, pr := range products {
		byCode[pr.Code] = pr
	}
	usd := func(minor ...int64) []provider.Money {
		var out []provider.Money
		for _, m := range minor {
			out = append(out, provider.Money{Currency: "USD", AmountMinor: m})
		}
		return out
	}
	tests := []struct {
		code       string
		validation string
		wildcard   bool
		maxNames   int
		periods    []int
		prices     []provider.Money
	}{
		{"positivessl", "dv", false, 1, []int{12, 24}, usd(995, 1990)},
		{"positivesslwildcard", "dv", true, 1, []int{12}, usd(7900)},
		{"positivemdcssl", "dv", false, 248, []int{12}, usd(3000)},
		{"sectigoovssl", "ov", false, 1, []int{12}, usd(4550)},
		{"sectigoevssl", "ev", false, 1, []int{12}, usd(9900)},
		{"securesite", "ov", false, 1, []int{12}, usd(19900)},
	}
	if len(products) != len(tests) {
		t.Errorf("%d products, want %d", len(products), len(tests))
	}
	for _, tc := range tests {
		pr, ok := byCode[tc.code]
		if !ok {
			t.Errorf("no product %q", tc.code)
			continue
		}
		if pr.Validation != tc.validation || pr.Wildcard != tc.wildcard || pr.MaxNames != tc.maxNames ||
			!slices.Equal(pr.Periods, tc.periods) || !slices.Equal(pr.Prices, tc.prices) || pr.Name == "" || pr.Brand == "" {
			t.Errorf("%s = %+v, want validation %s, wildcard %v, max names %d, periods %v, prices %v",
				tc.code, pr, tc.validation, tc.wildcard, tc.maxNames, tc.periods, tc.prices)
		}
	}
}

func TestApproverEmails(t *testing.T) {
	_, p := newFake(t, sslstoretest.Options{})
	got, err := p.ApproverEmails(t.Context(), "positivessl", "shop.example.com")
	if err != nil {
		t.Fatalf("ApproverEmails: %v", err)
	}
	for _, want := range []string{"admin@shop.example.com", "webmaster@shop.example.com", "admin@example.com"} {
		if !slices.Contains(got, want) {
			t.Errorf("ApproverEmails = %v, want %s among them", got, want)
		}
	}
	if _, err := p.ApproverEmails(t.Context(), "positivessl", "localhost"); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("ApproverEmails(localhost) = %v, want ErrRejected", err)
	}
}

func TestBalance(t *testing.T) {
	_, p := newFake(t, sslstoretest.Options{Balance: "1234.56"})
	got, err := p.Balance(t.Context())
	if err != nil {
		t.Fatalf("Balance: %v", err)
	}
	if want := (provider.Money{Currency: "USD", AmountMinor: 123456}); got != want {
		t.Errorf("Balance = %+v, want %+v", got, want)
	}
}

func TestCheckCredentials(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	if err := p.CheckCredentials(t.Context()); err != nil {
		t.Fatalf("CheckCredentials: %v", err)
	}

	cfg := fake.Config()
	cfg.Secrets[thesslstore.SecretAuthToken] = "wrong-token-0000"
	bad := newProvider(t, cfg)
	err := bad.CheckCredentials(t.Context())
	if !errors.Is(err, provider.ErrRejected) {
		t.Fatalf("CheckCredentials with a bad token = %v, want ErrRejected", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "Authentication failed") || !strings.Contains(msg, `"auth_token"`) {
		t.Errorf("error %q should keep the API's message and name the secrets", msg)
	}
	// The fake echoes the credentials in its message: they must be masked.
	if strings.Contains(msg, "wrong-token-0000") || strings.Contains(msg, sslstoretest.DefaultPartnerCode) {
		t.Errorf("error %q holds a credential", msg)
	}
	// Every other call is refused the same way.
	_, err = bad.Balance(t.Context())
	if !errors.Is(err, provider.ErrRejected) || strings.Contains(err.Error(), "wrong-token-0000") {
		t.Errorf("Balance with a bad token = %v", err)
	}
}

func TestSetAndRetryDCV(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ctx := t.Context()
	_, csr := newCSR(t, "www.example.com", "example.com")
	placed, err := p.PlaceOrder(ctx, dvOrder("ord-1", csr))
	if err != nil {
		t.Fatal(err)
	}
	ref := placed.RemoteRef

	r, err := p.SetDCV(ctx, ref, "example.com", provider.DCVChoice{Method: provider.DCVEmail, Email: "webmaster@example.com"})
	if err != nil {
		t.Fatalf("SetDCV e-mail: %v", err)
	}
	if r.State != provider.StateAwaitingDCV {
		t.Errorf("SetDCV state = %q", r.State)
	}
	if sent, _ := fake.Order("ord-1"); sent.Domains[1].Email != "webmaster@example.com" {
		t.Errorf("example.com at the fake = %+v", sent.Domains[1])
	}
	r, err = p.SetDCV(ctx, ref, "www.example.com", provider.DCVChoice{Method: provider.DCVDNSCNAME})
	if err != nil {
		t.Fatalf("SetDCV CNAME: %v", err)
	}
	if in := dcvFor(t, r, "www.example.com"); in.Method != provider.DCVDNSCNAME || in.DNSName == "" || in.Content == "" {
		t.Errorf("www.example.com after SetDCV = %+v", in)
	}
	if _, err := p.SetDCV(ctx, ref, "example.com", provider.DCVChoice{Method: provider.DCVDNSTXT}); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("SetDCV dns_txt = %v, want ErrRejected", err)
	}
	if _, err := p.SetDCV(ctx, ref, "other.example.net", provider.DCVChoice{Method: provider.DCVDNSCNAME}); !errors.Is(err, provider.ErrRejected) ||
		!strings.Contains(err.Error(), "not part of the order") {
		t.Errorf("SetDCV of a foreign domain = %v, want ErrRejected with the API's message", err)
	}

	// The CNAME domain is checked by the CA itself: nothing to resend.
	if _, err := p.RetryDCV(ctx, ref, "www.example.com"); err != nil {
		t.Fatalf("RetryDCV www: %v", err)
	}
	if sent, _ := fake.Order("ord-1"); sent.ApproverResends != 0 {
		t.Errorf("%d resends after retrying a CNAME domain, want 0", sent.ApproverResends)
	}
	if _, err := p.RetryDCV(ctx, ref, ""); err != nil {
		t.Fatalf("RetryDCV all: %v", err)
	}
	if sent, _ := fake.Order("ord-1"); sent.ApproverResends != 1 {
		t.Errorf("%d resends after retrying every domain, want 1", sent.ApproverResends)
	}
}

func TestRetryDCVDigiCert(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	_, csr := newCSR(t, "secure.example.com")
	r, err := p.PlaceOrder(t.Context(), provider.OrderRequest{
		Ref: "dc-1", ProductCode: "securesite", Validation: "ov", PeriodMonths: 12, CSRPEM: csr,
		CommonName: "secure.example.com", Admin: admin, Tech: tech, Org: &provider.Organization{Name: "Example Inc", Country: "US"},
		DCV: map[string]provider.DCVChoice{"secure.example.com": {Method: provider.DCVHTTPSFile}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if in := dcvFor(t, r, "secure.example.com"); in.Method != provider.DCVHTTPSFile ||
		!strings.HasPrefix(in.HTTPURL, "https://secure.example.com/.well-known/pki-validation/") {
		t.Errorf("instruction = %+v", in)
	}
	if _, err := p.RetryDCV(t.Context(), r.RemoteRef, ""); err != nil {
		t.Fatalf("RetryDCV: %v", err)
	}
	if sent, _ := fake.Order("dc-1"); sent.DCVChecks != 1 || sent.ApproverResends != 0 {
		t.Errorf("DigiCert re-checks %d, resends %d; want 1, 0", sent.DCVChecks, sent.ApproverResends)
	}
}

func TestConfig(t *testing.T) {
	secrets := map[string]string{thesslstore.SecretPartnerCode: "p-1234", thesslstore.SecretAuthToken: "t-5678"}
	tests := []struct {
		name     string
		settings map[string]string
		secrets  map[string]string
		wantErr  string // "" for success
	}{
		{"default sandbox", nil, secrets, ""},
		{"live", map[string]string{"environment": "live"}, secrets, ""},
		{"url", map[string]string{"url": "https://api.thesslstore.eu"}, secrets, ""},
		{"loopback http", map[string]string{"url": "http://127.0.0.1:8080/rest/"}, secrets, ""},
		{"bad environment", map[string]string{"environment": "prod"}, secrets, `"environment"`},
		{"plain http", map[string]string{"url": "http://api.example.com"}, secrets, `"url" must use https`},
		{"relative url", map[string]string{"url": "api.example.com"}, secrets, `"url"`},
		{"no partner code", nil, map[string]string{thesslstore.SecretAuthToken: "t-5678"}, `secret "partner_code" is empty`},
		{"no token", nil, map[string]string{thesslstore.SecretPartnerCode: "p-1234"}, `secret "auth_token" is empty`},
		{"no secrets", nil, nil, `"partner_code" and "auth_token"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := provider.Config{Settings: tc.settings, Secrets: tc.secrets}
			_, err := thesslstore.New(cfg)
			_, perr := thesslstore.Prepare(t.Context(), cfg)
			if tc.wantErr == "" {
				if err != nil || perr != nil {
					t.Errorf("New = %v, Prepare = %v; want success", err, perr)
				}
				return
			}
			for _, e := range []error{err, perr} {
				if !errors.Is(e, errkind.InvalidArgument) || !strings.Contains(e.Error(), tc.wantErr) {
					t.Errorf("error = %v, want InvalidArgument mentioning %s", e, tc.wantErr)
				}
				if e != nil && (strings.Contains(e.Error(), "p-1234") || strings.Contains(e.Error(), "t-5678")) {
					t.Errorf("error %q holds a secret", e)
				}
			}
		})
	}
}

func TestPrepareFillsIn(t *testing.T) {
	in := provider.Config{Secrets: map[string]string{thesslstore.SecretPartnerCode: " p-1234\n", thesslstore.SecretAuthToken: "t-5678"}}
	out, err := thesslstore.Prepare(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Settings[thesslstore.SettingEnvironment] != thesslstore.EnvironmentSandbox || out.Secrets[thesslstore.SecretPartnerCode] != "p-1234" {
		t.Errorf("Prepare = %v / partner code %q", out.Settings, out.Secrets[thesslstore.SecretPartnerCode])
	}
	if in.Secrets[thesslstore.SecretPartnerCode] != " p-1234\n" {
		t.Error("Prepare modified its input")
	}
	if k := thesslstore.Kind(); k.New == nil || k.Prepare == nil {
		t.Error("Kind lacks New or Prepare")
	}
}

func TestRevoke(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ctx := t.Context()
	_, csr := newCSR(t, "www.example.com", "example.com")
	r, err := p.PlaceOrder(ctx, dvOrder("ord-1", csr))
	if err != nil {
		t.Fatal(err)
	}
	rv := p.(provider.Revoker)
	if err := rv.Revoke(ctx, r.RemoteRef, "01", 1); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("Revoke of an order not issued = %v, want ErrRejected", err)
	}
	fake.Issue("ord-1")
	r, err = p.Sync(ctx, r.RemoteRef)
	if err != nil || r.State != provider.StateIssued {
		t.Fatalf("Sync = %q, %v", r.State, err)
	}
	leaf := parseChain(t, r.ChainPEM)[0]
	if err := rv.Revoke(ctx, r.RemoteRef, "abcdef", 1); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("Revoke of another serial = %v, want ErrRejected", err)
	}
	if err := rv.Revoke(ctx, r.RemoteRef, leaf.SerialNumber.Text(16), 7); !errors.Is(err, provider.ErrRejected) {
		t.Errorf("Revoke with reason 7 = %v, want ErrRejected", err)
	}
	before, _ := p.Balance(ctx)
	if err := rv.Revoke(ctx, r.RemoteRef, leaf.SerialNumber.Text(16), 1); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	sent, _ := fake.Order("ord-1")
	if sent.MajorStatus != "Revoked" || sent.RevokeReason != "keyCompromise" || sent.Revokes != 1 {
		t.Errorf("the fake's order = %s, reason %q, %d revocations", sent.MajorStatus, sent.RevokeReason, sent.Revokes)
	}
	if after, _ := p.Balance(ctx); after.AmountMinor != before.AmountMinor {
		t.Errorf("balance %d → %d, want no refund", before.AmountMinor, after.AmountMinor)
	}
	if got, err := p.Sync(ctx, r.RemoteRef); err != nil || got.State != provider.StateRevoked {
		t.Errorf("Sync after Revoke = %q, %v; want revoked", got.State, err)
	}
	if err := rv.Revoke(ctx, r.RemoteRef, leaf.SerialNumber.Text(16), 1); err != nil {
		t.Errorf("second Revoke = %v, want nil (already revoked)", err)
	}
	if err := rv.Revoke(ctx, provider.RemoteRef{Ref: "x", RemoteID: "42"}, "01", 0); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Revoke of an unknown order = %v, want ErrNotFound", err)
	}
}
