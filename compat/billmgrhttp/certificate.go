package billmgrhttp

import (
	"context"
	"errors"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// echoParams adds <tparams> to h's answers, as BILLmanager echoes the
// request in lists, forms and ok documents. The credentials are left out
// (captured responses never echo authinfo); the encoder masks the rest of
// the secrets. Files carry no tparams.
func echoParams(h funcHandler) funcHandler {
	return func(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
		d, err := h(ctx, req)
		if err == nil && d != nil && d.Kind != billmgr.KindFile {
			d.TParams = tparams(req)
		}
		return d, err
	}
}

func tparams(req *billmgr.Request) url.Values {
	out := make(url.Values, len(req.Params))
	for k, v := range req.Params {
		if !strings.EqualFold(k, "authinfo") && !strings.EqualFold(k, "auth") {
			out[k] = v
		}
	}
	return out
}

// legacyDate shows a time as BILLmanager's date.
func legacyDate(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().UTC().Format(billmgr.DateLayout)
}

// ---------------------------------------------------------------------------
// States and legacy statuses

// stateLegacy is a state with how legacy clients see it.
type stateLegacy struct {
	state  certsvcv1.CertificateState
	legacy billmgr.Status
}

// legacyStates are the states of the protocol's state table, in lifecycle
// order. The enum names the states as the table does (issued is
// CERTIFICATE_STATE_ISSUED).
var legacyStates = func() []stateLegacy {
	var out []stateLegacy
	for _, name := range billmgr.StatesWhere(func(billmgr.Status) bool { return true }) {
		st, _ := billmgr.StateStatus(name)
		v := certsvcv1.CertificateState_value["CERTIFICATE_STATE_"+strings.ToUpper(name)]
		out = append(out, stateLegacy{certsvcv1.CertificateState(v), st})
	}
	return out
}()

func legacyOf(st certsvcv1.CertificateState) billmgr.Status {
	for _, s := range legacyStates {
		if s.state == st {
			return s.legacy
		}
	}
	return billmgr.Status{}
}

// statesWhere lists, in lifecycle order, the states whose legacy status
// keep accepts.
func statesWhere(keep func(billmgr.Status) bool) []certsvcv1.CertificateState {
	var out []certsvcv1.CertificateState
	for _, s := range legacyStates {
		if keep(s.legacy) {
			out = append(out, s.state)
		}
	}
	return out
}

func withItemStatus(code int) []certsvcv1.CertificateState {
	return statesWhere(func(l billmgr.Status) bool { return l.ItemStatus == code })
}

// itemStatusNames are the localised names of the item_status codes.
var itemStatusNames = map[int]msgID{
	billmgr.ItemStatusOrdered:    msgItemOrdered,
	billmgr.ItemStatusActive:     msgItemActive,
	billmgr.ItemStatusSuspended:  msgItemSuspended,
	billmgr.ItemStatusDeleted:    msgItemDeleted,
	billmgr.ItemStatusInProgress: msgItemInProgress,
}

// itemStatus is the item_status cell: the name, localised, with the code in orig.
func itemStatus(c *certsvcv1.Certificate, lang string) billmgr.Field {
	ls := c.GetLegacyStatus()
	name := ls.GetItemStatusName()
	if id, ok := itemStatusNames[int(ls.GetItemStatus())]; ok {
		name = message(lang, id)
	}
	return billmgr.FO("item_status", name, strconv.Itoa(int(ls.GetItemStatus())))
}

// itemStatusOptions is the select list of item_status codes.
func itemStatusOptions(lang string) []billmgr.Option {
	var opts []billmgr.Option
	for code := billmgr.ItemStatusOrdered; code <= billmgr.ItemStatusInProgress; code++ {
		opts = append(opts, billmgr.Option{Key: strconv.Itoa(code), Label: message(lang, itemStatusNames[code])})
	}
	return opts
}

// serviceStatusField is the SSL service_status code (§6.2). An admin sets
// the state with it: the first state of the lifecycle that shows the code
// (3 awaiting validation, 4 processing, 5 issued, 6 failed); a code the
// state already shows changes nothing.
var serviceStatusField = field[*certsvcv1.Certificate]{"service_status", "state",
	func(c *certsvcv1.Certificate) string {
		if code := legacyOf(c.GetState()).ServiceStatus; code != billmgr.ServiceStatusNone {
			return strconv.Itoa(code)
		}
		return ""
	},
	func(c *certsvcv1.Certificate, v string) error {
		if v = strings.TrimSpace(v); v == "" {
			return nil
		}
		code, err := strconv.Atoi(v)
		states := statesWhere(func(l billmgr.Status) bool { return l.ServiceStatus == code })
		if err != nil || code == billmgr.ServiceStatusNone || len(states) == 0 {
			return errBadValue
		}
		if legacyOf(c.GetState()).ServiceStatus != code {
			c.State = states[0]
		}
		return nil
	}}

// ---------------------------------------------------------------------------
// Certificates as legacy fields. The list row and the edit form are shared
// by every function that shows a certificate.

// certFields are the fields of certificate.edit that UpdateCertificate
// changes, in form order; the mask of a field is the first element of its
// path. Which of them the caller may change is the service's decision.
var certFields = slices.Concat(
	[]field[*certsvcv1.Certificate]{
		autoprolongField(func(c *certsvcv1.Certificate) (*bool, **int32) { return &c.AutoRenew, &c.AutoRenewPeriodMonths }),
		dateField("expiredate", "paid_until", false, func(c *certsvcv1.Certificate) **timestamppb.Timestamp { return &c.PaidUntil }),
		serviceStatusField,
		textField("custom_order_id", "ca_order_id", func(c *certsvcv1.Certificate) *string { return &c.CaOrderId }),
		dateField("crt_start_date", "not_before", false, func(c *certsvcv1.Certificate) **timestamppb.Timestamp { return &c.NotBefore }),
		dateField("crt_end_date", "not_after", false, func(c *certsvcv1.Certificate) **timestamppb.Timestamp { return &c.NotAfter }),
		textField("status_msg", "status_message", func(c *certsvcv1.Certificate) *string { return &c.StatusMessage }),
		idField("processingmodule", "processing_module_id", func(c *certsvcv1.Certificate) *int64 { return &c.ProcessingModuleId }),
	},
	nest("subject", func(c *certsvcv1.Certificate) *certsvcv1.Subject { return c.Subject }, subjectFields),
	nest("admin_contact", func(c *certsvcv1.Certificate) *certsvcv1.Contact { return c.AdminContact }, adminFields),
	nest("tech_contact", func(c *certsvcv1.Certificate) *certsvcv1.Contact { return c.TechContact }, techFields),
	nest("organization", func(c *certsvcv1.Certificate) *certsvcv1.Organization { return c.Organization }, orgFields),
)

// editable returns a copy of c to show and change the edit form's fields
// on: the subject is the pending one when a change awaits the renewal, and
// every message a field lives in exists.
func editable(c *certsvcv1.Certificate) *certsvcv1.Certificate {
	e := proto.CloneOf(c)
	if e.PendingSubject != nil {
		e.Subject, e.PendingSubject = e.PendingSubject, nil
	}
	if e.Subject == nil {
		e.Subject = &certsvcv1.Subject{}
	}
	if e.AdminContact == nil {
		e.AdminContact = &certsvcv1.Contact{}
	}
	if e.TechContact == nil {
		e.TechContact = &certsvcv1.Contact{}
	}
	if e.Organization == nil {
		e.Organization = &certsvcv1.Organization{}
	}
	return e
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// optionalID shows an id that may be unset (0) as "".
func optionalID(id int64) string {
	if id == 0 {
		return ""
	}
	return idText(id)
}

// expireDate is when the service ends: the paid term, else the certificate.
func expireDate(c *certsvcv1.Certificate) string {
	if c.GetPaidUntil() != nil {
		return legacyDate(c.GetPaidUntil())
	}
	return legacyDate(c.GetNotAfter())
}

// costField is the price of the current term: "810.00 RUB", orig "810.00".
func costField(c *certsvcv1.Certificate) billmgr.Field {
	amount := strconv.FormatInt(c.GetCostMinor(), 10)
	if c.GetCurrency() != "" {
		amount = billmgr.FormatAmount(c.GetCostMinor(), c.GetCurrency())
	}
	return billmgr.FO("cost", strings.TrimSpace(amount+" "+c.GetCurrency()), amount)
}

// validationFields say how each name is validated. N is 1 for the common
// name and 2, 3, ... for the extra names in order (seed 002: the altname
// order of certificate.edit sets the index). A name validated by e-mail
// has approver_email_N, as the legacy form. The others [INF: the legacy
// documents show no such fields] have approver_method_N, in the values
// approver_method takes, and what the customer must publish: dcv_dns_name_N
// and dcv_dns_type_N, or dcv_http_url_N, with dcv_value_N; and the check's
// state in dcv_status_N.
func validationFields(c *certsvcv1.Certificate) []billmgr.Field {
	byDomain := map[string]*certsvcv1.DomainValidation{}
	for _, v := range c.GetValidations() {
		byDomain[v.GetDomain()] = v
	}
	var out []billmgr.Field
	for i, name := range append([]string{c.GetCommonName()}, c.GetExtraNames()...) {
		v, ok := byDomain[name]
		if !ok {
			continue
		}
		n := strconv.Itoa(i + 1)
		if byEmail(v.GetMethod()) {
			if v.GetApproverEmail() != "" {
				out = append(out, billmgr.F(approverPrefix+n, v.GetApproverEmail()))
			}
			continue
		}
		out = append(out, billmgr.F(approverMethodPrefix+n, approverMethodName(v.GetMethod())))
		for _, f := range []struct{ name, value string }{
			{"dcv_dns_name_", v.GetDnsName()}, {"dcv_dns_type_", v.GetDnsType()},
			{"dcv_http_url_", v.GetHttpUrl()}, {"dcv_value_", v.GetValue()}, {"dcv_status_", v.GetStatus()},
		} {
			if f.value != "" {
				out = append(out, billmgr.F(f.name+n, f.value))
			}
		}
	}
	return out
}

// lookup finds the names of the accounts and plans certificates refer to,
// through the gateway's names cache. A name that cannot be read (a plan
// since disabled) is shown as its id: a display detail never fails the call.
type lookup struct{ g *Gateway }

func (g *Gateway) lookup() *lookup { return &lookup{g: g} }

func (n *lookup) account(ctx context.Context, id int64) string {
	if name, ok := get(n.g.names, n.g.names.accounts, id); ok {
		return name
	}
	res, err := n.g.api.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: id})
	name := res.GetAccount().GetName()
	if err != nil || name == "" {
		n.g.log.DebugContext(ctx, "account name unavailable", "account", id, "error", err)
		return idText(id)
	}
	put(n.g.names, n.g.names.accounts, id, name)
	return name
}

