package billmgrhttp

import (
	"bytes"
	"context"
	"errors"
	"go/build"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/certsvc/certsvc/compat/billmgr"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
)

// fakeAPI answers the calls it implements with err; the gateway's own logic
// is what is under test here (the real service is exercised in
// internal/server). Calls it does not implement panic.
type fakeAPI struct {
	certsvcv1connect.AuthServiceClient
	certsvcv1connect.CatalogServiceClient
	err error
}

func (f fakeAPI) Login(context.Context, *certsvcv1.LoginRequest) (*certsvcv1.LoginResponse, error) {
	return nil, f.err
}

func (f fakeAPI) CreateLoginKey(context.Context, *certsvcv1.CreateLoginKeyRequest) (*certsvcv1.CreateLoginKeyResponse, error) {
	return nil, f.err
}

func (f fakeAPI) ListCountries(context.Context, *certsvcv1.ListCountriesRequest) (*certsvcv1.ListCountriesResponse, error) {
	return nil, f.err
}

func TestErrorClasses(t *testing.T) {
	withField := connect.NewError(connect.CodeInvalidArgument, errors.New("key: must be at least 16 characters"))
	if d, err := connect.NewErrorDetail(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: "key"}}}); err == nil {
		withField.AddDetail(d)
	}
	tests := []struct {
		name        string
		err         error
		wantType    string
		wantObject  string
		wantMessage string
	}{
		{"auth", connect.NewError(connect.CodeUnauthenticated, errors.New("invalid login or password")), "auth", "badpassword", "Invalid username or password"},
		{"access", connect.NewError(connect.CodePermissionDenied, errors.New("admin access required")), "access", "", "admin access required"},
		{"value with field", withField, "value", "key", "key: must be at least 16 characters"},
		{"exists", connect.NewError(connect.CodeAlreadyExists, errors.New("key: this key was used before")), "exists", "key", ""},
		{"missed", connect.NewError(connect.CodeNotFound, errors.New("login: user \"x\" not found")), "missed", "login", ""},
		{"internal hides detail", connect.NewError(connect.CodeInternal, errors.New("dial tcp 10.0.0.5:3306: refused")), "internal", "", "Internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := New(API{Auth: fakeAPI{err: tc.err}, Catalog: fakeAPI{err: tc.err}}, slog.New(slog.DiscardHandler))
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?out=xml&func=session.newkey&username=u&key=k&authinfo=admin:pw", nil))
			body := rec.Body.String()
			if rec.Code != 200 || !strings.Contains(body, `type="`+tc.wantType+`"`) || !strings.Contains(body, `object="`+tc.wantObject+`"`) {
				t.Fatalf("got HTTP %d:\n%s\nwant type=%q object=%q", rec.Code, body, tc.wantType, tc.wantObject)
			}
			if !strings.Contains(body, tc.wantMessage) || strings.Contains(body, "10.0.0.5") {
				t.Fatalf("message: got\n%s\nwant it to contain %q and no internal detail", body, tc.wantMessage)
			}
		})
	}
}

func TestMissedFunctionIsLoggedWithoutSecrets(t *testing.T) {
	var logs bytes.Buffer
	g := New(API{Auth: fakeAPI{}, Catalog: fakeAPI{}}, slog.New(slog.NewJSONHandler(&logs, nil)))
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?func=checkevent&authinfo=reseller:s3cret&password=hunter2&out=json", nil))
	if !strings.Contains(rec.Body.String(), "missed") {
		t.Fatalf("got %s, want a missed error", rec.Body.String())
	}
	if !strings.Contains(logs.String(), "checkevent") {
		t.Fatalf("the unknown function is not logged: %s", logs.String())
	}
	for _, secret := range []string{"s3cret", "hunter2"} {
		if strings.Contains(logs.String(), secret) || strings.Contains(rec.Body.String(), secret) {
			t.Fatalf("%q leaked: log %s body %s", secret, logs.String(), rec.Body.String())
		}
	}
}

