package certificates

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	"github.com/certsvc/certsvc/ent/ledgerentry"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/rpc"
)

// uploadedChain parses an uploaded certificate (PEM with its chain, or DER)
// and splits it into the leaf for pub and the rest.
func uploadedChain(field string, data []byte, pub any) (*x509.Certificate, []*x509.Certificate, error) {
	certs, err := pki.ParseCertificates(data)
	if err != nil {
		return nil, nil, errkind.Invalid(field, "%s", pkiMessage(err))
	}
	leaf, chain, err := pki.SplitChain(certs, pub)
	if err != nil {
		return nil, nil, errkind.Invalid(field, "%s", pkiMessage(err))
	}
	return leaf, chain, nil
}

// ActivateCertificate implements CertificateService.ActivateCertificate.
func (s *Handler) ActivateCertificate(ctx context.Context, req *certsvcv1.ActivateCertificateRequest) (*certsvcv1.ActivateCertificateResponse, error) {
	c, err := s.WithCert(ctx, req.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.ActivateManually); err != nil {
			return nil, err
		}
		pub, err := core.RequestKey(c)
		if err != nil {
			return nil, err
		}
		leaf, chain, err := uploadedChain("certificate", req.GetCertificate(), pub)
		if err != nil {
			return nil, err
		}
		if err := rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), rpc.AuditActivate, fmt.Sprintf("certificate/%d", c.ID), "serial "+fmt.Sprintf("%x", leaf.SerialNumber)); err != nil {
			return nil, err
		}
		c2, err := tx.Apply(ctx, c, core.Step{Event: lifecycle.ActivateManually, Message: "activated by an administrator"},
			func(u *ent.CertificateUpdateOne) { core.Issued(u, c, leaf, chain) })
		if err != nil {
			return nil, err
		}
		return c2, tx.Schedule(ctx, c2.ID, s.NextMaintenance(c2))
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ActivateCertificateResponse{Certificate: certToProto(c)}, nil
}

