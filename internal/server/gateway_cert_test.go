package server_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/server"
	"github.com/certsvc/certsvc/internal/service"
)

// gwcDoc is a bjson answer of the legacy gateway.
type gwcDoc struct {
	Elem   []map[string]string `json:"elem"`
	PElems string              `json:"p_elems"`
	Model  map[string]string   `json:"model"`
	OK     any                 `json:"ok"`
	Error  *struct {
		Type, Object, Msg string
	} `json:"error"`
}

// gwcClient calls the legacy gateway of a server as one caller.
type gwcClient struct {
	t        *testing.T
	base     string
	http     *http.Client
	authinfo string // "login:password", or "" to send auth= in the query
}

// call sends q (plus authinfo and out=bjson unless set) and returns the body.
func (c gwcClient) call(method string, q url.Values) string {
	c.t.Helper()
	q = cloneValues(q)
	if c.authinfo != "" {
		q.Set("authinfo", c.authinfo)
	}
	if q.Get("out") == "" {
		q.Set("out", "bjson")
	}
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = c.http.PostForm(c.base+"/billmgr", q)
	} else {
		res, err = c.http.Get(c.base + "/billmgr?" + q.Encode())
	}
	must(c.t, err)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d", q.Get("func"), res.StatusCode)
	}
	return readAll(c.t, res)
}

// doc calls and decodes a bjson answer.
func (c gwcClient) doc(q url.Values) (gwcDoc, string) {
	c.t.Helper()
	body := c.call(http.MethodGet, q)
	var d gwcDoc
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		c.t.Fatalf("%s: not bjson: %v\n%s", q.Get("func"), err, body)
	}
	return d, body
}

// ok calls and fails unless the answer is ok.
func (c gwcClient) ok(q url.Values) {
	c.t.Helper()
	if d, body := c.doc(q); d.OK != true {
		c.t.Fatalf("%s: got %s", q.Get("func"), body)
	}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// kv builds query values from pairs.
func kv(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

func ids(d gwcDoc) []string {
	var out []string
	for _, e := range d.Elem {
		out = append(out, e["id"])
	}
	return out
}

// gwcEnv is a server with a manual processing module for planDV (orders wait
// for an admin's certificate.open), customer alice with two orders and bob
// with one.
type gwcEnv struct {
	certEnv
	bob              apitest.Customer
	a1, a2, b1       *certsvcv1.Certificate
	a1Key            any
	adminGW, aliceGW gwcClient
	bobGW            gwcClient
}

func newGwcEnv(t *testing.T, k dbtest.Kind) gwcEnv {
	e := newCertEnv(t, k, apitest.ConnectJSON, "gw-alice")
	ctx := context.Background()
	_, err := e.admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Manual", Kind: certsvcv1.ModuleKind_MODULE_KIND_MANUAL, Priority: 1, Enabled: true, Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}}}})
	must(t, err)
	bob := e.env.NewCustomer(t, "gw-bob", "RUB")
	deposit(t, e.admin, bob.Account.GetId(), 10_000_000)
	order := func(cl apitest.Clients, key any, cn string) *certsvcv1.Certificate {
		return waitState(t, cl, mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, CsrPem: csrPEM(t, key, cn), Pay: true})).GetId(), stProcessing)
	}
	g := gwcEnv{certEnv: e, bob: bob, a1Key: p256()}
	g.a1 = order(e.c, g.a1Key, "alice-one.example.com")
	g.a2 = order(e.c, p256(), "alice-two.example.com")
	g.b1 = order(e.env.Clients(apitest.ConnectJSON, bob.Auth), p256(), "bob-one.example.com")
	client := func(login, password string) gwcClient {
		return gwcClient{t: t, base: e.env.URL, http: e.env.HTTP, authinfo: login + ":" + password}
	}
	g.adminGW = client("admin", apitest.AdminPassword)
	g.aliceGW = client("gw-alice", e.cust.Password)
	g.bobGW = client("gw-bob", bob.Password)
	return g
}

