package modules

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/modulecall"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// ListModuleCalls implements ProcessingModuleService.ListModuleCalls.
func (s *Handler) ListModuleCalls(ctx context.Context, req *certsvcv1.ListModuleCallsRequest) (*certsvcv1.ListModuleCallsResponse, error) {
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ProcessingModule.Get(ctx, req.GetId()); err != nil {
		return nil, rpc.FieldErr("id", store.Translate(err))
	}
	q := s.db.ModuleCall.Query().Where(modulecall.ModuleID(req.GetId())).Order(ent.Desc(modulecall.FieldID)).Limit(pg.Limit())
	if pg.After > 0 {
		q.Where(modulecall.IDLT(pg.After))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list calls of module %d: %w", req.GetId(), err)
	}
	res := &certsvcv1.ListModuleCallsResponse{}
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(c *ent.ModuleCall) int64 { return c.ID })
	for _, c := range rows {
		res.Calls = append(res.Calls, &certsvcv1.ModuleCall{Id: c.ID, CreateTime: rpc.TS(c.CreateTime), Method: c.Method,
			Url: c.URL, Status: c.Status, Duration: durationpb.New(time.Duration(c.DurationUs) * time.Microsecond),
			Error: c.Error, Request: c.Request, Response: c.Response})
	}
	return res, nil
}

// RefreshModuleBalance implements ProcessingModuleService.RefreshModuleBalance.
func (s *Handler) RefreshModuleBalance(ctx context.Context, req *certsvcv1.RefreshModuleBalanceRequest) (*certsvcv1.RefreshModuleBalanceResponse, error) {
	m, p, err := s.ProviderFor(ctx, req.GetId())
	if err != nil {
		return nil, rpc.FieldErr("id", err)
	}
	if _, ok := p.(provider.BalanceReporter); !ok {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "a %s module has no balance at its CA", m.Kind)
	}
	if m, err = s.RefreshBalance(ctx, m, p); err != nil {
		return nil, &errkind.Error{Kind: errkind.Unavailable, Msg: "Cannot connect to the processing module: " + core.PublicReason(err), Cause: err}
	}
	return &certsvcv1.RefreshModuleBalanceResponse{Module: s.moduleToProto(m)}, nil
}

// ListModuleProducts implements ProcessingModuleService.ListModuleProducts.
func (s *Handler) ListModuleProducts(ctx context.Context, req *certsvcv1.ListModuleProductsRequest) (*certsvcv1.ListModuleProductsResponse, error) {
	m, p, err := s.ProviderFor(ctx, req.GetId())
	if err != nil {
		return nil, rpc.FieldErr("id", err)
	}
	cat, ok := p.(provider.Catalog)
	if !ok {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "a %s module has no product list", m.Kind)
	}
	callCtx, cancel := context.WithTimeout(ctx, s.CallTimeout())
	defer cancel()
	products, err := cat.Products(callCtx)
	if err != nil {
		return nil, &errkind.Error{Kind: errkind.Unavailable, Msg: "Cannot connect to the processing module: " + core.PublicReason(err), Cause: err}
	}
	res := &certsvcv1.ListModuleProductsResponse{}
	for _, p := range products {
		out := &certsvcv1.ModuleProduct{Code: p.Code, Name: p.Name, Brand: p.Brand, Validation: p.Validation,
			Wildcard: p.Wildcard, IncludedNames: int32(p.IncludedNames), MaxNames: int32(p.MaxNames)}
		for _, months := range p.Periods {
			out.PeriodMonths = append(out.PeriodMonths, int32(months))
		}
		for _, price := range p.Prices {
			out.Prices = append(out.Prices, &certsvcv1.Money{Currency: price.Currency, AmountMinor: price.AmountMinor})
		}
		res.Products = append(res.Products, out)
	}
	return res, nil
}
