package thesslstore

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/provider"
)

func TestStateOf(t *testing.T) {
	pending := []provider.DCVInstruction{{Status: "valid"}, {Status: "pending"}}
	valid := []provider.DCVInstruction{{Status: "valid"}}
	tests := []struct {
		major, minor string
		dcv          []provider.DCVInstruction
		want         provider.State
	}{
		{"Initial", "", nil, provider.StateSubmitted},
		{"Pending", "", pending, provider.StateAwaitingDCV},
		{"Pending", "", nil, provider.StateAwaitingDCV},
		{"Pending", "ORG_VALIDATION", valid, provider.StateProcessing},
		{"Active", "", nil, provider.StateIssued},
		{"Active", "PENDING_REISSUE", nil, provider.StateReissuing},
		{"active", "pending_reissue", nil, provider.StateReissuing},
		{"issued", "", nil, provider.StateIssued},
		{"Cancelled", "", nil, provider.StateCancelled},
		{"refunded", "", nil, provider.StateCancelled},
		{"revoked", "", nil, provider.StateRevoked},
		{"rejected", "", nil, provider.StateFailed},
		{"certgen_failed", "", nil, provider.StateFailed},
		{"expired", "", nil, provider.StateExpired},
		{"SomethingNew", "", nil, provider.StateProcessing},
	}
	for _, tc := range tests {
		if got := stateOf(tc.major, tc.minor, tc.dcv); got != tc.want {
			t.Errorf("stateOf(%q, %q) = %q, want %q", tc.major, tc.minor, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 6, 1, 12, 30, 15, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"2026-06-01T12:30:15", want, true},
		{"2026-06-01T12:30:15Z", want, true},
		{"2026-06-01T14:30:15+02:00", want, true},
		{"2026-06-01T12:30:15.000", want, true},
		{"6/1/2026 12:30:15 PM", want, true},
		{"06/01/2026 12:30:15", want, true},
		{"/Date(1780317015000)/", want, true},
		{"/Date(1780317015000+0200)/", want, true},
		{"next Tuesday", time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := parseDate(tc.in)
		if !got.Equal(tc.want) || ok != tc.ok {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUSDMinor(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"0", 0, false},
		{"9.95", 995, false},
		{"9.9", 990, false},
		{"12", 1200, false},
		{"-3.50", -350, false},
		{"1.005", 101, false},
		{"1.0049", 100, false},
		{"", 0, true},
		{"1e3", 0, true},
		{"1,000.00", 0, true},
	}
	for _, tc := range tests {
		got, err := usdMinor(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("usdMinor(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestErrorKind(t *testing.T) {
	byOrder, other := epStatus, epProducts
	tests := []struct {
		ep   endpoint
		msg  string
		want error
	}{
		{epNewOrder, "Insufficient balance in your account.", provider.ErrInsufficientFunds},
		{epNewOrder, "Your account does not have enough funds (credit limit reached).", provider.ErrInsufficientFunds},
		{epNewOrder, "The order amount exceeds your account balance.", provider.ErrInsufficientFunds},
		{epNewOrder, "Invalid ApproverEmail for balance.example.com.", provider.ErrRejected},
		{epNewOrder, "Invalid ProductCode.", provider.ErrRejected},
		{epNewOrder, "Product not found.", provider.ErrRejected}, // not about an order: no ErrNotFound
		{byOrder, "No order found for the given CustomOrderID.", provider.ErrNotFound},
		{byOrder, "Invalid TheSSLStoreOrderID.", provider.ErrNotFound},
		{byOrder, "Order does not exist.", provider.ErrNotFound},
		{byOrder, "Invalid PartnerCode or AuthToken.", provider.ErrRejected},
		{other, "not found", provider.ErrRejected},
	}
	for _, tc := range tests {
		if got := errorKind(tc.ep, tc.msg); got != tc.want {
			t.Errorf("errorKind(%s, %q) = %v, want %v", tc.ep.name, tc.msg, got, tc.want)
		}
	}
	for msg, want := range map[string]bool{
		"CustomOrderID ord-1 already exists.":  true,
		"Duplicate Custom Order ID.":           true,
		"The CustomOrderID must be unique.":    true,
		"Invalid ProductCode.":                 false,
		"Order already exists for this domain": false,
	} {
		if got := isDuplicateRef(msg); got != want {
			t.Errorf("isDuplicateRef(%q) = %v, want %v", msg, got, want)
		}
	}
	for msg, want := range map[string]bool{
		"A reissue of this order is already pending.": true,
		"Reissue already in progress.":                true,
		"Only an active order can be reissued.":       false,
	} {
		if got := isReissuePending(msg); got != want {
			t.Errorf("isReissuePending(%q) = %v, want %v", msg, got, want)
		}
	}
}

func TestRedaction(t *testing.T) {
	c := &client{partner: "partner-1234", token: "token-5678"}
	ep := epValidate
	err := c.check(ep, "r", authResponse{IsError: true, Message: messages{"Bad token token-5678 for partner-1234"}})
	if !errors.Is(err, provider.ErrRejected) || strings.Contains(err.Error(), "5678") || strings.Contains(err.Error(), "partner-1234") {
		t.Errorf("check = %v, want ErrRejected without credentials", err)
	}
	err = c.fail(ep, provider.ErrUnavailable, errors.New("echo token-5678"))
	if !errors.Is(err, provider.ErrUnavailable) || strings.Contains(err.Error(), "token-5678") {
		t.Errorf("fail = %v", err)
	}
	if err := c.check(ep, "mine", authResponse{ReplayToken: "theirs"}); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("a reply to another request = %v, want ErrUnavailable", err)
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.thesslstore.com", "https://api.thesslstore.com/rest/"},
		{"https://api.thesslstore.com/rest", "https://api.thesslstore.com/rest/"},
		{"https://api.thesslstore.eu/rest/", "https://api.thesslstore.eu/rest/"},
		{"https://proxy.example.com/sslstore/", "https://proxy.example.com/sslstore/rest/"},
		{"http://localhost:8080", "http://localhost:8080/rest/"},
		{"http://[::1]:8080/rest", "http://[::1]:8080/rest/"},
	}
	for _, tc := range tests {
		got, err := baseURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("baseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"http://api.thesslstore.com", "ftp://x.example", "https://u:p@x.example", "https://x.example/?a=b", "/rest"} {
		if _, err := baseURL(bad); err == nil {
			t.Errorf("baseURL(%q) accepted", bad)
		}
	}
}

func TestMessagesAndText(t *testing.T) {
	var a struct {
		M  messages
		T  text
		N  text
		Z  text
		M2 messages
	}
	if err := json.Unmarshal([]byte(`{"M":"one","T":"12345","N":9.95,"Z":null,"M2":["a","b"]}`), &a); err != nil {
		t.Fatal(err)
	}
	if len(a.M) != 1 || a.M[0] != "one" || a.T != "12345" || a.N != "9.95" || a.Z != "" || len(a.M2) != 2 {
		t.Errorf("decoded %+v", a)
	}
}

// TestChainPEM sorts the downloaded files leaf first, drops the root and
// reads PEM, bare base64 and URL-encoded PEM.
func TestChainPEM(t *testing.T) {
	root, rootKey := testCert(t, "root", nil, nil, true)
	inter, interKey := testCert(t, "intermediate", root, rootKey, true)
	leaf, _ := testCert(t, "www.example.com", inter, interKey, false)
	pemOf := func(c *x509.Certificate) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	files := []certFile{
		{FileName: "root.crt", FileContent: pemOf(root)},
		{FileName: "README.txt", FileContent: "Install these files on your server."},
		{FileName: "intermediate.crt", FileContent: base64.StdEncoding.EncodeToString(inter.Raw)},
		{FileName: "leaf.crt", FileContent: url.QueryEscape(pemOf(leaf))},
	}
	chain, gotLeaf, err := chainPEM(files)
	if err != nil {
		t.Fatalf("chainPEM: %v", err)
	}
	if want := pemOf(leaf) + pemOf(inter); chain != want {
		t.Errorf("chain =\n%s\nwant leaf then intermediate:\n%s", chain, want)
	}
	if !gotLeaf.Equal(leaf) {
		t.Error("wrong leaf")
	}
	if _, _, err := chainPEM([]certFile{{FileContent: "nothing"}}); err == nil {
		t.Error("chainPEM of no certificate succeeded")
	}
}

func testCert(t *testing.T, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, ca bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		BasicConstraintsValid: true, IsCA: ca}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}
