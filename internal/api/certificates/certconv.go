package certificates

import (
	"slices"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/certificate"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/certdata"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/rpc"
)

var statesToProto = map[lifecycle.State]certsvcv1.CertificateState{
	lifecycle.Unpaid:             certsvcv1.CertificateState_CERTIFICATE_STATE_UNPAID,
	lifecycle.Submitting:         certsvcv1.CertificateState_CERTIFICATE_STATE_SUBMITTING,
	lifecycle.AwaitingValidation: certsvcv1.CertificateState_CERTIFICATE_STATE_AWAITING_VALIDATION,
	lifecycle.Processing:         certsvcv1.CertificateState_CERTIFICATE_STATE_PROCESSING,
	lifecycle.Issued:             certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED,
	lifecycle.Reissuing:          certsvcv1.CertificateState_CERTIFICATE_STATE_REISSUING,
	lifecycle.Renewing:           certsvcv1.CertificateState_CERTIFICATE_STATE_RENEWING,
	lifecycle.Failed:             certsvcv1.CertificateState_CERTIFICATE_STATE_FAILED,
	lifecycle.Cancelled:          certsvcv1.CertificateState_CERTIFICATE_STATE_CANCELLED,
	lifecycle.Suspended:          certsvcv1.CertificateState_CERTIFICATE_STATE_SUSPENDED,
	lifecycle.Revoked:            certsvcv1.CertificateState_CERTIFICATE_STATE_REVOKED,
	lifecycle.Expired:            certsvcv1.CertificateState_CERTIFICATE_STATE_EXPIRED,
	lifecycle.Deleted:            certsvcv1.CertificateState_CERTIFICATE_STATE_DELETED,
}

func stateToProto(s certificate.State) certsvcv1.CertificateState {
	return statesToProto[lifecycle.State(s)]
}

func stateFromProto(p certsvcv1.CertificateState) (lifecycle.State, bool) {
	for s, v := range statesToProto {
		if v == p {
			return s, true
		}
	}
	return "", false
}

var methodsToProto = map[provider.DCVMethod]certsvcv1.ValidationMethod{
	provider.DCVEmail:    certsvcv1.ValidationMethod_VALIDATION_METHOD_EMAIL,
	provider.DCVDNSTXT:   certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_TXT,
	provider.DCVDNSCNAME: certsvcv1.ValidationMethod_VALIDATION_METHOD_DNS_CNAME,
	provider.DCVHTTPFile: certsvcv1.ValidationMethod_VALIDATION_METHOD_HTTP_FILE,
}

func methodFromProto(p certsvcv1.ValidationMethod) provider.DCVMethod {
	for m, v := range methodsToProto {
		if v == p {
			return m
		}
	}
	return ""
}

func subjectToProto(sub certdata.Subject) *certsvcv1.Subject {
	return &certsvcv1.Subject{CommonName: sub.CommonName, CountryId: sub.CountryID, Country: sub.Country,
		State: sub.State, Locality: sub.Locality, Organization: sub.Organization,
		OrganizationalUnit: sub.OrganizationalUnit, Email: sub.Email}
}

func contactToProto(c certdata.Contact) *certsvcv1.Contact {
	return &certsvcv1.Contact{FirstName: c.FirstName, LastName: c.LastName, Title: c.Title, Email: c.Email, Phone: c.Phone}
}

func contactFromProto(c *certsvcv1.Contact) certdata.Contact {
	return certdata.Contact{FirstName: c.GetFirstName(), LastName: c.GetLastName(), Title: c.GetTitle(),
		Email: c.GetEmail(), Phone: c.GetPhone()}
}

func orgToProto(o certdata.Organization) *certsvcv1.Organization {
	return &certsvcv1.Organization{Name: o.Name, Department: o.Department, Address: o.Address, City: o.City,
		State: o.State, PostalCode: o.PostalCode, CountryId: o.CountryID, Phone: o.Phone}
}

func orgFromProto(o *certsvcv1.Organization) certdata.Organization {
	return certdata.Organization{Name: o.GetName(), Department: o.GetDepartment(), Address: o.GetAddress(),
		City: o.GetCity(), State: o.GetState(), PostalCode: o.GetPostalCode(), CountryID: o.GetCountryId(),
		Phone: o.GetPhone()}
}

