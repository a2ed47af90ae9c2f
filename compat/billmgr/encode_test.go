package billmgr_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/compat/billmgr/billmgrtest"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sampleDocs returns one document of each kind, built as the gateway would.
func sampleDocs() []struct {
	name string
	doc  *billmgr.Doc
} {
	list := billmgr.NewList("certificate", "en")
	list.AddRow(billmgr.F("id", "4711"), billmgr.F("CN", "www.example.org"), billmgr.F("pricelist", "AlphaSSL"),
		billmgr.F("expiredate", "2025-05-02"), billmgr.FO("item_status", "Active", "2"),
		billmgr.F("status_msg", "Certificate issued"), billmgr.FO("cost", "12.00 EUR / Year", "12.00"))
	list.AddRow(billmgr.F("id", "4712"), billmgr.F("CN", "shop.example.org & <co>"), billmgr.F("pricelist", "PositiveSSL"),
		billmgr.F("expiredate", ""), billmgr.FO("item_status", "Ordered", "1"),
		billmgr.F("status_msg", `Waiting for "approval"`), billmgr.FO("cost", "9.00 EUR / Year", "9.00"))
	list.PageNum, list.PageCnt, list.PageElems = 1, 2, 7
	list.TParams = url.Values{"func": {"certificate"}, "out": {"xml"}, "authinfo": {"reseller:s3cret"}}

	form := billmgr.NewForm("certificate.order.csr", "ru",
		billmgr.F("elid", ""), billmgr.F("CN", "www.example.org"), billmgr.F("field_country", "182"), billmgr.F("OU", ""),
		billmgr.F("altname", "shop.example.org mail.example.org"),
		billmgr.F("csr", "-----BEGIN CERTIFICATE REQUEST-----\nMIIBkTCB+wIBADBSMQswCQYD\n-----END CERTIFICATE REQUEST-----\n"),
		billmgr.F("key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----\n"),
		billmgr.F("O", "ООО «Пример»"))
	form.AddSList("field_country",
		billmgr.Option{Key: "182", Label: "Российская Федерация", Attrs: []billmgr.Attr{{Name: "image", Value: "/manimg/common/flag/RU.png"}}},
		billmgr.Option{Key: "230", Label: "United States", Attrs: []billmgr.Attr{{Name: "image", Value: "/manimg/common/flag/US.png"}}})
	form.AddSList("period", billmgr.Option{Key: "12", Label: "1 year"})

	okDoc := billmgr.NewOK("certificate.delete", "en", "")
	created := billmgr.NewOK("certificate.order.param", "en", "4713")

	errDoc := billmgr.NewError("certificate.order.param", "en", "value", "approver_email_1", "root@example.org",
		`The value of the "Approver email" field is invalid: root@example.org`)

	file := billmgr.NewFile("application/x-pem-file", "../www.example.org.crt",
		[]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))

	return []struct {
		name string
		doc  *billmgr.Doc
	}{
		{"list", list}, {"form", form}, {"ok", okDoc}, {"created", created}, {"error", errDoc}, {"file", file},
	}
}

func TestEncodeGolden(t *testing.T) {
	for _, sd := range sampleDocs() {
		for _, f := range billmgr.Formats {
			t.Run(sd.name+"/"+string(f), func(t *testing.T) {
				got, body, _ := billmgrtest.Render(f, sd.doc)
				if sd.doc.Kind != billmgr.KindFile {
					billmgrtest.CheckWellFormed(t, f, body)
				}
				billmgrtest.CompareGolden(t, filepath.Join("testdata", "encode", sd.name+"."+string(f)+".golden"), got, *update)
			})
		}
	}
}

