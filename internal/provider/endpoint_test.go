package provider_test

import (
	"strings"
	"testing"

	"github.com/certsvc/certsvc/internal/provider"
)

func TestEndpointURL(t *testing.T) {
	for _, tc := range []struct {
		raw, wantErr string
	}{
		{"https://ca.example.com/api", ""},
		{"http://127.0.0.1:8080/api", ""},
		{"http://[::1]:8080/", ""},
		{"http://localhost/", ""},
		{"http://ca.example.com/api", `"url" must use https`},
		{"ftp://ca.example.com/", `"url" must be an https URL`},
		{"ca.example.com/api", `"url" must be an absolute URL such as https://ca/`},
		{"https://user:pw@ca.example.com/", `"url" must not hold user info`},
		{"https://ca.example.com/?key=1", `"url" must not hold user info, a query`},
		{"https://ca.example.com/#x", `"url" must not hold user info, a query or a fragment`},
		{"https://%zz/", `"url" must be an absolute URL`},
	} {
		u, err := provider.EndpointURL("url", tc.raw, "https://ca/")
		if tc.wantErr == "" {
			if err != nil || u.String() != tc.raw {
				t.Errorf("%s: got %v, %v; want it back", tc.raw, u, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: got error %v, want one with %q", tc.raw, err, tc.wantErr)
		}
	}
}
