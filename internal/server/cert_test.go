package server_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/provider/builtin"
)

// certEnv is a server with one funded customer.
type certEnv struct {
	env   *apitest.Env
	admin apitest.Clients
	cust  apitest.Customer
	c     apitest.Clients
}

func newCertEnv(t *testing.T, k dbtest.Kind, protocol apitest.Protocol, login string) certEnv {
	t.Helper()
	return newCertEnvWith(t, k, protocol, login, apitest.Options{})
}

// newCertEnvWith is newCertEnv with server options.
func newCertEnvWith(t *testing.T, k dbtest.Kind, protocol apitest.Protocol, login string, o apitest.Options) certEnv {
	t.Helper()
	env := apitest.NewWith(t, k.Open(t), o)
	admin := env.Clients(protocol, apitest.AdminAuth)
	cust := env.NewCustomer(t, login, "RUB")
	deposit(t, admin, cust.Account.GetId(), 10_000_000)
	return certEnv{env: env, admin: admin, cust: cust, c: env.Clients(protocol, cust.Auth)}
}

func deposit(t *testing.T, admin apitest.Clients, accountID, amount int64) {
	t.Helper()
	_, err := admin.Account.Deposit(context.Background(), &certsvcv1.DepositRequest{AccountId: accountID, AmountMinor: amount, Currency: "RUB"})
	if err != nil {
		t.Fatalf("deposit: %v", err)
	}
}

// waitState polls until the certificate reaches want or the test times out.
func waitState(t *testing.T, cl apitest.Clients, id int64, want certsvcv1.CertificateState) *certsvcv1.Certificate {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := cl.Cert.GetCertificate(context.Background(), &certsvcv1.GetCertificateRequest{Id: id})
		if err != nil {
			t.Fatalf("get certificate %d: %v", id, err)
		}
		c := res.GetCertificate()
		if c.GetState() == want {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificate %d: state %v (%s), want %v", id, c.GetState(), c.GetStatusMessage(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func rootPool(t *testing.T, admin apitest.Clients) *x509.CertPool {
	t.Helper()
	mods, err := admin.Module.ListProcessingModules(context.Background(), &certsvcv1.ListProcessingModulesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	for _, m := range mods.GetModules() {
		if m.GetKind() == certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA {
			root, err := builtin.RootPEM(m.GetSettings())
			if err != nil {
				t.Fatal(err)
			}
			pool.AppendCertsFromPEM(root)
		}
	}
	return pool
}

func codeOf(err error) connect.Code {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Code()
	}
	return 0
}

func reasonOf(err error) string {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return ""
	}
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if info, ok := v.(*errdetails.ErrorInfo); ok {
				return info.GetReason()
			}
		}
	}
	return ""
}

func TestCertificateSmoke(t *testing.T) { dbtest.EachKind(t, testCertificateSmoke) }

func testCertificateSmoke(t *testing.T, k dbtest.Kind) {
	for _, p := range apitest.Protocols {
		t.Run(string(p), func(t *testing.T) {
			e := newCertEnv(t, k, p, fmt.Sprintf("smoke-%s", p[:4]))
			ctx := context.Background()
			res, err := e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
				PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
				Subject: &certsvcv1.Subject{CommonName: "www.example.com"}, Pay: true,
			})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			c := waitState(t, e.c, res.GetCertificate().GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)
			f, err := e.c.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: c.GetId(), Type: certsvcv1.FileType_FILE_TYPE_FULLCHAIN})
			if err != nil {
				t.Fatalf("file: %v", err)
			}
			block, rest := pem.Decode(f.GetContent())
			leaf, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			inter := x509.NewCertPool()
			inter.AppendCertsFromPEM(rest)
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "www.example.com", Roots: rootPool(t, e.admin), Intermediates: inter}); err != nil {
				t.Fatalf("verify: %v", err)
			}
		})
	}
}

// Seeded plans the tests use.
const (
	planDV       = 3033  // single-name DV, www and bare
	planMulti    = 27648 // DV multi-domain, 3 names included, extra names 1,080.00 RUB
	planWildcard = 2028  // DV wildcard
	planEV       = 55330 // EV
)

// mustCert returns the certificate of a successful call: mustCert(t)(call(...)).
func mustCert(t *testing.T) func(res interface{ GetCertificate() *certsvcv1.Certificate }, err error) *certsvcv1.Certificate {
	return func(res interface{ GetCertificate() *certsvcv1.Certificate }, err error) *certsvcv1.Certificate {
		t.Helper()
		if err != nil {
			t.Fatalf("call failed: %v", err)
		}
		return res.GetCertificate()
	}
}

func balanceOf(t *testing.T, admin apitest.Clients, accountID int64) int64 {
	t.Helper()
	res, err := admin.Account.GetAccount(context.Background(), &certsvcv1.GetAccountRequest{Id: accountID})
	if err != nil {
		t.Fatal(err)
	}
	return res.GetAccount().GetBalanceMinor()
}

func eventNames(t *testing.T, cl apitest.Clients, id int64) []string {
	t.Helper()
	res, err := cl.Cert.ListCertificateEvents(context.Background(), &certsvcv1.ListCertificateEventsRequest{Id: id, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range res.GetEvents() {
		out = append(out, e.GetEvent())
	}
	return out
}

func file(t *testing.T, cl apitest.Clients, id int64, ft certsvcv1.FileType, password string) *certsvcv1.GetCertificateFileResponse {
	t.Helper()
	res, err := cl.Cert.GetCertificateFile(context.Background(), &certsvcv1.GetCertificateFileRequest{Id: id, Type: ft, Password: password})
	if err != nil {
		t.Fatalf("file %v: %v", ft, err)
	}
	return res
}

// verifyIssued checks the full chain of an issued certificate against the
// built-in CA's root and returns the leaf.
func verifyIssued(t *testing.T, e certEnv, cl apitest.Clients, id int64, name string) *x509.Certificate {
	t.Helper()
	full := file(t, cl, id, certsvcv1.FileType_FILE_TYPE_FULLCHAIN, "")
	block, rest := pem.Decode(full.GetContent())
	if block == nil {
		t.Fatalf("fullchain: no PEM")
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	inter := x509.NewCertPool()
	inter.AppendCertsFromPEM(rest)
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: rootPool(t, e.admin), Intermediates: inter}); err != nil {
		t.Fatalf("verify %s: %v", name, err)
	}
	return leaf
}