// issueFor signs a certificate for key's CSR with a throwaway CA, as a CA
// that an admin works with by hand would.
func issueFor(t *testing.T, key any, cn string) []byte {
	t.Helper()
	ca, err := localca.New(time.Now(), "Hand CA")
	must(t, err)
	csr, err := x509.ParseCertificateRequest(mustDER(t, csrPEM(t, key, cn)))
	must(t, err)
	cert, err := ca.Issue(localca.IssueRequest{CSR: csr, Names: []string{cn}, NotBefore: time.Now(), NotAfter: time.Now().AddDate(1, 0, 0), Validation: "dv"})
	must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

func id(c *certsvcv1.Certificate) string { return idText(c.GetId()) }

func idText(n int64) string { return strconv.FormatInt(n, 10) }

// lockedWriter serialises writes to a log buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestGatewayCertificateAdminFlow: an admin lists every certificate,
// filters by client, activates an order by hand with an uploaded
// certificate, changes admin fields and drills down to the owner.
func TestGatewayCertificateAdminFlow(t *testing.T) {
	dbtest.EachKind(t, testGatewayCertificateAdminFlow)
}

func testGatewayCertificateAdminFlow(t *testing.T, k dbtest.Kind) {
	g := newGwcEnv(t, k)
	ctx := context.Background()

	d, body := g.adminGW.doc(kv("func", "certificate"))
	if got := ids(d); len(got) != 3 || d.PElems != "3" || got[0] != id(g.a1) || got[2] != id(g.b1) {
		t.Fatalf("admin list: ids %v, p_elems %q:\n%s", got, d.PElems, body)
	}
	if e := d.Elem[0]; e["CN"] != "alice-one.example.com" || e["account"] != "Customer gw-alice" || e["item_status_orig"] != "5" ||
		e["pricelist_orig"] != "3033" || e["cost"] == "" {
		t.Fatalf("admin list row: %v", e)
	}
	// Paging: the second of three, one per page.
	if d, _ := g.adminGW.doc(kv("func", "certificate", "p_num", "2", "p_cnt", "1")); len(d.Elem) != 1 || d.Elem[0]["id"] != id(g.a2) || d.PElems != "3" {
		t.Fatalf("page 2: %v", d)
	}

	// Filter by client: bob's only, until the filter is dropped.
	g.adminGW.ok(kv("func", "certificate.setfilter", "elid", idText(g.bob.Account.GetId())))
	if d, body := g.adminGW.doc(kv("func", "certificate")); len(d.Elem) != 1 || d.Elem[0]["id"] != id(g.b1) {
		t.Fatalf("after setfilter: %s", body)
	}
	if d, _ := g.adminGW.doc(kv("func", "certificate.filter")); d.Model["account"] != idText(g.bob.Account.GetId()) {
		t.Fatalf("the filter form does not show the client: %v", d.Model)
	}
	g.adminGW.ok(kv("func", "certificate.filter", "sok", "ok"))
	if d, _ := g.adminGW.doc(kv("func", "certificate")); d.PElems != "3" {
		t.Fatalf("after dropping the filter: %v", ids(d))
	}

	// Activation by hand: a certificate for another key is refused, the
	// right one (POSTed as PEM) issues the order.
	if d, body := g.adminGW.doc(kv("func", "certificate.open", "elid", id(g.a1), "sok", "ok",
		"crt", string(issueFor(t, p256(), "alice-one.example.com")))); d.Error == nil || d.Error.Type != "value" || d.Error.Object != "crt" {
		t.Fatalf("open with a foreign key: %s", body)
	}
	crt := issueFor(t, g.a1Key, "alice-one.example.com")
	if body := g.adminGW.call(http.MethodPost, kv("func", "certificate.open", "elid", id(g.a1), "sok", "ok", "crt", string(crt))); !strings.Contains(body, `"ok":true`) {
		t.Fatalf("open: %s", body)
	}
	c := waitState(t, g.c, g.a1.GetId(), stIssued)
	if d, _ := g.aliceGW.doc(kv("func", "certificate.file", "elid", id(g.a1), "type", "crt")); d.Model["data"] != string(crt) {
		t.Fatalf("the owner downloads %q (out=bjson), want the uploaded certificate", d.Model["data"])
	}
	res, err := g.env.HTTP.Get(g.env.URL + "/billmgr/?" + url.Values{"authinfo": {"gw-alice:" + g.cust.Password},
		"func": {"certificate.file"}, "elid": {id(g.a1)}, "Type": {"crt"}}.Encode())
	must(t, err)
	if got := readAll(t, res); got != string(crt) {
		t.Fatalf("the owner downloads %q (no out=, Type=, /billmgr/), want the uploaded certificate", got)
	}
	if d, _ := g.aliceGW.doc(kv("func", "certificate.edit", "elid", id(g.a1))); d.Model["service_status"] != "5" || d.Model["item_status_orig"] != "2" ||
		d.Model["crt_end_date"] != c.GetNotAfter().AsTime().UTC().Format(time.DateOnly) {
		t.Fatalf("edit form after open: %v", d.Model)
	}

	// Admin fields: the CA's order id and the certificate's end date.
	g.adminGW.ok(kv("func", "certificate.edit", "elid", id(g.a1), "sok", "ok", "custom_order_id", "HAND-1", "crt_end_date", "2030-01-31"))
	c = mustCert(t)(g.admin.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: g.a1.GetId()}))
	if c.GetCaOrderId() != "HAND-1" || c.GetNotAfter().AsTime().Format(time.DateOnly) != "2030-01-31" {
		t.Fatalf("after the admin's edit: %v", c)
	}

	// Drill down: a session as alice, who sees her certificates only.
	d, body = g.adminGW.doc(kv("func", "certificate.su", "elid", id(g.a1)))
	if d.Model["auth"] == "" || len(d.Model) != 1 {
		t.Fatalf("su: %s, want model.auth only", body)
	}
	if x := g.adminGW.call(http.MethodGet, kv("func", "certificate.su", "elid", id(g.a1), "out", "xml")); !strings.Contains(x, `level="16" userid="`+idText(g.cust.User.GetId())+`"`) {
		t.Fatalf("su (xml): %s", x)
	}
	asAlice := gwcClient{t: t, base: g.env.URL, http: g.env.HTTP}
	if d, body := asAlice.doc(kv("func", "certificate", "auth", d.Model["auth"])); len(d.Elem) != 2 || d.PElems != "2" {
		t.Fatalf("list in the su session: %s", body)
	}
}

