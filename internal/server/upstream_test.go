package server_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/provider/billmanager"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

// TestUpstreamBILLmanager resells through a second certsvc: a reseller
// instance whose only module is of kind billmanager, pointing at the
// upstream's legacy gateway with a reseller account there. Orders end
// issued by the upstream's built-in CA, each charged once upstream; a
// reissue and a renewal go through the upstream; an order placed while the
// upstream is stopped waits and is placed once when it is back; an order
// whose answer was lost after the upstream placed it is found by remoteid
// and not placed again.
func TestUpstreamBILLmanager(t *testing.T) { dbtest.EachKind(t, testUpstreamBILLmanager) }

func testUpstreamBILLmanager(t *testing.T, k dbtest.Kind) {
	ctx := context.Background()

	// The upstream: built-in CA, a reseller account with money.
	up := apitest.New(t, k.Open(t))
	upAdmin := up.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	reseller := up.NewCustomer(t, "reseller", "RUB")
	deposit(t, upAdmin, reseller.Account.GetId(), 10_000_000)
	upRoots := rootPool(t, upAdmin)
	upCA := builtinCerts(t, upAdmin)

	// The reseller instance reaches the upstream through a front door that
	// can be stopped, with a transport that can lose an answer.
	door := newFrontDoor(t, up.URL)
	lose := &loseAnswer{base: up.HTTP.Transport}
	// The default registry has the BILLmanager kind that reaches it.
	rs := apitest.NewWith(t, k.Open(t), apitest.Options{ModuleTransport: lose})
	admin := rs.Clients(apitest.ConnectJSON, apitest.AdminAuth)

	// Its built-in CA is switched off: orders must wait for the upstream,
	// not fall over to it.
	mods, err := admin.Module.ListProcessingModules(ctx, &certsvcv1.ListProcessingModulesRequest{})
	must(t, err)
	for _, m := range mods.GetModules() {
		m.Enabled = false
		_, err := admin.Module.UpdateProcessingModule(ctx, &certsvcv1.UpdateProcessingModuleRequest{Module: m,
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"enabled"}}})
		must(t, err)
	}
	mod := &certsvcv1.ProcessingModule{Name: "Upstream", Kind: certsvcv1.ModuleKind_MODULE_KIND_BILLMANAGER, Enabled: true,
		DebugLog: true, Plans: []*certsvcv1.ModulePlan{{PlanId: planDV, ProductCode: "3033"}},
		Settings:    map[string]string{billmanager.SettingURL: door.url + "/billmgr", billmanager.SettingLogin: "reseller"},
		Credentials: map[string]string{billmanager.SecretPassword: "wrong-password-42"}}
	_, err = admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: mod})
	if codeOf(err) == 0 || !strings.Contains(err.Error(), "login or password") || strings.Contains(err.Error(), "wrong-password-42") {
		t.Fatalf("a module with a wrong password: %v, want refused naming the login or password, without it", err)
	}
	mod.Credentials[billmanager.SecretPassword] = reseller.Password
	created, err := admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: mod})
	must(t, err)
	modID := created.GetModule().GetId()
	products, err := admin.Module.ListModuleProducts(ctx, &certsvcv1.ListModuleProductsRequest{Id: modID})
	if err != nil || !hasProduct(products.GetProducts(), "3033") {
		t.Fatalf("the upstream's products: %v %v", err, products)
	}

	buyer := rs.NewCustomer(t, "buyer", "RUB")
	deposit(t, admin, buyer.Account.GetId(), 10_000_000)
	cl := rs.Clients(apitest.ConnectJSON, buyer.Auth)
	order := func(cn string) *certsvcv1.Certificate {
		t.Helper()
		return mustCert(t)(cl.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
			Subject: &certsvcv1.Subject{CommonName: cn}, Pay: true,
			Validations: []*certsvcv1.DomainValidation{{Domain: cn, Method: certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL, ApproverEmail: "admin@" + cn}},
		}))
	}
	charges := func() int { return upstreamCharges(t, upAdmin, reseller.Account.GetId()) }
	upstreamOrders := func() int { return upstreamCertificates(t, upAdmin, reseller.Account.GetId()) }
	issued := func(id int64, cn string) (*certsvcv1.Certificate, *x509.Certificate) {
		t.Helper()
		c := syncUntil(t, admin, cl, id, stIssued)
		return c, upstreamLeaf(t, cl, id, cn, upRoots, upCA)
	}

	// An order ends issued by the upstream's CA, charged once there.
	c1 := order("shop.example.com")
	if c1.GetProcessingModuleId() != modID {
		t.Fatalf("ordered at module %d, want the upstream module %d", c1.GetProcessingModuleId(), modID)
	}
	c, leaf := issued(c1.GetId(), "shop.example.com")
	// BILLmanager's API has no revocation: refused naming the module, nothing sent.
	if _, err := cl.Cert.RevokeCertificate(ctx, &certsvcv1.RevokeCertificateRequest{Id: c1.GetId()}); codeOf(err) != connect.CodeFailedPrecondition ||
		!strings.Contains(err.Error(), `processing module "Upstream" (billmanager) cannot revoke`) {
		t.Errorf("revoke at the upstream BILLmanager: %v, want failed_precondition naming the module", err)
	}
	if n := charges(); n != 1 {
		t.Errorf("%d charges upstream after one order, want 1", n)
	}
	if c.GetCaOrderId() == "" {
		t.Errorf("no upstream order id stored: %v", c)
	}
	// The module reads the reseller's balance upstream (func=subaccount).
	refreshed, err := admin.Module.RefreshModuleBalance(ctx, &certsvcv1.RefreshModuleBalanceRequest{Id: modID})
	must(t, err)
	upAcc, err := upAdmin.Account.GetAccount(ctx, &certsvcv1.GetAccountRequest{Id: reseller.Account.GetId()})
	must(t, err)
	if b := refreshed.GetModule().GetBalance(); b.GetAmountMinor() != upAcc.GetAccount().GetBalanceMinor() || b.GetCurrency() != "RUB" {
		t.Errorf("module balance %v, want the reseller's upstream balance %d RUB", b, upAcc.GetAccount().GetBalanceMinor())
	}

	// A reissue with a new key: the upstream signs the new key, free.
	// (Syncs start once the reissue reached the upstream: before, the
	// upstream rightly shows the old certificate as issued.)
	since := time.Now()
	mustCert(t)(cl.Cert.ReissueCertificate(ctx, &certsvcv1.ReissueCertificateRequest{Id: c1.GetId(), KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P384}))
	waitCall(t, admin, modID, since, "certificate.reissue.step2")
	_, leaf2 := issued(c1.GetId(), "shop.example.com")
	if leaf2.SerialNumber.Cmp(leaf.SerialNumber) == 0 || bytes.Equal(leaf2.RawSubjectPublicKeyInfo, leaf.RawSubjectPublicKeyInfo) {
		t.Errorf("reissue: same serial or same key")
	}
	if n := charges(); n != 1 {
		t.Errorf("%d charges upstream after a reissue, want 1", n)
	}

	// A renewal: prolonged upstream, charged once there, a new certificate.
	paid := c.GetPaidUntil().AsTime()
	since = time.Now()
	c = mustCert(t)(cl.Cert.RenewCertificate(ctx, &certsvcv1.RenewCertificateRequest{Id: c1.GetId()}))
	if !c.GetPaidUntil().AsTime().After(paid) {
		t.Errorf("renewal: paid until %v, was %v", c.GetPaidUntil().AsTime(), paid)
	}
	waitCall(t, admin, modID, since, "service.prolong")
	_, leaf3 := issued(c1.GetId(), "shop.example.com")
	if leaf3.SerialNumber.Cmp(leaf2.SerialNumber) == 0 {
		t.Errorf("renewal: the certificate was not renewed upstream")
	}
	if n := charges(); n != 2 {
		t.Errorf("%d charges upstream after an order and its renewal, want 2", n)
	}

	// The upstream is stopped: the order waits (no failover, nothing
	// placed) and is placed once when it is back.
	door.stop()
	since = time.Now()
	c2 := order("down.example.com")
	waitFailedCall(t, admin, modID, since)
	if got := get(t, cl, c2.GetId()); got.GetState() == stIssued || got.GetProcessingModuleId() != modID {
		t.Fatalf("while the upstream is down: %v at module %d", got.GetState(), got.GetProcessingModuleId())
	}
	if n := upstreamOrders(); n != 1 {
		t.Fatalf("%d orders upstream while it is down, want 1 (the first)", n)
	}
	door.start()
	issued(c2.GetId(), "down.example.com")
	if ok, failed := callsOf(t, admin, modID, since, "certificate.order.param"); ok != 1 || failed == 0 {
		t.Errorf("order while the upstream was down: %d calls answered, %d failed; want 1 answered after the failures", ok, failed)
	}
	if n, m := upstreamOrders(), charges(); n != 2 || m != 3 {
		t.Errorf("after the upstream came back: %d orders, %d charges upstream; want 2 and 3", n, m)
	}

	// The answer to an order is lost after the upstream placed it: the
	// worker finds it by remoteid instead of placing it again. (No sync
	// from the test here: the worker reconciles on its own.)
	since = time.Now()
	lose.arm("certificate.order.param")
	c3 := order("lost.example.com")
	waitState(t, cl, c3.GetId(), stIssued)
	upstreamLeaf(t, cl, c3.GetId(), "lost.example.com", upRoots, upCA)
	// The gateway would answer a second order.param with the same remoteid
	// with the first order; the provider must not even send it.
	if ok, failed := callsOf(t, admin, modID, since, "certificate.order.param"); !lose.fired.Load() || ok+failed != 1 {
		t.Errorf("lost answer (fired %v): certificate.order.param sent %d times, want once", lose.fired.Load(), ok+failed)
	}
	if n, m := upstreamOrders(), charges(); n != 3 || m != 4 {
		t.Errorf("after a lost answer: %d orders, %d charges upstream; want 3 and 4", n, m)
	}

	// No call the reseller logged holds the password.
	calls, err := admin.Module.ListModuleCalls(ctx, &certsvcv1.ListModuleCallsRequest{Id: modID, PageSize: 1000})
	must(t, err)
	for _, call := range calls.GetCalls() {
		all := call.GetUrl() + call.GetRequest() + call.GetResponse() + call.GetError()
		if strings.Contains(all, reseller.Password) || strings.Contains(all, url.QueryEscape(reseller.Password)) {
			t.Fatalf("call %d logs the upstream password: %s", call.GetId(), all)
		}
	}
}