func certToProto(c *ent.Certificate) *certsvcv1.Certificate {
	st := lifecycle.State(c.State)
	leg := lifecycle.Legacy(st)
	out := &certsvcv1.Certificate{
		Id: c.ID, AccountId: c.AccountID, PlanId: c.PlanID, PeriodMonths: c.PeriodMonths,
		State: stateToProto(c.State), StatusMessage: c.StatusMessage,
		LegacyStatus: &certsvcv1.LegacyStatus{ItemStatus: int32(leg.ItemStatus), ItemStatusName: leg.ItemStatusName,
			ServiceStatus: int32(leg.ServiceStatus), ServiceStatusName: leg.ServiceStatusName},
		CommonName: c.CommonName, ExtraNames: c.ExtraNames, ExtraNameSlots: c.ExtraNameSlots,
		Subject: subjectToProto(c.Subject), AdminContact: contactToProto(c.AdminContact),
		TechContact: contactToProto(c.TechContact), Organization: orgToProto(c.Organization),
		AutoRenew: c.AutoRenew, AutoRenewPeriodMonths: c.AutoRenewPeriodMonths, ProcessingModuleId: c.ProcessingModuleID, CaOrderId: c.CaOrderID,
		CostMinor: c.CostMinor, Currency: c.Currency, HasPrivateKey: c.PrivateKey != "",
		KeyAlgorithm: c.KeyAlgorithm, SerialNumber: c.SerialNumber,
		NotBefore: rpc.TSPtr(c.NotBefore), NotAfter: rpc.TSPtr(c.NotAfter), PaidUntil: rpc.TSPtr(c.PaidUntil),
		CreateTime: rpc.TS(c.CreateTime), UpdateTime: rpc.TS(c.UpdateTime),
	}
	if c.PendingSubject != nil {
		out.PendingSubject = subjectToProto(*c.PendingSubject)
	}
	if c.ClientReference != nil {
		out.ClientReference = *c.ClientReference
	}
	for _, v := range c.Validations {
		out.Validations = append(out.Validations, &certsvcv1.DomainValidation{Domain: v.Domain,
			Method: methodsToProto[provider.DCVMethod(v.Method)], ApproverEmail: v.Email, Status: v.Status,
			HttpUrl: v.HTTPURL, DnsName: v.DNSName, DnsType: v.DNSType, Value: v.Value})
	}
	if c.RevokeReason != nil {
		out.RevocationReason = certsvcv1.RevocationReason(*c.RevokeReason)
	}
	out.RevokeTime = rpc.TSPtr(c.RevokeTime)
	if acts := allowedActions[st]; len(acts) > 0 {
		out.AllowedActions = slices.Clone(acts)
	}
	return out
}

// allowedActions are, per state, the customer events the state allows: what
// certToProto offers as actions, worked out once rather than per row.
var allowedActions = func() map[lifecycle.State][]string {
	m := map[lifecycle.State][]string{}
	for _, st := range lifecycle.AllStates() {
		for _, ev := range lifecycle.Allowed(st) {
			if customerEvents[ev] {
				m[st] = append(m[st], string(ev))
			}
		}
	}
	return m
}()

// customerEvents are the events a person may cause through the API; the
// rest are the CA's and the worker's, and are not offered as actions.
var customerEvents = map[lifecycle.Event]bool{
	lifecycle.Pay: true, lifecycle.ActivateManually: true, lifecycle.Reissue: true, lifecycle.Renew: true,
	lifecycle.Retry: true, lifecycle.Resume: true, lifecycle.Suspend: true, lifecycle.Revoke: true,
	lifecycle.Delete: true, lifecycle.Sync: true,
}

func eventToProto(e *ent.CertificateEvent) *certsvcv1.CertificateEvent {
	out := &certsvcv1.CertificateEvent{Id: e.ID, CertificateId: e.CertificateID, AccountId: e.AccountID,
		Event: e.Event, FromState: stateToProto(certificate.State(e.FromState)),
		ToState: stateToProto(certificate.State(e.ToState)), AmountMinor: e.Amount, Currency: e.Currency,
		Message: e.Message, CreateTime: rpc.TS(e.CreateTime)}
	if e.LedgerEntryID != nil {
		out.LedgerEntryId = *e.LedgerEntryID
	}
	if e.ActorUserID != nil {
		out.ActorUserId = *e.ActorUserID
	}
	return out
}
