package billmgrhttp

import (
	"certsvc/compat/billmgr"
	"errors"
	"fmt"
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
// function). A field error is named by the legacy parameter the forms'
// tables give it (the request's own names first) and shows that
// parameter's value as billmgr.EchoValue allows. The service already hid
// internal detail; the gateway adds none. A catalogue of texts per (type,
// object or reason) in both languages (issue 13) replaces msg here, where
// type, object, value and the service's reason are all known.
func errorDoc(req *Request, err error) *billmgr.Doc {
	var pe *paramError
	if errors.As(err, &pe) {
		return pe.doc(req)
	}
	var own fieldNames
	var ne *namedError
	if errors.As(err, &ne) {
		own = ne.names
	}
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
	if reasonOf(ce) == reasonNotEnoughMoney {
		return notEnoughMoneyDoc(req, msg)
	}
	object, value := "", ""
	switch typ {
	case "auth":
		// What every legacy client checks for a wrong login or password.
		object = "badpassword"
		msg = message(req.Lang, msgBadPassword)
	case "value", "exists", "missed":
		// The legacy parameter of the field at fault, also in the "field:
		// message" text, with its value as EchoValue shows values.
		field, why := fieldOf(ce, msg), ""
		if field == "" && ce != nil {
			field, why = violation(ce)
		}
		if field == "" {
			break
		}
		object = own.legacy(field)
		if rest, ok := strings.CutPrefix(msg, field+": "); ok {
			msg = object + ": " + rest
		}
		if why != "" {
			msg = object + ": " + why
		}
		value = billmgr.EchoValue(object, req.Param(object))
	case "internal":
		msg = message(req.Lang, msgInternal)
	case "unavailable":
		return billmgr.NewUnavailable(req.Func, req.Lang, message(req.Lang, msgUnavailable))
	}
	return billmgr.NewError(req.Func, req.Lang, typ, object, value, msg)
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
	msgUnavailable
	msgNotYet
	msgNotEnoughMoney
	msgParamMissing
	msgParamInvalid
	msgItemOrdered
	msgItemActive
	msgItemSuspended
	msgItemDeleted
	msgItemInProgress
)

var messages = map[msgID][2]string{ // en, ru
	msgBadPassword: {"Invalid username or password", "Неверное имя пользователя или пароль"},
	msgMissed:      {"Unknown function", "Неизвестная функция"},
	msgInternal:    {"Internal error; try again later", "Внутренняя ошибка; повторите позже"},
	msgUnavailable: {"The service is temporarily unavailable; try again later", "Сервис временно недоступен; повторите позже"},
	msgNotYet:      {"This step is not available yet", "Этот шаг пока недоступен"},
	// The legacy type not_enough_money; the service's own text, with the
	// amounts, goes in <param name="desc">.
	msgNotEnoughMoney: {"Not enough money on the account balance", "Недостаточно средств на балансе"},
	// Bad request parameters found by the gateway: fmt verbs take the
	// parameter's name and, for msgParamInvalid, the value (the documented
	// template `The value of the "__object__" field is invalid: __value__`).
	msgParamMissing: {`The "%s" field is required`, `Поле "%s" обязательно`},
	msgParamInvalid: {`The value of the "%s" field is invalid: %s`, `Неверное значение поля "%s": %s`},
	// item_status names (the body of <item_status orig="N">).
	msgItemOrdered:    {"Ordered", "Заказан"},
	msgItemActive:     {"Active", "Активен"},
	msgItemSuspended:  {"Suspended", "Остановлен"},
	msgItemDeleted:    {"Deleted", "Удален"},
	msgItemInProgress: {"In progress", "Обрабатывается"},
}

// message returns a fixed message in lang (en or ru).
func message(lang string, id msgID) string {
	m := messages[id]
	if lang == "ru" {
		return m[1]
	}
	return m[0]
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

// notEnoughMoneyDoc is BILLmanager's not_enough_money error. The service
// sends no structured amounts, so its explanation (balance and price) is
// passed on as the desc parameter, next to the localised message.
func notEnoughMoneyDoc(req *Request, desc string) *billmgr.Doc {
	d := billmgr.NewError(req.Func, req.Lang, "not_enough_money", "", "", message(req.Lang, msgNotEnoughMoney))
	d.Error.Params = []billmgr.Attr{{Name: "desc", Value: desc}}
	return d
}

// paramError is a request parameter the gateway cannot translate into an
// RPC (absent, or not of the form the RPC needs: elid=abc), or one the
// service refused under another name (why holds its message). errorDoc
// answers it as a value error about the legacy parameter.
type paramError struct {
	name, value string
	missing     bool
	why         string
}

func missingParam(name string) error { return &paramError{name: name, missing: true} }

func invalidParam(name, value string) error { return &paramError{name: name, value: value} }

func (e *paramError) Error() string {
	switch {
	case e.why != "":
		return "parameter " + e.name + ": " + e.why
	case e.missing:
		return "parameter " + e.name + " is required"
	}
	return "parameter " + e.name + " is invalid"
}

func (e *paramError) doc(req *Request) *billmgr.Doc {
	v := billmgr.EchoValue(e.name, e.value)
	msg := e.why
	switch {
	case msg != "":
	case e.missing:
		msg = fmt.Sprintf(message(req.Lang, msgParamMissing), e.name)
	default:
		msg = fmt.Sprintf(message(req.Lang, msgParamInvalid), e.name, v)
	}
	return billmgr.NewError(req.Func, req.Lang, "value", e.name, v, msg)
}
