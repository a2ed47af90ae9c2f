import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/certificate.proto.
 */
export declare const file_certsvc_v1_certificate: GenFile;
/**
 * Subject is the distinguished name a certificate is requested for.
 *
 * @generated from message certsvc.v1.Subject
 */
export type Subject = Message<"certsvc.v1.Subject"> & {
    /**
     * common_name is the main domain; Unicode names are stored as punycode.
     *
     * @generated from field: string common_name = 1;
     */
    commonName: string;
    /**
     * country_id is the legacy numeric country id (182 = Russia), as
     * CatalogService.ListCountries lists it. 0 when not given.
     *
     * @generated from field: int32 country_id = 2;
     */
    countryId: number;
    /**
     * country is the ISO 3166-1 alpha-2 code, derived from country_id on output.
     *
     * @generated from field: string country = 3;
     */
    country: string;
    /**
     * @generated from field: string state = 4;
     */
    state: string;
    /**
     * @generated from field: string locality = 5;
     */
    locality: string;
    /**
     * @generated from field: string organization = 6;
     */
    organization: string;
    /**
     * @generated from field: string organizational_unit = 7;
     */
    organizationalUnit: string;
    /**
     * @generated from field: string email = 8;
     */
    email: string;
};
/**
 * Describes the message certsvc.v1.Subject.
 * Use `create(SubjectSchema)` to create a new message.
 */
export declare const SubjectSchema: GenMessage<Subject>;
/**
 * Contact is a person the CA may contact about the order.
 *
 * @generated from message certsvc.v1.Contact
 */
export type Contact = Message<"certsvc.v1.Contact"> & {
    /**
     * @generated from field: string first_name = 1;
     */
    firstName: string;
    /**
     * @generated from field: string last_name = 2;
     */
    lastName: string;
    /**
     * @generated from field: string title = 3;
     */
    title: string;
    /**
     * @generated from field: string email = 4;
     */
    email: string;
    /**
     * @generated from field: string phone = 5;
     */
    phone: string;
};
/**
 * Describes the message certsvc.v1.Contact.
 * Use `create(ContactSchema)` to create a new message.
 */
export declare const ContactSchema: GenMessage<Contact>;
/**
 * Organization is the organisation vetted for OV and EV certificates.
 *
 * @generated from message certsvc.v1.Organization
 */
export type Organization = Message<"certsvc.v1.Organization"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * @generated from field: string department = 2;
     */
    department: string;
    /**
     * @generated from field: string address = 3;
     */
    address: string;
    /**
     * @generated from field: string city = 4;
     */
    city: string;
    /**
     * @generated from field: string state = 5;
     */
    state: string;
    /**
     * @generated from field: string postal_code = 6;
     */
    postalCode: string;
    /**
     * country_id is the legacy numeric country id.
     *
     * @generated from field: int32 country_id = 7;
     */
    countryId: number;
    /**
     * @generated from field: string phone = 8;
     */
    phone: string;
};
/**
 * Describes the message certsvc.v1.Organization.
 * Use `create(OrganizationSchema)` to create a new message.
 */
export declare const OrganizationSchema: GenMessage<Organization>;
/**
 * DomainValidation is how one name of an order is validated.
 *
 * @generated from message certsvc.v1.DomainValidation
 */
export type DomainValidation = Message<"certsvc.v1.DomainValidation"> & {
    /**
     * domain is one of the order's names (punycode on output).
     *
     * @generated from field: string domain = 1;
     */
    domain: string;
    /**
     * @generated from field: certsvc.v1.ValidationMethod method = 2;
     */
    method: ValidationMethod;
    /**
     * approver_email is, for VALIDATION_METHOD_EMAIL, admin@, administrator@,
     * hostmaster@, postmaster@ or webmaster@ of the domain itself.
     *
     * @generated from field: string approver_email = 3;
     */
    approverEmail: string;
    /**
     * Output only: pending, valid or invalid.
     *
     * @generated from field: string status = 4;
     */
    status: string;
    /**
     * Output only: what to publish. For HTTP, the URL and its content; for
     * DNS, the record name, type and value.
     *
     * @generated from field: string http_url = 5;
     */
    httpUrl: string;
    /**
     * @generated from field: string dns_name = 6;
     */
    dnsName: string;
    /**
     * @generated from field: string dns_type = 7;
     */
    dnsType: string;
    /**
     * @generated from field: string value = 8;
     */
    value: string;
};
/**
 * Describes the message certsvc.v1.DomainValidation.
 * Use `create(DomainValidationSchema)` to create a new message.
 */
export declare const DomainValidationSchema: GenMessage<DomainValidation>;
/**
 * LegacyStatus is how the state is shown to legacy BILLmanager clients.
 *
 * @generated from message certsvc.v1.LegacyStatus
 */
export type LegacyStatus = Message<"certsvc.v1.LegacyStatus"> & {
    /**
     * item_status is the numeric item status (2 = active).
     *
     * @generated from field: int32 item_status = 1;
     */
    itemStatus: number;
    /**
     * @generated from field: string item_status_name = 2;
     */
    itemStatusName: string;
    /**
     * service_status is the SSL status code (5 = issued), 0 when none.
     *
     * @generated from field: int32 service_status = 3;
     */
    serviceStatus: number;
    /**
     * @generated from field: string service_status_name = 4;
     */
    serviceStatusName: string;
};
/**
 * Describes the message certsvc.v1.LegacyStatus.
 * Use `create(LegacyStatusSchema)` to create a new message.
 */
export declare const LegacyStatusSchema: GenMessage<LegacyStatus>;
/**
 * Certificate is an order and the certificate it yields.
 *
 * @generated from message certsvc.v1.Certificate
 */
export type Certificate = Message<"certsvc.v1.Certificate"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 account_id = 2;
     */
    accountId: bigint;
    /**
     * @generated from field: int64 plan_id = 3;
     */
    planId: bigint;
    /**
     * @generated from field: int32 period_months = 4;
     */
    periodMonths: number;
    /**
     * @generated from field: certsvc.v1.CertificateState state = 5;
     */
    state: CertificateState;
    /**
     * @generated from field: certsvc.v1.LegacyStatus legacy_status = 6;
     */
    legacyStatus?: LegacyStatus | undefined;
    /**
     * status_message is the last note from the CA or an admin.
     *
     * @generated from field: string status_message = 7;
     */
    statusMessage: string;
    /**
     * common_name is the main domain, punycode.
     *
     * @generated from field: string common_name = 8;
     */
    commonName: string;
    /**
     * extra_names are the subject alternative names besides the common name.
     *
     * @generated from field: repeated string extra_names = 9;
     */
    extraNames: string[];
    /**
     * extra_name_slots is the number of extra names bought beyond those
     * included in the plan.
     *
     * @generated from field: int32 extra_name_slots = 10;
     */
    extraNameSlots: number;
    /**
     * @generated from field: certsvc.v1.Subject subject = 11;
     */
    subject?: Subject | undefined;
    /**
     * pending_subject, when set, replaces subject at the next renewal.
     *
     * @generated from field: certsvc.v1.Subject pending_subject = 12;
     */
    pendingSubject?: Subject | undefined;
    /**
     * @generated from field: certsvc.v1.Contact admin_contact = 13;
     */
    adminContact?: Contact | undefined;
    /**
     * @generated from field: certsvc.v1.Contact tech_contact = 14;
     */
    techContact?: Contact | undefined;
    /**
     * @generated from field: certsvc.v1.Organization organization = 15;
     */
    organization?: Organization | undefined;
    /**
     * @generated from field: repeated certsvc.v1.DomainValidation validations = 16;
     */
    validations: DomainValidation[];
    /**
     * @generated from field: bool auto_renew = 17;
     */
    autoRenew: boolean;
    /**
     * client_reference is the caller's own id for the order (legacy remoteid).
     *
     * @generated from field: string client_reference = 18;
     */
    clientReference: string;
    /**
     * @generated from field: int64 processing_module_id = 19;
     */
    processingModuleId: bigint;
    /**
     * ca_order_id is the order's id at the CA (legacy custom_order_id).
     *
     * @generated from field: string ca_order_id = 20;
     */
    caOrderId: string;
    /**
     * cost_minor is the price paid for the current term, in currency.
     *
     * @generated from field: int64 cost_minor = 21;
     */
    costMinor: bigint;
    /**
     * @generated from field: string currency = 22;
     */
    currency: string;
    /**
     * has_private_key says the private key is stored (generated here or given).
     *
     * @generated from field: bool has_private_key = 23;
     */
    hasPrivateKey: boolean;
    /**
     * key_algorithm is the CSR's key, e.g. "RSA 2048" or "ECDSA 256".
     *
     * @generated from field: string key_algorithm = 24;
     */
    keyAlgorithm: string;
    /**
     * serial_number of the current certificate, hex.
     *
     * @generated from field: string serial_number = 25;
     */
    serialNumber: string;
    /**
     * @generated from field: google.protobuf.Timestamp not_before = 26;
     */
    notBefore?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp not_after = 27;
     */
    notAfter?: Timestamp | undefined;
    /**
     * paid_until ends the paid term; for multi-year terms it is later than
     * not_after and the certificate is reissued before each one ends.
     *
     * @generated from field: google.protobuf.Timestamp paid_until = 28;
     */
    paidUntil?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 29;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp update_time = 30;
     */
    updateTime?: Timestamp | undefined;
    /**
     * allowed_actions are the events the current state accepts, e.g. "reissue".
     *
     * @generated from field: repeated string allowed_actions = 31;
     */
    allowedActions: string[];
    /**
     * revocation_reason is the reason of the revocation asked for or done
     * (RevokeCertificate); unspecified when none was asked for.
     *
     * @generated from field: certsvc.v1.RevocationReason revocation_reason = 32;
     */
    revocationReason: RevocationReason;
    /**
     * revoke_time is when the CA revoked the certificate; unset until then.
     *
     * @generated from field: google.protobuf.Timestamp revoke_time = 33;
     */
    revokeTime?: Timestamp | undefined;
    /**
     * auto_renew_period_months is the term an auto-renewal buys (legacy
     * autoprolong=<period>); unset renews for period_months. It must be a
     * period the plan sells in the certificate's currency.
     *
     * @generated from field: optional int32 auto_renew_period_months = 34;
     */
    autoRenewPeriodMonths?: number | undefined;
};
/**
 * Describes the message certsvc.v1.Certificate.
 * Use `create(CertificateSchema)` to create a new message.
 */