// plan returns the plan, or nil when it cannot be read.
func (n *lookup) plan(ctx context.Context, id int64) *certsvcv1.Plan {
	if p, ok := get(n.g.names, n.g.names.plans, id); ok {
		return p
	}
	res, err := n.g.api.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: id})
	if err != nil {
		n.g.log.DebugContext(ctx, "plan unavailable", "plan", id, "error", err)
		return nil
	}
	put(n.g.names, n.g.names.plans, id, res.GetPlan())
	return res.GetPlan()
}

// pricelist is the pricelist cell: the plan's name, its id in orig. The
// project cell (the provider) is the plan's brand [INF: certsvc sells as
// one provider; the CA brand is what tells plans apart].
func (n *lookup) pricelist(ctx context.Context, c *certsvcv1.Certificate) (pricelist, project billmgr.Field) {
	p := n.plan(ctx, c.GetPlanId())
	name := p.GetName()
	if name == "" {
		name = idText(c.GetPlanId())
	}
	return billmgr.FO("pricelist", name, idText(c.GetPlanId())), billmgr.F("project", p.GetBrand())
}

// row is a certificate as a row of func=certificate: the columns of seed
// 000, in its order. Names go in the cells, ids in orig.
func (n *lookup) row(ctx context.Context, c *certsvcv1.Certificate, lang string) billmgr.Row {
	pricelist, project := n.pricelist(ctx, c)
	return billmgr.Row{
		billmgr.F("id", idText(c.GetId())),
		billmgr.F("CN", c.GetCommonName()),
		billmgr.FO("account", n.account(ctx, c.GetAccountId()), idText(c.GetAccountId())),
		pricelist,
		project,
		billmgr.F("processingmodule", optionalID(c.GetProcessingModuleId())),
		billmgr.F("createdate", legacyDate(c.GetCreateTime())),
		billmgr.F("expiredate", expireDate(c)),
		billmgr.F("status_msg", c.GetStatusMessage()),
		itemStatus(c, lang),
		costField(c),
	}
}

