package server_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/apitest"
	"github.com/certsvc/certsvc/internal/dbtest"
)

// TestAdminStateOverride: an administrator's override of the state goes
// through the lifecycle. A state no path of events reaches is refused
// naming certificate.state and changes nothing, the other fields of the
// request included; a reachable one records each event of its path in the
// history, and the worker carries on from there.
func TestAdminStateOverride(t *testing.T) { dbtest.EachKind(t, testAdminStateOverride) }

func testAdminStateOverride(t *testing.T, k dbtest.Kind) {
	e := newCertEnv(t, k, apitest.ConnectJSON, "override-user")
	ctx := context.Background()
	mod, err := e.admin.Module.CreateProcessingModule(ctx, &certsvcv1.CreateProcessingModuleRequest{Module: &certsvcv1.ProcessingModule{
		Name: "Strict CA", Kind: certsvcv1.ModuleKind_MODULE_KIND_LOCAL_CA, Priority: 1, Enabled: true,
		Plans: []*certsvcv1.ModulePlan{{PlanId: planDV}}, Settings: map[string]string{"auto_approve": "false"}}})
	if err != nil {
		t.Fatalf("create module: %v", err)
	}
	_ = mod
	set := func(id int64, st certsvcv1.CertificateState, msg string) (*certsvcv1.Certificate, error) {
		paths := []string{"state"}
		if msg != "" {
			paths = append(paths, "status_message")
		}
		res, err := e.admin.Cert.UpdateCertificate(ctx, &certsvcv1.UpdateCertificateRequest{
			Certificate: &certsvcv1.Certificate{Id: id, State: st, StatusMessage: msg},
			UpdateMask:  &fieldmaskpb.FieldMask{Paths: paths}})
		return res.GetCertificate(), err
	}
	events := func(id int64) []string {
		t.Helper()
		res, err := e.admin.Cert.ListCertificateEvents(ctx, &certsvcv1.ListCertificateEventsRequest{Id: id, PageSize: 1000})
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		var out []string
		for _, ev := range res.GetEvents() {
			out = append(out, ev.GetEvent())
		}
		return out
	}
	wantRefused := func(t *testing.T, err error) {
		t.Helper()
		// A refusal that depends on the order's state is failed_precondition,
		// whose message names the field.
		var ce *connect.Error
		if codeOf(err) != connect.CodeFailedPrecondition || !errors.As(err, &ce) ||
			!strings.HasPrefix(ce.Message(), "certificate.state: cannot change a certificate in state") {
			t.Fatalf("override: got %v, want failed_precondition naming certificate.state", err)
		}
	}

	// Unpaid: nothing leaves it but payment, so no override path exists.
	unpaid := mustCert(t)(e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "unpaid.override.example"}}))
	before := events(unpaid.GetId())
	_, err = set(unpaid.GetId(), stFailed, "must not be written")
	wantRefused(t, err)
	got := mustCert(t)(e.admin.Cert.GetCertificate(ctx, &certsvcv1.GetCertificateRequest{Id: unpaid.GetId()}))
	if got.GetState() != stUnpaid || got.GetStatusMessage() == "must not be written" {
		t.Fatalf("a refused override changed the order: %v, %q", got.GetState(), got.GetStatusMessage())
	}
	if after := events(unpaid.GetId()); !slices.Equal(after, before) {
		t.Fatalf("a refused override recorded events: %q, before %q", after, before)
	}

	// Awaiting validation at the strict CA → failed: one ca_failed event; the
	// operation at the CA ends and the worker has nothing left to do.
	c := mustCert(t)(e.c.Cert.CreateCertificate(ctx, &certsvcv1.CreateCertificateRequest{PlanId: planDV, PeriodMonths: 12,
		KeyType: certsvcv1.KeyType_KEY_TYPE_ECDSA_P256, Subject: &certsvcv1.Subject{CommonName: "override.example"}, Pay: true}))
	c = waitState(t, e.c, c.GetId(), stAwaiting)
	before = events(c.GetId())
	got, err = set(c.GetId(), stFailed, "")
	if err != nil || got.GetState() != stFailed {
		t.Fatalf("override to failed: %v (%v)", err, got.GetState())
	}
	if added := events(c.GetId())[len(before):]; !slices.Equal(added, []string{"ca_failed", "admin_update"}) {
		t.Fatalf("override to failed recorded %q, want ca_failed, admin_update", added)
	}
	if !strings.Contains(got.GetStatusMessage(), "administrator") {
		t.Errorf("status message %q does not say an administrator set the state", got.GetStatusMessage())
	}

	// Failed → processing: retry, submit, validation passed — each recorded,
	// and the administrator's own status message stands.
	before = events(c.GetId())
	got, err = set(c.GetId(), stProcessing, "checked at the CA")
	if err != nil || got.GetState() != stProcessing || got.GetStatusMessage() != "checked at the CA" {
		t.Fatalf("override to processing: %v (%v, %q)", err, got.GetState(), got.GetStatusMessage())
	}
	// The worker then sends the order again, and what the CA answers may
	// follow at once.
	if added := events(c.GetId())[len(before):]; len(added) < 4 || !slices.Equal(added[:4], []string{"retry", "submit", "validation_passed", "admin_update"}) {
		t.Fatalf("override to processing recorded %q, want retry, submit, validation_passed, admin_update first", added)
	}

	// Nothing reaches renewing by an override: the hint says what to do.
	_, err = set(c.GetId(), certsvcv1.CertificateState_CERTIFICATE_STATE_RENEWING, "")
	wantRefused(t, err)
	var ce *connect.Error
	if !errors.As(err, &ce) || !strings.Contains(ce.Message(), "renew the certificate instead") {
		t.Errorf("refusal %v does not say to renew instead", err)
	}
}
