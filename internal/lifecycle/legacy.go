package lifecycle

import "github.com/certsvc/certsvc/compat/billmgr"

// The legacy item_status and SSL service_status codes are the BILLmanager
// protocol's (compat/billmgr, where both ends of the protocol read them);
// these names keep the service's callers short.
const (
	ItemStatusOrdered    = billmgr.ItemStatusOrdered
	ItemStatusActive     = billmgr.ItemStatusActive
	ItemStatusSuspended  = billmgr.ItemStatusSuspended
	ItemStatusDeleted    = billmgr.ItemStatusDeleted
	ItemStatusInProgress = billmgr.ItemStatusInProgress

	ServiceStatusNone      = billmgr.ServiceStatusNone
	ServiceStatusRequested = billmgr.ServiceStatusRequested
	ServiceStatusEnrolled  = billmgr.ServiceStatusEnrolled
	ServiceStatusIssued    = billmgr.ServiceStatusIssued
	ServiceStatusFailed    = billmgr.ServiceStatusFailed
)

// LegacyStatus is how a state is shown to legacy BILLmanager clients: the
// item status (`item_status`, code in `orig`) and the SSL-specific
// `service_status` item parameter, with their names.
type LegacyStatus struct {
	ItemStatus        int    // item_status orig code (ItemStatus* constants)
	ItemStatusName    string // item_status text, BILLmanager's English name
	ServiceStatus     int    // SSL service_status code (ServiceStatus* constants), 0 if none
	ServiceStatusName string // enum name of ServiceStatus ("isIssued"), "" if none
}

// Legacy returns how s is shown to legacy BILLmanager clients, from the
// protocol's state table (billmgr.StateStatus, which documents each
// choice). Every state of AllStates has a mapping (TestLegacy checks it);
// an unknown state gives the zero LegacyStatus.
func Legacy(s State) LegacyStatus {
	st, ok := billmgr.StateStatus(string(s))
	if !ok {
		return LegacyStatus{}
	}
	return LegacyStatus{
		ItemStatus:        st.ItemStatus,
		ItemStatusName:    billmgr.ItemStatusName(st.ItemStatus),
		ServiceStatus:     st.ServiceStatus,
		ServiceStatusName: billmgr.ServiceStatusName(st.ServiceStatus),
	}
}
