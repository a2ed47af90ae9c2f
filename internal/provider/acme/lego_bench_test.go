package acme_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider/acme"
)

// legoEnv names the lego binary for BenchmarkIssueVsLego;
// scripts/bench-acme.sh builds it from tools/lego and sets it.
const legoEnv = "CERTSVC_LEGO"

// BenchmarkIssueVsLego times one HTTP-01 issuance of one name through the
// module and through lego's own CLI (the binary in $CERTSVC_LEGO), against
// one embedded Pebble, in one run. Run it with scripts/bench-acme.sh.
//
// Per op it reports certsvc-ms and lego-ms (wall time of one issuance
// each, the mean over the iterations), certsvc/lego (the ratio of the two
// sums), certsvc-reqs and lego-reqs (requests each sent to the CA per
// issuance: the protocol work, whatever the waits), lego-backoff-ms (the
// time lego slept before polling the authorization again, from its debug
// log: see below) and lego-exec-ms (the fastest of three `lego --version`
// before the loop: what starting the process costs). ns/op is both
// issuances plus the switching between them and means little. Each
// iteration's two times are logged too.
//
// How the two are kept comparable:
//
//   - The same CA: one Pebble, its chaos off as in the other tests (no
//     rejected nonces, no reused authorizations, no VA sleeps), no
//     Retry-After. Its VA fetches every HTTP-01 response from one free
//     loopback port. The module's challenge server (the MemoryPublisher that
//     the module publishes to) listens there during the module's turns and
//     is closed during lego's, when lego's own HTTP-01 server
//     (--http --http.address) takes the port. Opening and closing it is
//     outside both timings.
//   - Account registration is outside both timings: the module's account
//     is registered by Prepare before the loop, and lego's by an untimed
//     first `lego run` into the same --path, whose account every later run
//     loads from disk. That first run and one untimed issuance by the module
//     also warm both up.
//   - Each issuance is one new name, by HTTP-01 only, with a new ECDSA P-256
//     key generated inside the timing (lego's default EC256; newCSR for the
//     module), and the CA's "default" profile. certsvc names are
//     c<i>.bench.example.com, lego's l<i>.bench.example.com.
//   - The two take turns, and which goes first alternates every iteration,
//     so both see the same CA state and machine load.
//
// What each timing holds, which is not the same thing:
//
//   - certsvc: the module as the service runs it, a warm provider (directory
//     and nonce cached, the TLS connection to the CA kept) as in
//     BenchmarkIssueHTTP01: the CSR, PlaceOrder, then Sync every 20 ms
//     until issued (issue, syncUntil: the test polling, not the core's
//     backoff), with the tests' 200 ms finalize wait (pebbleCA.kind).
//   - lego: the CLI as a user runs it, each issuance a new process: start,
//     read the account, fetch the directory (new TLS connection), order,
//     serve and validate HTTP-01, finalize, write the certificate files, with
//     lego's own waits: right after accepting the challenge it reads the
//     authorization once and, unless the CA has validated already, again
//     after its backoff, 5 s randomised by ±50% when the challenge answer
//     has no Retry-After (Pebble's and Let's Encrypt's have none); after
//     finalizing it reads the order every --cert.timeout/60 (500 ms). Left
//     at the defaults: that is lego's own behaviour. So a lego issuance takes
//     either ~0.1-0.7 s (the VA won the race with the first read) or 2.5-7.5
//     s, and lego-backoff-ms says how much of lego-ms that wait was. lego
//     logs at debug level (for that figure) in text to a buffer; the module
//     logs at info level to a buffer.
func BenchmarkIssueVsLego(b *testing.B) {
	bin := os.Getenv(legoEnv)
	if bin == "" {
		b.Skipf("needs lego's CLI in $%s: run scripts/bench-acme.sh", legoEnv)
	}
	if _, err := os.Stat(bin); err != nil {
		b.Fatalf("$%s: %v", legoEnv, err)
	}
	sp := startSharedPebble(b)
	pc := sp.pc

	cfg := pc.rawConfig(b, map[string]string{acme.SettingHTTP: "web"})
	cfg.Logger = slog.New(slog.NewTextHandler(pc.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := pc.kind().Prepare(b.Context(), cfg) // the account: not timed
	if err != nil {
		b.Fatalf("Prepare: %v", err)
	}
	p := newProvider(b, pc.kind(), cfg)

	dir := b.TempDir()
	caFile := filepath.Join(dir, "pebble-tls.pem") // trusts Pebble's TLS server, for LEGO_CA_CERTIFICATES
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pc.srv.Certificate().Raw}), 0o600); err != nil {
		b.Fatal(err)
	}
	lego := legoCLI{bin: bin, dirURL: pc.dirURL, caFile: caFile, path: filepath.Join(dir, "lego"), httpAddr: sp.chal.addr}

	var certsvcD, legoD time.Duration
	var certsvcReqs, legoReqs int64
	var legoBackoff time.Duration
	runCertsvc := func(name string) time.Duration {
		sp.chal.open(b)
		n0 := sp.reqs.Load()
		start := time.Now()
		r := issue(b, p, name, name)
		d := time.Since(start)
		certsvcReqs += sp.reqs.Load() - n0
		checkChain(b, r.ChainPEM, pc.root(), r.key, name)
		return d
	}
	runLego := func(name string) time.Duration {
		sp.chal.close()
		n0 := sp.reqs.Load()
		d, out, err := lego.run(b.Context(), name)
		legoReqs += sp.reqs.Load() - n0
		if err != nil {
			b.Fatalf("lego run for %s: %v\n%s", name, err, out)
		}
		lego.check(b, name, pc)
		legoBackoff += backoffSlept(out)
		return d
	}

	// Untimed: lego registers its account, and both issue once.
	b.Logf("warm-up: certsvc %v, lego (registers its account) %v",
		runCertsvc("c-warm.bench.example.com").Round(time.Millisecond), runLego("l-warm.bench.example.com").Round(time.Millisecond))
	certsvcReqs, legoReqs, legoBackoff = 0, 0, 0
	execD := lego.execTime(b)

	n := 0
	for b.Loop() {
		cName, lName := fmt.Sprintf("c%d.bench.example.com", n), fmt.Sprintf("l%d.bench.example.com", n)
		var c, l time.Duration
		if n%2 == 0 {
			c = runCertsvc(cName)
			l = runLego(lName)
		} else {
			l = runLego(lName)
			c = runCertsvc(cName)
		}
		b.Logf("iteration %d: certsvc %v, lego %v", n, c.Round(time.Millisecond), l.Round(time.Millisecond))
		certsvcD += c
		legoD += l
		n++
	}
	if n == 0 {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(n) }
	b.ReportMetric(ms(certsvcD), "certsvc-ms")
	b.ReportMetric(ms(legoD), "lego-ms")
	b.ReportMetric(float64(certsvcD)/float64(legoD), "github.com/certsvc/certsvc/lego")
	b.ReportMetric(float64(certsvcReqs)/float64(n), "certsvc-reqs")
	b.ReportMetric(float64(legoReqs)/float64(n), "lego-reqs")
	b.ReportMetric(ms(legoBackoff), "lego-backoff-ms")
	b.ReportMetric(float64(execD)/float64(time.Millisecond), "lego-exec-ms")
}

