package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// What an admin does in a customer's name, through a session Impersonate
// opened, is recorded as the admin's: in the certificate's history and in
// the audit log.
func TestImpersonatedActionsNameTheAdmin(t *testing.T) {
	dbtest.EachKind(t, testImpersonatedActionsNameTheAdmin)
}

func testImpersonatedActionsNameTheAdmin(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "drilled")
	ctx := context.Background()
	who, err := e.admin.Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
	if err != nil {
		t.Fatal(err)
	}
	adminID := who.GetUser().GetId()
	imp, err := e.admin.Auth.Impersonate(ctx, &certsvcv1.ImpersonateRequest{UserId: e.cust.User.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	as := e.env.Clients(apitest.ConnectJSON, apitest.Bearer(imp.GetToken()))
	for _, proto := range apitest.Protocols {
		me, err := e.env.Clients(proto, apitest.Bearer(imp.GetToken())).Auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
		if err != nil {
			t.Fatalf("%s: WhoAmI impersonated: %v", proto, err)
		}
		if me.GetUser().GetId() != e.cust.User.GetId() || me.GetImpersonator().GetUserId() != adminID || me.GetImpersonator().GetLogin() != "admin" {
			t.Fatalf("%s: WhoAmI impersonated: user %d, impersonator %v; want user %d and the admin %d", proto,
				me.GetUser().GetId(), me.GetImpersonator(), e.cust.User.GetId(), adminID)
		}
	}
	if who.GetImpersonator() != nil {
		t.Fatalf("the admin's own WhoAmI names an impersonator: %v", who.GetImpersonator())
	}

	c := mustCert(t)(as.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
		PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
		Subject: &certsvcv1.Subject{CommonName: "drill.example.com"}, Pay: true,
	}))
	if c.GetAccountId() != e.cust.Account.GetId() {
		t.Fatalf("the order went to account %d, want the customer's %d", c.GetAccountId(), e.cust.Account.GetId())
	}
	waitState(t, e.c, c.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED)
	mustCert(t)(as.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
		Certificate: &certsvcv1.Certificate{Id: c.GetId(), AutoRenew: true},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"auto_renew"}},
	}))
	if _, err := as.Cert.GetCertificateFile(ctx, &certsvcv1.GetCertificateFileRequest{Id: c.GetId(), Type: certsvcv1.FileType_FILE_TYPE_KEY}); err != nil {
		t.Fatal(err)
	}

	evs, err := e.c.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: c.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	actors := map[string]int64{}
	for _, ev := range evs.GetEvents() {
		actors[ev.GetEvent()] = ev.GetActorUserId()
	}
	for _, ev := range []string{"pay", "update"} {
		if got, ok := actors[ev]; !ok || got != adminID {
			t.Errorf("event %q: actor %d (recorded: %v), want the admin %d", ev, got, ok, adminID)
		}
	}

	audit, err := e.admin.Auth.ListAuditEntries(ctx, &certsvcv1.ListAuditEntriesRequest{Action: "read_private_key"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(audit.GetEntries()); n != 1 {
		t.Fatalf("%d key reads audited, want 1", n)
	}
	a := audit.GetEntries()[0]
	if a.GetActorUserId() != adminID || !strings.Contains(a.GetActorLogin(), "drilled") || !strings.Contains(a.GetActorLogin(), "impersonated") {
		t.Errorf("key read audited as user %d %q, want the admin %d acting as drilled", a.GetActorUserId(), a.GetActorLogin(), adminID)
	}

	// The customer's own edit is the customer's.
	mustCert(t)(e.c.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
		Certificate: &certsvcv1.Certificate{Id: c.GetId()},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"auto_renew"}},
	}))
	evs, err = e.c.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: c.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	last := evs.GetEvents()[len(evs.GetEvents())-1]
	if last.GetEvent() != "update" || last.GetActorUserId() != e.cust.User.GetId() {
		t.Errorf("last event %q by %d, want update by the customer %d", last.GetEvent(), last.GetActorUserId(), e.cust.User.GetId())
	}
}

