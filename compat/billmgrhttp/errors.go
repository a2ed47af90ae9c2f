package billmgrhttp

import (
	"errors"
	"github.com/certsvc/certsvc/compat/billmgr"
	"net"
	"regexp"
	"strconv"
	"strings"

	"buf.build/go/protovalidate"
	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	validatepb "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
)

// legacyErrors is the one table from RPC code to legacy error type.
var legacyErrors = map[connect.Code]string{
	connect.CodeUnauthenticated:    "auth",
	connect.CodePermissionDenied:   "access",
	connect.CodeResourceExhausted:  "access",
	connect.CodeNotFound:           "missed",
	connect.CodeInvalidArgument:    "value",
	connect.CodeFailedPrecondition: "value",
	connect.CodeOutOfRange:         "value",
	connect.CodeAlreadyExists:      "exists",
	connect.CodeAborted:            "value",
	connect.CodeUnavailable:        "unavailable", // HTTP 503, see errorDoc
	connect.CodeDeadlineExceeded:   "internal",
	connect.CodeCanceled:           "internal",
	connect.CodeInternal:           "internal",
	connect.CodeUnknown:            "internal",
	connect.CodeUnimplemented:      "missed",
	connect.CodeDataLoss:           "internal",
}

// errorDoc re-expresses an RPC error as a legacy error document; it is the
// one place where errors become documents (answerErrors runs it for every
// function). The type comes from legacyErrors, the object is the legacy
// parameter of the field at fault (the request's own names first), the
// value is that parameter's value as billmgr.EchoValue shows values, and
// the text is the catalogue's (catalogue.go) in the request's language.
// The service's own explanation, when it has one, goes with it as the
// desc parameter. A field error about a parameter the request did not send
// is a missed error naming it.
func errorDoc(req *billmgr.Request, err error) *billmgr.Doc {
	var pe *billmgr.ParamError
	if errors.As(err, &pe) {
		return paramErrorDoc(req, pe)
	}
	var own fieldNames
	var ne *namedError
	if errors.As(err, &ne) {
		own = ne.names
	}
	code := connect.CodeOf(err)
	typ, ok := legacyErrors[code]
	if !ok {
		typ = billmgr.ErrorInternal
	}
	desc := err.Error()
	var ce *connect.Error
	if errors.As(err, &ce) {
		desc = ce.Message()
	}
	if reasonOf(ce) == reasonNotEnoughMoney {
		return notEnoughMoneyDoc(req, ce, desc)
	}
	if code == connect.CodeResourceExhausted && strings.HasPrefix(desc, loginLimited) {
		// A wrong login while it is throttled: answered like any wrong
		// login (clients check for auth/badpassword), saying why.
		return badPasswordDoc(req, message(req.Lang, msgTooManyLogins))
	}
	var id msgID
	object, value := "", ""
	switch typ {
	case billmgr.ErrorAuth:
		return badPasswordDoc(req, "")
	case billmgr.ErrorInternal:
		return billmgr.NewError(req.Func, req.Lang, typ, "", "", message(req.Lang, msgInternal))
	case "unavailable":
		return billmgr.NewUnavailable(req.Func, req.Lang, message(req.Lang, msgUnavailable))
	case billmgr.ErrorAccess:
		id = msgAccess
	case billmgr.ErrorValue, billmgr.ErrorExists, billmgr.ErrorMissed:
		// The legacy parameter of the field at fault, also in the "field:
		// message" text, with its value as EchoValue shows values.
		field, why := fieldOf(ce, desc), ""
		if field == "" && ce != nil {
			field, why = violation(ce)
		}
		id = map[string]msgID{billmgr.ErrorValue: msgRejected, billmgr.ErrorExists: msgRejected, billmgr.ErrorMissed: msgNotFound}[typ]
		if field == "" {
			break
		}
		object = own.legacy(field)
		if rest, ok := strings.CutPrefix(desc, field+": "); ok {
			desc = object + ": " + rest
		}
		if why != "" {
			desc = object + ": " + why
		}
		value = billmgr.EchoValue(object, req.Param(object))
		switch {
		case typ == billmgr.ErrorValue && strings.TrimSpace(req.Param(object)) == "":
			typ, id = billmgr.ErrorMissed, msgParamMissing
		case typ == billmgr.ErrorValue:
			id = msgParamInvalid
		case typ == billmgr.ErrorExists:
			id = msgExists
		default:
			id = msgNotFoundObject
		}
	}
	d := billmgr.NewError(req.Func, req.Lang, typ, object, value, message(req.Lang, id, "object", object, "value", value))
	if desc != "" {
		d.Error.Params = append(d.Error.Params, billmgr.Attr{Name: "desc", Value: desc})
	}
	return d
}

// loginLimited starts the service's message for a wrong credential while
// its login or address is throttled (ResourceExhausted).
const loginLimited = "too many failed logins"

// badPasswordDoc is BILLmanager's answer to a bad login: type auth, object
// badpassword, the caller's address as value (remote_addr: [ip]), and desc
// when the login is throttled.
func badPasswordDoc(req *billmgr.Request, desc string) *billmgr.Doc {
	value := ""
	if host, _, err := net.SplitHostPort(req.Remote); err == nil {
		value = "remote_addr: [" + host + "]"
	}
	d := billmgr.NewError(req.Func, req.Lang, billmgr.ErrorAuth, "badpassword", value, message(req.Lang, msgBadPassword))
	if desc != "" {
		d.Error.Params = []billmgr.Attr{{Name: "desc", Value: desc}}
	}
	return d
}

