package lifecycle

// Legacy item status codes (BILLmanager `item_status`, the numeric `orig`
// attribute; the name goes in the element body). Source:
// legacy-billmgr-api.md §6.1. The numbers are backed only by a third-party
// code comment (denozordec/vps-tracker) and consistent data (2 = active); the
// names are the documented "List of services" names.
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
// (processing/certificate/sslstore/sslutil.h), legacy-billmgr-api.md §6.2.
// Codes 0–2 exist in the enum but BILLmanager 5 modules never set them; see
// Legacy for why certsvc does not either.
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

// LegacyStatus is how a state is shown to legacy BILLmanager clients: the
// item status (`item_status`, code in `orig`) and the SSL-specific
// `service_status` item parameter.
type LegacyStatus struct {
	ItemStatus        int    // item_status orig code (ItemStatus* constants)
	ItemStatusName    string // item_status text, BILLmanager's English name
	ServiceStatus     int    // SSL service_status code (ServiceStatus* constants), 0 if none
	ServiceStatusName string // enum name of ServiceStatus ("isIssued"), "" if none
}

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

// legacyCodes is the state → (item_status, service_status) table. Choices
// marked [INF] are inferences that §6 does not settle; check them against a
// real BILLmanager when one is connected.
var legacyCodes = map[State][2]int{
	// Unpaid: 1 Ordered ("in cart / awaiting funds"). No service_status:
	// isOrdered (1) exists but BILLmanager 5 never sets it, so a legacy reader
	// would not expect it.
	Unpaid: {ItemStatusOrdered, ServiceStatusNone},
	// Submitting: 5 In progress (activation). No service_status yet: a
	// BILLmanager 5 module sets isRequested only once the request has reached
	// the CA, and isPaied (2) is "not used in v5". [INF]
	Submitting: {ItemStatusInProgress, ServiceStatusNone},
	// AwaitingValidation: 5 In progress, 3 isRequested ("request sent to the
	// CA"; the CA is validating).
	AwaitingValidation: {ItemStatusInProgress, ServiceStatusRequested},
	// Processing: 5 In progress, 4 isEnrolled ("waiting for issuance").
	Processing: {ItemStatusInProgress, ServiceStatusEnrolled},
	// Issued: 2 Active, 5 isIssued. Both are well evidenced.
	Issued: {ItemStatusActive, ServiceStatusIssued},
	// Reissuing: 2 Active, 3 isRequested. The old certificate stays valid and
	// downloadable and "reissue" is not among the documented "In progress"
	// sub-states, so the item stays active while the new request is at the
	// CA. [INF]
	Reissuing: {ItemStatusActive, ServiceStatusRequested},
	// Renewing: 5 In progress ("renewal" is a documented sub-state), 3
	// isRequested (the renewal order is at the CA). [INF for service_status]
	Renewing: {ItemStatusInProgress, ServiceStatusRequested},
	// Failed: 6 isFailed, as set by certificate.failed. The item stays 5 In
	// progress: BILLmanager keeps a failed operation pending for the admin's
	// certificate.retry. [INF for item_status]
	Failed: {ItemStatusInProgress, ServiceStatusFailed},
	// Cancelled: like Failed. The enum has no "cancelled" code; isFailed is
	// the closest and the order likewise waits for a retry. [INF]
	Cancelled: {ItemStatusInProgress, ServiceStatusFailed},
	// Suspended: 3 Suspended; the certificate itself is still issued, so 5
	// isIssued.
	Suspended: {ItemStatusSuspended, ServiceStatusIssued},
	// Revoked: 3 Suspended (the service exists but is unusable; 4 would hide
	// it from the client), 6 isFailed: the enum has no "revoked" code, and
	// isIssued would tell a reseller the certificate is usable. [INF]
	Revoked: {ItemStatusSuspended, ServiceStatusFailed},
	// Expired: 3 Suspended, as BILLmanager suspends a service whose term ended
	// and lets it be prolonged until it is deleted; the last certificate was
	// issued, so 5 isIssued (expiredate tells it is past). [INF]
	Expired: {ItemStatusSuspended, ServiceStatusIssued},
	// Deleted: 4 Deleted; no service_status is reported any more.
	Deleted: {ItemStatusDeleted, ServiceStatusNone},
}

// Legacy returns how s is shown to legacy BILLmanager clients. Every state of
// AllStates has a mapping; an unknown state gives the zero LegacyStatus.
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
func Legacy(s State) LegacyStatus {
	c, ok := legacyCodes[s]
	if !ok {
		return LegacyStatus{}
	}
	return LegacyStatus{
		ItemStatus:        c[0],
		ItemStatusName:    itemStatusNames[c[0]],
		ServiceStatus:     c[1],
		ServiceStatusName: serviceStatusNames[c[1]],
	}
}
