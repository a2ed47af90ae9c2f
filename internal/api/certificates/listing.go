package certificates

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/certificateevent"
	"github.com/certsvc/certsvc/ent/predicate"
	"github.com/certsvc/certsvc/ent/savedfilter"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// certCursor is the keyset position of a certificate listing: the sort key
// of the last row and its id.
type certCursor struct {
	ID     int64  `json:"i"`
	Time   int64  `json:"t,omitempty"` // not_after in µs
	Domain string `json:"d,omitempty"`
	Filter string `json:"f"`
}

// listColumns are the columns a listing reads: all but the PEM texts, the
// sealed keys and the CA's state, which no row of a list shows and which
// are stored off the row's page. Whether a key is held is has_private_key.
var listColumns = slices.DeleteFunc(slices.Clone(certificate.Columns), func(c string) bool {
	switch c {
	case certificate.FieldCsrPem, certificate.FieldPrivateKey, certificate.FieldNextCsrPem,
		certificate.FieldNextPrivateKey, certificate.FieldCertPem, certificate.FieldChainPem, certificate.FieldRemoteState:
		return true
	}
	return false
})

// selectListColumns makes q read listColumns.
func selectListColumns(q *ent.CertificateQuery) *ent.CertificateQuery {
	q.Select(listColumns...)
	return q
}

// listedToProto is certToProto for a row read by selectListColumns.
func listedToProto(c *ent.Certificate) *certsvcv1.Certificate {
	out := certToProto(c)
	out.HasPrivateKey = c.HasPrivateKey
	return out
}

// certFilter turns a filter into predicates for the caller.
func certFilter(p *rpc.Principal, f *certsvcv1.CertificateFilter) ([]predicate.Certificate, error) {
	var ps []predicate.Certificate
	switch id := f.GetAccountId(); {
	case id != 0 && !p.OwnsAccount(id):
		return nil, errkind.Field(errkind.NotFound, "filter.account_id", "account %d not found", id)
	case id != 0:
		ps = append(ps, certificate.AccountID(id))
	case !p.Admin:
		ps = append(ps, certificate.AccountID(p.AccountID))
	}
	if len(f.GetStates()) > 0 {
		var sts []certificate.State
		for _, st := range f.GetStates() {
			if s, ok := stateFromProto(st); ok {
				sts = append(sts, certificate.State(s))
			}
		}
		ps = append(ps, certificate.StateIn(sts...))
	} else if !f.GetIncludeDeleted() {
		ps = append(ps, certificate.StateNEQ(certificate.StateDeleted))
	}
	if id := f.GetPlanId(); id != 0 {
		ps = append(ps, certificate.PlanID(id))
	}
	if id := f.GetProcessingModuleId(); id != 0 {
		ps = append(ps, certificate.ProcessingModuleID(id))
	}
	if t := f.GetExpiresBefore(); t != nil {
		ps = append(ps, certificate.NotAfterLT(t.AsTime()))
	}
	if t := f.GetCreatedAfter(); t != nil {
		ps = append(ps, certificate.CreateTimeGTE(t.AsTime()))
	}
	if t := f.GetCreatedBefore(); t != nil {
		if a := f.GetCreatedAfter(); a != nil && !t.AsTime().After(a.AsTime()) {
			return nil, errkind.Invalid("filter.created_before", "must be after created_after")
		}
		ps = append(ps, certificate.CreateTimeLT(t.AsTime()))
	}
	if r := f.GetClientReference(); r != "" {
		ps = append(ps, certificate.ClientReference(r))
	}
	return ps, nil
}