export declare const CertificateSchema: GenMessage<Certificate>;
/**
 * @generated from message certsvc.v1.CreateCsrRequest
 */
export type CreateCsrRequest = Message<"certsvc.v1.CreateCsrRequest"> & {
    /**
     * @generated from field: certsvc.v1.KeyType key_type = 1;
     */
    keyType: KeyType;
    /**
     * @generated from field: certsvc.v1.Subject subject = 2;
     */
    subject?: Subject | undefined;
    /**
     * @generated from field: repeated string extra_names = 3;
     */
    extraNames: string[];
};
/**
 * Describes the message certsvc.v1.CreateCsrRequest.
 * Use `create(CreateCsrRequestSchema)` to create a new message.
 */
export declare const CreateCsrRequestSchema: GenMessage<CreateCsrRequest>;
/**
 * @generated from message certsvc.v1.CreateCsrResponse
 */
export type CreateCsrResponse = Message<"certsvc.v1.CreateCsrResponse"> & {
    /**
     * @generated from field: string csr_pem = 1;
     */
    csrPem: string;
    /**
     * private_key_pem is returned once and not stored.
     *
     * @generated from field: string private_key_pem = 2;
     */
    privateKeyPem: string;
    /**
     * names are the normalised names of the CSR, common name first.
     *
     * @generated from field: repeated string names = 3;
     */
    names: string[];
};
/**
 * Describes the message certsvc.v1.CreateCsrResponse.
 * Use `create(CreateCsrResponseSchema)` to create a new message.
 */
export declare const CreateCsrResponseSchema: GenMessage<CreateCsrResponse>;
/**
 * @generated from message certsvc.v1.DecodeCsrRequest
 */
export type DecodeCsrRequest = Message<"certsvc.v1.DecodeCsrRequest"> & {
    /**
     * @generated from field: string csr_pem = 1;
     */
    csrPem: string;
    /**
     * plan_id, when set, also checks that the plan allows the names.
     *
     * @generated from field: int64 plan_id = 2;
     */
    planId: bigint;
};
/**
 * Describes the message certsvc.v1.DecodeCsrRequest.
 * Use `create(DecodeCsrRequestSchema)` to create a new message.
 */
export declare const DecodeCsrRequestSchema: GenMessage<DecodeCsrRequest>;
/**
 * @generated from message certsvc.v1.DecodeCsrResponse
 */
export type DecodeCsrResponse = Message<"certsvc.v1.DecodeCsrResponse"> & {
    /**
     * @generated from field: certsvc.v1.Subject subject = 1;
     */
    subject?: Subject | undefined;
    /**
     * names are the normalised names, common name first.
     *
     * @generated from field: repeated string names = 2;
     */
    names: string[];
    /**
     * @generated from field: string key_algorithm = 3;
     */
    keyAlgorithm: string;
    /**
     * @generated from field: int32 key_bits = 4;
     */
    keyBits: number;
};
/**
 * Describes the message certsvc.v1.DecodeCsrResponse.
 * Use `create(DecodeCsrResponseSchema)` to create a new message.
 */
export declare const DecodeCsrResponseSchema: GenMessage<DecodeCsrResponse>;
/**
 * @generated from message certsvc.v1.CreateCertificateRequest
 */
export type CreateCertificateRequest = Message<"certsvc.v1.CreateCertificateRequest"> & {
    /**
     * account_id is the account to order for; users may leave it 0 for their own.
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * @generated from field: int64 plan_id = 2;
     */
    planId: bigint;
    /**
     * @generated from field: int32 period_months = 3;
     */
    periodMonths: number;
    /**
     * csr_pem is the customer's CSR. Without it a key of key_type is
     * generated and stored encrypted, and the CSR made from subject.
     *
     * @generated from field: string csr_pem = 4;
     */
    csrPem: string;
    /**
     * private_key_pem is the key of csr_pem, when the customer wants it kept
     * (as after CreateCsr). It must match the CSR.
     *
     * @generated from field: string private_key_pem = 5;
     */
    privateKeyPem: string;
    /**
     * @generated from field: certsvc.v1.KeyType key_type = 6;
     */
    keyType: KeyType;
    /**
     * @generated from field: certsvc.v1.Subject subject = 7;
     */
    subject?: Subject | undefined;
    /**
     * @generated from field: repeated string extra_names = 8;
     */
    extraNames: string[];
    /**
     * extra_name_slots buys extra names beyond the plan's included ones; 0
     * buys exactly as many as the names need.
     *
     * @generated from field: int32 extra_name_slots = 9;
     */
    extraNameSlots: number;
    /**
     * @generated from field: certsvc.v1.Contact admin_contact = 10;
     */
    adminContact?: Contact | undefined;
    /**
     * @generated from field: certsvc.v1.Contact tech_contact = 11;
     */
    techContact?: Contact | undefined;
    /**
     * @generated from field: certsvc.v1.Organization organization = 12;
     */
    organization?: Organization | undefined;
    /**
     * validations chooses the method per name; names left out are validated
     * by e-mail to admin@ of the name, or by DNS for wildcards.
     *
     * @generated from field: repeated certsvc.v1.DomainValidation validations = 13;
     */
    validations: DomainValidation[];
    /**
     * @generated from field: bool auto_renew = 14;
     */
    autoRenew: boolean;
    /**
     * pay charges the price now; without it the order waits unpaid.
     *
     * @generated from field: bool pay = 15;
     */
    pay: boolean;
    /**
     * @generated from field: string client_reference = 16;
     */
    clientReference: string;
    /**
     * @generated from field: string idempotency_key = 17;
     */
    idempotencyKey: string;
    /**
     * processing_module_id picks the module; admins only. 0 picks the
     * enabled module of the plan with the lowest priority.
     *
     * @generated from field: int64 processing_module_id = 18;
     */
    processingModuleId: bigint;
    /**
     * auto_renew_period_months is the term an auto-renewal buys; unset
     * renews for period_months.
     *
     * @generated from field: optional int32 auto_renew_period_months = 19;
     */
    autoRenewPeriodMonths?: number | undefined;
};
/**
 * Describes the message certsvc.v1.CreateCertificateRequest.
 * Use `create(CreateCertificateRequestSchema)` to create a new message.
 */
export declare const CreateCertificateRequestSchema: GenMessage<CreateCertificateRequest>;
/**
 * @generated from message certsvc.v1.CreateCertificateResponse
 */
export type CreateCertificateResponse = Message<"certsvc.v1.CreateCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.CreateCertificateResponse.
 * Use `create(CreateCertificateResponseSchema)` to create a new message.
 */
export declare const CreateCertificateResponseSchema: GenMessage<CreateCertificateResponse>;
/**
 * @generated from message certsvc.v1.PayCertificateRequest
 */
export type PayCertificateRequest = Message<"certsvc.v1.PayCertificateRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.PayCertificateRequest.
 * Use `create(PayCertificateRequestSchema)` to create a new message.
 */
export declare const PayCertificateRequestSchema: GenMessage<PayCertificateRequest>;
/**
 * @generated from message certsvc.v1.PayCertificateResponse
 */
export type PayCertificateResponse = Message<"certsvc.v1.PayCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.PayCertificateResponse.
 * Use `create(PayCertificateResponseSchema)` to create a new message.
 */
export declare const PayCertificateResponseSchema: GenMessage<PayCertificateResponse>;
/**
 * @generated from message certsvc.v1.PayCertificatesRequest
 */
