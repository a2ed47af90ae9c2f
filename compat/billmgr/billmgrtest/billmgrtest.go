// Package billmgrtest holds the test helpers shared by both ends of the
// BILLmanager protocol: rendering a document as a golden text, checking
// that a body parses in its format, comparing with golden files, and the
// requests clients send (seed 001's order, a CSR whose base64 holds '+').
package billmgrtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/certsvc/certsvc/compat/billmgr"
)

// Render encodes d through a recorder and returns a golden-file text
// (status, the relevant headers, a blank line, the body), the body and
// its content type.
func Render(f billmgr.Format, d *billmgr.Doc) (golden string, body []byte, ct string) {
	rec := httptest.NewRecorder()
	billmgr.Encode(rec, f, d)
	res := rec.Result()
	body, _ = io.ReadAll(res.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "status: %d\n", res.StatusCode)
	for _, h := range []string{"Content-Type", "Content-Disposition", "Cache-Control", "Retry-After"} {
		if v := res.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	return b.String(), body, res.Header.Get("Content-Type")
}

// CompareGolden fails t unless got equals the file at path; with update it
// writes the file instead.
func CompareGolden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// CheckWellFormed fails t unless body parses completely in format f.
func CheckWellFormed(t testing.TB, f billmgr.Format, body []byte) {
	t.Helper()
	switch f {
	case billmgr.FormatXML, billmgr.FormatDevel:
		if err := xmlWellFormed(body); err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, body)
		}
	case billmgr.FormatText:
		if !utf8.Valid(body) {
			t.Fatalf("text output is not valid UTF-8: %q", body)
		}
	default:
		if !json.Valid(body) {
			t.Fatalf("not valid JSON: %s", body)
		}
		if !utf8.Valid(body) {
			t.Fatalf("JSON output is not valid UTF-8: %q", body)
		}
	}
}

func xmlWellFormed(body []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				return fmt.Errorf("unclosed elements at EOF")
			}
			if roots != 1 {
				return fmt.Errorf("%d root elements", roots)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// Seed001Order is the certificate.order.param example of seed 001, verbatim:
// raw spaces, unencoded '+' in phone numbers and line breaks after csr= and
// key=. net/http refuses raw spaces in a request line, so it can only
// travel as a POST body.
const Seed001Order = `func=certificate.order.param&remoteid={ID service}&CN=example.com&L=Moscow&O=Moscow&OU=&ST=Moscow&adm_email=test@test.com&adm_fname=Test&adm_jtitle=Test&adm_lname=Test&adm_phone=+7 (111) 111-11-11&adm_phone_country=182&approver_email_1=admin@example.com&approver_method=auth_email&auth_file_protocol=off&clicked_button=next&country=182&crt_type=generate&csr=
&delete_private_key=off&domain_count=&emailAddress=&field_country=182&hfields=csr&hide_csr_fields=&itemtype=&key=
&like_admin=on&newbasket=&org_address=1&org_city=Moscow&org_country=182&org_department=1&org_name=Test&org_phone=+7 (111) 111-11-11&org_phone_country=182&org_postcode=1111111&org_state=Moscow&period=12&pricelist=115&tech_email=test@test.com&tech_fname=Test&tech_jtitle=Test&tech_lname=Test&tech_phone=+7 (111) 111-11-11&tech_phone_country=182`

// CSR returns a real CSR (PEM) whose base64 holds a '+', as clients mangle.
func CSR(t testing.TB) string {
	t.Helper()
	for {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
			Subject: pkix.Name{CommonName: "shop.example.org"}, DNSNames: []string{"shop.example.org"}}, key)
		if err != nil {
			t.Fatal(err)
		}
		p := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
		if strings.Contains(p, "+") {
			return p
		}
	}
}
