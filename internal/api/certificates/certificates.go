package certificates

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/plan"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// approverLocalParts are the mailboxes a CA accepts as approvers of a domain.
var approverLocalParts = []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"}

var keyTypes = map[certsvcv1.KeyType]pki.KeyType{
	certsvcv1.KeyType_KEY_TYPE_RSA_2048:   pki.RSA2048,
	certsvcv1.KeyType_KEY_TYPE_RSA_3072:   pki.RSA3072,
	certsvcv1.KeyType_KEY_TYPE_RSA_4096:   pki.RSA4096,
	certsvcv1.KeyType_KEY_TYPE_ECDSA_P256: pki.ECDSAP256,
	certsvcv1.KeyType_KEY_TYPE_ECDSA_P384: pki.ECDSAP384,
}

// generateKey returns a new key of the requested type, RSA 2048 by default,
// from the pool when one is configured for that type.
func (s *Handler) generateKey(ctx context.Context, kt certsvcv1.KeyType) (crypto.Signer, error) {
	t, ok := keyTypes[kt]
	if !ok {
		t = pki.RSA2048
	}
	if s.KeyPool() != nil && s.KeyPool().KeyType() == t {
		return s.KeyPool().Get(ctx)
	}
	return pki.GenerateKey(t)
}

// subjectInput checks subject fields and resolves the country id.
func subjectInput(field string, in *certsvcv1.Subject) (certdata.Subject, error) {
	out := certdata.Subject{CommonName: strings.TrimSpace(in.GetCommonName()), CountryID: in.GetCountryId(),
		State: in.GetState(), Locality: in.GetLocality(), Organization: in.GetOrganization(),
		OrganizationalUnit: in.GetOrganizationalUnit(), Email: in.GetEmail()}
	var err error
	if out.Country, err = core.CountryCode(field+".country_id", in.GetCountryId()); err != nil {
		return out, err
	}
	if out.Country == "" && in.GetCountry() != "" {
		return out, errkind.Invalid(field+".country_id", "give the country by its id; country is output only")
	}
	if err := rpc.CheckEmail(field+".email", out.Email); err != nil {
		return out, err
	}
	if out.CommonName != "" {
		cn, err := pki.NormalizeDomain(out.CommonName)
		if err != nil {
			return out, errkind.Invalid(field+".common_name", "%s", pkiMessage(err))
		}
		out.CommonName = cn
	}
	return out, nil
}

// pkiMessage is the customer-facing text of a pki error.
func pkiMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "pki: ")
}

func pkiSubject(sub certdata.Subject, extra []string) pki.Subject {
	return pki.Subject{CommonName: sub.CommonName, Country: sub.Country, State: sub.State, Locality: sub.Locality,
		Organization: sub.Organization, OrganizationalUnit: sub.OrganizationalUnit, Email: sub.Email, DNSNames: extra}
}

// CreateCsr implements CertificateService.CreateCsr.
func (s *Handler) CreateCsr(ctx context.Context, req *certsvcv1.CreateCsrRequest) (*certsvcv1.CreateCsrResponse, error) {
	sub, err := subjectInput("subject", req.GetSubject())
	if err != nil {
		return nil, err
	}
	if sub.CommonName == "" {
		return nil, errkind.Invalid("subject.common_name", "must not be empty")
	}
	extra, err := normalizeNames("extra_names", req.GetExtraNames())
	if err != nil {
		return nil, err
	}
	key, err := s.generateKey(ctx, req.GetKeyType())
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	csrDER, err := pki.CreateCSR(key, pkiSubject(sub, extra))
	if err != nil {
		return nil, errkind.Invalid("subject", "%s", pkiMessage(err))
	}
	keyPEM, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return nil, fmt.Errorf("encode key: %w", err)
	}
	csr, err := pki.ParseCSR(csrDER)
	if err != nil {
		return nil, fmt.Errorf("parse generated CSR: %w", err)
	}
	return &certsvcv1.CreateCsrResponse{CsrPem: string(pki.EncodeCSRPEM(csrDER)), PrivateKeyPem: string(keyPEM),
		Names: csr.Names}, nil
}

