package billmgrhttp

import (
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"buf.build/go/protovalidate"
	"connectrpc.com/connect"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
)

// This file reads the legacy order parameters (the certificate.order.*,
// reissue and prolong forms of docs §7) and maps RPC field names back to
// them for error documents. It parses, it does not validate: whatever can
// be decided by the service is left to it.

// badParam is a parameter the gateway cannot translate, with the reason
// (errors.go's paramError: a value error naming the parameter).
func badParam(name, value, format string, args ...any) error {
	return &paramError{name: name, value: value, why: fmt.Sprintf("%s: %s", name, fmt.Sprintf(format, args...))}
}

// param returns a trimmed parameter. A phone number's leading '+' that was
// sent unencoded (the seeds' adm_phone=+7 (111) 111-11-11) decodes to a
// space; it is restored from the raw value.
func param(req *Request, name string) string {
	v := strings.TrimSpace(req.Param(name))
	if strings.HasSuffix(name, "_phone") && v != "" && strings.HasPrefix(req.RawParam(name), "+") && !strings.HasPrefix(v, "+") {
		v = "+" + v
	}
	return v
}

// intParam parses an optional integer parameter; absent is 0.
func intParam(req *Request, name string, bits int) (int64, error) {
	v := param(req, name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, bits)
	if err != nil {
		return 0, invalidParam(name, v)
	}
	return n, nil
}

// splitNames splits a space-separated name list (altname); commas and line
// breaks separate too.
func splitNames(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\r' || r == '\t' })
}

// altnames returns the extra names of an order: altname, else altname_input
// (the seeds send both with the same list).
func altnames(req *Request) []string {
	if v := param(req, "altname"); v != "" {
		return splitNames(v)
	}
	return splitNames(param(req, "altname_input"))
}

// pemParam returns a PEM parameter (csr, key) repaired from what legacy
// clients send. A client that pastes the PEM into the query unencoded
// loses the base64 '+' (it decodes to a space), and may send raw, CRLF or
// no line breaks; a client that encodes properly may have turned the
// spaces of a one-line PEM into '+'. Both readings are tried, the raw
// value percent-decoded keeping '+' first and then the decoded value, and
// the first whose body is one whole DER value wins, re-wrapped at 64
// columns. A value that is not PEM is returned trimmed, for the service to
// reject.
func pemParam(req *Request, name string) string {
	dec := strings.TrimSpace(req.Param(name))
	readings := []string{dec}
	if raw, err := url.PathUnescape(req.RawParam(name)); err == nil { // PathUnescape keeps '+'
		readings = []string{raw, dec}
	}
	first := ""
	for _, r := range readings {
		label, body, ok := splitPEM(r)
		if !ok {
			continue
		}
		p := formatPEM(label, body)
		if isDER(body) {
			return p
		}
		if first == "" {
			first = p
		}
	}
	if first != "" {
		return first
	}
	return dec
}

// pemArmour matches one PEM block whose armour spaces may have become '+'.
var pemArmour = regexp.MustCompile(`-----BEGIN[ +]([A-Z0-9 +]+)-----([^-]*)-----END[ +]([A-Z0-9 +]+)-----`)

// splitPEM returns the label and the base64 body of a PEM block, without
// whitespace; not ok for no PEM, or PEM with headers (left as sent).
func splitPEM(s string) (label, body string, ok bool) {
	m := pemArmour.FindStringSubmatch(s)
	if m == nil || strings.Contains(m[2], ":") {
		return "", "", false
	}
	return strings.ReplaceAll(m[1], "+", " "), strings.Join(strings.Fields(m[2]), ""), true
}

func formatPEM(label, body string) string {
	var b strings.Builder
	b.WriteString("-----BEGIN " + label + "-----\n")
	for len(body) > 64 {
		b.WriteString(body[:64] + "\n")
		body = body[64:]
	}
	if body != "" {
		b.WriteString(body + "\n")
	}
	b.WriteString("-----END " + label + "-----\n")
	return b.String()
}

// isDER reports whether body is base64 of exactly one DER value.
func isDER(body string) bool {
	der, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return false
	}
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(der, &v)
	return err == nil && len(rest) == 0
}

// fieldNames maps RPC field paths to the legacy parameter names, for the
// error documents: "subject.common_name" → "CN",
// "validations[1].approver_email" → "approver_email_3".
type fieldNames map[string]string

// legacy returns the parameter of an RPC field: the request's own names
// first (validations by index), then the forms' tables (legacyParam).
func (fn fieldNames) legacy(field string) string {
	if p, ok := fn[field]; ok {
		return p
	}
	return legacyParam(field)
}

// violation is the field and message of the first protovalidate
// violation, which the validation interceptor sends as a detail instead of
// a BadRequest.
func violation(ce *connect.Error) (field, msg string) {
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			continue
		}
		if vs, ok := v.(*validatepb.Violations); ok && len(vs.GetViolations()) > 0 {
			first := vs.GetViolations()[0]
			return protovalidate.FieldPathString(first.GetField()), first.GetMessage()
		}
	}
	return "", ""
}
