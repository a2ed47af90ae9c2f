package localca

import "time"

// day is a calendar day in UTC, which has no daylight-saving changes.
const day = 24 * time.Hour

// validityStep is one step of the CA/Browser Forum schedule (Baseline
// Requirements 6.3.2, ballot SC-081): certificates issued at or after from
// may have at most max validity.
type validityStep struct {
	from time.Time
	max  time.Duration
}

// validitySchedule lists the steps newest first. Certificates issued before
// the oldest step may have 398 days.
var validitySchedule = []validityStep{
	{time.Date(2029, time.March, 15, 0, 0, 0, 0, time.UTC), 47 * day},
	{time.Date(2027, time.March, 15, 0, 0, 0, 0, time.UTC), 100 * day},
	{time.Date(2026, time.March, 15, 0, 0, 0, 0, time.UTC), 200 * day},
}

// maxValidityBefore2026 is the cap for certificates issued before the first
// step of the schedule.
const maxValidityBefore2026 = 398 * day

// MaxValidity returns the longest validity a publicly trusted TLS
// certificate may have when issued (its NotBefore) at notBefore, following
// the CA/Browser Forum schedule:
//
//	issued before 2026-03-15 00:00 UTC   398 days
//	from 2026-03-15 00:00 UTC            200 days
//	from 2027-03-15 00:00 UTC            100 days
//	from 2029-03-15 00:00 UTC             47 days
//
// A boundary instant belongs to the newer, shorter step. notBefore is
// compared as an instant, so its location does not matter.
//
// The Baseline Requirements count validity inclusively, as NotAfter −
// NotBefore + 1 second. This function returns the plain duration, and
// [ValidityEnd] and [CA.Issue] use NotBefore+MaxValidity as the latest
// NotAfter, so by that count such a certificate is one second over the cap.
// That is harmless for the local CA; a publicly trusted CA applies its own
// cap when it issues.
func MaxValidity(notBefore time.Time) time.Duration {
	for _, s := range validitySchedule {
		if !notBefore.Before(s.from) {
			return s.max
		}
	}
	return maxValidityBefore2026
}

// ValidityEnd returns the NotAfter of a certificate issued at notBefore for
// a subscription paid until paidTill: the earlier of
// notBefore+MaxValidity(notBefore) and paidTill. It does not check that the
// result is after notBefore; a paidTill at or before notBefore is returned
// as is, and the caller must treat it as nothing left to issue.
func ValidityEnd(notBefore time.Time, paidTill time.Time) time.Time {
	limit := notBefore.Add(MaxValidity(notBefore))
	if paidTill.Before(limit) {
		return paidTill
	}
	return limit
}