export type PayCertificatesRequest = Message<"certsvc.v1.PayCertificatesRequest"> & {
    /**
     * ids are the orders to pay, all of one account.
     *
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
    /**
     * idempotency_key names the payment in the description of each charge
     * it makes, so that the ledger shows which charges were one payment. A
     * retry charges nothing already paid, with this key or without one.
     *
     * @generated from field: string idempotency_key = 2;
     */
    idempotencyKey: string;
};
/**
 * Describes the message certsvc.v1.PayCertificatesRequest.
 * Use `create(PayCertificatesRequestSchema)` to create a new message.
 */
export declare const PayCertificatesRequestSchema: GenMessage<PayCertificatesRequest>;
/**
 * @generated from message certsvc.v1.PayCertificatesResponse
 */
export type PayCertificatesResponse = Message<"certsvc.v1.PayCertificatesResponse"> & {
    /**
     * certificates are the orders of ids, in the order of ids, as they are
     * after the payment.
     *
     * @generated from field: repeated certsvc.v1.Certificate certificates = 1;
     */
    certificates: Certificate[];
    /**
     * charged_minor is what this call took from the balance (0 on a retry).
     *
     * @generated from field: int64 charged_minor = 2;
     */
    chargedMinor: bigint;
    /**
     * @generated from field: string currency = 3;
     */
    currency: string;
};
/**
 * Describes the message certsvc.v1.PayCertificatesResponse.
 * Use `create(PayCertificatesResponseSchema)` to create a new message.
 */
export declare const PayCertificatesResponseSchema: GenMessage<PayCertificatesResponse>;
/**
 * @generated from message certsvc.v1.GetCertificateRequest
 */
export type GetCertificateRequest = Message<"certsvc.v1.GetCertificateRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.GetCertificateRequest.
 * Use `create(GetCertificateRequestSchema)` to create a new message.
 */
export declare const GetCertificateRequestSchema: GenMessage<GetCertificateRequest>;
/**
 * @generated from message certsvc.v1.GetCertificateResponse
 */
export type GetCertificateResponse = Message<"certsvc.v1.GetCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.GetCertificateResponse.
 * Use `create(GetCertificateResponseSchema)` to create a new message.
 */
export declare const GetCertificateResponseSchema: GenMessage<GetCertificateResponse>;
/**
 * CertificateFilter selects certificates; empty fields match everything.
 *
 * @generated from message certsvc.v1.CertificateFilter
 */
export type CertificateFilter = Message<"certsvc.v1.CertificateFilter"> & {
    /**
     * account_id keeps one account's certificates (admins; users see only theirs).
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * @generated from field: repeated certsvc.v1.CertificateState states = 2;
     */
    states: CertificateState[];
    /**
     * domain keeps certificates with a name (the common name or an extra name)
     * that begins with it, or with a label that begins with it: "example.com"
     * finds example.com and its subdomains (www.example.com, *.example.com),
     * "www.exa" finds www.example.com, "example" finds example.com and
     * shop.example.org, but "xample" finds neither. Case and leading dots are
     * ignored; a name in Unicode is matched in its punycode form.
     *
     * @generated from field: string domain = 3;
     */
    domain: string;
    /**
     * @generated from field: int64 plan_id = 4;
     */
    planId: bigint;
    /**
     * @generated from field: int64 processing_module_id = 5;
     */
    processingModuleId: bigint;
    /**
     * expires_before keeps certificates whose not_after is before it.
     *
     * @generated from field: google.protobuf.Timestamp expires_before = 6;
     */
    expiresBefore?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp created_after = 7;
     */
    createdAfter?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp created_before = 8;
     */
    createdBefore?: Timestamp | undefined;
    /**
     * @generated from field: string client_reference = 9;
     */
    clientReference: string;
    /**
     * include_deleted also lists deleted orders.
     *
     * @generated from field: bool include_deleted = 10;
     */
    includeDeleted: boolean;
};
/**
 * Describes the message certsvc.v1.CertificateFilter.
 * Use `create(CertificateFilterSchema)` to create a new message.
 */
export declare const CertificateFilterSchema: GenMessage<CertificateFilter>;
/**
 * @generated from message certsvc.v1.ListCertificatesRequest
 */
export type ListCertificatesRequest = Message<"certsvc.v1.ListCertificatesRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * @generated from field: certsvc.v1.CertificateFilter filter = 3;
     */
    filter?: CertificateFilter | undefined;
    /**
     * saved_filter_id applies one of the caller's saved filters instead of filter.
     *
     * @generated from field: int64 saved_filter_id = 4;
     */
    savedFilterId: bigint;
    /**
     * @generated from field: certsvc.v1.CertificateOrder order_by = 5;
     */
    orderBy: CertificateOrder;
    /**
     * skip leaves out this many rows first, for clients that page by number
     * (the legacy gateway); page tokens stay fast however deep a page is.
     *
     * @generated from field: int32 skip = 6;
     */
    skip: number;
    /**
     * include_total_size asks for total_size: one more query.
     *
     * @generated from field: bool include_total_size = 7;
     */
    includeTotalSize: boolean;
    /**
     * saved_filter_name applies the caller's saved filter of that name instead
     * of filter; a name the caller has no filter of is NOT_FOUND.
     *
     * @generated from field: string saved_filter_name = 8;
     */
    savedFilterName: string;
    /**
     * saved_filter_optional, with saved_filter_name, lists without a filter
     * when the caller has no saved filter of that name, instead of NOT_FOUND:
     * one call for a client that applies a filter the user may have saved
     * (the legacy gateway's certificate.filter).
     *
     * @generated from field: bool saved_filter_optional = 9;
     */
    savedFilterOptional: boolean;
};
/**
 * Describes the message certsvc.v1.ListCertificatesRequest.
 * Use `create(ListCertificatesRequestSchema)` to create a new message.
 */
export declare const ListCertificatesRequestSchema: GenMessage<ListCertificatesRequest>;
/**
 * @generated from message certsvc.v1.ListCertificatesResponse
 */
export type ListCertificatesResponse = Message<"certsvc.v1.ListCertificatesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.Certificate certificates = 1;
     */
    certificates: Certificate[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
    /**
     * total_size is how many certificates match, when include_total_size
     * asked for it.
     *
     * @generated from field: int32 total_size = 3;
     */
    totalSize: number;
};
/**
 * Describes the message certsvc.v1.ListCertificatesResponse.
 * Use `create(ListCertificatesResponseSchema)` to create a new message.
 */
export declare const ListCertificatesResponseSchema: GenMessage<ListCertificatesResponse>;
/**
 * @generated from message certsvc.v1.UpdateCertificateRequest
 */
export type UpdateCertificateRequest = Message<"certsvc.v1.UpdateCertificateRequest"> & {
    /**
     * certificate carries the id and the new values.
     *
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
    /**
     * update_mask names the fields: "auto_renew", "auto_renew_period_months"
     * (cleared when unset), "admin_contact",
     * "tech_contact", "organization", "subject" (stored as pending_subject
     * until the next renewal); admins also "not_before", "not_after",
     * "paid_until", "ca_order_id", "processing_module_id", "state",
     * "status_message".
     *
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateCertificateRequest.
 * Use `create(UpdateCertificateRequestSchema)` to create a new message.
 */
export declare const UpdateCertificateRequestSchema: GenMessage<UpdateCertificateRequest>;
/**
 * @generated from message certsvc.v1.UpdateCertificateResponse
 */
export type UpdateCertificateResponse = Message<"certsvc.v1.UpdateCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateCertificateResponse.
 * Use `create(UpdateCertificateResponseSchema)` to create a new message.
 */
export declare const UpdateCertificateResponseSchema: GenMessage<UpdateCertificateResponse>;
/**
 * @generated from message certsvc.v1.ActivateCertificateRequest
 */
export type ActivateCertificateRequest = Message<"certsvc.v1.ActivateCertificateRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * certificate is the issued certificate, PEM (with its chain) or DER. It
     * must match the key of the order's CSR.
     *
     * @generated from field: bytes certificate = 2;
     */
    certificate: Uint8Array;
};
/**
 * Describes the message certsvc.v1.ActivateCertificateRequest.
 * Use `create(ActivateCertificateRequestSchema)` to create a new message.
 */
export declare const ActivateCertificateRequestSchema: GenMessage<ActivateCertificateRequest>;
/**
 * @generated from message certsvc.v1.ActivateCertificateResponse
 */
export type ActivateCertificateResponse = Message<"certsvc.v1.ActivateCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.ActivateCertificateResponse.
 * Use `create(ActivateCertificateResponseSchema)` to create a new message.
 */
export declare const ActivateCertificateResponseSchema: GenMessage<ActivateCertificateResponse>;
/**
 * @generated from message certsvc.v1.ReplaceCertificateFilesRequest
 */
export type ReplaceCertificateFilesRequest = Message<"certsvc.v1.ReplaceCertificateFilesRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * csr_pem replaces the CSR; the stored key, if any, must match it.
     *
     * @generated from field: string csr_pem = 2;
     */
    csrPem: string;
    /**
     * certificate replaces the certificate (PEM with chain, or DER); it must
     * match the CSR's key.
     *
     * @generated from field: bytes certificate = 3;
     */
    certificate: Uint8Array;
    /**
     * private_key_pem replaces the stored key; it must match the CSR.
     *
     * @generated from field: string private_key_pem = 4;
     */
    privateKeyPem: string;
};
/**
 * Describes the message certsvc.v1.ReplaceCertificateFilesRequest.
 * Use `create(ReplaceCertificateFilesRequestSchema)` to create a new message.
 */
