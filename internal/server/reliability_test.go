package server_test

import (
	"testing"

	"connectrpc.com/connect"

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
