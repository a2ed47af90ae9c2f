package server_test

import (
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// The API's read path on MariaDB through the whole handler stack, with
// parallel clients: go test -run - -bench . -cpu 16 ./internal/server/
func BenchmarkListPlans(b *testing.B) {
	env := apitest.New(b, dbtest.MySQL(b))
	for _, proto := range apitest.Protocols {
		b.Run(string(proto), func(b *testing.B) {
			c := env.Clients(proto, "")
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Catalog.ListPlans(b.Context(), &certsvcv1.ListPlansRequest{PageSize: 20}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkWhoAmI(b *testing.B) {
	env := apitest.New(b, dbtest.MySQL(b))
	cust := env.NewCustomer(b, "bench", "RUB")
	lr, err := env.Clients(apitest.ConnectJSON, "").Auth.Login(b.Context(), &certsvcv1.LoginRequest{
		Login: "bench", Credential: &certsvcv1.LoginRequest_Password{Password: cust.Password}})
	if err != nil {
		b.Fatal(err)
	}
	for _, proto := range apitest.Protocols {
		b.Run(string(proto), func(b *testing.B) {
			c := env.Clients(proto, apitest.Bearer(lr.GetToken()))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Auth.WhoAmI(b.Context(), &certsvcv1.WhoAmIRequest{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
