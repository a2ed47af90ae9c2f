package billmgrhttp

import (
	"errors"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
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
	connect.CodeUnavailable:        "internal",
	connect.CodeDeadlineExceeded:   "internal",
	connect.CodeCanceled:           "internal",
	connect.CodeInternal:           "internal",
	connect.CodeUnknown:            "internal",
	connect.CodeUnimplemented:      "missed",
	connect.CodeDataLoss:           "internal",
}

// errorDoc re-expresses an RPC error as a legacy error document. The service
// already hid internal detail; the gateway adds none.
func errorDoc(req *Request, err error) *Doc {
	code := connect.CodeOf(err)
	typ, ok := legacyErrors[code]
	if !ok {
		typ = "internal"
	}
	msg := err.Error()
	var ce *connect.Error
	if errors.As(err, &ce) {
		msg = ce.Message()
	}
	object, value := "", ""
	switch typ {
	case "auth":
		// What every legacy client checks for a wrong login or password.
		object = "badpassword"
		msg = message(req.Lang, msgBadPassword)
	case "value", "exists", "missed":
		object = fieldOf(ce, msg)
	case "internal":
		msg = message(req.Lang, msgInternal)
	}
	return NewError(req.Func, req.Lang, typ, object, value, msg)
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

type msgID int

const (
	msgBadPassword msgID = iota
	msgMissed
	msgInternal
	msgNotYet
)

var messages = map[msgID][2]string{ // en, ru
	msgBadPassword: {"Invalid username or password", "Неверное имя пользователя или пароль"},
	msgMissed:      {"Unknown function", "Неизвестная функция"},
	msgInternal:    {"Internal error; try again later", "Внутренняя ошибка; повторите позже"},
	msgNotYet:      {"This step is not available yet", "Этот шаг пока недоступен"},
}

// message returns a fixed message in lang (en or ru).
func message(lang string, id msgID) string {
	m := messages[id]
	if lang == "ru" {
		return m[1]
	}
	return m[0]
}
