package localca_test

import (
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/localca"
)

const day = 24 * time.Hour

func utc(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, time.UTC)
}

func TestMaxValidity(t *testing.T) {
	msk := time.FixedZone("MSK", 3*60*60)
	tests := []struct {
		name      string
		notBefore time.Time
		want      time.Duration
	}{
		{"ok/far past", utc(2015, time.January, 1, 0, 0, 0), 398 * day},
		{"ok/second before 2026-03-15", utc(2026, time.March, 14, 23, 59, 59), 398 * day},
		{"ok/nanosecond before 2026-03-15", utc(2026, time.March, 15, 0, 0, 0).Add(-time.Nanosecond), 398 * day},
		{"ok/at 2026-03-15", utc(2026, time.March, 15, 0, 0, 0), 200 * day},
		{"ok/second after 2026-03-15", utc(2026, time.March, 15, 0, 0, 1), 200 * day},
		{"ok/2026-03-15 03:00 MSK is the boundary instant", time.Date(2026, time.March, 15, 3, 0, 0, 0, msk), 200 * day},
		{"ok/2026-03-15 02:59:59 MSK is still before", time.Date(2026, time.March, 15, 2, 59, 59, 0, msk), 398 * day},
		{"ok/second before 2027-03-15", utc(2027, time.March, 14, 23, 59, 59), 200 * day},
		{"ok/at 2027-03-15", utc(2027, time.March, 15, 0, 0, 0), 100 * day},
		{"ok/second after 2027-03-15", utc(2027, time.March, 15, 0, 0, 1), 100 * day},
		{"ok/second before 2029-03-15", utc(2029, time.March, 14, 23, 59, 59), 100 * day},
		{"ok/at 2029-03-15", utc(2029, time.March, 15, 0, 0, 0), 47 * day},
		{"ok/second after 2029-03-15", utc(2029, time.March, 15, 0, 0, 1), 47 * day},
		{"ok/far future", utc(2100, time.January, 1, 0, 0, 0), 47 * day},
		{"ok/zero time", time.Time{}, 398 * day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := localca.MaxValidity(tt.notBefore); got != tt.want {
				t.Errorf("MaxValidity(%s) = %v (%v days), want %v days", tt.notBefore, got, got/day, tt.want/day)
			}
		})
	}
}

func TestValidityEnd(t *testing.T) {
	tests := []struct {
		name      string
		notBefore time.Time
		paidTill  time.Time
		want      time.Time
	}{
		{
			"ok/paid longer than 2025 cap",
			utc(2025, time.June, 1, 12, 0, 0), utc(2027, time.June, 1, 0, 0, 0),
			utc(2025, time.June, 1, 12, 0, 0).Add(398 * day),
		},
		{
			"ok/second before 2026-03-15 gets 398 days",
			utc(2026, time.March, 14, 23, 59, 59), utc(2030, time.January, 1, 0, 0, 0),
			utc(2026, time.March, 14, 23, 59, 59).Add(398 * day),
		},
		{
			"ok/at 2026-03-15 gets 200 days",
			utc(2026, time.March, 15, 0, 0, 0), utc(2030, time.January, 1, 0, 0, 0),
			utc(2026, time.October, 1, 0, 0, 0),
		},
		{
			"ok/paid shorter than cap",
			utc(2026, time.June, 1, 0, 0, 0), utc(2026, time.September, 1, 0, 0, 0),
			utc(2026, time.September, 1, 0, 0, 0),
		},
		{
			"ok/paid exactly to cap",
			utc(2027, time.March, 15, 0, 0, 0), utc(2027, time.June, 23, 0, 0, 0),
			utc(2027, time.June, 23, 0, 0, 0),
		},
		{
			"ok/second after 2029-03-15 gets 47 days",
			utc(2029, time.March, 15, 0, 0, 1), utc(2030, time.January, 1, 0, 0, 0),
			utc(2029, time.May, 1, 0, 0, 1),
		},
		{
			"ok/far future",
			utc(2100, time.January, 1, 0, 0, 0), utc(2101, time.January, 1, 0, 0, 0),
			utc(2100, time.February, 17, 0, 0, 0),
		},
		{
			"ok/paidTill before notBefore is returned as is",
			utc(2026, time.June, 1, 0, 0, 0), utc(2026, time.May, 1, 0, 0, 0),
			utc(2026, time.May, 1, 0, 0, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := localca.ValidityEnd(tt.notBefore, tt.paidTill); !got.Equal(tt.want) {
				t.Errorf("ValidityEnd(%s, %s) = %s, want %s", tt.notBefore, tt.paidTill, got, tt.want)
			}
		})
	}
}