// builtinCerts returns the certificates (intermediate and root) of the
// built-in CA of an instance.
func builtinCerts(t *testing.T, admin apitest.Clients) []byte {
	t.Helper()
	mods, err := admin.Module.ListProcessingModules(context.Background(), &certsvcv1.ListProcessingModulesRequest{})
	must(t, err)
	for _, m := range mods.GetModules() {
		if m.GetKind() == certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA {
			return []byte(m.GetSettings()[builtin.SettingCACerts])
		}
	}
	t.Fatal("no built-in CA")
	return nil
}

func hasProduct(ps []*certsvcv1.ModuleProduct, code string) bool {
	for _, p := range ps {
		if p.GetCode() == code && len(p.GetPeriodMonths()) > 0 {
			return true
		}
	}
	return false
}

// syncUntil asks the reseller to sync the order with the upstream until it
// reaches want: the worker's own polls back off to seconds.
func syncUntil(t *testing.T, admin, cl apitest.Clients, id int64, want certsvcv1.CertificateState) *certsvcv1.Certificate {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		// A failed sync (the order not placed yet) is retried.
		_, _ = admin.Cert.SyncCertificates(context.Background(), &certsvcv1.SyncCertificatesRequest{Ids: []int64{id}})
		c := get(t, cl, id)
		if c.GetState() == want {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificate %d: state %v (%s), want %v", id, c.GetState(), c.GetStatusMessage(), want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// upstreamLeaf checks the reseller's full chain of an issued certificate
// against the upstream's built-in CA root and returns the leaf.
func upstreamLeaf(t *testing.T, cl apitest.Clients, id int64, cn string, roots *x509.CertPool, upstreamCA []byte) *x509.Certificate {
	t.Helper()
	full := file(t, cl, id, certsvcv1.FileType_FILE_TYPE_FULLCHAIN, "")
	block, rest := pem.Decode(full.GetContent())
	if block == nil {
		t.Fatalf("certificate %d: no PEM in the full chain", id)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	must(t, err)
	inter := x509.NewCertPool()
	inter.AppendCertsFromPEM(rest)
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: cn, Roots: roots, Intermediates: inter}); err != nil {
		// Tell a missing intermediate from a certificate of another CA.
		inter.AppendCertsFromPEM(upstreamCA)
		_, werr := leaf.Verify(x509.VerifyOptions{DNSName: cn, Roots: roots, Intermediates: inter})
		t.Errorf("certificate %d: the chain (leaf and %d more) does not verify against the upstream's root: %v; "+
			"with the upstream's intermediate added: %v", id, bytes.Count(rest, []byte("BEGIN CERTIFICATE")), err, werr)
	}
	return leaf
}

func upstreamCharges(t *testing.T, admin apitest.Clients, account int64) int {
	t.Helper()
	res, err := admin.Account.ListLedgerEntries(context.Background(), &certsvcv1.ListLedgerEntriesRequest{AccountId: account, PageSize: 1000})
	must(t, err)
	n := 0
	for _, e := range res.GetEntries() {
		if e.GetKind() == certsvcv1.LedgerEntryKind_LEDGER_ENTRY_KIND_CHARGE {
			n++
		}
	}
	return n
}

func upstreamCertificates(t *testing.T, admin apitest.Clients, account int64) int {
	t.Helper()
	res, err := admin.Cert.ListCertificates(context.Background(), &certsvcv1.ListCertificatesRequest{
		Filter: &certsvcv1.CertificateFilter{AccountId: account, IncludeDeleted: true}, PageSize: 100})
	must(t, err)
	return len(res.GetCertificates())
}

// callsOf counts the module's calls of fn after since: answered (HTTP 200)
// and failed.
func callsOf(t *testing.T, admin apitest.Clients, modID int64, since time.Time, fn string) (ok, failed int) {
	t.Helper()
	res, err := admin.Module.ListModuleCalls(context.Background(), &certsvcv1.ListModuleCallsRequest{Id: modID, PageSize: 1000})
	must(t, err)
	for _, c := range res.GetCalls() {
		if !c.GetCreateTime().AsTime().After(since) || !strings.Contains(c.GetRequest(), "func="+url.QueryEscape(fn)+"&") {
			continue
		}
		if c.GetStatus() == http.StatusOK && c.GetError() == "" {
			ok++
		} else {
			failed++
		}
	}
	return ok, failed
}

// waitFailedCall waits until the module logs a call that failed after since.
func waitFailedCall(t *testing.T, admin apitest.Clients, modID int64, since time.Time) {
	t.Helper()
	waitModuleCall(t, admin, modID, since, "a failed call", func(c *certsvcv1.ModuleCall) bool { return c.GetError() != "" })
}

// waitCall waits until the module logs a successful call of fn after since
// (the module's debug log keeps the request bodies).
func waitCall(t *testing.T, admin apitest.Clients, modID int64, since time.Time, fn string) {
	t.Helper()
	waitModuleCall(t, admin, modID, since, fn, func(c *certsvcv1.ModuleCall) bool {
		return c.GetStatus() == http.StatusOK && strings.Contains(c.GetRequest(), "func="+url.QueryEscape(fn)+"&")
	})
}

func waitModuleCall(t *testing.T, admin apitest.Clients, modID int64, since time.Time, what string, match func(*certsvcv1.ModuleCall) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := admin.Module.ListModuleCalls(context.Background(), &certsvcv1.ListModuleCallsRequest{Id: modID, PageSize: 1000})
		must(t, err)
		for _, c := range res.GetCalls() {
			if c.GetCreateTime().AsTime().After(since) && match(c) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the module logged no %s after %v", what, since)
}

// frontDoor is a TCP proxy in front of the upstream that can be stopped
// (connections refused, open ones cut) and started again on its address.
type frontDoor struct {
	t        *testing.T
	url      string
	addr     string
	upstream string // host:port

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newFrontDoor(t *testing.T, upstreamURL string) *frontDoor {
	u, err := url.Parse(upstreamURL)
	must(t, err)
	d := &frontDoor{t: t, upstream: u.Host, conns: map[net.Conn]bool{}}
	d.listen("127.0.0.1:0")
	d.addr = d.ln.Addr().String()
	d.url = "https://" + d.addr
	t.Cleanup(d.stop)
	return d
}

func (d *frontDoor) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	must(d.t, err)
	d.mu.Lock()
	d.ln = ln
	d.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go d.pipe(c)
		}
	}()
}

