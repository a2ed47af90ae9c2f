package billmgrhttp

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sampleDocs returns one document of each kind, built as the gateway would.
func sampleDocs() []struct {
	name string
	doc  *Doc
} {
	list := NewList("certificate", "en")
	list.AddRow(F("id", "4711"), F("CN", "www.example.org"), F("pricelist", "AlphaSSL"),
		F("expiredate", "2025-05-02"), FO("item_status", "Active", "2"),
		F("status_msg", "Certificate issued"), FO("cost", "12.00 EUR / Year", "12.00"))
	list.AddRow(F("id", "4712"), F("CN", "shop.example.org & <co>"), F("pricelist", "PositiveSSL"),
		F("expiredate", ""), FO("item_status", "Ordered", "1"),
		F("status_msg", `Waiting for "approval"`), FO("cost", "9.00 EUR / Year", "9.00"))
	list.PageNum, list.PageCnt, list.PageElems = 1, 2, 7
	list.TParams = url.Values{"func": {"certificate"}, "out": {"xml"}, "authinfo": {"reseller:s3cret"}}

	form := NewForm("certificate.order.csr", "ru",
		F("elid", ""), F("CN", "www.example.org"), F("field_country", "182"), F("OU", ""),
		F("altname", "shop.example.org mail.example.org"),
		F("csr", "-----BEGIN CERTIFICATE REQUEST-----\nMIIBkTCB+wIBADBSMQswCQYD\n-----END CERTIFICATE REQUEST-----\n"),
		F("key", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----\n"),
		F("O", "ООО «Пример»"))
	form.AddSList("field_country",
		Option{Key: "182", Label: "Российская Федерация", Attrs: []Attr{{"image", "/manimg/common/flag/RU.png"}}},
		Option{Key: "230", Label: "United States", Attrs: []Attr{{"image", "/manimg/common/flag/US.png"}}})
	form.AddSList("period", Option{Key: "12", Label: "1 year"})

	okDoc := NewOK("certificate.delete", "en", "")
	created := NewOK("certificate.order.param", "en", "4713")

	errDoc := NewError("certificate.order.param", "en", "value", "approver_email_1", "root@example.org",
		`The value of the "Approver email" field is invalid: root@example.org`)

	file := NewFile("application/x-pem-file", "../www.example.org.crt",
		[]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))

	return []struct {
		name string
		doc  *Doc
	}{
		{"list", list}, {"form", form}, {"ok", okDoc}, {"created", created}, {"error", errDoc}, {"file", file},
	}
}

// render encodes d through a recorder and returns a golden-file text:
// status, the relevant headers, a blank line, the body.
func render(f Format, d *Doc) (golden string, body []byte, ct string) {
	rec := httptest.NewRecorder()
	Encode(rec, f, d)
	res := rec.Result()
	body, _ = io.ReadAll(res.Body)
	var b strings.Builder
	fmt.Fprintf(&b, "status: %d\n", res.StatusCode)
	for _, h := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
		if v := res.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	return b.String(), body, res.Header.Get("Content-Type")
}

func TestEncodeGolden(t *testing.T) {
	for _, sd := range sampleDocs() {
		for _, f := range Formats {
			t.Run(sd.name+"/"+string(f), func(t *testing.T) {
				got, body, _ := render(f, sd.doc)
				if sd.doc.Kind != KindFile {
					checkWellFormed(t, f, body)
				}
				path := filepath.Join("testdata", "encode", sd.name+"."+string(f)+".golden")
				if *update {
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
			})
		}
	}
}

// checkWellFormed fails unless body parses completely in its format.
func checkWellFormed(t *testing.T, f Format, body []byte) {
	t.Helper()
	switch f {
	case FormatXML, FormatDevel:
		if err := xmlWellFormed(body); err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, body)
		}
	case FormatText:
		if !utf8Valid(body) {
			t.Fatalf("text output is not valid UTF-8: %q", body)
		}
	default:
		if !json.Valid(body) {
			t.Fatalf("not valid JSON: %s", body)
		}
		if !utf8Valid(body) {
			t.Fatalf("JSON output is not valid UTF-8: %q", body)
		}
	}
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\x00") == string(b) }

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

