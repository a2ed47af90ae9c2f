package thesslstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/certsvc/certsvc/internal/provider"
)

// userAgent is sent in AuthRequest.UserAgent and the User-Agent header.
const userAgent = "certsvc-thesslstore/1"

// maxReply bounds a reply body; a download of a chain is a few kB.
const maxReply = 8 << 20

// endpoint is one API call.
type endpoint struct {
	name string // for errors and logs
	path string // after the base URL
	// once marks calls that change something at the CA and must not be
	// sent twice blindly: their interrupted calls have unknown outcomes.
	once bool
	// order marks calls about one existing order, whose "no such order"
	// replies are provider.ErrNotFound.
	order bool
}

var (
	epValidate    = endpoint{name: "health/validate", path: "health/validate/"}
	epProducts    = endpoint{name: "product/query", path: "product/query/"}
	epApprovers   = endpoint{name: "order/approverlist", path: "order/approverlist/"}
	epAccount     = endpoint{name: "user/accountdetail", path: "user/accountdetail/"}
	epNewOrder    = endpoint{name: "order/neworder", path: "order/neworder/", once: true}
	epReissue     = endpoint{name: "order/reissue", path: "order/reissue/", once: true, order: true}
	epRefund      = endpoint{name: "order/refundrequest", path: "order/refundrequest/", once: true, order: true}
	epRevoke      = endpoint{name: "order/certificaterevokerequest", path: "order/certificaterevokerequest/", once: true, order: true}
	epStatus      = endpoint{name: "order/status", path: "order/status/", order: true}
	epDownload    = endpoint{name: "order/download", path: "order/download/", order: true}
	epResend      = endpoint{name: "order/resend", path: "order/resend/", order: true}
	epChangeDCV   = endpoint{name: "order/changeapproveremail", path: "order/changeapproveremail/", order: true}
	epDigicertDCV = endpoint{name: "digicert/checkdcv", path: "digicert/checkdcv/", order: true}
)

// client is a small JSON client for the API. It only uses the configured
// http.Client, which the core wraps with its call log and circuit breaker.
type client struct {
	http           *http.Client
	base           string
	partner, token string
	log            *slog.Logger
}

// call posts req to ep and decodes the reply into resp, checking its
// AuthResponse. Its errors wrap one of the provider sentinels and never
// hold the credentials.
func (c *client) call(ctx context.Context, ep endpoint, req request, resp reply) error {
	replay := replayToken()
	req.setAuth(authRequest{PartnerCode: c.partner, AuthToken: c.token, ReplayToken: replay, UserAgent: userAgent})
	body, err := c.post(ctx, ep, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, resp); err != nil {
		return c.malformed(ep, err)
	}
	return c.check(ep, replay, resp.status())
}

// callList is call for the endpoints that answer with an array, whose
// first element carries the AuthResponse of an error (§1.7).
func (c *client) callList(ctx context.Context, ep endpoint, req request) ([]json.RawMessage, error) {
	replay := replayToken()
	req.setAuth(authRequest{PartnerCode: c.partner, AuthToken: c.token, ReplayToken: replay, UserAgent: userAgent})
	body, err := c.post(ctx, ep, req)
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		// An error may also come back as a single object.
		var one answered
		if json.Unmarshal(body, &one) == nil && one.AuthResponse.IsError {
			return nil, c.check(ep, replay, one.AuthResponse)
		}
		return nil, c.malformed(ep, err)
	}
	if len(items) > 0 {
		var first answered
		if err := json.Unmarshal(items[0], &first); err != nil {
			return nil, c.malformed(ep, err)
		}
		if err := c.check(ep, replay, first.AuthResponse); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// post sends the request and returns the body of a 2xx reply.
func (c *client) post(ctx context.Context, ep endpoint, req any) ([]byte, error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, c.fail(ep, nil, fmt.Errorf("encode the request: %w", err))
	}
	// Whether any of the request went out: before that, nothing can have
	// happened at the CA whatever the error.
	var wrote atomic.Bool
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	hreq, err := http.NewRequestWithContext(tctx, http.MethodPost, c.base+ep.path, bytes.NewReader(payload))
	if err != nil {
		return nil, c.fail(ep, nil, fmt.Errorf("build the request: %w", err))
	}
	hreq.Header.Set("Content-Type", "application/json; charset=utf-8")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", userAgent)

	start := time.Now()
	res, err := c.http.Do(hreq)
	if err != nil {
		c.logCall(ctx, ep, 0, start, err)
		if ep.once && wrote.Load() {
			return nil, c.fail(ep, provider.ErrUnknownOutcome, err)
		}
		return nil, c.fail(ep, provider.ErrUnavailable, err)
	}
	defer res.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(res.Body, maxReply+1))
	c.logCall(ctx, ep, res.StatusCode, start, rerr)

	code := res.StatusCode
	switch {
	case code >= 500:
		// 502, 503 and 504 come from in front of the API: the request did
		// not get through. A 500 from the API itself may follow a change
		// it made, so for a call that changes something it is unknown.
		if ep.once && code != http.StatusBadGateway && code != http.StatusServiceUnavailable && code != http.StatusGatewayTimeout {
			return nil, c.fail(ep, provider.ErrUnknownOutcome, fmt.Errorf("HTTP %d", code))
		}
		return nil, c.fail(ep, provider.ErrUnavailable, fmt.Errorf("HTTP %d", code))
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout:
		return nil, c.fail(ep, provider.ErrUnavailable, fmt.Errorf("HTTP %d", code))
	case code < 200 || code > 299:
		// The SDKs treat any other status as a failed request; keep the
		// API's message when the body has one.
		var a answered
		if json.Unmarshal(body, &a) == nil && len(a.AuthResponse.Message) > 0 {
			return nil, c.fail(ep, provider.ErrRejected, fmt.Errorf("HTTP %d: %s", code, strings.Join(a.AuthResponse.Message, "; ")))
		}
		return nil, c.fail(ep, provider.ErrRejected, fmt.Errorf("HTTP %d (check the %q setting)", code, SettingURL))
	}
	if rerr != nil {
		if ep.once {
			return nil, c.fail(ep, provider.ErrUnknownOutcome, fmt.Errorf("read the reply: %w", rerr))
		}
		return nil, c.fail(ep, provider.ErrUnavailable, fmt.Errorf("read the reply: %w", rerr))
	}
	if len(body) > maxReply {
		return nil, c.malformed(ep, fmt.Errorf("reply larger than %d bytes", maxReply))
	}
	return body, nil
}

