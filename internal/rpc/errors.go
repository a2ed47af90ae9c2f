package rpc

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/store"
)

// codes is the one table from error kind to RPC code.
var codes = []struct {
	kind error
	code connect.Code
}{
	{errkind.InvalidArgument, connect.CodeInvalidArgument},
	{errkind.NotFound, connect.CodeNotFound},
	{errkind.AlreadyExists, connect.CodeAlreadyExists},
	{errkind.FailedPrecondition, connect.CodeFailedPrecondition},
	{errkind.PermissionDenied, connect.CodePermissionDenied},
	{errkind.Unauthenticated, connect.CodeUnauthenticated},
	{errkind.ResourceExhausted, connect.CodeResourceExhausted},
	{errkind.Aborted, connect.CodeAborted},
	{errkind.Unavailable, connect.CodeUnavailable},
}

// ToConnectError turns an error from a handler into what the caller sees. It
// reports whether the error is internal: such errors are logged in full and
// answered with a generic message.
func ToConnectError(err error) (*connect.Error, bool) {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce, ce.Code() == connect.CodeInternal || ce.Code() == connect.CodeUnknown
	}
	switch {
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, errors.New("request canceled")), false
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, errors.New("deadline exceeded")), false
	}
	if errkind.Kind(err) == nil {
		// Errors straight from the database get their kind here, once: an
		// outage is Unavailable, not internal.
		err = store.Translate(err)
	}
	for _, c := range codes {
		if !errors.Is(err, c.kind) {
			continue
		}
		var ke *errkind.Error
		if !errors.As(err, &ke) {
			// Wrapped sentinels carry only text composed by certsvc itself.
			return connect.NewError(c.code, errors.New(err.Error())), false
		}
		out := connect.NewError(c.code, errors.New(ke.Public()))
		if ke.Field != "" && c.code == connect.CodeInvalidArgument {
			br := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: ke.Field, Description: ke.Msg},
			}}
			if d, derr := connect.NewErrorDetail(br); derr == nil {
				out.AddDetail(d)
			}
		}
		if ke.Reason != "" {
			if d, derr := connect.NewErrorDetail(&errdetails.ErrorInfo{Reason: ke.Reason, Domain: "certsvc", Metadata: ke.Metadata}); derr == nil {
				out.AddDetail(d)
			}
		}
		return out, false
	}
	return connect.NewError(connect.CodeInternal, errors.New("internal error")), true
}
