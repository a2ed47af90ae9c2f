package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// seedPricelistIDs are both columns of seed 002's table "SSL certificate
// ID's": for Russian clients, then for foreign clients.
var seedPricelistIDs = [][2]int64{
	{55330, 55352}, {55329, 55351}, {55328, 55350}, {55327, 55349}, {55326, 55348}, {55325, 55347}, {55324, 55346},
	{55153, 55153}, {27650, 27650}, {27648, 27648}, {3033, 3033}, {2028, 2028}, {2027, 2027}, {2026, 2026},
	{2025, 2025}, {2023, 2023}, {2021, 2021}, {2020, 2020}, {2019, 2019}, {2018, 2018}, {2015, 2015},
	{2014, 2014}, {2012, 2012}, {1032, 1032}, {1013, 1013}, {1012, 1012}, {1011, 1011},
}

// TestGatewayOrdersEverySeedPlan orders through certificate.order.param
// every pricelist id of the seed table, in a RUB and in a USD account:
// each order is created, paid, and on the plan the id names (a foreign
// client's id is the same product as the Russian one).
func TestGatewayOrdersEverySeedPlan(t *testing.T) { dbtest.EachKind(t, testGatewayOrdersEverySeedPlan) }

func testGatewayOrdersEverySeedPlan(t *testing.T, k dbtest.Kind) {
	env := apitest.New(t, k.Open(t))
	admin := env.Clients(apitest.ConnectJSON, apitest.AdminAuth)
	ctx := context.Background()
	for _, currency := range []string{"RUB", "USD"} {
		cust := env.NewCustomer(t, "plans-"+strings.ToLower(currency), currency)
		_, err := admin.Account.Deposit(ctx, &certsvcv1.DepositRequest{AccountId: cust.Account.GetId(), AmountMinor: 1_000_000_000, Currency: currency})
		must(t, err)
		l := legacyClient{t: t, env: env, auth: "authinfo=" + cust.User.GetLogin() + ":" + cust.Password + "&"}
		cl := env.Clients(apitest.ConnectJSON, cust.Auth)
		for _, row := range seedPricelistIDs {
			for col, id := range row {
				if col == 1 && row[1] == row[0] {
					continue
				}
				pl, err := admin.Catalog.GetPlan(ctx, &certsvcv1.GetPlanRequest{Id: id})
				must(t, err)
				p := pl.GetPlan()
				if p.GetId() != row[0] {
					t.Fatalf("GetPlan(%d) is plan %d, want %d", id, p.GetId(), row[0])
				}
				domain := fmt.Sprintf("p%d-%s.example.com", id, strings.ToLower(currency))
				cn := domain
				if p.GetWildcard() {
					cn = "*." + domain
				}
				q := url.Values{"out": {"xml"}, "func": {"certificate.order.param"}, "sok": {"ok"}, "skipbasket": {"on"},
					"crt_type": {"manual"}, "csr": {ecdsaCSR(t, cn)}, "period": {"12"}, "pricelist": {fmt.Sprint(id)},
					"remoteid": {"seed-" + domain}, "approver_method": {"auth_email"}, "approver_email_1": {"admin@" + domain},
					"adm_fname": {"Ivan"}, "adm_lname": {"Petrov"}, "adm_jtitle": {"CTO"}, "adm_email": {"ivan@example.com"}, "adm_phone": {"+74951234567"},
					"like_admin": {"on"}, "org_name": {"Example LLC"}, "org_address": {"1 Main St"}, "org_city": {"Moscow"},
					"org_state": {"Moscow"}, "org_postcode": {"101000"}, "org_country": {"182"}, "org_phone": {"+74951234567"}}
				body := l.post(q.Encode())
				if strings.Contains(body, "<error") {
					t.Fatalf("pricelist %d (%s, %s): got\n%s", id, p.GetName(), currency, body)
				}
				c := get(t, cl, createdID(t, body))
				if c.GetPlanId() != row[0] || c.GetState() == stUnpaidGW || c.GetCurrency() != currency {
					t.Fatalf("pricelist %d (%s): plan %d, state %v, currency %s", id, currency, c.GetPlanId(), c.GetState(), c.GetCurrency())
				}
			}
		}
	}
}