// TestGatewayCertificateIsolation: user B reaches none of user A's
// certificates through any function: each answers an access or missed
// error, never A's data, and changes nothing.
func TestGatewayCertificateIsolation(t *testing.T) {
	dbtest.EachKind(t, testGatewayCertificateIsolation)
}

func testGatewayCertificateIsolation(t *testing.T, k dbtest.Kind) {
	g := newGwcEnv(t, k)
	ctx := context.Background()
	a := id(g.a1)
	// Bob's own list: his certificate only, and the count is his.
	if d, body := g.bobGW.doc(kv("func", "certificate")); len(d.Elem) != 1 || d.Elem[0]["id"] != id(g.b1) || d.PElems != "1" {
		t.Fatalf("bob's list: %s", body)
	}
	pemCSR := csrPEM(t, p256(), "bob-one.example.com")
	for _, q := range []url.Values{
		kv("func", "certificate.edit", "elid", a),
		kv("func", "certificate.edit", "elid", a, "sok", "ok", "O", "Hijacked", "autoprolong", "off"),
		kv("func", "certificate.file", "elid", a, "type", "crt"),
		kv("func", "certificate.file", "elid", a, "type", "csr"),
		kv("func", "certificate.file", "elid", a, "type", "key"),
		kv("func", "certificate.file.edit", "elid", a, "type", "csr"),
		kv("func", "certificate.file.edit", "elid", a, "type", "csr", "sok", "ok", "data", pemCSR),
		kv("func", "certificate.open", "elid", a),
		kv("func", "certificate.open", "elid", a, "sok", "ok", "crt", string(issueFor(t, g.a1Key, "alice-one.example.com"))),
		kv("func", "certificate.delete", "elid", a, "sok", "ok"),
		kv("func", "certificate.delete", "elid", id(g.b1)+", "+a, "sok", "ok"),
		kv("func", "certificate.retry", "elid", a),
		kv("func", "certificate.resume", "elid", a),
		kv("func", "certificate.sync", "elid", a),
		kv("func", "certificate.su", "elid", a),
		kv("func", "certificate.setfilter", "elid", idText(g.cust.Account.GetId())),
		kv("func", "certificate", "filter", "on", "account", idText(g.cust.Account.GetId())),
	} {
		for _, f := range []string{"bjson", "xml"} {
			q.Set("out", f)
			body := g.bobGW.call(http.MethodGet, q)
			if f == "bjson" {
				var d gwcDoc
				if err := json.Unmarshal([]byte(body), &d); err != nil || d.Error == nil || d.Error.Type != "access" && d.Error.Type != "missed" {
					t.Errorf("%v: got %s, want an access or missed error", q, body)
				}
			}
			// The request echoed in <tparams> is bob's own input.
			if i, j := strings.Index(body, "<tparams>"), strings.Index(body, "</tparams>"); i >= 0 && j > i {
				body = body[:i] + body[j:]
			}
			for _, secret := range []string{"alice-one.example.com", "BEGIN", "Customer gw-alice", g.cust.Password} {
				if strings.Contains(body, secret) {
					t.Errorf("%v: %q leaks to bob:\n%s", q, secret, body)
				}
			}
		}
	}
	// Nothing of alice's changed. (In the group delete bob's own id was
	// deleted: the service runs each id on its own; the answer is the error
	// of alice's.)
	c := mustCert(t)(g.c.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: g.a1.GetId()}))
	if c.GetState() != stProcessing || c.GetPendingSubject() != nil || c.GetSubject().GetOrganization() == "Hijacked" {
		t.Fatalf("alice's certificate changed: %v", c)
	}
}

