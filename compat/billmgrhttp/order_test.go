package billmgrhttp

import (
	"context"
	"errors"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/compat/billmgr/billmgrtest"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
)

// orderFake stands in for the catalogue and certificate clients. It
// records every request the gateway builds (the translation under test)
// and answers what the service answers; errs makes a method fail. Methods
// it does not implement panic through the nil embedded interfaces.
type orderFake struct {
	certsvcv1connect.CatalogServiceClient
	certsvcv1connect.CertificateServiceClient
	errs        map[string]error
	decodeNames []string
	calls       []proto.Message
}

func (f *orderFake) call(method string, in proto.Message) error {
	f.calls = append(f.calls, in)
	return f.errs[method]
}

func answer[T any](res T, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return res, nil
}

var (
	planDV = &certsvcv1.Plan{Id: 3033, ForeignId: 3033, Name: "Comodo Positive SSL", Brand: "Sectigo",
		Validation: certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV, IncludedNames: 1, MaxNames: 1, Idn: true, WwwAndBare: true, Enabled: true,
		Prices: []*certsvcv1.PlanPrice{
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 145800}, {PeriodMonths: 12, Currency: "RUB", AmountMinor: 81000},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 900}, {PeriodMonths: 24, Currency: "USD", AmountMinor: 1620}}}
	planMulti = &certsvcv1.Plan{Id: 55326, ForeignId: 55348, Name: "GlobalSign DomainSSL", Brand: "GlobalSign",
		Validation: certsvcv1.ValidationLevel_VALIDATION_LEVEL_DV, MultiDomain: true, IncludedNames: 1, MaxNames: 100,
		ExtraNameAddonId: 55364, Idn: true, WwwAndBare: true, Enabled: true,
		Prices: []*certsvcv1.PlanPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1790000, ExtraNameAmountMinor: 530000},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 3222000, ExtraNameAmountMinor: 954000}}}
	// issued is certificate 4711 as GetCertificate answers it.
	issued = &certsvcv1.Certificate{Id: 4711, AccountId: 7, PlanId: 55326, PeriodMonths: 12,
		State: certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED, CommonName: "example.com",
		ExtraNames: []string{"shop.example.com", "mail.example.com"}, ExtraNameSlots: 2, Currency: "RUB",
		Validations: []*certsvcv1.DomainValidation{
			{Domain: "example.com", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: "admin@example.com"},
			{Domain: "shop.example.com", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: "webmaster@shop.example.com"},
			{Domain: "mail.example.com", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_TXT}},
		PaidUntil: timestamppb.New(time.Date(2027, 5, 2, 0, 0, 0, 0, time.UTC))}
)

const (
	fakeCSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBfakeCSR+/w==\n-----END CERTIFICATE REQUEST-----\n"
	fakeKey = "-----BEGIN PRIVATE KEY-----\nMIGHfakeKEY+/w==\n-----END PRIVATE KEY-----\n"
)

func (f *orderFake) ListCountries(_ context.Context, in *certsvcv1.ListCountriesRequest) (*certsvcv1.ListCountriesResponse, error) {
	return answer(&certsvcv1.ListCountriesResponse{Countries: []*certsvcv1.Country{
		{Id: 182, Alpha2: "RU", Name: "Russian Federation"}, {Id: 230, Alpha2: "US", Name: "United States"}}},
		f.call("ListCountries", in))
}

func (f *orderFake) ListPlans(_ context.Context, in *certsvcv1.ListPlansRequest) (*certsvcv1.ListPlansResponse, error) {
	return answer(&certsvcv1.ListPlansResponse{Plans: []*certsvcv1.Plan{planDV, planMulti}}, f.call("ListPlans", in))
}

func (f *orderFake) GetPlan(_ context.Context, in *certsvcv1.GetPlanRequest) (*certsvcv1.GetPlanResponse, error) {
	p := planDV
	if in.GetId() == planMulti.GetId() {
		p = planMulti
	}
	return answer(&certsvcv1.GetPlanResponse{Plan: p}, f.call("GetPlan", in))
}