// TestEncodeClientContracts checks the shapes that known legacy clients
// depend on (doc §2–§3), independently of the golden files.
func TestEncodeClientContracts(t *testing.T) {
	docs := map[string]*billmgr.Doc{}
	for _, sd := range sampleDocs() {
		docs[sd.name] = sd.doc
	}
	perlProlog := regexp.MustCompile(`^<\?xml version="\d\.\d" encoding=".*?"\?>`)

	t.Run("xml strict Perl client", func(t *testing.T) {
		_, body, ct := billmgrtest.Render(billmgr.FormatXML, docs["list"])
		if ct != "text/xml" {
			t.Errorf("Content-Type = %q, the Perl client needs exactly text/xml", ct)
		}
		if !perlProlog.Match(body) {
			t.Errorf("body does not start with the XML prolog: %.60s", body)
		}
	})

	t.Run("xml error and id paths", func(t *testing.T) {
		var v struct {
			Error struct {
				Type   string `xml:"type,attr"`
				Object string `xml:"object,attr"`
				Value  string `xml:"value,attr"`
				Msg    string `xml:"msg"`
			} `xml:"error"`
		}
		_, body, _ := billmgrtest.Render(billmgr.FormatXML, docs["error"])
		if err := xml.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if v.Error.Type != "value" || v.Error.Object != "approver_email_1" || v.Error.Value != "root@example.org" || !strings.Contains(v.Error.Msg, "invalid") {
			t.Errorf("error = %+v", v.Error)
		}
		var c struct {
			ID string    `xml:"id"`
			OK *struct{} `xml:"ok"`
		}
		_, body, _ = billmgrtest.Render(billmgr.FormatXML, docs["created"])
		if err := xml.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		if c.ID != "4713" || c.OK == nil {
			t.Errorf("created = %+v, want /doc/id and /doc/ok", c)
		}
	})

	t.Run("json error as the Go webhook client decodes it", func(t *testing.T) {
		var v struct {
			Doc struct {
				Error struct {
					Type   string `json:"$type"`
					Object string `json:"$object"`
					Lang   string `json:"$lang"`
					Detail struct {
						V string `json:"$"`
					} `json:"detail"`
					Msg struct {
						V string `json:"$"`
					} `json:"msg"`
				} `json:"error"`
			} `json:"doc"`
		}
		_, body, _ := billmgrtest.Render(billmgr.FormatJSON, docs["error"])
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		e := v.Doc.Error
		if e.Type != "value" || e.Object != "approver_email_1" || e.Lang != "en" || e.Msg.V == "" || e.Detail.V != e.Msg.V {
			t.Errorf("error = %+v", e)
		}
	})

	t.Run("json single elem is an object, sjson always arrays", func(t *testing.T) {
		one := billmgr.NewList("certificate", "en").AddRow(billmgr.F("id", "1"), billmgr.FO("item_status", "Active", "2"))
		_, body, _ := billmgrtest.Render(billmgr.FormatJSON, one)
		var j struct {
			Doc struct {
				Elem map[string]map[string]string `json:"elem"`
			} `json:"doc"`
		}
		if err := json.Unmarshal(body, &j); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if j.Doc.Elem["item_status"]["$orig"] != "2" {
			t.Errorf("json elem = %v", j.Doc.Elem)
		}
		_, body, _ = billmgrtest.Render(billmgr.FormatSJSON, one)
		var s struct {
			Doc struct {
				Elem []map[string][]map[string]string `json:"elem"`
			} `json:"doc"`
		}
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if len(s.Doc.Elem) != 1 || s.Doc.Elem[0]["id"][0]["$"] != "1" {
			t.Errorf("sjson elem = %v", s.Doc.Elem)
		}
	})

	t.Run("json and sjson ok is an empty object", func(t *testing.T) {
		for _, f := range []billmgr.Format{billmgr.FormatJSON, billmgr.FormatSJSON} {
			_, body, _ := billmgrtest.Render(f, docs["ok"])
			if !bytes.Contains(body, []byte(`"ok":{}`)) {
				t.Errorf("%s: %s", f, body)
			}
		}
	})

	t.Run("bjson ok true as acme.sh greps it", func(t *testing.T) {
		_, body, _ := billmgrtest.Render(billmgr.FormatBJSON, docs["ok"])
		if !bytes.Contains(body, []byte(`"ok":true`)) {
			t.Errorf("bjson ok = %s", body)
		}
	})

	t.Run("bjson model and slist", func(t *testing.T) {
		_, body, _ := billmgrtest.Render(billmgr.FormatBJSON, docs["form"])
		var v struct {
			Model map[string]string              `json:"model"`
			SList map[string][]map[string]string `json:"slist"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(v.Model["csr"], "-----BEGIN CERTIFICATE REQUEST-----\n") || v.SList["field_country"][0]["k"] != "182" {
			t.Errorf("bjson form = %s", body)
		}
	})

	t.Run("text error prefix", func(t *testing.T) {
		_, body, _ := billmgrtest.Render(billmgr.FormatText, docs["error"])
		if !regexp.MustCompile(`^ERROR value\(approver_email_1\)`).Match(body) {
			t.Errorf("text error = %q", body)
		}
		_, body, _ = billmgrtest.Render(billmgr.FormatText, docs["ok"])
		if !bytes.HasPrefix(body, []byte("OK")) {
			t.Errorf("text ok = %q", body)
		}
	})

	t.Run("download bypasses the format", func(t *testing.T) {
		for _, f := range billmgr.Formats {
			rec := httptest.NewRecorder()
			billmgr.Encode(rec, f, docs["file"])
			if got := rec.Header().Get("Content-Disposition"); got != `attachment; filename="www.example.org.crt"` {
				t.Errorf("%s: Content-Disposition = %q", f, got)
			}
			if !strings.HasPrefix(rec.Body.String(), "-----BEGIN CERTIFICATE-----") {
				t.Errorf("%s: body = %q", f, rec.Body.String())
			}
		}
	})
}

// TestEncodeNeverEchoesSecrets: tparams are redacted in every format, and
// nothing else of the request reaches the output.
func TestEncodeNeverEchoesSecrets(t *testing.T) {
	secrets := url.Values{
		"func":     {"certificate"},
		"authinfo": {"reseller:TopSecret1"},
		"password": {"TopSecret2"},
		"auth":     {"TopSecret3"},
		"key":      {"-----BEGIN PRIVATE KEY-----\nTopSecret4\n-----END PRIVATE KEY-----"},
		"note":     {"-----BEGIN RSA PRIVATE KEY-----TopSecret5"},
	}
	for _, sd := range sampleDocs() {
		if sd.doc.Kind == billmgr.KindFile {
			continue
		}
		d := *sd.doc
		d.TParams = secrets
		for _, f := range billmgr.Formats {
			_, body, _ := billmgrtest.Render(f, &d)
			if bytes.Contains(body, []byte("TopSecret")) {
				t.Errorf("%s/%s leaks a secret:\n%s", sd.name, f, body)
			}
		}
	}
	_, body, _ := billmgrtest.Render(billmgr.FormatXML, &billmgr.Doc{Kind: billmgr.KindOK, TParams: secrets})
	if !bytes.Contains(body, []byte("<authinfo>reseller:[REDACTED]</authinfo>")) || !bytes.Contains(body, []byte("<func>certificate</func>")) {
		t.Errorf("tparams not echoed redacted:\n%s", body)
	}
}

func TestEncodeEscaping(t *testing.T) {
	nasty := "a&b<c>d\"e'f\x00g\x01h\x7f\ti\r\nj\xff\xfek]]>l\uFFFEm\u2028n\U0001F512"
	d := billmgr.NewForm("x\x00y", nasty, billmgr.Field{Name: "1bad name:with/chars", Value: nasty, Attrs: []billmgr.Attr{{Name: "orig", Value: nasty}, {Name: "orig", Value: "dup"}}})
	d.Attrs = []billmgr.Attr{{Name: "lang", Value: "dup"}, {Name: "", Value: nasty}}
	d.AddSList(nasty, billmgr.Option{Key: nasty, Label: nasty})
	for _, f := range billmgr.Formats {
		_, body, _ := billmgrtest.Render(f, d)
		billmgrtest.CheckWellFormed(t, f, body)
	}
	// Text survives an XML round trip, minus the characters XML cannot hold.
	var v struct {
		Field struct {
			Orig string `xml:"orig,attr"`
			Text string `xml:",chardata"`
		} `xml:"_1bad_name_with_chars"`
	}
	_, body, _ := billmgrtest.Render(billmgr.FormatXML, d)
	if err := xml.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	want := "a&b<c>d\"e'fgh\x7f\ti\r\nj\uFFFD\uFFFDk]]>lm\u2028n\U0001F512"
	if v.Field.Text != want || v.Field.Orig != want {
		t.Errorf("round trip:\n got text %q\n got attr %q\nwant      %q", v.Field.Text, v.Field.Orig, want)
	}
}

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"www.example.org.crt", "www.example.org.crt"},
		{"../../etc/passwd", "passwd"},
		{`C:\x\cert.pem`, "cert.pem"},
		{`a"b;c` + "\r\nd", "a_b_c__d"},
		{"сертификат.crt", "__________.crt"},
		{"...hidden", "hidden"},
		{"", "download"},
		{"..", "download"},
		{strings.Repeat("a", 300), strings.Repeat("a", 100)},
	}
	for _, tt := range tests {
		if got := billmgr.SafeFileName(tt.in); got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarshalNilAndOddDocs(t *testing.T) {
	docs := []*billmgr.Doc{nil, {Kind: billmgr.KindError}, {Kind: billmgr.Kind(99)}, {Kind: billmgr.KindFile}, billmgr.NewFile("bad\r\ntype", "", nil)}
	for _, d := range docs {
		for _, f := range append(billmgr.Formats, billmgr.Format("html")) {
			body, ct := billmgr.Marshal(f, d)
			if d != nil && d.Kind == billmgr.KindFile {
				if ct != billmgr.ContentTypeFile {
					t.Errorf("file content type = %q", ct)
				}
				continue
			}
			if f == "html" {
				f = billmgr.FormatXML
			}
			billmgrtest.CheckWellFormed(t, f, body)
		}
	}
}

// FuzzEncode: arbitrary strings anywhere in a Doc always give well-formed
// XML and valid JSON in every format.
func FuzzEncode(f *testing.F) {
	f.Add("certificate", "en", "item_status", "Active", "orig", "2", "field_country", "182", "Russia")
	f.Add("\x00", "\xff", "", "<&>", "\"", "\r\n", "1", "]]>", "\uFFFE")
	f.Fuzz(func(t *testing.T, fn, lang, name, value, attr, attrVal, slist, key, label string) {
		docs := []*billmgr.Doc{
			billmgr.NewList(fn, lang).AddRow(billmgr.Field{Name: name, Value: value, Attrs: []billmgr.Attr{{Name: attr, Value: attrVal}}}, billmgr.F(value, name)),
			billmgr.NewForm(fn, lang, billmgr.Field{Name: name, Value: value, Attrs: []billmgr.Attr{{Name: attr, Value: attrVal}}}).
				AddSList(slist, billmgr.Option{Key: key, Label: label, Attrs: []billmgr.Attr{{Name: attr, Value: attrVal}}}),
			{Kind: billmgr.KindOK, Func: fn, Lang: lang, ID: value, OKText: label, OKType: key, Attrs: []billmgr.Attr{{Name: attr, Value: attrVal}}},
			billmgr.NewError(fn, lang, name, attr, attrVal, value),
			{Kind: billmgr.KindOK, TParams: url.Values{name: {value}, attr: {attrVal}}},
		}
		docs[3].Error.Params = []billmgr.Attr{{Name: key, Value: label}}
		for _, d := range docs {
			for _, fm := range billmgr.Formats {
				body, _ := billmgr.Marshal(fm, d)
				billmgrtest.CheckWellFormed(t, fm, body)
			}
		}
	})
}
