import type { GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/webhook.proto.
 */
export declare const file_certsvc_v1_webhook: GenFile;
/**
 * WebhookEndpoint is an account's receiver of webhooks.
 *
 * @generated from message certsvc.v1.WebhookEndpoint
 */
export type WebhookEndpoint = Message<"certsvc.v1.WebhookEndpoint"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 account_id = 2;
     */
    accountId: bigint;
    /**
     * url is where the notifications go: required to create an endpoint, and
     * by an update whose update_mask names it (an update of other fields may
     * leave it empty).
     *
     * @generated from field: string url = 3;
     */
    url: string;
    /**
     * @generated from field: string description = 4;
     */
    description: string;
    /**
     * event_types filters the types sent (e.g. "certificate.issued"); empty:
     * every type.
     *
     * @generated from field: repeated string event_types = 5;
     */
    eventTypes: string[];
    /**
     * @generated from field: bool enabled = 6;
     */
    enabled: boolean;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 7;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp update_time = 8;
     */
    updateTime?: Timestamp | undefined;
    /**
     * previous_secret_until is when the previous secret stops signing;
     * unset when there is none.
     *
     * @generated from field: google.protobuf.Timestamp previous_secret_until = 9;
     */
    previousSecretUntil?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.WebhookEndpoint.
 * Use `create(WebhookEndpointSchema)` to create a new message.
 */
export declare const WebhookEndpointSchema: GenMessage<WebhookEndpoint>;
/**
 * @generated from message certsvc.v1.CreateWebhookEndpointRequest
 */
export type CreateWebhookEndpointRequest = Message<"certsvc.v1.CreateWebhookEndpointRequest"> & {
    /**
     * endpoint.account_id is the caller's own account when 0; endpoint.url
     * is required.
     *
     * @generated from field: certsvc.v1.WebhookEndpoint endpoint = 1;
     */
    endpoint?: WebhookEndpoint | undefined;
};
/**
 * Describes the message certsvc.v1.CreateWebhookEndpointRequest.
 * Use `create(CreateWebhookEndpointRequestSchema)` to create a new message.
 */
export declare const CreateWebhookEndpointRequestSchema: GenMessage<CreateWebhookEndpointRequest>;
/**
 * @generated from message certsvc.v1.CreateWebhookEndpointResponse
 */
export type CreateWebhookEndpointResponse = Message<"certsvc.v1.CreateWebhookEndpointResponse"> & {
    /**
     * @generated from field: certsvc.v1.WebhookEndpoint endpoint = 1;
     */
    endpoint?: WebhookEndpoint | undefined;
    /**
     * secret is the signing secret, "whsec_<base64>".
     *
     * @generated from field: string secret = 2;
     */
    secret: string;
};
/**
 * Describes the message certsvc.v1.CreateWebhookEndpointResponse.
 * Use `create(CreateWebhookEndpointResponseSchema)` to create a new message.
 */
export declare const CreateWebhookEndpointResponseSchema: GenMessage<CreateWebhookEndpointResponse>;
/**
 * @generated from message certsvc.v1.ListWebhookEndpointsRequest
 */
export type ListWebhookEndpointsRequest = Message<"certsvc.v1.ListWebhookEndpointsRequest"> & {
    /**
     * account_id: the caller's own account when 0 (an administrator: every
     * account).
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
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
 * Describes the message certsvc.v1.ListWebhookEndpointsRequest.
 * Use `create(ListWebhookEndpointsRequestSchema)` to create a new message.
 */
export declare const ListWebhookEndpointsRequestSchema: GenMessage<ListWebhookEndpointsRequest>;
/**
 * @generated from message certsvc.v1.ListWebhookEndpointsResponse
 */
export type ListWebhookEndpointsResponse = Message<"certsvc.v1.ListWebhookEndpointsResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.WebhookEndpoint endpoints = 1;
     */
    endpoints: WebhookEndpoint[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListWebhookEndpointsResponse.
 * Use `create(ListWebhookEndpointsResponseSchema)` to create a new message.
 */
export declare const ListWebhookEndpointsResponseSchema: GenMessage<ListWebhookEndpointsResponse>;
/**
 * @generated from message certsvc.v1.UpdateWebhookEndpointRequest
 */
export type UpdateWebhookEndpointRequest = Message<"certsvc.v1.UpdateWebhookEndpointRequest"> & {
    /**
     * @generated from field: certsvc.v1.WebhookEndpoint endpoint = 1;
     */
    endpoint?: WebhookEndpoint | undefined;
    /**
     * update_mask names the fields: "url", "description", "event_types",
     * "enabled". Only the fields it names are read and checked.
     *
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateWebhookEndpointRequest.
 * Use `create(UpdateWebhookEndpointRequestSchema)` to create a new message.
 */
export declare const UpdateWebhookEndpointRequestSchema: GenMessage<UpdateWebhookEndpointRequest>;
/**
 * @generated from message certsvc.v1.UpdateWebhookEndpointResponse
 */
export type UpdateWebhookEndpointResponse = Message<"certsvc.v1.UpdateWebhookEndpointResponse"> & {
    /**
     * @generated from field: certsvc.v1.WebhookEndpoint endpoint = 1;
     */
    endpoint?: WebhookEndpoint | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateWebhookEndpointResponse.
 * Use `create(UpdateWebhookEndpointResponseSchema)` to create a new message.
 */
export declare const UpdateWebhookEndpointResponseSchema: GenMessage<UpdateWebhookEndpointResponse>;
/**
 * @generated from message certsvc.v1.DeleteWebhookEndpointRequest
 */
export type DeleteWebhookEndpointRequest = Message<"certsvc.v1.DeleteWebhookEndpointRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeleteWebhookEndpointRequest.
 * Use `create(DeleteWebhookEndpointRequestSchema)` to create a new message.
 */
export declare const DeleteWebhookEndpointRequestSchema: GenMessage<DeleteWebhookEndpointRequest>;
/**
 * @generated from message certsvc.v1.DeleteWebhookEndpointResponse
 */
export type DeleteWebhookEndpointResponse = Message<"certsvc.v1.DeleteWebhookEndpointResponse"> & {};
/**
 * Describes the message certsvc.v1.DeleteWebhookEndpointResponse.
 * Use `create(DeleteWebhookEndpointResponseSchema)` to create a new message.
 */
export declare const DeleteWebhookEndpointResponseSchema: GenMessage<DeleteWebhookEndpointResponse>;
/**
 * @generated from message certsvc.v1.RotateWebhookSecretRequest
 */
export type RotateWebhookSecretRequest = Message<"certsvc.v1.RotateWebhookSecretRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.RotateWebhookSecretRequest.
 * Use `create(RotateWebhookSecretRequestSchema)` to create a new message.
 */
export declare const RotateWebhookSecretRequestSchema: GenMessage<RotateWebhookSecretRequest>;
/**
 * @generated from message certsvc.v1.RotateWebhookSecretResponse
 */
export type RotateWebhookSecretResponse = Message<"certsvc.v1.RotateWebhookSecretResponse"> & {
    /**
     * @generated from field: certsvc.v1.WebhookEndpoint endpoint = 1;
     */
    endpoint?: WebhookEndpoint | undefined;
    /**
     * @generated from field: string secret = 2;
     */
    secret: string;
};
/**
 * Describes the message certsvc.v1.RotateWebhookSecretResponse.
 * Use `create(RotateWebhookSecretResponseSchema)` to create a new message.
 */
export declare const RotateWebhookSecretResponseSchema: GenMessage<RotateWebhookSecretResponse>;
/**
 * @generated from message certsvc.v1.SendTestWebhookRequest
 */
export type SendTestWebhookRequest = Message<"certsvc.v1.SendTestWebhookRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.SendTestWebhookRequest.
 * Use `create(SendTestWebhookRequestSchema)` to create a new message.
 */
export declare const SendTestWebhookRequestSchema: GenMessage<SendTestWebhookRequest>;
/**
 * @generated from message certsvc.v1.SendTestWebhookResponse
 */
export type SendTestWebhookResponse = Message<"certsvc.v1.SendTestWebhookResponse"> & {
    /**
     * @generated from field: int64 delivery_id = 1;
     */
    deliveryId: bigint;
};
/**
 * Describes the message certsvc.v1.SendTestWebhookResponse.
 * Use `create(SendTestWebhookResponseSchema)` to create a new message.
 */
export declare const SendTestWebhookResponseSchema: GenMessage<SendTestWebhookResponse>;
/**
 * @generated from message certsvc.v1.ListWebhookDeliveriesRequest
 */
export type ListWebhookDeliveriesRequest = Message<"certsvc.v1.ListWebhookDeliveriesRequest"> & {
    /**
     * id is the endpoint's.
     *
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
 * Describes the message certsvc.v1.ListWebhookDeliveriesRequest.
 * Use `create(ListWebhookDeliveriesRequestSchema)` to create a new message.
 */
export declare const ListWebhookDeliveriesRequestSchema: GenMessage<ListWebhookDeliveriesRequest>;
/**
 * WebhookDelivery is one notification on its way to an endpoint, with the
 * log of its attempts.
 *
 * @generated from message certsvc.v1.WebhookDelivery
 */
export type WebhookDelivery = Message<"certsvc.v1.WebhookDelivery"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * message_id is the webhook-id header.
     *
     * @generated from field: string message_id = 2;
     */
    messageId: string;
    /**
     * @generated from field: string type = 3;
     */
    type: string;
    /**
     * state: "pending" (due at next_attempt_time), "sent" or "dead" (given up).
     *
     * @generated from field: string state = 4;
     */
    state: string;
    /**
     * @generated from field: int32 attempts = 5;
     */
    attempts: number;
    /**
     * @generated from field: string last_error = 6;
     */
    lastError: string;
    /**
     * last_status is the HTTP status of the last answer; 0 when none came.
     *
     * @generated from field: int32 last_status = 7;
     */
    lastStatus: number;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 8;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp last_attempt_time = 9;
     */
    lastAttemptTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp next_attempt_time = 10;
     */
    nextAttemptTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp sent_time = 11;
     */
    sentTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.WebhookDelivery.
 * Use `create(WebhookDeliverySchema)` to create a new message.
 */
export declare const WebhookDeliverySchema: GenMessage<WebhookDelivery>;
/**
 * @generated from message certsvc.v1.ListWebhookDeliveriesResponse
 */
export type ListWebhookDeliveriesResponse = Message<"certsvc.v1.ListWebhookDeliveriesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.WebhookDelivery deliveries = 1;
     */
    deliveries: WebhookDelivery[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListWebhookDeliveriesResponse.
 * Use `create(ListWebhookDeliveriesResponseSchema)` to create a new message.
 */
export declare const ListWebhookDeliveriesResponseSchema: GenMessage<ListWebhookDeliveriesResponse>;
/**
 * @generated from message certsvc.v1.RedeliverWebhookRequest
 */
export type RedeliverWebhookRequest = Message<"certsvc.v1.RedeliverWebhookRequest"> & {
    /**
     * @generated from field: int64 delivery_id = 1;
     */
    deliveryId: bigint;
};
/**
 * Describes the message certsvc.v1.RedeliverWebhookRequest.
 * Use `create(RedeliverWebhookRequestSchema)` to create a new message.
 */
export declare const RedeliverWebhookRequestSchema: GenMessage<RedeliverWebhookRequest>;
/**
 * @generated from message certsvc.v1.RedeliverWebhookResponse
 */
export type RedeliverWebhookResponse = Message<"certsvc.v1.RedeliverWebhookResponse"> & {
    /**
     * @generated from field: certsvc.v1.WebhookDelivery delivery = 1;
     */
    delivery?: WebhookDelivery | undefined;
};
/**
 * Describes the message certsvc.v1.RedeliverWebhookResponse.
 * Use `create(RedeliverWebhookResponseSchema)` to create a new message.
 */
export declare const RedeliverWebhookResponseSchema: GenMessage<RedeliverWebhookResponse>;
/**
 * WebhookService manages an account's webhook endpoints: HTTPS receivers of
 * signed notifications (certificate.issued, certificate.expiring, ...), sent
 * from the outbox with retries and backoff. A customer manages the endpoints
 * of its own account, an administrator those of any account.
 *
 * Each request is a POST of {"type", "timestamp", "data"} signed per the
 * Standard Webhooks specification: headers webhook-id (stable across
 * retries), webhook-timestamp and webhook-signature ("v1,<base64
 * HMAC-SHA256 of id.timestamp.body>", keyed with the secret's bytes after
 * "whsec_"; during a rotation one signature per secret, space separated).
 *
 * @generated from service certsvc.v1.WebhookService
 */
export declare const WebhookService: GenService<{
    /**
     * CreateWebhookEndpoint checks the URL (https; no loopback, private or
     * link-local host unless the operator allows them) and returns the
     * signing secret, which is shown only here and by RotateWebhookSecret.
     *
     * @generated from rpc certsvc.v1.WebhookService.CreateWebhookEndpoint
     */
    createWebhookEndpoint: {
        methodKind: "unary";
        input: typeof CreateWebhookEndpointRequestSchema;
        output: typeof CreateWebhookEndpointResponseSchema;
    };
    /**
     * @generated from rpc certsvc.v1.WebhookService.ListWebhookEndpoints
     */
    listWebhookEndpoints: {
        methodKind: "unary";
        input: typeof ListWebhookEndpointsRequestSchema;
        output: typeof ListWebhookEndpointsResponseSchema;
    };
    /**
     * UpdateWebhookEndpoint changes the fields named in update_mask.
     *
     * @generated from rpc certsvc.v1.WebhookService.UpdateWebhookEndpoint
     */
    updateWebhookEndpoint: {
        methodKind: "unary";
        input: typeof UpdateWebhookEndpointRequestSchema;
        output: typeof UpdateWebhookEndpointResponseSchema;
    };
    /**
     * @generated from rpc certsvc.v1.WebhookService.DeleteWebhookEndpoint
     */
    deleteWebhookEndpoint: {
        methodKind: "unary";
        input: typeof DeleteWebhookEndpointRequestSchema;
        output: typeof DeleteWebhookEndpointResponseSchema;
    };
    /**
     * RotateWebhookSecret replaces the signing secret; the previous one keeps
     * signing beside the new one for a grace period (24 hours by default).
     *
     * @generated from rpc certsvc.v1.WebhookService.RotateWebhookSecret
     */
    rotateWebhookSecret: {
        methodKind: "unary";
        input: typeof RotateWebhookSecretRequestSchema;
        output: typeof RotateWebhookSecretResponseSchema;
    };
    /**
     * SendTestWebhook queues a notification of type "test" to the endpoint.
     *
     * @generated from rpc certsvc.v1.WebhookService.SendTestWebhook
     */
    sendTestWebhook: {
        methodKind: "unary";
        input: typeof SendTestWebhookRequestSchema;
        output: typeof SendTestWebhookResponseSchema;
    };
    /**
     * ListWebhookDeliveries is the endpoint's delivery log, newest first.
     *
     * @generated from rpc certsvc.v1.WebhookService.ListWebhookDeliveries
     */
    listWebhookDeliveries: {
        methodKind: "unary";
        input: typeof ListWebhookDeliveriesRequestSchema;
        output: typeof ListWebhookDeliveriesResponseSchema;
    };
    /**
     * RedeliverWebhook sends a delivery again now, whatever became of it.
     *
     * @generated from rpc certsvc.v1.WebhookService.RedeliverWebhook
     */
    redeliverWebhook: {
        methodKind: "unary";
        input: typeof RedeliverWebhookRequestSchema;
        output: typeof RedeliverWebhookResponseSchema;
    };
}>;
