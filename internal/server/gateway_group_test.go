package server_test

import (
	"context"
	"testing"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestGatewayGroupActionAllOrNone: a group action with one elid that does
// not exist, or is not the caller's, applies to none of them and answers
// the missed error naming that elid; with all elids valid it applies to
// all.
func TestGatewayGroupActionAllOrNone(t *testing.T) {
	dbtest.EachKind(t, testGatewayGroupActionAllOrNone)
}

func testGatewayGroupActionAllOrNone(t *testing.T, k dbtest.Kind) {
	g := newGwcEnv(t, k)
	ctx := context.Background()
	state := func(c *certsvcv1.Certificate) certsvcv1.CertificateState {
		return mustCert(t)(g.admin.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: c.GetId()})).GetState()
	}
	for _, elid := range []string{id(g.a1) + ", 999998", id(g.a1) + ", " + id(g.b1) + ", " + id(g.a2)} {
		d, body := g.aliceGW.doc(kv("func", "certificate.delete", "elid", elid, "sok", "ok"))
		if d.Error == nil || d.Error.Type != "missed" || d.Error.Object != "elid" {
			t.Fatalf("delete %q: got\n%s", elid, body)
		}
		for _, c := range []*certsvcv1.Certificate{g.a1, g.a2, g.b1} {
			if st := state(c); st == certsvcv1.CertificateState_CERTIFICATE_STATE_DELETED {
				t.Fatalf("delete %q refused, yet certificate %d is deleted", elid, c.GetId())
			}
		}
	}
	g.aliceGW.ok(kv("func", "certificate.delete", "elid", id(g.a1)+", "+id(g.a2), "sok", "ok"))
	for _, c := range []*certsvcv1.Certificate{g.a1, g.a2} {
		if st := state(c); st != certsvcv1.CertificateState_CERTIFICATE_STATE_DELETED {
			t.Fatalf("certificate %d after the group delete: %v", c.GetId(), st)
		}
	}
	if st := state(g.b1); st == certsvcv1.CertificateState_CERTIFICATE_STATE_DELETED {
		t.Fatal("bob's certificate was deleted")
	}
}
