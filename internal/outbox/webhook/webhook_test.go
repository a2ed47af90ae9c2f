package webhook_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/certsvc/certsvc/ent/outboxnotice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
)

// planDV is a seeded single-name DV plan the built-in CA issues.
const planDV = 3033

// hit is one request a receiver got.
type hit struct {
	id, typ string
	status  int
	sigs    int
	body    map[string]any
}

// receiver is a webhook endpoint that checks every request's signatures
// with the Standard Webhooks reference library, against each secret it
// knows (all must verify), answers 500 to the first fail requests, and
// blocks on hang when it is set.
type receiver struct {
	t       *testing.T
	mu      sync.Mutex
	secrets []string
	fail    int
	hang    chan struct{}
	hits    []hit
	waiting int // requests blocked on hang
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	hang, secrets := r.hang, slices.Clone(r.secrets)
	r.mu.Unlock()
	if hang != nil {
		r.mu.Lock()
		r.waiting++
		r.mu.Unlock()
		<-hang
		return
	}
	for _, s := range secrets {
		wh, err := standardwebhooks.NewWebhook(s)
		if err == nil {
			err = wh.Verify(body, req.Header)
		}
		if err != nil {
			r.t.Errorf("webhook %s does not verify with %.12s...: %v", req.Header.Get("webhook-id"), s, err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		r.t.Errorf("payload: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	h := hit{id: req.Header.Get("webhook-id"), sigs: len(strings.Fields(req.Header.Get("webhook-signature"))), body: p, status: 200}
	h.typ, _ = p["type"].(string)
	if r.fail > 0 {
		r.fail--
		h.status = 500
	}
	r.hits = append(r.hits, h)
	w.WriteHeader(h.status)
}

// ok returns the successful requests of type typ.
func (r *receiver) ok(typ string) []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hit
	for _, h := range r.hits {
		if h.typ == typ && h.status == 200 {
			out = append(out, h)
		}
	}
	return out
}

func (r *receiver) byID(id string) []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hit
	for _, h := range r.hits {
		if h.id == id {
			out = append(out, h)
		}
	}
	return out
}

// waitFor polls until cond holds; the deadline only ends a broken test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newReceiver starts r on a TLS server and returns the server and a TLS
// configuration that trusts it.
func newReceiver(t *testing.T, r *receiver) (*httptest.Server, *tls.Config) {
	r.t = t
	srv := httptest.NewTLSServer(r)
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, &tls.Config{RootCAs: pool}
}

func newEnv(t *testing.T, k dbtest.Kind, tc *tls.Config) (*apitest.Env, apitest.Clients, int64) {
	t.Helper()
	env := apitest.NewWith(t, k.Open(t), apitest.Options{
		Outbox:   outbox.Options{BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond},
		Webhooks: webhook.Options{AllowPrivate: true, TLSConfig: tc},
	})
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	cust := env.NewCustomer(t, "hooks", "RUB")
	if _, err := admin.Account.Deposit(context.Background(), &certsvcv1.DepositRequest{
		AccountId: cust.Account.GetId(), AmountMinor: 10_000_000, Currency: "RUB"}); err != nil {
		t.Fatal(err)
	}
	return env, env.Clients(apitest.ConnectJSON, cust.Auth), cust.Account.GetId()
}

// An issued certificate is told to the endpoint once, signed; a receiver
// that fails three times gets exactly one successful delivery after four
// attempts. Then the secret is rotated (both secrets sign) and a delivery
// is redelivered.
func TestWebhookIssuedRetriedRotatedRedelivered(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := context.Background()
		rec := &receiver{fail: 3}
		srv, tc := newReceiver(t, rec)
		env, cl, _ := newEnv(t, k, tc)
		created, err := cl.Webhook.CreateWebhookEndpoint(ctx, &certsvcv1.CreateWebhookEndpointRequest{Endpoint: &certsvcv1.WebhookEndpoint{
			Url: srv.URL + "/hook", EventTypes: []string{string(outbox.Issued)}, Enabled: true}})
		if err != nil {
			t.Fatal(err)
		}
		secret := created.GetSecret()
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("secret %q", secret)
		}
		rec.mu.Lock()
		rec.secrets = []string{secret}
		rec.mu.Unlock()
		epID := created.GetEndpoint().GetId()

		res, err := cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
			KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "www.example.com"}, Pay: true})
		if err != nil {
			t.Fatal(err)
		}
		certID := res.GetCertificate().GetId()
		waitFor(t, "the issued webhook", func() bool { return len(rec.ok(string(outbox.Issued))) > 0 })

		got := rec.ok(string(outbox.Issued))[0]
		data, _ := got.body["data"].(map[string]any)
		if data["certificate_id"] != float64(certID) || data["common_name"] != "www.example.com" {
			t.Errorf("payload data %v", data)
		}
		if hs := rec.byID(got.id); len(hs) != 4 || hs[0].status != 500 || hs[2].status != 500 || hs[3].status != 200 {
			t.Errorf("requests of %s: %+v, want 500 500 500 200", got.id, hs)
		}
		n, err := env.DB.Ent.OutboxNotice.Query().Where(outboxnotice.CertificateID(certID), outboxnotice.Type(string(outbox.Issued))).Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("issued notices of certificate %d: %d (%v), want 1", certID, n, err)
		}
		log, err := cl.Webhook.ListWebhookDeliveries(ctx, &certsvcv1.ListWebhookDeliveriesRequest{Id: epID})
		if err != nil {
			t.Fatal(err)
		}
		if len(log.GetDeliveries()) != 1 {
			t.Fatalf("deliveries: %v", log.GetDeliveries())
		}
		d := log.GetDeliveries()[0]
		if d.GetState() != "sent" || d.GetAttempts() != 4 || d.GetMessageId() != got.id || d.GetSentTime() == nil || d.GetType() != string(outbox.Issued) ||
			d.GetLastStatus() != 200 || d.GetLastError() != "" {
			t.Errorf("delivery log: %v", d)
		}

		// The metrics count the attempts by outcome.
		if got := counter(t, env, "retry"); got != 3 {
			t.Errorf("certsvc_outbox_deliveries_total{outcome=retry}: %v, want 3", got)
		}
		if got := counter(t, env, "sent"); got != 1 {
			t.Errorf("certsvc_outbox_deliveries_total{outcome=sent}: %v, want 1", got)
		}

		// Rotation: the old and the new secret both sign for a while.
		rot, err := cl.Webhook.RotateWebhookSecret(ctx, &certsvcv1.RotateWebhookSecretRequest{Id: epID})
		if err != nil {
			t.Fatal(err)
		}
		if rot.GetSecret() == secret || rot.GetEndpoint().GetPreviousSecretUntil() == nil {
			t.Fatalf("rotation: %v", rot)
		}
		rec.mu.Lock()
		rec.secrets = []string{secret, rot.GetSecret()}
		rec.mu.Unlock()
		if _, err := cl.Webhook.SendTestWebhook(ctx, &certsvcv1.SendTestWebhookRequest{Id: epID}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the test webhook", func() bool { return len(rec.ok(string(outbox.Test))) > 0 })
		if h := rec.ok(string(outbox.Test))[0]; h.sigs != 2 {
			t.Errorf("signatures during rotation: %d, want 2", h.sigs)
		}

		// Redelivery sends the same message (same webhook-id) again.
		if _, err := cl.Webhook.RedeliverWebhook(ctx, &certsvcv1.RedeliverWebhookRequest{DeliveryId: d.GetId()}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the redelivery", func() bool { return len(rec.ok(string(outbox.Issued))) == 2 })
		if again := rec.ok(string(outbox.Issued))[1]; again.id != got.id {
			t.Errorf("redelivered as %s, want %s", again.id, got.id)
		}

		// Another account's customer does not see the endpoint.
		other := env.NewCustomer(t, "other", "RUB")
		ocl := env.Clients(apitest.ConnectJSON, other.Auth)
		_, err = ocl.Webhook.ListWebhookDeliveries(ctx, &certsvcv1.ListWebhookDeliveriesRequest{Id: epID})
		if connect.CodeOf(err) != connect.CodeNotFound {
			t.Errorf("another account's endpoint: %v, want not_found", err)
		}
	})
}

