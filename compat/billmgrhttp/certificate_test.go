package billmgrhttp

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/compat/billmgr/billmgrtest"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/rpc"
)

// fakeService answers like certsvc for one caller, an admin or a user of
// account 7, over fixed data: users see their account's certificates only
// and another id is not_found, admin-only RPCs refuse users with
// permission_denied, errors carry the service's codes, fields and messages.
// It records the requests the gateway made.
type fakeService struct {
	certsvcv1connect.CertificateServiceClient
	certsvcv1connect.AccountServiceClient
	certsvcv1connect.CatalogServiceClient
	certsvcv1connect.AuthServiceClient

	admin   bool
	certs   []*certsvcv1.Certificate
	presets []*certsvcv1.CertificateFilterPreset

	lists    []*certsvcv1.ListCertificatesRequest
	updates  []*certsvcv1.UpdateCertificateRequest
	replaced []*certsvcv1.ReplaceCertificateFilesRequest
	batches  []string // "Retry [4711]"
	deleteNE []bool
	balance  int64   // account 7's balance (WhoAmI)
	paid     []int64 // PayCertificate(s) ids
}

func (f *fakeService) WhoAmI(context.Context, *certsvcv1.WhoAmIRequest) (*certsvcv1.WhoAmIResponse, error) {
	if f.admin {
		return &certsvcv1.WhoAmIResponse{User: &certsvcv1.User{Id: 1, Login: "admin", Level: certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN}}, nil
	}
	return &certsvcv1.WhoAmIResponse{User: &certsvcv1.User{Id: 71, AccountId: callerAccount, Login: "reseller"},
		Account: &certsvcv1.Account{Id: callerAccount, Name: "Reseller", Currency: "RUB", BalanceMinor: f.balance}}, nil
}

func (f *fakeService) PayCertificate(_ context.Context, in *certsvcv1.PayCertificateRequest) (*certsvcv1.PayCertificateResponse, error) {
	c, err := f.visible(in.GetId())
	if err != nil {
		return nil, err
	}
	f.paid = append(f.paid, in.GetId())
	return &certsvcv1.PayCertificateResponse{Certificate: c}, nil
}

// PayCertificates pays the orders of ids like the service: all or nothing,
// with the service's own not-enough-money error (through rpc's error
// mapping, so the ErrorInfo metadata is the one the service sends).
func (f *fakeService) PayCertificates(_ context.Context, in *certsvcv1.PayCertificatesRequest) (*certsvcv1.PayCertificatesResponse, error) {
	out := &certsvcv1.PayCertificatesResponse{Currency: "RUB"}
	for _, id := range in.GetIds() {
		c, err := f.visible(id)
		if err != nil {
			return nil, err
		}
		out.ChargedMinor += c.GetCostMinor()
		out.Certificates = append(out.Certificates, c)
	}
	if out.ChargedMinor > f.balance {
		ce, _ := rpc.ToConnectError(errkind.NotEnoughMoney(out.ChargedMinor, f.balance, "RUB",
			fmt.Sprintf("not enough money: the balance of account %d is %d.%02d RUB, the %d orders cost %d.%02d RUB", callerAccount,
				f.balance/100, f.balance%100, len(in.GetIds()), out.ChargedMinor/100, out.ChargedMinor%100)))
		return nil, ce
	}
	f.paid = append(f.paid, in.GetIds()...)
	f.balance -= out.ChargedMinor
	return out, nil
}

// withCart puts two unpaid orders of account 7 in the cart (2430.00 RUB).
func withCart(balance int64) func(*fakeService) {
	return func(f *fakeService) {
		f.balance = balance
		for i, cn := range []string{"cart1.example.org", "cart2.example.org"} {
			f.certs = append(f.certs, &certsvcv1.Certificate{Id: int64(4720 + i), AccountId: callerAccount, PlanId: 3033, PeriodMonths: int32(12 * (i + 1)),
				State:        certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID,
				LegacyStatus: &certsvcv1.LegacyStatus{ItemStatus: 1, ItemStatusName: "Ordered"},
				CommonName:   cn, ClientReference: fmt.Sprintf("l%d", 50+i), CostMinor: int64(81000 * (i + 1)), Currency: "RUB",
				CreateTime: ts("2024-08-01T00:00:00Z")})
		}
	}
}

const callerAccount = 7

func ts(s string) *timestamppb.Timestamp {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return timestamppb.New(t)
}

