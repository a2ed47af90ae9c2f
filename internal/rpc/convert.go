package rpc

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
)

// TS converts a time to a timestamp; nil for the zero time.
func TS(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// TSPtr converts an optional time to a timestamp; nil for nil.
func TSPtr(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return timestamppb.New(*t)
}