// An endpoint that hangs holds at most its per-target share of the
// senders: another endpoint's delivery goes out while it still hangs.
func TestHangingEndpointDoesNotBlockOthers(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := context.Background()
		hang := make(chan struct{})
		slow := &receiver{hang: hang}
		slowSrv, _ := newReceiver(t, slow)
		t.Cleanup(func() { close(hang) }) // before the servers close
		good := &receiver{}
		goodSrv, _ := newReceiver(t, good)
		pool := x509.NewCertPool()
		pool.AddCert(slowSrv.Certificate())
		pool.AddCert(goodSrv.Certificate())
		_, cl, _ := newEnv(t, k, &tls.Config{RootCAs: pool})
		mk := func(url string) (int64, string) {
			res, err := cl.Webhook.CreateWebhookEndpoint(ctx, &certsvcv1.CreateWebhookEndpointRequest{Endpoint: &certsvcv1.WebhookEndpoint{Url: url, Enabled: true}})
			if err != nil {
				t.Fatal(err)
			}
			return res.GetEndpoint().GetId(), res.GetSecret()
		}
		slowID, _ := mk(slowSrv.URL)
		goodID, goodSecret := mk(goodSrv.URL)
		good.mu.Lock()
		good.secrets = []string{goodSecret}
		good.mu.Unlock()
		for range 10 {
			if _, err := cl.Webhook.SendTestWebhook(ctx, &certsvcv1.SendTestWebhookRequest{Id: slowID}); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, "the hanging endpoint to be called", func() bool { slow.mu.Lock(); defer slow.mu.Unlock(); return slow.waiting > 0 })
		if _, err := cl.Webhook.SendTestWebhook(ctx, &certsvcv1.SendTestWebhookRequest{Id: goodID}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the good endpoint's delivery", func() bool { return len(good.ok(string(outbox.Test))) == 1 })
		slow.mu.Lock()
		defer slow.mu.Unlock()
		if slow.waiting == 0 || slow.waiting > 2 {
			t.Errorf("requests hanging at the slow endpoint: %d, want 1 or 2 (the per-target limit)", slow.waiting)
		}
	})
}

