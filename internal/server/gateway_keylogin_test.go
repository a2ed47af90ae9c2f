package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestGatewayKeyLoginLandsInConsole: the key login link of session.newkey
// (func=auth&username=&key=, no out=) opened by a browser is sent to the
// web console with the session in the fragment, and that session is the
// user's; the key works once.
func TestGatewayKeyLoginLandsInConsole(t *testing.T) {
	dbtest.EachKind(t, testGatewayKeyLoginLandsInConsole)
}

func testGatewayKeyLoginLandsInConsole(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "keylogin")
	browser := &http.Client{Transport: e.env.HTTP.Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	key := "k-0123456789abcdefghijklmnop"
	admin := legacyClient{t: t, env: e.env, auth: "authinfo=" + url.QueryEscape("admin:"+apitest.AdminPassword) + "&"}
	wantOK(t, "session.newkey", admin.get("out=xml&func=session.newkey&username=keylogin&key="+key))

	link := e.env.URL + "/billmgr?func=auth&username=keylogin&key=" + key + "&checkcookie=no"
	res, err := browser.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	tok, ok := strings.CutPrefix(loc, "/#session=")
	if res.StatusCode != http.StatusSeeOther || !ok || tok == "" {
		t.Fatalf("key login link: %d to %q, want 303 to /#session=…", res.StatusCode, loc)
	}
	page, err := browser.Get(e.env.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="root"`) {
		t.Fatalf("the console at /: %d\n%.300s", page.StatusCode, body)
	}
	tok, _ = url.QueryUnescape(tok)
	who, err := e.env.Clients(apitest.ConnectJSON, "Bearer "+tok).Auth.WhoAmI(context.Background(), &certsvcv1.WhoAmIRequest{})
	if err != nil || who.GetUser().GetLogin() != "keylogin" {
		t.Fatalf("WhoAmI with the handed-over session: %v, %v; want keylogin", who.GetUser().GetLogin(), err)
	}
	res, err = browser.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" {
		t.Fatalf("the key used twice: %d to %q, want the bad-login document", res.StatusCode, res.Header.Get("Location"))
	}
}
