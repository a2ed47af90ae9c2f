// Package webhooks implements the WebhookService of the API: an account's
// webhook endpoints and their delivery log. Its handlers check who may touch
// which endpoint and call the webhook channel of the outbox
// (internal/outbox/webhook), which owns the endpoints' rows.
package webhooks

import (
	"context"
	"errors"
	"slices"

	"github.com/certsvc/certsvc/ent"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
	"github.com/certsvc/certsvc/internal/rpc"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.WebhookServiceHandler = (*Handler)(nil)

// Handler implements certsvcv1connect.WebhookServiceHandler. It is safe for
// concurrent use.
type Handler struct {
	hooks *webhook.Webhooks
	// Wake is called after a test or a redelivery was queued, so the outbox
	// sends it at once; nil: at its next poll.
	Wake func()
}

// New returns the handler of the WebhookService over the webhook channel.
func New(hooks *webhook.Webhooks, wake func()) *Handler { return &Handler{hooks: hooks, Wake: wake} }

func (s *Handler) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// endpoint reads an endpoint the caller may touch, whose id is the request's
// field; another account's is not found.
func (s *Handler) endpoint(ctx context.Context, field string, id int64) (*ent.WebhookEndpoint, error) {
	ep, err := s.hooks.Get(ctx, id)
	if err == nil && !rpc.PrincipalFrom(ctx).OwnsAccount(ep.AccountID) {
		err = errkind.Field(errkind.NotFound, "id", "webhook endpoint %d not found", id)
	}
	if err != nil {
		var ke *errkind.Error
		if errors.As(err, &ke) && ke.Field == "id" {
			ke.Field = field
		}
		return nil, err
	}
	return ep, nil
}

func toProto(ep *ent.WebhookEndpoint) *certsvcv1.WebhookEndpoint {
	out := &certsvcv1.WebhookEndpoint{Id: ep.ID, AccountId: ep.AccountID, Url: ep.URL, Description: ep.Description,
		EventTypes: ep.EventTypes, Enabled: ep.Enabled, CreateTime: rpc.TS(ep.CreateTime), UpdateTime: rpc.TS(ep.UpdateTime)}
	if ep.PreviousSecretUntil != nil {
		out.PreviousSecretUntil = rpc.TS(*ep.PreviousSecretUntil)
	}
	return out
}

func deliveryToProto(d *ent.OutboxDelivery, typ string) *certsvcv1.WebhookDelivery {
	out := &certsvcv1.WebhookDelivery{Id: d.ID, MessageId: webhook.MessageID(d.ID), Type: typ, State: d.State.String(),
		Attempts: d.Attempts, LastError: d.LastError, LastStatus: d.LastStatus, CreateTime: rpc.TS(d.CreateTime)}
	if d.LastAttemptTime != nil {
		out.LastAttemptTime = rpc.TS(*d.LastAttemptTime)
	}
	if d.SentTime != nil {
		out.SentTime = rpc.TS(*d.SentTime)
	}
	if d.State == "pending" {
		out.NextAttemptTime = rpc.TS(d.RunTime)
	}
	return out
}

// CreateWebhookEndpoint implements WebhookService.CreateWebhookEndpoint.
func (s *Handler) CreateWebhookEndpoint(ctx context.Context, req *certsvcv1.CreateWebhookEndpointRequest) (*certsvcv1.CreateWebhookEndpointResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	e := req.GetEndpoint()
	acct := e.GetAccountId()
	if acct == 0 {
		acct = p.AccountID
	}
	if acct == 0 {
		return nil, errkind.Invalid("endpoint.account_id", "name the account the endpoint is for")
	}
	if !p.OwnsAccount(acct) {
		return nil, errkind.Field(errkind.NotFound, "endpoint.account_id", "account %d not found", acct)
	}
	ep, secret, err := s.hooks.Create(ctx, acct, webhook.Endpoint{URL: e.GetUrl(), Description: e.GetDescription(),
		EventTypes: e.GetEventTypes(), Enabled: e.GetEnabled()})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.CreateWebhookEndpointResponse{Endpoint: toProto(ep), Secret: secret}, nil
}

// ListWebhookEndpoints implements WebhookService.ListWebhookEndpoints.
func (s *Handler) ListWebhookEndpoints(ctx context.Context, req *certsvcv1.ListWebhookEndpointsRequest) (*certsvcv1.ListWebhookEndpointsResponse, error) {
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	p := rpc.PrincipalFrom(ctx)
	acct := req.GetAccountId()
	switch {
	case acct == 0 && !p.Admin:
		acct = p.AccountID
	case acct != 0 && !p.OwnsAccount(acct):
		return nil, errkind.Field(errkind.NotFound, "account_id", "account %d not found", acct)
	}
	if acct == 0 && !p.Admin {
		return &certsvcv1.ListWebhookEndpointsResponse{}, nil
	}
	eps, err := s.hooks.List(ctx, acct, pg.After, pg.Limit())
	if err != nil {
		return nil, err
	}
	res := &certsvcv1.ListWebhookEndpointsResponse{}
	eps, res.NextPageToken = rpc.Cut(pg, eps, func(e *ent.WebhookEndpoint) int64 { return e.ID })
	for _, ep := range eps {
		res.Endpoints = append(res.Endpoints, toProto(ep))
	}
	return res, nil
}

// UpdateWebhookEndpoint implements WebhookService.UpdateWebhookEndpoint.
func (s *Handler) UpdateWebhookEndpoint(ctx context.Context, req *certsvcv1.UpdateWebhookEndpointRequest) (*certsvcv1.UpdateWebhookEndpointResponse, error) {
	paths, err := rpc.MaskPaths(req.GetUpdateMask(), "url", "description", "event_types", "enabled")
	if err != nil {
		return nil, err
	}
	in := req.GetEndpoint()
	ep, err := s.endpoint(ctx, "endpoint.id", in.GetId())
	if err != nil {
		return nil, err
	}
	e := webhook.Endpoint{URL: ep.URL, Description: ep.Description, EventTypes: ep.EventTypes, Enabled: ep.Enabled}
	if slices.Contains(paths, "url") {
		e.URL = in.GetUrl()
	}
	if slices.Contains(paths, "description") {
		e.Description = in.GetDescription()
	}
	if slices.Contains(paths, "event_types") {
		e.EventTypes = in.GetEventTypes()
	}
	if slices.Contains(paths, "enabled") {
		e.Enabled = in.GetEnabled()
	}
	if ep, err = s.hooks.Update(ctx, ep.ID, e, paths); err != nil {
		return nil, err
	}
	return &certsvcv1.UpdateWebhookEndpointResponse{Endpoint: toProto(ep)}, nil
}

// DeleteWebhookEndpoint implements WebhookService.DeleteWebhookEndpoint.
func (s *Handler) DeleteWebhookEndpoint(ctx context.Context, req *certsvcv1.DeleteWebhookEndpointRequest) (*certsvcv1.DeleteWebhookEndpointResponse, error) {
	ep, err := s.endpoint(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	if err := s.hooks.Delete(ctx, ep.ID); err != nil {
		return nil, err
	}
	return &certsvcv1.DeleteWebhookEndpointResponse{}, nil
}

// RotateWebhookSecret implements WebhookService.RotateWebhookSecret.
func (s *Handler) RotateWebhookSecret(ctx context.Context, req *certsvcv1.RotateWebhookSecretRequest) (*certsvcv1.RotateWebhookSecretResponse, error) {
	ep, err := s.endpoint(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	ep, secret, err := s.hooks.Rotate(ctx, ep)
	if err != nil {
		return nil, err
	}
	return &certsvcv1.RotateWebhookSecretResponse{Endpoint: toProto(ep), Secret: secret}, nil
}

// SendTestWebhook implements WebhookService.SendTestWebhook.
func (s *Handler) SendTestWebhook(ctx context.Context, req *certsvcv1.SendTestWebhookRequest) (*certsvcv1.SendTestWebhookResponse, error) {
	ep, err := s.endpoint(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	id, err := s.hooks.SendTest(ctx, ep)
	if err != nil {
		return nil, err
	}
	s.wake()
	return &certsvcv1.SendTestWebhookResponse{DeliveryId: id}, nil
}

// ListWebhookDeliveries implements WebhookService.ListWebhookDeliveries.
func (s *Handler) ListWebhookDeliveries(ctx context.Context, req *certsvcv1.ListWebhookDeliveriesRequest) (*certsvcv1.ListWebhookDeliveriesResponse, error) {
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	ep, err := s.endpoint(ctx, "id", req.GetId())
	if err != nil {
		return nil, err
	}
	ds, notices, err := s.hooks.Deliveries(ctx, ep, pg.After, pg.Limit())
	if err != nil {
		return nil, err
	}
	res := &certsvcv1.ListWebhookDeliveriesResponse{}
	ds, res.NextPageToken = rpc.Cut(pg, ds, func(d *ent.OutboxDelivery) int64 { return d.ID })
	for _, d := range ds {
		typ := ""
		if n := notices[d.NoticeID]; n != nil {
			typ = n.Type
		}
		res.Deliveries = append(res.Deliveries, deliveryToProto(d, typ))
	}
	return res, nil
}

// RedeliverWebhook implements WebhookService.RedeliverWebhook.
func (s *Handler) RedeliverWebhook(ctx context.Context, req *certsvcv1.RedeliverWebhookRequest) (*certsvcv1.RedeliverWebhookResponse, error) {
	_, ep, err := s.hooks.Delivery(ctx, req.GetDeliveryId())
	if err != nil {
		return nil, err
	}
	if !rpc.PrincipalFrom(ctx).OwnsAccount(ep.AccountID) {
		return nil, errkind.Field(errkind.NotFound, "delivery_id", "webhook delivery %d not found", req.GetDeliveryId())
	}
	d, err := s.hooks.Redeliver(ctx, req.GetDeliveryId())
	if err != nil {
		return nil, err
	}
	s.wake()
	typ := ""
	if n, err := s.hooks.NoticeType(ctx, d.NoticeID); err == nil {
		typ = n
	}
	return &certsvcv1.RedeliverWebhookResponse{Delivery: deliveryToProto(d, typ)}, nil
}
