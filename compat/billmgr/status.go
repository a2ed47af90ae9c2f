package billmgr

// Item status codes (BILLmanager `item_status`, the numeric `orig`
// attribute; the name goes in the element body). Source: the legacy API
// notes, §6.1. The numbers are backed only by a third-party code comment
// (denozordec/vps-tracker) and consistent data (2 = active); the names are
// the documented "List of services" names.
const (
	// ItemStatusOrdered is "Ordered": in the cart, awaiting funds.
	ItemStatusOrdered = 1
	// ItemStatusActive is "Active".
	ItemStatusActive = 2
	// ItemStatusSuspended is "Suspended", for every kind of suspension.
	ItemStatusSuspended = 3
	// ItemStatusDeleted is "Deleted" (hidden from the client).
	ItemStatusDeleted = 4
	// ItemStatusInProgress is "In progress" (activation, renewal, ...).
	ItemStatusInProgress = 5
)

// SSL `service_status` codes, from ISPsystem's enum CertificateStatus
// (processing/certificate/sslstore/sslutil.h), §6.2 of the legacy API
// notes. Codes 0–2 exist in the enum but BILLmanager 5 modules never set
// them; certsvc does not either.
const (
	// ServiceStatusNone means no service_status is reported (the enum's
	// isUnknown, 0).
	ServiceStatusNone = 0
	// ServiceStatusRequested is isRequested: the request was sent to the CA.
	ServiceStatusRequested = 3
	// ServiceStatusEnrolled is isEnrolled: waiting for issuance.
	ServiceStatusEnrolled = 4
	// ServiceStatusIssued is isIssued: the certificate is issued.
	ServiceStatusIssued = 5
	// ServiceStatusFailed is isFailed: the order failed.
	ServiceStatusFailed = 6
)

var itemStatusNames = map[int]string{
	ItemStatusOrdered:    "Ordered",
	ItemStatusActive:     "Active",
	ItemStatusSuspended:  "Suspended",
	ItemStatusDeleted:    "Deleted",
	ItemStatusInProgress: "In progress",
}

var serviceStatusNames = map[int]string{
	ServiceStatusNone:      "",
	ServiceStatusRequested: "isRequested",
	ServiceStatusEnrolled:  "isEnrolled",
	ServiceStatusIssued:    "isIssued",
	ServiceStatusFailed:    "isFailed",
}

// ItemStatusName is BILLmanager's English name of an item_status code, ""
// for an unknown code.
func ItemStatusName(code int) string { return itemStatusNames[code] }

// ServiceStatusName is the enum name of a service_status code ("isIssued"),
// "" for none or an unknown code.
func ServiceStatusName(code int) string { return serviceStatusNames[code] }

// Status is how a certificate state is shown to legacy clients: the item
// status (`item_status`, code in `orig`) and the SSL-specific
// `service_status` item parameter.
type Status struct {
	ItemStatus    int // item_status orig code (ItemStatus* constants)
	ServiceStatus int // SSL service_status code (ServiceStatus* constants), 0 if none
}

// stateStatus is one row of the state table.
type stateStatus struct {
	state string
	Status
}