// TestGatewayCertificateSecrets: passwords and authinfo appear neither in
// the gateway's answers nor in any log line of the service or the gateway.
func TestGatewayCertificateSecrets(t *testing.T) { dbtest.EachKind(t, testGatewayCertificateSecrets) }

func testGatewayCertificateSecrets(t *testing.T, k dbtest.Kind) {
	g := newGwcEnv(t, k)
	var logs bytes.Buffer
	srv := httptest.NewServer(loggedHandler(t, g, &logs))
	t.Cleanup(srv.Close)
	const wrong = "Wr0ng-Pa55word-xyz"
	secrets := []string{g.cust.Password, wrong, apitest.AdminPassword}
	alice := gwcClient{t: t, base: srv.URL, http: srv.Client(), authinfo: "gw-alice:" + g.cust.Password}
	admin := gwcClient{t: t, base: srv.URL, http: srv.Client(), authinfo: "admin:" + apitest.AdminPassword}
	bad := gwcClient{t: t, base: srv.URL, http: srv.Client(), authinfo: "gw-alice:" + wrong}
	var bodies []string
	for _, f := range []string{"xml", "json", "sjson", "bjson", "JSONdata", "text", "devel"} {
		bodies = append(bodies,
			alice.call(http.MethodGet, kv("func", "certificate", "out", f)),
			alice.call(http.MethodPost, kv("func", "certificate.edit", "elid", id(g.a1), "out", f)),
			alice.call(http.MethodGet, kv("func", "certificate.edit", "elid", id(g.a1), "sok", "ok", "OU", "IT", "out", f, "password", g.cust.Password)),
			alice.call(http.MethodGet, kv("func", "certificate.delete", "elid", "999999", "out", f)),
			alice.call(http.MethodGet, kv("func", "certificate.no.such", "out", f, "passwd", g.cust.Password)),
			admin.call(http.MethodGet, kv("func", "certificate.su", "elid", id(g.a1), "out", f)),
			bad.call(http.MethodGet, kv("func", "certificate", "out", f)),
		)
	}
	if !strings.Contains(bodies[0], "<tparams>") || !strings.Contains(bodies[len(bodies)-1], "badpassword") {
		t.Fatalf("unexpected answers:\n%s\n%s", bodies[0], bodies[len(bodies)-1])
	}
	for _, s := range secrets {
		for _, b := range bodies {
			if strings.Contains(b, s) {
				t.Errorf("%q is in an answer:\n%s", s, b)
			}
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("%q is in the logs:\n%s", s, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "certificate.no.such") {
		t.Fatalf("the logs caught nothing:\n%s", logs.String())
	}
}

// loggedHandler serves the database of g through a second service whose
// service and gateway log every level into logs.
func loggedHandler(t *testing.T, g gwcEnv, logs *bytes.Buffer) http.Handler {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	key, _, err := secretbox.GenerateMasterKey("test")
	must(t, err)
	keyring, err := secretbox.NewKeyring(key)
	must(t, err)
	reg := prometheus.NewRegistry()
	kinds, err := registry.Default()
	must(t, err)
	svc := service.New(service.Options{DB: g.env.DB, Logger: log, PasswordParams: auth.TestParams, Registerer: reg,
		Keyring: keyring, Kinds: kinds})
	return server.NewHandler(svc, kinds, log, reg, g.env.DB.SQL.PingContext, nil)
}
