package billmgrhttp

import (
	"context"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"maps"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// ---------------------------------------------------------------------------
// certificate.order and certificate.order.csr: the wizard's first steps.

// funcOrder is the first step of the order wizard, the choice of plan and
// period. With sok it checks the plan and moves on to the next step, the
// subject form of certificate.order.csr [INF: the step is undocumented].
func (g *Gateway) funcOrder(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	id, err := req.Int("pricelist", 64)
	if err != nil {
		return nil, err
	}
	if req.Sok {
		if _, err := g.plan(ctx, id); err != nil {
			return nil, err
		}
		return g.subjectForm(ctx, req)
	}
	plans, err := g.allPlans(ctx)
	if err != nil {
		return nil, err
	}
	chosen := choosePlan(plans, id)
	period := req.Value("period")
	if period == "" {
		period = "12"
	}
	doc := billmgr.NewForm(req.Func, req.Lang, billmgr.F("pricelist", strconv.FormatInt(chosen.GetId(), 10)), billmgr.F("period", period))
	opts := make([]billmgr.Option, 0, len(plans))
	for _, p := range plans {
		opts = append(opts, billmgr.Option{Key: strconv.FormatInt(p.GetId(), 10), Label: p.GetName()})
	}
	return doc.AddSList("pricelist", opts...).AddSList("period", periodOptions(req.Lang, chosen, "")...), nil
}

// choosePlan is the plan with id, else the first plan (nil if none).
func choosePlan(plans []*certsvcv1.Plan, id int64) *certsvcv1.Plan {
	for _, p := range plans {
		if p.GetId() == id || p.GetForeignId() == id {
			return p
		}
	}
	if len(plans) > 0 {
		return plans[0]
	}
	return nil
}

// funcOrderCSR serves the subject step of the order wizard. Without sok it
// is the form with the country list (the documented way to read country
// ids); with sok it generates a key and a CSR from the subject fields and
// answers them as model.csr and model.key (seed 002). Nothing is stored.
func (g *Gateway) funcOrderCSR(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	if !req.Sok {
		return g.subjectForm(ctx, req)
	}
	sub := &certsvcv1.Subject{}
	if _, err := fill(req, sub, subjectFields); err != nil {
		return nil, err
	}
	res, err := g.api.Cert.CreateCsr(ctx, &certsvcv1.CreateCsrRequest{Subject: sub, ExtraNames: altnames(req)})
	if err != nil {
		return nil, err
	}
	fields := []billmgr.Field{billmgr.F("csr", res.GetCsrPem()), billmgr.F("key", res.GetPrivateKeyPem()), billmgr.F("crt_type", "generate")}
	for _, name := range []string{"pricelist", "period", "CN", "field_country", "ST", "L", "O", "OU", "emailAddress", "altname"} {
		fields = append(fields, billmgr.F(name, req.Value(name)))
	}
	return billmgr.NewForm(req.Func, req.Lang, fields...), nil
}

// subjectForm is the subject form with the country list.
func (g *Gateway) subjectForm(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	res, err := g.api.Catalog.ListCountries(ctx, &certsvcv1.ListCountriesRequest{})
	if err != nil {
		return nil, err
	}
	country := req.Value("field_country")
	if country == "" {
		country = "182"
	}
	doc := billmgr.NewForm(req.Func, req.Lang,
		billmgr.F("period", req.Value("period")), billmgr.F("pricelist", req.Value("pricelist")), billmgr.F("field_country", country))
	opts := make([]billmgr.Option, 0, len(res.GetCountries()))
	for _, c := range res.GetCountries() {
		opts = append(opts, billmgr.Option{Key: strconv.Itoa(int(c.GetId())), Label: c.GetName(),
			Attrs: []billmgr.Attr{{Name: "image", Value: "/manimg/common/flag/" + c.GetAlpha2() + ".png"}}})
	}
	return doc.AddSList("field_country", opts...), nil
}

// ---------------------------------------------------------------------------
// certificate.order.param: the order itself.

// funcOrderParam orders a certificate (seeds 001 and 002): with
// crt_type=generate from the subject (or with the CSR and key of the
// certificate.order.csr step), with crt_type=manual from the customer's CSR.
// skipbasket=on pays at once; otherwise the order waits in the basket.
// remoteid is the client reference and the idempotency key, so a retried
// call answers the first order's id and charges nothing more.
//
// Seed 001's order, as the reselling module sends it, carries
// clicked_button=next and no sok: a pressed button submits as sok does
// [INF]. With neither it is the plan form of certificate.order.
func (g *Gateway) funcOrderParam(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	if !req.Sok && req.Ignored.Get("clicked_button") == "" {
		return g.funcOrder(ctx, req)
	}
	in, names, err := g.orderRequest(ctx, req)
	if err != nil {
		return nil, withNames(err, names)
	}
	res, err := g.api.Cert.CreateCertificate(ctx, in)
	if err != nil {
		return nil, withNames(err, names)
	}
	if in.GetPay() && res.GetCertificate().GetState() == certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID {
		// A skipbasket=on re-send of an order that waits in the cart (same
		// remoteid): the service answered the first order; pay it now.
		if _, err := g.api.Cert.PayCertificate(ctx, &certsvcv1.PayCertificateRequest{Id: res.GetCertificate().GetId()}); err != nil {
			return nil, err
		}
	}
	id := strconv.FormatInt(res.GetCertificate().GetId(), 10)
	g.log.InfoContext(ctx, "legacy certificate order", "func", req.Func, "certificate_id", id,
		"remoteid", in.GetClientReference(), "plan_id", in.GetPlanId(), "pay", in.GetPay())
	return billmgr.NewOK(req.Func, req.Lang, id), nil
}

// orderRequest translates the order form into a CreateCertificateRequest,
// and names the legacy parameters of its indexed fields.
func (g *Gateway) orderRequest(ctx context.Context, req *billmgr.Request) (*certsvcv1.CreateCertificateRequest, fieldNames, error) {
	names := fieldNames{}
	in := &certsvcv1.CreateCertificateRequest{Subject: &certsvcv1.Subject{},
		ExtraNames: altnames(req), Pay: billmgr.IsOn(req.Param("skipbasket"))}
	_, err := fill(req, in, orderFields)
	if err == nil {
		_, err = fill(req, in.Subject, subjectFields)
	}
	if err != nil {
		return nil, names, err
	}
	switch t := req.Value("crt_type"); t {
	case "", "generate": // with the CSR and key of certificate.order.csr, or none
		in.CsrPem, in.PrivateKeyPem, err = csrParams(req, false)
	case "manual":
		in.CsrPem, in.PrivateKeyPem, err = csrParams(req, true)
	default:
		err = billmgr.BadParam("crt_type", t, "use generate or manual")
	}
	if err != nil {
		return nil, names, err
	}
	if in.AdminContact, in.TechContact, err = contacts(req); err != nil {
		return nil, names, err
	}
	if in.Organization, err = optional(req, orgFields, &certsvcv1.Organization{}); err != nil {
		return nil, names, err
	}
	if in.ExtraNameSlots, err = addonSlots(req, names); err != nil {
		return nil, names, err
	}
	in.Validations, err = validations(req, names, func() ([]string, error) {
		var base []string // a CSR's names come first, common name first
		if in.GetCsrPem() == "" {
			base = []string{in.GetSubject().GetCommonName()}
		}
		return g.requestNames(ctx, base, in.GetCsrPem(), in.GetExtraNames())
	})
	return in, names, err
}

// csrParams returns the CSR (required for crt_type=manual) and the key to
// store with it, unless delete_private_key=on.
func csrParams(req *billmgr.Request, required bool) (csr, key string, err error) {
	csr = req.PEM("csr")
	if required && csr == "" {
		return "", "", billmgr.BadParam("csr", "", "crt_type=manual needs the CSR")
	}
	if csr != "" && !billmgr.IsOn(req.Param("delete_private_key")) {
		key = req.PEM("key")
	}
	return csr, key, nil
}

// splitNames splits a space-separated name list (altname); commas and line
// breaks separate too.
func splitNames(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\r' || r == '\t' })
}

// altnames returns the extra names of an order: altname, else altname_input
// (the seeds send both with the same list).
func altnames(req *billmgr.Request) []string {
	if v := req.Value("altname"); v != "" {
		return splitNames(v)
	}
	return splitNames(req.Value("altname_input"))
}

// optional fills m from fields, or returns nil when no parameter was given.
func optional[M any](req *billmgr.Request, fields []field[M], m M) (M, error) {
	var zero M
	set, err := fill(req, m, fields)
	if err != nil || !set {
		return zero, err
	}
	return m, nil
}

// contacts returns the admin and tech contacts; like_admin=on without tech
// fields makes the tech contact the admin.
func contacts(req *billmgr.Request) (adm, tech *certsvcv1.Contact, err error) {
	if adm, err = optional(req, adminFields, &certsvcv1.Contact{}); err != nil {
		return nil, nil, err
	}
	if tech, err = optional(req, techFields, &certsvcv1.Contact{}); err != nil {
		return nil, nil, err
	}
	if tech == nil && adm != nil && billmgr.IsOn(req.Ignored.Get("like_admin")) {
		tech = proto.CloneOf(adm)
	}
	return adm, tech, nil
}

// addonSlots reads addon_<id>=<n>, the number of extra names bought (seed
// 002: addon_55364=2). Certificates sell one add-on, so a second non-zero
// one is refused; the service checks the count against the plan.
func addonSlots(req *billmgr.Request, names fieldNames) (int32, error) {
	var slots int32
	for _, name := range slices.Sorted(maps.Keys(req.Params)) {
		id, ok := strings.CutPrefix(name, "addon_")
		if _, err := strconv.ParseUint(id, 10, 64); !ok || err != nil {
			continue
		}
		v := req.Value(name)
		n, err := strconv.ParseInt(v, 10, 32)
		switch {
		case v == "" || err == nil && n == 0:
			continue
		case err != nil || n < 0:
			return 0, billmgr.BadParam(name, v, "give the number of extra names")
		case slots != 0:
			return 0, billmgr.BadParam(name, v, "only the extra-name add-on is sold with certificates, once")
		}
		slots, names["extra_name_slots"] = int32(n), name
	}
	return slots, nil
}

// approverMethods maps approver_method onto validation methods. Only
// auth_email is documented; auth_dnstxt is the GlobalSign module's
// [CODE]; the others follow its pattern [INF].
var approverMethods = map[string]certsvcv1.ValidationMethod{
	"auth_email":    certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL,
	"auth_dnstxt":   certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_TXT,
	"auth_dnscname": certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_CNAME,
	"auth_file":     certsvcv1.ValidationMethod_VALIDATION_METHOD_HTTP_FILE,
}

// approverMethod reads an approver_method value from the parameter name.
func approverMethod(name, value string) (certsvcv1.ValidationMethod, error) {
	m, ok := approverMethods[value]
	if !ok {
		return 0, billmgr.BadParam(name, value, "use auth_email, auth_dnstxt, auth_dnscname or auth_file")
	}
	return m, nil
}

// approverMethodName is the approver_method value of a method.
func approverMethodName(m certsvcv1.ValidationMethod) string {
	for name, method := range approverMethods {
		if method == m {
			return name
		}
	}
	return ""
}

// byEmail says whether a name with this method is validated by e-mail (the
// service's default when none is given).
func byEmail(m certsvcv1.ValidationMethod) bool {
	return m == certsvcv1.ValidationMethod_VALIDATION_METHOD_UNSPECIFIED || m == certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL
}

const (
	approverPrefix       = "approver_email_"
	approverMethodPrefix = "approver_method_"
)

// indexedParams returns the non-empty values of prefix+N by N, N ≥ 1.
// Other names with the prefix are ignored like any unknown parameter (seed
// 001 prints approver_email_{i} as a placeholder).
func indexedParams(req *billmgr.Request, prefix string) map[int]string {
	out := map[int]string{}
	for name := range req.Params {
		s, ok := strings.CutPrefix(name, prefix)
		n, err := strconv.Atoi(s)
		if ok && err == nil && n >= 1 && req.Value(name) != "" {
			out[n] = req.Value(name)
		}
	}
	return out
}

// inRange checks that every prefix+N names one of the order's names.
func inRange(prefix string, values map[int]string, names int) error {
	for _, n := range slices.Sorted(maps.Keys(values)) {
		if n > names {
			return billmgr.BadParam(prefix+strconv.Itoa(n), values[n],
				"there is no domain number %d; the domains are numbered 1 to %d", n, names)
		}
	}
	return nil
}

// validations maps approver_method, approver_method_N and approver_email_N
// onto the names of the order (names is called only when needed): N=1 is
// the main domain, N≥2 the extra names in order (seed 002).
// approver_method_N [INF: as certificate.edit shows it] sets the method of
// one name, approver_method that of the others. A name validated by e-mail
// without its approver is left to the service's default. It records each
// validation's parameter in fn for error documents.
func validations(req *billmgr.Request, fn fieldNames, names func() ([]string, error)) ([]*certsvcv1.DomainValidation, error) {
	var method certsvcv1.ValidationMethod
	m := req.Value("approver_method")
	if m != "" {
		var err error
		if method, err = approverMethod("approver_method", m); err != nil {
			return nil, err
		}
	}
	perName, emails := indexedParams(req, approverMethodPrefix), indexedParams(req, approverPrefix)
	if m == "" && len(emails) == 0 && len(perName) == 0 {
		return nil, nil
	}
	all, err := names()
	if err != nil {
		return nil, err
	}
	if err := inRange(approverMethodPrefix, perName, len(all)); err != nil {
		return nil, err
	}
	if byEmail(method) { // with another method the e-mails are not used
		if err := inRange(approverPrefix, emails, len(all)); err != nil {
			return nil, err
		}
	}
	var out []*certsvcv1.DomainValidation
	for i, name := range all {
		n := strconv.Itoa(i + 1)
		v := &certsvcv1.DomainValidation{Domain: name, Method: method}
		p := "approver_method"
		if own, ok := perName[i+1]; ok {
			p = approverMethodPrefix + n
			if v.Method, err = approverMethod(p, own); err != nil {
				return nil, err
			}
		}
		if byEmail(v.Method) {
			v.Method = certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL
			p = approverPrefix + n
			var ok bool
			if v.ApproverEmail, ok = emails[i+1]; !ok {
				continue
			}
		}
		fn[fmt.Sprintf("validations[%d].approver_email", len(out))] = p
		fn[fmt.Sprintf("validations[%d].domain", len(out))] = p
		out = append(out, v)
	}
	return out, nil
}

// requestNames lists a request's names in approver order, as the service
// collects them: base, then the CSR's names (common name first), then the
// extra names, each once.
func (g *Gateway) requestNames(ctx context.Context, base []string, csr string, extra []string) ([]string, error) {
	out := appendNew(nil, base...)
	if csr != "" {
		res, err := g.api.Cert.DecodeCsr(ctx, &certsvcv1.DecodeCsrRequest{CsrPem: csr})
		if err != nil {
			return nil, err
		}
		out = appendNew(out, res.GetNames()...)
	}
	return appendNew(out, extra...), nil
}

// appendNew appends the names not yet in list (case-insensitively).
func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		if n != "" && !slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, n) }) {
			list = append(list, n)
		}
	}
	return list
}

