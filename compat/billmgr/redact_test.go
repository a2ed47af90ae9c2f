package billmgr_test

import (
	"bytes"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/compat/billmgr"
)

func TestRedact(t *testing.T) {
	in := url.Values{
		"authinfo":     {"reseller@example.org:pa:ss"},
		"AuthInfo":     {"other@example.org:pw2"},
		"password":     {"p1"},
		"passwd":       {"p2"},
		"key":          {"KEY"},
		"auth":         {"sess"},
		"old_password": {"p3"},
		"auth_token":   {"t1"},
		"partner_code": {"pc1"},
		"Token":        {"t2"},
		"api_secret":   {"s1"},
		"pass":         {"p4"},
		"PWD":          {"p5"},
		"csr":          {"-----BEGIN CERTIFICATE REQUEST-----"},
		"note":         {"-----BEGIN EC PRIVATE KEY-----\nabc"},
		"back":         {"https://h/billmgr?func=x&AUTHINFO=me:hunter2&token=t3"},
		"func":         {"certificate.order.param"},
		"CN":           {"www.example.org"},
	}
	want := url.Values{
		"authinfo":     {"reseller@example.org:" + billmgr.Redacted},
		"AuthInfo":     {"other@example.org:" + billmgr.Redacted},
		"password":     {billmgr.Redacted},
		"passwd":       {billmgr.Redacted},
		"key":          {billmgr.Redacted},
		"auth":         {billmgr.Redacted},
		"old_password": {billmgr.Redacted},
		"auth_token":   {billmgr.Redacted},
		"partner_code": {billmgr.Redacted},
		"Token":        {billmgr.Redacted},
		"api_secret":   {billmgr.Redacted},
		"pass":         {billmgr.Redacted},
		"PWD":          {billmgr.Redacted},
		"csr":          {"-----BEGIN CERTIFICATE REQUEST-----"},
		"note":         {billmgr.Redacted},
		"back":         {"https://h/billmgr?func=x&AUTHINFO=me:" + billmgr.Redacted + "&token=" + billmgr.Redacted},
		"func":         {"certificate.order.param"},
		"CN":           {"www.example.org"},
	}
	got := billmgr.Redact(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Redact =\n%v\nwant\n%v", got, want)
	}
	if in.Get("password") != "p1" {
		t.Error("Redact modified its input")
	}
	if billmgr.Redact(nil) != nil {
		t.Error("Redact(nil) != nil")
	}
}

func TestEchoValue(t *testing.T) {
	long := strings.Repeat("я", 100)
	tests := []struct{ name, value, want string }{
		{"CN", "www.example.org", "www.example.org"},
		{"CN", "", ""},
		{"Password", "x", billmgr.Redacted},
		{"partner_code", "x", billmgr.Redacted},
		{"csr", "-----BEGIN CERTIFICATE REQUEST-----\nMII", billmgr.Redacted},
		{"note", "MII PRIVATE KEY", billmgr.Redacted},
		{"O", long, strings.Repeat("я", billmgr.MaxEchoedValue) + "…"},
		{"O", "\xff", "\uFFFD"},
	}
	for _, tt := range tests {
		if got := billmgr.EchoValue(tt.name, tt.value); got != tt.want {
			t.Errorf("EchoValue(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// TestSummary: a log summary of any request is bounded and shows values
// only of the allow-list, never a secret.
func TestSummary(t *testing.T) {
	v := url.Values{
		"func":     {"checkevent"},
		"out":      {"xml"},
		"authinfo": {"reseller:s3cret"},
		"token":    {"tok3n"},
		"CN":       {"www.example.org"},
		"elid":     {strings.Repeat("9", 1000)},
		"data":     {strings.Repeat("x", 1<<20)},
	}
	for i := range 100 {
		v.Set("p"+strings.Repeat("n", i), "value")
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Warn("m", "params", billmgr.Summary(v))
	out := logs.String()
	if len(out) > 2048 {
		t.Fatalf("summary of %d parameters is %d bytes: %s", len(v), len(out), out)
	}
	for _, leak := range []string{"s3cret", "tok3n", "www.example.org", "xxxx", strings.Repeat("9", 40)} {
		if strings.Contains(out, leak) {
			t.Errorf("summary shows %q: %s", leak, out)
		}
	}
	for _, want := range []string{`"count":107`, "func(10)=checkevent", "out(3)=xml", "CN(15)", "authinfo(15)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q: %s", want, out)
		}
	}
}