func (d *frontDoor) pipe(c net.Conn) {
	u, err := net.Dial("tcp", d.upstream)
	if err != nil {
		c.Close()
		return
	}
	d.mu.Lock()
	d.conns[c], d.conns[u] = true, true
	d.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(u, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, u); done <- struct{}{} }()
	<-done
	c.Close()
	u.Close()
	d.mu.Lock()
	delete(d.conns, c)
	delete(d.conns, u)
	d.mu.Unlock()
}

// stop refuses new connections and cuts the open ones.
func (d *frontDoor) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ln != nil {
		d.ln.Close()
		d.ln = nil
	}
	for c := range d.conns {
		c.Close()
	}
}

// start listens again on the same address.
func (d *frontDoor) start() { d.listen(d.addr) }

// loseAnswer is the reseller's transport to the upstream. Armed for a
// function, it lets the next call of it reach the upstream, which acts on
// it, and then loses the answer as a dropped connection would.
type loseAnswer struct {
	base  http.RoundTripper
	mu    sync.Mutex
	fn    string
	fired atomic.Bool
}

func (l *loseAnswer) arm(fn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fn = fn
}

func (l *loseAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	fn := l.fn
	l.mu.Unlock()
	if fn == "" || req.Body == nil {
		return l.base.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	res, err := l.base.RoundTrip(req)
	if err != nil || form.Get("func") != fn {
		return res, err
	}
	l.mu.Lock()
	l.fn = ""
	l.mu.Unlock()
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	l.fired.Store(true)
	return nil, errors.New("read: connection reset by peer (the answer was lost)")
}
