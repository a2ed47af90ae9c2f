package server_test

import (
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestGatewayLoginLimiter is issue 13's scenario through the gateway: a
// reseller's billing runs every customer from one address. Ten wrong
// passwords of login A; then B and A with the right password, from the same
// address, both get in (authinfo and func=auth); a further wrong password of
// A is still slowed down, answered as BILLmanager answers a bad login
// (auth/badpassword) with the reason, in the caller's language.
func TestGatewayLoginLimiter(t *testing.T) { dbtest.EachKind(t, testGatewayLoginLimiter) }

func testGatewayLoginLimiter(t *testing.T, k dbtest.Kind) {
	env := apitest.New(t, k.Open(t))
	a := env.NewCustomer(t, "alice", "RUB")
	b := env.NewCustomer(t, "bob", "RUB")
	l := legacyClient{t: t, env: env}
	for i := range 10 {
		q := "out=xml&func=certificate&authinfo=alice:wrong"
		if i%2 == 1 {
			q = "out=xml&func=auth&username=alice&password=wrong"
		}
		if body := l.get(q); !strings.Contains(body, `type="auth" object="badpassword"`) {
			t.Fatalf("wrong password %d: got\n%s", i+1, body)
		}
	}
	for _, q := range []string{
		"out=xml&func=certificate&authinfo=bob:" + b.Password,
		"out=xml&func=certificate&authinfo=alice:" + a.Password,
		"out=xml&func=auth&username=bob&password=" + b.Password,
		"out=xml&func=auth&username=alice&password=" + a.Password,
	} {
		if body := l.get(q); strings.Contains(body, "<error") {
			t.Fatalf("right password after the guesses (%s): got\n%s", strings.SplitN(q, "&", 3)[1], body)
		}
	}
	// The right password forgot alice's failures: guess again until the
	// limiter answers, as a brute force would.
	limited := ""
	for range 20 {
		body := l.get("out=xml&lang=ru&func=auth&username=alice&password=guess")
		if !strings.Contains(body, `type="auth" object="badpassword"`) || !strings.Contains(body, "Неверное имя пользователя или пароль") {
			t.Fatalf("wrong password: got\n%s", body)
		}
		if strings.Contains(body, `<param name="desc">Слишком много неудачных попыток входа`) {
			limited = body
			break
		}
	}
	if limited == "" {
		t.Fatal("20 wrong passwords of one login were never slowed down")
	}
	if body := l.get("out=xml&func=certificate&authinfo=bob:" + b.Password); strings.Contains(body, "<error") {
		t.Fatalf("another login during alice's lock-out: got\n%s", body)
	}
}
