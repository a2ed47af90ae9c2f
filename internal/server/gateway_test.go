package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/store"
)

// TestLegacyGatewayAuth drives the legacy func= door end to end: password
// and key logins, session.newkey, the country list, and the error classes.
func TestLegacyGatewayAuth(t *testing.T) { dbtest.Each(t, testLegacyGatewayAuth) }

func testLegacyGatewayAuth(t *testing.T, db *store.DB) {
	env := apitest.New(t, db)
	cust := env.NewCustomer(t, "reseller", "RUB")
	get := func(t *testing.T, path string, q url.Values) (string, string) {
		t.Helper()
		res, err := env.HTTP.Get(env.URL + path + "?" + q.Encode())
		must(t, err)
		if res.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d, want 200 (legacy errors travel in the body)", path, res.StatusCode)
		}
		return res.Header.Get("Content-Type"), readAll(t, res)
	}
	q := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	t.Run("ok/password login in xml", func(t *testing.T) {
		ct, body := get(t, "/billmgr", q("out", "xml", "func", "auth", "username", "admin", "password", apitest.AdminPassword))
		if ct != "text/xml" || !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Fatalf("got %s:\n%s", ct, body)
		}
		if !strings.Contains(body, `<auth id="cs_s_`) || !strings.Contains(body, `level="30"`) {
			t.Fatalf("no admin session in:\n%s", body)
		}
	})
	t.Run("error/bad password", func(t *testing.T) {
		_, body := get(t, "/manager/billmgr", q("out", "xml", "func", "auth", "username", "admin", "password", "wrong"))
		if !strings.Contains(body, `type="auth"`) || !strings.Contains(body, `object="badpassword"`) {
			t.Fatalf("got:\n%s", body)
		}
		if strings.Contains(body, "wrong") {
			t.Fatalf("the password is echoed:\n%s", body)
		}
	})
	t.Run("ok/newkey then key login, once", func(t *testing.T) {
		key := "k3y-for-single-sign-on-0001"
		_, body := get(t, "/billmgr", q("out", "xml", "authinfo", "admin:"+apitest.AdminPassword,
			"func", "session.newkey", "username", "reseller", "key", key))
		if !strings.Contains(body, "<ok") {
			t.Fatalf("session.newkey: got\n%s", body)
		}
		if strings.Contains(body, apitest.AdminPassword) {
			t.Fatalf("authinfo is echoed:\n%s", body)
		}
		_, body = get(t, "/billmgr", q("out", "bjson", "func", "auth", "username", "reseller", "key", key))
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("bjson is not JSON: %v\n%s", err, body)
		}
		// bjson: the session as model.auth and nothing else (docs §2.2).
		if model, _ := doc["model"].(map[string]any); len(model) != 1 || !strings.HasPrefix(fmt.Sprint(model["auth"]), "cs_s_") {
			t.Fatalf("key login: got\n%s", body)
		}
		_, body = get(t, "/billmgr", q("out", "xml", "func", "auth", "username", "reseller", "key", key))
		if !strings.Contains(body, `type="auth"`) {
			t.Fatalf("second use of a key: got\n%s", body)
		}
	})
	t.Run("error/newkey by a customer", func(t *testing.T) {
		_, body := get(t, "/billmgr", q("out", "xml", "authinfo", "reseller:"+cust.Password,
			"func", "session.newkey", "username", "admin", "key", "an-attempt-to-become-admin"))
		if !strings.Contains(body, `type="access"`) {
			t.Fatalf("got:\n%s", body)
		}
	})
	t.Run("ok/country list with a session", func(t *testing.T) {
		_, body := get(t, "/billmgr", q("out", "xml", "func", "auth", "username", "reseller", "password", cust.Password))
		i := strings.Index(body, `<auth id="`)
		if i < 0 {
			t.Fatalf("no session:\n%s", body)
		}
		session := body[i+len(`<auth id="`):]
		session = session[:strings.IndexByte(session, '"')]
		_, body = get(t, "/billmgr", q("out", "bjson", "auth", session, "func", "certificate.order.csr", "period", "12", "pricelist", "3033"))
		if !strings.Contains(body, `{"k":"182","v":"Russian Federation"}`) {
			t.Fatalf("bjson: no Russia (182) in the country list:\n%q", body[:min(len(body), 800)])
		}
		_, body = get(t, "/billmgr", q("out", "xml", "auth", session, "func", "certificate.order.csr", "period", "12", "pricelist", "3033"))
		if !strings.Contains(body, `key="182"`) || !strings.Contains(body, `image="/manimg/common/flag/RU.png"`) {
			t.Fatalf("xml: no Russia (182) with its flag in the country list:\n%q", body[:min(len(body), 800)])
		}
	})
	t.Run("error/unknown function", func(t *testing.T) {
		_, body := get(t, "/", q("out", "xml", "func", "no.such.func", "authinfo", "admin:"+apitest.AdminPassword))
		if !strings.Contains(body, `type="missed"`) {
			t.Fatalf("got:\n%s", body)
		}
	})
	t.Run("error/root without func is not the gateway", func(t *testing.T) {
		// / without func= is the web console's page, not a gateway answer.
		res, err := env.HTTP.Get(env.URL + "/")
		must(t, err)
		body := readAll(t, res)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			strings.Contains(string(body), "<doc") {
			t.Fatalf("GET / without func: got %d %q, want the console's HTML:\n%.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	})
}