func newFake(admin bool) *fakeService {
	issued := &certsvcv1.Certificate{
		Id: 4711, AccountId: callerAccount, PlanId: 3033, PeriodMonths: 12,
		State:         certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED,
		LegacyStatus:  &certsvcv1.LegacyStatus{ItemStatus: 2, ItemStatusName: "Active", ServiceStatus: 5, ServiceStatusName: "isIssued"},
		StatusMessage: "Certificate issued", CommonName: "www.example.org", ExtraNames: []string{"shop.example.org"},
		Subject: &certsvcv1.Subject{CommonName: "www.example.org", CountryId: 182, Country: "RU", State: "Moscow",
			Locality: "Moscow", Organization: "Example LLC"},
		AdminContact: &certsvcv1.Contact{FirstName: "Ivan", LastName: "Petrov", Title: "CTO", Email: "ivan@example.org", Phone: "+7 (111) 111-11-11"},
		TechContact:  &certsvcv1.Contact{},
		Organization: &certsvcv1.Organization{},
		Validations: []*certsvcv1.DomainValidation{
			{Domain: "www.example.org", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: "admin@www.example.org", Status: "valid"},
			{Domain: "shop.example.org", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: "webmaster@shop.example.org", Status: "valid"},
		},
		AutoRenew: true, ClientReference: "l42", ProcessingModuleId: 2, CaOrderId: "GS2024050212345",
		CostMinor: 81000, Currency: "RUB", KeyAlgorithm: "ECDSA 256", SerialNumber: "0a1b",
		NotBefore: ts("2024-05-02T10:00:00Z"), NotAfter: ts("2025-05-02T10:00:00Z"), PaidUntil: ts("2025-05-02T10:00:00Z"),
		CreateTime: ts("2024-05-01T09:30:00Z"), UpdateTime: ts("2024-05-02T10:00:00Z"),
	}
	processing := &certsvcv1.Certificate{
		Id: 4712, AccountId: callerAccount, PlanId: 3033, PeriodMonths: 12,
		State:        certsvcv1.CertificateState_CERTIFICATE_STATE_PROCESSING,
		LegacyStatus: &certsvcv1.LegacyStatus{ItemStatus: 5, ItemStatusName: "In progress", ServiceStatus: 4, ServiceStatusName: "isEnrolled"},
		CommonName:   `shop & <co> "test".example.org`, Subject: &certsvcv1.Subject{CommonName: "shop.example.org"},
		ExtraNames: []string{"cdn.example.org"},
		Validations: []*certsvcv1.DomainValidation{
			{Domain: `shop & <co> "test".example.org`, Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_TXT, Status: "pending",
				DnsName: "_pki-validation.shop.example.org", DnsType: "TXT", Value: "tok-1"},
			{Domain: "cdn.example.org", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_HTTP_FILE, Status: "valid",
				HttpUrl: "http://cdn.example.org/.well-known/pki-validation/tok-2.txt", Value: "tok-2"},
		},
		ProcessingModuleId: 2, CostMinor: 81000, Currency: "RUB",
		CreateTime: ts("2024-06-10T12:00:00Z"), UpdateTime: ts("2024-06-10T12:00:00Z"),
	}
	other := &certsvcv1.Certificate{
		Id: 4713, AccountId: 8, PlanId: 55330, PeriodMonths: 24,
		State:        certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID,
		LegacyStatus: &certsvcv1.LegacyStatus{ItemStatus: 1, ItemStatusName: "Ordered"},
		CommonName:   "other.example.net", CostMinor: 5_000_000, Currency: "RUB",
		CreateTime: ts("2024-07-01T00:00:00Z"),
	}
	return &fakeService{admin: admin, certs: []*certsvcv1.Certificate{issued, processing, other}}
}

// The service's error shapes.

func notFound(id int64) error {
	return connect.NewError(connect.CodeNotFound, fmt.Errorf("id: certificate %d not found", id))
}

var errAdminOnly = connect.NewError(connect.CodePermissionDenied, errors.New("admin access required"))

func invalid(field, msg string) error {
	ce := connect.NewError(connect.CodeInvalidArgument, errors.New(field+": "+msg))
	d, _ := connect.NewErrorDetail(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: msg}}})
	ce.AddDetail(d)
	return ce
}

func (f *fakeService) adminOnly() error {
	if !f.admin {
		return errAdminOnly
	}
	return nil
}

func (f *fakeService) visible(id int64) (*certsvcv1.Certificate, error) {
	for _, c := range f.certs {
		if c.GetId() == id && (f.admin || c.GetAccountId() == callerAccount) {
			return proto.CloneOf(c), nil
		}
	}
	return nil, notFound(id)
}

func (f *fakeService) ListCertificates(_ context.Context, in *certsvcv1.ListCertificatesRequest) (*certsvcv1.ListCertificatesResponse, error) {
	f.lists = append(f.lists, proto.CloneOf(in))
	filter := in.GetFilter()
	if id := in.GetSavedFilterId(); id != 0 {
		i := slices.IndexFunc(f.presets, func(p *certsvcv1.CertificateFilterPreset) bool { return p.GetId() == id })
		if i < 0 {
			return nil, connect.NewError(connect.CodeNotFound, errors.New("saved_filter_id: saved filter not found"))
		}
		filter = f.presets[i].GetFilter()
	}
	if name := in.GetSavedFilterName(); name != "" {
		// As the service: the preset of that name, or NotFound.
		i := slices.IndexFunc(f.presets, func(p *certsvcv1.CertificateFilterPreset) bool { return p.GetName() == name })
		switch {
		case i < 0 && in.GetSavedFilterOptional():
			filter = nil
		case i < 0:
			return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("saved_filter_name: you have no saved filter named %q", name))
		default:
			filter = f.presets[i].GetFilter()
		}
	}
	if a := filter.GetAccountId(); a != 0 && !f.admin && a != callerAccount {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("filter.account_id: account %d not found", a))
	}
	var match []*certsvcv1.Certificate
	for _, c := range f.certs {
		if _, err := f.visible(c.GetId()); err != nil ||
			filter.GetAccountId() != 0 && c.GetAccountId() != filter.GetAccountId() ||
			!strings.Contains(c.GetCommonName(), filter.GetDomain()) ||
			len(filter.GetStates()) > 0 && !slices.Contains(filter.GetStates(), c.GetState()) {
			continue
		}
		match = append(match, c)
	}
	start := 0
	if in.GetPageToken() != "" {
		start, _ = strconv.Atoi(in.GetPageToken())
	}
	start = min(start+int(in.GetSkip()), len(match))
	size := int(in.GetPageSize())
	end := min(start+size, len(match))
	res := &certsvcv1.ListCertificatesResponse{Certificates: match[start:end]}
	if in.GetIncludeTotalSize() {
		res.TotalSize = int32(len(match))
	}
	if end < len(match) {
		res.NextPageToken = strconv.Itoa(end)
	}
	return res, nil
}

