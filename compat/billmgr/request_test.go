package billmgr_test

import (
	"bufio"
	"bytes"
	"errors"
	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/compat/billmgr/billmgrtest"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// rawRequest parses a request the way net/http's server does (from the
// wire), so the tests see exactly what the gateway will see.
func rawRequest(t testing.TB, method, target, contentType, body string, extra ...string) (*http.Request, error) {
	t.Helper()
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: api.example.net\r\n")
	if contentType != "" {
		b.WriteString("Content-Type: " + contentType + "\r\n")
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	if method == http.MethodPost {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n" + body)
	return http.ReadRequest(bufio.NewReader(strings.NewReader(b.String())))
}

func mustParse(t *testing.T, method, target, contentType, body string, extra ...string) *billmgr.Request {
	t.Helper()
	hr, err := rawRequest(t, method, target, contentType, body, extra...)
	if err != nil {
		t.Fatalf("net/http rejects the request: %v", err)
	}
	req, err := billmgr.ParseRequest(hr, 1<<20)
	if err != nil {
		t.Fatalf("ParseRequest: %v", err)
	}
	return req
}

const form = "application/x-www-form-urlencoded"

func TestParseSeedExamples(t *testing.T) {
	type want struct {
		fn     string
		out    billmgr.Format
		elids  []string
		sok    bool
		login  string
		pass   string
		params map[string]string // decoded values
		raw    map[string]string // RawParam values
		absent []string          // must not be in Params
	}
	tests := []struct {
		name   string
		method string
		target string // path?query for GET; path for POST
		body   string // POST body (form-urlencoded)
		want   want
	}{
		{
			name: "001 order.param (raw spaces, '+', line breaks) as POST", method: "POST",
			target: "/manager/billmgr?authinfo=USER:PASSWD&out=xml", body: billmgrtest.Seed001Order,
			want: want{fn: "certificate.order.param", out: billmgr.FormatXML, login: "USER", pass: "PASSWD",
				params: map[string]string{
					"remoteid": "{ID service}", "CN": "example.com", "OU": "",
					"adm_phone": " 7 (111) 111-11-11", "csr": "\n", "key": "\n",
					"approver_email_1": "admin@example.com", "pricelist": "115", "period": "12",
					"tech_phone_country": "182", "adm_phone_country": "182", "field_country": "182",
				},
				raw:    map[string]string{"adm_phone": "+7 (111) 111-11-11", "org_phone": "+7 (111) 111-11-11", "csr": "\n"},
				absent: []string{"clicked_button", "hfields", "like_admin", "newbasket"},
			},
		},
		{
			name: "001 reissue oldrequest", method: "GET",
			target: "/billmgr?authinfo=USER:PASSWD&func=certificate.reissue.step2&elid={certificateID}&crt_type=oldrequest&approver_method=auth_email&sok=ok&approver_email_1={main%20domain%20confirmation%20email}&approver_email_{i}={additional%20domain%20confirmation%20email}",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatXML, sok: true, elids: []string{"{certificateID}"}, login: "USER", pass: "PASSWD",
				params: map[string]string{"crt_type": "oldrequest", "approver_email_1": "{main domain confirmation email}", "approver_email_{i}": "{additional domain confirmation email}"}},
		},
		{
			name: "001 reissue manual (raw spaces) as POST", method: "POST", target: "/billmgr",
			body: "func=certificate.reissue.step2&elid={certificate ID}&crt_type=manual&approver_method=auth_email&sok=ok&csr={urlencoded CSR}&approver_email_1={main domain confirmation email}&approver_email_{i}={additional domain confirmation email}",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatXML, sok: true, elids: []string{"{certificate ID}"},
				params: map[string]string{"csr": "{urlencoded CSR}", "crt_type": "manual"}},
		},
		{
			name: "001 reissue altname (raw spaces) as POST", method: "POST", target: "/billmgr",
			body: "func=certificate.reissue.step2&elid={certificate ID}&crt_type=altname&approver_method=auth_email&sok=ok&altname={urlencoded space separated list of additional domains}&approver_email_1={main domain confirmation email}&approver_email_{i}={additional domain confirmation email}",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatXML, sok: true, elids: []string{"{certificate ID}"},
				params: map[string]string{"altname": "{urlencoded space separated list of additional domains}", "crt_type": "altname"}},
		},
		{
			name: "001 delete (truncated in the seed)", method: "GET",
			target: "/manager/billmgr?authinfo=USER:PASSWD&out=xml&func=certi",
			want:   want{fn: "certi", out: billmgr.FormatXML, login: "USER", pass: "PASSWD"},
		},
		{
			name: "002 get the secret key", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.csr&sok=ok&snext=ok&crt_type=generate&field_country=COUNTRY&period=12&pricelist=PRICELIST&CN=DOMAIN&ST=REGION&L=CITY&O=ORGANIZATION&OU=ORG_UNIT&emailAddress=EMAIL",
			want: want{fn: "certificate.order.csr", out: billmgr.FormatBJSON, sok: true, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"crt_type": "generate", "CN": "DOMAIN", "OU": "ORG_UNIT", "emailAddress": "EMAIL"},
				absent: []string{"snext"}},
		},
		{
			name: "002 secret key for multiple domains (truncated in the seed)", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.csr&sok=ok&s",
			want:   want{fn: "certificate.order.csr", out: billmgr.FormatBJSON, sok: true, login: "EMAIL", pass: "PASSWORD", params: map[string]string{"s": ""}},
		},
		{
			name: "002 order", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=COUNTRY&period=12&pricelist=PRICELIST&CN=DOMAIN&ST=REGION&L=CITY&O=ORGANIZATION&OU=ORG_UNIT&emailAddress=EMAIL&adm_fname=NAME&adm_lname=LASTNAME&adm_jtitle=POSITION&adm_email=EMAIL&adm_phone=PHONE&tech_fname=NAME&tech_lname=LASTNAME&tech_jtitle=POSITION&tech_email=EMAIL&tech_phone=PHONE&approver_email_1=EMAIL&csr=CSR&key=KEY",
			want: want{fn: "certificate.order.param", out: billmgr.FormatBJSON, sok: true, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"skipbasket": "on", "csr": "CSR", "key": "KEY", "tech_phone": "PHONE"}},
		},
		{
			name: "002 order multiple domains", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=COUNTRY&period=12&pricelist=PRICELIST&CN=DOMAIN&ST=REGION&L=CITY&O=ORGANIZATION&OU=ORG_UNIT&emailAddress=EMAIL&adm_fname=NAME&adm_lname=LASTNAME&adm_jtitle=POSITION&adm_email=EMAIL&adm_phone=PHONE&tech_fname=NAME&tech_lname=LASTNAME&tech_jtitle=POSITION&tech_email=EMAIL&tech_phone=PHONE&csr=CSR&key=KEY&altname_input=example1.com%20example2.com&altname=example1.com%20example2.com&approver_email_1=EMAIL&approver_email_2=EMAIL2&approver_email_3=EMAIL3&addon_55364=2",
			want: want{fn: "certificate.order.param", out: billmgr.FormatBJSON, sok: true, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"altname": "example1.com example2.com", "altname_input": "example1.com example2.com", "approver_email_3": "EMAIL3", "addon_55364": "2"},
				raw:    map[string]string{"altname": "example1.com%20example2.com"}},
		},
		{
			name: "002 order multiple domains as POST with raw spaces", method: "POST", target: "/billmgr",
			body: "authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.param&sok=ok&altname_input=example1.com example2.com&altname=example1.com example2.com&addon_55364=2",
			want: want{fn: "certificate.order.param", out: billmgr.FormatBJSON, sok: true, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"altname": "example1.com example2.com"}},
		},
		{
			name: "002 order with an existing CSR", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=manual&period=12&pricelist=PRICELIST&adm_fname=NAME&adm_lname=LASTNAME&adm_jtitle=POSITION&adm_email=EMAIL&adm_phone=PHONE&tech_fname=NAME&tech_lname=LASTNAME&tech_jtitle=POSITION&tech_email=EMAIL&tech_phone=PHONE&approver_email_1=EMAIL&csr=CSR",
			want:   want{fn: "certificate.order.param", out: billmgr.FormatBJSON, sok: true, login: "EMAIL", pass: "PASSWORD", params: map[string]string{"crt_type": "manual"}},
		},
		{
			name: "002 certificate.file (no out)", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&func=certificate.file&elid=ORDER_ID&type=crt",
			want:   want{fn: "certificate.file", out: billmgr.FormatXML, elids: []string{"ORDER_ID"}, login: "EMAIL", pass: "PASSWORD", params: map[string]string{"type": "crt"}},
		},
		{
			name: "002 reissue oldrequest (Cyrillic and spaces) as POST", method: "POST", target: "/billmgr",
			body: "authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.reissue.step2&elid={ID сертификата}&crt_type=oldrequest&approver_method=auth_email&sok=ok&approver_email_1={email подтверждения основного домена}&approver_email_{i}={email подтверждения дополнительного домена}",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatBJSON, sok: true, elids: []string{"{ID сертификата}"}, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"approver_email_1": "{email подтверждения основного домена}"}},
		},
		{
			name: "002 reissue manual, CSR url-encoded, GET", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.reissue.step2&elid=4711&crt_type=manual&approver_method=auth_email&sok=ok&csr=" +
				url.QueryEscape("-----BEGIN CERTIFICATE REQUEST-----\nMIIB+wIB/A==\n-----END CERTIFICATE REQUEST-----") + "&approver_email_1=admin@example.org",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatBJSON, sok: true, elids: []string{"4711"}, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"csr": "-----BEGIN CERTIFICATE REQUEST-----\nMIIB+wIB/A==\n-----END CERTIFICATE REQUEST-----"}},
		},
		{
			name: "002 reissue manual, CSR pasted unencoded into a POST body", method: "POST", target: "/billmgr",
			body: "func=certificate.reissue.step2&elid=4711&crt_type=manual&sok=ok&csr=-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB+wIB/A==\r\n-----END CERTIFICATE REQUEST-----&approver_email_1=admin@example.org",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatXML, sok: true, elids: []string{"4711"},
				params: map[string]string{"csr": "-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB wIB/A==\r\n-----END CERTIFICATE REQUEST-----"},
				raw:    map[string]string{"csr": "-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB+wIB/A==\r\n-----END CERTIFICATE REQUEST-----"}},
		},
		{
			name: "002 reissue altname, GET", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.reissue.step2&elid=4711&crt_type=altname&approver_method=auth_email&sok=ok&altname=ex1.com%20ex2.com&approver_email_1=admin@example.org&approver_email_2=admin@ex1.com",
			want: want{fn: "certificate.reissue.step2", out: billmgr.FormatBJSON, sok: true, elids: []string{"4711"}, login: "EMAIL", pass: "PASSWORD",
				params: map[string]string{"altname": "ex1.com ex2.com", "approver_email_2": "admin@ex1.com"}},
		},
		{
			name: "002 delete", method: "GET",
			target: "/manager/billmgr?authinfo=USER:PASSWD&out=xml&func=certificate.delete&elid=<license%20code>&sok=ok",
			want:   want{fn: "certificate.delete", out: billmgr.FormatXML, sok: true, elids: []string{"<license code>"}, login: "USER", pass: "PASSWD"},
		},
		{
			name: "002 country list (form, no sok)", method: "GET",
			target: "/billmgr?authinfo=EMAIL:PASSWORD&out=bjson&func=certificate.order.csr&period=12&pricelist=PRICELIST",
			want:   want{fn: "certificate.order.csr", out: billmgr.FormatBJSON, login: "EMAIL", pass: "PASSWORD", params: map[string]string{"pricelist": "PRICELIST"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := ""
			if tt.method == http.MethodPost {
				ct = form
			}
			r := mustParse(t, tt.method, tt.target, ct, tt.body)
			w := tt.want
			if r.Func != w.fn || r.Out != w.out || r.Sok != w.sok {
				t.Errorf("func/out/sok = %q/%q/%v, want %q/%q/%v", r.Func, r.Out, r.Sok, w.fn, w.out, w.sok)
			}
			if !reflect.DeepEqual(r.Elids, w.elids) {
				t.Errorf("Elids = %q, want %q", r.Elids, w.elids)
			}
			if r.Auth.Login != w.login || r.Auth.Password != w.pass {
				t.Errorf("authinfo = %q:%q, want %q:%q", r.Auth.Login, r.Auth.Password, w.login, w.pass)
			}
			for k, v := range w.params {
				if got, ok := r.Params[k]; !ok || got[0] != v {
					t.Errorf("Params[%q] = %q, want %q", k, got, v)
				}
			}
			for k, v := range w.raw {
				if got := r.RawParam(k); got != v {
					t.Errorf("RawParam(%q) = %q, want %q", k, got, v)
				}
			}
			for _, k := range w.absent {
				if _, ok := r.Params[k]; ok {
					t.Errorf("noise param %q kept in Params", k)
				}
				if _, ok := r.Ignored[k]; !ok {
					t.Errorf("noise param %q not recorded in Ignored", k)
				}
			}
		})
	}
}

