package certificates

import (
	"context"
	"fmt"
	"strings"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/rpc"
)

// revocationReasons are the RFC 5280 CRLReason codes a subscriber may give,
// with their RFC names for the history; the API's enum numbers are the codes.
var revocationReasons = map[certsvcv1.RevocationReason]string{
	certsvcv1.RevocationReason_REVOCATION_REASON_UNSPECIFIED:            "unspecified",
	certsvcv1.RevocationReason_REVOCATION_REASON_KEY_COMPROMISE:         "keyCompromise",
	certsvcv1.RevocationReason_REVOCATION_REASON_AFFILIATION_CHANGED:    "affiliationChanged",
	certsvcv1.RevocationReason_REVOCATION_REASON_SUPERSEDED:             "superseded",
	certsvcv1.RevocationReason_REVOCATION_REASON_CESSATION_OF_OPERATION: "cessationOfOperation",
	certsvcv1.RevocationReason_REVOCATION_REASON_PRIVILEGE_WITHDRAWN:    "privilegeWithdrawn",
}

// RevokeCertificate implements CertificateService.RevokeCertificate: it
// asks the worker to revoke the certificate at its CA (or, for the manual
// module, an admin's request revokes it here at once). No money moves.
func (s *Handler) RevokeCertificate(ctx context.Context, req *certsvcv1.RevokeCertificateRequest) (*certsvcv1.RevokeCertificateResponse, error) {
	name, ok := revocationReasons[req.GetReason()]
	if !ok {
		return nil, errkind.Invalid("reason", "%s cannot be given by a subscriber; give unspecified, key compromise, "+
			"affiliation changed, superseded, cessation of operation or privilege withdrawn", req.GetReason())
	}
	msg := "revocation requested (" + name + ")"
	if c := strings.TrimSpace(req.GetComment()); c != "" {
		msg += ": " + c
	}
	reason := int32(req.GetReason())
	cur, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	if pending(cur) {
		return &certsvcv1.RevokeCertificateResponse{Certificate: certToProto(cur)}, nil
	}
	if _, err := lifecycle.Next(lifecycle.State(cur.State), lifecycle.Revoke); err != nil {
		return nil, err
	}
	mod, _, err := s.ProviderFor(ctx, cur.ProcessingModuleID)
	if err != nil {
		return nil, err
	}
	kind := s.KindOf(mod)
	c, err := s.WithCert(ctx, req.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if pending(c) {
			return c, nil
		}
		if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Revoke); err != nil {
			return nil, err
		}
		if c.ProcessingModuleID != mod.ID {
			return nil, errkind.Field(errkind.Aborted, "id", "certificate %d moved to another module meanwhile; try again", c.ID)
		}
		switch {
		case kind.Caps.Revoke:
			return tx.RequestRevocation(ctx, c, reason, msg)
		case kind.Caps.ManualActivation && rpc.PrincipalFrom(ctx).Admin:
			if err := rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), rpc.AuditRevoke, fmt.Sprintf("certificate/%d", c.ID), msg); err != nil {
				return nil, err
			}
			return tx.RevokeNow(ctx, c, reason, msg+"; revoked at the CA by an operator")
		case kind.Caps.ManualActivation:
			return nil, errkind.Field(errkind.FailedPrecondition, "id",
				"the certificates of processing module %q are revoked by an operator at the CA: ask your provider to revoke certificate %d",
				mod.Name, c.ID)
		}
		return nil, errkind.Field(errkind.FailedPrecondition, "id",
			"processing module %q (%s) cannot revoke certificates", mod.Name, kind.Name)
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.RevokeCertificateResponse{Certificate: certToProto(c)}, nil
}

// pending reports whether c's revocation was asked for already, or done:
// a request again changes nothing.
func pending(c *ent.Certificate) bool {
	return core.OpOf(c) == lifecycle.OpRevoke || c.State == certificate.StateRevoked
}