func (f *orderFake) CreateCsr(_ context.Context, in *certsvcv1.CreateCsrRequest) (*certsvcv1.CreateCsrResponse, error) {
	names := append([]string{in.GetSubject().GetCommonName()}, in.GetExtraNames()...)
	return answer(&certsvcv1.CreateCsrResponse{CsrPem: fakeCSR, PrivateKeyPem: fakeKey, Names: names}, f.call("CreateCsr", in))
}

func (f *orderFake) DecodeCsr(_ context.Context, in *certsvcv1.DecodeCsrRequest) (*certsvcv1.DecodeCsrResponse, error) {
	return answer(&certsvcv1.DecodeCsrResponse{Names: f.decodeNames, KeyAlgorithm: "ECDSA", KeyBits: 256}, f.call("DecodeCsr", in))
}

func (f *orderFake) CreateCertificate(_ context.Context, in *certsvcv1.CreateCertificateRequest) (*certsvcv1.CreateCertificateResponse, error) {
	c := &certsvcv1.Certificate{Id: 4713, PlanId: in.GetPlanId(), PeriodMonths: in.GetPeriodMonths(),
		State: certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID, ClientReference: in.GetClientReference()}
	if in.GetPay() {
		c.State = certsvcv1.CertificateState_CERTIFICATE_STATE_SUBMITTING
	}
	return answer(&certsvcv1.CreateCertificateResponse{Certificate: c}, f.call("CreateCertificate", in))
}

func (f *orderFake) GetCertificate(_ context.Context, in *certsvcv1.GetCertificateRequest) (*certsvcv1.GetCertificateResponse, error) {
	return answer(&certsvcv1.GetCertificateResponse{Certificate: issued}, f.call("GetCertificate", in))
}

func (f *orderFake) ReissueCertificate(_ context.Context, in *certsvcv1.ReissueCertificateRequest) (*certsvcv1.ReissueCertificateResponse, error) {
	c := proto.CloneOf(issued)
	c.State = certsvcv1.CertificateState_CERTIFICATE_STATE_REISSUING
	return answer(&certsvcv1.ReissueCertificateResponse{Certificate: c}, f.call("ReissueCertificate", in))
}

func (f *orderFake) RenewCertificate(_ context.Context, in *certsvcv1.RenewCertificateRequest) (*certsvcv1.RenewCertificateResponse, error) {
	c := proto.CloneOf(issued)
	c.PeriodMonths = max(in.GetPeriodMonths(), c.GetPeriodMonths())
	c.PaidUntil = timestamppb.New(c.GetPaidUntil().AsTime().AddDate(0, int(c.GetPeriodMonths()), 0))
	return answer(&certsvcv1.RenewCertificateResponse{Certificate: c}, f.call("RenewCertificate", in))
}

// Errors the service answers, built as internal/rpc/errors.go builds them.
func invalidField(field, msg string) error {
	err := connect.NewError(connect.CodeInvalidArgument, errors.New(field+": "+msg))
	if d, derr := connect.NewErrorDetail(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: field, Description: msg}}}); derr == nil {
		err.AddDetail(d)
	}
	return err
}

func violationError(field string, index uint64, msg string) error {
	err := connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("validation error:\n - %s: %s", field, msg))
	v := &validatepb.Violations{Violations: []*validatepb.Violation{{
		Field:   &validatepb.FieldPath{Elements: []*validatepb.FieldPathElement{{FieldName: proto.String(field), FieldNumber: proto.Int32(int32(index))}}},
		Message: proto.String(msg)}}}
	if d, derr := connect.NewErrorDetail(v); derr == nil {
		err.AddDetail(d)
	}
	return err
}

func notEnoughMoney() error {
	err := connect.NewError(connect.CodeFailedPrecondition,
		errors.New("not enough money: the balance of account 7 is 100.00 RUB, the order costs 810.00 RUB"))
	if d, derr := connect.NewErrorDetail(&errdetails.ErrorInfo{Reason: "NOT_ENOUGH_MONEY", Domain: "certsvc"}); derr == nil {
		err.AddDetail(d)
	}
	return err
}

// orderCase is one legacy call: its parameters (without out=), sent as a
// query (GET) or as a form body (POST, for the seeds' raw spaces and line
// breaks), and the RPC requests it must make.
type orderCase struct {
	name        string
	post        bool
	params      string
	errs        map[string]error
	decodeNames []string
	want        []proto.Message
}