// TestRawSpacesNeedPOST: the seeds' examples are written unencoded (raw
// spaces, an unencoded '+'). Sent as a GET request line, a real HTTP server
// refuses them with 400 before the gateway sees them; sent as a POST body,
// the gateway reads every value, the phone's '+' included. Both halves go
// through a real server and connection, so either failing is a change the
// seeds' users would notice.
func TestRawSpacesNeedPOST(t *testing.T) {
	got := make(chan *billmgr.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := billmgr.ParseRequest(r, billmgr.MaxBody)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got <- req
	}))
	defer srv.Close()
	send := func(raw string) int {
		t.Helper()
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	query := "func=certificate.order.param&CN=example.com&adm_phone=+7 (111) 111-11-11&L=Moscow"
	if code := send("GET /billmgr?" + query + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"); code != http.StatusBadRequest {
		t.Fatalf("GET with raw spaces: HTTP %d, want 400 from net/http (if it is accepted now, test the GET form directly)", code)
	}
	if code := send("POST /billmgr HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Type: " + form +
		"\r\nContent-Length: " + strconv.Itoa(len(query)) + "\r\n\r\n" + query); code != http.StatusOK {
		t.Fatalf("POST with raw spaces: HTTP %d, want 200", code)
	}
	req := <-got
	if req.Func != "certificate.order.param" || req.Param("L") != "Moscow" || req.Value("adm_phone") != "+7 (111) 111-11-11" {
		t.Fatalf("POST body read as func=%q L=%q adm_phone=%q", req.Func, req.Param("L"), req.Value("adm_phone"))
	}
}

