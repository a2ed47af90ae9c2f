package lifecycle_test

import (
	"slices"
	"testing"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/internal/lifecycle"
)

func legacy(item int, itemName string, service int, serviceName string) lifecycle.LegacyStatus {
	return lifecycle.LegacyStatus{ItemStatus: item, ItemStatusName: itemName, ServiceStatus: service, ServiceStatusName: serviceName}
}

func TestLegacy(t *testing.T) {
	tests := []struct {
		name  string
		state lifecycle.State
		want  lifecycle.LegacyStatus
	}{
		{name: "ok/unpaid", state: lifecycle.Unpaid, want: legacy(1, "Ordered", 0, "")},
		{name: "ok/submitting", state: lifecycle.Submitting, want: legacy(5, "In progress", 0, "")},
		{name: "ok/awaiting validation", state: lifecycle.AwaitingValidation, want: legacy(5, "In progress", 3, "isRequested")},
		{name: "ok/processing", state: lifecycle.Processing, want: legacy(5, "In progress", 4, "isEnrolled")},
		{name: "ok/issued", state: lifecycle.Issued, want: legacy(2, "Active", 5, "isIssued")},
		{name: "ok/reissuing", state: lifecycle.Reissuing, want: legacy(2, "Active", 3, "isRequested")},
		{name: "ok/renewing", state: lifecycle.Renewing, want: legacy(5, "In progress", 3, "isRequested")},
		{name: "ok/failed", state: lifecycle.Failed, want: legacy(5, "In progress", 6, "isFailed")},
		{name: "ok/cancelled", state: lifecycle.Cancelled, want: legacy(5, "In progress", 6, "isFailed")},
		{name: "ok/suspended", state: lifecycle.Suspended, want: legacy(3, "Suspended", 5, "isIssued")},
		{name: "ok/revoked", state: lifecycle.Revoked, want: legacy(3, "Suspended", 6, "isFailed")},
		{name: "ok/expired", state: lifecycle.Expired, want: legacy(3, "Suspended", 5, "isIssued")},
		{name: "ok/deleted", state: lifecycle.Deleted, want: legacy(4, "Deleted", 0, "")},
		{name: "error/unknown state", state: "bogus", want: lifecycle.LegacyStatus{}},
	}
	covered := map[lifecycle.State]bool{}
	for _, tc := range tests {
		covered[tc.state] = true
		t.Run(tc.name, func(t *testing.T) {
			if got := lifecycle.Legacy(tc.state); got != tc.want {
				t.Errorf("Legacy(%q) = %+v, want %+v", tc.state, got, tc.want)
			}
		})
	}
	for _, s := range lifecycle.AllStates() {
		if !covered[s] {
			t.Errorf("no Legacy case for state %q", s)
		}
	}
}

// TestLegacyDefined checks that every state maps to codes from §6 of
// legacy-billmgr-api.md, with their names.
func TestLegacyDefined(t *testing.T) {
	itemNames := map[int]string{1: "Ordered", 2: "Active", 3: "Suspended", 4: "Deleted", 5: "In progress"}
	// 1 (isOrdered) and 2 (isPaied) are in the enum but unused in v5, so
	// certsvc never reports them.
	serviceNames := map[int]string{0: "", 3: "isRequested", 4: "isEnrolled", 5: "isIssued", 6: "isFailed"}
	for _, s := range lifecycle.AllStates() {
		got := lifecycle.Legacy(s)
		if name, ok := itemNames[got.ItemStatus]; !ok || name != got.ItemStatusName {
			t.Errorf("Legacy(%q) item status %d %q, not a §6.1 code and name", s, got.ItemStatus, got.ItemStatusName)
		}
		if name, ok := serviceNames[got.ServiceStatus]; !ok || name != got.ServiceStatusName {
			t.Errorf("Legacy(%q) service status %d %q, not a §6.2 code and name", s, got.ServiceStatus, got.ServiceStatusName)
		}
	}
}

// TestLegacyOrder: the protocol's state table lists every state once, in
// lifecycle order, so the gateway's "first state that shows a code" is the
// lifecycle's first.
func TestLegacyOrder(t *testing.T) {
	var all []string
	for _, s := range lifecycle.AllStates() {
		all = append(all, string(s))
	}
	got := billmgr.StatesWhere(func(billmgr.Status) bool { return true })
	if !slices.Equal(got, all) {
		t.Fatalf("billmgr state table %v, want the lifecycle's states in order %v", got, all)
	}
}