export declare const ReplaceCertificateFilesRequestSchema: GenMessage<ReplaceCertificateFilesRequest>;
/**
 * @generated from message certsvc.v1.ReplaceCertificateFilesResponse
 */
export type ReplaceCertificateFilesResponse = Message<"certsvc.v1.ReplaceCertificateFilesResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.ReplaceCertificateFilesResponse.
 * Use `create(ReplaceCertificateFilesResponseSchema)` to create a new message.
 */
export declare const ReplaceCertificateFilesResponseSchema: GenMessage<ReplaceCertificateFilesResponse>;
/**
 * @generated from message certsvc.v1.ConfirmValidationRequest
 */
export type ConfirmValidationRequest = Message<"certsvc.v1.ConfirmValidationRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.ConfirmValidationRequest.
 * Use `create(ConfirmValidationRequestSchema)` to create a new message.
 */
export declare const ConfirmValidationRequestSchema: GenMessage<ConfirmValidationRequest>;
/**
 * @generated from message certsvc.v1.ConfirmValidationResponse
 */
export type ConfirmValidationResponse = Message<"certsvc.v1.ConfirmValidationResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.ConfirmValidationResponse.
 * Use `create(ConfirmValidationResponseSchema)` to create a new message.
 */
export declare const ConfirmValidationResponseSchema: GenMessage<ConfirmValidationResponse>;
/**
 * @generated from message certsvc.v1.ReissueCertificateRequest
 */
export type ReissueCertificateRequest = Message<"certsvc.v1.ReissueCertificateRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * csr_pem reissues with a new CSR; empty keeps the previous request
     * unless key_type asks for a new key.
     *
     * @generated from field: string csr_pem = 2;
     */
    csrPem: string;
    /**
     * @generated from field: string private_key_pem = 3;
     */
    privateKeyPem: string;
    /**
     * key_type generates a new key and CSR with the same subject.
     *
     * @generated from field: certsvc.v1.KeyType key_type = 4;
     */
    keyType: KeyType;
    /**
     * extra_names replaces the extra names when replace_extra_names is set,
     * within the order's included and bought names (extra_name_slots), or
     * with the slots buy_extra_name_slots buys.
     *
     * @generated from field: repeated string extra_names = 5;
     */
    extraNames: string[];
    /**
     * @generated from field: bool replace_extra_names = 6;
     */
    replaceExtraNames: boolean;
    /**
     * @generated from field: repeated certsvc.v1.DomainValidation validations = 7;
     */
    validations: DomainValidation[];
    /**
     * buy_extra_name_slots buys that many more extra name slots for the names
     * of this reissue that the order's slots do not cover: exactly the
     * missing ones (fewer or more is refused naming this field). Each slot
     * costs the plan's extra_name_amount_minor for the order's period_months
     * in the order's currency, the price an order of that period pays for one
     * more slot, for the current term and not prorated; renewals then charge
     * every slot with the term. The price is charged from the balance in the
     * same transaction as the reissue, the order's extra_name_slots grow and
     * its cost_minor grows by the price; a balance that does not cover it is
     * refused with failed_precondition NOT_ENOUGH_MONEY (ErrorInfo metadata
     * amount_minor, balance_minor, currency) and nothing changes. The slots
     * are the order's: they stay if the CA fails the reissue, and deleting
     * the order refunds them only until a certificate with them is issued.
     *
     * @generated from field: int32 buy_extra_name_slots = 8;
     */
    buyExtraNameSlots: number;
    /**
     * idempotency_key names the purchase of buy_extra_name_slots: a retry
     * with the same key charges nothing more and returns the certificate as
     * it is, reissued once. Not used without buy_extra_name_slots.
     *
     * @generated from field: string idempotency_key = 9;
     */
    idempotencyKey: string;
};
/**
 * Describes the message certsvc.v1.ReissueCertificateRequest.
 * Use `create(ReissueCertificateRequestSchema)` to create a new message.
 */
export declare const ReissueCertificateRequestSchema: GenMessage<ReissueCertificateRequest>;
/**
 * @generated from message certsvc.v1.ReissueCertificateResponse
 */
export type ReissueCertificateResponse = Message<"certsvc.v1.ReissueCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.ReissueCertificateResponse.
 * Use `create(ReissueCertificateResponseSchema)` to create a new message.
 */
export declare const ReissueCertificateResponseSchema: GenMessage<ReissueCertificateResponse>;
/**
 * @generated from message certsvc.v1.RenewCertificateRequest
 */
export type RenewCertificateRequest = Message<"certsvc.v1.RenewCertificateRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * period_months of the new term; 0 repeats the current period.
     *
     * @generated from field: int32 period_months = 2;
     */
    periodMonths: number;
    /**
     * @generated from field: string idempotency_key = 3;
     */
    idempotencyKey: string;
};
/**
 * Describes the message certsvc.v1.RenewCertificateRequest.
 * Use `create(RenewCertificateRequestSchema)` to create a new message.
 */
export declare const RenewCertificateRequestSchema: GenMessage<RenewCertificateRequest>;
/**
 * @generated from message certsvc.v1.RenewCertificateResponse
 */
export type RenewCertificateResponse = Message<"certsvc.v1.RenewCertificateResponse"> & {
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.RenewCertificateResponse.
 * Use `create(RenewCertificateResponseSchema)` to create a new message.
 */
export declare const RenewCertificateResponseSchema: GenMessage<RenewCertificateResponse>;
/**
 * @generated from message certsvc.v1.RevokeCertificateRequest
 */
export type RevokeCertificateRequest = Message<"certsvc.v1.RevokeCertificateRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * reason is sent to the CA and listed in the CRL; unspecified when unset.
     *
     * @generated from field: certsvc.v1.RevocationReason reason = 2;
     */
    reason: RevocationReason;
    /**
     * comment is kept in the certificate's history, not sent to the CA.
     *
     * @generated from field: string comment = 3;
     */
    comment: string;
};
/**
 * Describes the message certsvc.v1.RevokeCertificateRequest.
 * Use `create(RevokeCertificateRequestSchema)` to create a new message.
 */
export declare const RevokeCertificateRequestSchema: GenMessage<RevokeCertificateRequest>;
/**
 * @generated from message certsvc.v1.RevokeCertificateResponse
 */
export type RevokeCertificateResponse = Message<"certsvc.v1.RevokeCertificateResponse"> & {
    /**
     * certificate as it stands: still issued (or suspended) with the
     * revocation on its way to the CA, or revoked.
     *
     * @generated from field: certsvc.v1.Certificate certificate = 1;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.RevokeCertificateResponse.
 * Use `create(RevokeCertificateResponseSchema)` to create a new message.
 */
export declare const RevokeCertificateResponseSchema: GenMessage<RevokeCertificateResponse>;
/**
 * BatchResult is the outcome of a batch operation for one id.
 *
 * @generated from message certsvc.v1.BatchResult
 */
export type BatchResult = Message<"certsvc.v1.BatchResult"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * ok is true when the operation succeeded for this id.
     *
     * @generated from field: bool ok = 2;
     */
    ok: boolean;
    /**
     * code is the error code name ("failed_precondition") when not ok.
     *
     * @generated from field: string code = 3;
     */
    code: string;
    /**
     * @generated from field: string message = 4;
     */
    message: string;
    /**
     * @generated from field: certsvc.v1.Certificate certificate = 5;
     */
    certificate?: Certificate | undefined;
};
/**
 * Describes the message certsvc.v1.BatchResult.
 * Use `create(BatchResultSchema)` to create a new message.
 */
export declare const BatchResultSchema: GenMessage<BatchResult>;
/**
 * @generated from message certsvc.v1.RetryCertificatesRequest
 */
export type RetryCertificatesRequest = Message<"certsvc.v1.RetryCertificatesRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
};
/**
 * Describes the message certsvc.v1.RetryCertificatesRequest.
 * Use `create(RetryCertificatesRequestSchema)` to create a new message.
 */
export declare const RetryCertificatesRequestSchema: GenMessage<RetryCertificatesRequest>;
/**
 * @generated from message certsvc.v1.RetryCertificatesResponse
 */
export type RetryCertificatesResponse = Message<"certsvc.v1.RetryCertificatesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.BatchResult results = 1;
     */
    results: BatchResult[];
};
/**
 * Describes the message certsvc.v1.RetryCertificatesResponse.
 * Use `create(RetryCertificatesResponseSchema)` to create a new message.
 */
export declare const RetryCertificatesResponseSchema: GenMessage<RetryCertificatesResponse>;
/**
 * @generated from message certsvc.v1.SuspendCertificatesRequest
 */