// TestEncodeClientContracts checks the shapes that known legacy clients
// depend on (doc §2–§3), independently of the golden files.
func TestEncodeClientContracts(t *testing.T) {
	docs := map[string]*Doc{}
	for _, sd := range sampleDocs() {
		docs[sd.name] = sd.doc
	}
	perlProlog := regexp.MustCompile(`^<\?xml version="\d\.\d" encoding=".*?"\?>`)

	t.Run("xml strict Perl client", func(t *testing.T) {
		_, body, ct := render(FormatXML, docs["list"])
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
		_, body, _ := render(FormatXML, docs["error"])
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
		_, body, _ = render(FormatXML, docs["created"])
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
		_, body, _ := render(FormatJSON, docs["error"])
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		e := v.Doc.Error
		if e.Type != "value" || e.Object != "approver_email_1" || e.Lang != "en" || e.Msg.V == "" || e.Detail.V != e.Msg.V {
			t.Errorf("error = %+v", e)
		}
	})

	t.Run("json single elem is an object, sjson always arrays", func(t *testing.T) {
		one := NewList("certificate", "en").AddRow(F("id", "1"), FO("item_status", "Active", "2"))
		_, body, _ := render(FormatJSON, one)
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
		_, body, _ = render(FormatSJSON, one)
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
		for _, f := range []Format{FormatJSON, FormatSJSON} {
			_, body, _ := render(f, docs["ok"])
			if !bytes.Contains(body, []byte(`"ok":{}`)) {
				t.Errorf("%s: %s", f, body)
			}
		}
	})

	t.Run("bjson ok true as acme.sh greps it", func(t *testing.T) {
		_, body, _ := render(FormatBJSON, docs["ok"])
		if !bytes.Contains(body, []byte(`"ok":true`)) {
			t.Errorf("bjson ok = %s", body)
		}
	})

	t.Run("bjson model and slist", func(t *testing.T) {
		_, body, _ := render(FormatBJSON, docs["form"])
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
		_, body, _ := render(FormatText, docs["error"])
		if !regexp.MustCompile(`^ERROR value\(approver_email_1\)`).Match(body) {
			t.Errorf("text error = %q", body)
		}
		_, body, _ = render(FormatText, docs["ok"])
		if !bytes.HasPrefix(body, []byte("OK")) {
			t.Errorf("text ok = %q", body)
		}
	})

	t.Run("download bypasses the format", func(t *testing.T) {
		for _, f := range Formats {
			rec := httptest.NewRecorder()
			Encode(rec, f, docs["file"])
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
		if sd.doc.Kind == KindFile {
			continue
		}
		d := *sd.doc
		d.TParams = secrets
		for _, f := range Formats {
			_, body, _ := render(f, &d)
			if bytes.Contains(body, []byte("TopSecret")) {
				t.Errorf("%s/%s leaks a secret:\n%s", sd.name, f, body)
			}
		}
	}
	_, body, _ := render(FormatXML, &Doc{Kind: KindOK, TParams: secrets})
	if !bytes.Contains(body, []byte("<authinfo>reseller:[REDACTED]</authinfo>")) || !bytes.Contains(body, []byte("<func>certificate</func>")) {
		t.Errorf("tparams not echoed redacted:\n%s", body)
	}
}

func TestEncodeEscaping(t *testing.T) {
	nasty := "a&b<c>d\"e'f\x00g\x01h\x7f\ti\r\nj\xff\xfek]]>l\uFFFEm\u2028n\U0001F512"
	d := NewForm("x\x00y", nasty, Field{Name: "1bad name:with/chars", Value: nasty, Attrs: []Attr{{"orig", nasty}, {"orig", "dup"}}})
	d.Attrs = []Attr{{"lang", "dup"}, {"", nasty}}
	d.AddSList(nasty, Option{Key: nasty, Label: nasty})
	for _, f := range Formats {
		_, body, _ := render(f, d)
		checkWellFormed(t, f, body)
	}
	// Text survives an XML round trip, minus the characters XML cannot hold.
	var v struct {
		Field struct {
			Orig string `xml:"orig,attr"`
			Text string `xml:",chardata"`
		} `xml:"_1bad_name_with_chars"`
	}
	_, body, _ := render(FormatXML, d)
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
		if got := SafeFileName(tt.in); got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarshalNilAndOddDocs(t *testing.T) {
	docs := []*Doc{nil, {Kind: KindError}, {Kind: Kind(99)}, {Kind: KindFile}, NewFile("bad\r\ntype", "", nil)}
	for _, d := range docs {
		for _, f := range append(Formats, Format("html")) {
			body, ct := Marshal(f, d)
			if d != nil && d.Kind == KindFile {
				if ct != ContentTypeFile {
					t.Errorf("file content type = %q", ct)
				}
				continue
			}
			if f == "html" {
				f = FormatXML
			}
			checkWellFormed(t, f, body)
		}
	}
}

// FuzzEncode: arbitrary strings anywhere in a Doc always give well-formed
// XML and valid JSON in every format.
func FuzzEncode(f *testing.F) {
	f.Add("certificate", "en", "item_status", "Active", "orig", "2", "field_country", "182", "Russia")
	f.Add("\x00", "\xff", "", "<&>", "\"", "\r\n", "1", "]]>", "\uFFFE")
	f.Fuzz(func(t *testing.T, fn, lang, name, value, attr, attrVal, slist, key, label string) {
		docs := []*Doc{
			NewList(fn, lang).AddRow(Field{Name: name, Value: value, Attrs: []Attr{{attr, attrVal}}}, F(value, name)),
			NewForm(fn, lang, Field{Name: name, Value: value, Attrs: []Attr{{attr, attrVal}}}).
				AddSList(slist, Option{Key: key, Label: label, Attrs: []Attr{{attr, attrVal}}}),
			{Kind: KindOK, Func: fn, Lang: lang, ID: value, OKText: label, OKType: key, Attrs: []Attr{{attr, attrVal}}},
			NewError(fn, lang, name, attr, attrVal, value),
			{Kind: KindOK, TParams: url.Values{name: {value}, attr: {attrVal}}},
		}
		docs[3].Error.Params = []Attr{{key, label}}
		for _, d := range docs {
			for _, fm := range Formats {
				body, _ := Marshal(fm, d)
				switch fm {
				case FormatXML, FormatDevel:
					if err := xmlWellFormed(body); err != nil {
						t.Fatalf("%s: %v\n%q", fm, err, body)
					}
				case FormatText:
					if !utf8Valid(body) {
						t.Fatalf("text not UTF-8: %q", body)
					}
				default:
					if !json.Valid(body) {
						t.Fatalf("%s: invalid JSON %q", fm, body)
					}
				}
			}
		}
	})
}
