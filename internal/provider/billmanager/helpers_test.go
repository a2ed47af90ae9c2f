package billmanager_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/billmanager"
)

const (
	login    = "reseller1"
	password = "s3cret:pa&ss=word" // ':' '&' '=' must survive authinfo
)

// faultKind is how the fake upstream misbehaves on one call.
type faultKind int

const (
	drop    faultKind = iota + 1 // the connection (or HTTP/2 stream) is cut
	slow                         // no answer until the client gives up
	status                       // an HTTP status instead of the document
	garbage                      // a truncated document
)

// fault is injected for the next call of one function. After means the
// upstream did the work first (the order exists), before means it did not.
type fault struct {
	kind   faultKind
	after  bool
	status int
}

// order is an order the fake holds.
type order struct {
	id               int64
	remoteid         string
	csr              *x509.CertificateRequest
	csrPEM           string
	cn               string
	altnames         []string
	item, svc        int // legacy item_status and service_status
	leaf             *x509.Certificate
	approvers        map[string]string // approver_email_N → address
	expire, crtStart string
}

// upstream is a fake BILLmanager gateway: it reads requests with the
// gateway's parser and answers with its encoder, so the documents are
// exactly certsvc's. It is not idempotent on remoteid: every
// certificate.order.param places an order, so that exactly-once comes from
// the provider.
type upstream struct {
	t   *testing.T
	srv *httptest.Server
	ca  *localca.CA

	mu     sync.Mutex
	orders []*order
	placed map[string]int // remoteid → orders placed
	faults map[string]fault
	calls  []*billmgr.Request
	// reply, when set for a function, answers it instead of the fake.
	reply map[string]*billmgr.Doc
	// noChain makes certificate.file refuse type=chain, as the gateway
	// does today.
	noChain bool
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	ca, err := localca.New(time.Now(), "Upstream Test CA")
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{t: t, ca: ca, placed: map[string]int{}, faults: map[string]fault{}, reply: map[string]*billmgr.Doc{}}
	u.srv = httptest.NewUnstartedServer(u)
	u.srv.EnableHTTP2 = true
	u.srv.Config.ErrorLog = nil
	u.srv.StartTLS()
	t.Cleanup(u.srv.Close)
	return u
}

// provider returns a provider of the fake, over its HTTP/2 TLS client.
func (u *upstream) provider(t *testing.T) provider.Provider {
	t.Helper()
	return u.providerWith(t, u.srv.Client(), password)
}

