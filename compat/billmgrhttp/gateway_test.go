package billmgrhttp

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/gen/certsvc/v1/certsvcv1connect"
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