export type SuspendCertificatesRequest = Message<"certsvc.v1.SuspendCertificatesRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
};
/**
 * Describes the message certsvc.v1.SuspendCertificatesRequest.
 * Use `create(SuspendCertificatesRequestSchema)` to create a new message.
 */
export declare const SuspendCertificatesRequestSchema: GenMessage<SuspendCertificatesRequest>;
/**
 * @generated from message certsvc.v1.SuspendCertificatesResponse
 */
export type SuspendCertificatesResponse = Message<"certsvc.v1.SuspendCertificatesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.BatchResult results = 1;
     */
    results: BatchResult[];
};
/**
 * Describes the message certsvc.v1.SuspendCertificatesResponse.
 * Use `create(SuspendCertificatesResponseSchema)` to create a new message.
 */
export declare const SuspendCertificatesResponseSchema: GenMessage<SuspendCertificatesResponse>;
/**
 * @generated from message certsvc.v1.ResumeCertificatesRequest
 */
export type ResumeCertificatesRequest = Message<"certsvc.v1.ResumeCertificatesRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
};
/**
 * Describes the message certsvc.v1.ResumeCertificatesRequest.
 * Use `create(ResumeCertificatesRequestSchema)` to create a new message.
 */
export declare const ResumeCertificatesRequestSchema: GenMessage<ResumeCertificatesRequest>;
/**
 * @generated from message certsvc.v1.ResumeCertificatesResponse
 */
export type ResumeCertificatesResponse = Message<"certsvc.v1.ResumeCertificatesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.BatchResult results = 1;
     */
    results: BatchResult[];
};
/**
 * Describes the message certsvc.v1.ResumeCertificatesResponse.
 * Use `create(ResumeCertificatesResponseSchema)` to create a new message.
 */
export declare const ResumeCertificatesResponseSchema: GenMessage<ResumeCertificatesResponse>;
/**
 * @generated from message certsvc.v1.SyncCertificatesRequest
 */
export type SyncCertificatesRequest = Message<"certsvc.v1.SyncCertificatesRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
};
/**
 * Describes the message certsvc.v1.SyncCertificatesRequest.
 * Use `create(SyncCertificatesRequestSchema)` to create a new message.
 */
export declare const SyncCertificatesRequestSchema: GenMessage<SyncCertificatesRequest>;
/**
 * @generated from message certsvc.v1.SyncCertificatesResponse
 */
export type SyncCertificatesResponse = Message<"certsvc.v1.SyncCertificatesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.BatchResult results = 1;
     */
    results: BatchResult[];
};
/**
 * Describes the message certsvc.v1.SyncCertificatesResponse.
 * Use `create(SyncCertificatesResponseSchema)` to create a new message.
 */
export declare const SyncCertificatesResponseSchema: GenMessage<SyncCertificatesResponse>;
/**
 * @generated from message certsvc.v1.DeleteCertificatesRequest
 */
export type DeleteCertificatesRequest = Message<"certsvc.v1.DeleteCertificatesRequest"> & {
    /**
     * @generated from field: repeated int64 ids = 1;
     */
    ids: bigint[];
    /**
     * no_expense deletes without a refund; admins only.
     *
     * @generated from field: bool no_expense = 2;
     */
    noExpense: boolean;
};
/**
 * Describes the message certsvc.v1.DeleteCertificatesRequest.
 * Use `create(DeleteCertificatesRequestSchema)` to create a new message.
 */
export declare const DeleteCertificatesRequestSchema: GenMessage<DeleteCertificatesRequest>;
/**
 * @generated from message certsvc.v1.DeleteCertificatesResponse
 */
export type DeleteCertificatesResponse = Message<"certsvc.v1.DeleteCertificatesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.BatchResult results = 1;
     */
    results: BatchResult[];
};
/**
 * Describes the message certsvc.v1.DeleteCertificatesResponse.
 * Use `create(DeleteCertificatesResponseSchema)` to create a new message.
 */
export declare const DeleteCertificatesResponseSchema: GenMessage<DeleteCertificatesResponse>;
/**
 * @generated from message certsvc.v1.GetCertificateFileRequest
 */
export type GetCertificateFileRequest = Message<"certsvc.v1.GetCertificateFileRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: certsvc.v1.FileType type = 2;
     */
    type: FileType;
    /**
     * password encrypts a PKCS#12 file; required for it.
     *
     * @generated from field: string password = 3;
     */
    password: string;
};
/**
 * Describes the message certsvc.v1.GetCertificateFileRequest.
 * Use `create(GetCertificateFileRequestSchema)` to create a new message.
 */
export declare const GetCertificateFileRequestSchema: GenMessage<GetCertificateFileRequest>;
/**
 * @generated from message certsvc.v1.GetCertificateFileResponse
 */
export type GetCertificateFileResponse = Message<"certsvc.v1.GetCertificateFileResponse"> & {
    /**
     * @generated from field: string file_name = 1;
     */
    fileName: string;
    /**
     * @generated from field: string content_type = 2;
     */
    contentType: string;
    /**
     * @generated from field: bytes content = 3;
     */
    content: Uint8Array;
};
/**
 * Describes the message certsvc.v1.GetCertificateFileResponse.
 * Use `create(GetCertificateFileResponseSchema)` to create a new message.
 */
export declare const GetCertificateFileResponseSchema: GenMessage<GetCertificateFileResponse>;
/**
 * CertificateEvent is one entry of an order's history.
 *
 * @generated from message certsvc.v1.CertificateEvent
 */
export type CertificateEvent = Message<"certsvc.v1.CertificateEvent"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 certificate_id = 2;
     */
    certificateId: bigint;
    /**
     * @generated from field: int64 account_id = 3;
     */
    accountId: bigint;
    /**
     * event is the lifecycle event ("pay", "ca_issued", "reissue", ...), or
     * "update" for a customer's edit and "admin_update" for an admin's.
     *
     * @generated from field: string event = 4;
     */
    event: string;
    /**
     * @generated from field: certsvc.v1.CertificateState from_state = 5;
     */
    fromState: CertificateState;
    /**
     * @generated from field: certsvc.v1.CertificateState to_state = 6;
     */
    toState: CertificateState;
    /**
     * amount_minor is the money moved by the event: negative for a charge,
     * positive for a refund, 0 for none.
     *
     * @generated from field: int64 amount_minor = 7;
     */
    amountMinor: bigint;
    /**
     * @generated from field: string currency = 8;
     */
    currency: string;
    /**
     * @generated from field: int64 ledger_entry_id = 9;
     */
    ledgerEntryId: bigint;
    /**
     * @generated from field: string message = 10;
     */
    message: string;
    /**
     * actor_user_id is the user who caused it (the admin behind an
     * impersonated session); 0 for the worker or the CA.
     *
     * @generated from field: int64 actor_user_id = 11;
     */
    actorUserId: bigint;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 12;
     */
    createTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.CertificateEvent.
 * Use `create(CertificateEventSchema)` to create a new message.
 */
export declare const CertificateEventSchema: GenMessage<CertificateEvent>;
/**
 * @generated from message certsvc.v1.ListCertificateEventsRequest
 */
export type ListCertificateEventsRequest = Message<"certsvc.v1.ListCertificateEventsRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int32 page_size = 2;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 3;
     */
    pageToken: string;
};
/**
 * Describes the message certsvc.v1.ListCertificateEventsRequest.
 * Use `create(ListCertificateEventsRequestSchema)` to create a new message.
 */
export declare const ListCertificateEventsRequestSchema: GenMessage<ListCertificateEventsRequest>;
/**
 * @generated from message certsvc.v1.ListCertificateEventsResponse
 */
