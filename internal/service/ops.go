package service

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"
	"time"

	"certsvc/ent"
	"certsvc/ent/certificate"
	"certsvc/ent/certificateevent"
	"certsvc/ent/ledgerentry"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/certdata"
	"certsvc/internal/errkind"
	"certsvc/internal/lifecycle"
	"certsvc/internal/pki"
	"certsvc/internal/provider"
)

// newOpRef is a fresh reference for an operation at the CA: the order id
// and the time, so each attempt has its own and a lookup finds only it.
func (s *Service) newOpRef(c *ent.Certificate) string {
	return fmt.Sprintf("%d-%d", c.ID, s.now().UnixMicro())
}

// issued sets what a newly issued certificate brings: the files and dates,
// the reissue's request in place of the old one, and the paid term, which
// starts when the first certificate does.
func issued(u *ent.CertificateUpdateOne, c *ent.Certificate, leaf *x509.Certificate, chain []*x509.Certificate) {
	nb, na := leaf.NotBefore.UTC(), leaf.NotAfter.UTC()
	u.SetCertPem(string(pki.EncodePEMCertificates(leaf))).SetChainPem(string(pki.EncodePEMCertificates(chain...))).
		SetSerialNumber(fmt.Sprintf("%x", leaf.SerialNumber)).SetNotBefore(nb).SetNotAfter(na)
	endOp(u)
	if c.IssueTime == nil {
		u.SetIssueTime(nb)
	}
	if c.PaidUntil == nil {
		u.SetPaidUntil(nb.AddDate(0, int(c.PeriodMonths), 0))
	}
	if c.NextCsrPem != "" {
		u.SetCsrPem(c.NextCsrPem).ClearNextCsrPem()
		if c.NextPrivateKey != "" {
			u.SetPrivateKey(c.NextPrivateKey).ClearNextPrivateKey()
		}
	}
	vs := slices.Clone(c.Validations)
	for i := range vs {
		vs[i].Status = "valid"
	}
	u.SetValidations(vs)
}