// form is a certificate as the certificate.edit form: what it is, then the
// fields UpdateCertificate changes (as editable shows them), then the names.
func (n *lookup) form(ctx context.Context, c *certsvcv1.Certificate, lang string) []billmgr.Field {
	pricelist, _ := n.pricelist(ctx, c)
	fields := []billmgr.Field{
		billmgr.F("elid", idText(c.GetId())),
		billmgr.F("id", idText(c.GetId())),
		pricelist,
		billmgr.F("period", strconv.Itoa(int(c.GetPeriodMonths()))),
		billmgr.FO("account", n.account(ctx, c.GetAccountId()), idText(c.GetAccountId())),
		billmgr.F("createdate", legacyDate(c.GetCreateTime())),
		billmgr.F("opendate", legacyDate(c.GetNotBefore())),
		itemStatus(c, lang),
		costField(c),
		billmgr.F("noexpense", "off"),
	}
	fields = append(fields, formFields(editable(c), certFields)...)
	fields = append(fields, billmgr.F("altname", strings.Join(c.GetExtraNames(), " ")), billmgr.F("remoteid", c.GetClientReference()))
	return append(fields, validationFields(c)...)
}

// countryOptions is the legacy country select list: BILLmanager's ids
// (182 = Russia), names and flag images.
func (g *Gateway) countryOptions(ctx context.Context) ([]billmgr.Option, error) {
	g.names.mu.Lock()
	cached := g.names.countries
	g.names.mu.Unlock()
	if cached.v != nil && g.names.now().Before(cached.expires) {
		return cached.v, nil
	}
	res, err := g.api.Catalog.ListCountries(ctx, &certsvcv1.ListCountriesRequest{})
	if err != nil {
		return nil, err
	}
	opts := make([]billmgr.Option, 0, len(res.GetCountries()))
	for _, c := range res.GetCountries() {
		opts = append(opts, billmgr.Option{Key: strconv.Itoa(int(c.GetId())), Label: c.GetName(),
			Attrs: []billmgr.Attr{{Name: "image", Value: "/manimg/common/flag/" + c.GetAlpha2() + ".png"}}})
	}
	g.names.mu.Lock()
	g.names.countries = entry[[]billmgr.Option]{v: opts, expires: g.names.now().Add(namesTTL)}
	g.names.mu.Unlock()
	return opts, nil
}