// Numbered pages (skip), the total, and a saved filter applied by name.
func TestListCertificatesByNumberWithTotal(t *testing.T) {
	dbtest.EachKind(t, testListCertificatesByNumberWithTotal)
}

func testListCertificatesByNumberWithTotal(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.GRPC, "pages")
	ctx := context.Background()
	var ids []int64
	for i := range 5 {
		c := mustCert(t)(e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{
			PlanId: planDV, PeriodMonths: 12, KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256,
			Subject: &certsvcv1.Subject{CommonName: fmt.Sprintf("p%d.example.com", i)},
		}))
		ids = append(ids, c.GetId())
	}
	res, err := e.c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{PageSize: 2, Skip: 2, IncludeTotalSize: true,
		OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST})
	if err != nil {
		t.Fatal(err)
	}
	if got := authzIDs(res.GetCertificates()); res.GetTotalSize() != 5 || len(got) != 2 || got[0] != ids[2] || got[1] != ids[3] {
		t.Fatalf("page 2 of 2: %v of %d, want %v of 5", got, res.GetTotalSize(), ids[2:4])
	}
	// The last page, the empty page past the end, and a page holding all:
	// the same total whether it is counted or read off the rows.
	for _, tc := range []struct{ size, skip, rows int32 }{{2, 4, 1}, {2, 5, 0}, {2, 9, 0}, {10, 0, 5}, {0, 0, 5}} {
		res, err := e.c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{PageSize: tc.size, Skip: tc.skip, IncludeTotalSize: true,
			OrderBy: certsvcv1.CertificateOrder_CERTIFICATE_ORDER_OLDEST_FIRST})
		if err != nil || res.GetTotalSize() != 5 || int32(len(res.GetCertificates())) != tc.rows {
			t.Fatalf("size %d skip %d: %v, %d rows of %d, want %d of 5", tc.size, tc.skip, err, len(res.GetCertificates()), res.GetTotalSize(), tc.rows)
		}
	}
	// No preset of that name: NotFound naming the field, never the unfiltered list.
	res, err = e.c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{SavedFilterName: "mine", IncludeTotalSize: true})
	if connect.CodeOf(err) != connect.CodeNotFound || !strings.Contains(err.Error(), "saved_filter_name") {
		t.Fatalf("unknown preset: %v (%d certificates), want NotFound naming saved_filter_name", err, len(res.GetCertificates()))
	}
	// Unless the caller asks for that: saved_filter_optional lists everything.
	res, err = e.c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{SavedFilterName: "mine", SavedFilterOptional: true, IncludeTotalSize: true})
	if err != nil || res.GetTotalSize() != 5 {
		t.Fatalf("unknown preset, optional: %v (total %d), want all 5", err, res.GetTotalSize())
	}
	if _, err := e.c.Cert.CreateCertificateFilter(ctx, &certsvcv1.CreateCertificateFilterRequest{Name: "mine",
		Filter: &certsvcv1.CertificateFilter{Domain: "p3."}}); err != nil {
		t.Fatal(err)
	}
	res, err = e.c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{SavedFilterName: "mine", IncludeTotalSize: true})
	if got := authzIDs(res.GetCertificates()); err != nil || res.GetTotalSize() != 1 || len(got) != 1 || got[0] != ids[3] {
		t.Fatalf("preset by name: %v %v (total %d), want [%d]", err, got, res.GetTotalSize(), ids[3])
	}
	res, err = e.c.Cert.ListCertificates(ctx, &certsvcv1.ListCertificatesRequest{SavedFilterName: "mine", SavedFilterOptional: true, IncludeTotalSize: true})
	if err != nil || res.GetTotalSize() != 1 {
		t.Fatalf("preset by name, optional: %v (total %d), want the preset applied", err, res.GetTotalSize())
	}
}