// DecodeCsr implements CertificateService.DecodeCsr.
func (s *Handler) DecodeCsr(ctx context.Context, req *certsvcv1.DecodeCsrRequest) (*certsvcv1.DecodeCsrResponse, error) {
	csr, err := parseCSR("csr_pem", req.GetCsrPem())
	if err != nil {
		return nil, err
	}
	if req.GetPlanId() != 0 {
		pl, err := s.visiblePlan(ctx, req.GetPlanId())
		if err != nil {
			return nil, err
		}
		if _, err := checkNames(pl, csr.Names, 0, "csr_pem"); err != nil {
			return nil, err
		}
	}
	sub := csr.Subject
	out := &certsvcv1.Subject{CommonName: csr.CommonName, Country: sub.Country, State: sub.State,
		Locality: sub.Locality, Organization: sub.Organization, OrganizationalUnit: sub.OrganizationalUnit, Email: sub.Email}
	return &certsvcv1.DecodeCsrResponse{Subject: out, Names: csr.Names, KeyAlgorithm: csr.KeyType,
		KeyBits: int32(csr.KeyBits)}, nil
}

// parseCSR decodes and checks a customer's CSR, signature and key strength.
func parseCSR(field, in string) (*pki.CSR, error) {
	csr, err := pki.ParseCSR([]byte(in))
	if err != nil {
		return nil, errkind.Invalid(field, "%s", pkiMessage(err))
	}
	if err := pki.CheckKeyStrength(csr.PublicKey); err != nil {
		return nil, errkind.Invalid(field, "%s", pkiMessage(err))
	}
	return csr, nil
}