// ---------------------------------------------------------------------------
// certificate: the list

// maxSkip is the deepest row a page may start at, as the API allows.
const maxSkip = 100_000

// funcCertificate lists certificates, oldest first so that pages stay put
// while new orders come in: the filter of filter=on, else the user's saved
// certificate.filter. p_num/p_cnt pick the page; p_elems is the total.
func (g *Gateway) funcCertificate(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	in, err := g.listRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	num, cnt := req.Page()
	certs, total, err := g.listPage(ctx, in, (num-1)*cnt, cnt)
	if err != nil {
		return nil, err
	}
	doc := billmgr.NewList(req.Func, req.Lang)
	n := g.lookup()
	for _, c := range certs {
		doc.AddRow(n.row(ctx, c, req.Lang)...)
	}
	doc.PageNum, doc.PageCnt, doc.PageElems = num, cnt, total
	return doc, nil
}

func (g *Gateway) listRequest(ctx context.Context, req *billmgr.Request) (*certsvcv1.ListCertificatesRequest, error) {
	in := &certsvcv1.ListCertificatesRequest{OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST}
	if billmgr.IsOn(req.Param("filter")) {
		f := &certsvcv1.CertificateFilter{}
		if _, err := apply(req, f, filterFields); err != nil {
			return nil, err
		}
		in.Filter = f
		return in, nil
	}
	// The user's certificate.filter, if saved; else everything (one call).
	in.SavedFilterName, in.SavedFilterOptional = savedFilterName, true
	return in, nil
}

// listPage returns the certificates at [offset, offset+cnt) and how many
// there are, in one call.
func (g *Gateway) listPage(ctx context.Context, in *certsvcv1.ListCertificatesRequest, offset, cnt int) ([]*certsvcv1.Certificate, int, error) {
	if offset > maxSkip {
		return nil, 0, &billmgr.ParamError{Name: "p_num", Value: strconv.Itoa(offset/max(cnt, 1) + 1),
			Why: fmt.Sprintf("pages start at most %d rows in; narrow the filter", maxSkip)}
	}
	in.PageSize, in.Skip, in.IncludeTotalSize = int32(cnt), int32(offset), true
	res, err := g.api.Cert.ListCertificates(ctx, in)
	if err != nil {
		return nil, 0, err
	}
	return res.GetCertificates(), int(res.GetTotalSize()), nil
}

// ---------------------------------------------------------------------------
// certificate.filter and certificate.setfilter

// savedFilterName names the preset that holds a user's certificate.filter:
// one per user, applied to every func=certificate until it is dropped.
const savedFilterName = "billmgr:certificate"

