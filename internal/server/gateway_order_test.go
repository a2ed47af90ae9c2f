package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// legacyClient calls the legacy gateway as resellers do: plain net/http,
// authinfo on every call, the query or body exactly as given.
type legacyClient struct {
	t    *testing.T
	env  *apitest.Env
	auth string // "authinfo=login:password&"
}

func (l legacyClient) do(req *http.Request) string {
	l.t.Helper()
	res, err := l.env.HTTP.Do(req)
	must(l.t, err)
	if res.StatusCode != http.StatusOK {
		l.t.Fatalf("%s %s: HTTP %d", req.Method, req.URL.RawQuery, res.StatusCode)
	}
	return readAll(l.t, res)
}

// get sends query as the URL's query string, unchanged.
func (l legacyClient) get(query string) string {
	l.t.Helper()
	req, err := http.NewRequest(http.MethodGet, l.env.URL+"/billmgr?"+l.auth+query, nil)
	must(l.t, err)
	return l.do(req)
}

// post sends body as a form body, byte for byte: for the seeds' raw
// spaces and line breaks, which cannot travel in a URL.
func (l legacyClient) post(body string) string {
	l.t.Helper()
	req, err := http.NewRequest(http.MethodPost, l.env.URL+"/billmgr", strings.NewReader(l.auth+body))
	must(l.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return l.do(req)
}

var xmlID = regexp.MustCompile(`<id>(\d+)</id>`)

// createdID returns the id of an order answer in xml or bjson.
func createdID(t *testing.T, body string) int64 {
	t.Helper()
	s := ""
	if m := xmlID.FindStringSubmatch(body); m != nil {
		s = m[1]
	} else if doc := bjson(t, body); doc["ok"] == true {
		s, _ = doc["id"].(string)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("no created id in:\n%s", body)
	}
	return id
}

func bjson(t *testing.T, body string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return doc
}

// wantOK fails unless body is a success in xml or bjson.
func wantOK(t *testing.T, what, body string) {
	t.Helper()
	if !strings.Contains(body, "<ok/>") && !strings.Contains(body, `"ok":true`) {
		t.Fatalf("%s: got\n%s", what, body)
	}
}

// keyAndCSR runs the wizard's key step (seed 002 "Get the secret key") and
// returns model.csr and model.key.
func (l legacyClient) keyAndCSR(plan int64, cn, altname string) (csr, key string) {
	l.t.Helper()
	q := fmt.Sprintf("out=bjson&func=certificate.order.csr&sok=ok&snext=ok&crt_type=generate&field_country=182&period=12&pricelist=%d&CN=%s&ST=Moscow&L=Moscow&O=Example&OU=IT&emailAddress=ssl@example.com", plan, cn)
	if altname != "" {
		q += "&altname=" + strings.ReplaceAll(altname, " ", "%20")
	}
	model, _ := bjson(l.t, l.get(q))["model"].(map[string]any)
	csr, _ = model["csr"].(string)
	key, _ = model["key"].(string)
	if !strings.HasPrefix(csr, "-----BEGIN CERTIFICATE REQUEST-----") || !strings.Contains(key, "PRIVATE KEY-----") {
		l.t.Fatalf("certificate.order.csr: no model.csr/model.key: %v", model)
	}
	return csr, key
}

func get(t *testing.T, cl apitest.Clients, id int64) *certsvcv1.Certificate {
	t.Helper()
	return mustCert(t)(cl.Cert.GetCertificate(context.Background(), &certsvcv1.GetCertificateRequest{Id: id}))
}

func approvers(c *certsvcv1.Certificate) map[string]string {
	m := map[string]string{}
	for _, v := range c.GetValidations() {
		m[v.GetDomain()] = v.GetApproverEmail()
	}
	return m
}

// ecdsaCSR is a customer's own CSR for cn.
func ecdsaCSR(t *testing.T, cn string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn}}, key)
	must(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

const (
	stIssuedGW = certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED
	stUnpaidGW = certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID
)

// TestGatewaySeedExamples sends every example request of seeds 001 and 002
// as printed, with only the placeholders (ids, plans, credentials, domains)
// filled in. Requests with raw spaces or line breaks travel as POST bodies.
func TestGatewaySeedExamples(t *testing.T) { dbtest.EachKind(t, testGatewaySeedExamples) }

func testGatewaySeedExamples(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "reseller")
	l := legacyClient{t: t, env: e.env, auth: "authinfo=reseller:" + e.cust.Password + "&"}
	const contacts = "&adm_fname=Ivan&adm_lname=Petrov&adm_jtitle=CTO&adm_email=ivan@example.com&adm_phone=+74951234567&tech_fname=Olga&tech_lname=Ivanova&tech_jtitle=Admin&tech_email=olga@example.com&tech_phone=+74957654321"

	// Get the list of countries with digital codes.
	if body := l.get("out=bjson&func=certificate.order.csr&period=12&pricelist=3033"); !strings.Contains(body, `{"k":"182","v":"Russian Federation"}`) {
		t.Fatalf("country list: %.300s", body)
	}

	// Get the secret key, then order with it (seed 002), the CSR and key
	// url-encoded in the query.
	csr, key := l.keyAndCSR(planDV, "seed.example.com", "")
	single := createdID(t, l.get("out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=3033&CN=seed.example.com&ST=Moscow&L=Moscow&O=Example&OU=IT&emailAddress=ssl@example.com"+
		contacts+"&approver_email_1=admin@seed.example.com&csr="+url.QueryEscape(csr)+"&key="+url.QueryEscape(key)))
	c := get(t, e.c, single)
	if c.GetCommonName() != "seed.example.com" || !c.GetHasPrivateKey() || c.GetAdminContact().GetPhone() != "+74951234567" ||
		c.GetTechContact().GetEmail() != "olga@example.com" || approvers(c)["seed.example.com"] != "admin@seed.example.com" {
		t.Fatalf("order with the generated key: %v", c)
	}

	// The same for multiple domains, the key and CSR pasted into a POST body
	// unencoded ('+' and line breaks raw), as a hand-written client does.
	csr, key = l.keyAndCSR(55326, "multi.example.com", "example1.com example2.com")
	multi := createdID(t, l.post("out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=55326&CN=multi.example.com&ST=Moscow&L=Moscow&O=Example&OU=IT&emailAddress=ssl@example.com"+
		contacts+"&csr="+csr+"&key="+key+"&altname_input=example1.com%20example2.com&altname=example1.com%20example2.com&approver_email_1=admin@multi.example.com&approver_email_2=hostmaster@example1.com&approver_email_3=webmaster@example2.com&addon_55364=2"))
	c = get(t, e.c, multi)
	if !slices.Equal(c.GetExtraNames(), []string{"example1.com", "example2.com"}) || c.GetExtraNameSlots() != 2 || !c.GetHasPrivateKey() ||
		approvers(c)["example1.com"] != "hostmaster@example1.com" || approvers(c)["example2.com"] != "webmaster@example2.com" {
		t.Fatalf("multi-domain order: %v", c)
	}

	// Order with an existing CSR (crt_type=manual), pasted raw.
	manual := createdID(t, l.post("out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=manual&period=12&pricelist=3033"+
		contacts+"&approver_email_1=postmaster@manual.example.org&csr="+ecdsaCSR(t, "manual.example.org")))
	if c := get(t, e.c, manual); c.GetCommonName() != "manual.example.org" || c.GetHasPrivateKey() ||
		approvers(c)["manual.example.org"] != "postmaster@manual.example.org" {
		t.Fatalf("manual order: %v", c)
	}

	// Seed 001's order, byte for byte (no sok: clicked_button=next submits),
	// without skipbasket: it waits unpaid in the basket.
	seed001 := strings.NewReplacer("{ID service}", "l1001", "pricelist=115", "pricelist=3033").Replace(seed001Order)
	basket := createdID(t, l.post(seed001))
	c = get(t, e.c, basket)
	if c.GetState() != stUnpaidGW || c.GetClientReference() != "l1001" || c.GetAdminContact().GetPhone() != "+7 (111) 111-11-11" ||
		c.GetOrganization().GetPhone() != "+7 (111) 111-11-11" || c.GetTechContact().GetFirstName() != "Test" ||
		c.GetSubject().GetCountryId() != 182 || approvers(c)["example.com"] != "admin@example.com" {
		t.Fatalf("seed 001 order: %v", c)
	}

	// Reissue, the three kinds, as seed 001 prints them (no out: xml) and
	// as seed 002 does (out=bjson); approver_email_N follows the altname
	// order of certificate.edit, or of the new altname list.
	waitState(t, e.c, multi, stIssuedGW)
	for _, out := range []string{"", "out=bjson&"} {
		cur := get(t, e.c, multi)
		names := append([]string{cur.GetCommonName()}, cur.GetExtraNames()...)
		oldrequest := fmt.Sprintf("%sfunc=certificate.reissue.step2&elid=%d&crt_type=oldrequest&approver_method=auth_email&sok=ok&approver_email_1=admin@%s&approver_email_3=admin@%s",
			out, multi, names[0], names[2])
		wantOK(t, "reissue oldrequest", l.get(oldrequest))
		c = waitState(t, e.c, multi, stIssuedGW)
		if approvers(c)[names[2]] != "admin@"+names[2] {
			t.Fatalf("oldrequest: approver of %s: %v", names[2], approvers(c))
		}
		newCSR, _ := l.keyAndCSR(55326, "multi.example.com", strings.Join(names[1:], " "))
		manualReissue := fmt.Sprintf("%sfunc=certificate.reissue.step2&elid=%d&crt_type=manual&approver_method=auth_email&sok=ok&csr=%s&approver_email_1=webmaster@multi.example.com&approver_email_2=admin@%s",
			out, multi, url.QueryEscape(newCSR), names[1])
		wantOK(t, "reissue manual", l.get(manualReissue))
		waitState(t, e.c, multi, stIssuedGW)
		swapped := names[2] + " example3.com"
		altname := fmt.Sprintf("%sfunc=certificate.reissue.step2&elid=%d&crt_type=altname&approver_method=auth_email&sok=ok&altname=%s&approver_email_1=admin@multi.example.com&approver_email_3=postmaster@example3.com",
			out, multi, strings.ReplaceAll(swapped, " ", "%20"))
		wantOK(t, "reissue altname", l.get(altname))
		c = waitState(t, e.c, multi, stIssuedGW)
		if !slices.Equal(c.GetExtraNames(), []string{names[2], "example3.com"}) || approvers(c)["example3.com"] != "postmaster@example3.com" {
			t.Fatalf("altname reissue: %v %v", c.GetExtraNames(), approvers(c))
		}
		// Back to the second form's starting point with other names.
		wantOK(t, "reissue altname back", l.get(fmt.Sprintf("out=xml&func=certificate.reissue.step2&elid=%d&crt_type=altname&sok=ok&altname=example1.com%%20example2.com", multi)))
		waitState(t, e.c, multi, stIssuedGW)
	}

	// Issue of an existing certificate, then delete it (seed 002).
	waitState(t, e.c, single, stIssuedGW)
	if body := l.get(fmt.Sprintf("func=certificate.file&elid=%d&type=crt", single)); !strings.HasPrefix(body, "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("certificate.file: %.300s", body)
	}
	wantOK(t, "certificate.delete", l.get(fmt.Sprintf("out=xml&func=certificate.delete&elid=%d&sok=ok", single)))
}

