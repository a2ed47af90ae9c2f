import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { Account, User } from "./account_pb";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/auth.proto.
 */
export declare const file_certsvc_v1_auth: GenFile;
/**
 * @generated from message certsvc.v1.LoginRequest
 */
export type LoginRequest = Message<"certsvc.v1.LoginRequest"> & {
    /**
     * @generated from field: string login = 1;
     */
    login: string;
    /**
     * @generated from oneof certsvc.v1.LoginRequest.credential
     */
    credential: {
        /**
         * @generated from field: string password = 2;
         */
        value: string;
        case: "password";
    } | {
        /**
         * key is a one-time login key from CreateLoginKey.
         *
         * @generated from field: string key = 3;
         */
        value: string;
        case: "key";
    } | {
        case: undefined;
        value?: undefined;
    };
};
/**
 * Describes the message certsvc.v1.LoginRequest.
 * Use `create(LoginRequestSchema)` to create a new message.
 */
export declare const LoginRequestSchema: GenMessage<LoginRequest>;
/**
 * @generated from message certsvc.v1.LoginResponse
 */
export type LoginResponse = Message<"certsvc.v1.LoginResponse"> & {
    /**
     * token goes in "Authorization: Bearer <token>".
     *
     * @generated from field: string token = 1;
     */
    token: string;
    /**
     * @generated from field: google.protobuf.Timestamp expire_time = 2;
     */
    expireTime?: Timestamp | undefined;
    /**
     * @generated from field: certsvc.v1.User user = 3;
     */
    user?: User | undefined;
};
/**
 * Describes the message certsvc.v1.LoginResponse.
 * Use `create(LoginResponseSchema)` to create a new message.
 */
export declare const LoginResponseSchema: GenMessage<LoginResponse>;
/**
 * @generated from message certsvc.v1.LogoutRequest
 */
export type LogoutRequest = Message<"certsvc.v1.LogoutRequest"> & {};
/**
 * Describes the message certsvc.v1.LogoutRequest.
 * Use `create(LogoutRequestSchema)` to create a new message.
 */
export declare const LogoutRequestSchema: GenMessage<LogoutRequest>;
/**
 * @generated from message certsvc.v1.LogoutResponse
 */
export type LogoutResponse = Message<"certsvc.v1.LogoutResponse"> & {};
/**
 * Describes the message certsvc.v1.LogoutResponse.
 * Use `create(LogoutResponseSchema)` to create a new message.
 */
export declare const LogoutResponseSchema: GenMessage<LogoutResponse>;
/**
 * @generated from message certsvc.v1.WhoAmIRequest
 */
export type WhoAmIRequest = Message<"certsvc.v1.WhoAmIRequest"> & {};
/**
 * Describes the message certsvc.v1.WhoAmIRequest.
 * Use `create(WhoAmIRequestSchema)` to create a new message.
 */
export declare const WhoAmIRequestSchema: GenMessage<WhoAmIRequest>;
/**
 * @generated from message certsvc.v1.WhoAmIResponse
 */
export type WhoAmIResponse = Message<"certsvc.v1.WhoAmIResponse"> & {
    /**
     * @generated from field: certsvc.v1.User user = 1;
     */
    user?: User | undefined;
    /**
     * account is the caller's account; unset for admins.
     *
     * @generated from field: certsvc.v1.Account account = 2;
     */
    account?: Account | undefined;
    /**
     * @generated from field: certsvc.v1.CredentialKind credential = 3;
     */
    credential: CredentialKind;
    /**
     * impersonator is the admin acting as user through a session Impersonate
     * opened; unset otherwise.
     *
     * @generated from field: certsvc.v1.Impersonator impersonator = 4;
     */
    impersonator?: Impersonator | undefined;
};
/**
 * Describes the message certsvc.v1.WhoAmIResponse.
 * Use `create(WhoAmIResponseSchema)` to create a new message.
 */
export declare const WhoAmIResponseSchema: GenMessage<WhoAmIResponse>;
/**
 * Impersonator names the admin behind an impersonation session.
 *
 * @generated from message certsvc.v1.Impersonator
 */
export type Impersonator = Message<"certsvc.v1.Impersonator"> & {
    /**
     * @generated from field: int64 user_id = 1;
     */
    userId: bigint;
    /**
     * @generated from field: string login = 2;
     */
    login: string;
};
/**
 * Describes the message certsvc.v1.Impersonator.
 * Use `create(ImpersonatorSchema)` to create a new message.
 */
export declare const ImpersonatorSchema: GenMessage<Impersonator>;
/**
 * @generated from message certsvc.v1.CreateLoginKeyRequest
 */
