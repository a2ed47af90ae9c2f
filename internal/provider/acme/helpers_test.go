package acme_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"io"
	"log"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/core"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
)

// Pebble's chaos (rejected nonces, reused authorizations, random sleeps) is
// off in the embedded CA so that tests are deterministic; the binary test
// keeps the rejected nonces and reused authorizations on.
var pebbleEnv = map[string]string{
	"PEBBLE_VA_NOSLEEP":      "1",
	"PEBBLE_WFE_NONCEREJECT": "0",
	"PEBBLE_AUTHZREUSE":      "0",
}

// pebbleCA is Let's Encrypt's test CA running inside the test process: its
// ACME server on an httptest TLS server, its validation authority resolving
// every name to 127.0.0.1 through a test DNS server and fetching HTTP-01
// responses from web, served on a free port.
type pebbleCA struct {
	srv    *httptest.Server
	dirURL string
	client *http.Client
	ca     *ca.CAImpl
	store  *db.MemoryStore
	web    *acme.MemoryPublisher // what the VA finds at http://<any name>:<port>/
	dns    *testDNS
	logs   *syncBuffer // what the module logged
}

type pebbleOpts struct {
	requireEAB bool
	eabKeys    map[string]string // kid → base64url MAC key
	// httpPort, when not 0, is where the VA fetches HTTP-01 responses
	// (someone else serves them there); 0 serves web on a free port.
	httpPort int
	// wrap, when set, wraps the ACME server's handler.
	wrap func(http.Handler) http.Handler
}

func startPebble(t testing.TB, o pebbleOpts) *pebbleCA {
	t.Helper()
	for k, v := range pebbleEnv {
		t.Setenv(k, v) // read by va.New and wfe.New
	}
	logger := log.New(pebbleLog(t), "pebble ", log.Lmicroseconds)
	dnsSrv := startDNS(t)
	web := acme.NewMemoryPublisher()
	httpPort := o.httpPort
	if httpPort == 0 {
		httpPort = serveHTTP(t, web)
	}

	store := db.NewMemoryStore()
	if err := store.AddBlockedDomain("blocked-domain.example"); err != nil {
		t.Fatal(err)
	}
	for kid, key := range o.eabKeys {
		if err := store.AddExternalAccountKeyByID(kid, key); err != nil {
			t.Fatal(err)
		}
	}
	profiles := map[string]ca.Profile{
		"default":    {Description: "90 days"},
		"shortlived": {Description: "6 days", ValidityPeriod: 6 * 24 * 3600},
	}
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, profiles)
	// The TLS-ALPN-01 port (0) is never used: the module does not offer it.
	validator := va.New(logger, httpPort, 0, false, dnsSrv.addr, store)
	front := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"},
		false, o.requireEAB, 0, 0)
	h := front.Handler()
	if o.wrap != nil {
		h = o.wrap(h)
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return &pebbleCA{srv: srv, dirURL: srv.URL + wfe.DirectoryPath, client: srv.Client(),
		ca: authority, store: store, web: web, dns: dnsSrv, logs: &syncBuffer{}}
}

// orders are the CA's orders of the module's account.
func (pc *pebbleCA) orders(cfg provider.Config) []*core.Order {
	u := cfg.Settings[acme.SettingAccountURL]
	return pc.store.GetOrdersByAccountID(u[strings.LastIndex(u, "/")+1:])
}

// challengeStatuses counts the challenges of the module's orders by status.
func (pc *pebbleCA) challengeStatuses(cfg provider.Config) map[string]int {
	out := map[string]int{}
	for _, o := range pc.orders(cfg) {
		o.RLock()
		authzs := o.AuthorizationObjects
		o.RUnlock()
		for _, a := range authzs {
			a.RLock()
			chals := a.Challenges
			a.RUnlock()
			for _, c := range chals {
				c.RLock()
				out[c.Status]++
				c.RUnlock()
			}
		}
	}
	return out
}

// root is the CA's root certificate, which issued chains lead to.
func (pc *pebbleCA) root() *x509.Certificate { return pc.ca.GetRootCert(0).Cert }

// kind is the module kind with the test's publishers: "web" (HTTP-01) and
// "dns" (DNS-01). Pebble issues asynchronously and x/crypto polls a
// processing order once a second, so a short finalize wait lets the next
// Sync pick the certificate up sooner (and tests that path).
func (pc *pebbleCA) kind() provider.Kind {
	return acme.KindWith(acme.Options{
		HTTPPublishers: map[string]acme.HTTPPublisher{"web": pc.web},
		DNSProviders:   map[string]acme.DNSProvider{"dns": pc.dns},
		FinalizeWait:   200 * time.Millisecond,
	})
}