export type ListCertificateEventsResponse = Message<"certsvc.v1.ListCertificateEventsResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.CertificateEvent events = 1;
     */
    events: CertificateEvent[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListCertificateEventsResponse.
 * Use `create(ListCertificateEventsResponseSchema)` to create a new message.
 */
export declare const ListCertificateEventsResponseSchema: GenMessage<ListCertificateEventsResponse>;
/**
 * @generated from message certsvc.v1.WatchCertificatesRequest
 */
export type WatchCertificatesRequest = Message<"certsvc.v1.WatchCertificatesRequest"> & {
    /**
     * certificate_ids keeps these certificates only; empty watches all the
     * caller may see.
     *
     * @generated from field: repeated int64 certificate_ids = 1;
     */
    certificateIds: bigint[];
    /**
     * after_event_id resumes after an event already seen; 0 starts with new events.
     *
     * @generated from field: int64 after_event_id = 2;
     */
    afterEventId: bigint;
};
/**
 * Describes the message certsvc.v1.WatchCertificatesRequest.
 * Use `create(WatchCertificatesRequestSchema)` to create a new message.
 */
export declare const WatchCertificatesRequestSchema: GenMessage<WatchCertificatesRequest>;
/**
 * @generated from message certsvc.v1.WatchCertificatesResponse
 */
export type WatchCertificatesResponse = Message<"certsvc.v1.WatchCertificatesResponse"> & {
    /**
     * @generated from field: certsvc.v1.CertificateEvent event = 1;
     */
    event?: CertificateEvent | undefined;
    /**
     * certificate is the order as it is after the event.
     *
     * @generated from field: certsvc.v1.Certificate certificate = 2;
     */
    certificate?: Certificate | undefined;
    /**
     * keep_alive is set on a message that carries no event (event and
     * certificate unset): the server sends one when the stream has been idle
     * for a while (30 seconds by default), so that proxies do not cut it.
     * Clients ignore such messages.
     *
     * @generated from field: bool keep_alive = 3;
     */
    keepAlive: boolean;
};
/**
 * Describes the message certsvc.v1.WatchCertificatesResponse.
 * Use `create(WatchCertificatesResponseSchema)` to create a new message.
 */
export declare const WatchCertificatesResponseSchema: GenMessage<WatchCertificatesResponse>;
/**
 * CertificateFilterPreset is a saved filter.
 *
 * @generated from message certsvc.v1.CertificateFilterPreset
 */
export type CertificateFilterPreset = Message<"certsvc.v1.CertificateFilterPreset"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * @generated from field: certsvc.v1.CertificateFilter filter = 3;
     */
    filter?: CertificateFilter | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 4;
     */
    createTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.CertificateFilterPreset.
 * Use `create(CertificateFilterPresetSchema)` to create a new message.
 */
export declare const CertificateFilterPresetSchema: GenMessage<CertificateFilterPreset>;
/**
 * @generated from message certsvc.v1.CreateCertificateFilterRequest
 */
export type CreateCertificateFilterRequest = Message<"certsvc.v1.CreateCertificateFilterRequest"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * @generated from field: certsvc.v1.CertificateFilter filter = 2;
     */
    filter?: CertificateFilter | undefined;
};
/**
 * Describes the message certsvc.v1.CreateCertificateFilterRequest.
 * Use `create(CreateCertificateFilterRequestSchema)` to create a new message.
 */
export declare const CreateCertificateFilterRequestSchema: GenMessage<CreateCertificateFilterRequest>;
/**
 * @generated from message certsvc.v1.CreateCertificateFilterResponse
 */
export type CreateCertificateFilterResponse = Message<"certsvc.v1.CreateCertificateFilterResponse"> & {
    /**
     * @generated from field: certsvc.v1.CertificateFilterPreset preset = 1;
     */
    preset?: CertificateFilterPreset | undefined;
};
/**
 * Describes the message certsvc.v1.CreateCertificateFilterResponse.
 * Use `create(CreateCertificateFilterResponseSchema)` to create a new message.
 */
export declare const CreateCertificateFilterResponseSchema: GenMessage<CreateCertificateFilterResponse>;
/**
 * @generated from message certsvc.v1.ListCertificateFiltersRequest
 */
export type ListCertificateFiltersRequest = Message<"certsvc.v1.ListCertificateFiltersRequest"> & {};
/**
 * Describes the message certsvc.v1.ListCertificateFiltersRequest.
 * Use `create(ListCertificateFiltersRequestSchema)` to create a new message.
 */
export declare const ListCertificateFiltersRequestSchema: GenMessage<ListCertificateFiltersRequest>;
/**
 * @generated from message certsvc.v1.ListCertificateFiltersResponse
 */
export type ListCertificateFiltersResponse = Message<"certsvc.v1.ListCertificateFiltersResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.CertificateFilterPreset presets = 1;
     */
    presets: CertificateFilterPreset[];
};
/**
 * Describes the message certsvc.v1.ListCertificateFiltersResponse.
 * Use `create(ListCertificateFiltersResponseSchema)` to create a new message.
 */
export declare const ListCertificateFiltersResponseSchema: GenMessage<ListCertificateFiltersResponse>;
/**
 * @generated from message certsvc.v1.DeleteCertificateFilterRequest
 */
export type DeleteCertificateFilterRequest = Message<"certsvc.v1.DeleteCertificateFilterRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeleteCertificateFilterRequest.
 * Use `create(DeleteCertificateFilterRequestSchema)` to create a new message.
 */
export declare const DeleteCertificateFilterRequestSchema: GenMessage<DeleteCertificateFilterRequest>;
/**
 * @generated from message certsvc.v1.DeleteCertificateFilterResponse
 */
export type DeleteCertificateFilterResponse = Message<"certsvc.v1.DeleteCertificateFilterResponse"> & {};
/**
 * Describes the message certsvc.v1.DeleteCertificateFilterResponse.
 * Use `create(DeleteCertificateFilterResponseSchema)` to create a new message.
 */
export declare const DeleteCertificateFilterResponseSchema: GenMessage<DeleteCertificateFilterResponse>;
/**
 * CertificateState is where an order is in its life.
 *
 * @generated from enum certsvc.v1.CertificateState
 */
export declare enum CertificateState {
    /**
     * @generated from enum value: CERTIFICATE_STATE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * CERTIFICATE_STATE_UNPAID is an order in the basket, waiting for payment.
     *
     * @generated from enum value: CERTIFICATE_STATE_UNPAID = 1;
     */
    UNPAID = 1,
    /**
     * CERTIFICATE_STATE_SUBMITTING is a paid order on its way to the CA.
     *
     * @generated from enum value: CERTIFICATE_STATE_SUBMITTING = 2;
     */
    SUBMITTING = 2,
    /**
     * CERTIFICATE_STATE_AWAITING_VALIDATION waits for domain validation.
     *
     * @generated from enum value: CERTIFICATE_STATE_AWAITING_VALIDATION = 3;
     */
    AWAITING_VALIDATION = 3,
    /**
     * CERTIFICATE_STATE_PROCESSING is validated and waiting for the CA to issue.
     *
     * @generated from enum value: CERTIFICATE_STATE_PROCESSING = 4;
     */
    PROCESSING = 4,
    /**
     * CERTIFICATE_STATE_ISSUED is a certificate in its paid term.
     *
     * @generated from enum value: CERTIFICATE_STATE_ISSUED = 5;
     */
    ISSUED = 5,
    /**
     * CERTIFICATE_STATE_REISSUING is an issued certificate being reissued;
     * the previous certificate stays valid meanwhile.
     *
     * @generated from enum value: CERTIFICATE_STATE_REISSUING = 6;
     */
    REISSUING = 6,
    /**
     * CERTIFICATE_STATE_RENEWING is a paid renewal the CA has not yet issued.
     *
     * @generated from enum value: CERTIFICATE_STATE_RENEWING = 7;
     */
    RENEWING = 7,
    /**
     * CERTIFICATE_STATE_FAILED is an order the CA rejected; it can be retried.
     *
     * @generated from enum value: CERTIFICATE_STATE_FAILED = 8;
     */
    FAILED = 8,
    /**
     * CERTIFICATE_STATE_CANCELLED is an order the CA cancelled; it can be retried.
     *
     * @generated from enum value: CERTIFICATE_STATE_CANCELLED = 9;
     */
    CANCELLED = 9,
    /**
     * CERTIFICATE_STATE_SUSPENDED is suspended locally by an admin.
     *
     * @generated from enum value: CERTIFICATE_STATE_SUSPENDED = 10;
     */
    SUSPENDED = 10,
    /**
     * CERTIFICATE_STATE_REVOKED is revoked at the CA.
     *
     * @generated from enum value: CERTIFICATE_STATE_REVOKED = 11;
     */
    REVOKED = 11,
    /**
     * CERTIFICATE_STATE_EXPIRED is past its paid term; it can still be renewed.
     *
     * @generated from enum value: CERTIFICATE_STATE_EXPIRED = 12;
     */
    EXPIRED = 12,
    /**
     * CERTIFICATE_STATE_DELETED is deleted; nothing more happens to it.
     *
     * @generated from enum value: CERTIFICATE_STATE_DELETED = 13;
     */
    DELETED = 13
}
/**
 * Describes the enum certsvc.v1.CertificateState.
 */
export declare const CertificateStateSchema: GenEnum<CertificateState>;
/**
 * KeyType is the algorithm and size of a generated private key.
 *
 * @generated from enum certsvc.v1.KeyType
 */
export declare enum KeyType {
    /**
     * @generated from enum value: KEY_TYPE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: KEY_TYPE_RSA_2048 = 1;
     */
    RSA_2048 = 1,
    /**
     * @generated from enum value: KEY_TYPE_RSA_3072 = 2;
     */
    RSA_3072 = 2,
    /**
     * @generated from enum value: KEY_TYPE_RSA_4096 = 3;
     */
    RSA_4096 = 3,
    /**
     * @generated from enum value: KEY_TYPE_ECDSA_P256 = 4;
     */
    ECDSA_P256 = 4,
    /**
     * @generated from enum value: KEY_TYPE_ECDSA_P384 = 5;
     */
    ECDSA_P384 = 5
}
/**
 * Describes the enum certsvc.v1.KeyType.
 */
export declare const KeyTypeSchema: GenEnum<KeyType>;
/**
 * ValidationMethod is how control of a domain is proven to the CA.
 *
 * @generated from enum certsvc.v1.ValidationMethod
 */
