package store

import (
	"reflect"
	"testing"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/account"
	"github.com/certsvc/certsvc/ent/apikey"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/plan"
	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/ent/user"
	"github.com/certsvc/certsvc/ent/webhookendpoint"
)

// Every column of the entities written with Applied has its field, the
// sensitive ones (json:"-") included.
func TestAppliedKnowsEveryColumn(t *testing.T) {
	for _, c := range []struct {
		typ     reflect.Type
		columns []string
	}{
		{reflect.TypeFor[ent.Certificate](), certificate.Columns},
		{reflect.TypeFor[ent.User](), user.Columns},
		{reflect.TypeFor[ent.Account](), account.Columns},
		{reflect.TypeFor[ent.APIKey](), apikey.Columns},
		{reflect.TypeFor[ent.Plan](), plan.Columns},
		{reflect.TypeFor[ent.ProcessingModule](), processingmodule.Columns},
		{reflect.TypeFor[ent.WebhookEndpoint](), webhookendpoint.Columns},
	} {
		fields := fieldsOf(c.typ)
		for _, col := range c.columns {
			if _, ok := fields[col]; !ok {
				t.Errorf("%s: no field for the column %q", c.typ, col)
			}
		}
	}
}
