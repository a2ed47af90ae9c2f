package billmgrhttp

import (
	"strings"

	"github.com/certsvc/certsvc/compat/billmgr"

	"buf.build/go/protovalidate"
	"connectrpc.com/connect"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
)

// This file reads the legacy order parameters (the certificate.order.*,
// reissue and prolong forms of docs §7) and maps RPC field names back to
// them for error documents. It parses, it does not validate: whatever can
// be decided by the service is left to it.

// splitNames splits a space-separated name list (altname); commas and line
// breaks separate too.
func splitNames(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\r' || r == '\t' })
}

// altnames returns the extra names of an order: altname, else altname_input
// (the seeds send both with the same list).
func altnames(req *billmgr.Request) []string {
	if v := req.Value("altname"); v != "" {
		return splitNames(v)
	}
	return splitNames(req.Value("altname_input"))
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