// seed001Adapted is seed 001's order request (billmgrtest.Seed001Order), byte for
// byte, with the placeholders filled in: remoteid, pricelist 115 → 3033.
var seed001Adapted = strings.NewReplacer("{ID service}", "l1001", "pricelist=115", "pricelist=3033").Replace(billmgrtest.Seed001Order)

const auth = "authinfo=reseller:s3cret&"

func emailFor(domain, approver string) *certsvcv1.DomainValidation {
	return &certsvcv1.DomainValidation{Domain: domain, Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: approver}
}

func orderCases(t *testing.T) []orderCase {
	csr := billmgrtest.CSR(t)
	contact := &certsvcv1.Contact{FirstName: "Test", LastName: "Test", Title: "Test", Email: "test@test.com", Phone: "+7 (111) 111-11-11"}
	multiParams := "func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=55326&CN=example.com&ST=Moscow&L=Moscow&O=Example&OU=IT&emailAddress=ssl@example.com&adm_fname=Ivan&adm_lname=Petrov&adm_jtitle=CTO&adm_email=ivan@example.com&adm_phone=%2B74951234567&tech_fname=Ivan&tech_lname=Petrov&tech_jtitle=CTO&tech_email=ivan@example.com&tech_phone=%2B74951234567&csr=" + url.QueryEscape(fakeCSR) + "&key=" + url.QueryEscape(fakeKey) + "&altname_input=example1.com%20example2.com&altname=example1.com%20example2.com&approver_email_1=admin@example.com&approver_email_2=hostmaster@example1.com&approver_email_3=postmaster@example2.com&addon_55364=2"
	ivan := &certsvcv1.Contact{FirstName: "Ivan", LastName: "Petrov", Title: "CTO", Email: "ivan@example.com", Phone: "+74951234567"}
	multiWant := &certsvcv1.CreateCertificateRequest{PlanId: 55326, PeriodMonths: 12, CsrPem: fakeCSR, PrivateKeyPem: fakeKey,
		Subject: &certsvcv1.Subject{CommonName: "example.com", CountryId: 182, State: "Moscow", Locality: "Moscow",
			Organization: "Example", OrganizationalUnit: "IT", Email: "ssl@example.com"},
		ExtraNames: []string{"example1.com", "example2.com"}, ExtraNameSlots: 2, AdminContact: ivan, TechContact: ivan,
		Validations: []*certsvcv1.DomainValidation{emailFor("example.com", "admin@example.com"),
			emailFor("example1.com", "hostmaster@example1.com"), emailFor("example2.com", "postmaster@example2.com")},
		Pay: true}
	return []orderCase{
		{name: "order_view", params: "func=certificate.order&pricelist=55326",
			want: []proto.Message{&certsvcv1.ListPlansRequest{PageSize: 1000}}},
		{name: "order_next", params: "func=certificate.order&sok=ok&pricelist=3033&period=24",
			want: []proto.Message{&certsvcv1.GetPlanRequest{Id: 3033}, &certsvcv1.ListCountriesRequest{}}},
		{name: "order_csr_view", params: "func=certificate.order.csr&period=12&pricelist=3033",
			want: []proto.Message{&certsvcv1.ListCountriesRequest{}}},
		{name: "order_csr_generate", params: "func=certificate.order.csr&sok=ok&snext=ok&crt_type=generate&field_country=182&period=12&pricelist=55326&CN=example.com&ST=Moscow&L=Moscow&O=Example&OU=IT&emailAddress=ssl@example.com&altname=example1.com%20example2.com",
			want: []proto.Message{&certsvcv1.CreateCsrRequest{Subject: &certsvcv1.Subject{CommonName: "example.com", CountryId: 182,
				State: "Moscow", Locality: "Moscow", Organization: "Example", OrganizationalUnit: "IT", Email: "ssl@example.com"},
				ExtraNames: []string{"example1.com", "example2.com"}}}},
		{name: "order_param_seed001", post: true, params: seed001Adapted,
			want: []proto.Message{&certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 12,
				Subject:      &certsvcv1.Subject{CommonName: "example.com", CountryId: 182, State: "Moscow", Locality: "Moscow", Organization: "Moscow"},
				AdminContact: contact, TechContact: contact,
				Organization: &certsvcv1.Organization{Name: "Test", Department: "1", Address: "1", City: "Moscow", State: "Moscow",
					PostalCode: "1111111", CountryId: 182, Phone: "+7 (111) 111-11-11"},
				Validations:     []*certsvcv1.DomainValidation{emailFor("example.com", "admin@example.com")},
				ClientReference: "l1001", IdempotencyKey: "l1001"}}},
		{name: "order_param_multi", params: multiParams, decodeNames: []string{"example.com", "example1.com", "example2.com"},
			want: []proto.Message{&certsvcv1.DecodeCsrRequest{CsrPem: fakeCSR}, multiWant}},
		{name: "order_param_manual", post: true, decodeNames: []string{"shop.example.org"},
			params: "func=certificate.order.param&sok=ok&skipbasket=on&crt_type=manual&period=12&pricelist=3033&adm_fname=Ivan&adm_lname=Petrov&adm_jtitle=CTO&adm_email=ivan@example.com&adm_phone=+74951234567&approver_email_1=webmaster@shop.example.org&remoteid=a77&csr=" + csr,
			want: []proto.Message{&certsvcv1.DecodeCsrRequest{CsrPem: csr}, &certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 12,
				CsrPem: csr, Subject: &certsvcv1.Subject{}, AdminContact: ivan,
				Validations: []*certsvcv1.DomainValidation{emailFor("shop.example.org", "webmaster@shop.example.org")},
				Pay:         true, ClientReference: "a77", IdempotencyKey: "a77"}}},
		{name: "reissue_view", params: "func=certificate.reissue&elid=4711",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}}},
		{name: "reissue_oldrequest", params: "func=certificate.reissue.step2&elid=4711&crt_type=oldrequest&approver_method=auth_email&sok=ok&approver_email_1=admin@example.com&approver_email_3=postmaster@mail.example.com",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}, &certsvcv1.ReissueCertificateRequest{Id: 4711,
				Validations: []*certsvcv1.DomainValidation{emailFor("example.com", "admin@example.com"), emailFor("mail.example.com", "postmaster@mail.example.com")}}}},
		{name: "reissue_manual", params: "func=certificate.reissue.step2&elid=4711&crt_type=manual&approver_method=auth_email&sok=ok&csr=" + url.QueryEscape(csr) + "&approver_email_1=admin@example.com&approver_email_4=admin@new.example.com",
			decodeNames: []string{"example.com", "new.example.com"},
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}, &certsvcv1.DecodeCsrRequest{CsrPem: csr},
				&certsvcv1.ReissueCertificateRequest{Id: 4711, CsrPem: csr, Validations: []*certsvcv1.DomainValidation{
					emailFor("example.com", "admin@example.com"), emailFor("new.example.com", "admin@new.example.com")}}}},
		{name: "reissue_altname", params: "func=certificate.reissue.step2&elid=4711&crt_type=altname&approver_method=auth_email&sok=ok&altname=a.example.com%20b.example.com&approver_email_1=admin@example.com&approver_email_3=webmaster@b.example.com",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}, &certsvcv1.ReissueCertificateRequest{Id: 4711,
				ExtraNames: []string{"a.example.com", "b.example.com"}, ReplaceExtraNames: true,
				Validations: []*certsvcv1.DomainValidation{emailFor("example.com", "admin@example.com"), emailFor("b.example.com", "webmaster@b.example.com")}}}},
		{name: "reissue_methods_per_name", params: "func=certificate.reissue.step2&elid=4711&crt_type=oldrequest&approver_method=auth_email&sok=ok&approver_email_1=admin@example.com&approver_method_2=auth_dnstxt&approver_method_3=auth_file&approver_email_3=ignored@mail.example.com",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}, &certsvcv1.ReissueCertificateRequest{Id: 4711,
				Validations: []*certsvcv1.DomainValidation{emailFor("example.com", "admin@example.com"),
					{Domain: "shop.example.com", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_TXT},
					{Domain: "mail.example.com", Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_HTTP_FILE}}}}},
		{name: "prolong", params: "func=service.prolong&elid=4711&period=24&sok=ok",
			want: []proto.Message{&certsvcv1.RenewCertificateRequest{Id: 4711, PeriodMonths: 24}}},
		{name: "prolong_view", params: "func=service.prolong&elid=4711",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}, &certsvcv1.GetPlanRequest{Id: 55326}}},
		{name: "pricelist_export", params: "func=pricelist.export&itemtype=certificate&onlyavailable=yes",
			want: []proto.Message{&certsvcv1.ListPlansRequest{PageSize: 1000}}},
		{name: "pricelist_export_one", params: "func=pricelist.export&pricelist=55326",
			want: []proto.Message{&certsvcv1.GetPlanRequest{Id: 55326}}},
		{name: "pricelist_export_other_itemtype", params: "func=pricelist.export&itemtype=vds"},

		// Error documents.
		{name: "error_value_approver", params: "func=certificate.order.param&sok=ok&pricelist=55326&period=12&CN=example.com&altname=a.example.com%20b.example.com&approver_email_1=admin@example.com&approver_email_3=root@b.example.com",
			errs: map[string]error{"CreateCertificate": invalidField("validations[1].approver_email",
				`"root@b.example.com" cannot approve b.example.com: use admin@, administrator@, hostmaster@, postmaster@ or webmaster@b.example.com`)},
			want: []proto.Message{&certsvcv1.CreateCertificateRequest{PlanId: 55326, PeriodMonths: 12,
				Subject: &certsvcv1.Subject{CommonName: "example.com"}, ExtraNames: []string{"a.example.com", "b.example.com"},
				Validations: []*certsvcv1.DomainValidation{emailFor("example.com", "admin@example.com"), emailFor("b.example.com", "root@b.example.com")}}}},
		{name: "error_value_violation", params: "func=certificate.order.param&sok=ok&pricelist=3033&period=240&CN=example.com",
			errs: map[string]error{"CreateCertificate": violationError("period_months", 3, "value must be greater than 0 and less than or equal to 120")},
			want: []proto.Message{&certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 240, Subject: &certsvcv1.Subject{CommonName: "example.com"}}}},
		{name: "error_value_param", params: "func=certificate.order.param&sok=ok&pricelist=abc&period=12"},
		{name: "error_value_approver_index", params: "func=certificate.order.param&sok=ok&pricelist=3033&period=12&CN=example.com&approver_email_2=admin@www.example.com"},
		{name: "error_value_approver_method_n", params: "func=certificate.reissue.step2&elid=4711&crt_type=oldrequest&sok=ok&approver_method_2=auth_phone",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}}},
		{name: "error_value_approver_method_index", params: "func=certificate.reissue.step2&elid=4711&crt_type=oldrequest&sok=ok&approver_method_4=auth_file",
			want: []proto.Message{&certsvcv1.GetCertificateRequest{Id: 4711}}},
		{name: "error_value_crt_type", params: "func=certificate.reissue.step2&elid=4711&sok=ok&crt_type=generate"},
		{name: "error_exists", params: "func=certificate.order.param&sok=ok&pricelist=3033&period=12&CN=example.com&remoteid=l1001",
			errs: map[string]error{"CreateCertificate": connect.NewError(connect.CodeAlreadyExists, errors.New("client_reference: l1001 is used by another order"))},
			want: []proto.Message{&certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 12, Subject: &certsvcv1.Subject{CommonName: "example.com"},
				ClientReference: "l1001", IdempotencyKey: "l1001"}}},
		{name: "error_not_enough_money", params: "func=certificate.order.param&sok=ok&skipbasket=on&pricelist=3033&period=12&CN=example.com",
			errs: map[string]error{"CreateCertificate": notEnoughMoney()},
			want: []proto.Message{&certsvcv1.CreateCertificateRequest{PlanId: 3033, PeriodMonths: 12, Subject: &certsvcv1.Subject{CommonName: "example.com"}, Pay: true}}},
		{name: "error_access", params: "func=service.prolong&elid=4711&period=12&sok=ok",
			errs: map[string]error{"RenewCertificate": connect.NewError(connect.CodePermissionDenied, errors.New("the account is suspended"))},
			want: []proto.Message{&certsvcv1.RenewCertificateRequest{Id: 4711, PeriodMonths: 12}}},
		{name: "error_missed", params: "func=certificate.reissue.step2&elid=999&sok=ok&crt_type=oldrequest",
			errs: map[string]error{"ReissueCertificate": connect.NewError(connect.CodeNotFound, errors.New("id: certificate 999 not found"))},
			want: []proto.Message{&certsvcv1.ReissueCertificateRequest{Id: 999}}},
	}
}

