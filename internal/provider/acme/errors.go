package acme

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	xacme "golang.org/x/crypto/acme"

	"github.com/certsvc/certsvc/internal/provider"
)

// acmeErrPrefix starts the problem types RFC 8555 defines.
const acmeErrPrefix = "urn:ietf:params:acme:error:"

// Retries within one call. Longer outages are the core's to back off from.
const (
	maxRetries      = 3
	maxRetryBackoff = 2 * time.Second
)

// retryBackoff is the acme.Client's retry policy: a few quick retries of a
// rejected nonce (400), a 5xx or a 429, then the error goes to the core,
// which retries the call later. x/crypto's default retries until the
// context ends, which would hold a worker for the whole call timeout.
func retryBackoff(n int, _ *http.Request, res *http.Response) time.Duration {
	if n > maxRetries {
		return 0
	}
	if res != nil && res.StatusCode == http.StatusBadRequest {
		return time.Duration(n) * 10 * time.Millisecond // badNonce: a fresh nonce is all it takes
	}
	d := time.Duration(1<<(n-1)) * 250 * time.Millisecond
	if res != nil {
		if ra := res.Header.Get("Retry-After"); ra != "" {
			if secs, err := time.ParseDuration(ra + "s"); err == nil {
				if secs > maxRetryBackoff {
					return 0 // the CA asks for more patience than one call has
				}
				d = max(secs, 10*time.Millisecond)
			}
		}
	}
	return min(d, maxRetryBackoff)
}

// classify wraps an error of the ACME client in the provider's sentinels,
// with op ("create the order") for context:
//
//   - the CA refused (an RFC 8555 problem, a 4xx): ErrRejected, with the
//     CA's detail; 404: ErrNotFound;
//   - the CA could not be reached or answered 5xx, 429 or garbage:
//     ErrUnavailable;
//   - a request that changes something (mutating) cut off after it may have
//     been sent: ErrUnknownOutcome;
//   - a cancelled context passes through.
func classify(op string, err error, mutating bool) error {
	var ae *xacme.Error
	var oe *xacme.OrderError
	var ne net.Error
	var dialErr *net.OpError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("acme: %s: %w", op, err)
	case errors.As(err, &oe):
		return fmt.Errorf("acme: %s: %w: the order is %s%s", op, provider.ErrRejected, oe.Status, problemText(oe.Problem))
	case errors.As(err, &ae):
		switch {
		case ae.StatusCode >= 500, ae.StatusCode == http.StatusTooManyRequests,
			strings.EqualFold(ae.ProblemType, acmeErrPrefix+"badNonce"):
			return fmt.Errorf("acme: %s: %w: %s", op, provider.ErrUnavailable, problemString(ae))
		case ae.StatusCode == http.StatusNotFound:
			return fmt.Errorf("acme: %s: %w: %s", op, provider.ErrNotFound, problemString(ae))
		default:
			return fmt.Errorf("acme: %s: %w: %s", op, provider.ErrRejected, problemString(ae))
		}
	case errors.As(err, &dialErr) && dialErr.Op == "dial":
		return fmt.Errorf("acme: %s: %w: %w", op, provider.ErrUnavailable, err) // nothing was sent
	case mutating && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)):
		return fmt.Errorf("acme: %s: %w: %w", op, provider.ErrUnknownOutcome, err)
	default:
		return fmt.Errorf("acme: %s: %w: %w", op, provider.ErrUnavailable, err)
	}
}

// problemString is an ACME problem as "detail (type)", with subproblems.
func problemString(e *xacme.Error) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(e.Detail))
	if e.ProblemType != "" {
		fmt.Fprintf(&b, " (%s)", strings.TrimPrefix(e.ProblemType, acmeErrPrefix))
	} else if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	for _, sp := range e.Subproblems {
		b.WriteString("; ")
		if sp.Identifier != nil {
			b.WriteString(sp.Identifier.Value + ": ")
		}
		fmt.Fprintf(&b, "%s (%s)", sp.Detail, strings.TrimPrefix(sp.Type, acmeErrPrefix))
	}
	return b.String()
}

func problemText(e *xacme.Error) string {
	if e == nil {
		return ""
	}
	return ": " + problemString(e)
}

// isProblem reports whether err is the ACME problem of the given type
// ("orderNotReady").
func isProblem(err error, typ string) bool {
	var ae *xacme.Error
	return errors.As(err, &ae) && strings.EqualFold(ae.ProblemType, acmeErrPrefix+typ)
}

// truncate shortens s to at most n bytes for a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