export type CreateLoginKeyRequest = Message<"certsvc.v1.CreateLoginKeyRequest"> & {
    /**
     * user_id names the user; give it or login.
     *
     * @generated from field: int64 user_id = 1;
     */
    userId: bigint;
    /**
     * login names the user by login instead of id (the legacy session.newkey
     * sends username=).
     *
     * @generated from field: string login = 2;
     */
    login: string;
    /**
     * key, when given, is the key to create (the legacy flow lets the caller
     * choose it): 16 to 256 printable characters without spaces. Otherwise one
     * is generated.
     *
     * @generated from field: string key = 3;
     */
    key: string;
};
/**
 * Describes the message certsvc.v1.CreateLoginKeyRequest.
 * Use `create(CreateLoginKeyRequestSchema)` to create a new message.
 */
export declare const CreateLoginKeyRequestSchema: GenMessage<CreateLoginKeyRequest>;
/**
 * @generated from message certsvc.v1.CreateLoginKeyResponse
 */
export type CreateLoginKeyResponse = Message<"certsvc.v1.CreateLoginKeyResponse"> & {
    /**
     * @generated from field: string key = 1;
     */
    key: string;
    /**
     * @generated from field: google.protobuf.Timestamp expire_time = 2;
     */
    expireTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.CreateLoginKeyResponse.
 * Use `create(CreateLoginKeyResponseSchema)` to create a new message.
 */
export declare const CreateLoginKeyResponseSchema: GenMessage<CreateLoginKeyResponse>;
/**
 * ApiKey is a long-lived credential of one user, for scripts.
 *
 * @generated from message certsvc.v1.ApiKey
 */
export type ApiKey = Message<"certsvc.v1.ApiKey"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 user_id = 2;
     */
    userId: bigint;
    /**
     * @generated from field: string name = 3;
     */
    name: string;
    /**
     * prefix is the first characters of the secret, to recognise a key.
     *
     * @generated from field: string prefix = 4;
     */
    prefix: string;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 5;
     */
    createTime?: Timestamp | undefined;
    /**
     * expire_time is unset for keys that do not expire.
     *
     * @generated from field: google.protobuf.Timestamp expire_time = 6;
     */
    expireTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp last_used_time = 7;
     */
    lastUsedTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.ApiKey.
 * Use `create(ApiKeySchema)` to create a new message.
 */
export declare const ApiKeySchema: GenMessage<ApiKey>;
/**
 * @generated from message certsvc.v1.CreateApiKeyRequest
 */
export type CreateApiKeyRequest = Message<"certsvc.v1.CreateApiKeyRequest"> & {
    /**
     * user_id is the key's owner; 0 means the caller. Only admins name others.
     *
     * @generated from field: int64 user_id = 1;
     */
    userId: bigint;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * expire_time, when set, must be in the future.
     *
     * @generated from field: google.protobuf.Timestamp expire_time = 3;
     */
    expireTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.CreateApiKeyRequest.
 * Use `create(CreateApiKeyRequestSchema)` to create a new message.
 */
export declare const CreateApiKeyRequestSchema: GenMessage<CreateApiKeyRequest>;
/**
 * @generated from message certsvc.v1.CreateApiKeyResponse
 */
export type CreateApiKeyResponse = Message<"certsvc.v1.CreateApiKeyResponse"> & {
    /**
     * @generated from field: certsvc.v1.ApiKey api_key = 1;
     */
    apiKey?: ApiKey | undefined;
    /**
     * secret is shown only here; use it as "Authorization: Bearer <secret>".
     *
     * @generated from field: string secret = 2;
     */
    secret: string;
};
/**
 * Describes the message certsvc.v1.CreateApiKeyResponse.
 * Use `create(CreateApiKeyResponseSchema)` to create a new message.
 */
export declare const CreateApiKeyResponseSchema: GenMessage<CreateApiKeyResponse>;
/**
 * @generated from message certsvc.v1.ListApiKeysRequest
 */
export type ListApiKeysRequest = Message<"certsvc.v1.ListApiKeysRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * user_id keeps one user's keys; 0 means the caller's (all keys, for admins).
     *
     * @generated from field: int64 user_id = 3;
     */
    userId: bigint;
};
/**
 * Describes the message certsvc.v1.ListApiKeysRequest.
 * Use `create(ListApiKeysRequestSchema)` to create a new message.
 */
export declare const ListApiKeysRequestSchema: GenMessage<ListApiKeysRequest>;
/**
 * @generated from message certsvc.v1.ListApiKeysResponse
 */
export type ListApiKeysResponse = Message<"certsvc.v1.ListApiKeysResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.ApiKey api_keys = 1;
     */
    apiKeys: ApiKey[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListApiKeysResponse.
 * Use `create(ListApiKeysResponseSchema)` to create a new message.
 */
export declare const ListApiKeysResponseSchema: GenMessage<ListApiKeysResponse>;
/**
 * @generated from message certsvc.v1.DeleteApiKeyRequest
 */
export type DeleteApiKeyRequest = Message<"certsvc.v1.DeleteApiKeyRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeleteApiKeyRequest.
 * Use `create(DeleteApiKeyRequestSchema)` to create a new message.
 */
export declare const DeleteApiKeyRequestSchema: GenMessage<DeleteApiKeyRequest>;
/**
 * @generated from message certsvc.v1.DeleteApiKeyResponse
 */
export type DeleteApiKeyResponse = Message<"certsvc.v1.DeleteApiKeyResponse"> & {};
/**
 * Describes the message certsvc.v1.DeleteApiKeyResponse.
 * Use `create(DeleteApiKeyResponseSchema)` to create a new message.
 */
export declare const DeleteApiKeyResponseSchema: GenMessage<DeleteApiKeyResponse>;
/**
 * @generated from message certsvc.v1.ImpersonateRequest
 */
export type ImpersonateRequest = Message<"certsvc.v1.ImpersonateRequest"> & {
    /**
     * @generated from field: int64 user_id = 1;
     */
    userId: bigint;
};
/**
 * Describes the message certsvc.v1.ImpersonateRequest.
 * Use `create(ImpersonateRequestSchema)` to create a new message.
 */
export declare const ImpersonateRequestSchema: GenMessage<ImpersonateRequest>;
/**
 * @generated from message certsvc.v1.ImpersonateResponse
 */
export type ImpersonateResponse = Message<"certsvc.v1.ImpersonateResponse"> & {
    /**
     * token goes in "Authorization: Bearer <token>" and acts as the user.
     *
     * @generated from field: string token = 1;
     */
    token: string;
    /**
     * @generated from field: google.protobuf.Timestamp expire_time = 2;
     */
    expireTime?: Timestamp | undefined;
    /**
     * @generated from field: certsvc.v1.User user = 3;
     */
    user?: User | undefined;
};
/**
 * Describes the message certsvc.v1.ImpersonateResponse.
 * Use `create(ImpersonateResponseSchema)` to create a new message.
 */
export declare const ImpersonateResponseSchema: GenMessage<ImpersonateResponse>;
/**
 * AuditEntry is one audited action.
 *
 * @generated from message certsvc.v1.AuditEntry
 */
export type AuditEntry = Message<"certsvc.v1.AuditEntry"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * actor_user_id is who acted: the admin behind a session Impersonate
     * opened (actor_login then names both); 0 for the operator's command line.
     *
     * @generated from field: int64 actor_user_id = 2;
     */
    actorUserId: bigint;
    /**
     * @generated from field: string actor_login = 3;
     */
    actorLogin: string;
    /**
     * action is e.g. "impersonate", "read_private_key".
     *
     * @generated from field: string action = 4;
     */
    action: string;
    /**
     * target names the object, e.g. "user/12" or "certificate/40".
     *
     * @generated from field: string target = 5;
     */
    target: string;
    /**
     * @generated from field: string detail = 6;
     */
    detail: string;
    /**
     * @generated from field: string client_address = 7;
     */
    clientAddress: string;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 8;
     */
    createTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.AuditEntry.
 * Use `create(AuditEntrySchema)` to create a new message.
 */
export declare const AuditEntrySchema: GenMessage<AuditEntry>;
/**
 * @generated from message certsvc.v1.ListAuditEntriesRequest
 */
export type ListAuditEntriesRequest = Message<"certsvc.v1.ListAuditEntriesRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * action keeps one kind of action.
     *
     * @generated from field: string action = 3;
     */
    action: string;
    /**
     * target keeps one object, e.g. "certificate/40".
     *
     * @generated from field: string target = 4;
     */
    target: string;
};
/**
 * Describes the message certsvc.v1.ListAuditEntriesRequest.
 * Use `create(ListAuditEntriesRequestSchema)` to create a new message.
 */
export declare const ListAuditEntriesRequestSchema: GenMessage<ListAuditEntriesRequest>;
/**
 * @generated from message certsvc.v1.ListAuditEntriesResponse
 */
export type ListAuditEntriesResponse = Message<"certsvc.v1.ListAuditEntriesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.AuditEntry entries = 1;
     */
    entries: AuditEntry[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListAuditEntriesResponse.
 * Use `create(ListAuditEntriesResponseSchema)` to create a new message.
 */
export declare const ListAuditEntriesResponseSchema: GenMessage<ListAuditEntriesResponse>;
/**
 * CredentialKind says how a caller proved who they are.
 *
 * @generated from enum certsvc.v1.CredentialKind
 */
export declare enum CredentialKind {
    /**
     * @generated from enum value: CREDENTIAL_KIND_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * @generated from enum value: CREDENTIAL_KIND_PASSWORD = 1;
     */
    PASSWORD = 1,
    /**
     * @generated from enum value: CREDENTIAL_KIND_SESSION = 2;
     */
    SESSION = 2,
    /**
     * @generated from enum value: CREDENTIAL_KIND_API_KEY = 3;
     */
    API_KEY = 3
}
/**
 * Describes the enum certsvc.v1.CredentialKind.
 */
export declare const CredentialKindSchema: GenEnum<CredentialKind>;
/**
 * AuthService turns credentials into sessions and manages API keys.
 *
 * Every RPC of certsvc accepts credentials in the Authorization header:
 * "Basic base64(login:password)" (what the legacy authinfo parameter maps to) or
 * "Bearer <token>", where the token is a session token from Login or an API key.
 *
 * @generated from service certsvc.v1.AuthService
 */
export declare const AuthService: GenService<{
    /**
     * Login exchanges a login and a password, or a one-time login key, for a
     * session token. Needs no credentials. Repeated failures from one address are
     * refused for a growing time with RESOURCE_EXHAUSTED.
     *
     * @generated from rpc certsvc.v1.AuthService.Login
     */
    login: {
        methodKind: "unary";
        input: typeof LoginRequestSchema;
        output: typeof LoginResponseSchema;
    };
    /**
     * Logout ends the session whose token the call carries.
     *
     * @generated from rpc certsvc.v1.AuthService.Logout
     */
    logout: {
        methodKind: "unary";
        input: typeof LogoutRequestSchema;
        output: typeof LogoutResponseSchema;
    };
    /**
     * WhoAmI returns the caller.
     *
     * @generated from rpc certsvc.v1.AuthService.WhoAmI
     */
    whoAmI: {
        methodKind: "unary";
        input: typeof WhoAmIRequestSchema;
        output: typeof WhoAmIResponseSchema;
    };
    /**
     * CreateLoginKey makes a single-use key with which a user can log in once
     * without a password (the legacy session.newkey flow). Admin only.
     *
     * @generated from rpc certsvc.v1.AuthService.CreateLoginKey
     */
    createLoginKey: {
        methodKind: "unary";
        input: typeof CreateLoginKeyRequestSchema;
        output: typeof CreateLoginKeyResponseSchema;
    };
    /**
     * CreateApiKey makes a long-lived key for scripts. The secret is returned
     * once and stored only as a hash.
     *
     * @generated from rpc certsvc.v1.AuthService.CreateApiKey
     */
    createApiKey: {
        methodKind: "unary";
        input: typeof CreateApiKeyRequestSchema;
        output: typeof CreateApiKeyResponseSchema;
    };
    /**
     * ListApiKeys lists API keys by ascending id, without their secrets.
     *
     * @generated from rpc certsvc.v1.AuthService.ListApiKeys
     */
    listApiKeys: {
        methodKind: "unary";
        input: typeof ListApiKeysRequestSchema;
        output: typeof ListApiKeysResponseSchema;
    };
    /**
     * DeleteApiKey revokes an API key at once.
     *
     * @generated from rpc certsvc.v1.AuthService.DeleteApiKey
     */
    deleteApiKey: {
        methodKind: "unary";
        input: typeof DeleteApiKeyRequestSchema;
        output: typeof DeleteApiKeyResponseSchema;
    };
    /**
     * Impersonate opens a session as another user, for an admin to see what
     * the user sees (legacy certificate.su, "drill down"). Admin only; the
     * session is marked as impersonated and the call is audited.
     *
     * @generated from rpc certsvc.v1.AuthService.Impersonate
     */
    impersonate: {
        methodKind: "unary";
        input: typeof ImpersonateRequestSchema;
        output: typeof ImpersonateResponseSchema;
    };
    /**
     * ListAuditEntries lists audited actions (impersonation, private key
     * reads, admin changes), newest first. Admin only.
     *
     * @generated from rpc certsvc.v1.AuthService.ListAuditEntries
     */
    listAuditEntries: {
        methodKind: "unary";
        input: typeof ListAuditEntriesRequestSchema;
        output: typeof ListAuditEntriesResponseSchema;
    };
}>;