// ---------------------------------------------------------------------------
// certificate.reissue(.step2)

// funcReissue reissues a certificate (seeds 001/002, reissue.step2):
// crt_type=oldrequest keeps the request, manual takes a new CSR, altname
// replaces the extra names. approver_email_N follows the altname order of
// certificate.edit (oldrequest, manual) or of the new altname list. Without
// sok both functions show the form, with the current names in approver
// order.
func (g *Gateway) funcReissue(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	if !req.Sok {
		return g.reissueForm(ctx, req)
	}
	id, err := req.ID()
	if err != nil {
		return nil, err
	}
	in := &certsvcv1.ReissueCertificateRequest{Id: id}
	current := func() ([]string, error) {
		c, err := g.certificate(ctx, req)
		return append([]string{c.GetCommonName()}, c.GetExtraNames()...), err
	}
	names := current
	switch t := req.Value("crt_type"); t {
	case "", "oldrequest":
	case "manual":
		if in.CsrPem, in.PrivateKeyPem, err = csrParams(req, true); err != nil {
			return nil, err
		}
		names = func() ([]string, error) {
			cur, err := current()
			if err != nil {
				return nil, err
			}
			return g.requestNames(ctx, cur, in.GetCsrPem(), nil)
		}
	case "altname":
		in.ExtraNames, in.ReplaceExtraNames = altnames(req), true
		names = func() ([]string, error) {
			cur, err := current()
			return appendNew(cur[:1], in.GetExtraNames()...), err
		}
	default:
		return nil, billmgr.BadParam("crt_type", t, "use oldrequest, manual or altname")
	}
	fn := fieldNames{}
	if in.Validations, err = validations(req, fn, names); err != nil {
		return nil, withNames(err, fn)
	}
	if _, err := g.api.Cert.ReissueCertificate(ctx, in); err != nil {
		return nil, withNames(err, fn)
	}
	g.log.InfoContext(ctx, "legacy certificate reissue", "func", req.Func, "certificate_id", id, "crt_type", req.Value("crt_type"))
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}