// seed001Order is seed 001's certificate.order.param example, verbatim.
const seed001Order = "func=certificate.order.param&remoteid={ID service}&CN=example.com&L=Moscow&O=Moscow&OU=&ST=Moscow&adm_email=test@test.com&adm_fname=Test&adm_jtitle=Test&adm_lname=Test&adm_phone=+7 (111) 111-11-11&adm_phone_country=182&approver_email_1=admin@example.com&approver_method=auth_email&auth_file_protocol=off&clicked_button=next&country=182&crt_type=generate&csr=\n&delete_private_key=off&domain_count=&emailAddress=&field_country=182&hfields=csr&hide_csr_fields=&itemtype=&key=\n&like_admin=on&newbasket=&org_address=1&org_city=Moscow&org_country=182&org_department=1&org_name=Test&org_phone=+7 (111) 111-11-11&org_phone_country=182&org_postcode=1111111&org_state=Moscow&period=12&pricelist=115&tech_email=test@test.com&tech_fname=Test&tech_jtitle=Test&tech_lname=Test&tech_phone=+7 (111) 111-11-11&tech_phone_country=182\n"

// TestGatewayOrderResellerFlow is a reselling BILLmanager's life of one
// certificate, in xml and in bjson: order (generated key, paid at once,
// remoteid) → view → download once issued → reissue → renew → delete.
func TestGatewayOrderResellerFlow(t *testing.T) { dbtest.EachKind(t, testGatewayOrderResellerFlow) }

