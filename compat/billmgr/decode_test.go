package billmgr_test

import (
	"testing"

	"github.com/certsvc/certsvc/compat/billmgr"
)

// TestParseXMLRoundTrip: what the encoder writes, the reader reads back,
// errors included: both ends of the protocol agree.
func TestParseXMLRoundTrip(t *testing.T) {
	list := billmgr.NewList("certificate", "en").
		AddRow(billmgr.F("id", "4711"), billmgr.FO("item_status", "Active", "2"), billmgr.F("CN", " www.example.org ")).
		AddRow(billmgr.F("id", "4712"))
	body, _ := billmgr.Marshal(billmgr.FormatXML, list)
	doc, err := billmgr.ParseXML(body)
	if err != nil {
		t.Fatal(err)
	}
	elems := doc.Children("elem")
	if len(elems) != 2 || elems[0].Value("id") != "4711" || elems[0].Orig("item_status") != "2" ||
		elems[0].Value("item_status") != "Active" || elems[0].Value("CN") != "www.example.org" || elems[1].Orig("id") != "4712" {
		t.Fatalf("list read back wrong from\n%s", body)
	}
	if billmgr.ErrorOf(doc) != nil {
		t.Fatal("a list has no error")
	}

	e := billmgr.NewError("certificate.order.param", "ru", "not_enough_money", "balance", "", "Недостаточно средств")
	e.Error.Params = []billmgr.Attr{{Name: "desc", Value: "balance 1.00 RUB, price 810.00 RUB"}}
	body, _ = billmgr.Marshal(billmgr.FormatDevel, e)
	doc, err = billmgr.ParseXML(body)
	if err != nil {
		t.Fatal(err)
	}
	got := billmgr.ErrorOf(doc)
	if got == nil || got.Type != "not_enough_money" || got.Object != "balance" || got.Msg != "Недостаточно средств" ||
		got.Param("desc") != "balance 1.00 RUB, price 810.00 RUB" {
		t.Fatalf("error read back as %+v from\n%s", got, body)
	}

	if _, err := billmgr.ParseXML([]byte(`<?xml version="1.0"?><html/>`)); err == nil {
		t.Fatal("a document without a <doc> root is accepted")
	}
	var nilElem *billmgr.Element
	if nilElem.Child("x").Children("y") != nil || nilElem.Value("x") != "" || nilElem.Orig("x") != "" {
		t.Fatal("lookups on nil do not chain")
	}
}