func TestSplitElid(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"4711", []string{"4711"}},
		{"4711, 4712, 4713", []string{"4711", "4712", "4713"}},
		{"4711,4712", []string{"4711", "4712"}},
		{" 4711 ,, 4712 , ", []string{"4711", "4712"}},
		{", ", nil},
	}
	for _, tt := range tests {
		if got := billmgr.SplitElid(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitElid(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	r := mustParse(t, "GET", "/billmgr?func=certificate.delete&elid=4711%2C%204712&sok=ok", "", "")
	if !reflect.DeepEqual(r.Elids, []string{"4711", "4712"}) {
		t.Errorf("Elids = %q", r.Elids)
	}
}

func TestParseAuth(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		headers                    []string
		want                       billmgr.AuthInfo
	}{
		{name: "colon inside password", method: "GET", target: "/billmgr?func=certificate&authinfo=user@example.org:pa:ss%3Aw0rd",
			want: billmgr.AuthInfo{Login: "user@example.org", Password: "pa:ss:w0rd"}},
		{name: "semicolon and unencoded percent", method: "GET", target: "/billmgr?func=certificate&authinfo=u:p;a%ss%2",
			want: billmgr.AuthInfo{Login: "u", Password: "p;a%ss%2"}},
		{name: "no colon", method: "GET", target: "/billmgr?func=certificate&authinfo=onlylogin",
			want: billmgr.AuthInfo{Login: "onlylogin"}},
		{name: "unencoded plus in POST body", method: "POST", target: "/billmgr", body: "func=certificate&authinfo=u:a+b",
			want: billmgr.AuthInfo{Login: "u", Password: "a b"}},
		{name: "session param", method: "GET", target: "/billmgr?func=certificate&auth=abc123",
			want: billmgr.AuthInfo{Session: "abc123"}},
		{name: "session cookie", method: "GET", target: "/billmgr?func=certificate", headers: []string{"Cookie: billmgrses5=sess42:extra; billmgrlang5=dragon:ru"},
			want: billmgr.AuthInfo{Session: "sess42"}},
		{name: "param beats cookie", method: "GET", target: "/billmgr?func=certificate&auth=fromparam", headers: []string{"Cookie: billmgrses5=fromcookie"},
			want: billmgr.AuthInfo{Session: "fromparam"}},
		{name: "func=auth with password", method: "GET", target: "/billmgr?out=xml&func=auth&username=U&password=P",
			want: billmgr.AuthInfo{Username: "U", UserPassword: "P"}},
		{name: "func=auth with key", method: "GET", target: "/billmgr?func=auth&username=U&key=0123456789abcdef&checkcookie=no",
			want: billmgr.AuthInfo{Username: "U", Key: "0123456789abcdef"}},
		{name: "key is a private key outside func=auth", method: "GET", target: "/billmgr?func=certificate.order.param&key=KEY&authinfo=a:b",
			want: billmgr.AuthInfo{Login: "a", Password: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := ""
			if tt.method == http.MethodPost {
				ct = form
			}
			r := mustParse(t, tt.method, tt.target, ct, tt.body, tt.headers...)
			if r.Auth != tt.want {
				t.Errorf("Auth = %+v, want %+v", r.Auth, tt.want)
			}
		})
	}
}

func TestParseLang(t *testing.T) {
	tests := []struct {
		target string
		cookie string
		want   string
	}{
		{"/billmgr?func=x&lang=ru", "", "ru"},
		{"/billmgr?func=x&lang=EN", "billmgrlang5=dragon:ru", "en"},
		{"/billmgr?func=x", "billmgrlang5=dragon:ru", "ru"},
		{"/billmgr?func=x&lang=de", "", "en"},
		{"/billmgr?func=x", "", "en"},
	}
	for _, tt := range tests {
		var h []string
		if tt.cookie != "" {
			h = []string{"Cookie: " + tt.cookie}
		}
		if got := mustParse(t, "GET", tt.target, "", "", h...).Lang; got != tt.want {
			t.Errorf("%s %s: Lang = %q, want %q", tt.target, tt.cookie, got, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want billmgr.Format
		ok   bool
	}{
		{"xml", billmgr.FormatXML, true}, {"JSON", billmgr.FormatJSON, true}, {"sjson", billmgr.FormatSJSON, true},
		{"bjson", billmgr.FormatBJSON, true}, {"JSONdata", billmgr.FormatJSONData, true}, {"jsondata", billmgr.FormatJSONData, true},
		{"text", billmgr.FormatText, true}, {"devel", billmgr.FormatDevel, true}, {"", billmgr.FormatXML, false}, {"html", billmgr.FormatXML, false},
	}
	for _, tt := range tests {
		if got, ok := billmgr.ParseFormat(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseMergeAndNoise(t *testing.T) {
	r := mustParse(t, "POST", "/billmgr?func=certificate&out=json&period=12&sfrom=ajax&zoom-elid=1", form,
		"period=24&out=sjson&clicked_button=finish&progressid=7&operafake=123&newface=on&p_num=2")
	if r.Param("period") != "24" || r.Out != billmgr.FormatSJSON {
		t.Errorf("body must win: period=%q out=%q", r.Param("period"), r.Out)
	}
	if got := r.Params["period"]; len(got) != 1 {
		t.Errorf("period values = %q, want only the body value", got)
	}
	for _, n := range []string{"sfrom", "zoom-elid", "clicked_button", "progressid", "operafake", "newface"} {
		if _, ok := r.Params[n]; ok {
			t.Errorf("noise %q in Params", n)
		}
		if _, ok := r.Ignored[n]; !ok {
			t.Errorf("noise %q not in Ignored", n)
		}
	}
	if r.Param("func") != "certificate" || r.Param("p_num") != "2" {
		t.Errorf("Params = %v", r.Params)
	}
}

func TestParseMultipart(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	csr := "-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB+wIB/A==\r\n-----END CERTIFICATE REQUEST-----\r\n"
	for _, kv := range [][2]string{{"func", "certificate.order.param"}, {"authinfo", "u:p:q"}, {"sok", "ok"},
		{"adm_phone", "+7 (111) 111-11-11"}, {"altname", "a.example b.example"}, {"clicked_button", "finish"}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("csr", "request.csr")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(csr))
	mw.Close()
	r := mustParse(t, "POST", "/billmgr?out=xml", mw.FormDataContentType(), body.String())
	if r.Func != "certificate.order.param" || !r.Sok || r.Auth.Login != "u" || r.Auth.Password != "p:q" {
		t.Errorf("req = %+v", r)
	}
	if r.Param("adm_phone") != "+7 (111) 111-11-11" || r.Param("altname") != "a.example b.example" {
		t.Errorf("multipart values must not be form-decoded: %q %q", r.Param("adm_phone"), r.Param("altname"))
	}
	if r.Param("csr") != csr || r.RawParam("csr") != csr {
		t.Errorf("csr = %q", r.Param("csr"))
	}
	if _, ok := r.Params["clicked_button"]; ok {
		t.Error("noise kept")
	}
}

func TestParseJSONBody(t *testing.T) {
	r := mustParse(t, "POST", "/billmgr", "application/json",
		`{"func":"certificate.delete","out":"bjson","elid":4711,"sok":true,"authinfo":"u:p","altname":["a","b"]}`)
	if r.Func != "certificate.delete" || r.Out != billmgr.FormatBJSON || !r.Sok || !reflect.DeepEqual(r.Elids, []string{"4711"}) || r.Auth.Password != "p" {
		t.Errorf("req = %+v", r)
	}
	if !reflect.DeepEqual(r.Params["altname"], []string{"a", "b"}) {
		t.Errorf("altname = %q", r.Params["altname"])
	}
	hr, _ := rawRequest(t, "POST", "/billmgr", "application/json", `{"func":{"nested":1}}`)
	if _, err := billmgr.ParseRequest(hr, 1<<20); !errors.Is(err, billmgr.ErrBadBody) {
		t.Errorf("nested JSON: err = %v, want billmgr.ErrBadBody", err)
	}
}

func TestParseBodyLimit(t *testing.T) {
	big := "func=certificate&csr=" + strings.Repeat("A", 2000)
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("func", "certificate")
	mw.WriteField("csr", strings.Repeat("A", 2000))
	mw.Close()
	tests := []struct {
		name, ct, body string
		limit          int64
		wantErr        bool
	}{
		{"form over", form, big, 1000, true},
		{"form exactly at limit", form, big, int64(len(big)), false},
		{"form one byte over", form, big, int64(len(big)) - 1, true},
		{"multipart over", mw.FormDataContentType(), mp.String(), 1000, true},
		{"json over", "application/json", `{"func":"` + strings.Repeat("x", 2000) + `"}`, 1000, true},
		{"no content type over", "", big, 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hr, err := rawRequest(t, "POST", "/billmgr", tt.ct, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			_, err = billmgr.ParseRequest(hr, tt.limit)
			if tt.wantErr != (err != nil) || (tt.wantErr && !errors.Is(err, billmgr.ErrBodyTooLarge)) {
				t.Errorf("err = %v, wantErr %v (billmgr.ErrBodyTooLarge)", err, tt.wantErr)
			}
			if tt.wantErr && !strings.Contains(err.Error(), "too large") {
				t.Errorf("unclear error: %v", err)
			}
		})
	}
}

func TestGatewayPaths(t *testing.T) {
	tests := []struct {
		method, target string
		isGateway      bool
		parseErr       error
	}{
		{"GET", "/billmgr?func=certificate", true, nil},
		{"GET", "/billmgr", true, nil},
		{"GET", "/manager/billmgr?func=certificate", true, nil},
		{"GET", "/billmgr/?func=certificate", true, nil},
		{"GET", "/?func=certificate", true, nil},
		{"GET", "/manager?out=sjson&func=auth", true, nil},
		{"GET", "/", false, billmgr.ErrNotGateway},
		{"GET", "/manager", false, billmgr.ErrNotGateway},
		{"POST", "/", true, billmgr.ErrNotGateway}, // body without func
		{"GET", "/ispmgr?func=certificate", false, billmgr.ErrNotGateway},
		{"GET", "/mancgi/paymasterresult.php?func=x", false, billmgr.ErrNotGateway},
		{"PUT", "/billmgr?func=certificate", true, billmgr.ErrMethod},
	}
	for _, tt := range tests {
		hr, err := rawRequest(t, tt.method, tt.target, form, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := billmgr.IsGatewayPath(hr); got != tt.isGateway {
			t.Errorf("IsGatewayPath(%s %s) = %v, want %v", tt.method, tt.target, got, tt.isGateway)
		}
		if _, err := billmgr.ParseRequest(hr, 1024); !errors.Is(err, tt.parseErr) {
			t.Errorf("ParseRequest(%s %s) err = %v, want %v", tt.method, tt.target, err, tt.parseErr)
		}
	}
	hr, _ := rawRequest(t, "POST", "/", form, "func=certificate")
	if r, err := billmgr.ParseRequest(hr, 1024); err != nil || r.Func != "certificate" {
		t.Errorf("POST / with func in the body: %v", err)
	}
}

func TestPage(t *testing.T) {
	tests := []struct {
		query    string
		num, cnt int
	}{
		{"", 1, billmgr.DefaultPageCount},
		{"&p_num=3&p_cnt=50", 3, 50},
		{"&p_num=0&p_cnt=-5", 1, billmgr.DefaultPageCount},
		{"&p_num=abc&p_cnt=", 1, billmgr.DefaultPageCount},
		{"&p_num=99999999999999999999&p_cnt=100000", 1, billmgr.MaxPageCount},
		{"&p_num=2000000&p_cnt=%2010", billmgr.MaxPageNum, 10},
	}
	for _, tt := range tests {
		r := mustParse(t, "GET", "/billmgr?func=certificate"+tt.query, "", "")
		if num, cnt := r.Page(); num != tt.num || cnt != tt.cnt {
			t.Errorf("%q: Page() = %d, %d; want %d, %d", tt.query, num, cnt, tt.num, tt.cnt)
		}
	}
}

// FuzzParseRequest: arbitrary query strings and bodies never panic, and a
// successful parse always yields a known format and language.
func FuzzParseRequest(f *testing.F) {
	f.Add("func=certificate&out=xml&elid=1,%202", []byte(billmgrtest.Seed001Order), uint8(0))
	f.Add("authinfo=a:b%zz&p_num=-1", []byte("--x\r\nContent-Disposition: form-data; name=\"func\"\r\n\r\nx\r\n--x--\r\n"), uint8(1))
	f.Add("", []byte(`{"func":"auth","key":["a",1,true,null]}`), uint8(2))
	f.Fuzz(func(t *testing.T, query string, body []byte, sel uint8) {
		cts := []string{form, "multipart/form-data; boundary=x", "application/json", "", "text/plain; charset=\"", "multipart/form-data"}
		paths := []string{"/billmgr", "/", "/manager", "/manager/billmgr/"}
		hr, err := http.NewRequest(http.MethodPost, "http://h/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		hr.URL.Path = paths[int(sel/8)%len(paths)]
		hr.URL.RawQuery = query
		if ct := cts[int(sel)%len(cts)]; ct != "" {
			hr.Header.Set("Content-Type", ct)
		}
		hr.Header.Set("Cookie", "billmgrses5="+query)
		_ = billmgr.IsGatewayPath(hr)
		r, err := billmgr.ParseRequest(hr, 4096)
		if err != nil {
			return
		}
		if _, ok := billmgr.ParseFormat(string(r.Out)); !ok {
			t.Errorf("Out = %q", r.Out)
		}
		if r.Lang != "ru" && r.Lang != "en" {
			t.Errorf("Lang = %q", r.Lang)
		}
		num, cnt := r.Page()
		if num < 1 || num > billmgr.MaxPageNum || cnt < 1 || cnt > billmgr.MaxPageCount {
			t.Errorf("Page() = %d, %d", num, cnt)
		}
		_ = billmgr.Redact(r.Params)
		for _, id := range r.Elids {
			if id == "" || strings.TrimSpace(id) != id {
				t.Errorf("elid %q", id)
			}
		}
	})
}

// TestParseRemote: the client's address goes with the request (the
// gateway forwards it and answers a bad login with it).
func TestParseRemote(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/billmgr?func=auth", nil)
	r.RemoteAddr = "198.51.100.7:4242"
	req, err := billmgr.ParseRequest(r, 0)
	if err != nil || req.Remote != "198.51.100.7:4242" {
		t.Fatalf("ParseRequest: %v, Remote %q", err, req.Remote)
	}
}