func testGatewayOrderResellerFlow(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "reseller")
	l := legacyClient{t: t, env: e.env, auth: "authinfo=reseller:" + e.cust.Password + "&"}
	for _, out := range []string{"xml", "bjson"} {
		t.Run(out, func(t *testing.T) {
			l.t = t
			cn := out + ".example.com"
			before := balanceOf(t, e.admin, e.cust.Account.GetId())
			id := createdID(t, l.post(fmt.Sprintf("out=%s&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=3033&CN=%s&adm_fname=Ivan&adm_lname=Petrov&adm_email=ivan@example.com&adm_phone=+74951234567&like_admin=on&approver_email_1=admin@%s&remoteid=r-%s-1", out, cn, cn, out)))
			if got := balanceOf(t, e.admin, e.cust.Account.GetId()); got != before-81000 {
				t.Fatalf("balance after a paid order: %d, want %d", got, before-81000)
			}
			if c := get(t, e.c, id); c.GetClientReference() != "r-"+out+"-1" || c.GetTechContact().GetEmail() != "ivan@example.com" {
				t.Fatalf("order: %v", c)
			}
			if body := l.get(fmt.Sprintf("out=%s&func=certificate.edit&elid=%d", out, id)); !strings.Contains(body, cn) {
				t.Fatalf("certificate.edit: %.500s", body)
			}
			waitState(t, e.c, id, stIssuedGW)
			if body := l.get(fmt.Sprintf("func=certificate.file&elid=%d&type=crt", id)); !strings.HasPrefix(body, "-----BEGIN CERTIFICATE-----") {
				t.Fatalf("certificate.file: %.300s", body)
			}
			wantOK(t, "reissue", l.get(fmt.Sprintf("out=%s&func=certificate.reissue.step2&elid=%d&crt_type=oldrequest&approver_method=auth_email&sok=ok&approver_email_1=webmaster@%s", out, id, cn)))
			c := waitState(t, e.c, id, stIssuedGW)
			if approvers(c)[cn] != "webmaster@"+cn {
				t.Fatalf("reissue approver: %v", approvers(c))
			}
			body := l.get(fmt.Sprintf("out=%s&func=service.prolong&elid=%d&period=12&sok=ok", out, id))
			wantOK(t, "service.prolong", body)
			c = get(t, e.c, id)
			// xml carries /doc/doc/newexpiredate (WHMCS); bjson is {"ok":true}.
			if want := c.GetPaidUntil().AsTime().UTC().Format("2006-01-02"); out == "xml" && !strings.Contains(body, want) {
				t.Fatalf("service.prolong: no new expiry %s in\n%s", want, body)
			}
			if got := balanceOf(t, e.admin, e.cust.Account.GetId()); got != before-2*81000 {
				t.Fatalf("balance after the renewal: %d, want %d", got, before-2*81000)
			}
			waitState(t, e.c, id, stIssuedGW)
			wantOK(t, "certificate.delete", l.get(fmt.Sprintf("out=%s&func=certificate.delete&elid=%d&sok=ok", out, id)))
		})
	}
}