// requestKey is the public key the next certificate of c must carry.
func requestKey(c *ent.Certificate) (any, error) {
	pemText := c.CsrPem
	if c.NextCsrPem != "" {
		pemText = c.NextCsrPem
	}
	csr, err := pki.ParseCSR([]byte(pemText))
	if err != nil {
		return nil, fmt.Errorf("stored CSR of certificate %d: %w", c.ID, err)
	}
	return csr.PublicKey, nil
}

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
func (s *Service) ActivateCertificate(ctx context.Context, req *certsvcv1.ActivateCertificateRequest) (*certsvcv1.ActivateCertificateResponse, error) {
	c, err := s.withCert(ctx, req.GetId(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.ActivateManually); err != nil {
			return nil, err
		}
		pub, err := requestKey(c)
		if err != nil {
			return nil, err
		}
		leaf, chain, err := uploadedChain("certificate", req.GetCertificate(), pub)
		if err != nil {
			return nil, err
		}
		if err := s.audit(ctx, tx, auditActivate, fmt.Sprintf("certificate/%d", c.ID), "serial "+fmt.Sprintf("%x", leaf.SerialNumber)); err != nil {
			return nil, err
		}
		c2, err := s.apply(ctx, tx, c, step{event: lifecycle.ActivateManually, message: "activated by an administrator"},
			func(u *ent.CertificateUpdateOne) { issued(u, c, leaf, chain) })
		if err != nil {
			return nil, err
		}
		return c2, s.schedule(ctx, tx, c2.ID, s.nextMaintenance(c2))
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ActivateCertificateResponse{Certificate: certToProto(c)}, nil
}

// ReplaceCertificateFiles implements CertificateService.ReplaceCertificateFiles.
func (s *Service) ReplaceCertificateFiles(ctx context.Context, req *certsvcv1.ReplaceCertificateFilesRequest) (*certsvcv1.ReplaceCertificateFilesResponse, error) {
	if req.GetCsrPem() == "" && len(req.GetCertificate()) == 0 && req.GetPrivateKeyPem() == "" {
		return nil, errkind.Invalid("csr_pem", "give a CSR, a certificate or a private key to replace")
	}
	c, err := s.withCert(ctx, req.GetId(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if c.State == certificate.StateDeleted {
			return nil, &lifecycle.TransitionError{From: lifecycle.Deleted, Event: "replace files of"}
		}
		u := tx.Certificate.UpdateOne(c).SetUpdateTime(s.clock())
		csrPEM := c.CsrPem
		var replaced []string
		if req.GetCsrPem() != "" {
			csr, err := parseCSR("csr_pem", req.GetCsrPem())
			if err != nil {
				return nil, err
			}
			csrPEM = string(pki.EncodeCSRPEM(csr.Raw))
			u.SetCsrPem(csrPEM).SetKeyAlgorithm(keyAlgorithm(csr))
			replaced = append(replaced, "csr")
		}
		csr, err := pki.ParseCSR([]byte(csrPEM))
		if err != nil {
			return nil, errkind.Field(errkind.FailedPrecondition, "csr_pem", "the order has no usable CSR; give one")
		}
		switch {
		case req.GetPrivateKeyPem() != "":
			r, err := s.requestFrom(ctx, csrPEM, req.GetPrivateKeyPem(), 0, certdata.Subject{}, nil)
			if err != nil {
				return nil, err
			}
			sealed, err := s.sealKey(c.AccountID, r.keyPEM)
			if err != nil {
				return nil, err
			}
			u.SetPrivateKey(sealed)
			replaced = append(replaced, "private key")
		case c.PrivateKey != "" && req.GetCsrPem() != "":
			key, err := s.privateKey(c)
			if err != nil {
				return nil, err
			}
			if !publicKeysEqual(key.Public(), csr.PublicKey) {
				return nil, errkind.Invalid("csr_pem", "does not match the stored private key; give the new key too")
			}
		}
		if len(req.GetCertificate()) > 0 {
			leaf, chain, err := uploadedChain("certificate", req.GetCertificate(), csr.PublicKey)
			if err != nil {
				return nil, err
			}
			nb, na := leaf.NotBefore.UTC(), leaf.NotAfter.UTC()
			u.SetCertPem(string(pki.EncodePEMCertificates(leaf))).SetChainPem(string(pki.EncodePEMCertificates(chain...))).
				SetSerialNumber(fmt.Sprintf("%x", leaf.SerialNumber)).SetNotBefore(nb).SetNotAfter(na)
			replaced = append(replaced, "certificate")
		}
		c2, err := u.Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("replace files of certificate %d: %w", c.ID, err)
		}
		detail := fmt.Sprint(replaced)
		if err := s.audit(ctx, tx, auditReplaceFiles, fmt.Sprintf("certificate/%d", c.ID), detail); err != nil {
			return nil, err
		}
		return c2, s.record(ctx, tx, c2, "replace_files", lifecycle.State(c.State), step{message: "replaced " + detail})
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ReplaceCertificateFilesResponse{Certificate: certToProto(c)}, nil
}

// ConfirmValidation implements CertificateService.ConfirmValidation.
func (s *Service) ConfirmValidation(ctx context.Context, req *certsvcv1.ConfirmValidationRequest) (*certsvcv1.ConfirmValidationResponse, error) {
	c, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	_, p, err := s.providerFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return nil, err
	}
	dcv, ok := p.(provider.DCVController)
	if !ok {
		return nil, errkind.Field(errkind.FailedPrecondition, "id", "the processing module of certificate %d validates domains itself", c.ID)
	}
	if c.OpSentTime == nil || c.Op == "" {
		return nil, errkind.Field(errkind.FailedPrecondition, "id",
			"certificate %d in state %q has no request at the CA waiting for validation", c.ID, c.State)
	}
	remote, err := dcv.RetryDCV(ctx, remoteRef(c), "")
	if err != nil {
		return nil, s.providerError(err)
	}
	c, err = s.withCert(ctx, c.ID, func(tx *ent.Tx, cur *ent.Certificate) (*ent.Certificate, error) {
		cur, err := s.applyRemote(ctx, tx, cur, remote, "validation confirmed by an administrator")
		if err != nil {
			return nil, err
		}
		// The worker's next poll may be an hour away: let it look now.
		return cur, s.schedule(ctx, tx, cur.ID, s.clock())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ConfirmValidationResponse{Certificate: certToProto(c)}, nil
}

// providerError is what a caller sees of a module's failure.
func (s *Service) providerError(err error) error {
	return &errkind.Error{Kind: errkind.Unavailable, Msg: "the processing module failed: " + publicReason(err), Cause: err}
}

// ReissueCertificate implements CertificateService.ReissueCertificate.
func (s *Service) ReissueCertificate(ctx context.Context, req *certsvcv1.ReissueCertificateRequest) (*certsvcv1.ReissueCertificateResponse, error) {
	cur, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	if _, err := lifecycle.Next(lifecycle.State(cur.State), lifecycle.Reissue); err != nil {
		return nil, err
	}
	pl, err := s.catalog.plan(ctx, cur.PlanID)
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
	if _, err := checkNames(pl, names, max(cur.ExtraNameSlots, 0), "extra_names"); err != nil {
		return nil, err
	}
	if need := int32(billableNames(pl, names)) - max(pl.IncludedNames, 1); need > cur.ExtraNameSlots {
		return nil, errkind.Invalid("extra_names", "%d names need %d extra name slots; the order has %d", len(names), need, cur.ExtraNameSlots)
	}
	validations, err := buildValidations(names, req.GetValidations())
	if err != nil {
		return nil, err
	}
	sealed := ""
	if r.keyPEM != nil {
		if sealed, err = s.sealKey(cur.AccountID, r.keyPEM); err != nil {
			return nil, err
		}
	}
	c, err := s.withCert(ctx, req.GetId(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if err := writeNames(ctx, tx, c.ID, certNames(c.CommonName, c.ExtraNames), names); err != nil {
			return nil, err
		}
		now := s.clock()
		return s.apply(ctx, tx, c, step{event: lifecycle.Reissue, message: "reissue requested", runAt: &now},
			func(u *ent.CertificateUpdateOne) {
				beginOp(u, opReissue, s.newOpRef(c)).SetExtraNames(names[1:]).SetValidations(validations)
				if r.csr != nil {
					u.SetNextCsrPem(r.csrPEM).SetKeyAlgorithm(keyAlgorithm(r.csr))
					if sealed != "" {
						u.SetNextPrivateKey(sealed)
					}
				}
			})
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.ReissueCertificateResponse{Certificate: certToProto(c)}, nil
}

// RenewCertificate implements CertificateService.RenewCertificate.
func (s *Service) RenewCertificate(ctx context.Context, req *certsvcv1.RenewCertificateRequest) (*certsvcv1.RenewCertificateResponse, error) {
	c, err := s.withCert(ctx, req.GetId(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if k := req.GetIdempotencyKey(); k != "" {
			n, err := tx.LedgerEntry.Query().Where(ledgerentry.AccountID(c.AccountID),
				ledgerentry.IdempotencyKey(renewKey(c.ID, k))).Count(ctx)
			if err != nil {
				return nil, fmt.Errorf("look up renewal: %w", err)
			}
			if n > 0 {
				return c, nil // this renewal was paid already: a retry
			}
		}
		return s.renew(ctx, tx, c, req.GetPeriodMonths(), req.GetIdempotencyKey())
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.RenewCertificateResponse{Certificate: certToProto(c)}, nil
}

func renewKey(certID int64, key string) string {
	return fmt.Sprintf("certificate/%d/renew/%s", certID, key)
}

// renew charges the next term of c and sends the renewal to the worker. The
// term starts when the current one ends, or now when it has ended.
func (s *Service) renew(ctx context.Context, tx *ent.Tx, c *ent.Certificate, months int32, key string) (*ent.Certificate, error) {
	if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Renew); err != nil {
		return nil, err
	}
	if months == 0 {
		months = c.PeriodMonths
	}
	pr, err := s.price(ctx, c.PlanID, months, c.Currency)
	if err != nil {
		return nil, err
	}
	cost, err := termCost(pr, c.ExtraNameSlots)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	start := now
	if c.PaidUntil != nil && c.PaidUntil.After(now) {
		start = *c.PaidUntil
	}
	if key == "" {
		key = fmt.Sprint(start.Unix())
	}
	e, err := s.charge(ctx, tx, c, movement{amount: cost, idemKey: renewKey(c.ID, key), description: fmt.Sprintf("renewal for %d months", months)})
	if err != nil {
		return nil, err
	}
	until := start.AddDate(0, int(months), 0)
	return s.apply(ctx, tx, c, step{event: lifecycle.Renew, amount: e.Amount, ledger: &e.ID, runAt: &now,
		message: fmt.Sprintf("renewed until %s", until.Format(time.DateOnly))},
		func(u *ent.CertificateUpdateOne) {
			beginOp(u, opRenew, s.newOpRef(c)).SetPaidUntil(until).SetPeriodMonths(months).SetCostMinor(cost)
			if c.PendingSubject != nil {
				u.SetSubject(*c.PendingSubject).ClearPendingSubject()
			}
		})
}

// batch runs op on each id in its own transaction and reports per id.
func (s *Service) batch(ctx context.Context, ids []int64, op func(*ent.Tx, *ent.Certificate) (*ent.Certificate, error)) []*certsvcv1.BatchResult {
	out := make([]*certsvcv1.BatchResult, 0, len(ids))
	for _, id := range ids {
		c, err := s.withCert(ctx, id, func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) { return op(tx, c) })
		r := &certsvcv1.BatchResult{Id: id, Ok: err == nil}
		if err != nil {
			ce, internal := toConnectError(err)
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
func (s *Service) RetryCertificates(ctx context.Context, req *certsvcv1.RetryCertificatesRequest) (*certsvcv1.RetryCertificatesResponse, error) {
	res := s.batch(ctx, req.GetIds(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		now := s.clock()
		return s.apply(ctx, tx, c, step{event: lifecycle.Retry, message: "retried", runAt: &now},
			func(u *ent.CertificateUpdateOne) {
				beginOp(u, opOrder, s.newOpRef(c)).SetCaOrderID("").ClearRemoteState()
			})
	})
	return &certsvcv1.RetryCertificatesResponse{Results: res}, nil
}

// SuspendCertificates implements CertificateService.SuspendCertificates.
func (s *Service) SuspendCertificates(ctx context.Context, req *certsvcv1.SuspendCertificatesRequest) (*certsvcv1.SuspendCertificatesResponse, error) {
	res := s.batch(ctx, req.GetIds(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		return s.apply(ctx, tx, c, step{event: lifecycle.Suspend, message: "suspended by an administrator"}, nil)
	})
	return &certsvcv1.SuspendCertificatesResponse{Results: res}, nil
}

// ResumeCertificates implements CertificateService.ResumeCertificates.
func (s *Service) ResumeCertificates(ctx context.Context, req *certsvcv1.ResumeCertificatesRequest) (*certsvcv1.ResumeCertificatesResponse, error) {
	res := s.batch(ctx, req.GetIds(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		c2, err := s.apply(ctx, tx, c, step{event: lifecycle.Resume, message: "resumed"}, nil)
		if err != nil {
			return nil, err
		}
		return c2, s.schedule(ctx, tx, c2.ID, s.nextMaintenance(c2))
	})
	return &certsvcv1.ResumeCertificatesResponse{Results: res}, nil
}

// SyncCertificates implements CertificateService.SyncCertificates.
func (s *Service) SyncCertificates(ctx context.Context, req *certsvcv1.SyncCertificatesRequest) (*certsvcv1.SyncCertificatesResponse, error) {
	out := make([]*certsvcv1.BatchResult, 0, len(req.GetIds()))
	for _, id := range req.GetIds() {
		c, err := s.syncNow(ctx, id)
		r := &certsvcv1.BatchResult{Id: id, Ok: err == nil}
		if err != nil {
			ce, internal := toConnectError(err)
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
func (s *Service) syncNow(ctx context.Context, id int64) (*ent.Certificate, error) {
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
	if c.OpSentTime == nil && (c.CaOrderID == "" || c.Op != "") {
		return s.withCert(ctx, id, func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
			return c, s.schedule(ctx, tx, c.ID, s.clock())
		})
	}
	_, p, err := s.providerFor(ctx, c.ProcessingModuleID)
	if err != nil {
		return nil, err
	}
	remote, err := p.Sync(ctx, remoteRef(c))
	if err != nil {
		return nil, s.providerError(err)
	}
	return s.withCert(ctx, id, func(tx *ent.Tx, cur *ent.Certificate) (*ent.Certificate, error) {
		return s.applyRemote(ctx, tx, cur, remote, "synchronised with the CA")
	})
}

// DeleteCertificates implements CertificateService.DeleteCertificates.
func (s *Service) DeleteCertificates(ctx context.Context, req *certsvcv1.DeleteCertificatesRequest) (*certsvcv1.DeleteCertificatesResponse, error) {
	if req.GetNoExpense() && !principalFrom(ctx).Admin {
		return nil, errkind.Field(errkind.PermissionDenied, "no_expense", "only admins delete without a refund")
	}
	res := s.batch(ctx, req.GetIds(), func(tx *ent.Tx, c *ent.Certificate) (*ent.Certificate, error) {
		if _, err := lifecycle.Next(lifecycle.State(c.State), lifecycle.Delete); err != nil {
			return nil, err
		}
		st := step{event: lifecycle.Delete, message: "deleted"}
		if !req.GetNoExpense() {
			refund, err := s.unusedCharges(ctx, tx, c)
			if err != nil {
				return nil, err
			}
			if refund > 0 {
				e, _, err := s.moveMoneyTx(ctx, tx, movement{accountID: c.AccountID, kind: ledgerentry.KindRefund,
					amount: refund, description: fmt.Sprintf("certificate %d: refund on deletion", c.ID),
					idemKey: fmt.Sprintf("certificate/%d/refund", c.ID), actor: principalFrom(ctx).actorID()})
				if err != nil {
					return nil, err
				}
				st.amount, st.ledger, st.message = e.Amount, &e.ID, "deleted and refunded"
			}
		}
		atCA := c.OpSentTime != nil || c.CaOrderID != ""
		if atCA {
			now := s.clock()
			st.runAt = &now
		}
		c2, err := s.apply(ctx, tx, c, st, func(u *ent.CertificateUpdateOne) {
			if atCA {
				u.SetOp(opCancel)
			} else {
				endOp(u)
			}
		})
		if err != nil {
			return nil, err
		}
		if !atCA {
			return c2, s.unschedule(ctx, tx, c2.ID)
		}
		return c2, nil
	})
	return &certsvcv1.DeleteCertificatesResponse{Results: res}, nil
}

// unusedCharges is the money charged for c that no issued certificate has
// used: the net of its money movements since the last issue. The refund
// policy returns it on deletion; once the CA issued, nothing is returned.
func (s *Service) unusedCharges(ctx context.Context, tx *ent.Tx, c *ent.Certificate) (int64, error) {
	evs, err := tx.CertificateEvent.Query().Where(certificateevent.CertificateID(c.ID)).
		Order(ent.Asc(certificateevent.FieldID)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("load history of certificate %d: %w", c.ID, err)
	}
	var net int64
	for _, e := range evs {
		switch lifecycle.Event(e.Event) {
		case lifecycle.CAIssued, lifecycle.ActivateManually:
			net = 0
		default:
			net += e.Amount
		}
	}
	return max(0, -net), nil
}