func (tc orderCase) request(f billmgr.Format) *http.Request {
	if tc.post {
		r := httptest.NewRequest(http.MethodPost, "/billmgr?out="+string(f), strings.NewReader(auth+tc.params))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	return httptest.NewRequest(http.MethodGet, "/billmgr?"+auth+tc.params+"&out="+string(f), nil)
}

var randomCSR = regexp.MustCompile(`-----BEGIN CERTIFICATE REQUEST-----[^-]*-----END CERTIFICATE REQUEST-----`)

// goldenResponse is a response as the golden files hold it: status, the
// relevant headers, a blank line, the body.
func goldenResponse(res *http.Response) string {
	body, _ := io.ReadAll(res.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "status: %d\n", res.StatusCode)
	for _, h := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
		if v := res.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	return b.String()
}

// TestOrderFuncs sends every order-side function in every format through
// the gateway to fakes of the clients: the RPC requests it builds must be
// exactly the expected translation, and the answers match the golden
// files (go test -update rewrites them). The manual order's CSR is random,
// so its answer (an id) is the only part that goes into a golden file.
func TestOrderFuncs(t *testing.T) {
	for _, tc := range orderCases(t) {
		for _, f := range billmgr.Formats {
			t.Run(tc.name+"/"+string(f), func(t *testing.T) {
				fake := &orderFake{errs: tc.errs, decodeNames: tc.decodeNames}
				g := New(API{Catalog: fake, Cert: fake}, slog.New(slog.DiscardHandler))
				rec := httptest.NewRecorder()
				g.ServeHTTP(rec, tc.request(f))
				if diff := cmp.Diff(tc.want, fake.calls, protocmp.Transform()); diff != "" {
					t.Errorf("RPC requests (-want +got):\n%s", diff)
				}
				// A random CSR (order_param_manual) is echoed in tparams.
				got := randomCSR.ReplaceAllString(goldenResponse(rec.Result()), "<random CSR>")
				if strings.Contains(got, "s3cret") {
					t.Errorf("the password is echoed:\n%s", got)
				}
				compareGolden(t, filepath.Join("testdata", "order", tc.name+"."+string(f)+".golden"), got)
			})
		}
	}
}

// TestOrderAnswersWhatClientsRead checks, independently of the golden
// files, the parts legacy clients depend on: /doc/id after an order (WHMCS,
// the reseller module), model.csr and model.key (seed 002), /doc/doc/
// newexpiredate after service.prolong (WHMCS), pricelist[].price.period[]
// in bjson (the storefront).
func TestOrderAnswersWhatClientsRead(t *testing.T) {
	get := func(query string) string {
		fake := &orderFake{}
		g := New(API{Catalog: fake, Cert: fake}, slog.New(slog.DiscardHandler))
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?"+query, nil))
		return rec.Body.String()
	}
	for _, tc := range []struct{ query, want string }{
		{"out=xml&func=certificate.order.param&sok=ok&pricelist=3033&period=12&CN=example.com", "<id>4713</id>"},
		{"out=bjson&func=certificate.order.csr&sok=ok&CN=example.com", `"csr":"-----BEGIN CERTIFICATE REQUEST-----\nMIIBfakeCSR+/w==`},
		{"out=bjson&func=certificate.order.csr&sok=ok&CN=example.com", `"key":"-----BEGIN PRIVATE KEY-----`},
		{"out=xml&func=service.prolong&elid=4711&sok=ok", "<doc>\n    <newexpiredate>2028-05-02</newexpiredate>\n  </doc>"},
		{"out=bjson&func=pricelist.export&pricelist=3033", `"price":[{"currency":"RUB","period":[{"cost":"810.00","type":"month","length":"12","v":"1 year"}`},
		{"out=sjson&func=pricelist.export&pricelist=3033", `"pricelist":[{"id":{"$":"3033"}`},
	} {
		if got := get(tc.query); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\ngot  %s\nwant it to contain %s", tc.query, got, tc.want)
		}
	}
}
