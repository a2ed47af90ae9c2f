package rpc

import (
	"errors"
	"net/mail"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/certsvc/certsvc/internal/errkind"
)

// FieldErr names the request field an error of a known kind is about, unless
// it already names one. Internal errors are returned unchanged.
func FieldErr(field string, err error) error {
	var ke *errkind.Error
	if errors.As(err, &ke) {
		if ke.Field != "" {
			return err
		}
		return &errkind.Error{Kind: ke.Kind, Field: field, Msg: ke.Msg, Cause: err}
	}
	if k := errkind.Kind(err); k != nil {
		return &errkind.Error{Kind: k, Field: field, Msg: err.Error()}
	}
	return err
}

// MaskPaths returns the paths of an update mask after checking each is one
// of allowed.
func MaskPaths(m *fieldmaskpb.FieldMask, allowed ...string) ([]string, error) {
	paths := m.GetPaths()
	if len(paths) == 0 {
		return nil, errkind.Invalid("update_mask", "name at least one field to change: %s", strings.Join(allowed, ", "))
	}
	for _, p := range paths {
		if !slices.Contains(allowed, p) {
			return nil, errkind.Invalid("update_mask", "cannot change %q; changeable fields: %s", p, strings.Join(allowed, ", "))
		}
	}
	return paths, nil
}

// CheckName validates a required display name.
func CheckName(field, v string, max int) error {
	switch {
	case strings.TrimSpace(v) == "":
		return errkind.Invalid(field, "must not be empty")
	case len([]rune(v)) > max:
		return errkind.Invalid(field, "must be at most %d characters", max)
	}
	return nil
}

// CheckEmail accepts an empty value or a plain address (no display name).
func CheckEmail(field, v string) error {
	if v == "" {
		return nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 {
		return errkind.Invalid(field, "%q is not an e-mail address", v)
	}
	return nil
}