// filterFields are the fields of certificate.filter, which filter=on also
// takes on func=certificate.
var filterFields = []field[*certsvcv1.CertificateFilter]{
	textField("CN", "filter.domain", func(f *certsvcv1.CertificateFilter) *string { return &f.Domain }),
	itemStatusFilter,
	idField("account", "filter.account_id", func(f *certsvcv1.CertificateFilter) *int64 { return &f.AccountId }),
	idField("pricelist", "filter.plan_id", func(f *certsvcv1.CertificateFilter) *int64 { return &f.PlanId }),
	idField("processingmodule", "filter.processing_module_id", func(f *certsvcv1.CertificateFilter) *int64 { return &f.ProcessingModuleId }),
	textField("remoteid", "filter.client_reference", func(f *certsvcv1.CertificateFilter) *string { return &f.ClientReference }),
	dateField("createdatestart", "filter.created_after", false, func(f *certsvcv1.CertificateFilter) **timestamppb.Timestamp { return &f.CreatedAfter }),
	dateField("createdateend", "filter.created_before", true, func(f *certsvcv1.CertificateFilter) **timestamppb.Timestamp { return &f.CreatedBefore }),
	dateField("expiredateend", "filter.expires_before", true, func(f *certsvcv1.CertificateFilter) **timestamppb.Timestamp { return &f.ExpiresBefore }),
	flagField("deleted", "filter.include_deleted", func(f *certsvcv1.CertificateFilter) *bool { return &f.IncludeDeleted }),
}

// itemStatusFilter keeps the states shown with one item_status code.
var itemStatusFilter = field[*certsvcv1.CertificateFilter]{"item_status", "filter.states",
	func(f *certsvcv1.CertificateFilter) string {
		for code := range itemStatusNames {
			if len(f.GetStates()) > 0 && slices.Equal(f.GetStates(), withItemStatus(code)) {
				return strconv.Itoa(code)
			}
		}
		return ""
	},
	func(f *certsvcv1.CertificateFilter, v string) error {
		if v = strings.TrimSpace(v); v == "" {
			f.States = nil
			return nil
		}
		code, err := strconv.Atoi(v)
		if _, known := itemStatusNames[code]; err != nil || !known {
			return errBadValue
		}
		f.States = withItemStatus(code)
		return nil
	}}

// savedFilter returns the caller's certificate.filter preset, nil if none.
func (g *Gateway) savedFilter(ctx context.Context) (*certsvcv1.CertificateFilterPreset, error) {
	res, err := g.api.Cert.ListCertificateFilters(ctx, &certsvcv1.ListCertificateFiltersRequest{})
	if err != nil {
		return nil, err
	}
	for _, p := range res.GetPresets() {
		if p.GetName() == savedFilterName {
			return p, nil
		}
	}
	return nil, nil
}

// saveFilter replaces the preset old (nil: none) with f; an empty f only
// drops it. Presets cannot be changed in place, and their names are unique.
func (g *Gateway) saveFilter(ctx context.Context, old *certsvcv1.CertificateFilterPreset, f *certsvcv1.CertificateFilter) error {
	if old != nil {
		if _, err := g.api.Cert.DeleteCertificateFilter(ctx, &certsvcv1.DeleteCertificateFilterRequest{Id: old.GetId()}); err != nil {
			return err
		}
	}
	if proto.Size(f) == 0 {
		return nil
	}
	_, err := g.api.Cert.CreateCertificateFilter(ctx, &certsvcv1.CreateCertificateFilterRequest{Name: savedFilterName, Filter: f})
	return err
}

// funcCertificateFilter shows the saved filter (with its select list), or
// with sok replaces it with the submitted fields; all empty drops it.
func (g *Gateway) funcCertificateFilter(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	saved, err := g.savedFilter(ctx)
	if err != nil {
		return nil, err
	}
	if req.Sok {
		f := &certsvcv1.CertificateFilter{}
		if _, err := apply(req, f, filterFields); err != nil {
			return nil, err
		}
		if err := g.saveFilter(ctx, saved, f); err != nil {
			return nil, err
		}
		return billmgr.NewOK(req.Func, req.Lang, ""), nil
	}
	f := saved.GetFilter()
	if f == nil {
		f = &certsvcv1.CertificateFilter{}
	}
	return billmgr.NewForm(req.Func, req.Lang, formFields(f, filterFields)...).
		AddSList("item_status", itemStatusOptions(req.Lang)...), nil
}

// funcCertificateSetFilter filters the list by one client (elid is the
// account id), keeping the other saved criteria.
func (g *Gateway) funcCertificateSetFilter(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	account, err := req.ID()
	if err != nil {
		return nil, err
	}
	saved, err := g.savedFilter(ctx)
	if err != nil {
		return nil, err
	}
	f := proto.CloneOf(saved.GetFilter())
	if f == nil {
		f = &certsvcv1.CertificateFilter{}
	}
	f.AccountId = account
	if err := g.saveFilter(ctx, saved, f); err != nil {
		return nil, err
	}
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}

