// Package webhook is the outbox's webhook channel: per-account endpoints,
// payloads signed per the Standard Webhooks specification, and the checks
// that keep a target URL from reaching into the operator's network (SSRF),
// both when an endpoint is configured and when a delivery dials.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/webhookendpoint"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/outbox"
)

// ChannelName is the name of the webhook channel in the outbox.
const ChannelName = "webhook"

// Sealer seals the signing secrets at rest (the order core, with the
// master keyring).
type Sealer interface {
	Seal(plain, ad []byte) (string, error)
	Open(text string, ad []byte) ([]byte, error)
}

// Options configure the webhooks. Zero values take the documented defaults.
type Options struct {
	// AllowPrivate lets endpoints reach loopback, private, link-local and
	// other non-public addresses (--webhook-allow-private); off by default.
	AllowPrivate bool
	// AllowHTTP lets endpoints use plain http; only https by default.
	AllowHTTP bool
	// RotationGrace is how long the previous secret still signs after a
	// rotation; 24 hours when 0.
	RotationGrace time.Duration
	// TLSConfig is the TLS configuration of deliveries; the system's roots
	// when nil. Tests pass one that trusts their receiver.
	TLSConfig *tls.Config
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Webhooks is the webhook channel and the store of the endpoints.
type Webhooks struct {
	db     *ent.Client
	seal   Sealer
	opts   Options
	client *http.Client
}

var _ outbox.Channel = (*Webhooks)(nil)

// New returns the webhook channel over db.
func New(db *ent.Client, seal Sealer, o Options) *Webhooks {
	if o.RotationGrace == 0 {
		o.RotationGrace = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	w := &Webhooks{db: db, seal: seal, opts: o}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: dialControl(o.AllowPrivate)}
	w.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil, // a proxy would dial for us, past the address check
			DialContext:           d.DialContext,
			TLSClientConfig:       o.TLSConfig,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
		},
		// A redirect could lead anywhere; the receiver must answer itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return w
}

// Name implements outbox.Channel.
func (w *Webhooks) Name() string { return ChannelName }

// Targets implements outbox.Channel: the enabled endpoints of each
// notice's account whose filter takes its type, read for all the accounts
// at once. Test notices are sent to one endpoint directly and never fanned
// out.
func (w *Webhooks) Targets(ctx context.Context, ns []*outbox.Notice) ([][]string, error) {
	out := make([][]string, len(ns))
	accounts := outbox.Accounts(ns)
	if len(accounts) == 0 {
		return out, nil
	}
	eps, err := w.db.WebhookEndpoint.Query().Where(webhookendpoint.AccountIDIn(accounts...), webhookendpoint.Enabled(true)).
		Order(ent.Asc(webhookendpoint.FieldID)).
		Select(webhookendpoint.FieldID, webhookendpoint.FieldAccountID, webhookendpoint.FieldEventTypes).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("webhook endpoints of %d accounts: %w", len(accounts), err)
	}
	for i, n := range ns {
		if n.Type == outbox.Test {
			continue
		}
		for _, e := range eps {
			if e.AccountID == n.AccountID && (len(e.EventTypes) == 0 || slices.Contains(e.EventTypes, string(n.Type))) {
				out[i] = append(out[i], strconv.FormatInt(e.ID, 10))
			}
		}
	}
	return out, nil
}

// Payload is the body of a webhook: {"type", "timestamp", "data"}.
type Payload struct {
	Type      outbox.Type `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      PayloadData `json:"data"`
}

// PayloadData is the notice's snapshot with the ids it is about.
type PayloadData struct {
	NoticeID      int64 `json:"notice_id"`
	AccountID     int64 `json:"account_id,omitempty"`
	CertificateID int64 `json:"certificate_id,omitempty"`
	outbox.Data
}

// MessageID is the webhook-id of a delivery: stable across its retries.
func MessageID(deliveryID int64) string { return fmt.Sprintf("msg_%d", deliveryID) }

// Deliver implements outbox.Channel: one signed POST to the endpoint.
func (w *Webhooks) Deliver(ctx context.Context, d *outbox.Delivery) error {
	id, err := strconv.ParseInt(d.Target, 10, 64)
	if err != nil {
		return outbox.Permanent(fmt.Errorf("webhook target %q is not an endpoint id", d.Target))
	}
	ep, err := w.db.WebhookEndpoint.Get(ctx, id)
	if ent.IsNotFound(err) {
		return outbox.Permanent(fmt.Errorf("webhook endpoint %d was deleted", id))
	}
	if err != nil {
		return fmt.Errorf("read webhook endpoint %d: %w", id, err)
	}
	if !ep.Enabled && d.Notice.Type != outbox.Test {
		return outbox.Permanent(fmt.Errorf("webhook endpoint %d is disabled", id))
	}
	secrets, err := w.signingSecrets(ep)
	if err != nil {
		return err
	}
	n := d.Notice
	body, err := json.Marshal(Payload{Type: n.Type, Timestamp: n.Time.UTC(), Data: PayloadData{
		NoticeID: n.ID, AccountID: n.AccountID, CertificateID: n.CertificateID, Data: n.Data}})
	if err != nil {
		return outbox.Permanent(fmt.Errorf("encode payload: %w", err))
	}
	msgID, ts := MessageID(d.ID), w.opts.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return outbox.Permanent(fmt.Errorf("webhook endpoint %d: %w", id, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "certsvc-webhooks/1")
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", Sign(secrets, msgID, ts, body))
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("post to webhook endpoint %d: %w", id, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return &outbox.StatusError{Code: resp.StatusCode,
			Err: fmt.Errorf("webhook endpoint %d answered %s", id, resp.Status)}
	}
	d.Status = resp.StatusCode
	return nil
}

// signingSecrets are the secrets a payload is signed with: the current one,
// and the previous one during its grace period.
func (w *Webhooks) signingSecrets(ep *ent.WebhookEndpoint) ([]string, error) {
	cur, err := w.open(ep.AccountID, ep.Secret)
	if err != nil {
		return nil, outbox.Permanent(fmt.Errorf("open the secret of webhook endpoint %d: %w", ep.ID, err))
	}
	out := []string{cur}
	if ep.PreviousSecret != "" && ep.PreviousSecretUntil != nil && w.opts.Now().Before(*ep.PreviousSecretUntil) {
		prev, err := w.open(ep.AccountID, ep.PreviousSecret)
		if err != nil {
			return nil, outbox.Permanent(fmt.Errorf("open the previous secret of webhook endpoint %d: %w", ep.ID, err))
		}
		out = append(out, prev)
	}
	return out, nil
}

// secretAD binds a sealed secret to its account (the key rotation of the
// order core re-seals them).
func secretAD(accountID int64) []byte { return core.WebhookSecretAD(accountID) }

func (w *Webhooks) open(accountID int64, sealed string) (string, error) {
	b, err := w.seal.Open(sealed, secretAD(accountID))
	return string(b), err
}

// NewSecret returns a fresh signing secret, "whsec_" and 32 random bytes
// in base64.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// Sign returns the webhook-signature header of body: "v1,<signature>" per
// secret, space separated. A signature is the base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>" keyed with the secret's bytes (base64 after
// "whsec_").
func Sign(secrets []string, id string, ts time.Time, body []byte) string {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil {
			continue
		}
		m := hmac.New(sha256.New, key)
		fmt.Fprintf(m, "%s.%d.", id, ts.Unix())
		m.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(sigs, " ")
}
