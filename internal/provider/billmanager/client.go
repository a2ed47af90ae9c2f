package billmanager

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/internal/provider"
)

// userAgent is sent with every call.
const userAgent = "certsvc-billmanager/1"

// maxReply bounds a reply body; a price list or a chain is a few kB.
const maxReply = 8 << 20

// fn is one legacy function as the client calls it.
type fn struct {
	name string
	// once marks functions that change something upstream: an interrupted
	// call has an unknown outcome, never a blind retry.
	once bool
	// item marks functions about one certificate (elid): a "missed" error
	// about it means the upstream does not know the order.
	item bool
}

var (
	fnList      = fn{name: "certificate"}
	fnAccounts  = fn{name: "subaccount"}
	fnEdit      = fn{name: "certificate.edit", item: true}
	fnFile      = fn{name: "certificate.file", item: true}
	fnPricelist = fn{name: "pricelist.export"}
	fnCountries = fn{name: "certificate.order.csr"}
	fnOrder     = fn{name: "certificate.order.param", once: true}
	fnReissue   = fn{name: "certificate.reissue.step2", once: true, item: true}
	fnProlong   = fn{name: "service.prolong", once: true, item: true}
	fnDelete    = fn{name: "certificate.delete", once: true, item: true}
)

// client speaks the legacy func= API: form-encoded POSTs with authinfo,
// out=xml answers. It only uses the configured http.Client, which the core
// wraps with its call log, concurrency limit and circuit breaker.
//
// XML is parsed rather than json because it has no one-or-many ambiguity
// (json renders a single <elem> as an object, several as an array).
type client struct {
	http            *http.Client
	endpoint        string // the gateway URL, https://host/billmgr
	login, password string
	log             *slog.Logger
}

// call runs f with params and returns the reply document. Legacy error
// documents become *apiError; every error wraps a provider sentinel and
// never holds the password.
func (c *client) call(ctx context.Context, f fn, params url.Values) (*billmgr.Element, error) {
	body, _, err := c.post(ctx, f, params, "xml")
	if err != nil {
		return nil, err
	}
	doc, err := billmgr.ParseXML(body)
	if err != nil {
		return nil, c.malformed(f, err)
	}
	if e := billmgr.ErrorOf(doc); e != nil {
		return nil, c.apiError(f, e)
	}
	return doc, nil
}

// file runs a download function, which answers the file itself; an error
// comes back as a document instead.
func (c *client) file(ctx context.Context, f fn, params url.Values) ([]byte, error) {
	body, ctype, err := c.post(ctx, f, params, "xml")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(ctype, "text/xml") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<?xml")) {
		if doc, perr := billmgr.ParseXML(body); perr == nil {
			if e := billmgr.ErrorOf(doc); e != nil {
				return nil, c.apiError(f, e)
			}
			// An upstream that answers out=xml with a document (certsvc's
			// gateway does): the file is its data field.
			if data := doc.Child("data"); data != nil {
				return []byte(data.CharData), nil
			}
		}
	}
	return body, nil
}

// post sends the call and returns the body of a 2xx reply.
func (c *client) post(ctx context.Context, f fn, params url.Values, out string) ([]byte, string, error) {
	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	form.Set("func", f.name)
	form.Set("out", out)
	form.Set("authinfo", c.login+":"+c.password)

	// Whether the whole request went out: before that the upstream cannot
	// have acted on it, whatever the error.
	var sent atomic.Bool
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) { sent.Store(i.Err == nil) },
	})
	req, err := http.NewRequestWithContext(tctx, http.MethodPost, c.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, "", c.fail(f, provider.ErrRejected, fmt.Errorf("build the request: %w", err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", userAgent)

	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.logCall(ctx, f, 0, start, err)
		if f.once && sent.Load() && !errors.Is(err, provider.ErrUnavailable) {
			return nil, "", c.fail(f, provider.ErrUnknownOutcome, err)
		}
		return nil, "", c.fail(f, provider.ErrUnavailable, err)
	}
	defer res.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(res.Body, maxReply+1))
	c.logCall(ctx, f, res.StatusCode, start, rerr)

	switch code := res.StatusCode; {
	case code >= 500:
		// 502, 503 and 504 come from in front of the upstream: the call did
		// not get through. Another 5xx may follow a change it made.
		if f.once && code != http.StatusBadGateway && code != http.StatusServiceUnavailable && code != http.StatusGatewayTimeout {
			return nil, "", c.fail(f, provider.ErrUnknownOutcome, fmt.Errorf("HTTP %d", code))
		}
		return nil, "", c.fail(f, provider.ErrUnavailable, fmt.Errorf("HTTP %d", code))
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout:
		return nil, "", c.fail(f, provider.ErrUnavailable, fmt.Errorf("HTTP %d", code))
	case code < 200 || code > 299:
		// The API answers its errors with 200: anything else is not it.
		return nil, "", c.fail(f, provider.ErrRejected, fmt.Errorf("HTTP %d (check the %q setting)", code, SettingURL))
	case rerr != nil:
		return nil, "", c.malformed(f, fmt.Errorf("read the reply: %w", rerr))
	case len(body) > maxReply:
		return nil, "", c.malformed(f, fmt.Errorf("reply larger than %d bytes", maxReply))
	}
	return body, res.Header.Get("Content-Type"), nil
}