// ListCertificates implements CertificateService.ListCertificates.
func (s *Handler) ListCertificates(ctx context.Context, req *certsvcv1.ListCertificatesRequest) (*certsvcv1.ListCertificatesResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	f, err := s.listFilter(ctx, p, req)
	if err != nil {
		return nil, err
	}
	ps, err := certFilter(p, f)
	if err != nil {
		return nil, err
	}
	// matches are the certificates a narrow domain filter matched: a
	// listing by id or by end date reads them in chunks, in its order
	// (pageOf), instead of all at once.
	order := req.GetOrderBy()
	expiring := order == certsvcv1.CertificateOrder_CERTIFICATE_ORDER_EXPIRING_FIRST
	var matches []domainMatch
	narrow := false
	pagePS := ps
	if d := domainQuery(f.GetDomain()); d != "" {
		dp, found, err := s.domainFilter(ctx, d, expiring)
		if err != nil {
			return nil, err
		}
		ps = append(ps, dp)
		matches, narrow = found, found != nil
	}
	size := rpc.DefaultPageSize
	if n := int(req.GetPageSize()); n > 0 {
		size = min(n, rpc.MaxPageSize)
	}
	key := rpc.FilterKey(req)
	var cur certCursor
	if tok := req.GetPageToken(); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err == nil {
			err = json.Unmarshal(raw, &cur)
		}
		if err != nil || cur.ID <= 0 {
			return nil, errkind.Invalid("page_token", "not a token this listing returned")
		}
		if cur.Filter != key {
			return nil, errkind.Invalid("page_token", "was issued for other filters; start again without a token")
		}
	}
	res := &certsvcv1.ListCertificatesResponse{}
	byID := order == certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST || order == certsvcv1.CertificateOrder_CERTIFICATE_ORDER_NEWEST_FIRST ||
		order == certsvcv1.CertificateOrder_CERTIFICATE_ORDER_UNSPECIFIED
	chunked := narrow && (byID || expiring) && req.GetSkip() == 0
	if !chunked {
		pagePS = ps
	}
	q := s.db.Certificate.Query().Where(pagePS...).Limit(size + 1)
	if n := int(req.GetSkip()); n > 0 {
		q.Offset(n)
	}
	switch order {
	case certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST:
		q.Order(ent.Asc(certificate.FieldID))
		if cur.ID > 0 {
			q.Where(certificate.IDGT(cur.ID))
		}
	case certsvcv1.CertificateOrder_CERTIFICATE_ORDER_EXPIRING_FIRST:
		// Only certificates with an end date, soonest first: the (not_after,
		// id) index serves every page.
		q.Where(certificate.NotAfterNotNil()).Order(ent.Asc(certificate.FieldNotAfter), ent.Asc(certificate.FieldID))
		if cur.ID > 0 {
			t := time.UnixMicro(cur.Time).UTC()
			q.Where(certificate.Or(certificate.NotAfterGT(t),
				certificate.And(certificate.NotAfter(t), certificate.IDGT(cur.ID))))
		}
	case certsvcv1.CertificateOrder_CERTIFICATE_ORDER_DOMAIN:
		q.Order(ent.Asc(certificate.FieldCommonName), ent.Asc(certificate.FieldID))
		if cur.ID > 0 {
			q.Where(certificate.Or(certificate.CommonNameGT(cur.Domain),
				certificate.And(certificate.CommonName(cur.Domain), certificate.IDGT(cur.ID))))
		}
	default:
		q.Order(ent.Desc(certificate.FieldID))
		if cur.ID > 0 {
			q.Where(certificate.IDLT(cur.ID))
		}
	}
	var rows []*ent.Certificate
	switch {
	case chunked && expiring:
		rows, err = pageOf(ctx, selectListColumns(q), notAfterOrder(matches, time.UnixMicro(cur.Time), cur.ID), size)
	case chunked:
		rows, err = pageOf(ctx, selectListColumns(q), idOrder(matches, order != certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST, cur.ID), size)
	case narrow:
		rows, err = s.idsFirst(ctx, q)
	default:
		rows, err = selectListColumns(q).All(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	if req.GetIncludeTotalSize() {
		// A first page (no token) that holds the last row counts them all:
		// no COUNT query. Otherwise count.
		if skip := int(req.GetSkip()); cur.ID == 0 && len(rows) <= size && (len(rows) > 0 || skip == 0) {
			res.TotalSize = int32(min(skip+len(rows), math.MaxInt32))
		} else {
			n, err := s.db.Certificate.Query().Where(ps...).Count(ctx)
			if err != nil {
				return nil, fmt.Errorf("count certificates: %w", err)
			}
			res.TotalSize = int32(min(n, math.MaxInt32))
		}
	}
	if len(rows) > size {
		rows = rows[:size]
		last := rows[len(rows)-1]
		next := certCursor{ID: last.ID, Filter: key}
		switch order {
		case certsvcv1.CertificateOrder_CERTIFICATE_ORDER_EXPIRING_FIRST:
			next.Time = last.NotAfter.UnixMicro()
		case certsvcv1.CertificateOrder_CERTIFICATE_ORDER_DOMAIN:
			next.Domain = last.CommonName
		}
		b, _ := json.Marshal(next)
		res.NextPageToken = base64.RawURLEncoding.EncodeToString(b)
	}
	for _, c := range rows {
		res.Certificates = append(res.Certificates, listedToProto(c))
	}
	return res, nil
}

// idsFirst lists the page q finds in two steps: the ids of its rows, then
// those rows. q is sorted by a key certificate_names does not hold (the
// domain), or skips rows, among the few certificates a domain filter
// matched (up to domainIDLimit), for which the database would sort whole
// rows; sorting ids and sort keys only and then reading a page of rows by
// id was about a quarter faster at a million certificates, expiring first
// (BenchmarkListCertificatesDeep, domain-1000), before that order was read
// from certificate_names.
func (s *Handler) idsFirst(ctx context.Context, q *ent.CertificateQuery) ([]*ent.Certificate, error) {
	ids, err := q.IDs(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	rows, err := selectListColumns(s.db.Certificate.Query().Where(certificate.IDIn(ids...))).All(ctx)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(rows, func(a, b *ent.Certificate) int { return at[a.ID] - at[b.ID] })
	return rows, nil
}

// listFilter is the filter a listing asks for: its own, or one of the
// caller's saved filters by id or by name.
func (s *Handler) listFilter(ctx context.Context, p *rpc.Principal, req *certsvcv1.ListCertificatesRequest) (*certsvcv1.CertificateFilter, error) {
	var q *ent.SavedFilterQuery
	switch id, name := req.GetSavedFilterId(), req.GetSavedFilterName(); {
	case (id != 0 || name != "") && req.GetFilter() != nil:
		return nil, errkind.Invalid("saved_filter_id", "give a filter or a saved filter, not both")
	case id != 0:
		q = s.db.SavedFilter.Query().Where(savedfilter.ID(id), savedfilter.UserID(p.UserID))
	case name != "":
		q = s.db.SavedFilter.Query().Where(savedfilter.Name(name), savedfilter.UserID(p.UserID))
	default:
		return req.GetFilter(), nil
	}
	sf, err := q.Only(ctx)
	switch {
	case ent.IsNotFound(err) && req.GetSavedFilterName() != "" && req.GetSavedFilterOptional():
		return nil, nil // asked for: no saved filter, no filter
	case ent.IsNotFound(err) && req.GetSavedFilterName() != "":
		// Listing everything instead would hand the caller rows it did not
		// ask for.
		return nil, errkind.Field(errkind.NotFound, "saved_filter_name", "you have no saved filter named %q", req.GetSavedFilterName())
	case err != nil:
		return nil, rpc.FieldErr("saved_filter_id", store.Translate(err))
	}
	f := &certsvcv1.CertificateFilter{}
	if err := protojson.Unmarshal([]byte(sf.Filter), f); err != nil {
		return nil, fmt.Errorf("saved filter %d: %w", sf.ID, err)
	}
	return f, nil
}

// CreateCertificateFilter implements CertificateService.CreateCertificateFilter.
func (s *Handler) CreateCertificateFilter(ctx context.Context, req *certsvcv1.CreateCertificateFilterRequest) (*certsvcv1.CreateCertificateFilterResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	if p.UserID == 0 {
		return nil, errkind.Field(errkind.FailedPrecondition, "name", "the operator has no user to save filters for")
	}
	if err := rpc.CheckName("name", req.GetName(), 64); err != nil {
		return nil, err
	}
	if _, err := certFilter(p, req.GetFilter()); err != nil {
		return nil, err
	}
	b, err := protojson.Marshal(req.GetFilter())
	if err != nil {
		return nil, fmt.Errorf("encode filter: %w", err)
	}
	sf, err := s.db.SavedFilter.Create().SetUserID(p.UserID).SetName(req.GetName()).SetFilter(string(b)).
		SetCreateTime(s.Clock()).Save(ctx)
	if err != nil {
		return nil, rpc.FieldErr("name", store.Translate(err))
	}
	return &certsvcv1.CreateCertificateFilterResponse{Preset: filterToProto(sf)}, nil
}

func filterToProto(sf *ent.SavedFilter) *certsvcv1.CertificateFilterPreset {
	f := &certsvcv1.CertificateFilter{}
	_ = protojson.Unmarshal([]byte(sf.Filter), f)
	return &certsvcv1.CertificateFilterPreset{Id: sf.ID, Name: sf.Name, Filter: f, CreateTime: rpc.TS(sf.CreateTime)}
}

// ListCertificateFilters implements CertificateService.ListCertificateFilters.
func (s *Handler) ListCertificateFilters(ctx context.Context, _ *certsvcv1.ListCertificateFiltersRequest) (*certsvcv1.ListCertificateFiltersResponse, error) {
	rows, err := s.db.SavedFilter.Query().Where(savedfilter.UserID(rpc.PrincipalFrom(ctx).UserID)).
		Order(ent.Asc(savedfilter.FieldName)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list saved filters: %w", err)
	}
	res := &certsvcv1.ListCertificateFiltersResponse{}
	for _, sf := range rows {
		res.Presets = append(res.Presets, filterToProto(sf))
	}
	return res, nil
}

// DeleteCertificateFilter implements CertificateService.DeleteCertificateFilter.
func (s *Handler) DeleteCertificateFilter(ctx context.Context, req *certsvcv1.DeleteCertificateFilterRequest) (*certsvcv1.DeleteCertificateFilterResponse, error) {
	n, err := s.db.SavedFilter.Delete().Where(savedfilter.ID(req.GetId()), savedfilter.UserID(rpc.PrincipalFrom(ctx).UserID)).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("delete saved filter: %w", err)
	}
	if n == 0 {
		return nil, errkind.Field(errkind.NotFound, "id", "saved filter %d not found", req.GetId())
	}
	return &certsvcv1.DeleteCertificateFilterResponse{}, nil
}

// ListCertificateEvents implements CertificateService.ListCertificateEvents.
func (s *Handler) ListCertificateEvents(ctx context.Context, req *certsvcv1.ListCertificateEventsRequest) (*certsvcv1.ListCertificateEventsResponse, error) {
	if _, err := s.visibleCert(ctx, req.GetId()); err != nil {
		return nil, err
	}
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.CertificateEvent.Query().Where(certificateevent.CertificateID(req.GetId())).
		Order(ent.Asc(certificateevent.FieldID)).Limit(pg.Limit())
	if pg.After > 0 {
		q.Where(certificateevent.IDGT(pg.After))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	res := &certsvcv1.ListCertificateEventsResponse{}
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.CertificateEvent) int64 { return x.ID })
	for _, e := range rows {
		res.Events = append(res.Events, eventToProto(e))
	}
	return res, nil
}