// config is a module prepared against the CA, with settings added to the
// defaults (an empty value removes a default).
func (pc *pebbleCA) config(t testing.TB, settings map[string]string) provider.Config {
	t.Helper()
	cfg := pc.rawConfig(t, settings)
	out, err := pc.kind().Prepare(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return out
}

func (pc *pebbleCA) rawConfig(t testing.TB, settings map[string]string) provider.Config {
	s := map[string]string{
		acme.SettingDirectoryURL: pc.dirURL,
		acme.SettingEmail:        "ops@certsvc.test",
		acme.SettingAgreeTOS:     "true",
		acme.SettingProfile:      "default",
		acme.SettingDNSWait:      "0s",
	}
	maps.Copy(s, settings)
	maps.DeleteFunc(s, func(_, v string) bool { return v == "" })
	return provider.Config{ModuleID: 7, Name: "acme-test", Settings: s, Secrets: map[string]string{},
		HTTPClient: pc.client, Logger: testLogger(t, pc.logs)}
}

func newProvider(t testing.TB, k provider.Kind, cfg provider.Config) provider.Provider {
	t.Helper()
	p, err := k.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// syncUntil polls Sync as the core does, storing each answer's State, until
// the order is in one of the states.
func syncUntil(t testing.TB, p provider.Provider, r provider.Remote, states ...provider.State) provider.Remote {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for n := 0; !slices.Contains(states, r.State); n++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d syncs the order is %s (%s): %s", n, r.State, r.RawStatus, r.Message)
		}
		if n > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		next, err := p.Sync(t.Context(), r.RemoteRef)
		if err != nil {
			t.Fatalf("Sync %d: %v", n, err)
		}
		r = next
	}
	return r
}

// newCSR is a fresh key and a CSR for the names, PEM.
func newCSR(t testing.TB, names ...string) (crypto.Signer, string) {
	t.Helper()
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	der, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0], DNSNames: names[1:]})
	if err != nil {
		t.Fatal(err)
	}
	return key, string(pki.EncodeCSRPEM(der))
}

func orderRequest(ref, csr string, names ...string) provider.OrderRequest {
	return provider.OrderRequest{Ref: ref, CSRPEM: csr, CommonName: names[0], SANs: names[1:], Validation: "dv", PeriodMonths: 3}
}

// checkChain verifies an issued chain: it leads to root, is for key and
// names exactly the names.
func checkChain(t testing.TB, chainPEM string, root *x509.Certificate, key crypto.Signer, names ...string) *x509.Certificate {
	t.Helper()
	certs, err := pki.ParseCertificates([]byte(chainPEM))
	if err != nil {
		t.Fatalf("parse chain: %v", err)
	}
	if len(certs) < 2 {
		t.Fatalf("chain has %d certificates, want the leaf and its intermediate", len(certs))
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	leaf := certs[0]
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Fatalf("verify chain: %v", err)
	}
	if !pki.MatchesKey(leaf, key.Public()) {
		t.Error("the certificate is not for the CSR's key")
	}
	got, want := slices.Sorted(slices.Values(leaf.DNSNames)), slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("certificate names %v, want %v", got, want)
	}
	return leaf
}

func instruction(t testing.TB, r provider.Remote, domain string) provider.DCVInstruction {
	t.Helper()
	for _, in := range r.DCV {
		if in.Domain == domain {
			return in
		}
	}
	t.Fatalf("no validation instruction for %s in %+v", domain, r.DCV)
	return provider.DCVInstruction{}
}

// serveHTTP serves h on a free loopback port and returns the port.
func serveHTTP(t testing.TB, h http.Handler) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// testDNS is an authoritative DNS server over TCP (Pebble's VA asks over
// TCP) that answers every A query with 127.0.0.1, no AAAA, and TXT queries
// from records published through it as an acme.DNSProvider.
type testDNS struct {
	addr string

	mu       sync.Mutex
	txt      map[string][]string // by name, lower case, without the final dot
	presents int
}

var _ acme.DNSProvider = (*testDNS)(nil)

func startDNS(t testing.TB) *testDNS {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &testDNS{addr: l.Addr().String(), txt: map[string][]string{}}
	srv := &dns.Server{Listener: l, Handler: d}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return d
}

func (d *testDNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, q := range req.Question {
		hdr := dns.RR_Header{Name: q.Name, Rrtype: q.Qtype, Class: dns.ClassINET}
		switch q.Qtype {
		case dns.TypeA:
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.IPv4(127, 0, 0, 1)})
		case dns.TypeTXT:
			for _, v := range d.txt[strings.ToLower(strings.TrimSuffix(q.Name, "."))] {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr, Txt: []string{v}})
			}
		}
	}
	_ = w.WriteMsg(m)
}

func (d *testDNS) Present(_ context.Context, name, value string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.presents++
	if !slices.Contains(d.txt[name], value) {
		d.txt[name] = append(d.txt[name], value)
	}
	return nil
}

func (d *testDNS) CleanUp(_ context.Context, name, value string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.txt[name] = slices.DeleteFunc(d.txt[name], func(v string) bool { return v == value })
	if len(d.txt[name]) == 0 {
		delete(d.txt, name)
	}
	return nil
}

func (d *testDNS) records() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, v := range d.txt {
		n += len(v)
	}
	return n
}

// testLogger logs to the test's output and to logs, which a test can
// search for secrets.
func testLogger(t testing.TB, logs io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), logs), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// pebbleLog is where Pebble logs: nowhere unless CERTSVC_PEBBLE_LOG is set,
// and never after the test ended (Pebble's goroutines outlive it).
func pebbleLog(t testing.TB) io.Writer {
	if os.Getenv("CERTSVC_PEBBLE_LOG") == "" {
		return io.Discard
	}
	w := &untilDone{w: t.Output()}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	return w
}

type untilDone struct {
	mu   sync.Mutex
	w    io.Writer
	done bool
}

func (u *untilDone) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.done {
		return len(p), nil
	}
	return u.w.Write(p)
}
