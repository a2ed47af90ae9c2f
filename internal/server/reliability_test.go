package server_test

import (
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"

	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/apitest"
	"certsvc/internal/dbtest"
)

// TestLoginLimiterDoesNotLockOutTheRightPassword guesses login A from one
// address, then logs in B and A with their right passwords from the same
// address: both succeed. The guessing itself is limited: once A is over its
// limit, wrong passwords are answered ResourceExhausted, not verified freely.
func TestLoginLimiterDoesNotLockOutTheRightPassword(t *testing.T) {
	env := apitest.New(t, dbtest.MySQL(t))
	a := env.NewCustomer(t, "limit-a", "RUB")
	b := env.NewCustomer(t, "limit-b", "RUB")
	for _, proto := range apitest.Protocols {
		t.Run(string(proto), func(t *testing.T) {
			ctx := t.Context()
			anon := env.Clients(proto, "")
			login := func(l, pw string) error {
				_, err := anon.Auth.Login(ctx, authzPasswordLogin(l, pw))
				return err
			}
			var codes []connect.Code
			for range 10 {
				codes = append(codes, connect.CodeOf(login(a.User.GetLogin(), "wrong-guess")))
			}
			for i, c := range codes {
				want := connect.CodeUnauthenticated
				if i >= 5 { // the limiter's default: 5 free failures per login
					want = connect.CodeResourceExhausted
				}
				if c != want {
					t.Fatalf("wrong password %d of A: %v, want %v (all: %v)", i+1, c, want, codes)
				}
			}
			if err := login(b.User.GetLogin(), b.Password); err != nil {
				t.Fatalf("B's right password after A was guessed: %v, want success", err)
			}
			if err := login(a.User.GetLogin(), a.Password); err != nil {
				t.Fatalf("A's right password after A was guessed: %v, want success", err)
			}
			// A's success forgets A's failures; guessing starts over from the free ones.
			if err := login(a.User.GetLogin(), "wrong-guess"); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("a wrong password of A after A's success: %v, want Unauthenticated", err)
			}
			// Still limited: after 5 more wrong passwords A is throttled again.
			for range 4 {
				_ = login(a.User.GetLogin(), "wrong-guess")
			}
			if err := login(a.User.GetLogin(), "wrong-guess"); connect.CodeOf(err) != connect.CodeResourceExhausted {
				t.Fatalf("guessing A again: %v, want ResourceExhausted", err)
			}
			if err := login(a.User.GetLogin(), a.Password); err != nil {
				t.Fatalf("A's right password: %v, want success", err)
			}
		})
	}
}

// TestDatabaseOutageIsUnavailable takes the database away from a running
// server (its connection pool is closed) and checks that calls which need it
// answer Unavailable — HTTP 503 over Connect — so clients' retry policies
// retry, instead of internal/500.
func TestDatabaseOutageIsUnavailable(t *testing.T) {
	env := apitest.NewWith(t, dbtest.MySQL(t), apitest.Options{NoWorker: true})
	cust := env.NewCustomer(t, "outage", "RUB")
	key, err := env.Clients(apitest.ConnectJSON, cust.Auth).Auth.CreateApiKey(t.Context(), &certsvcv1.CreateApiKeyRequest{Name: "outage"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.DB.SQL.Close(); err != nil {
		t.Fatal(err)
	}
	for _, proto := range apitest.Protocols {
		for _, a := range []string{apitest.AdminAuth, apitest.Bearer(key.GetSecret())} {
			cl := env.Clients(proto, a)
			_, err := cl.Auth.WhoAmI(t.Context(), &certsvcv1.WhoAmIRequest{})
			if connect.CodeOf(err) != connect.CodeUnavailable {
				t.Errorf("%s: WhoAmI with the database gone: %v, want Unavailable", proto, err)
			}
			_, err = cl.Cert.ListCertificates(t.Context(), &certsvcv1.ListCertificatesRequest{})
			if connect.CodeOf(err) != connect.CodeUnavailable {
				t.Errorf("%s: ListCertificates with the database gone: %v, want Unavailable", proto, err)
			}
		}
	}
	// Connect's HTTP status for Unavailable.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, env.URL+"/certsvc.v1.AuthService/WhoAmI", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", apitest.AdminAuth)
	res, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("HTTP status with the database gone: %d, want 503", res.StatusCode)
	}
}