func (u *upstream) providerWith(t *testing.T, hc *http.Client, pw string) provider.Provider {
	t.Helper()
	p, err := billmanager.New(provider.Config{
		Settings:   map[string]string{billmanager.SettingURL: u.srv.URL + "/billmgr", billmanager.SettingLogin: login},
		Secrets:    map[string]string{billmanager.SecretPassword: pw},
		HTTPClient: hc,
		Logger:     slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (u *upstream) inject(fn string, f fault) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.faults[fn] = f
}

func (u *upstream) ordersPlaced(ref string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.placed[ref]
}

// last returns the last call of fn.
func (u *upstream) last(fn string) *billmgr.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	for i := len(u.calls) - 1; i >= 0; i-- {
		if u.calls[i].Func == fn {
			return u.calls[i]
		}
	}
	u.t.Fatalf("no call of %s", fn)
	return nil
}

func (u *upstream) find(id string) *order {
	for _, o := range u.orders {
		if strconv.FormatInt(o.id, 10) == id {
			return o
		}
	}
	return nil
}

// issue signs the order's certificate and marks it issued.
func (u *upstream) issue(id int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	o := u.find(strconv.FormatInt(id, 10))
	now := time.Now()
	leaf, err := u.ca.Issue(localca.IssueRequest{CSR: o.csr, Names: append([]string{o.cn}, o.altnames...),
		NotBefore: now, NotAfter: now.AddDate(0, 3, 0), Validation: "dv"})
	if err != nil {
		u.t.Fatal(err)
	}
	o.leaf, o.item, o.svc = leaf, 2, 5
	o.crtStart, o.expire = now.Format(time.DateOnly), now.AddDate(1, 0, 0).Format(time.DateOnly)
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := billmgr.ParseRequest(r, billmgr.MaxBody)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	u.mu.Lock()
	u.calls = append(u.calls, req)
	f, faulty := u.faults[req.Func]
	delete(u.faults, req.Func)
	u.mu.Unlock()

	if faulty && !f.after {
		u.misbehave(w, r, f)
		return
	}
	doc := u.serve(req)
	if faulty {
		u.misbehave(w, r, f)
		return
	}
	billmgr.Encode(w, req.Out, doc)
}

func (u *upstream) misbehave(w http.ResponseWriter, r *http.Request, f fault) {
	switch f.kind {
	case drop:
		panic(http.ErrAbortHandler)
	case slow:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	case status:
		w.WriteHeader(f.status)
	case garbage:
		w.Header().Set("Content-Type", billmgr.ContentTypeXML)
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<doc><id>"))
	}
}

// serve answers req as the gateway would, for the functions the provider calls.
func (u *upstream) serve(req *billmgr.Request) *billmgr.Doc {
	u.mu.Lock()
	defer u.mu.Unlock()
	if d, ok := u.reply[req.Func]; ok {
		return d
	}
	if a := req.Auth; a.Login != login || a.Password != password {
		return billmgr.NewError(req.Func, req.Lang, "auth", "badpassword", "", "Invalid username or password")
	}
	missed := billmgr.NewError(req.Func, req.Lang, "missed", "elid", req.Param("elid"), "elid: certificate not found")
	switch req.Func {
	case "certificate":
		doc := billmgr.NewList(req.Func, req.Lang)
		for _, o := range u.orders {
			if req.Param("filter") != "on" || o.remoteid == req.Param("remoteid") {
				doc.AddRow(billmgr.F("id", strconv.FormatInt(o.id, 10)), billmgr.F("CN", o.cn))
			}
		}
		return doc
	case "certificate.order.param":
		block, _ := pem.Decode([]byte(req.Param("csr")))
		if block == nil {
			return billmgr.NewError(req.Func, req.Lang, "value", "csr", "", "csr: not a CSR")
		}
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return billmgr.NewError(req.Func, req.Lang, "value", "csr", "", "csr: "+err.Error())
		}
		o := &order{id: int64(100 + len(u.orders)), remoteid: req.Param("remoteid"), csr: csr, csrPEM: req.Param("csr"),
			cn: csr.Subject.CommonName, altnames: strings.Fields(req.Param("altname")), item: 5, svc: 3,
			approvers: map[string]string{}}
		for k, v := range req.Params {
			if strings.HasPrefix(k, "approver_email_") {
				o.approvers[k] = v[0]
			}
		}
		u.orders = append(u.orders, o)
		u.placed[o.remoteid]++
		return billmgr.NewOK(req.Func, req.Lang, strconv.FormatInt(o.id, 10))
	case "certificate.edit":
		o := u.find(req.Param("elid"))
		if o == nil {
			return missed
		}
		fields := []billmgr.Field{
			billmgr.F("elid", strconv.FormatInt(o.id, 10)), billmgr.F("CN", o.cn),
			billmgr.FO("item_status", "In progress", strconv.Itoa(o.item)),
			billmgr.F("service_status", strconv.Itoa(o.svc)), billmgr.F("status_msg", "fake status"),
			billmgr.F("expiredate", o.expire), billmgr.F("crt_start_date", o.crtStart),
			billmgr.F("altname", strings.Join(o.altnames, " ")), billmgr.F("remoteid", o.remoteid),
		}
		for k, v := range o.approvers {
			fields = append(fields, billmgr.F(k, v))
		}
		return billmgr.NewForm(req.Func, req.Lang, fields...)
	case "certificate.file":
		o := u.find(req.Param("elid"))
		switch {
		case o == nil:
			return missed
		case req.Param("type") == "csr":
			return billmgr.NewFile("application/pkcs10", o.cn+".csr", []byte(o.csrPEM))
		case o.leaf == nil:
			return billmgr.NewError(req.Func, req.Lang, "value", "elid", "", "the certificate is not issued yet")
		case req.Param("type") == "crt":
			return billmgr.NewFile("application/x-pem-file", o.cn+".crt", pemCerts(o.leaf))
		case req.Param("type") == "chain" && !u.noChain:
			return billmgr.NewFile("application/x-pem-file", o.cn+".ca-bundle", pemCerts(u.ca.Intermediate()))
		}
		return billmgr.NewError(req.Func, req.Lang, "value", "type", req.Param("type"), `The value of the "type" field is invalid`)
	case "certificate.reissue.step2":
		o := u.find(req.Param("elid"))
		if o == nil {
			return missed
		}
		if o.svc == 3 {
			return billmgr.NewError(req.Func, req.Lang, "value", "state", "", `state: the certificate is "reissuing"`)
		}
		if req.Param("crt_type") == "altname" {
			o.altnames = strings.Fields(req.Param("altname"))
		}
		o.item, o.svc = 2, 3
		return billmgr.NewOK(req.Func, req.Lang, "")
	case "service.prolong":
		if o := u.find(req.Param("elid")); o != nil {
			o.item, o.svc = 5, 3
			return billmgr.NewOK(req.Func, req.Lang, "").AddNode(billmgr.N("doc", "", billmgr.N("newexpiredate", "2099-01-01")))
		}
		return missed
	case "certificate.delete":
		if o := u.find(req.Param("elid")); o != nil {
			o.item, o.svc = 4, 0
			return billmgr.NewOK(req.Func, req.Lang, "")
		}
		return missed
	}
	return billmgr.NewError(req.Func, req.Lang, "missed", req.Func, "", "Unknown function")
}