// check turns an isError reply into an error of the right kind.
func (c *client) check(ep endpoint, replay string, a authResponse) error {
	if a.ReplayToken != "" && a.ReplayToken != replay {
		return c.malformed(ep, errors.New("the reply is for another request (ReplayToken differs)"))
	}
	if !a.IsError {
		return nil
	}
	msg := c.redact(strings.TrimSpace(strings.Join(a.Message, "; ")))
	if msg == "" {
		msg = "no reason given"
	}
	return &apiError{op: ep.name, kind: errorKind(ep, msg), msg: msg}
}

// malformed is the error for a reply that cannot be read: for a call that
// changed something the outcome is unknown, for a read the API is not
// working.
func (c *client) malformed(ep endpoint, err error) error {
	return c.fail(ep, provider.ErrUnreadable(ep.once), fmt.Errorf("malformed reply: %w", err))
}

// fail wraps cause with the endpoint and, unless nil, a provider sentinel,
// masking the credentials in the text.
func (c *client) fail(ep endpoint, kind, cause error) error {
	err := fmt.Errorf("thesslstore: %s: %w", ep.name, cause)
	if kind != nil {
		err = fmt.Errorf("thesslstore: %s: %w: %w", ep.name, kind, cause)
	}
	return provider.Masked(err, c.redact)
}

func (c *client) logCall(ctx context.Context, ep endpoint, status int, start time.Time, err error) {
	attrs := []any{"op", ep.name, "http_status", status, "duration", time.Since(start)}
	if err != nil {
		attrs = append(attrs, "err", c.redact(err.Error()))
	}
	c.log.DebugContext(ctx, "thesslstore call", attrs...)
}

// redact masks the credentials in s, in case a message echoes them.
func (c *client) redact(s string) string {
	for _, secret := range []string{c.token, c.partner} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// apiError is an isError reply.
type apiError struct {
	op   string
	kind error  // a provider sentinel
	msg  string // the API's message, credentials masked
}

func (e *apiError) Error() string {
	return "thesslstore: " + e.op + ": " + e.kind.Error() + ": " + e.msg
}
func (e *apiError) Unwrap() error { return e.kind }

// errorKind classifies an isError message. The API has no error codes
// that the SDKs document, so this reads the message.
func errorKind(ep endpoint, msg string) error {
	m := strings.ToLower(msg)
	switch {
	case containsAny(m, "insufficient", "not enough fund", "low fund", "credit limit", "add funds"),
		strings.Contains(m, "balance") && containsAny(m, "not enough", "too low", "low balance", "exceed"):
		return provider.ErrInsufficientFunds
	case ep.order && isNoSuchOrder(m):
		return provider.ErrNotFound
	}
	return provider.ErrRejected
}

// isNoSuchOrder reports whether a message says the order does not exist.
func isNoSuchOrder(m string) bool {
	if containsAny(m, "not found", "does not exist", "doesn't exist", "no order", "no such order") {
		return true
	}
	return strings.Contains(m, "invalid") && containsAny(m, "order id", "orderid")
}

// isDuplicateRef reports whether a neworder message says the CustomOrderID
// is already used.
func isDuplicateRef(msg string) bool {
	m := strings.ToLower(msg)
	return containsAny(m, "customorderid", "custom order id", "custom order") &&
		containsAny(m, "already", "duplicate", "exist", "unique", "in use")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// replayToken is a fresh AuthRequest.ReplayToken: the API echoes it, so a
// reply can be matched to its request.
func replayToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
