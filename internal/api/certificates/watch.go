package certificates

import (
	"context"
	"time"

	"connectrpc.com/connect"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificateevent"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/rpc"
)

// DefaultKeepAlive is how long a WatchCertificates stream stays silent
// before a keep-alive message when Handler.KeepAlive is 0.
const DefaultKeepAlive = 30 * time.Second

// WatchCertificates implements CertificateService.WatchCertificates.
func (s *Handler) WatchCertificates(ctx context.Context, req *certsvcv1.WatchCertificatesRequest, stream *connect.ServerStream[certsvcv1.WatchCertificatesResponse]) error {
	w := core.NewWatcher(rpc.PrincipalFrom(ctx), req.GetCertificateIds())
	if err := s.Events().Subscribe(ctx, w, req.GetAfterEventId()); err != nil {
		return err
	}
	defer s.Events().Unsubscribe(w)
	// The broker sends every event once, but not in id order: an event
	// may commit after one with a higher id (Galera nodes hand out
	// interleaved ids). So only the replayed events are skipped, by id.
	var replayed map[int64]bool
	if sent := req.GetAfterEventId(); sent > 0 {
		replayed = map[int64]bool{}
		// Replay what the caller missed since after_event_id.
		evs, err := s.db.CertificateEvent.Query().Where(certificateevent.IDGT(sent)).
			Order(ent.Asc(certificateevent.FieldID)).Limit(10000).All(ctx)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if w.Wants(e) {
				if err := s.sendEvent(ctx, stream, e); err != nil {
					return err
				}
			}
			replayed[e.ID] = true
		}
	}
	// A stream silent for KeepAlive gets a keep-alive message, so proxies
	// that cut idle connections leave it open.
	keepAlive := s.KeepAlive
	if keepAlive <= 0 {
		keepAlive = DefaultKeepAlive
	}
	idle := time.NewTimer(keepAlive)
	defer idle.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-idle.C:
			if err := stream.Send(&certsvcv1.WatchCertificatesResponse{KeepAlive: true}); err != nil {
				return err
			}
		case e := <-w.C():
			if replayed[e.ID] {
				continue
			}
			if err := s.sendEvent(ctx, stream, e); err != nil {
				return err
			}
		}
		idle.Reset(keepAlive)
	}
}

func (s *Handler) sendEvent(ctx context.Context, stream *connect.ServerStream[certsvcv1.WatchCertificatesResponse], e *ent.CertificateEvent) error {
	c, err := s.db.Certificate.Get(ctx, e.CertificateID)
	if err != nil {
		return err
	}
	return stream.Send(&certsvcv1.WatchCertificatesResponse{Event: eventToProto(e), Certificate: certToProto(c)})
}