func pemCerts(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// newCSR returns a CSR for cn and names, in PEM.
func newCSR(t *testing.T, cn string, names ...string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn}, DNSNames: append([]string{cn}, names...)}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func dvOrder(t *testing.T, ref string) provider.OrderRequest {
	return provider.OrderRequest{Ref: ref, ProductCode: "3033", Validation: "dv", PeriodMonths: 12,
		CSRPEM: newCSR(t, "www.example.com"), CommonName: "www.example.com", SANs: []string{"shop.example.com"},
		DCV: map[string]provider.DCVChoice{
			"www.example.com":  {Method: provider.DCVEmail, Email: "admin@www.example.com"},
			"shop.example.com": {Method: provider.DCVEmail, Email: "webmaster@shop.example.com"},
		},
		Admin: provider.Contact{FirstName: "Ivan", LastName: "Petrov", Email: "ivan@example.com", Phone: "+7 (111) 111-11-11"}}
}

// placeLikeCore places r and, while the outcome is unknown or nothing was
// placed, does what the core does: look the order up by ref, and place it
// again only when it is not found.
func placeLikeCore(t *testing.T, p provider.Provider, r provider.OrderRequest) (provider.Remote, error) {
	t.Helper()
	remote, err := p.PlaceOrder(t.Context(), r)
	for range 3 {
		switch {
		case err == nil:
			return remote, nil
		case isKind(err, provider.ErrUnknownOutcome):
			var found bool
			if remote, found, err = p.(provider.RefLookup).FindByRef(t.Context(), r.Ref); err == nil && !found {
				remote, err = p.PlaceOrder(t.Context(), r)
			}
		case isKind(err, provider.ErrUnavailable):
			remote, err = p.PlaceOrder(t.Context(), r)
		default:
			return remote, err
		}
	}
	return remote, err
}

func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