// ReplaceCertificateFiles implements CertificateService.ReplaceCertificateFiles.
func (s *Handler) ReplaceCertificateFiles(ctx context.Context, req *certsvcv1.ReplaceCertificateFilesRequest) (*certsvcv1.ReplaceCertificateFilesResponse, error) {
	if req.GetCsrPem() == "" && len(req.GetCertificate()) == 0 && req.GetPrivateKeyPem() == "" {
		return nil, errkind.Invalid("csr_pem", "give a CSR, a certificate or a private key to replace")
	}
	c, err := s.WithCert(ctx, req.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if c.State == certificate.StateDeleted {
			return nil, &lifecycle.TransitionError{From: lifecycle.Deleted, Event: "replace files of"}
		}
		var replaced []string
		c2, err := tx.Edit(ctx, c, func(u *ent.CertificateUpdateOne) error {
			csrPEM := c.CsrPem
			if req.GetCsrPem() != "" {
				csr, err := parseCSR("csr_pem", req.GetCsrPem())
				if err != nil {
					return err
				}
				csrPEM = string(pki.EncodeCSRPEM(csr.Raw))
				u.SetCsrPem(csrPEM).SetKeyAlgorithm(keyAlgorithm(csr))
				replaced = append(replaced, "csr")
			}
			csr, err := pki.ParseCSR([]byte(csrPEM))
			if err != nil {
				return errkind.Field(errkind.FailedPrecondition, "csr_pem", "the order has no usable CSR; give one")
			}
			switch {
			case req.GetPrivateKeyPem() != "":
				r, err := s.requestFrom(ctx, csrPEM, req.GetPrivateKeyPem(), 0, certdata.Subject{}, nil)
				if err != nil {
					return err
				}
				sealed, err := s.SealKey(c.AccountID, r.keyPEM)
				if err != nil {
					return err
				}
				u.SetPrivateKey(sealed)
				replaced = append(replaced, "private key")
			case c.PrivateKey != "" && req.GetCsrPem() != "":
				key, err := s.PrivateKey(c)
				if err != nil {
					return err
				}
				if !publicKeysEqual(key.Public(), csr.PublicKey) {
					return errkind.Invalid("csr_pem", "does not match the stored private key; give the new key too")
				}
			}
			if len(req.GetCertificate()) > 0 {
				leaf, chain, err := uploadedChain("certificate", req.GetCertificate(), csr.PublicKey)
				if err != nil {
					return err
				}
				nb, na := leaf.NotBefore.UTC(), leaf.NotAfter.UTC()
				u.SetCertPem(string(pki.EncodePEMCertificates(leaf))).SetChainPem(string(pki.EncodePEMCertificates(chain...))).
					SetSerialNumber(fmt.Sprintf("%x", leaf.SerialNumber)).SetNotBefore(nb).SetNotAfter(na)
				replaced = append(replaced, "certificate")
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		detail := fmt.Sprint(replaced)
		if err := rpc.Audit(ctx, s.db, tx.Tx, s.Clock(), rpc.AuditReplaceFiles, fmt.Sprintf("certificate/%d", c.ID), detail); err != nil {
			return nil, err
		}
		return c2, tx.Record(ctx, c2, "replace_files", lifecycle.State(c.State), core.Step{Message: "replaced " + detail})
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ReplaceCertificateFilesResponse{Certificate: certToProto(c)}, nil
}

// ConfirmValidation implements CertificateService.ConfirmValidation.
func (s *Handler) ConfirmValidation(ctx context.Context, req *certsvcv1.ConfirmValidationRequest) (*certsvcv1.ConfirmValidationResponse, error) {
	c, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return nil, err
	}
	dcv, ok := p.(provider.DCVController)
	if !ok {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "the processing module of certificate %d validates domains itself", c.ID)
	}
	if c.OpSentTime == nil || core.OpOf(c) == lifecycle.OpNone {
		return nil, errkind.Field(errkind.FailedPrecondition, "id",
			"certificate %d in state %q has no request at the CA waiting for validation", c.ID, c.State)
	}
	callCtx, endCall := s.CallCA(ctx, mod, "retry_dcv")
	remote, err := dcv.RetryDCV(callCtx, core.RemoteRef(c), "")
	endCall(err)
	if err != nil {
		return nil, s.providerError(err)
	}
	c, err = s.WithCert(ctx, c.ID, func(tx *core.Tx, cur *ent.Certificate) (*ent.Certificate, error) {
		cur, _, err := tx.ApplyRemote(ctx, cur, remote, "validation confirmed by an administrator")
		if err != nil {
			return nil, err
		}
		// The worker's next poll may be an hour away: let it look now.
		return cur, tx.Schedule(ctx, cur.ID, s.Clock())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ConfirmValidationResponse{Certificate: certToProto(c)}, nil
}

// providerError is what a caller sees of a module's failure.
func (s *Handler) providerError(err error) error {
	return &errkind.Error{Kind: errkind.Unavailable, Msg: "the processing module failed: " + core.PublicReason(err), Cause: err}
}

// ReissueCertificate implements CertificateService.ReissueCertificate: it
// checks the request against the plan; core.Reissue buys the missing slots
// and starts the reissue in one transaction.
func (s *Handler) ReissueCertificate(ctx context.Context, req *certsvcv1.ReissueCertificateRequest) (*certsvcv1.ReissueCertificateResponse, error) {
	cur, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	buy, key := req.GetBuyExtraNameSlots(), req.GetIdempotencyKey()
	if buy > 0 {
		// A retried purchase: answered before the checks, which the
		// slots it bought would now fail.
		bought, err := s.SlotsBought(ctx, cur, key)
		if err != nil {
			return nil, err
		}
		if bought {
			return &certsvcv1.ReissueCertificateResponse{Certificate: certToProto(cur)}, nil
		}
	}
	if _, err := lifecycle.Next(lifecycle.State(cur.State), lifecycle.Reissue); err != nil {
		return nil, err
	}
	pl, err := s.Catalog().Plan(ctx, cur.PlanID)
	if err != nil {
		return nil, fmt.Errorf("load plan %d: %w", cur.PlanID, err)
	}
	extra := cur.ExtraNames
	if req.GetReplaceExtraNames() {
		if extra, err = normalizeNames("extra_names", req.GetExtraNames()); err != nil {
			return nil, err
		}
		extra = slices.DeleteFunc(extra, func(n string) bool { return n == cur.CommonName })
	} else if len(req.GetExtraNames()) > 0 {
		return nil, errkind.Invalid("replace_extra_names", "set it to replace the extra names")
	}
	var r request
	if req.GetCsrPem() != "" || req.GetKeyType() != certsvcv1.KeyType_KEY_TYPE_UNSPECIFIED {
		sub := cur.Subject
		if r, err = s.requestFrom(ctx, req.GetCsrPem(), req.GetPrivateKeyPem(), req.GetKeyType(), sub, extra); err != nil {
			return nil, err
		}
		if r.csr.CommonName != cur.CommonName {
			return nil, errkind.Invalid("csr_pem", "the CSR is for %s, the certificate for %s", r.csr.CommonName, cur.CommonName)
		}
	} else if req.GetPrivateKeyPem() != "" {
		return nil, errkind.Invalid("private_key_pem", "give the CSR made with this key too")
	}
	names := append([]string{cur.CommonName}, extra...)
	if r.csr != nil {
		for _, n := range r.csr.Names {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	// The slots first: checkNames would name extra_name_slots, a field this
	// request does not have. core.Reissue checks them again on the locked
	// order.
	need := max(0, int32(billableNames(pl, names))-max(pl.IncludedNames, 1))
	if err := core.CheckSlots(len(names), need, cur.ExtraNameSlots, buy); err != nil {
		return nil, err
	}
	if _, err := checkNames(pl, names, max(cur.ExtraNameSlots+buy, 0), "extra_names"); err != nil {
		return nil, err
	}
	validations, err := buildValidations(names, req.GetValidations())
	if err != nil {
		return nil, err
	}
	ri := core.Reissue{Names: names, Need: need, Validations: validations, BuySlots: buy, Key: key}
	if r.csr != nil {
		ri.CSRPEM, ri.KeyAlgorithm = r.csrPEM, keyAlgorithm(r.csr)
		if r.keyPEM != nil {
			if ri.SealedKey, err = s.SealKey(cur.AccountID, r.keyPEM); err != nil {
				return nil, err
			}
		}
	}
	c, err := s.WithCert(ctx, req.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		return tx.Reissue(ctx, c, ri)
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ReissueCertificateResponse{Certificate: certToProto(c)}, nil
}

// RenewCertificate implements CertificateService.RenewCertificate.
func (s *Handler) RenewCertificate(ctx context.Context, req *certsvcv1.RenewCertificateRequest) (*certsvcv1.RenewCertificateResponse, error) {
	c, err := s.WithCert(ctx, req.GetId(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if k := req.GetIdempotencyKey(); k != "" {
			n, err := tx.LedgerEntry.Query().Where(ledgerentry.AccountID(c.AccountID),
				ledgerentry.IdempotencyKey(core.RenewKey(c.ID, k))).Count(ctx)
			if err != nil {
				return nil, fmt.Errorf("look up renewal: %w", err)
			}
			if n > 0 {
				return c, nil // this renewal was paid already: a retry
			}
		}
		return tx.Renew(ctx, c, req.GetPeriodMonths(), req.GetIdempotencyKey())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.RenewCertificateResponse{Certificate: certToProto(c)}, nil
}

// batch runs op on each id in its own transaction and reports per id.
func (s *Handler) batch(ctx context.Context, ids []int64, op func(*core.Tx, *ent.Certificate) (*ent.Certificate, error)) []*certsvcv1.BatchResult {
	out := make([]*certsvcv1.BatchResult, 0, len(ids))
	for _, id := range ids {
		c, err := s.WithCert(ctx, id, func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) { return op(tx, c) })
		r := &certsvcv1.BatchResult{Id: id, Ok: err == nil}
		if err != nil {
			ce, internal := rpc.ToConnectError(err)
			if internal {
				s.log.ErrorContext(ctx, "batch operation failed", "certificate", id, "error", err)
			}
			r.Code, r.Message = ce.Code().String(), ce.Message()
		} else {
			r.Certificate = certToProto(c)
		}
		out = append(out, r)
	}
	return out
}

// RetryCertificates implements CertificateService.RetryCertificates.
func (s *Handler) RetryCertificates(ctx context.Context, req *certsvcv1.RetryCertificatesRequest) (*certsvcv1.RetryCertificatesResponse, error) {
	res := s.batch(ctx, req.GetIds(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		now := s.Clock()
		return tx.Apply(ctx, c, core.Step{Event: lifecycle.Retry, Message: "retried", RunAt: &now},
			func(u *ent.CertificateUpdateOne) {
				core.BeginOp(u, lifecycle.OpOrder, s.NewOpRef(c)).SetCaOrderID("").ClearRemoteState()
			})
	})
	return &certsvcv1.RetryCertificatesResponse{Results: res}, nil
}

// SuspendCertificates implements CertificateService.SuspendCertificates.
func (s *Handler) SuspendCertificates(ctx context.Context, req *certsvcv1.SuspendCertificatesRequest) (*certsvcv1.SuspendCertificatesResponse, error) {
	res := s.batch(ctx, req.GetIds(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		return tx.Apply(ctx, c, core.Step{Event: lifecycle.Suspend, Message: "suspended by an administrator"}, nil)
	})
	return &certsvcv1.SuspendCertificatesResponse{Results: res}, nil
}

// ResumeCertificates implements CertificateService.ResumeCertificates.
func (s *Handler) ResumeCertificates(ctx context.Context, req *certsvcv1.ResumeCertificatesRequest) (*certsvcv1.ResumeCertificatesResponse, error) {
	res := s.batch(ctx, req.GetIds(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		c2, err := tx.Apply(ctx, c, core.Step{Event: lifecycle.Resume, Message: "resumed"}, nil)
		if err != nil {
			return nil, err
		}
		return c2, tx.Schedule(ctx, c2.ID, s.NextMaintenance(c2))
	})
	return &certsvcv1.ResumeCertificatesResponse{Results: res}, nil
}

// SyncCertificates implements CertificateService.SyncCertificates.
func (s *Handler) SyncCertificates(ctx context.Context, req *certsvcv1.SyncCertificatesRequest) (*certsvcv1.SyncCertificatesResponse, error) {
	out := make([]*certsvcv1.BatchResult, 0, len(req.GetIds()))
	for _, id := range req.GetIds() {
		c, err := s.syncNow(ctx, id)
		r := &certsvcv1.BatchResult{Id: id, Ok: err == nil}
		if err != nil {
			ce, internal := rpc.ToConnectError(err)
			if internal {
				s.log.ErrorContext(ctx, "sync failed", "certificate", id, "error", err)
			}
			r.Code, r.Message = ce.Code().String(), ce.Message()
		} else {
			r.Certificate = certToProto(c)
		}
		out = append(out, r)
	}
	return &certsvcv1.SyncCertificatesResponse{Results: out}, nil
}

// syncNow asks the CA about an order now. An order not yet at the CA is
// handed to the worker at once instead.
func (s *Handler) syncNow(ctx context.Context, id int64) (*ent.Certificate, error) {
	c, err := s.visibleCert(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Sync); err != nil {
		return nil, err
	}
	// Nothing sent to the CA yet (a new order, or a reissue or renewal still
	// waiting for the worker): syncing would read the old order, so the
	// worker is asked to do the pending work now instead.
	if c.OpSentTime == nil && (c.CaOrderID == "" || core.OpOf(c) != lifecycle.OpNone) {
		return s.WithCert(ctx, id, func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
			return c, tx.Schedule(ctx, c.ID, s.Clock())
		})
	}
	mod, p, err := s.ProviderFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return nil, err
	}
	callCtx, endCall := s.CallCA(ctx, mod, "sync")
	remote, err := p.Sync(callCtx, core.RemoteRef(c))
	endCall(err)
	if err != nil {
		return nil, s.providerError(err)
	}
	return s.WithCert(ctx, id, func(tx *core.Tx, cur *ent.Certificate) (*ent.Certificate, error) {
		cur, _, err := tx.ApplyRemote(ctx, cur, remote, "synchronised with the CA")
		return cur, err
	})
}

// DeleteCertificates implements CertificateService.DeleteCertificates.
func (s *Handler) DeleteCertificates(ctx context.Context, req *certsvcv1.DeleteCertificatesRequest) (*certsvcv1.DeleteCertificatesResponse, error) {
	if req.GetNoExpense() && !rpc.PrincipalFrom(ctx).Admin {
		return nil, errkind.Field(errkind.PermissionDenied, "no_expense", "only admins delete without a refund")
	}
	res := s.batch(ctx, req.GetIds(), func(tx *core.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Delete); err != nil {
			return nil, err
		}
		st := core.Step{Event: lifecycle.Delete, Message: "deleted"}
		if !req.GetNoExpense() {
			refund, err := tx.UnusedCharges(ctx, c)
			if err != nil {
				return nil, err
			}
			if refund > 0 {
				e, _, err := tx.MoveMoney(ctx, core.Movement{AccountID: c.AccountID, Kind: ledgerentry.KindRefund,
					Amount: refund, Description: fmt.Sprintf("certificate %d: refund on deletion", c.ID),
					IdemKey: fmt.Sprintf("certificate/%d/refund", c.ID), Actor: rpc.PrincipalFrom(ctx).ActorID()})
				if err != nil {
					return nil, err
				}
				st.Amount, st.Ledger, st.Message = e.Amount, &e.ID, "deleted and refunded"
			}
		}
		atCA := c.OpSentTime != nil || c.CaOrderID != ""
		if atCA {
			now := s.Clock()
			st.RunAt = &now
		}
		c2, err := tx.Apply(ctx, c, st, func(u *ent.CertificateUpdateOne) {
			if atCA {
				core.SetOp(u, lifecycle.OpCancel)
			} else {
				core.EndOp(u)
			}
		})
		if err != nil {
			return nil, err
		}
		if !atCA {
			return c2, tx.Unschedule(ctx, c2.ID)
		}
		return c2, nil
	})
	return &certsvcv1.DeleteCertificatesResponse{Results: res}, nil
}
