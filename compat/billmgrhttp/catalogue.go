package billmgrhttp

import "strings"

// The error catalogue: every text the gateway answers, in English and
// Russian, in one place. Texts are BILLmanager-style templates: __object__
// is replaced by the legacy parameter an error is about and __value__ by
// its (echo-safe) value, as in the <group> templates of BILLmanager's error
// documents. TestCatalogueComplete fails when a text lacks its translation.

type msgID int

const (
	msgBadPassword msgID = iota
	msgTooManyLogins
	msgMissed
	msgInternal
	msgUnavailable
	msgNotYet
	msgNotEnoughMoney
	msgParamMissing
	msgParamInvalid
	msgNotFound
	msgNotFoundObject
	msgExists
	msgAccess
	msgRejected
	msgBadRequest
	msgGroupFailed
	msgBasketEmpty
	msgItemOrdered
	msgItemActive
	msgItemSuspended
	msgItemDeleted
	msgItemInProgress

	msgCount // not a message: the number of messages
)

// catalogue holds each message as {English, Russian}.
var catalogue = [msgCount][2]string{
	msgBadPassword: {"Invalid username or password", "Неверное имя пользователя или пароль"},
	// desc of a wrong login answered while the login is throttled.
	msgTooManyLogins: {"Too many failed login attempts; try again later", "Слишком много неудачных попыток входа; повторите попытку позже"},
	msgMissed:        {"Unknown function __object__", "Не удалось найти функцию __object__"},
	msgInternal:      {"Internal error; try again later", "Внутренняя ошибка; повторите попытку позже"},
	msgUnavailable:   {"The service is temporarily unavailable; try again later", "Сервис временно недоступен; повторите попытку позже"},
	msgNotYet:        {"This step is not available yet", "Этот шаг пока недоступен"},
	// The legacy type not_enough_money; the amounts go in its params.
	msgNotEnoughMoney: {"Not enough money on the account balance: __amount__ __currency__ is needed, __have__ __currency__ is available",
		"Недостаточно средств на лицевом счете: требуется __amount__ __currency__, доступно __have__ __currency__"},
	msgParamMissing:   {`The "__object__" field is required`, `Поле "__object__" обязательно для заполнения`},
	msgParamInvalid:   {`The value of the "__object__" field is invalid: __value__`, `Неверное значение поля "__object__": __value__`},
	msgNotFound:       {"The object was not found", "Объект не найден"},
	msgNotFoundObject: {`The object "__object__" was not found: __value__`, `Объект "__object__" не найден: __value__`},
	msgExists:         {`An object with this "__object__" already exists: __value__`, `Объект с таким значением "__object__" уже существует: __value__`},
	msgAccess:         {"Insufficient privileges to perform this operation", "Недостаточно прав для выполнения операции"},
	msgRejected:       {"The operation cannot be performed in the object's current state", "Операция невозможна в текущем состоянии объекта"},
	msgBadRequest:     {"The request could not be read", "Не удалось прочитать запрос"},
	msgGroupFailed:    {"The operation failed for some of the selected objects", "Операция не выполнена для части выбранных объектов"},
	msgBasketEmpty:    {"The cart is empty", "Корзина пуста"},
	// item_status names (the body of <item_status orig="N">).
	msgItemOrdered:    {"Ordered", "Заказан"},
	msgItemActive:     {"Active", "Активен"},
	msgItemSuspended:  {"Suspended", "Остановлен"},
	msgItemDeleted:    {"Deleted", "Удален"},
	msgItemInProgress: {"In progress", "Обрабатывается"},
}

// message returns a message in lang (ru, else en) with its placeholders
// filled from vars (name, value pairs: "object", "CN"). A placeholder
// followed by nothing but ": " is dropped with its separator when its value
// is empty.
func message(lang string, id msgID, vars ...string) string {
	m := catalogue[id][0]
	if lang == "ru" {
		m = catalogue[id][1]
	}
	for i := 0; i+1 < len(vars); i += 2 {
		ph := "__" + vars[i] + "__"
		if vars[i+1] == "" {
			m = strings.ReplaceAll(m, ": "+ph, "")
		}
		m = strings.ReplaceAll(m, ph, vars[i+1])
	}
	return m
}