// stateStatuses maps certsvc's certificate states (by their lifecycle
// names, in lifecycle order) onto the legacy codes. Both ends of the
// protocol read it: the gateway to show and filter states, the upstream
// module to read an upstream's codes back, and the service (lifecycle) to
// put the codes on its certificates. Choices marked [INF] are inferences
// that §6 does not settle; check them against a real BILLmanager when one
// is connected.
var stateStatuses = []stateStatus{
	// Unpaid: 1 Ordered ("in cart / awaiting funds"). No service_status:
	// isOrdered (1) exists but BILLmanager 5 never sets it, so a legacy reader
	// would not expect it.
	{"unpaid", Status{ItemStatusOrdered, ServiceStatusNone}},
	// Submitting: 5 In progress (activation). No service_status yet: a
	// BILLmanager 5 module sets isRequested only once the request has reached
	// the CA, and isPaied (2) is "not used in v5". [INF]
	{"submitting", Status{ItemStatusInProgress, ServiceStatusNone}},
	// AwaitingValidation: 5 In progress, 3 isRequested ("request sent to the
	// CA"; the CA is validating).
	{"awaiting_validation", Status{ItemStatusInProgress, ServiceStatusRequested}},
	// Processing: 5 In progress, 4 isEnrolled ("waiting for issuance").
	{"processing", Status{ItemStatusInProgress, ServiceStatusEnrolled}},
	// Issued: 2 Active, 5 isIssued. Both are well evidenced.
	{"issued", Status{ItemStatusActive, ServiceStatusIssued}},
	// Reissuing: 2 Active, 3 isRequested. The old certificate stays valid and
	// downloadable and "reissue" is not among the documented "In progress"
	// sub-states, so the item stays active while the new request is at the
	// CA. [INF]
	{"reissuing", Status{ItemStatusActive, ServiceStatusRequested}},
	// Renewing: 5 In progress ("renewal" is a documented sub-state), 3
	// isRequested (the renewal order is at the CA). [INF for service_status]
	{"renewing", Status{ItemStatusInProgress, ServiceStatusRequested}},
	// Failed: 6 isFailed, as set by certificate.failed. The item stays 5 In
	// progress: BILLmanager keeps a failed operation pending for the admin's
	// certificate.retry. [INF for item_status]
	{"failed", Status{ItemStatusInProgress, ServiceStatusFailed}},
	// Cancelled: like Failed. The enum has no "cancelled" code; isFailed is
	// the closest and the order likewise waits for a retry. [INF]
	{"cancelled", Status{ItemStatusInProgress, ServiceStatusFailed}},
	// Suspended: 3 Suspended; the certificate itself is still issued, so 5
	// isIssued.
	{"suspended", Status{ItemStatusSuspended, ServiceStatusIssued}},
	// Revoked: 3 Suspended (the service exists but is unusable; 4 would hide
	// it from the client), 6 isFailed: the enum has no "revoked" code, and
	// isIssued would tell a reseller the certificate is usable. [INF]
	{"revoked", Status{ItemStatusSuspended, ServiceStatusFailed}},
	// Expired: 3 Suspended, as BILLmanager suspends a service whose term ended
	// and lets it be prolonged until it is deleted; the last certificate was
	// issued, so 5 isIssued (expiredate tells it is past). [INF]
	{"expired", Status{ItemStatusSuspended, ServiceStatusIssued}},
	// Deleted: 4 Deleted; no service_status is reported any more.
	{"deleted", Status{ItemStatusDeleted, ServiceStatusNone}},
}

// StateStatus returns how the certsvc state called state is shown to
// legacy clients; ok is false for an unknown state.
//
//	state                item_status       service_status
//	unpaid               1 Ordered         0 (none)
//	submitting           5 In progress     0 (none)          [INF]
//	awaiting_validation  5 In progress     3 isRequested
//	processing           5 In progress     4 isEnrolled
//	issued               2 Active          5 isIssued
//	reissuing            2 Active          3 isRequested     [INF]
//	renewing             5 In progress     3 isRequested     [INF]
//	failed               5 In progress     6 isFailed        [INF item_status]
//	cancelled            5 In progress     6 isFailed        [INF]
//	suspended            3 Suspended       5 isIssued
//	revoked              3 Suspended       6 isFailed        [INF]
//	expired              3 Suspended       5 isIssued        [INF]
//	deleted              4 Deleted         0 (none)
//
// The item_status numbers themselves rest on a third-party code comment
// (§6.1, §8); the service_status numbers come from ISPsystem's own source.
func StateStatus(state string) (s Status, ok bool) {
	for _, r := range stateStatuses {
		if r.state == state {
			return r.Status, true
		}
	}
	return Status{}, false
}

// StatesWhere lists, in lifecycle order, the names of the states whose
// status keep accepts.
func StatesWhere(keep func(Status) bool) []string {
	var out []string
	for _, r := range stateStatuses {
		if keep(r.Status) {
			out = append(out, r.state)
		}
	}
	return out
}
