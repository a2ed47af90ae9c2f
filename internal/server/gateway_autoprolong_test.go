package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestGatewayAutoprolong: autoprolong holds a period (seed 000). An order
// with autoprolong=24 stores auto-renewal for 24 months, certificate.edit
// shows 24 back; certificate.edit with autoprolong=12 changes it, with
// autoprolong=off switches auto-renewal off; a period the plan does not
// sell is a value error naming autoprolong.
func TestGatewayAutoprolong(t *testing.T) { dbtest.EachKind(t, testGatewayAutoprolong) }

func testGatewayAutoprolong(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "prolong")
	l := legacyClient{t: t, env: e.env, auth: "authinfo=prolong:" + e.cust.Password + "&"}
	cn := "prolong.example.com"
	id := createdID(t, l.get(fmt.Sprintf("out=xml&func=certificate.order.param&sok=ok&skipbasket=on&crt_type=generate&field_country=182&period=12&pricelist=3033&CN=%s&approver_email_1=admin@%s&remoteid=prolong-1&autoprolong=24", cn, cn)))
	check := func(what string, on bool, period int32, echo string) {
		t.Helper()
		c := get(t, e.c, id)
		if c.GetAutoRenew() != on || c.GetAutoRenewPeriodMonths() != period || (period == 0) != (c.AutoRenewPeriodMonths == nil) {
			t.Fatalf("%s: auto_renew %v, period %v; want %v, %d", what, c.GetAutoRenew(), c.AutoRenewPeriodMonths, on, period)
		}
		if body := l.get(fmt.Sprintf("out=xml&func=certificate.edit&elid=%d", id)); !strings.Contains(body, "<autoprolong>"+echo+"</autoprolong>") {
			t.Fatalf("%s: certificate.edit shows\n%s\nwant <autoprolong>%s</autoprolong>", what, body, echo)
		}
	}
	check("order with autoprolong=24", true, 24, "24")
	wantOK(t, "autoprolong=12", l.get(fmt.Sprintf("out=xml&func=certificate.edit&elid=%d&sok=ok&autoprolong=12", id)))
	check("autoprolong=12", true, 12, "12")
	body := l.get(fmt.Sprintf("out=xml&func=certificate.edit&elid=%d&sok=ok&autoprolong=7", id))
	if !strings.Contains(body, `object="autoprolong"`) {
		t.Fatalf("autoprolong=7 (not sold): got\n%s\nwant an error naming autoprolong", body)
	}
	check("after autoprolong=7", true, 12, "12")
	wantOK(t, "autoprolong=off", l.get(fmt.Sprintf("out=xml&func=certificate.edit&elid=%d&sok=ok&autoprolong=off", id)))
	check("autoprolong=off", false, 0, "off")
	wantOK(t, "autoprolong=on", l.get(fmt.Sprintf("out=xml&func=certificate.edit&elid=%d&sok=ok&autoprolong=on", id)))
	check("autoprolong=on", true, 0, "on")
}