func (f *fakeService) GetCertificate(_ context.Context, in *certsvcv1.GetCertificateRequest) (*certsvcv1.GetCertificateResponse, error) {
	c, err := f.visible(in.GetId())
	return &certsvcv1.GetCertificateResponse{Certificate: c}, err
}

func (f *fakeService) UpdateCertificate(_ context.Context, in *certsvcv1.UpdateCertificateRequest) (*certsvcv1.UpdateCertificateResponse, error) {
	f.updates = append(f.updates, proto.CloneOf(in))
	c, err := f.visible(in.GetCertificate().GetId())
	if err != nil {
		return nil, err
	}
	for _, p := range in.GetUpdateMask().GetPaths() {
		if !f.admin && !slices.Contains([]string{"auto_renew", "auto_renew_period_months", "admin_contact", "tech_contact", "organization", "subject"}, p) {
			return nil, connect.NewError(connect.CodePermissionDenied, errors.New("update_mask: only admins change not_before, not_after, paid_until, ca_order_id, processing_module_id, state, status_message"))
		}
		if p == "subject" && in.GetCertificate().GetSubject().GetCommonName() != c.GetCommonName() {
			return nil, invalid("certificate.subject.common_name", "the common name cannot change; order a new certificate")
		}
	}
	return &certsvcv1.UpdateCertificateResponse{Certificate: c}, nil
}

func (f *fakeService) ActivateCertificate(_ context.Context, in *certsvcv1.ActivateCertificateRequest) (*certsvcv1.ActivateCertificateResponse, error) {
	if err := f.adminOnly(); err != nil {
		return nil, err
	}
	c, err := f.visible(in.GetId())
	if err != nil {
		return nil, err
	}
	if _, err := parseCertificate(in.GetCertificate()); err != nil {
		return nil, invalid("certificate", "not a certificate in PEM or DER")
	}
	return &certsvcv1.ActivateCertificateResponse{Certificate: c}, nil
}

func parseCertificate(b []byte) (*x509.Certificate, error) {
	if block, _ := pem.Decode(b); block != nil {
		b = block.Bytes
	}
	return x509.ParseCertificate(b)
}

func (f *fakeService) ReplaceCertificateFiles(_ context.Context, in *certsvcv1.ReplaceCertificateFilesRequest) (*certsvcv1.ReplaceCertificateFilesResponse, error) {
	if err := f.adminOnly(); err != nil {
		return nil, err
	}
	f.replaced = append(f.replaced, proto.CloneOf(in))
	c, err := f.visible(in.GetId())
	return &certsvcv1.ReplaceCertificateFilesResponse{Certificate: c}, err
}

func (f *fakeService) GetCertificateFile(_ context.Context, in *certsvcv1.GetCertificateFileRequest) (*certsvcv1.GetCertificateFileResponse, error) {
	c, err := f.visible(in.GetId())
	if err != nil {
		return nil, err
	}
	if c.GetState() != certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED && in.GetType() == certsvcv1.FileType_FILE_TYPE_CRT {
		return nil, connect.NewError(connect.CodeFailedPrecondition, fmt.Errorf("type: certificate %d is not issued yet", c.GetId()))
	}
	switch in.GetType() {
	case certsvcv1.FileType_FILE_TYPE_CRT:
		return &certsvcv1.GetCertificateFileResponse{FileName: "www.example.org.crt", ContentType: "application/x-pem-file", Content: []byte(testCertPEM)}, nil
	case certsvcv1.FileType_FILE_TYPE_CSR:
		return &certsvcv1.GetCertificateFileResponse{FileName: "www.example.org.csr", ContentType: "application/pkcs10",
			Content: []byte("-----BEGIN CERTIFICATE REQUEST-----\nMIIBDTCBtAIBADA=\n-----END CERTIFICATE REQUEST-----\n")}, nil
	}
	return nil, connect.NewError(connect.CodeFailedPrecondition, fmt.Errorf("type: certificate %d has no stored private key: the customer keeps it", c.GetId()))
}