// normalizeNames normalises domain names (IDN to punycode), dropping duplicates.
func normalizeNames(field string, in []string) ([]string, error) {
	var out []string
	for i, n := range in {
		d, err := pki.NormalizeDomain(n)
		if err != nil {
			return nil, errkind.Invalid(fmt.Sprintf("%s[%d]", field, i), "%s", pkiMessage(err))
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// visiblePlan loads a plan; users and anonymous callers see enabled plans only.
func (s *Handler) visiblePlan(ctx context.Context, id int64) (*ent.Plan, error) {
	pl, err := s.Catalog().Plan(ctx, id)
	if p := rpc.PrincipalFrom(ctx); err == nil && !pl.Enabled && (p == nil || !p.Admin) {
		err = &ent.NotFoundError{}
	}
	if ent.IsNotFound(err) {
		return nil, errkind.Field(errkind.NotFound, "plan_id", "plan %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load plan %d: %w", id, err)
	}
	return pl, nil
}

// billableNames counts the names a plan charges for: a plan that covers
// www.example.com and example.com together counts the pair once.
func billableNames(pl *ent.Plan, names []string) int {
	n := 0
	for _, name := range names {
		if pl.WwwAndBare {
			if bare, ok := strings.CutPrefix(name, "www."); ok && slices.Contains(names, bare) {
				continue
			}
		}
		n++
	}
	return n
}

// checkNames checks the names of an order (common name first) against the
// plan and returns the extra-name slots to charge: slots, or when 0 as many
// as the names need.
func checkNames(pl *ent.Plan, names []string, slots int32, field string) (int32, error) {
	if err := (pki.NamePolicy{AllowWildcard: pl.Wildcard, AllowIDN: pl.Idn}).Check(names); err != nil {
		return 0, errkind.Invalid(field, "%s (plan %d, %s)", pkiMessage(err), pl.ID, pl.Name)
	}
	count := int32(billableNames(pl, names))
	if count > 1 && !pl.MultiDomain && !(pl.WwwAndBare && count == 1) {
		return 0, errkind.Invalid(field, "plan %d (%s) covers one domain; %d given", pl.ID, pl.Name, count)
	}
	if pl.MaxNames > 0 && count > pl.MaxNames {
		return 0, errkind.Invalid(field, "too many names: %d, plan %d (%s) allows at most %d", count, pl.ID, pl.Name, pl.MaxNames)
	}
	need := max(0, count-max(pl.IncludedNames, 1))
	if slots == 0 {
		slots = need
	}
	if slots < need {
		return 0, errkind.Invalid("extra_name_slots", "%d names need %d extra name slots beyond the %d included; %d bought",
			count, need, pl.IncludedNames, slots)
	}
	if pl.MaxNames > 0 && max(pl.IncludedNames, 1)+slots > pl.MaxNames {
		return 0, errkind.Invalid("extra_name_slots", "plan %d allows at most %d names; %d included plus %d slots is more",
			pl.ID, pl.MaxNames, pl.IncludedNames, slots)
	}
	return slots, nil
}

// buildValidations chooses a validation method for every name: what the
// caller asked for, else e-mail to admin@ (DNS TXT for wildcards).
func buildValidations(names []string, in []*certsvcv1.DomainValidation) ([]certdata.Validation, error) {
	chosen := map[string]certdata.Validation{}
	for i, v := range in {
		field := fmt.Sprintf("validations[%d]", i)
		d, err := pki.NormalizeDomain(v.GetDomain())
		if err != nil {
			return nil, errkind.Invalid(field+".domain", "%s", pkiMessage(err))
		}
		if !slices.Contains(names, d) {
			return nil, errkind.Invalid(field+".domain", "%s is not one of the order's names", d)
		}
		m := methodFromProto(v.GetMethod())
		if m == "" {
			return nil, errkind.Invalid(field+".method", "choose a validation method")
		}
		cv := certdata.Validation{Domain: d, Method: string(m), Status: "pending"}
		if m == provider.DCVEmail {
			if err := checkApprover(field+".approver_email", d, v.GetApproverEmail()); err != nil {
				return nil, err
			}
			cv.Email = strings.ToLower(v.GetApproverEmail())
		} else if v.GetApproverEmail() != "" {
			return nil, errkind.Invalid(field+".approver_email", "only e-mail validation takes an approver address")
		}
		if pki.IsWildcard(d) && (m == provider.DCVHTTPFile) {
			return nil, errkind.Invalid(field+".method", "a wildcard name cannot be validated by an HTTP file")
		}
		chosen[d] = cv
	}
	out := make([]certdata.Validation, 0, len(names))
	for _, n := range names {
		v, ok := chosen[n]
		if !ok {
			v = certdata.Validation{Domain: n, Method: string(provider.DCVEmail), Email: "admin@" + baseDomain(n), Status: "pending"}
			if pki.IsWildcard(n) {
				v = certdata.Validation{Domain: n, Method: string(provider.DCVDNSTXT), Status: "pending"}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// baseDomain is a name without a leading "*.".
func baseDomain(name string) string { return strings.TrimPrefix(name, "*.") }

// checkApprover accepts only admin@, administrator@, hostmaster@,
// postmaster@ or webmaster@ of the domain itself (of its base for a wildcard).
func checkApprover(field, domain, email string) error {
	local, host, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok || !slices.Contains(approverLocalParts, local) || host != baseDomain(domain) {
		return errkind.Invalid(field, "%q cannot approve %s: use admin@, administrator@, hostmaster@, postmaster@ or webmaster@%s",
			email, domain, baseDomain(domain))
	}
	return nil
}

// orderAccount is the account an order is for: a user's own, or the one an
// admin names.
func orderAccount(p *rpc.Principal, id int64) (int64, error) {
	switch {
	case p.Admin && id == 0:
		return 0, errkind.Invalid("account_id", "admins order for an account: give its id")
	case p.Admin:
		return id, nil
	case id != 0 && id != p.AccountID:
		return 0, errkind.Field(errkind.NotFound, "account_id", "account %d not found", id)
	case p.AccountID == 0:
		return 0, errkind.Field(errkind.FailedPrecondition, "account_id", "user %s has no account", p.Login)
	}
	return p.AccountID, nil
}

// request is a checked CSR, with its private key when it is to be stored.
type request struct {
	csr    *pki.CSR
	csrPEM string
	keyPEM []byte // nil when the customer keeps the key
}

// requestFrom returns the CSR of an order or reissue: the customer's (with
// its key, when given) or one generated from sub and extra names.
func (s *Handler) requestFrom(ctx context.Context, csrPEM, keyPEM string, kt certsvcv1.KeyType, sub certdata.Subject, extra []string) (request, error) {
	if csrPEM != "" {
		if kt != certsvcv1.KeyType_KEY_TYPE_UNSPECIFIED {
			return request{}, errkind.Invalid("key_type", "give either a CSR or a key type to generate, not both")
		}
		csr, err := parseCSR("csr_pem", csrPEM)
		if err != nil {
			return request{}, err
		}
		if sub.CommonName != "" && sub.CommonName != csr.CommonName {
			return request{}, errkind.Invalid("subject.common_name", "%s does not match the CSR's common name %s",
				sub.CommonName, csr.CommonName)
		}
		r := request{csr: csr, csrPEM: string(pki.EncodeCSRPEM(csr.Raw))}
		if keyPEM != "" {
			key, err := pki.ParsePrivateKeyPEM([]byte(keyPEM))
			if err != nil {
				return request{}, errkind.Invalid("private_key_pem", "%s", pkiMessage(err))
			}
			if !publicKeysEqual(key.Public(), csr.PublicKey) {
				return request{}, errkind.Invalid("private_key_pem", "is not the key of the CSR")
			}
			if r.keyPEM, err = pki.MarshalPrivateKeyPEM(key); err != nil {
				return request{}, fmt.Errorf("encode key: %w", err)
			}
		}
		return r, nil
	}
	if keyPEM != "" {
		return request{}, errkind.Invalid("private_key_pem", "give the CSR made with this key too")
	}
	if sub.CommonName == "" {
		return request{}, errkind.Invalid("subject.common_name", "must not be empty when no CSR is given")
	}
	key, err := s.generateKey(ctx, kt)
	if err != nil {
		return request{}, fmt.Errorf("generate key: %w", err)
	}
	der, err := pki.CreateCSR(key, pkiSubject(sub, extra))
	if err != nil {
		return request{}, errkind.Invalid("subject", "%s", pkiMessage(err))
	}
	csr, err := pki.ParseCSR(der)
	if err != nil {
		return request{}, fmt.Errorf("parse generated CSR: %w", err)
	}
	kp, err := pki.MarshalPrivateKeyPEM(key)
	if err != nil {
		return request{}, fmt.Errorf("encode key: %w", err)
	}
	return request{csr: csr, csrPEM: string(pki.EncodeCSRPEM(der)), keyPEM: kp}, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

func keyAlgorithm(csr *pki.CSR) string { return fmt.Sprintf("%s %d", csr.KeyType, csr.KeyBits) }

// CreateCertificate implements CertificateService.CreateCertificate.
func (s *Handler) CreateCertificate(ctx context.Context, req *certsvcv1.CreateCertificateRequest) (*certsvcv1.CreateCertificateResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	accountID, err := orderAccount(p, req.GetAccountId())
	if err != nil {
		return nil, err
	}
	if req.GetProcessingModuleId() != 0 && !p.Admin {
		return nil, errkind.Field(errkind.PermissionDenied, "processing_module_id", "only admins choose the processing module")
	}
	if c, err := s.findRetried(ctx, accountID, req.GetIdempotencyKey(), req.GetClientReference()); err != nil {
		return nil, err // the database failed (a lost node): not a panic on a nil order
	} else if c != nil {
		return &certsvcv1.CreateCertificateResponse{Certificate: certToProto(c)}, nil
	}
	if !p.OwnsAccount(accountID) {
		return nil, errkind.Field(errkind.NotFound, "account_id", "account %d not found", accountID)
	}
	pl, err := s.visiblePlan(ctx, req.GetPlanId())
	if err != nil {
		return nil, err
	}
	sub, err := subjectInput("subject", req.GetSubject())
	if err != nil {
		return nil, err
	}
	extra, err := normalizeNames("extra_names", req.GetExtraNames())
	if err != nil {
		return nil, err
	}
	r, err := s.requestFrom(ctx, req.GetCsrPem(), req.GetPrivateKeyPem(), req.GetKeyType(), sub, extra)
	if err != nil {
		return nil, err
	}
	names := r.csr.Names
	for _, n := range extra {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slots, err := checkNames(pl, names, req.GetExtraNameSlots(), "extra_names")
	if err != nil {
		return nil, err
	}
	validations, err := buildValidations(names, req.GetValidations())
	if err != nil {
		return nil, err
	}
	org := orgFromProto(req.GetOrganization())
	if pl.Validation != plan.ValidationDv {
		if strings.TrimSpace(org.Name) == "" {
			return nil, errkind.Invalid("organization.name", "an %s certificate needs the organisation's name", strings.ToUpper(string(pl.Validation)))
		}
		if org.CountryID == 0 {
			return nil, errkind.Invalid("organization.country_id", "an %s certificate needs the organisation's country", strings.ToUpper(string(pl.Validation)))
		}
	}
	if _, err := core.CountryCode("organization.country_id", org.CountryID); err != nil {
		return nil, err
	}
	for field, c := range map[string]*certsvcv1.Contact{"admin_contact": req.GetAdminContact(), "tech_contact": req.GetTechContact()} {
		if err := rpc.CheckEmail(field+".email", c.GetEmail()); err != nil {
			return nil, err
		}
	}
	mod, err := s.PickModule(ctx, pl.ID, req.GetProcessingModuleId())
	if err != nil {
		return nil, err
	}
	sealed, err := s.SealKey(accountID, r.keyPEM)
	if err != nil {
		return nil, err
	}
	sub.CommonName = r.csr.CommonName
	c, err := core.InTxValue(ctx, s.Core, func(tx *core.Tx) (*ent.Certificate, error) {
		// The account is read here, not before: its currency prices the
		// order, and a paid order locks it anyway.
		var acc, locked *ent.Account
		var err error
		if req.GetPay() {
			// Lock the account before the insert: the foreign key check of
			// the insert takes a shared lock on it, and upgrading that to
			// the charge's exclusive lock deadlocks concurrent orders.
			acc, err = tx.LockAccount(ctx, accountID)
			locked = acc
		} else {
			acc, err = tx.Account.Get(ctx, accountID)
			if err != nil {
				err = fmt.Errorf("account %d: %w", accountID, store.Translate(err))
			}
		}
		if err != nil {
			return nil, rpc.FieldErr("account_id", err)
		}
		pr, err := s.Price(ctx, pl.ID, req.GetPeriodMonths(), acc.Currency)
		if err != nil {
			return nil, err
		}
		if err := s.checkRenewPeriod(ctx, "auto_renew_period_months", pl.ID, req.AutoRenewPeriodMonths, acc.Currency); err != nil {
			return nil, err
		}
		cost, err := core.TermCost(pr, slots)
		if err != nil {
			return nil, err
		}
		c, err := tx.CreateOrder(ctx, fmt.Sprintf("ordered %s for %d months", pl.Name, req.GetPeriodMonths()), func(cr *ent.CertificateCreate) {
			cr.SetAccountID(accountID).SetPlanID(pl.ID).SetPeriodMonths(req.GetPeriodMonths()).
				SetCommonName(r.csr.CommonName).SetExtraNames(names[1:]).
				SetExtraNameSlots(slots).SetSubject(sub).SetAdminContact(contactFromProto(req.GetAdminContact())).
				SetTechContact(contactFromProto(req.GetTechContact())).SetOrganization(org).SetValidations(validations).
				SetAutoRenew(req.GetAutoRenew()).SetNillableAutoRenewPeriodMonths(req.AutoRenewPeriodMonths).SetProcessingModuleID(mod.ID).SetCostMinor(cost).SetCurrency(acc.Currency).
				SetCsrPem(r.csrPEM).SetPrivateKey(sealed).SetKeyAlgorithm(keyAlgorithm(r.csr))
			if k := req.GetIdempotencyKey(); k != "" {
				cr.SetIdempotencyKey(k)
			}
			if ref := req.GetClientReference(); ref != "" {
				cr.SetClientReference(ref)
			}
		})
		if err != nil {
			return nil, err
		}
		if !req.GetPay() {
			return c, nil
		}
		return tx.Pay(ctx, c, locked)
	})
	if store.IsDuplicate(err) {
		// A concurrent retry of the same order won the race: answer with its order.
		if c, ferr := s.findRetried(ctx, accountID, req.GetIdempotencyKey(), req.GetClientReference()); ferr != nil {
			return nil, ferr
		} else if c != nil {
			return &certsvcv1.CreateCertificateResponse{Certificate: certToProto(c)}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &certsvcv1.CreateCertificateResponse{Certificate: certToProto(c)}, nil
}

// findRetried returns the order an earlier call with the same idempotency
// key or client reference created, or nil.
func (s *Handler) findRetried(ctx context.Context, accountID int64, key, ref string) (*ent.Certificate, error) {
	for _, w := range []struct {
		v string
		p func(string) func(*ent.CertificateQuery)
	}{
		{key, func(v string) func(*ent.CertificateQuery) {
			return func(q *ent.CertificateQuery) { q.Where(certificate.IdempotencyKey(v)) }
		}},
		{ref, func(v string) func(*ent.CertificateQuery) {
			return func(q *ent.CertificateQuery) { q.Where(certificate.ClientReference(v)) }
		}},
	} {
		if w.v == "" {
			continue
		}
		q := s.db.Certificate.Query().Where(certificate.AccountID(accountID))
		w.p(w.v)(q)
		c, err := q.Only(ctx)
		if err == nil {
			return c, nil
		}
		if !ent.IsNotFound(err) {
			return nil, fmt.Errorf("look up retried order: %w", err)
		}
	}
	return nil, nil
}

// PayCertificate implements CertificateService.PayCertificate.
func (s *Handler) PayCertificate(ctx context.Context, req *certsvcv1.PayCertificateRequest) (*certsvcv1.PayCertificateResponse, error) {
	c, err := s.WithCert(ctx, req.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		return tx.PayOnce(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.PayCertificateResponse{Certificate: certToProto(c)}, nil
}

// PayCertificates implements CertificateService.PayCertificates: the
// basket, paid all at once or not at all (core.PayMany).
func (s *Handler) PayCertificates(ctx context.Context, req *certsvcv1.PayCertificatesRequest) (*certsvcv1.PayCertificatesResponse, error) {
	res, err := s.PayMany(ctx, req.GetIds(), req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	out := &certsvcv1.PayCertificatesResponse{ChargedMinor: res.Charged, Currency: res.Currency,
		Certificates: make([]*certsvcv1.Certificate, len(res.Certificates))}
	for i, c := range res.Certificates {
		out.Certificates[i] = certToProto(c)
	}
	if res.Charged > 0 {
		s.log.InfoContext(ctx, "certificates paid together", "certificate_ids", req.GetIds(),
			"charged_minor", res.Charged, "currency", res.Currency, "idempotency_key", req.GetIdempotencyKey())
	}
	return out, nil
}

// checkRenewPeriod refuses an auto-renewal period (months, when set) that
// the plan does not sell in currency: the renewal could never be charged.
func (s *Handler) checkRenewPeriod(ctx context.Context, field string, planID int64, months *int32, currency string) error {
	if months == nil {
		return nil
	}
	if _, err := s.Price(ctx, planID, *months, currency); err != nil {
		if errors.Is(err, errkind.InvalidArgument) {
			return errkind.Invalid(field, "plan %d is not renewed for %d months in %s", planID, *months, currency)
		}
		return err
	}
	return nil
}

// visibleCert reads a certificate the caller may see.
func (s *Handler) visibleCert(ctx context.Context, id int64) (*ent.Certificate, error) {
	c, err := s.db.Certificate.Get(ctx, id)
	if err == nil && !rpc.PrincipalFrom(ctx).OwnsAccount(c.AccountID) {
		err = &ent.NotFoundError{}
	}
	if ent.IsNotFound(err) {
		return nil, errkind.Field(errkind.NotFound, "id", "certificate %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load certificate %d: %w", id, err)
	}
	return c, nil
}

// GetCertificate implements CertificateService.GetCertificate.
func (s *Handler) GetCertificate(ctx context.Context, req *certsvcv1.GetCertificateRequest) (*certsvcv1.GetCertificateResponse, error) {
	c, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return &certsvcv1.GetCertificateResponse{Certificate: certToProto(c)}, nil
}

// UpdateCertificate implements CertificateService.UpdateCertificate.
func (s *Handler) UpdateCertificate(ctx context.Context, req *certsvcv1.UpdateCertificateRequest) (*certsvcv1.UpdateCertificateResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	allowed := []string{"auto_renew", "auto_renew_period_months", "admin_contact", "tech_contact", "organization", "subject"}
	adminOnly := []string{"not_before", "not_after", "paid_until", "ca_order_id", "processing_module_id", "state", "status_message"}
	if p.Admin {
		allowed = append(allowed, adminOnly...)
	}
	paths, err := rpc.MaskPaths(req.GetUpdateMask(), allowed...)
	if err != nil {
		if !p.Admin && slices.ContainsFunc(req.GetUpdateMask().GetPaths(), func(x string) bool { return slices.Contains(adminOnly, x) }) {
			return nil, errkind.Field(errkind.PermissionDenied, "update_mask", "only admins change %s", strings.Join(adminOnly, ", "))
		}
		return nil, err
	}
	in := req.GetCertificate()
	c, err := s.WithCert(ctx, in.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if c.State == certificate.StateDeleted {
			return nil, &lifecycle.TransitionError{From: lifecycle.Deleted, Event: "update"}
		}
		var adminChanges []string
		c2, err := tx.Edit(ctx, c, func(u *ent.CertificateUpdateOne) error {
			for _, path := range paths {
				field := "certificate." + path
				switch path {
				case "auto_renew":
					u.SetAutoRenew(in.GetAutoRenew())
				case "auto_renew_period_months":
					if in.AutoRenewPeriodMonths == nil {
						u.ClearAutoRenewPeriodMonths()
						break
					}
					if err := s.checkRenewPeriod(ctx, field, c.PlanID, in.AutoRenewPeriodMonths, c.Currency); err != nil {
						return err
					}
					u.SetAutoRenewPeriodMonths(in.GetAutoRenewPeriodMonths())
				case "admin_contact", "tech_contact":
					ct := in.GetAdminContact()
					if path == "tech_contact" {
						ct = in.GetTechContact()
					}
					if err := rpc.CheckEmail(field+".email", ct.GetEmail()); err != nil {
						return err
					}
					if path == "admin_contact" {
						u.SetAdminContact(contactFromProto(ct))
					} else {
						u.SetTechContact(contactFromProto(ct))
					}
				case "organization":
					org := orgFromProto(in.GetOrganization())
					if _, err := core.CountryCode(field+".country_id", org.CountryID); err != nil {
						return err
					}
					u.SetOrganization(org)
				case "subject":
					sub, err := subjectInput(field, in.GetSubject())
					if err != nil {
						return err
					}
					if sub.CommonName != "" && sub.CommonName != c.CommonName {
						return errkind.Invalid(field+".common_name", "the common name cannot change; order a new certificate")
					}
					sub.CommonName = c.CommonName
					u.SetPendingSubject(&sub)
				case "not_before":
					u.SetNillableNotBefore(timePtr(in.GetNotBefore()))
				case "not_after":
					u.SetNillableNotAfter(timePtr(in.GetNotAfter()))
				case "paid_until":
					u.SetNillablePaidUntil(timePtr(in.GetPaidUntil()))
				case "ca_order_id":
					u.SetCaOrderID(core.Truncate(in.GetCaOrderId(), 128))
				case "status_message":
					u.SetStatusMessage(core.Truncate(in.GetStatusMessage(), 512))
				case "processing_module_id":
					if _, err := s.db.ProcessingModule.Get(ctx, in.GetProcessingModuleId()); err != nil {
						return rpc.FieldErr(field, store.Translate(err))
					}
					u.SetProcessingModuleID(in.GetProcessingModuleId())
				case "state":
					st, ok := stateFromProto(in.GetState())
					if !ok {
						return errkind.Invalid(field, "choose a state")
					}
					// Edit moves the order there through Next, event by event.
					u.SetState(certificate.State(st))
				}
				if slices.Contains(adminOnly, path) {
					adminChanges = append(adminChanges, path)
				}
			}
			return nil
		})
		if err != nil {
			if errors.Is(err, lifecycle.ErrIllegalTransition) && slices.Contains(paths, "state") {
				return nil, rpc.FieldErr("certificate.state", err)
			}
			return nil, err
		}
		if len(adminChanges) > 0 {
			detail := strings.Join(adminChanges, ", ")
			if err := rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), rpc.AuditAdminUpdate, fmt.Sprintf("certificate/%d", c.ID), detail); err != nil {
				return nil, err
			}
			// An admin's override of the state is history too, and the worker
			// looks at the order again.
			now := s.Clock()
			if err := tx.Record(ctx, c2, "admin_update", lifecycle.State(c.State), core.Step{Message: "admin changed " + detail, RunAt: &now}); err != nil {
				return nil, err
			}
			return c2, nil
		}
		// A customer's edit is history too, so watchers see it.
		err = tx.Record(ctx, c2, "update", lifecycle.State(c.State), core.Step{Message: "changed " + strings.Join(paths, ", ")})
		return c2, err
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.UpdateCertificateResponse{Certificate: certToProto(c)}, nil
}

func timePtr(t *timestamppb.Timestamp) *time.Time {
	if t == nil {
		return nil
	}
	v := t.AsTime().UTC().Truncate(time.Microsecond)
	return &v
}