// TestGatewayOrderIdempotentRemoteid: a reseller that retries an order
// (same remoteid) gets the first order's id, and pays once.
func TestGatewayOrderIdempotentRemoteid(t *testing.T) {
	dbtest.EachKind(t, testGatewayOrderIdempotentRemoteid)
}

func testGatewayOrderIdempotentRemoteid(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "reseller")
	l := legacyClient{t: t, env: e.env, auth: "authinfo=reseller:" + e.cust.Password + "&"}
	before := balanceOf(t, e.admin, e.cust.Account.GetId())
	order := "out=xml&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=3033&CN=retry.example.com&approver_email_1=admin@retry.example.com&remoteid=l77"
	first, second := createdID(t, l.get(order)), createdID(t, l.get(order))
	if first != second {
		t.Fatalf("a retried order made a second certificate: %d, %d", first, second)
	}
	res, err := e.c.Cert.ListCertificates(context.Background(), &certsvcv1.ListCertificatesRequest{
		Filter: &certsvcv1.CertificateFilter{ClientReference: "l77"}})
	must(t, err)
	if n := len(res.GetCertificates()); n != 1 {
		t.Fatalf("%d certificates with remoteid l77, want 1", n)
	}
	if got := balanceOf(t, e.admin, e.cust.Account.GetId()); got != before-81000 {
		t.Fatalf("balance after a retried order: %d, want one charge (%d)", got, before-81000)
	}
}