func fieldsOf(err error) []string {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return nil
	}
	var out []string
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if br, ok := v.(*errdetails.BadRequest); ok {
				for _, fv := range br.GetFieldViolations() {
					out = append(out, fv.GetField())
				}
			}
		}
	}
	return out
}

// Without --webhook-allow-private, URLs that reach into the operator's
// network, or are not https, are refused at configuration time, naming the
// field.
func TestWebhookURLRefused(t *testing.T) {
	env := apitest.New(t, dbtest.SQLite(t))
	cust := env.NewCustomer(t, "ssrf", "RUB")
	cl := env.Clients(apitest.ConnectJSON, cust.Auth)
	for _, u := range []string{
		"http://example.com/hook",
		"ftp://example.com/hook",
		"https://127.0.0.1/hook",
		"https://[::1]:8443/hook",
		"https://10.1.2.3/hook",
		"https://192.168.0.10/hook",
		"https://169.254.169.254/latest/meta-data",
		"https://0.0.0.0/",
		"https://[::ffff:127.0.0.1]/",
		"https://localhost:9000/hook",
		"https://user:pw@example.com/hook",
		"https://no-such-host.invalid/hook",
	} {
		_, err := cl.Webhook.CreateWebhookEndpoint(context.Background(), &certsvcv1.CreateWebhookEndpointRequest{
			Endpoint: &certsvcv1.WebhookEndpoint{Url: u, Enabled: true}})
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !slices.Contains(fieldsOf(err), "url") {
			t.Errorf("%s: %v (fields %v), want invalid_argument naming url", u, err, fieldsOf(err))
		}
	}
	_, err := cl.Webhook.CreateWebhookEndpoint(context.Background(), &certsvcv1.CreateWebhookEndpointRequest{
		Endpoint: &certsvcv1.WebhookEndpoint{Url: "https://example.com/hook", EventTypes: []string{"no.such"}}})
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !slices.Contains(fieldsOf(err), "event_types") {
		t.Errorf("unknown event type: %v, want invalid_argument naming event_types", err)
	}
}