export declare enum ValidationMethod {
    /**
     * @generated from enum value: VALIDATION_METHOD_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * VALIDATION_METHOD_EMAIL sends a mail to an approver address of the domain.
     *
     * @generated from enum value: VALIDATION_METHOD_EMAIL = 1;
     */
    EMAIL = 1,
    /**
     * VALIDATION_METHOD_DNS_TXT asks for a TXT record.
     *
     * @generated from enum value: VALIDATION_METHOD_DNS_TXT = 2;
     */
    DNS_TXT = 2,
    /**
     * VALIDATION_METHOD_DNS_CNAME asks for a CNAME record.
     *
     * @generated from enum value: VALIDATION_METHOD_DNS_CNAME = 3;
     */
    DNS_CNAME = 3,
    /**
     * VALIDATION_METHOD_HTTP_FILE asks for a file served over HTTP.
     *
     * @generated from enum value: VALIDATION_METHOD_HTTP_FILE = 4;
     */
    HTTP_FILE = 4
}
/**
 * Describes the enum certsvc.v1.ValidationMethod.
 */
export declare const ValidationMethodSchema: GenEnum<ValidationMethod>;
/**
 * CertificateOrder is the order of a listing.
 *
 * @generated from enum certsvc.v1.CertificateOrder
 */
export declare enum CertificateOrder {
    /**
     * CERTIFICATE_ORDER_UNSPECIFIED is newest first.
     *
     * @generated from enum value: CERTIFICATE_ORDER_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: CERTIFICATE_ORDER_NEWEST_FIRST = 1;
     */
    NEWEST_FIRST = 1,
    /**
     * @generated from enum value: CERTIFICATE_ORDER_OLDEST_FIRST = 2;
     */
    OLDEST_FIRST = 2,
    /**
     * CERTIFICATE_ORDER_EXPIRING_FIRST lists certificates that have an end
     * date (not_after), soonest first.
     *
     * @generated from enum value: CERTIFICATE_ORDER_EXPIRING_FIRST = 3;
     */
    EXPIRING_FIRST = 3,
    /**
     * @generated from enum value: CERTIFICATE_ORDER_DOMAIN = 4;
     */
    DOMAIN = 4
}
/**
 * Describes the enum certsvc.v1.CertificateOrder.
 */
export declare const CertificateOrderSchema: GenEnum<CertificateOrder>;
/**
 * RevocationReason is the reason of a revocation: the CRLReason codes of
 * RFC 5280 section 5.3.1, with the same numbers. A subscriber may give
 * unspecified, key_compromise, affiliation_changed, superseded,
 * cessation_of_operation and privilege_withdrawn; the others are the CA's
 * own (ca_compromise, aa_compromise) or are not revocations
 * (certificate_hold, remove_from_crl) and are refused naming the field.
 *
 * @generated from enum certsvc.v1.RevocationReason
 */
export declare enum RevocationReason {
    /**
     * unspecified (0): no reason given.
     *
     * @generated from enum value: REVOCATION_REASON_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * keyCompromise (1): the certificate's private key was compromised.
     *
     * @generated from enum value: REVOCATION_REASON_KEY_COMPROMISE = 1;
     */
    KEY_COMPROMISE = 1,
    /**
     * cACompromise (2): refused, a CA's own reason.
     *
     * @generated from enum value: REVOCATION_REASON_CA_COMPROMISE = 2;
     */
    CA_COMPROMISE = 2,
    /**
     * affiliationChanged (3): the subject's name or other information changed.
     *
     * @generated from enum value: REVOCATION_REASON_AFFILIATION_CHANGED = 3;
     */
    AFFILIATION_CHANGED = 3,
    /**
     * superseded (4): the certificate was replaced.
     *
     * @generated from enum value: REVOCATION_REASON_SUPERSEDED = 4;
     */
    SUPERSEDED = 4,
    /**
     * cessationOfOperation (5): the certificate is no longer needed.
     *
     * @generated from enum value: REVOCATION_REASON_CESSATION_OF_OPERATION = 5;
     */
    CESSATION_OF_OPERATION = 5,
    /**
     * certificateHold (6): refused, a hold is not a revocation.
     *
     * @generated from enum value: REVOCATION_REASON_CERTIFICATE_HOLD = 6;
     */
    CERTIFICATE_HOLD = 6,
    /**
     * removeFromCRL (8): refused, it lifts a hold.
     *
     * @generated from enum value: REVOCATION_REASON_REMOVE_FROM_CRL = 8;
     */
    REMOVE_FROM_CRL = 8,
    /**
     * privilegeWithdrawn (9): a privilege the certificate asserts was withdrawn.
     *
     * @generated from enum value: REVOCATION_REASON_PRIVILEGE_WITHDRAWN = 9;
     */
    PRIVILEGE_WITHDRAWN = 9,
    /**
     * aACompromise (10): refused, an attribute authority's own reason.
     *
     * @generated from enum value: REVOCATION_REASON_AA_COMPROMISE = 10;
     */
    AA_COMPROMISE = 10
}
/**
 * Describes the enum certsvc.v1.RevocationReason.
 */
export declare const RevocationReasonSchema: GenEnum<RevocationReason>;
/**
 * FileType is which file GetCertificateFile returns.
 *
 * @generated from enum certsvc.v1.FileType
 */
export declare enum FileType {
    /**
     * @generated from enum value: FILE_TYPE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * FILE_TYPE_CRT is the certificate alone, PEM.
     *
     * @generated from enum value: FILE_TYPE_CRT = 1;
     */
    CRT = 1,
    /**
     * FILE_TYPE_CHAIN is the intermediates, PEM.
     *
     * @generated from enum value: FILE_TYPE_CHAIN = 2;
     */
    CHAIN = 2,
    /**
     * FILE_TYPE_FULLCHAIN is the certificate followed by the intermediates.
     *
     * @generated from enum value: FILE_TYPE_FULLCHAIN = 3;
     */
    FULLCHAIN = 3,
    /**
     * @generated from enum value: FILE_TYPE_CSR = 4;
     */
    CSR = 4,
    /**
     * FILE_TYPE_KEY is the private key, PEM (PKCS#8).
     *
     * @generated from enum value: FILE_TYPE_KEY = 5;
     */
    KEY = 5,
    /**
     * FILE_TYPE_PEM_BUNDLE is the key, the certificate and the chain in one PEM.
     *
     * @generated from enum value: FILE_TYPE_PEM_BUNDLE = 6;
     */
    PEM_BUNDLE = 6,
    /**
     * FILE_TYPE_PKCS12 is the key, certificate and chain in a PKCS#12 file
     * encrypted with password.
     *
     * @generated from enum value: FILE_TYPE_PKCS12 = 7;
     */
    PKCS12 = 7,
    /**
     * FILE_TYPE_CRT_DER is the certificate alone, DER.
     *
     * @generated from enum value: FILE_TYPE_CRT_DER = 8;
     */
    CRT_DER = 8
}
/**
 * Describes the enum certsvc.v1.FileType.
 */
export declare const FileTypeSchema: GenEnum<FileType>;
/**
 * CertificateService is the life of a certificate order: key and CSR, order
 * and payment, validation, issue, reissue, renewal, files and history.
 *
 * Users see and change the certificates of their own account; an id of
 * another account answers not_found, as a missing id does. Admins see every
 * account. Work at the certificate authority (submitting, polling, reissuing
 * a multi-year subscription, auto-renewal, expiry) is done by a background
 * worker; the RPCs record what is to be done and return at once.
 *
 * @generated from service certsvc.v1.CertificateService
 */