// batch answers a batch RPC the way the service does: per id, not_found
// for what the caller may not see.
func (f *fakeService) batch(name string, ids []int64, adminOnly bool) ([]*certsvcv1.BatchResult, error) {
	if adminOnly {
		if err := f.adminOnly(); err != nil {
			return nil, err
		}
	}
	f.batches = append(f.batches, fmt.Sprint(name, ids))
	var out []*certsvcv1.BatchResult
	for _, id := range ids {
		c, err := f.visible(id)
		r := &certsvcv1.BatchResult{Id: id, Ok: err == nil, Certificate: c}
		if err != nil {
			r.Code, r.Message = "not_found", fmt.Sprintf("id: certificate %d not found", id)
		}
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeService) RetryCertificates(_ context.Context, in *certsvcv1.RetryCertificatesRequest) (*certsvcv1.RetryCertificatesResponse, error) {
	r, err := f.batch("Retry", in.GetIds(), true)
	return &certsvcv1.RetryCertificatesResponse{Results: r}, err
}

func (f *fakeService) ResumeCertificates(_ context.Context, in *certsvcv1.ResumeCertificatesRequest) (*certsvcv1.ResumeCertificatesResponse, error) {
	r, err := f.batch("Resume", in.GetIds(), true)
	return &certsvcv1.ResumeCertificatesResponse{Results: r}, err
}

func (f *fakeService) SyncCertificates(_ context.Context, in *certsvcv1.SyncCertificatesRequest) (*certsvcv1.SyncCertificatesResponse, error) {
	r, err := f.batch("Sync", in.GetIds(), true)
	return &certsvcv1.SyncCertificatesResponse{Results: r}, err
}

func (f *fakeService) DeleteCertificates(_ context.Context, in *certsvcv1.DeleteCertificatesRequest) (*certsvcv1.DeleteCertificatesResponse, error) {
	if in.GetNoExpense() && !f.admin {
		return nil, connect.NewError(connect.CodePermissionDenied, errors.New("no_expense: only admins delete without a refund"))
	}
	f.deleteNE = append(f.deleteNE, in.GetNoExpense())
	r, err := f.batch("Delete", in.GetIds(), false)
	return &certsvcv1.DeleteCertificatesResponse{Results: r}, err
}

func (f *fakeService) ListCertificateFilters(context.Context, *certsvcv1.ListCertificateFiltersRequest) (*certsvcv1.ListCertificateFiltersResponse, error) {
	return &certsvcv1.ListCertificateFiltersResponse{Presets: f.presets}, nil
}

func (f *fakeService) CreateCertificateFilter(_ context.Context, in *certsvcv1.CreateCertificateFilterRequest) (*certsvcv1.CreateCertificateFilterResponse, error) {
	for _, p := range f.presets {
		if p.GetName() == in.GetName() {
			return nil, connect.NewError(connect.CodeAlreadyExists, errors.New("name: already exists"))
		}
	}
	p := &certsvcv1.CertificateFilterPreset{Id: int64(100 + len(f.presets)), Name: in.GetName(), Filter: in.GetFilter()}
	f.presets = append(f.presets, p)
	return &certsvcv1.CreateCertificateFilterResponse{Preset: p}, nil
}

func (f *fakeService) DeleteCertificateFilter(_ context.Context, in *certsvcv1.DeleteCertificateFilterRequest) (*certsvcv1.DeleteCertificateFilterResponse, error) {
	i := slices.IndexFunc(f.presets, func(p *certsvcv1.CertificateFilterPreset) bool { return p.GetId() == in.GetId() })
	if i < 0 {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("id: saved filter %d not found", in.GetId()))
	}
	f.presets = slices.Delete(f.presets, i, i+1)
	return &certsvcv1.DeleteCertificateFilterResponse{}, nil
}

var accounts = map[int64]string{7: "Reseller One", 8: "Other Ltd"}

func (f *fakeService) GetAccount(_ context.Context, in *certsvcv1.GetAccountRequest) (*certsvcv1.GetAccountResponse, error) {
	name, ok := accounts[in.GetId()]
	if !ok || !f.admin && in.GetId() != callerAccount {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("id: account %d not found", in.GetId()))
	}
	return &certsvcv1.GetAccountResponse{Account: &certsvcv1.Account{Id: in.GetId(), Name: name, Currency: "RUB"}}, nil
}

// ListAccounts lists the caller's account (an admin's: both), one per page,
// with balances 1,234.50 and -10.00 RUB.
func (f *fakeService) ListAccounts(_ context.Context, in *certsvcv1.ListAccountsRequest) (*certsvcv1.ListAccountsResponse, error) {
	all := []*certsvcv1.Account{{Id: 7, Name: accounts[7], Currency: "RUB", BalanceMinor: 123450},
		{Id: 8, Name: accounts[8], Currency: "RUB", BalanceMinor: -1000}}
	if !f.admin {
		all = all[:1]
	}
	if in.GetPageToken() == "8" {
		return &certsvcv1.ListAccountsResponse{Accounts: all[1:]}, nil
	}
	res := &certsvcv1.ListAccountsResponse{Accounts: all[:1]}
	if len(all) > 1 {
		res.NextPageToken = "8"
	}
	return res, nil
}

func (f *fakeService) ListUsers(_ context.Context, in *certsvcv1.ListUsersRequest) (*certsvcv1.ListUsersResponse, error) {
	if !f.admin && in.GetAccountId() != callerAccount {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("account_id: account %d not found", in.GetAccountId()))
	}
	return &certsvcv1.ListUsersResponse{Users: []*certsvcv1.User{
		{Id: 70, AccountId: in.GetAccountId(), Login: "disabled", Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER, Disabled: true},
		{Id: 71, AccountId: in.GetAccountId(), Login: "reseller", Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER},
	}}, nil
}

func (f *fakeService) GetPlan(_ context.Context, in *certsvcv1.GetPlanRequest) (*certsvcv1.GetPlanResponse, error) {
	if in.GetId() != 3033 { // 55330 is disabled: users do not see it
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("id: plan %d: not found", in.GetId()))
	}
	return &certsvcv1.GetPlanResponse{Plan: &certsvcv1.Plan{Id: 3033, ForeignId: 3033, Name: "Comodo Positive SSL", Brand: "Sectigo"}}, nil
}