// TestUnavailableIs503: when the API answers unavailable (the database is
// down), the gateway answers HTTP 503 with a legacy error document in the
// asked format, so that clients' retry policies retry; no detail leaks.
func TestUnavailableIs503(t *testing.T) {
	outage := connect.NewError(connect.CodeUnavailable, errors.New("store: dial tcp 10.0.0.5:3306: connection refused"))
	g := New(API{Auth: fakeAPI{err: outage}, Catalog: fakeAPI{err: outage}}, slog.New(slog.DiscardHandler))
	for _, tc := range []struct{ out, lang, want string }{
		{"xml", "en", `<error type="internal" object="unavailable"`},
		{"json", "ru", `"$type":"internal"`},
		{"bjson", "en", `"unavailable"`},
	} {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet,
			"/billmgr?out="+tc.out+"&lang="+tc.lang+"&func=session.newkey&username=u&key=k&authinfo=admin:pw", nil))
		body := rec.Body.String()
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("out=%s: HTTP %d, Retry-After %q, want 503 with Retry-After:\n%s", tc.out, rec.Code, rec.Header().Get("Retry-After"), body)
		}
		if !strings.Contains(body, tc.want) || strings.Contains(body, "10.0.0.5") || strings.Contains(body, "Internal error") {
			t.Fatalf("out=%s: body\n%s\nwant %s and no internal detail", tc.out, body, tc.want)
		}
		if tc.lang == "ru" && !strings.Contains(body, "Сервис временно недоступен") {
			t.Fatalf("lang=ru: body %s is not translated", body)
		}
	}
	// An outage while the country list of a form is read is the same.
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?out=xml&func=certificate.order.csr&authinfo=u:p", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("certificate.order.csr: HTTP %d, want 503:\n%s", rec.Code, rec.Body.String())
	}
}

// TestMissedFunctionLogIsBounded: an unknown func= from anyone logs a
// bounded summary, whatever the body holds: names and sizes, values only of
// a short allow-list, and never a secret of any spelling.
func TestMissedFunctionLogIsBounded(t *testing.T) {
	var logs bytes.Buffer
	g := New(API{Auth: fakeAPI{}, Catalog: fakeAPI{}}, slog.New(slog.NewJSONHandler(&logs, nil)))
	secrets := map[string]string{"auth_token": "tok-1", "partner_code": "pc-2", "Token": "tok-3", "secret": "sec-4",
		"pass": "pass-5", "pwd": "pwd-6", "PassWord": "pw-7", "AUTHINFO": "login:pw-8", "comment": "x&authinfo=u:pw-9"}
	form := url.Values{"func": {"checkevent" + strings.Repeat("z", 5000)}, "out": {"json"},
		"blob": {strings.Repeat("A", billmgr.MaxBody-64*1024)}}
	for k, v := range secrets {
		form.Set(k, v)
	}
	for i := range 500 {
		form.Set("p"+strconv.Itoa(i), "v")
	}
	req := httptest.NewRequest(http.MethodPost, "/billmgr", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "missed") {
		t.Fatalf("got %s, want a missed error", rec.Body.String()[:min(rec.Body.Len(), 300)])
	}
	out := logs.String()
	if len(out) > 4096 {
		t.Fatalf("an unknown function of a %d-byte body logs %d bytes", len(form.Encode()), len(out))
	}
	if !strings.Contains(out, "checkevent") || !strings.Contains(out, "blob(") {
		t.Fatalf("the log does not say what was called: %s", out)
	}
	for _, v := range secrets {
		secret := v[strings.LastIndex(v, ":")+1:]
		if strings.Contains(out, secret) {
			t.Errorf("%q leaked into the log: %s", secret, out)
		}
	}
	if strings.Contains(out, "AAAAAAAA") {
		t.Errorf("a value outside the allow-list is logged: %s", out)
	}
}

// TestImportsNoInternals: the gateway and the protocol package are
// translators over the typed API; they never import the service's
// internals or the store.
func TestImportsNoInternals(t *testing.T) {
	for _, dir := range []string{".", "../billmgr"} {
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, "github.com/certsvc/certsvc/internal/") || imp == "github.com/certsvc/certsvc/ent" || strings.HasPrefix(imp, "github.com/certsvc/certsvc/ent/") {
				t.Errorf("%s imports %s", pkg.ImportPath, imp)
			}
		}
	}
}

// TestPanicAnswersInternalError: a panic in a function (here: a call to an
// API the gateway was built without) answers the legacy internal error and
// is logged with the function's name, never the request's secrets.
func TestPanicAnswersInternalError(t *testing.T) {
	var logs bytes.Buffer
	g := New(API{Auth: fakeAPI{}, Catalog: fakeAPI{}}, slog.New(slog.NewJSONHandler(&logs, nil)))
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/billmgr?out=xml&func=certificate&authinfo=reseller:s3cret", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `type="internal"`) {
		t.Fatalf("HTTP %d:\n%s\nwant an internal error document", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "legacy function panicked") || !strings.Contains(logs.String(), `"func":"certificate"`) {
		t.Fatalf("the panic is not logged with its function: %s", logs.String())
	}
	if strings.Contains(logs.String()+rec.Body.String(), "s3cret") {
		t.Fatal("the password leaked")
	}
}
