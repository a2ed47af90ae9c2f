package billmgr_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/compat/billmgr/billmgrtest"
)

// TestPEMParamRepair: a CSR arrives intact however the client sent it.
func TestPEMParamRepair(t *testing.T) {
	csr := billmgrtest.CSR(t)
	oneLine := strings.ReplaceAll(strings.TrimSpace(csr), "\n", " ")
	crlf := strings.ReplaceAll(csr, "\n", "\r\n")
	tests := []struct {
		name, body string
	}{
		{"form-encoded", "csr=" + url.QueryEscape(csr)},
		{"path-escaped", "csr=" + url.PathEscape(csr)},
		{"raw, '+' and line breaks unencoded", "csr=" + csr},
		{"raw CRLF", "csr=" + crlf},
		{"raw on one line", "csr=" + oneLine},
		{"'+' and spaces form-encoded on one line", "csr=" + url.QueryEscape(oneLine)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/billmgr", strings.NewReader("func=x&"+tc.body))
			req, err := billmgr.ParseRequest(r, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := req.PEM("csr"); got != csr {
				t.Errorf("got\n%q\nwant\n%q", got, csr)
			}
		})
	}
	r := httptest.NewRequest(http.MethodGet, "/billmgr?func=x&csr=not-a-pem", nil)
	req, _ := billmgr.ParseRequest(r, 0)
	if got := req.PEM("csr"); got != "not-a-pem" {
		t.Errorf("a value that is not PEM: got %q, want it unchanged", got)
	}
}

// TestParamValues: Value trims and puts back a phone's unencoded '+'; Int,
// ID and IDs read numbers and name the parameter they cannot read.
func TestParamValues(t *testing.T) {
	req, err := billmgr.ParseRequest(httptest.NewRequest(http.MethodPost, "/billmgr",
		strings.NewReader("func=x&adm_phone=+7 (111) 111-11-11&CN=+example.com &period=24&big=99999999999&elid=4711, 4712")), 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Value("adm_phone"); got != "+7 (111) 111-11-11" {
		t.Errorf("Value(adm_phone) = %q, want the '+' restored", got)
	}
	if got := req.Value("CN"); got != "example.com" {
		t.Errorf("Value(CN) = %q, want the '+' of a name that is no phone read as a space and trimmed", got)
	}
	if n, err := req.Int("period", 32); n != 24 || err != nil {
		t.Errorf("Int(period) = %d, %v", n, err)
	}
	if n, err := req.Int("absent", 32); n != 0 || err != nil {
		t.Errorf("Int(absent) = %d, %v, want 0", n, err)
	}
	var pe *billmgr.ParamError
	if _, err := req.Int("big", 32); !errors.As(err, &pe) || pe.Name != "big" || pe.Value != "99999999999" || pe.Missing {
		t.Errorf("Int(big, 32) error = %#v, want invalid big", err)
	}
	if ids, err := req.IDs(); err != nil || !reflect.DeepEqual(ids, []int64{4711, 4712}) {
		t.Errorf("IDs() = %v, %v", ids, err)
	}
	if _, err := req.ID(); !errors.As(err, &pe) || pe.Name != "elid" || pe.Value != "4711, 4712" {
		t.Errorf("ID() of two ids: %v, want invalid elid", err)
	}
	for query, want := range map[string]string{
		"func=x":             "parameter elid is required",
		"func=x&elid=abc":    "parameter elid is invalid",
		"func=x&elid=1,%200": "parameter elid is invalid",
	} {
		req, _ := billmgr.ParseRequest(httptest.NewRequest(http.MethodGet, "/billmgr?"+query, nil), 0)
		if _, err := req.ID(); err == nil || err.Error() != want {
			t.Errorf("%s: ID() error %v, want %q", query, err, want)
		}
	}
	if err := billmgr.BadParam("crt_type", "x", "use %s", "generate"); err.Error() != "parameter crt_type: crt_type: use generate" {
		t.Errorf("BadParam: %q", err)
	}
}

// TestCertificateParam: an uploaded certificate is read as PEM (its
// base64 '+' put back), base64 DER or raw DER; anything else names the
// parameter.
func TestCertificateParam(t *testing.T) {
	der := []byte{0x30, 0x82, 0x01, 0x02, 0xfb}
	tests := []struct {
		name, value string
		want        string
		err         string
	}{
		{"pem", "-----BEGIN CERTIFICATE-----\nMII B\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nMII+B\n-----END CERTIFICATE-----", ""},
		{"base64 with spaces for '+'", "MIIB AgM", "\x30\x82\x01\xf8\x08\x0c", ""},
		{"raw DER", string(der), string(der), ""},
		{"absent", "", "", "parameter crt is required"},
		{"not a certificate", "hello!", "", "parameter crt is invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := multipartRequest(t, "crt", tc.value)
			got, err := req.Certificate("crt")
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v, want %q", got, err, tc.want)
			}
		})
	}
}

func multipartRequest(t *testing.T, name, value string) *billmgr.Request {
	t.Helper()
	body := "--B\r\nContent-Disposition: form-data; name=\"func\"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"" +
		name + "\"\r\n\r\n" + value + "\r\n--B--\r\n"
	r := httptest.NewRequest(http.MethodPost, "/billmgr", strings.NewReader(body))
	r.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	req, err := billmgr.ParseRequest(r, 0)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestFlagsAndDates: check boxes and dates as BILLmanager writes them.
func TestFlagsAndDates(t *testing.T) {
	for v, want := range map[string]bool{"on": true, " Yes": true, "TRUE": true, "1": true, "ok": true, "off": false, "": false, "2": false, "null": false} {
		if billmgr.IsOn(v) != want {
			t.Errorf("IsOn(%q) = %v", v, !want)
		}
	}
	if billmgr.OnOff(true) != "on" || billmgr.OnOff(false) != "off" {
		t.Error("OnOff does not give on/off")
	}
	for v, want := range map[string]string{"2026-03-01": "2026-03-01T00:00:00Z", "2026-03-01 10:11:12": "2026-03-01T10:11:12Z"} {
		if got, err := billmgr.ParseDate(v); err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseDate(%q) = %v, %v, want %s", v, got, err, want)
		}
	}
	if _, err := billmgr.ParseDate("01.03.2026"); err == nil {
		t.Error("ParseDate accepts 01.03.2026")
	}
}
