import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/notification.proto.
 */
export declare const file_certsvc_v1_notification: GenFile;
/**
 * NotificationSettings is how an account wants to hear from certsvc.
 *
 * @generated from message certsvc.v1.NotificationSettings
 */
export type NotificationSettings = Message<"certsvc.v1.NotificationSettings"> & {
    /**
     * account_id is the account; output only.
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * recipients are the e-mail addresses that get the account's notices;
     * empty: no e-mail.
     *
     * @generated from field: repeated string recipients = 2;
     */
    recipients: string[];
    /**
     * event_types are the notice types wanted, as in webhooks
     * ("certificate.issued", "certificate.expiring", ...); empty: every type a
     * customer gets.
     *
     * @generated from field: repeated string event_types = 3;
     */
    eventTypes: string[];
    /**
     * language of the messages: "en" or "ru"; empty on update means "en".
     *
     * @generated from field: string language = 4;
     */
    language: string;
    /**
     * balance_threshold_minor: a charge that leaves the balance below it sends
     * account.balance_low; 0 is off. In the account's minor units.
     *
     * @generated from field: int64 balance_threshold_minor = 5;
     */
    balanceThresholdMinor: bigint;
    /**
     * email_enabled says whether the server has an SMTP relay set up; output only.
     *
     * @generated from field: bool email_enabled = 6;
     */
    emailEnabled: boolean;
    /**
     * update_time is when the settings last changed; output only, unset for defaults.
     *
     * @generated from field: google.protobuf.Timestamp update_time = 7;
     */
    updateTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.NotificationSettings.
 * Use `create(NotificationSettingsSchema)` to create a new message.
 */
export declare const NotificationSettingsSchema: GenMessage<NotificationSettings>;
/**
 * @generated from message certsvc.v1.GetNotificationSettingsRequest
 */
export type GetNotificationSettingsRequest = Message<"certsvc.v1.GetNotificationSettingsRequest"> & {
    /**
     * account_id: 0 means the caller's own account (an admin must name one).
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
};
/**
 * Describes the message certsvc.v1.GetNotificationSettingsRequest.
 * Use `create(GetNotificationSettingsRequestSchema)` to create a new message.
 */
export declare const GetNotificationSettingsRequestSchema: GenMessage<GetNotificationSettingsRequest>;
/**
 * @generated from message certsvc.v1.GetNotificationSettingsResponse
 */
export type GetNotificationSettingsResponse = Message<"certsvc.v1.GetNotificationSettingsResponse"> & {
    /**
     * @generated from field: certsvc.v1.NotificationSettings settings = 1;
     */
    settings?: NotificationSettings | undefined;
};
/**
 * Describes the message certsvc.v1.GetNotificationSettingsResponse.
 * Use `create(GetNotificationSettingsResponseSchema)` to create a new message.
 */
export declare const GetNotificationSettingsResponseSchema: GenMessage<GetNotificationSettingsResponse>;
/**
 * @generated from message certsvc.v1.UpdateNotificationSettingsRequest
 */
export type UpdateNotificationSettingsRequest = Message<"certsvc.v1.UpdateNotificationSettingsRequest"> & {
    /**
     * account_id: 0 means the caller's own account (an admin must name one).
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * @generated from field: certsvc.v1.NotificationSettings settings = 2;
     */
    settings?: NotificationSettings | undefined;
    /**
     * @generated from field: google.protobuf.FieldMask update_mask = 3;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateNotificationSettingsRequest.
 * Use `create(UpdateNotificationSettingsRequestSchema)` to create a new message.
 */
export declare const UpdateNotificationSettingsRequestSchema: GenMessage<UpdateNotificationSettingsRequest>;
/**
 * @generated from message certsvc.v1.UpdateNotificationSettingsResponse
 */
export type UpdateNotificationSettingsResponse = Message<"certsvc.v1.UpdateNotificationSettingsResponse"> & {
    /**
     * @generated from field: certsvc.v1.NotificationSettings settings = 1;
     */
    settings?: NotificationSettings | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateNotificationSettingsResponse.
 * Use `create(UpdateNotificationSettingsResponseSchema)` to create a new message.
 */
export declare const UpdateNotificationSettingsResponseSchema: GenMessage<UpdateNotificationSettingsResponse>;
/**
 * EmailDelivery is one notice's e-mail to one recipient.
 *
 * @generated from message certsvc.v1.EmailDelivery
 */
export type EmailDelivery = Message<"certsvc.v1.EmailDelivery"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * notice_type is the notice's type ("certificate.issued").
     *
     * @generated from field: string notice_type = 2;
     */
    noticeType: string;
    /**
     * certificate_id is the certificate the notice is about; 0 if none.
     *
     * @generated from field: int64 certificate_id = 3;
     */
    certificateId: bigint;
    /**
     * @generated from field: string recipient = 4;
     */
    recipient: string;
    /**
     * @generated from field: certsvc.v1.EmailDeliveryState state = 5;
     */
    state: EmailDeliveryState;
    /**
     * @generated from field: int32 attempts = 6;
     */
    attempts: number;
    /**
     * last_error is why the last attempt failed; empty once sent.
     *
     * @generated from field: string last_error = 7;
     */
    lastError: string;
    /**
     * last_status is the relay's last reply code (250, 550, ...); 0 when it gave none.
     *
     * @generated from field: int32 last_status = 8;
     */
    lastStatus: number;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 9;
     */
    createTime?: Timestamp | undefined;
    /**
     * next_attempt_time is when a pending e-mail is tried next.
     *
     * @generated from field: google.protobuf.Timestamp next_attempt_time = 10;
     */
    nextAttemptTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp sent_time = 11;
     */
    sentTime?: Timestamp | undefined;
    /**
     * message_id is the Message-ID header the e-mail carries (the same on every attempt).
     *
     * @generated from field: string message_id = 12;
     */
    messageId: string;
};
/**
 * Describes the message certsvc.v1.EmailDelivery.
 * Use `create(EmailDeliverySchema)` to create a new message.
 */
export declare const EmailDeliverySchema: GenMessage<EmailDelivery>;
/**
 * @generated from message certsvc.v1.ListEmailDeliveriesRequest
 */
export type ListEmailDeliveriesRequest = Message<"certsvc.v1.ListEmailDeliveriesRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * account_id: 0 means the caller's own account; for an admin, every
     * account's (operator notices included).
     *
     * @generated from field: int64 account_id = 3;
     */
    accountId: bigint;
    /**
     * state keeps deliveries in this state; UNSPECIFIED: all.
     *
     * @generated from field: certsvc.v1.EmailDeliveryState state = 4;
     */
    state: EmailDeliveryState;
};
/**
 * Describes the message certsvc.v1.ListEmailDeliveriesRequest.
 * Use `create(ListEmailDeliveriesRequestSchema)` to create a new message.
 */
export declare const ListEmailDeliveriesRequestSchema: GenMessage<ListEmailDeliveriesRequest>;
/**
 * @generated from message certsvc.v1.ListEmailDeliveriesResponse
 */
export type ListEmailDeliveriesResponse = Message<"certsvc.v1.ListEmailDeliveriesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.EmailDelivery deliveries = 1;
     */
    deliveries: EmailDelivery[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListEmailDeliveriesResponse.
 * Use `create(ListEmailDeliveriesResponseSchema)` to create a new message.
 */
export declare const ListEmailDeliveriesResponseSchema: GenMessage<ListEmailDeliveriesResponse>;
/**
 * @generated from message certsvc.v1.SendTestEmailRequest
 */
export type SendTestEmailRequest = Message<"certsvc.v1.SendTestEmailRequest"> & {
    /**
     * account_id: 0 means the caller's own account (an admin must name one).
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * recipients to send to instead of the account's settings; empty: the account's.
     *
     * @generated from field: repeated string recipients = 2;
     */
    recipients: string[];
};
/**
 * Describes the message certsvc.v1.SendTestEmailRequest.
 * Use `create(SendTestEmailRequestSchema)` to create a new message.
 */
export declare const SendTestEmailRequestSchema: GenMessage<SendTestEmailRequest>;
/**
 * @generated from message certsvc.v1.SendTestEmailResponse
 */
export type SendTestEmailResponse = Message<"certsvc.v1.SendTestEmailResponse"> & {
    /**
     * sent_to are the addresses the relay accepted the message for.
     *
     * @generated from field: repeated string sent_to = 1;
     */
    sentTo: string[];
};
/**
 * Describes the message certsvc.v1.SendTestEmailResponse.
 * Use `create(SendTestEmailResponseSchema)` to create a new message.
 */
export declare const SendTestEmailResponseSchema: GenMessage<SendTestEmailResponse>;
/**
 * EmailDeliveryState is where an e-mail is.
 *
 * @generated from enum certsvc.v1.EmailDeliveryState
 */
export declare enum EmailDeliveryState {
    /**
     * @generated from enum value: EMAIL_DELIVERY_STATE_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * EMAIL_DELIVERY_STATE_PENDING: not sent yet; tried again at next_attempt_time.
     *
     * @generated from enum value: EMAIL_DELIVERY_STATE_PENDING = 1;
     */
    PENDING = 1,
    /**
     * EMAIL_DELIVERY_STATE_SENT: the relay accepted it.
     *
     * @generated from enum value: EMAIL_DELIVERY_STATE_SENT = 2;
     */
    SENT = 2,
    /**
     * EMAIL_DELIVERY_STATE_FAILED: given up (a permanent refusal or too many attempts).
     *
     * @generated from enum value: EMAIL_DELIVERY_STATE_FAILED = 3;
     */
    FAILED = 3
}
/**
 * Describes the enum certsvc.v1.EmailDeliveryState.
 */
export declare const EmailDeliveryStateSchema: GenEnum<EmailDeliveryState>;
/**
 * NotificationService sets how an account hears from certsvc by e-mail and
 * shows the log of the e-mails sent to it.
 *
 * A user reaches their own account's settings and log (account_id 0 or their
 * account's id); an admin reaches any account's and must name it.
 *
 * @generated from service certsvc.v1.NotificationService
 */
export declare const NotificationService: GenService<{
    /**
     * GetNotificationSettings returns an account's settings; an account that
     * never set any gets the defaults (no recipients, every customer event,
     * English, no balance threshold).
     *
     * @generated from rpc certsvc.v1.NotificationService.GetNotificationSettings
     */
    getNotificationSettings: {
        methodKind: "unary";
        input: typeof GetNotificationSettingsRequestSchema;
        output: typeof GetNotificationSettingsResponseSchema;
    };
    /**
     * UpdateNotificationSettings changes the fields named in update_mask
     * (recipients, event_types, language, balance_threshold_minor); an empty
     * mask changes all four. Errors name the field at fault, e.g.
     * settings.recipients[1].
     *
     * @generated from rpc certsvc.v1.NotificationService.UpdateNotificationSettings
     */
    updateNotificationSettings: {
        methodKind: "unary";
        input: typeof UpdateNotificationSettingsRequestSchema;
        output: typeof UpdateNotificationSettingsResponseSchema;
    };
    /**
     * ListEmailDeliveries lists the e-mails of an account's notices, newest
     * first, with their state, attempts and last error.
     *
     * @generated from rpc certsvc.v1.NotificationService.ListEmailDeliveries
     */
    listEmailDeliveries: {
        methodKind: "unary";
        input: typeof ListEmailDeliveriesRequestSchema;
        output: typeof ListEmailDeliveriesResponseSchema;
    };
    /**
     * SendTestEmail sends a test message at once, in the account's language,
     * to the given recipients or else the account's, and answers after the
     * relay accepted it: failed_precondition when e-mail is off on the server
     * or there is nobody to send to, unavailable with the relay's answer when
     * it refused.
     *
     * @generated from rpc certsvc.v1.NotificationService.SendTestEmail
     */
    sendTestEmail: {
        methodKind: "unary";
        input: typeof SendTestEmailRequestSchema;
        output: typeof SendTestEmailResponseSchema;
    };
}>;
