package acme

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	xacme "golang.org/x/crypto/acme"

	"github.com/certsvc/certsvc/internal/provider"
)

func TestClassify(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	read := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name     string
		err      error
		mutating bool
		want     error
	}{
		{"rejected/acme problem", &xacme.Error{StatusCode: 403, ProblemType: acmeErrPrefix + "unauthorized", Detail: "no"}, true, provider.ErrRejected},
		{"rejected/invalid order", &xacme.OrderError{Status: "invalid"}, true, provider.ErrRejected},
		{"not found/404", &xacme.Error{StatusCode: 404, ProblemType: acmeErrPrefix + "malformed"}, false, provider.ErrNotFound},
		{"unavailable/5xx", &xacme.Error{StatusCode: 503, ProblemType: acmeErrPrefix + "serverInternal"}, true, provider.ErrUnavailable},
		{"unavailable/rate limited", &xacme.Error{StatusCode: 429, ProblemType: acmeErrPrefix + "rateLimited"}, true, provider.ErrUnavailable},
		{"unavailable/bad nonce", &xacme.Error{StatusCode: 400, ProblemType: acmeErrPrefix + "badNonce"}, true, provider.ErrUnavailable},
		{"unavailable/dial", fmt.Errorf("post: %w", dial), true, provider.ErrUnavailable},
		{"unavailable/read cut", read, false, provider.ErrUnavailable},
		{"unknown/write cut", read, true, provider.ErrUnknownOutcome},
		{"unknown/timeout after sending", context.DeadlineExceeded, true, provider.ErrUnknownOutcome},
		{"unavailable/timeout reading", context.DeadlineExceeded, false, provider.ErrUnavailable},
		{"canceled passes through", context.Canceled, true, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := classify("do it", tc.err, tc.mutating); !errors.Is(got, tc.want) {
				t.Errorf("classify(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
	got := classify("create the order", &xacme.Error{StatusCode: 400, ProblemType: acmeErrPrefix + "rejectedIdentifier",
		Detail: "policy forbids", Subproblems: []xacme.Subproblem{{Type: acmeErrPrefix + "rejectedIdentifier",
			Detail: "blocked", Identifier: &xacme.AuthzID{Type: "dns", Value: "a.example"}}}}, true)
	if want := "acme: create the order: the processing module rejected the request: policy forbids (rejectedIdentifier); a.example: blocked (rejectedIdentifier)"; got.Error() != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestRetryBackoff(t *testing.T) {
	res := func(code int, retryAfter string) *http.Response {
		r := &http.Response{StatusCode: code, Header: http.Header{}}
		if retryAfter != "" {
			r.Header.Set("Retry-After", retryAfter)
		}
		return r
	}
	tests := []struct {
		name string
		n    int
		res  *http.Response
		want time.Duration
	}{
		{"bad nonce retries at once", 1, res(400, ""), 10 * time.Millisecond},
		{"5xx backs off", 2, res(503, ""), 500 * time.Millisecond},
		{"short Retry-After is kept", 1, res(503, "1"), time.Second},
		{"long Retry-After gives up", 1, res(429, "60"), 0},
		{"gives up after the last retry", maxRetries + 1, res(503, ""), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryBackoff(tc.n, nil, tc.res); got != tc.want {
				t.Errorf("retryBackoff(%d) = %v, want %v", tc.n, got, tc.want)
			}
		})
	}
}
