package billmgr

import (
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file reads the values of a request's parameters as legacy clients
// send them: trimmed, with what a client that does not URL-encode loses
// put back (a phone's '+', the base64 '+' of a PEM), ids, numbers, check
// boxes and dates. It parses, it does not validate; a value it cannot read
// is a ParamError naming the parameter.

// ParamError is a request parameter that cannot be read (absent, or not
// of the form it needs: elid=abc), or one refused under another name (Why
// holds the reason). The gateway answers it as a value error (missed when
// Missing or Missed) about the parameter.
type ParamError struct {
	Name, Value string
	// Missing: the parameter is required and absent.
	Missing bool
	// Why is the reason, when there is more to say than "invalid".
	Why string
	// Missed: the object named by the value does not exist.
	Missed bool
}

// MissingParam is the error of a required parameter that is absent.
func MissingParam(name string) error { return &ParamError{Name: name, Missing: true} }

// InvalidParam is the error of a parameter whose value cannot be read.
func InvalidParam(name, value string) error { return &ParamError{Name: name, Value: value} }

// BadParam is InvalidParam with the reason, "name: " and the formatted text.
func BadParam(name, value, format string, args ...any) error {
	return &ParamError{Name: name, Value: value, Why: fmt.Sprintf("%s: %s", name, fmt.Sprintf(format, args...))}
}

func (e *ParamError) Error() string {
	switch {
	case e.Why != "":
		return "parameter " + e.Name + ": " + e.Why
	case e.Missing:
		return "parameter " + e.Name + " is required"
	}
	return "parameter " + e.Name + " is invalid"
}

// Value returns the first value of name trimmed ("" if absent). A phone
// number's leading '+' that was sent unencoded (the seeds' adm_phone=+7
// (111) 111-11-11) decodes to a space; it is restored from the raw value.
func (r *Request) Value(name string) string {
	v := strings.TrimSpace(r.Param(name))
	if strings.HasSuffix(name, "_phone") && v != "" && strings.HasPrefix(r.RawParam(name), "+") && !strings.HasPrefix(v, "+") {
		v = "+" + v
	}
	return v
}

// Int parses an optional integer parameter of bits bits; absent is 0.
func (r *Request) Int(name string, bits int) (int64, error) {
	v := r.Value(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, bits)
	if err != nil {
		return 0, InvalidParam(name, v)
	}
	return n, nil
}

// ID returns the one object a function is about: elid, a positive number.
func (r *Request) ID() (int64, error) {
	ids, err := r.IDs()
	if err != nil {
		return 0, err
	}
	if len(ids) > 1 {
		return 0, InvalidParam("elid", r.Param("elid"))
	}
	return ids[0], nil
}

// IDs returns the objects of a group action: elid="4711, 4712".
func (r *Request) IDs() ([]int64, error) {
	if len(r.Elids) == 0 {
		return nil, MissingParam("elid")
	}
	ids := make([]int64, 0, len(r.Elids))
	for _, s := range r.Elids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, InvalidParam("elid", s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// PEM returns a PEM parameter (csr, key) repaired from what legacy clients
// send. A client that pastes the PEM into the query unencoded loses the
// base64 '+' (it decodes to a space), and may send raw, CRLF or no line
// breaks; a client that encodes properly may have turned the spaces of a
// one-line PEM into '+'. Both readings are tried, the raw value
// percent-decoded keeping '+' first and then the decoded value, and the
// first whose body is one whole DER value wins, re-wrapped at 64 columns.
// A value that is not PEM is returned trimmed, for the service to reject.
func (r *Request) PEM(name string) string {
	dec := strings.TrimSpace(r.Param(name))
	readings := []string{dec}
	if raw, err := url.PathUnescape(r.RawParam(name)); err == nil { // PathUnescape keeps '+'
		readings = []string{raw, dec}
	}
	first := ""
	for _, s := range readings {
		label, body, ok := splitPEM(s)
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

// Certificate reads an uploaded certificate: PEM (with its chain), DER in
// base64 (the legacy crt is a "DER certificate"), or raw DER from a
// multipart upload. '+' sent unencoded arrives as a space and is put back.
func (r *Request) Certificate(name string) ([]byte, error) {
	v := r.Param(name)
	switch {
	case strings.TrimSpace(v) == "":
		return nil, MissingParam(name)
	case strings.Contains(v, "-----BEGIN "):
		return []byte(RepairPEM(v)), nil
	}
	b64 := strings.NewReplacer("\r", "", "\n", "", "\t", "", " ", "+").Replace(strings.TrimSpace(v))
	if der, err := base64.StdEncoding.DecodeString(b64); err == nil {
		return der, nil
	}
	if len(v) > 1 && v[0] == 0x30 && v[1] >= 0x80 { // a DER SEQUENCE with a long length
		return []byte(v), nil
	}
	return nil, InvalidParam(name, v)
}

// RepairPEM puts back the '+' of PEM base64 lines that arrived as spaces
// (clients that do not URL-encode); the BEGIN/END lines keep their spaces.
func RepairPEM(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "-----") {
			lines[i] = strings.ReplaceAll(l, " ", "+")
		}
	}
	return strings.Join(lines, "\n")
}

// IsOn reports whether a legacy check box or flag value is set.
func IsOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "yes", "true", "1", "ok":
		return true
	}
	return false
}

// OnOff renders a flag as BILLmanager's check box values.
func OnOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// DateLayout is BILLmanager's date format, in UTC like the service.
const DateLayout = "2006-01-02"

// ParseDate reads a date (DateLayout), or a date and time (time.DateTime).
func ParseDate(v string) (time.Time, error) {
	t, err := time.Parse(DateLayout, v)
	if err != nil {
		t, err = time.Parse(time.DateTime, v)
	}
	return t, err
}