// fieldOf names the request field an error is about: from the BadRequest
// detail, else from the "field: message" form of certsvc's messages.
func fieldOf(ce *connect.Error, msg string) string {
	if ce != nil {
		for _, d := range ce.Details() {
			if v, err := d.Value(); err == nil {
				if br, ok := v.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) > 0 {
					return br.GetFieldViolations()[0].GetField()
				}
			}
		}
	}
	if f, _, ok := strings.Cut(msg, ": "); ok && !strings.ContainsAny(f, " \n") {
		return f
	}
	return ""
}

// reasonNotEnoughMoney is the google.rpc.ErrorInfo reason the service sends
// when a balance does not cover a charge (errkind.ReasonNotEnoughMoney).
const reasonNotEnoughMoney = "NOT_ENOUGH_MONEY"

// reasonOf returns the reason of the error's google.rpc.ErrorInfo detail, or "".
func reasonOf(ce *connect.Error) string {
	if ce == nil {
		return ""
	}
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if info, ok := v.(*errdetails.ErrorInfo); ok {
				return info.GetReason()
			}
		}
	}
	return ""
}

// notEnoughMoneyDoc is BILLmanager's not_enough_money error with the
// params BILLmanager documents for it: amount (the price), have (the
// balance), deficit and currency, in major units as BILLmanager shows money.
// They come from the ErrorInfo metadata (amount_minor, balance_minor,
// currency) when the service sends them, else from its message ("the
// balance of account 7 is 100.00 RUB, the order costs 810.00 RUB"); the
// message itself goes with them as desc.
func notEnoughMoneyDoc(req *billmgr.Request, ce *connect.Error, desc string) *billmgr.Doc {
	amount, have, currency := moneyOf(ce, desc)
	return moneyError(req, amount, have, currency, desc)
}

func moneyError(req *billmgr.Request, amount, have *int64, currency, desc string) *billmgr.Doc {
	vars := []string{"amount", "", "have", "", "currency", currency}
	params := []billmgr.Attr{}
	if amount != nil && have != nil {
		vars[1], vars[3] = billmgr.FormatAmount(*amount, currency), billmgr.FormatAmount(*have, currency)
		params = append(params, billmgr.Attr{Name: "amount", Value: vars[1]}, billmgr.Attr{Name: "have", Value: vars[3]},
			billmgr.Attr{Name: "deficit", Value: billmgr.FormatAmount(*amount-*have, currency)}, billmgr.Attr{Name: "currency", Value: currency})
	}
	msg := message(req.Lang, msgNotEnoughMoney, vars...)
	if amount == nil || have == nil {
		msg, _, _ = strings.Cut(msg, ":")
	}
	d := billmgr.NewError(req.Func, req.Lang, billmgr.ErrorNotEnoughMoney, "", "", msg)
	if desc != "" {
		params = append(params, billmgr.Attr{Name: "desc", Value: desc})
	}
	d.Error.Params = params
	return d
}

var moneyText = regexp.MustCompile(`is (-?[0-9]+(?:\.[0-9]+)?) ([A-Z]{3}), .* costs (-?[0-9]+(?:\.[0-9]+)?) ([A-Z]{3})`)

// moneyOf reads the price, the balance (minor units) and the currency of a
// not-enough-money error.
func moneyOf(ce *connect.Error, desc string) (amount, have *int64, currency string) {
	if md := errorMetadata(ce); md["currency"] != "" {
		a, aerr := strconv.ParseInt(md["amount_minor"], 10, 64)
		h, herr := strconv.ParseInt(md["balance_minor"], 10, 64)
		if aerr == nil && herr == nil {
			return &a, &h, md["currency"]
		}
	}
	m := moneyText.FindStringSubmatch(desc)
	if m == nil || m[2] != m[4] {
		return nil, nil, ""
	}
	minor := func(s string) *int64 {
		n, err := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
		if err != nil {
			return nil
		}
		return &n
	}
	return minor(m[3]), minor(m[1]), m[2]
}

// errorMetadata is the metadata of the error's google.rpc.ErrorInfo.
func errorMetadata(ce *connect.Error) map[string]string {
	if ce == nil {
		return nil
	}
	for _, d := range ce.Details() {
		if v, err := d.Value(); err == nil {
			if info, ok := v.(*errdetails.ErrorInfo); ok {
				return info.GetMetadata()
			}
		}
	}
	return nil
}

// paramErrorDoc answers a parameter that could not be read, or that the
// service refused under another name, as a value error about it (missed
// when it is absent or names no object).
func paramErrorDoc(req *billmgr.Request, e *billmgr.ParamError) *billmgr.Doc {
	v := billmgr.EchoValue(e.Name, e.Value)
	typ, id := billmgr.ErrorValue, msgParamInvalid
	switch {
	case e.Missing:
		typ, id = billmgr.ErrorMissed, msgParamMissing
	case e.Missed:
		typ, id = billmgr.ErrorMissed, msgNotFoundObject
	}
	d := billmgr.NewError(req.Func, req.Lang, typ, e.Name, v, message(req.Lang, id, "object", e.Name, "value", v))
	if e.Why != "" {
		d.Error.Params = []billmgr.Attr{{Name: "desc", Value: e.Why}}
	}
	return d
}

// namedError carries the legacy names of a request's indexed fields
// (validations[1].approver_email → approver_email_2) with an RPC error.
type namedError struct {
	err   error
	names fieldNames
}

func (e *namedError) Error() string { return e.err.Error() }
func (e *namedError) Unwrap() error { return e.err }

func withNames(err error, names fieldNames) error {
	if err == nil {
		return nil
	}
	return &namedError{err: err, names: names}
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