// malformed is the error for a reply that cannot be read: for a call that
// changes something the outcome is unknown, for a read the upstream is not
// working.
func (c *client) malformed(f fn, err error) error {
	return c.fail(f, provider.ErrUnreadable(f.once), fmt.Errorf("malformed reply: %w", err))
}

// fail wraps cause with the function and a provider sentinel, masking the
// password in the text.
func (c *client) fail(f fn, kind, cause error) error {
	return provider.Masked(fmt.Errorf("billmanager: %s: %w: %w", f.name, kind, cause), c.redact)
}

func (c *client) logCall(ctx context.Context, f fn, status int, start time.Time, err error) {
	attrs := []any{"func", f.name, "http_status", status, "duration", time.Since(start)}
	if err != nil {
		attrs = append(attrs, "err", c.redact(err.Error()))
	}
	c.log.DebugContext(ctx, "billmanager call", attrs...)
}

// redact masks the password in s, and the secrets of the protocol's
// name=value pairs (authinfo=login:…, password=, token=, …) as the gateway
// masks them (billmgr.RedactText).
func (c *client) redact(s string) string {
	if len(c.password) >= 3 {
		s = strings.ReplaceAll(s, c.password, "[redacted]")
		s = strings.ReplaceAll(s, url.QueryEscape(c.password), "[redacted]")
	}
	return billmgr.RedactText(s)
}

// apiError is a legacy error document: <error type=… object=…><msg>.
type apiError struct {
	fn     string
	kind   error  // a provider sentinel
	typ    string // the legacy type: auth, value, missed, not_enough_money, …
	object string // the object: a parameter name, badpassword, …
	msg    string // the upstream's message, password masked
}

func (e *apiError) Error() string {
	s := "billmanager: " + e.fn + ": " + e.kind.Error() + ": " + e.msg
	if e.typ != "" {
		s += " (" + e.typ
		if e.object != "" {
			s += " " + e.object
		}
		s += ")"
	}
	return s
}

func (e *apiError) Unwrap() error { return e.kind }

// apiError classifies an error document:
//   - auth: the login or password is wrong (rejected);
//   - not_enough_money: the reseller's balance upstream is short;
//   - missed about elid on a function about one certificate: not found;
//   - internal: the upstream failed; for a change the outcome is unknown;
//   - anything else (value, exists, access, missed function): rejected.
func (c *client) apiError(f fn, e *billmgr.ErrorInfo) error {
	typ, object, msg := e.Type, e.Object, e.Msg
	if desc := e.Param("desc"); desc != "" && desc != msg {
		msg = strings.TrimSpace(msg + ": " + desc)
	}
	kind := provider.ErrRejected
	switch {
	case typ == "auth":
		msg = fmt.Sprintf("the upstream rejected the login or password (check the %q setting and the %q secret)", SettingLogin, SecretPassword)
	case typ == "not_enough_money":
		kind = provider.ErrInsufficientFunds
	case typ == "missed" && f.item && (object == "elid" || object == "id"):
		kind = provider.ErrNotFound
	case typ == "missed" && object == f.name:
		msg = "the upstream does not offer func=" + f.name + ": " + msg
	case typ == "internal" && f.once:
		kind = provider.ErrUnknownOutcome
	case typ == "internal":
		kind = provider.ErrUnavailable
	}
	msg = c.redact(strings.TrimSpace(msg))
	if msg == "" {
		msg = "no reason given"
	}
	return &apiError{fn: f.name, kind: kind, typ: typ, object: object, msg: truncate(msg, 300)}
}