// reissueForm shows the reissue choices and the approvers of the current
// names, numbered as approver_email_N expects them.
func (g *Gateway) reissueForm(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	c, err := g.certificate(ctx, req)
	if err != nil {
		return nil, err
	}
	doc := billmgr.NewForm(req.Func, req.Lang, billmgr.F("elid", idText(c.GetId())), billmgr.F("CN", c.GetCommonName()),
		billmgr.F("altname", strings.Join(c.GetExtraNames(), " ")), billmgr.F("crt_type", "oldrequest"), billmgr.F("approver_method", "auth_email"))
	doc.Fields = append(doc.Fields, validationFields(c)...)
	return doc.AddSList("crt_type", labelled(req.Lang, reissueTypes)...).
		AddSList("approver_method", labelled(req.Lang, approverMethodLabels)...), nil
}

// label is a select-list entry with its English and Russian text.
type label struct{ key, en, ru string }

var (
	reissueTypes = []label{{"oldrequest", "Previous request", "Прежний запрос"},
		{"manual", "New CSR", "Новый CSR"}, {"altname", "New extra names", "Новые дополнительные домены"}}
	approverMethodLabels = []label{{"auth_email", "E-mail", "E-mail"}, {"auth_dnstxt", "DNS TXT record", "DNS-запись TXT"},
		{"auth_dnscname", "DNS CNAME record", "DNS-запись CNAME"}, {"auth_file", "File on the site", "Файл на сайте"}}
)

