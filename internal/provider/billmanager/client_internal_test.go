package billmanager

import (
	"strings"
	"testing"
)

// TestRedactCallLog: the call log and errors mask the configured password
// and, as the gateway does, every secret of a name=value pair (a URL with
// authinfo in it, a token in an upstream message), whatever its case.
func TestRedactCallLog(t *testing.T) {
	c := &client{password: "hunter22"}
	in := `Post "https://h/billmgr?AUTHINFO=me:other-pw&auth_token=tok1&func=x": pw hunter22, partner_code=pc1`
	got := c.redact(in)
	for _, leak := range []string{"hunter22", "other-pw", "tok1", "pc1"} {
		if strings.Contains(got, leak) {
			t.Errorf("redact(%q) = %q: %q is shown", in, got, leak)
		}
	}
	if !strings.Contains(got, "AUTHINFO=me:") || !strings.Contains(got, "func=x") {
		t.Errorf("redact(%q) = %q: the login or the function is lost", in, got)
	}
}
