package acme_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
)

// TestPebbleBinary runs the real Pebble program, built from the module
// cache, on free loopback ports, with its chaos left on (5% of nonces
// rejected, authorizations reused half the time) and its own Retry-After
// timing, and issues through it by HTTP-01 and DNS-01.
func TestPebbleBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the Pebble binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pebble")
	goBin, err := exec.LookPath("go")
	if err != nil {
		skipUnlessCI(t, "no go command to build Pebble: %v", err)
	}
	start := time.Now()
	build := exec.CommandContext(t.Context(), goBin, "build", "-o", bin, "github.com/letsencrypt/pebble/v2/cmd/pebble")
	if out, err := build.CombinedOutput(); err != nil {
		skipUnlessCI(t, "cannot build Pebble (offline without a module cache?): %v\n%s", err, out)
	}
	t.Logf("built Pebble in %v", time.Since(start))

	certFile, keyFile, pool := serverCert(t, dir)
	web := acme.NewMemoryPublisher()
	webPort := serveHTTP(t, web)
	dnsSrv := startDNS(t)
	acmeAddr, mgmtAddr := freeAddr(t), freeAddr(t)
	config := map[string]any{"pebble": map[string]any{
		"listenAddress":           acmeAddr,
		"managementListenAddress": mgmtAddr,
		"certificate":             certFile,
		"privateKey":              keyFile,
		"httpPort":                webPort,
		"tlsPort":                 portOf(t, freeAddr(t)),
		"keyAlgorithm":            "ecdsa",
		"domainBlocklist":         []string{"blocked-domain.example"},
		"retryAfter":              map[string]int{"authz": 1, "order": 1},
		"profiles":                map[string]any{"default": map[string]any{"description": "90 days", "validityPeriod": 7776000}},
	}}
	cfgFile := filepath.Join(dir, "pebble-config.json")
	data, _ := json.Marshal(config)
	if err := os.WriteFile(cfgFile, data, 0o600); err != nil {
		t.Fatal(err)
	}

	out := &syncBuffer{}
	cmd := exec.Command(bin, "-config", cfgFile, "-dnsserver", dnsSrv.addr)
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=5", "PEBBLE_AUTHZREUSE=50")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Pebble: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("Pebble's output:\n%s", out)
		}
	})

	client := &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	dirURL := "https://" + acmeAddr + "/dir"
	waitReady(t, client, dirURL, exited)

	cfg := provider.Config{ModuleID: 8, Name: "pebble-binary", HTTPClient: client, Logger: testLogger(t, io.Discard),
		Settings: map[string]string{acme.SettingDirectoryURL: dirURL, acme.SettingAgreeTOS: "true",
			acme.SettingProfile: "default", acme.SettingEmail: "ops@certsvc.test", acme.SettingDNSWait: "0s"},
		Secrets: map[string]string{}}
	kind := acme.KindWith(acme.Options{
		HTTPPublishers: map[string]acme.HTTPPublisher{"web": web},
		DNSProviders:   map[string]acme.DNSProvider{"dns": dnsSrv},
	})
	cfg, err = kind.Prepare(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	rootPEM := get(t, client, "https://"+mgmtAddr+"/roots/0")
	roots, err := pki.ParseCertificates(rootPEM)
	if err != nil || len(roots) != 1 {
		t.Fatalf("root from the management API: %v", err)
	}

	t.Run("ok/http-01", func(t *testing.T) {
		p := newProvider(t, kind, withSettings(cfg, acme.SettingHTTP, "web"))
		start := time.Now()
		r := issue(t, p, "bin-1", "example.com", "www.example.com")
		t.Logf("HTTP-01 issuance through the Pebble binary took %v", time.Since(start))
		leaf := checkChain(t, r.ChainPEM, roots[0], r.key, "example.com", "www.example.com")

		if err := p.(provider.Revoker).Revoke(t.Context(), r.RemoteRef, leaf.SerialNumber.Text(16), 0); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
		var status struct{ Status string }
		if err := json.Unmarshal(get(t, client, "https://"+mgmtAddr+"/cert-status-by-serial/"+leaf.SerialNumber.Text(16)), &status); err != nil {
			t.Fatal(err)
		}
		if status.Status != "Revoked" {
			t.Errorf("certificate status %q at the CA, want Revoked", status.Status)
		}
	})
	t.Run("ok/dns-01 wildcard", func(t *testing.T) {
		p := newProvider(t, kind, withSettings(cfg, acme.SettingDNS, "dns"))
		start := time.Now()
		r := issue(t, p, "bin-2", "example.org", "*.example.org")
		t.Logf("DNS-01 apex+wildcard issuance through the Pebble binary took %v", time.Since(start))
		checkChain(t, r.ChainPEM, roots[0], r.key, "example.org", "*.example.org")
	})
}

// skipUnlessCI skips the test for a reason outside the code under test (no
// go command, no module cache), except under CI=true, where the same reason
// fails it: CI must run the Pebble binary, not report a skip that hides it.
func skipUnlessCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+"\nCI=true: the Pebble binary test must run, not skip", args...)
	}
	t.Skipf(format, args...)
}

// withSettings is cfg with settings added, as key, value pairs.
func withSettings(cfg provider.Config, kv ...string) provider.Config {
	s := maps.Clone(cfg.Settings)
	for i := 0; i+1 < len(kv); i += 2 {
		s[kv[i]] = kv[i+1]
	}
	cfg.Settings = s
	return cfg
}

func waitReady(t *testing.T, client *http.Client, url string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("Pebble exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pebble not ready at %s: %v", url, err)
		}
	}
}

func get(t *testing.T, client *http.Client, url string) []byte {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return body
}

// freeAddr is a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func portOf(t *testing.T, addr string) int {
	_, port, _ := net.SplitHostPort(addr)
	var n int
	if _, err := fmt.Sscan(port, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// serverCert writes a self-signed certificate for 127.0.0.1 for Pebble's
// listeners (instead of its public test minica) and returns the pool that
// trusts it.
func serverCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pebble test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}