// ---------------------------------------------------------------------------
// certificate.edit, certificate.open

// funcCertificateEdit shows a certificate, or with sok changes it. Create
// (sok without elid) is certificate.order's.
func (g *Gateway) funcCertificateEdit(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	c, err := g.certificate(ctx, req)
	if err != nil {
		return nil, err
	}
	if req.Sok {
		return g.updateCertificate(ctx, req, c)
	}
	countries, err := g.countryOptions(ctx)
	if err != nil {
		return nil, err
	}
	return billmgr.NewForm(req.Func, req.Lang, g.lookup().form(ctx, c, req.Lang)...).
		AddSList("field_country", countries...), nil
}

// certificate reads the certificate of elid.
func (g *Gateway) certificate(ctx context.Context, req *billmgr.Request) (*certsvcv1.Certificate, error) {
	id, err := req.ID()
	if err != nil {
		return nil, err
	}
	res, err := g.api.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: id})
	return res.GetCertificate(), err
}

// updateCertificate sends the submitted fields that differ from c, so that
// a form posted back whole changes only what was edited (and a user's
// unchanged copy of the admin fields is not a change the service refuses).
func (g *Gateway) updateCertificate(ctx context.Context, req *billmgr.Request, c *certsvcv1.Certificate) (*billmgr.Doc, error) {
	e := editable(c)
	changed, err := apply(req, e, certFields)
	if err != nil {
		return nil, err
	}
	var mask []string
	for _, f := range changed {
		m, _, _ := strings.Cut(f.path, ".")
		if !slices.Contains(mask, m) {
			mask = append(mask, m)
		}
		if m == "auto_renew" {
			mask = append(mask, autoprolongMask)
		}
	}
	if len(mask) > 0 {
		_, err := g.api.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
			Certificate: e, UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
		if err != nil {
			return nil, err
		}
	}
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}

// funcCertificateOpen shows what an admin activates, or with sok activates
// the order with the uploaded certificate (crt). The processingmodule
// parameter is not used: the module only matters for orders still on their
// way to a CA.
func (g *Gateway) funcCertificateOpen(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	if !req.Sok {
		c, err := g.certificate(ctx, req)
		if err != nil {
			return nil, err
		}
		return billmgr.NewForm(req.Func, req.Lang, billmgr.F("elid", idText(c.GetId())), billmgr.F("CN", c.GetCommonName()),
			billmgr.F("processingmodule", optionalID(c.GetProcessingModuleId())), billmgr.F("crt", "")), nil
	}
	id, err := req.ID()
	if err != nil {
		return nil, err
	}
	crt, err := req.Certificate("crt")
	if err != nil {
		return nil, err
	}
	_, err = g.api.Cert.ActivateCertificate(ctx, &certsvcv1.ActivateCertificateRequest{Id: id, Certificate: crt})
	if err != nil {
		return nil, renameParam(err, "certificate", "crt")
	}
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}

// renameParam names the legacy parameter of the service's field rpcField
// in an error (errorDoc maps it like every other field error).
func renameParam(err error, rpcField, name string) error {
	return withNames(err, fieldNames{rpcField: name})
}

// ---------------------------------------------------------------------------
// certificate.file, certificate.file.edit

// fileTypes are the legacy type= values of certificate.file.
// chain and fullchain go beyond the seeds: a reselling certsvc fetches the
// issuing CA's intermediates with type=chain.
var fileTypes = map[string]certsvcv1.FileType{
	"crt":       certsvcv1.FileType_FILE_TYPE_CRT,
	"csr":       certsvcv1.FileType_FILE_TYPE_CSR,
	"key":       certsvcv1.FileType_FILE_TYPE_KEY,
	"chain":     certsvcv1.FileType_FILE_TYPE_CHAIN,
	"fullchain": certsvcv1.FileType_FILE_TYPE_FULLCHAIN,
}

// fileType reads type= (seed 000 documents it as Type=; either is
// accepted); absent means crt, the documented download.
func fileType(req *billmgr.Request) (string, error) {
	name := "type"
	if req.Param(name) == "" && req.Param("Type") != "" {
		name = "Type"
	}
	t := strings.ToLower(strings.TrimSpace(req.Param(name)))
	if t == "" {
		t = "crt"
	}
	if _, ok := fileTypes[t]; !ok {
		return "", billmgr.InvalidParam(name, req.Param(name))
	}
	return t, nil
}

