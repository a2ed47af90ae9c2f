package rpc

import (
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
)

// access is who may call an RPC at all. Which objects a caller may touch is
// decided in the handler, against the caller's account.
type access int

const (
	// accessPublic RPCs need no credentials.
	accessPublic access = iota + 1
	// accessUser RPCs need any logged-in caller.
	accessUser
	// accessAdmin RPCs refuse users with permission_denied.
	accessAdmin
)

// policy is the access of every RPC. An RPC missing here is refused, and a
// test fails, so a new RPC cannot ship without a decision.
var policy = map[string]access{
	certsvcv1connect.AuthServiceLoginProcedure:            accessPublic,
	certsvcv1connect.AuthServiceLogoutProcedure:           accessUser,
	certsvcv1connect.AuthServiceWhoAmIProcedure:           accessUser,
	certsvcv1connect.AuthServiceCreateLoginKeyProcedure:   accessAdmin,
	certsvcv1connect.AuthServiceCreateApiKeyProcedure:     accessUser,
	certsvcv1connect.AuthServiceListApiKeysProcedure:      accessUser,
	certsvcv1connect.AuthServiceDeleteApiKeyProcedure:     accessUser,
	certsvcv1connect.AuthServiceImpersonateProcedure:      accessAdmin,
	certsvcv1connect.AuthServiceListAuditEntriesProcedure: accessAdmin,

	certsvcv1connect.AccountServiceCreateAccountProcedure:     accessAdmin,
	certsvcv1connect.AccountServiceGetAccountProcedure:        accessUser,
	certsvcv1connect.AccountServiceListAccountsProcedure:      accessUser,
	certsvcv1connect.AccountServiceUpdateAccountProcedure:     accessAdmin,
	certsvcv1connect.AccountServiceDeleteAccountProcedure:     accessAdmin,
	certsvcv1connect.AccountServiceCreateUserProcedure:        accessAdmin,
	certsvcv1connect.AccountServiceGetUserProcedure:           accessUser,
	certsvcv1connect.AccountServiceListUsersProcedure:         accessUser,
	certsvcv1connect.AccountServiceUpdateUserProcedure:        accessUser,
	certsvcv1connect.AccountServiceSetUserPasswordProcedure:   accessUser,
	certsvcv1connect.AccountServiceDeleteUserProcedure:        accessAdmin,
	certsvcv1connect.AccountServiceDepositProcedure:           accessAdmin,
	certsvcv1connect.AccountServiceAdjustBalanceProcedure:     accessAdmin,
	certsvcv1connect.AccountServiceListLedgerEntriesProcedure: accessUser,

	certsvcv1connect.CatalogServiceListPlansProcedure:     accessPublic,
	certsvcv1connect.CatalogServiceGetPlanProcedure:       accessPublic,
	certsvcv1connect.CatalogServiceCreatePlanProcedure:    accessAdmin,
	certsvcv1connect.CatalogServiceUpdatePlanProcedure:    accessAdmin,
	certsvcv1connect.CatalogServiceDeletePlanProcedure:    accessAdmin,
	certsvcv1connect.CatalogServiceListCountriesProcedure: accessPublic,

	// Certificates: what seed 000 gives "admin user" is accessUser (users
	// reach their own account's certificates only), "admin" is accessAdmin.
	certsvcv1connect.CertificateServiceCreateCsrProcedure:               accessUser,
	certsvcv1connect.CertificateServiceDecodeCsrProcedure:               accessUser,
	certsvcv1connect.CertificateServiceCreateCertificateProcedure:       accessUser,
	certsvcv1connect.CertificateServicePayCertificateProcedure:          accessUser,
	certsvcv1connect.CertificateServicePayCertificatesProcedure:         accessUser,
	certsvcv1connect.CertificateServiceGetCertificateProcedure:          accessUser,
	certsvcv1connect.CertificateServiceListCertificatesProcedure:        accessUser,
	certsvcv1connect.CertificateServiceUpdateCertificateProcedure:       accessUser,
	certsvcv1connect.CertificateServiceActivateCertificateProcedure:     accessAdmin,
	certsvcv1connect.CertificateServiceReplaceCertificateFilesProcedure: accessAdmin,
	certsvcv1connect.CertificateServiceConfirmValidationProcedure:       accessAdmin,
	certsvcv1connect.CertificateServiceReissueCertificateProcedure:      accessUser,
	certsvcv1connect.CertificateServiceRenewCertificateProcedure:        accessUser,
	certsvcv1connect.CertificateServiceRevokeCertificateProcedure:       accessUser,
	certsvcv1connect.CertificateServiceRetryCertificatesProcedure:       accessAdmin,
	certsvcv1connect.CertificateServiceSuspendCertificatesProcedure:     accessAdmin,
	certsvcv1connect.CertificateServiceResumeCertificatesProcedure:      accessAdmin,
	certsvcv1connect.CertificateServiceSyncCertificatesProcedure:        accessAdmin,
	certsvcv1connect.CertificateServiceDeleteCertificatesProcedure:      accessUser,
	certsvcv1connect.CertificateServiceGetCertificateFileProcedure:      accessUser,
	certsvcv1connect.CertificateServiceListCertificateEventsProcedure:   accessUser,
	certsvcv1connect.CertificateServiceWatchCertificatesProcedure:       accessUser,
	certsvcv1connect.CertificateServiceCreateCertificateFilterProcedure: accessUser,
	certsvcv1connect.CertificateServiceListCertificateFiltersProcedure:  accessUser,
	certsvcv1connect.CertificateServiceDeleteCertificateFilterProcedure: accessUser,

	certsvcv1connect.ProcessingModuleServiceListProcessingModulesProcedure:  accessAdmin,
	certsvcv1connect.ProcessingModuleServiceGetProcessingModuleProcedure:    accessAdmin,
	certsvcv1connect.ProcessingModuleServiceCreateProcessingModuleProcedure: accessAdmin,
	certsvcv1connect.ProcessingModuleServiceUpdateProcessingModuleProcedure: accessAdmin,
	certsvcv1connect.ProcessingModuleServiceDeleteProcessingModuleProcedure: accessAdmin,
	certsvcv1connect.ProcessingModuleServiceRefreshModuleBalanceProcedure:   accessAdmin,
	certsvcv1connect.ProcessingModuleServiceListModuleProductsProcedure:     accessAdmin,
	certsvcv1connect.ProcessingModuleServiceListModuleCallsProcedure:        accessAdmin,

	// Notifications: customers reach their own account's settings and
	// e-mail log (checked in the handler), admins any account's.
	certsvcv1connect.NotificationServiceGetNotificationSettingsProcedure:    accessUser,
	certsvcv1connect.NotificationServiceUpdateNotificationSettingsProcedure: accessUser,
	certsvcv1connect.NotificationServiceListEmailDeliveriesProcedure:        accessUser,
	certsvcv1connect.NotificationServiceSendTestEmailProcedure:              accessUser,

	// Webhooks: customers manage their own account's endpoints (checked in
	// the handler), administrators any account's.
	certsvcv1connect.WebhookServiceCreateWebhookEndpointProcedure: accessUser,
	certsvcv1connect.WebhookServiceListWebhookEndpointsProcedure:  accessUser,
	certsvcv1connect.WebhookServiceUpdateWebhookEndpointProcedure: accessUser,
	certsvcv1connect.WebhookServiceDeleteWebhookEndpointProcedure: accessUser,
	certsvcv1connect.WebhookServiceRotateWebhookSecretProcedure:   accessUser,
	certsvcv1connect.WebhookServiceSendTestWebhookProcedure:       accessUser,
	certsvcv1connect.WebhookServiceListWebhookDeliveriesProcedure: accessUser,
	certsvcv1connect.WebhookServiceRedeliverWebhookProcedure:      accessUser,
}