func labelled(lang string, labels []label) []billmgr.Option {
	out := make([]billmgr.Option, len(labels))
	for i, l := range labels {
		out[i] = billmgr.Option{Key: l.key, Label: l.en}
		if lang == "ru" {
			out[i].Label = l.ru
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// service.prolong

// funcProlong renews a certificate for period months (the current period
// when absent) and answers the new end of the paid term as
// <doc><newexpiredate> inside the answer, where the WHMCS module reads it
// (/doc/doc/newexpiredate). Without sok it shows the periods and prices.
func (g *Gateway) funcProlong(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	period, err := req.Int("period", 32)
	if err != nil {
		return nil, err
	}
	if !req.Sok {
		return g.prolongForm(ctx, req, int32(period))
	}
	id, err := req.ID()
	if err != nil {
		return nil, err
	}
	res, err := g.api.Cert.RenewCertificate(ctx, &certsvcv1.RenewCertificateRequest{
		Id: id, PeriodMonths: int32(period), IdempotencyKey: req.Param("idempotency_key"),
	})
	if err != nil {
		return nil, err
	}
	c := res.GetCertificate()
	g.log.InfoContext(ctx, "legacy certificate renewal", "func", req.Func, "certificate_id", id, "period", c.GetPeriodMonths())
	ok := billmgr.NewOK(req.Func, req.Lang, "")
	if req.Out == billmgr.FormatBJSON {
		// bjson actions answer {"ok":true} (docs §3.4): the inner doc is
		// the xml shape WHMCS reads (/doc/doc/newexpiredate).
		return ok, nil
	}
	return ok.AddNode(billmgr.N("doc", "", billmgr.N("newexpiredate", legacyDate(c.GetPaidUntil())))), nil
}

// prolongForm shows the renewal periods of the certificate's plan in its
// currency.
func (g *Gateway) prolongForm(ctx context.Context, req *billmgr.Request, period int32) (*billmgr.Doc, error) {
	c, err := g.certificate(ctx, req)
	if err != nil {
		return nil, err
	}
	p, err := g.plan(ctx, c.GetPlanId())
	if err != nil {
		return nil, err
	}
	if period == 0 {
		period = c.GetPeriodMonths()
	}
	doc := billmgr.NewForm(req.Func, req.Lang, billmgr.F("elid", idText(c.GetId())),
		billmgr.F("period", strconv.Itoa(int(period))), billmgr.F("expiredate", expireDate(c)))
	return doc.AddSList("period", periodOptions(req.Lang, p, c.GetCurrency())...), nil
}