// funcCertificateFile downloads the certificate, its CSR or its private key
// as a file, named and typed by the service (www.example.org.crt,
// application/x-pem-file), when no out= is sent (seed 002's download). A
// client that sends out= parses every answer in that format, so it gets a
// document in it: the form of certificate.file.edit, whose data field is
// the file (seed 000: elid, type, data).
func (g *Gateway) funcCertificateFile(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	id, err := req.ID()
	if err != nil {
		return nil, err
	}
	t, err := fileType(req)
	if err != nil {
		return nil, err
	}
	res, err := g.api.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: id, Type: fileTypes[t]})
	if err != nil && req.Param("type") == "" {
		return nil, withNames(err, fieldNames{"type": "Type"}) // sent as Type=
	}
	if err != nil {
		return nil, err
	}
	if req.OutRaw != "" {
		return billmgr.NewForm(req.Func, req.Lang, billmgr.F("elid", idText(id)), billmgr.F("type", t), billmgr.F("data", string(res.GetContent()))), nil
	}
	return billmgr.NewFile(res.GetContentType(), res.GetFileName(), res.GetContent()), nil
}

// funcCertificateFileEdit lets an admin see, or with sok replace, the
// stored CSR (type=csr) or certificate (type=crt) with data=.
func (g *Gateway) funcCertificateFileEdit(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	id, err := req.ID()
	if err != nil {
		return nil, err
	}
	t, err := fileType(req)
	if err != nil || (t != "crt" && t != "csr") {
		return nil, billmgr.InvalidParam("type", req.Param("type"))
	}
	if !req.Sok {
		res, err := g.api.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: id, Type: fileTypes[t]})
		if err != nil && connect.CodeOf(err) != connect.CodeFailedPrecondition { // not issued yet: nothing to show
			return nil, err
		}
		return billmgr.NewForm(req.Func, req.Lang, billmgr.F("elid", idText(id)), billmgr.F("type", t), billmgr.F("data", string(res.GetContent()))), nil
	}
	in := &certsvcv1.ReplaceCertificateFilesRequest{Id: id}
	rpcField := "certificate"
	if t == "csr" {
		if strings.TrimSpace(req.Param("data")) == "" {
			return nil, billmgr.MissingParam("data")
		}
		in.CsrPem, rpcField = billmgr.RepairPEM(req.Param("data")), "csr_pem"
	} else if in.Certificate, err = req.Certificate("data"); err != nil {
		return nil, err
	}
	if _, err := g.api.Cert.ReplaceCertificateFiles(ctx, in); err != nil {
		return nil, renameParam(err, rpcField, "data")
	}
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}

// ---------------------------------------------------------------------------
// Group actions: retry, resume, sync, delete

// batchCall runs one batch RPC over ids and returns its results.
type batchCall func(ctx context.Context, req *billmgr.Request, ids []int64) ([]*certsvcv1.BatchResult, error)

// groupAction serves a group action over elid="4711, 4712". It applies
// to all of them or to none: every elid is first read (GetCertificate), and
// one that does not exist or is not the caller's answers the error naming
// it, before anything is changed (the documented "successful operation or
// error message" [DOC seed 000], with no partial success to report). An
// element the service still refuses in the batch (its state changed in
// between) answers that error, with the elids that were applied (param
// applied) and those that were not (param failed), so the caller knows
// what happened to each.
func (g *Gateway) groupAction(call batchCall) funcHandler {
	return func(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
		ids, err := req.IDs()
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if _, err := g.api.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: id}); err != nil {
				if ce := new(connect.Error); errors.As(err, &ce) && ce.Code() == connect.CodeNotFound {
					return nil, elementMissed(id, ce.Message())
				}
				return nil, err
			}
		}
		results, err := call(ctx, req, ids)
		if err != nil {
			return nil, err
		}
		if err := firstFailure(results); err != nil {
			d := errorDoc(req, err)
			var applied, failed []string
			for _, r := range results {
				if r.GetOk() {
					applied = append(applied, idText(r.GetId()))
				} else {
					failed = append(failed, idText(r.GetId()))
				}
			}
			if len(applied) > 0 {
				d.Error.Msg = message(req.Lang, msgGroupFailed)
			}
			d.Error.Params = append(d.Error.Params, billmgr.Attr{Name: "applied", Value: strings.Join(applied, ", ")},
				billmgr.Attr{Name: "failed", Value: strings.Join(failed, ", ")})
			return d, nil
		}
		return billmgr.NewOK(req.Func, req.Lang, ""), nil
	}
}