// sharedPebble is an embedded Pebble set up as startPebble does, except
// that its VA fetches HTTP-01 responses from chal's address, which the
// module's challenge server and lego's take turns on, and that it counts
// the requests it serves.
type sharedPebble struct {
	pc   *pebbleCA
	chal *turnServer
	reqs *atomic.Int64
}

func startSharedPebble(tb testing.TB) sharedPebble {
	tb.Helper()
	web := acme.NewMemoryPublisher() // the module's answers, served on chal in its turns
	chal := newTurnServer(tb, web)
	reqs := &atomic.Int64{}
	pc := startPebble(tb, pebbleOpts{httpPort: chal.port, wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reqs.Add(1)
			h.ServeHTTP(w, r)
		})
	}})
	pc.web = web
	return sharedPebble{pc: pc, chal: chal, reqs: reqs}
}

// turnServer serves h on one loopback address while open; closed, the
// address is free for another program to listen on.
type turnServer struct {
	addr string
	port int
	h    http.Handler
	srv  *http.Server
	done chan struct{}
}

// newTurnServer opens a turnServer on a free loopback port.
func newTurnServer(tb testing.TB, h http.Handler) *turnServer {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &turnServer{addr: l.Addr().String(), port: l.Addr().(*net.TCPAddr).Port, h: h}
	s.serve(l)
	tb.Cleanup(s.close)
	return s
}