func (f *fakeService) ListCountries(context.Context, *certsvcv1.ListCountriesRequest) (*certsvcv1.ListCountriesResponse, error) {
	return &certsvcv1.ListCountriesResponse{Countries: []*certsvcv1.Country{
		{Id: 182, Alpha2: "RU", Name: "Russian Federation"}, {Id: 230, Alpha2: "US", Name: "United States"}}}, nil
}

func (f *fakeService) Impersonate(_ context.Context, in *certsvcv1.ImpersonateRequest) (*certsvcv1.ImpersonateResponse, error) {
	if err := f.adminOnly(); err != nil {
		return nil, err
	}
	return &certsvcv1.ImpersonateResponse{Token: "cs_s_impersonated-session",
		User: &certsvcv1.User{Id: in.GetUserId(), AccountId: callerAccount, Login: "reseller", Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER}}, nil
}

func gateway(f *fakeService) *Gateway {
	return New(API{Auth: f, Catalog: f, Account: f, Cert: f}, slog.New(slog.DiscardHandler))
}

// serve runs one legacy GET through g and returns the golden text: status,
// headers, a blank line, the body.
func serve(g *Gateway, query string) string {
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?"+query, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "status: %d\n", res.StatusCode)
	for _, h := range []string{"Content-Type", "Content-Disposition"} {
		if v := res.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	return b.String()
}

// testCertPEM is a self-signed certificate for www.example.org.
const testCertPEM = `-----BEGIN CERTIFICATE-----
MIIBQTCB56ADAgECAgEBMAoGCCqGSM49BAMCMBoxGDAWBgNVBAMTD3d3dy5leGFt
cGxlLm9yZzAeFw0yNDA1MDIwMDAwMDBaFw0yNTA1MDIwMDAwMDBaMBoxGDAWBgNV
BAMTD3d3dy5leGFtcGxlLm9yZzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBeR
snKPwd7G2mzMSPj0no2v+VYIB2jeEkoWcKJ24tZQRvmdfhyQupDx8CtMlqHHT1zq
F1IZ41/5aGo221lRFnKjHjAcMBoGA1UdEQQTMBGCD3d3dy5leGFtcGxlLm9yZzAK
BggqhkjOPQQDAgNJADBGAiEA5Ikgib/yIdUziLTMMN5l551PwkFBBObYe2qtaofw
taECIQDAmzKpfjNxR4HUwxtWmk0Vqbsc75XPTKlRrgK4ZhIv/w==
-----END CERTIFICATE-----
`

// goldenCase is one call of a certificate function.
type goldenCase struct {
	name  string
	admin bool
	query string
	setup func(*fakeService)
	raw   bool // sent without out= (one answer, not one per format)
}

func withSavedFilter(f *fakeService) {
	f.presets = []*certsvcv1.CertificateFilterPreset{{Id: 9, Name: savedFilterName, Filter: &certsvcv1.CertificateFilter{
		Domain: "example", States: withItemStatus(2), CreatedAfter: ts("2024-01-01T00:00:00Z"), CreatedBefore: ts("2025-01-01T00:00:00Z")}}}
}

var goldenCases = []goldenCase{
	{name: "list-admin", admin: true, query: "func=certificate"},
	{name: "list-user-page2", query: "func=certificate&p_num=2&p_cnt=1&lang=ru"},
	{name: "list-filter-on", query: "func=certificate&filter=on&CN=example&item_status=5"},
	{name: "filter-view", query: "func=certificate.filter", setup: withSavedFilter},
	{name: "filter-save", query: "func=certificate.filter&sok=ok&CN=shop&item_status=2&createdatestart=2024-01-01"},
	{name: "setfilter", admin: true, query: "func=certificate.setfilter&elid=8"},
	{name: "edit-view", query: "func=certificate.edit&elid=4711"},
	{name: "edit-view-dcv", query: "func=certificate.edit&elid=4712"},
	{name: "edit-save", query: "func=certificate.edit&elid=4711&sok=ok&O=New+Org&adm_email=new@example.org&custom_order_id=GS2024050212345&crt_end_date=2025-05-02"},
	{name: "open-view", admin: true, query: "func=certificate.open&elid=4712"},
	{name: "open", admin: true, query: "func=certificate.open&elid=4712&sok=ok&crt=" + url.QueryEscape(testCertPEM)},
	{name: "file-crt", query: "func=certificate.file&elid=4711&type=crt"},
	{name: "basket", query: "func=basket", setup: withCart(1_000_000)},
	{name: "basket-empty", query: "func=basket"},
	{name: "basket-pay", query: "func=basket&clicked_button=pay&sok=ok", setup: withCart(1_000_000)},
	{name: "basket-pay-not-enough-money-ru", query: "func=basket&clicked_button=pay&sok=ok&lang=ru", setup: withCart(100_000)},
	{name: "basket-delete", query: "func=basket&clicked_button=delete&id=4721&sok=ok", setup: withCart(0)},
	{name: "basket-delete-not-in-cart", query: "func=basket&clicked_button=delete&id=4711&sok=ok", setup: withCart(0)},
	{name: "basket-admin", query: "func=basket", admin: true},
	{name: "file-raw-crt", query: "func=certificate.file&elid=4711&type=crt", raw: true},
	{name: "file-raw-csr-Type", query: "func=certificate.file&elid=4711&Type=csr", raw: true},
	{name: "file-csr", query: "func=certificate.file&elid=4711&type=csr"},
	{name: "file-edit-view", admin: true, query: "func=certificate.file.edit&elid=4712&type=crt"},
	{name: "file-edit", admin: true, query: "func=certificate.file.edit&elid=4711&type=csr&sok=ok&data=" + url.QueryEscape("-----BEGIN CERTIFICATE REQUEST-----\nMIIB+w==\n-----END CERTIFICATE REQUEST-----\n")},
	{name: "retry", admin: true, query: "func=certificate.retry&elid=4711,+4712"},
	{name: "resume", admin: true, query: "func=certificate.resume&elid=4711"},
	{name: "sync", admin: true, query: "func=certificate.sync&elid=4711,+4713"},
	{name: "delete", query: "func=certificate.delete&elid=4711,+4712&sok=ok&elname=www.example.org"},
	{name: "su", admin: true, query: "func=certificate.su&elid=4711"},
	{name: "subaccount", query: "func=subaccount"},
	{name: "subaccount-admin-page2", admin: true, query: "func=subaccount&p_num=2&p_cnt=1"},

	{name: "error-access", query: "func=certificate.retry&elid=4711"},
	{name: "error-access-edit", query: "func=certificate.edit&elid=4711&sok=ok&custom_order_id=MINE&lang=ru"},
	{name: "error-missed", query: "func=certificate.edit&elid=4713"},
	{name: "error-missed-group", query: "func=certificate.delete&elid=4711,+4713"},
	{name: "error-value-elid", query: "func=certificate.delete&elid=4711,+abc"},
	{name: "error-value-missing", query: "func=certificate.file&lang=ru"},
	{name: "error-value-type", query: "func=certificate.file&elid=4711&type=pfx"},
	{name: "error-value-date", query: "func=certificate.edit&elid=4711&sok=ok&crt_end_date=02.05.2025", admin: true},
	{name: "error-value-cn", query: "func=certificate.edit&elid=4711&sok=ok&CN=evil.example.org"},
	{name: "error-value-crt", admin: true, query: "func=certificate.open&elid=4712&sok=ok&crt=bm90IGEgY2VydA=="},
	{name: "error-not-issued", query: "func=certificate.file&elid=4712"},
}

// TestCertificateGolden renders every certificate function, and its error
// documents, in every output format (go test -update rewrites the files).
func TestCertificateGolden(t *testing.T) {
	for _, tc := range goldenCases {
		for _, f := range billmgr.Formats {
			t.Run(tc.name+"/"+string(f), func(t *testing.T) {
				fake := newFake(tc.admin)
				if tc.setup != nil {
					tc.setup(fake)
				}
				query, golden := tc.query+"&out="+string(f), tc.name+"."+string(f)+".golden"
				if tc.raw {
					if f != billmgr.FormatXML {
						t.Skip("sent without out=: one answer")
					}
					query, golden = tc.query, tc.name+".golden"
				}
				got := serve(gateway(fake), query+"&authinfo=reseller:s3cret")
				if strings.Contains(got, "s3cret") {
					t.Fatalf("the password is echoed:\n%s", got)
				}
				if body := got[strings.Index(got, "\n\n")+2:]; !tc.raw {
					billmgrtest.CheckWellFormed(t, f, []byte(body))
				}
				compareGolden(t, filepath.Join("testdata", "certificate", golden), got)
			})
		}
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	billmgrtest.CompareGolden(t, path, got, *update)
}

// TestNotEnoughMoneyGolden renders the service's not-enough-money error
// (failed_precondition with ErrorInfo NOT_ENOUGH_MONEY, as its charge
// returns it) as BILLmanager's not_enough_money, in every format.
func TestNotEnoughMoneyGolden(t *testing.T) {
	if reasonNotEnoughMoney != errkind.ReasonNotEnoughMoney {
		t.Fatalf("the gateway looks for reason %q, the service sends %q", reasonNotEnoughMoney, errkind.ReasonNotEnoughMoney)
	}
	ce := connect.NewError(connect.CodeFailedPrecondition,
		errors.New("not enough money: the balance of account 7 is 100.00 RUB, the order costs 810.00 RUB"))
	d, _ := connect.NewErrorDetail(&errdetails.ErrorInfo{Reason: errkind.ReasonNotEnoughMoney, Domain: "certsvc"})
	ce.AddDetail(d)
	for _, lang := range []string{"en", "ru"} {
		for _, f := range billmgr.Formats {
			t.Run(lang+"/"+string(f), func(t *testing.T) {
				got, body, _ := billmgrtest.Render(f, errorDoc(&billmgr.Request{Func: "certificate.order.param", Lang: lang}, ce))
				billmgrtest.CheckWellFormed(t, f, body)
				compareGolden(t, filepath.Join("testdata", "certificate", "error-not-enough-money-"+lang+"."+string(f)+".golden"), got)
			})
		}
	}
}

// TestCertificateRequests checks what the gateway asks of the service.
func TestCertificateRequests(t *testing.T) {
	t.Run("without a saved certificate.filter the list is unfiltered, in one call", func(t *testing.T) {
		f := newFake(true)
		got := serve(gateway(f), "func=certificate&p_num=2&p_cnt=1&out=bjson")
		if len(f.lists) != 1 || f.lists[0].GetSavedFilterName() != savedFilterName || !f.lists[0].GetSavedFilterOptional() ||
			!strings.Contains(got, `"id":"4712"`) || !strings.Contains(got, `"p_elems":"3"`) {
			t.Fatalf("%d ListCertificates calls (%v), got:\n%s", len(f.lists), f.lists, got)
		}
	})
	t.Run("one call gives the page asked for and p_elems", func(t *testing.T) {
		f := newFake(true)
		f.presets = []*certsvcv1.CertificateFilterPreset{{Id: 9, Name: savedFilterName, Filter: &certsvcv1.CertificateFilter{}}}
		got := serve(gateway(f), "func=certificate&p_num=2&p_cnt=1&out=bjson")
		if len(f.lists) != 1 || !strings.Contains(got, `"id":"4712"`) || strings.Contains(got, `"id":"4711"`) || !strings.Contains(got, `"p_elems":"3"`) {
			t.Fatalf("%d ListCertificates calls, got:\n%s", len(f.lists), got)
		}
		if l := f.lists[0]; l.GetSkip() != 1 || l.GetPageSize() != 1 || !l.GetIncludeTotalSize() || l.GetSavedFilterName() != savedFilterName {
			t.Fatalf("list request %v, want skip 1, size 1, the total and the saved filter", l)
		}
		if o := f.lists[0].GetOrderBy(); o != certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST {
			t.Fatalf("order %v, want oldest first so that pages stay put", o)
		}
	})
	t.Run("filter=on maps fields onto the filter", func(t *testing.T) {
		f := newFake(true)
		serve(gateway(f), "func=certificate&filter=on&CN=shop&item_status=5&account=7&pricelist=3033&createdateend=2024-12-31&deleted=on")
		want := &certsvcv1.CertificateFilter{Domain: "shop", States: withItemStatus(5), AccountId: 7, PlanId: 3033,
			CreatedBefore: ts("2025-01-01T00:00:00Z"), IncludeDeleted: true}
		if got := f.lists[0].GetFilter(); !proto.Equal(got, want) {
			t.Fatalf("filter %v, want %v", got, want)
		}
		if got := withItemStatus(5); len(got) != 6 || got[0] != certsvcv1.CertificateState_CERTIFICATE_STATE_SUBMITTING {
			t.Fatalf("item_status 5 is %v, want the six in-progress states", got)
		}
	})
	t.Run("the saved filter applies until it is dropped", func(t *testing.T) {
		f := newFake(true)
		g := gateway(f)
		serve(g, "func=certificate.filter&sok=ok&CN=other")
		if got := serve(g, "func=certificate&out=bjson"); !strings.Contains(got, "other.example.net") || strings.Contains(got, "www.example.org") {
			t.Fatalf("with the saved filter: %s", got)
		}
		serve(g, "func=certificate.setfilter&elid=7")
		if f.presets[0].GetFilter().GetDomain() != "other" || f.presets[0].GetFilter().GetAccountId() != 7 {
			t.Fatalf("setfilter did not keep the other criteria: %v", f.presets)
		}
		serve(g, "func=certificate.filter&sok=ok&CN=")
		if len(f.presets) != 0 {
			t.Fatalf("an empty filter is not dropped: %v", f.presets)
		}
		if got := serve(g, "func=certificate&out=bjson"); !strings.Contains(got, `"p_elems":"3"`) {
			t.Fatalf("after dropping: %s", got)
		}
	})
	t.Run("edit sends only what changed", func(t *testing.T) {
		f := newFake(false)
		// The whole form posted back, with two changes.
		q := url.Values{}
		e := editable(f.certs[0])
		for _, fl := range certFields {
			q.Set(fl.name, fl.get(e))
		}
		q.Set("O", "New Org")
		q.Set("adm_phone", "+7 (222) 222-22-22")
		q.Set("autoprolong", "null")
		got := serve(gateway(f), "func=certificate.edit&elid=4711&sok=ok&"+q.Encode())
		if !strings.Contains(got, "<ok/>") || len(f.updates) != 1 {
			t.Fatalf("got %s, %d updates", got, len(f.updates))
		}
		u := f.updates[0]
		if m := u.GetUpdateMask().GetPaths(); !slices.Equal(m, []string{"auto_renew", "auto_renew_period_months", "subject", "admin_contact"}) {
			t.Fatalf("mask %v", m)
		}
		c := u.GetCertificate()
		if c.GetAutoRenew() || c.GetSubject().GetOrganization() != "New Org" || c.GetSubject().GetState() != "Moscow" ||
			c.GetAdminContact().GetPhone() != "+7 (222) 222-22-22" || c.GetAdminContact().GetEmail() != "ivan@example.org" {
			t.Fatalf("sent %v", c)
		}
	})
	t.Run("autoprolong keeps its period", func(t *testing.T) {
		for _, tc := range []struct {
			value, echo string
			on          bool
			period      int32 // 0: none
		}{
			{"12", "12", true, 12}, {"24", "24", true, 24}, {"on", "on", true, 0},
			{"off", "off", false, 0}, {"", "off", false, 0}, {"null", "off", false, 0},
		} {
			f := newFake(false)
			f.certs[0].AutoRenewPeriodMonths = proto.Int32(36) // differs from every case
			got := serve(gateway(f), "func=certificate.edit&elid=4711&sok=ok&autoprolong="+tc.value)
			if !strings.Contains(got, "<ok/>") || len(f.updates) != 1 {
				t.Fatalf("autoprolong=%s: got %s, %d updates", tc.value, got, len(f.updates))
			}
			u := f.updates[0]
			c := u.GetCertificate()
			if m := u.GetUpdateMask().GetPaths(); !slices.Equal(m, []string{"auto_renew", "auto_renew_period_months"}) {
				t.Errorf("autoprolong=%s: mask %v", tc.value, m)
			}
			if c.GetAutoRenew() != tc.on || c.GetAutoRenewPeriodMonths() != tc.period || (tc.period == 0) != (c.AutoRenewPeriodMonths == nil) {
				t.Errorf("autoprolong=%s: sent auto_renew %v, period %v; want %v, %d", tc.value, c.GetAutoRenew(), c.AutoRenewPeriodMonths, tc.on, tc.period)
			}
			// The service stores what was sent; the form shows it back.
			f.certs[0].AutoRenew, f.certs[0].AutoRenewPeriodMonths = c.GetAutoRenew(), c.AutoRenewPeriodMonths
			if view := serve(gateway(f), "func=certificate.edit&elid=4711&out=xml"); !strings.Contains(view, "<autoprolong>"+tc.echo+"</autoprolong>") {
				t.Errorf("autoprolong=%s: the form shows\n%s\nwant <autoprolong>%s</autoprolong>", tc.value, view, tc.echo)
			}
		}
		f := newFake(false)
		if got := serve(gateway(f), "func=certificate.edit&elid=4711&sok=ok&autoprolong=monthly&out=xml"); !strings.Contains(got, `object="autoprolong"`) || len(f.updates) != 0 {
			t.Errorf("autoprolong=monthly: %s, %d updates; want a value error naming autoprolong", got, len(f.updates))
		}
	})
	t.Run("edit with nothing changed calls nothing", func(t *testing.T) {
		f := newFake(false)
		serve(gateway(f), "func=certificate.edit&elid=4711&sok=ok&O=Example+LLC&service_status=5&crt_end_date=2025-05-02")
		if len(f.updates) != 0 {
			t.Fatalf("updates %v", f.updates)
		}
	})
	t.Run("an admin sets the state with service_status", func(t *testing.T) {
		f := newFake(true)
		serve(gateway(f), "func=certificate.edit&elid=4712&sok=ok&service_status=6&crt_end_date=2026-01-31")
		u := f.updates[0]
		if m := u.GetUpdateMask().GetPaths(); !slices.Equal(m, []string{"state", "not_after"}) ||
			u.GetCertificate().GetState() != certsvcv1.CertificateState_CERTIFICATE_STATE_FAILED ||
			!u.GetCertificate().GetNotAfter().AsTime().Equal(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("sent %v", u)
		}
	})
	t.Run("crt in DER base64 with its + sent unencoded", func(t *testing.T) {
		f := newFake(true)
		block, _ := pem.Decode([]byte(testCertPEM))
		b64 := base64.StdEncoding.EncodeToString(block.Bytes) // its '+' decode to spaces
		if got := serve(gateway(f), "func=certificate.open&elid=4712&sok=ok&crt="+b64); !strings.Contains(got, "<ok/>") {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("a PEM whose + became spaces is repaired", func(t *testing.T) {
		f := newFake(true)
		mangled := strings.ReplaceAll(url.QueryEscape(testCertPEM), "%2B", "+")
		if got := serve(gateway(f), "func=certificate.file.edit&elid=4711&type=crt&sok=ok&data="+mangled); !strings.Contains(got, "<ok/>") {
			t.Fatalf("got %s", got)
		}
		if _, err := parseCertificate(f.replaced[0].GetCertificate()); err != nil {
			t.Fatalf("sent a broken certificate: %v", err)
		}
	})
	t.Run("group actions", func(t *testing.T) {
		f := newFake(true)
		g := gateway(f)
		serve(g, "func=certificate.delete&elid=4711,+4712&noexpense=on")
		serve(g, "func=certificate.retry&elid=4711")
		if !slices.Equal(f.batches, []string{"Delete[4711 4712]", "Retry[4711]"}) || !f.deleteNE[0] {
			t.Fatalf("batches %v, no_expense %v", f.batches, f.deleteNE)
		}
	})
	t.Run("su acts as the first enabled user of the owner", func(t *testing.T) {
		got := serve(gateway(newFake(true)), "func=certificate.su&elid=4711")
		if !strings.Contains(got, `<auth id="cs_s_impersonated-session" level="16" userid="71">`) {
			t.Fatalf("got %s", got)
		}
	})
}

func TestLegacyStatesCoverTheEnum(t *testing.T) {
	if len(legacyStates) != len(certsvcv1.CertificateState_name)-1 {
		t.Fatalf("%d states, the enum has %d", len(legacyStates), len(certsvcv1.CertificateState_name)-1)
	}
	for _, s := range legacyStates {
		if s.state == certsvcv1.CertificateState_CERTIFICATE_STATE_UNSPECIFIED || s.legacy.ItemStatus == 0 {
			t.Errorf("state %v: %+v", s.state, s.legacy)
		}
	}
}

func TestLegacyParam(t *testing.T) {
	for in, want := range map[string]string{
		"certificate.subject.common_name": "CN", "subject.common_name": "CN", "admin_contact.email": "adm_email",
		"certificate.not_after": "crt_end_date", "filter.created_before": "createdateend", "id": "elid", "csr_pem": "csr", "extra_names[2]": "altname", "plan_id": "pricelist",
		"organization.phone": "org_phone", "tech_contact.title": "tech_jtitle", "client_reference": "remoteid",
		"idempotency_key": "remoteid", "period_months": "period", "validations[0].method": "approver_method",
		"certificate.organization.country_id": "org_country", "filter.states": "item_status",
	} {
		if got := legacyParam(in); got != want {
			t.Errorf("legacyParam(%q) = %q, want %q", in, got, want)
		}
	}
}