export declare const CertificateService: GenService<{
    /**
     * CreateCsr generates a private key and a certificate signing request from
     * subject fields (legacy certificate.order.csr). Nothing is stored: the key
     * is returned once; pass both to CreateCertificate to order with them.
     *
     * @generated from rpc certsvc.v1.CertificateService.CreateCsr
     */
    createCsr: {
        methodKind: "unary";
        input: typeof CreateCsrRequestSchema;
        output: typeof CreateCsrResponseSchema;
    };
    /**
     * DecodeCsr decodes a customer's CSR, checks its signature and key
     * strength and, with a plan, that the plan allows its names.
     *
     * @generated from rpc certsvc.v1.CertificateService.DecodeCsr
     */
    decodeCsr: {
        methodKind: "unary";
        input: typeof DecodeCsrRequestSchema;
        output: typeof DecodeCsrResponseSchema;
    };
    /**
     * CreateCertificate orders a certificate. With pay set the price is
     * charged from the account's balance in the same transaction; otherwise
     * the order waits unpaid in the basket for PayCertificate. A retry with the
     * same idempotency_key (or client_reference) returns the first order.
     *
     * @generated from rpc certsvc.v1.CertificateService.CreateCertificate
     */
    createCertificate: {
        methodKind: "unary";
        input: typeof CreateCertificateRequestSchema;
        output: typeof CreateCertificateResponseSchema;
    };
    /**
     * PayCertificate pays for an unpaid order from the account's balance.
     *
     * @generated from rpc certsvc.v1.CertificateService.PayCertificate
     */
    payCertificate: {
        methodKind: "unary";
        input: typeof PayCertificateRequestSchema;
        output: typeof PayCertificateResponseSchema;
    };
    /**
     * PayCertificates pays several unpaid orders of one account (the basket)
     * from its balance in one transaction: every unpaid order among ids is
     * paid, or nothing is charged. When the balance does not cover the total
     * the answer is failed_precondition with a google.rpc.ErrorInfo of reason
     * NOT_ENOUGH_MONEY and metadata amount_minor (the total), balance_minor
     * and currency. Orders paid already are returned as they are and charged
     * nothing: each order is charged once under its own key, so paying twice
     * (or a retry whose answer was lost) charges once.
     *
     * @generated from rpc certsvc.v1.CertificateService.PayCertificates
     */
    payCertificates: {
        methodKind: "unary";
        input: typeof PayCertificatesRequestSchema;
        output: typeof PayCertificatesResponseSchema;
    };
    /**
     * GetCertificate returns one certificate order.
     *
     * @generated from rpc certsvc.v1.CertificateService.GetCertificate
     */
    getCertificate: {
        methodKind: "unary";
        input: typeof GetCertificateRequestSchema;
        output: typeof GetCertificateResponseSchema;
    };
    /**
     * ListCertificates lists certificate orders matching a filter, in the
     * chosen order, with keyset paging.
     *
     * @generated from rpc certsvc.v1.CertificateService.ListCertificates
     */
    listCertificates: {
        methodKind: "unary";
        input: typeof ListCertificatesRequestSchema;
        output: typeof ListCertificatesResponseSchema;
    };
    /**
     * UpdateCertificate changes the fields named in update_mask. Users may
     * change auto_renew, contacts, organization and the subject (which takes
     * effect at the next renewal); admins also dates, the CA's order id, the
     * processing module and the state.
     *
     * @generated from rpc certsvc.v1.CertificateService.UpdateCertificate
     */
    updateCertificate: {
        methodKind: "unary";
        input: typeof UpdateCertificateRequestSchema;
        output: typeof UpdateCertificateResponseSchema;
    };
    /**
     * ActivateCertificate completes an order by hand with the certificate the
     * CA issued (legacy certificate.open). Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.ActivateCertificate
     */
    activateCertificate: {
        methodKind: "unary";
        input: typeof ActivateCertificateRequestSchema;
        output: typeof ActivateCertificateResponseSchema;
    };
    /**
     * ReplaceCertificateFiles replaces the stored CSR, certificate or private
     * key of an order without changing its state. Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.ReplaceCertificateFiles
     */
    replaceCertificateFiles: {
        methodKind: "unary";
        input: typeof ReplaceCertificateFilesRequestSchema;
        output: typeof ReplaceCertificateFilesResponseSchema;
    };
    /**
     * ConfirmValidation approves the domain validation of an order at the
     * built-in CA, standing in for the customer's proof of control. Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.ConfirmValidation
     */
    confirmValidation: {
        methodKind: "unary";
        input: typeof ConfirmValidationRequestSchema;
        output: typeof ConfirmValidationResponseSchema;
    };
    /**
     * ReissueCertificate reissues an issued certificate, free of charge, with
     * the previous request, a new CSR, a new key or new extra names. Extra
     * names beyond the order's slots need the missing slots bought with the
     * reissue (buy_extra_name_slots), charged from the balance.
     *
     * @generated from rpc certsvc.v1.CertificateService.ReissueCertificate
     */
    reissueCertificate: {
        methodKind: "unary";
        input: typeof ReissueCertificateRequestSchema;
        output: typeof ReissueCertificateResponseSchema;
    };
    /**
     * RenewCertificate pays for the next term, which starts when the current
     * one ends.
     *
     * @generated from rpc certsvc.v1.CertificateService.RenewCertificate
     */
    renewCertificate: {
        methodKind: "unary";
        input: typeof RenewCertificateRequestSchema;
        output: typeof RenewCertificateResponseSchema;
    };
    /**
     * RevokeCertificate revokes an issued (or suspended) certificate at its
     * CA. The customer revokes the certificates of their own account, an
     * admin any. The worker sends the request to the CA; the certificate
     * moves to CERTIFICATE_STATE_REVOKED (event "revoke") when the CA
     * confirms, and stays as it was (event "revoke_failed") when the CA
     * refuses. Asking again while a revocation waits, or for a revoked
     * certificate, changes nothing and does not call the CA again.
     *
     * Charges: no money moves. Nothing is refunded for the rest of the paid
     * term (the certificate was delivered); the subscription ends with the
     * revocation (auto-renew is switched off, no subscription reissue or
     * renewal follows), and deleting the revoked certificate refunds nothing.
     *
     * A module that cannot revoke (an upstream BILLmanager, whose API has no
     * revocation) answers failed_precondition naming the module. For the
     * manual module an operator revokes at the CA by hand: an admin's request
     * revokes the certificate here at once, a customer's is refused
     * (failed_precondition) and goes to the operator.
     *
     * @generated from rpc certsvc.v1.CertificateService.RevokeCertificate
     */
    revokeCertificate: {
        methodKind: "unary";
        input: typeof RevokeCertificateRequestSchema;
        output: typeof RevokeCertificateResponseSchema;
    };
    /**
     * RetryCertificates orders again, free of charge, certificates the CA
     * failed or cancelled. Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.RetryCertificates
     */
    retryCertificates: {
        methodKind: "unary";
        input: typeof RetryCertificatesRequestSchema;
        output: typeof RetryCertificatesResponseSchema;
    };
    /**
     * SuspendCertificates suspends issued certificates locally. Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.SuspendCertificates
     */
    suspendCertificates: {
        methodKind: "unary";
        input: typeof SuspendCertificatesRequestSchema;
        output: typeof SuspendCertificatesResponseSchema;
    };
    /**
     * ResumeCertificates lifts a suspension. Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.ResumeCertificates
     */
    resumeCertificates: {
        methodKind: "unary";
        input: typeof ResumeCertificatesRequestSchema;
        output: typeof ResumeCertificatesResponseSchema;
    };
    /**
     * SyncCertificates asks the CA for the state of orders now instead of at
     * the next scheduled poll. Admin only.
     *
     * @generated from rpc certsvc.v1.CertificateService.SyncCertificates
     */
    syncCertificates: {
        methodKind: "unary";
        input: typeof SyncCertificatesRequestSchema;
        output: typeof SyncCertificatesResponseSchema;
    };
    /**
     * DeleteCertificates deletes orders, cancels them at the CA where it
     * can, and refunds by policy: in full when the certificate was never
     * issued, nothing once it was, nothing at all with no_expense.
     *
     * @generated from rpc certsvc.v1.CertificateService.DeleteCertificates
     */
    deleteCertificates: {
        methodKind: "unary";
        input: typeof DeleteCertificatesRequestSchema;
        output: typeof DeleteCertificatesResponseSchema;
    };
    /**
     * GetCertificateFile returns one file of an order: the certificate, its
     * chain, the CSR, the private key (its owner and admins only, and every
     * read is audited) or a bundle.
     *
     * @generated from rpc certsvc.v1.CertificateService.GetCertificateFile
     */
    getCertificateFile: {
        methodKind: "unary";
        input: typeof GetCertificateFileRequestSchema;
        output: typeof GetCertificateFileResponseSchema;
    };
    /**
     * ListCertificateEvents is the history of an order: every state change
     * and money movement, oldest first.
     *
     * @generated from rpc certsvc.v1.CertificateService.ListCertificateEvents
     */
    listCertificateEvents: {
        methodKind: "unary";
        input: typeof ListCertificateEventsRequestSchema;
        output: typeof ListCertificateEventsResponseSchema;
    };
    /**
     * WatchCertificates streams the events of the caller's certificates (all
     * certificates for admins) as they happen, starting after after_event_id.
     *
     * @generated from rpc certsvc.v1.CertificateService.WatchCertificates
     */
    watchCertificates: {
        methodKind: "server_streaming";
        input: typeof WatchCertificatesRequestSchema;
        output: typeof WatchCertificatesResponseSchema;
    };
    /**
     * CreateCertificateFilter saves a listing filter under a name, for the caller.
     *
     * @generated from rpc certsvc.v1.CertificateService.CreateCertificateFilter
     */
    createCertificateFilter: {
        methodKind: "unary";
        input: typeof CreateCertificateFilterRequestSchema;
        output: typeof CreateCertificateFilterResponseSchema;
    };
    /**
     * ListCertificateFilters lists the caller's saved filters.
     *
     * @generated from rpc certsvc.v1.CertificateService.ListCertificateFilters
     */
    listCertificateFilters: {
        methodKind: "unary";
        input: typeof ListCertificateFiltersRequestSchema;
        output: typeof ListCertificateFiltersResponseSchema;
    };
    /**
     * DeleteCertificateFilter deletes one of the caller's saved filters.
     *
     * @generated from rpc certsvc.v1.CertificateService.DeleteCertificateFilter
     */
    deleteCertificateFilter: {
        methodKind: "unary";
        input: typeof DeleteCertificateFilterRequestSchema;
        output: typeof DeleteCertificateFilterResponseSchema;
    };
}>;