// elementMissed is the missed error of one element of a group action,
// about elid and showing only that element's id.
func elementMissed(id int64, msg string) error {
	if rest, ok := strings.CutPrefix(msg, "id: "); ok {
		msg = "elid: " + rest
	}
	return &billmgr.ParamError{Name: "elid", Value: idText(id), Why: msg, Missed: true}
}

// firstFailure re-creates the RPC error of the first failed result, about
// the elid parameter.
func firstFailure(results []*certsvcv1.BatchResult) error {
	for _, r := range results {
		if r.GetOk() {
			continue
		}
		var code connect.Code
		if code.UnmarshalText([]byte(r.GetCode())) != nil {
			code = connect.CodeUnknown
		}
		ce := connect.NewError(code, errors.New(r.GetMessage()))
		field := fieldOf(nil, r.GetMessage()) // "id: certificate 9 not found" names id, i.e. elid
		if field == "" {
			field = "elid"
		}
		br := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: r.GetMessage()}}}
		if d, err := connect.NewErrorDetail(br); err == nil {
			ce.AddDetail(d)
		}
		return ce
	}
	return nil
}

func (g *Gateway) retryCertificates(ctx context.Context, _ *billmgr.Request, ids []int64) ([]*certsvcv1.BatchResult, error) {
	res, err := g.api.Cert.RetryCertificates(ctx, &certsvcv1.RetryCertificatesRequest{Ids: ids})
	return res.GetResults(), err
}

func (g *Gateway) resumeCertificates(ctx context.Context, _ *billmgr.Request, ids []int64) ([]*certsvcv1.BatchResult, error) {
	res, err := g.api.Cert.ResumeCertificates(ctx, &certsvcv1.ResumeCertificatesRequest{Ids: ids})
	return res.GetResults(), err
}

func (g *Gateway) syncCertificates(ctx context.Context, _ *billmgr.Request, ids []int64) ([]*certsvcv1.BatchResult, error) {
	res, err := g.api.Cert.SyncCertificates(ctx, &certsvcv1.SyncCertificatesRequest{Ids: ids})
	return res.GetResults(), err
}

// deleteCertificates deletes; noexpense=on (admins) skips the refund.
func (g *Gateway) deleteCertificates(ctx context.Context, req *billmgr.Request, ids []int64) ([]*certsvcv1.BatchResult, error) {
	res, err := g.api.Cert.DeleteCertificates(ctx, &certsvcv1.DeleteCertificatesRequest{Ids: ids, NoExpense: billmgr.IsOn(req.Param("noexpense"))})
	return res.GetResults(), err
}

// ---------------------------------------------------------------------------
// certificate.su

// funcCertificateSu lets an admin drill down to the user panel of the
// certificate's owner: a session as the account's first enabled user,
// answered like func=auth.
func (g *Gateway) funcCertificateSu(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	c, err := g.certificate(ctx, req)
	if err != nil {
		return nil, err
	}
	users, err := g.api.Account.ListUsers(ctx, &certsvcv1.ListUsersRequest{AccountId: c.GetAccountId(), PageSize: 100})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(users.GetUsers(), func(u *certsvcv1.User) bool {
		return !u.GetDisabled() && u.GetLevel() == certsvcv1.AccessLevel_ACCESS_LEVEL_USER
	})
	if i < 0 {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("elid: the certificate's account has no enabled user"))
	}
	res, err := g.api.Auth.Impersonate(ctx, &certsvcv1.ImpersonateRequest{UserId: users.GetUsers()[i].GetId()})
	if err != nil {
		return nil, err
	}
	return authDoc(req, res.GetToken(), res.GetUser()), nil
}

// authDoc answers a new session as func=auth does:
// <auth id="SESSION" level="16" userid="7">SESSION</auth>.
func authDoc(req *billmgr.Request, token string, u *certsvcv1.User) *billmgr.Doc {
	level := levelUser
	if u.GetLevel() == certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN {
		level = levelAdmin
	}
	if req.Out == billmgr.FormatBJSON {
		// bjson: the session as model.auth, nothing else (docs §2.2).
		return billmgr.NewForm(req.Func, req.Lang, billmgr.F("auth", token))
	}
	return billmgr.NewForm(req.Func, req.Lang, billmgr.Field{Name: "auth", Value: token, Attrs: []billmgr.Attr{
		{Name: "id", Value: token}, {Name: "level", Value: strconv.Itoa(level)},
		{Name: "userid", Value: strconv.FormatInt(u.GetId(), 10)},
	}})
}