// TestGatewayOrderErrors: the service's refusals come back as the legacy
// error documents, naming the legacy parameters.
func TestGatewayOrderErrors(t *testing.T) { dbtest.EachKind(t, testGatewayOrderErrors) }

func testGatewayOrderErrors(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "reseller")
	l := legacyClient{t: t, env: e.env, auth: "authinfo=reseller:" + e.cust.Password + "&"}
	body := l.get("out=xml&func=certificate.order.param&sok=ok&pricelist=55326&period=12&CN=err.example.com&altname=a.example.com%20b.example.com&approver_email_1=admin@err.example.com&approver_email_3=root@b.example.com")
	if !strings.Contains(body, `type="value" object="approver_email_3"`) {
		t.Fatalf("bad approver: got\n%s", body)
	}
	poor := e.env.NewCustomer(t, "poor", "RUB")
	l.auth = "authinfo=poor:" + poor.Password + "&"
	body = l.get("out=bjson&func=certificate.order.param&sok=ok&skipbasket=on&pricelist=3033&period=12&CN=poor.example.com")
	if e, _ := bjson(t, body)["error"].(map[string]any); e["type"] != "not_enough_money" {
		t.Fatalf("order without money: got\n%s", body)
	}
}

// TestGatewayOrderDNSValidation: an order validated by DNS shows, in
// certificate.edit, the record the customer must publish, as the
// DomainValidation of the RPC has it.
func TestGatewayOrderDNSValidation(t *testing.T) { dbtest.EachKind(t, testGatewayOrderDNSValidation) }

func testGatewayOrderDNSValidation(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "reseller")
	l := legacyClient{t: t, env: e.env, auth: "authinfo=reseller:" + e.cust.Password + "&"}
	id := createdID(t, l.get("out=xml&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=3033&CN=dns.example.com&approver_method=auth_dnstxt"))
	c := waitState(t, e.c, id, stIssuedGW)
	v := c.GetValidations()
	if len(v) != 1 || v[0].GetMethod() != certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_TXT || v[0].GetDnsName() == "" || v[0].GetValue() == "" {
		t.Fatalf("validations: %v", v)
	}
	body := l.get(fmt.Sprintf("out=bjson&func=certificate.edit&elid=%d", id))
	model, _ := bjson(t, body)["model"].(map[string]any)
	want := map[string]string{"approver_method_1": "auth_dnstxt", "dcv_dns_name_1": v[0].GetDnsName(),
		"dcv_dns_type_1": v[0].GetDnsType(), "dcv_value_1": v[0].GetValue(), "dcv_status_1": v[0].GetStatus()}
	for k, w := range want {
		if model[k] != w {
			t.Errorf("certificate.edit %s = %v, want %q", k, model[k], w)
		}
	}
}