func (s *turnServer) serve(l net.Listener) {
	s.srv = &http.Server{Handler: s.h, ReadHeaderTimeout: 5 * time.Second}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(l)
	}()
}

// open listens again on the address, if closed. The program that had it
// has exited; a short retry covers its socket still closing.
func (s *turnServer) open(tb testing.TB) {
	tb.Helper()
	if s.srv != nil {
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.serve(l)
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("listen again on the challenge address: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// close stops serving and frees the address, if open.
func (s *turnServer) close() {
	if s.srv == nil {
		return
	}
	_ = s.srv.Close()
	<-s.done
	s.srv = nil
}

// legoCLI runs lego's CLI against the CA at dirURL, trusting its TLS
// certificate in caFile, with its accounts and certificates in path and
// its HTTP-01 server on httpAddr.
type legoCLI struct {
	bin, dirURL, caFile, path, httpAddr string
}

// legoTimeout bounds one lego run; its own waits are a few seconds.
const legoTimeout = 2 * time.Minute

func (l legoCLI) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, l.bin, args...)
	// Only the settings given here: no LEGO_* variable of the caller's.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "LEGO_") })
	cmd.Env = append(cmd.Env, "LEGO_CA_CERTIFICATES="+l.caFile)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run obtains a certificate for domain by HTTP-01 and returns the wall time
// of the process, from start to exit, and its output.
func (l legoCLI) run(ctx context.Context, domain string) (time.Duration, string, error) {
	ctx, cancel := context.WithTimeout(ctx, legoTimeout)
	defer cancel()
	cmd := l.command(ctx, "--log.format", "text", "--log.level", "debug", "run",
		"--server", l.dirURL, "--accept-tos", "--email", "bench@certsvc.test",
		"--domains", domain, "--key-type", "EC256", "--profile", "default",
		"--http", "--http.address", l.httpAddr, "--path", l.path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), out.String(), err
}

// check verifies the certificate lego wrote for domain, as checkChain does
// for the module's.
func (l legoCLI) check(tb testing.TB, domain string, pc *pebbleCA) {
	tb.Helper()
	certs := filepath.Join(l.path, "certificates")
	chain, err := os.ReadFile(filepath.Join(certs, domain+".crt"))
	if err != nil {
		tb.Fatalf("lego's certificate: %v", err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(certs, domain+".key"))
	if err != nil {
		tb.Fatalf("lego's key: %v", err)
	}
	key, err := pki.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		tb.Fatalf("lego's key: %v", err)
	}
	checkChain(tb, string(chain), pc.root(), key, domain)
}

// backoffSlept sums the waits lego announces in its debug log before
// polling an authorization again ("Validation retrying." ... duration=).
func backoffSlept(out string) time.Duration {
	var sum time.Duration
	for line := range strings.Lines(out) {
		if !strings.Contains(line, `msg="Validation retrying."`) {
			continue
		}
		_, v, ok := strings.Cut(line, " duration=")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(strings.TrimSpace(v), " ")
		if d, err := time.ParseDuration(v); err == nil {
			sum += d
		}
	}
	return sum
}

// execTime is the fastest of three `lego --version`: starting the process.
func (l legoCLI) execTime(tb testing.TB) time.Duration {
	tb.Helper()
	best := time.Duration(0)
	for range 3 {
		cmd := l.command(tb.Context(), "--version")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil {
			tb.Fatalf("lego --version: %v", err)
		}
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	return best
}
