package billmgrhttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// TestCatalogueComplete fails when a message of the catalogue lacks its
// English or its Russian text, or when the "Russian" text is not Russian.
func TestCatalogueComplete(t *testing.T) {
	for id := msgID(0); id < msgCount; id++ {
		en, ru := catalogue[id][0], catalogue[id][1]
		if en == "" || ru == "" {
			t.Errorf("message %d: en %q, ru %q: both texts are required", id, en, ru)
			continue
		}
		if !strings.ContainsFunc(ru, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("message %d: the Russian text %q is not Russian", id, ru)
		}
		if strings.Count(en, "__") != strings.Count(ru, "__") {
			t.Errorf("message %d: en %q and ru %q have different placeholders", id, en, ru)
		}
	}
}

// TestEveryErrorClassInRussian: each kind of error the gateway answers has
// its text in the caller's language, from the catalogue; a throttled wrong
// login reads like any wrong login (auth/badpassword), saying why.
func TestEveryErrorClassInRussian(t *testing.T) {
	errs := map[string]error{
		"auth":           connect.NewError(connect.CodeUnauthenticated, errors.New("invalid login or password")),
		"limited":        connect.NewError(connect.CodeResourceExhausted, errors.New("too many failed logins; try again in 5s")),
		"access":         connect.NewError(connect.CodePermissionDenied, errors.New("admin access required")),
		"value":          connect.NewError(connect.CodeInvalidArgument, errors.New("key: must be at least 16 characters")),
		"value, no name": connect.NewError(connect.CodeFailedPrecondition, errors.New("the certificate is not issued")),
		"exists":         connect.NewError(connect.CodeAlreadyExists, errors.New("key: this key was used before")),
		"missed":         connect.NewError(connect.CodeNotFound, errors.New("login: user \"x\" not found")),
		"missed, param":  connect.NewError(connect.CodeInvalidArgument, errors.New("code: must not be empty")),
		"internal":       connect.NewError(connect.CodeInternal, errors.New("boom")),
		"unavailable":    connect.NewError(connect.CodeUnavailable, errors.New("down")),
	}
	want := map[string]string{"auth": `type="auth" object="badpassword"`, "limited": `type="auth" object="badpassword"`,
		"missed, param": `type="missed" object="code"`, "value": `type="value" object="key"`}
	for name, e := range errs {
		t.Run(name, func(t *testing.T) {
			g := New(API{Auth: fakeAPI{err: e}}, slog.New(slog.DiscardHandler))
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/billmgr?out=xml&lang=ru&func=session.newkey&username=u&key=k1234567890123456&authinfo=admin:pw", nil)
			r.RemoteAddr = "198.51.100.7:4242"
			g.ServeHTTP(rec, r)
			body := rec.Body.String()
			_, msg, _ := strings.Cut(body, "<msg>")
			if !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
				t.Errorf("no Russian message:\n%s", body)
			}
			if w := want[name]; !strings.Contains(body, w) {
				t.Errorf("want %s in\n%s", w, body)
			}
		})
	}
	g := New(API{Auth: fakeAPI{err: errs["limited"]}}, slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/billmgr?out=xml&func=auth&username=u&password=wrong", nil)
	r.RemoteAddr = "198.51.100.7:4242"
	g.ServeHTTP(rec, r)
	for _, w := range []string{`<param name="value">remote_addr: [198.51.100.7]</param>`, `<param name="desc">Too many failed login attempts`, `<msg>Invalid username or password</msg>`} {
		if !strings.Contains(rec.Body.String(), w) {
			t.Errorf("throttled login: want %s in\n%s", w, rec.Body.String())
		}
	}
}

// TestBasketPaysAllOrNothing: the cart is paid whole, or, when the balance
// does not cover the total, not at all.
func TestBasketPaysAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		balance int64
		paid    int
	}{{100_000, 0}, {243_000, 2}} {
		f := newFake(false)
		withCart(tc.balance)(f)
		body := serve(gateway(f), "func=basket&clicked_button=pay&sok=ok&out=xml&authinfo=reseller:s3cret")
		if len(f.paid) != tc.paid {
			t.Errorf("balance %d: paid %v, want %d orders:\n%s", tc.balance, f.paid, tc.paid, body)
		}
	}
}

type loginFake struct{ fakeAPI }

func (loginFake) Login(context.Context, *certsvcv1.LoginRequest) (*certsvcv1.LoginResponse, error) {
	return &certsvcv1.LoginResponse{Token: "cs_s_tok", User: &certsvcv1.User{Id: 7}}, nil
}

// TestAuthSetsSessionCookie: func=auth gives a browser the billmgrses5
// cookie; other functions set none.
func TestAuthSetsSessionCookie(t *testing.T) {
	g := New(API{Auth: loginFake{}}, slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?func=auth&username=u&key=k1234567890123456", nil))
	c := rec.Result().Cookies()
	if len(c) != 1 || c[0].Name != "billmgrses5" || c[0].Value != "cs_s_tok" || !c[0].HttpOnly {
		t.Fatalf("cookies %v, want billmgrses5=cs_s_tok, HttpOnly", c)
	}
	// Without out= (a browser following the key login link) the answer
	// sends it to the web console with the session in the fragment; with
	// out= a script gets the document.
	if res := rec.Result(); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/#session=cs_s_tok" {
		t.Fatalf("key login by a browser: %d to %q, want 303 to /#session=cs_s_tok", res.StatusCode, res.Header.Get("Location"))
	}
	for _, q := range []string{"func=auth&username=u&key=k1234567890123456&out=xml", "func=auth&username=u&password=p"} {
		rec = httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?"+q, nil))
		if res := rec.Result(); res.StatusCode != http.StatusOK || !strings.Contains(rec.Body.String(), "cs_s_tok") || len(res.Cookies()) != 1 {
			t.Fatalf("%s: %d %q, want the auth document with the cookie", q, res.StatusCode, rec.Body.String())
		}
	}
	rec = httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?func=nope", nil))
	if c := rec.Result().Cookies(); len(c) != 0 {
		t.Fatalf("cookies on another function: %v", c)
	}
}