// counter reads certsvc_outbox_deliveries_total{channel="webhook",outcome}.
func counter(t *testing.T, env *apitest.Env, outcome string) float64 {
	t.Helper()
	mfs, err := env.Reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "certsvc_outbox_deliveries_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["channel"] == "webhook" && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// An update reads and checks only the fields its mask names: switching an
// endpoint off needs no URL, and does not check the stored one again; an
// update naming url checks it. Creating an endpoint needs a URL.
func TestWebhookUpdateChecksMaskedFields(t *testing.T) {
	dbtest.EachKind(t, func(t *testing.T, k dbtest.Kind) {
		ctx := context.Background()
		srv, tc := newReceiver(t, &receiver{})
		env, cl, _ := newEnv(t, k, tc)
		_, err := cl.Webhook.CreateWebhookEndpoint(ctx, &certsvcv1.CreateWebhookEndpointRequest{
			Endpoint: &certsvcv1.WebhookEndpoint{Description: "no url", Enabled: true}})
		if connect.CodeOf(err) != connect.CodeInvalidArgument || err == nil || !strings.Contains(err.Error(), "endpoint: url is required") {
			t.Errorf("create without a URL: %v, want invalid_argument saying the endpoint's url is required", err)
		}
		created, err := cl.Webhook.CreateWebhookEndpoint(ctx, &certsvcv1.CreateWebhookEndpointRequest{Endpoint: &certsvcv1.WebhookEndpoint{
			Url: srv.URL + "/hook", Description: "main", EventTypes: []string{string(outbox.Issued)}, Enabled: true}})
		if err != nil {
			t.Fatal(err)
		}
		id := created.GetEndpoint().GetId()
		// A URL stored before the rules got stricter (plain http): an update
		// of other fields leaves it alone.
		env.DB.Ent.WebhookEndpoint.UpdateOneID(id).SetURL("http://old.example.com/hook").ExecX(ctx)
		res, err := cl.Webhook.UpdateWebhookEndpoint(ctx, &certsvcv1.UpdateWebhookEndpointRequest{
			Endpoint:   &certsvcv1.WebhookEndpoint{Id: id, Enabled: false, Description: "ignored, not in the mask"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"enabled"}}})
		if err != nil {
			t.Fatalf("update of enabled alone: %v", err)
		}
		ep := res.GetEndpoint()
		if ep.GetEnabled() || ep.GetUrl() != "http://old.example.com/hook" || ep.GetDescription() != "main" || len(ep.GetEventTypes()) != 1 {
			t.Errorf("after switching off: %v", ep)
		}
		for _, u := range []string{"", "http://old.example.com/hook"} {
			_, err = cl.Webhook.UpdateWebhookEndpoint(ctx, &certsvcv1.UpdateWebhookEndpointRequest{
				Endpoint: &certsvcv1.WebhookEndpoint{Id: id, Url: u}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"url"}}})
			if connect.CodeOf(err) != connect.CodeInvalidArgument || !slices.Contains(fieldsOf(err), "url") {
				t.Errorf("update of url to %q: %v (fields %v), want invalid_argument naming url", u, err, fieldsOf(err))
			}
		}
		_, err = cl.Webhook.UpdateWebhookEndpoint(ctx, &certsvcv1.UpdateWebhookEndpointRequest{
			Endpoint:   &certsvcv1.WebhookEndpoint{Id: id, EventTypes: []string{"no.such"}},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"event_types"}}})
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !slices.Contains(fieldsOf(err), "event_types") {
			t.Errorf("update of event_types: %v, want invalid_argument naming event_types", err)
		}
		res, err = cl.Webhook.UpdateWebhookEndpoint(ctx, &certsvcv1.UpdateWebhookEndpointRequest{
			Endpoint:   &certsvcv1.WebhookEndpoint{Id: id, Url: srv.URL + "/new"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"url"}}})
		if err != nil || res.GetEndpoint().GetUrl() != srv.URL+"/new" || res.GetEndpoint().GetEnabled() {
			t.Errorf("update of url: %v, %v", res.GetEndpoint(), err)
		}
	})
}
