import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/account.proto.
 */
export declare const file_certsvc_v1_account: GenFile;
/**
 * Account is a customer: the owner of certificates and of a balance.
 *
 * @generated from message certsvc.v1.Account
 */
export type Account = Message<"certsvc.v1.Account"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * currency is the ISO 4217 code of the balance; it never changes.
     *
     * @generated from field: string currency = 3;
     */
    currency: string;
    /**
     * balance_minor is the balance in minor units (kopecks, cents). It always
     * equals the sum of the account's ledger entries.
     *
     * @generated from field: int64 balance_minor = 4;
     */
    balanceMinor: bigint;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 5;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp update_time = 6;
     */
    updateTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.Account.
 * Use `create(AccountSchema)` to create a new message.
 */
export declare const AccountSchema: GenMessage<Account>;
/**
 * User is a person or script that logs in.
 *
 * @generated from message certsvc.v1.User
 */
export type User = Message<"certsvc.v1.User"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * account_id is the account the user belongs to; 0 for admins.
     *
     * @generated from field: int64 account_id = 2;
     */
    accountId: bigint;
    /**
     * @generated from field: string login = 3;
     */
    login: string;
    /**
     * @generated from field: string name = 4;
     */
    name: string;
    /**
     * @generated from field: string email = 5;
     */
    email: string;
    /**
     * @generated from field: certsvc.v1.AccessLevel level = 6;
     */
    level: AccessLevel;
    /**
     * disabled users cannot log in; disabling ends their sessions and deletes
     * their API keys, which enabling them again does not bring back.
     *
     * @generated from field: bool disabled = 7;
     */
    disabled: boolean;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 8;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp update_time = 9;
     */
    updateTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp last_login_time = 10;
     */
    lastLoginTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.User.
 * Use `create(UserSchema)` to create a new message.
 */
export declare const UserSchema: GenMessage<User>;
/**
 * LedgerEntry is one immutable money movement on an account.
 *
 * @generated from message certsvc.v1.LedgerEntry
 */
export type LedgerEntry = Message<"certsvc.v1.LedgerEntry"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: int64 account_id = 2;
     */
    accountId: bigint;
    /**
     * @generated from field: certsvc.v1.LedgerEntryKind kind = 3;
     */
    kind: LedgerEntryKind;
    /**
     * amount_minor is positive for money in, negative for money out.
     *
     * @generated from field: int64 amount_minor = 4;
     */
    amountMinor: bigint;
    /**
     * @generated from field: string currency = 5;
     */
    currency: string;
    /**
     * balance_after_minor is the account's balance right after this entry.
     *
     * @generated from field: int64 balance_after_minor = 6;
     */
    balanceAfterMinor: bigint;
    /**
     * @generated from field: string description = 7;
     */
    description: string;
    /**
     * actor_user_id is the user whose request caused the entry; 0 for the system.
     *
     * @generated from field: int64 actor_user_id = 8;
     */
    actorUserId: bigint;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 9;
     */
    createTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.LedgerEntry.
 * Use `create(LedgerEntrySchema)` to create a new message.
 */
export declare const LedgerEntrySchema: GenMessage<LedgerEntry>;
/**
 * @generated from message certsvc.v1.CreateAccountRequest
 */
export type CreateAccountRequest = Message<"certsvc.v1.CreateAccountRequest"> & {
    /**
     * @generated from field: string name = 1;
     */
    name: string;
    /**
     * currency is an upper-case ISO 4217 code the service supports, e.g. RUB or USD.
     *
     * @generated from field: string currency = 2;
     */
    currency: string;
};
/**
 * Describes the message certsvc.v1.CreateAccountRequest.
 * Use `create(CreateAccountRequestSchema)` to create a new message.
 */
export declare const CreateAccountRequestSchema: GenMessage<CreateAccountRequest>;
/**
 * @generated from message certsvc.v1.CreateAccountResponse
 */
export type CreateAccountResponse = Message<"certsvc.v1.CreateAccountResponse"> & {
    /**
     * @generated from field: certsvc.v1.Account account = 1;
     */
    account?: Account | undefined;
};
/**
 * Describes the message certsvc.v1.CreateAccountResponse.
 * Use `create(CreateAccountResponseSchema)` to create a new message.
 */
export declare const CreateAccountResponseSchema: GenMessage<CreateAccountResponse>;
/**
 * @generated from message certsvc.v1.GetAccountRequest
 */
export type GetAccountRequest = Message<"certsvc.v1.GetAccountRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.GetAccountRequest.
 * Use `create(GetAccountRequestSchema)` to create a new message.
 */
export declare const GetAccountRequestSchema: GenMessage<GetAccountRequest>;
/**
 * @generated from message certsvc.v1.GetAccountResponse
 */
export type GetAccountResponse = Message<"certsvc.v1.GetAccountResponse"> & {
    /**
     * @generated from field: certsvc.v1.Account account = 1;
     */
    account?: Account | undefined;
};
/**
 * Describes the message certsvc.v1.GetAccountResponse.
 * Use `create(GetAccountResponseSchema)` to create a new message.
 */
export declare const GetAccountResponseSchema: GenMessage<GetAccountResponse>;
/**
 * @generated from message certsvc.v1.ListAccountsRequest
 */
export type ListAccountsRequest = Message<"certsvc.v1.ListAccountsRequest"> & {
    /**
     * page_size is at most 1000; 0 means 50.
     *
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * page_token is next_page_token of the previous page, with the same filters.
     *
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * name_contains keeps accounts whose name contains this text.
     *
     * @generated from field: string name_contains = 3;
     */
    nameContains: string;
};
/**
 * Describes the message certsvc.v1.ListAccountsRequest.
 * Use `create(ListAccountsRequestSchema)` to create a new message.
 */
export declare const ListAccountsRequestSchema: GenMessage<ListAccountsRequest>;
/**
 * @generated from message certsvc.v1.ListAccountsResponse
 */
export type ListAccountsResponse = Message<"certsvc.v1.ListAccountsResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.Account accounts = 1;
     */
    accounts: Account[];
    /**
     * next_page_token is empty on the last page.
     *
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListAccountsResponse.
 * Use `create(ListAccountsResponseSchema)` to create a new message.
 */
export declare const ListAccountsResponseSchema: GenMessage<ListAccountsResponse>;
/**
 * @generated from message certsvc.v1.UpdateAccountRequest
 */
export type UpdateAccountRequest = Message<"certsvc.v1.UpdateAccountRequest"> & {
    /**
     * account carries the id and the new values.
     *
     * @generated from field: certsvc.v1.Account account = 1;
     */
    account?: Account | undefined;
    /**
     * update_mask names the fields to change: "name".
     *
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateAccountRequest.
 * Use `create(UpdateAccountRequestSchema)` to create a new message.
 */
export declare const UpdateAccountRequestSchema: GenMessage<UpdateAccountRequest>;
/**
 * @generated from message certsvc.v1.UpdateAccountResponse
 */
export type UpdateAccountResponse = Message<"certsvc.v1.UpdateAccountResponse"> & {
    /**
     * @generated from field: certsvc.v1.Account account = 1;
     */
    account?: Account | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateAccountResponse.
 * Use `create(UpdateAccountResponseSchema)` to create a new message.
 */
export declare const UpdateAccountResponseSchema: GenMessage<UpdateAccountResponse>;
/**
 * @generated from message certsvc.v1.DeleteAccountRequest
 */
export type DeleteAccountRequest = Message<"certsvc.v1.DeleteAccountRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeleteAccountRequest.
 * Use `create(DeleteAccountRequestSchema)` to create a new message.
 */
export declare const DeleteAccountRequestSchema: GenMessage<DeleteAccountRequest>;
/**
 * @generated from message certsvc.v1.DeleteAccountResponse
 */
export type DeleteAccountResponse = Message<"certsvc.v1.DeleteAccountResponse"> & {};
/**
 * Describes the message certsvc.v1.DeleteAccountResponse.
 * Use `create(DeleteAccountResponseSchema)` to create a new message.
 */
export declare const DeleteAccountResponseSchema: GenMessage<DeleteAccountResponse>;
/**
 * @generated from message certsvc.v1.CreateUserRequest
 */
export type CreateUserRequest = Message<"certsvc.v1.CreateUserRequest"> & {
    /**
     * account_id is required for level USER and must be 0 for level ADMIN.
     *
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * login is unique; letters, digits and . _ @ + - (an e-mail address works).
     *
     * @generated from field: string login = 2;
     */
    login: string;
    /**
     * password is at least 8 characters.
     *
     * @generated from field: string password = 3;
     */
    password: string;
    /**
     * @generated from field: certsvc.v1.AccessLevel level = 4;
     */
    level: AccessLevel;
    /**
     * @generated from field: string name = 5;
     */
    name: string;
    /**
     * @generated from field: string email = 6;
     */
    email: string;
};
/**
 * Describes the message certsvc.v1.CreateUserRequest.
 * Use `create(CreateUserRequestSchema)` to create a new message.
 */
export declare const CreateUserRequestSchema: GenMessage<CreateUserRequest>;
/**
 * @generated from message certsvc.v1.CreateUserResponse
 */
export type CreateUserResponse = Message<"certsvc.v1.CreateUserResponse"> & {
    /**
     * @generated from field: certsvc.v1.User user = 1;
     */
    user?: User | undefined;
};
/**
 * Describes the message certsvc.v1.CreateUserResponse.
 * Use `create(CreateUserResponseSchema)` to create a new message.
 */
export declare const CreateUserResponseSchema: GenMessage<CreateUserResponse>;
/**
 * @generated from message certsvc.v1.GetUserRequest
 */
export type GetUserRequest = Message<"certsvc.v1.GetUserRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.GetUserRequest.
 * Use `create(GetUserRequestSchema)` to create a new message.
 */
export declare const GetUserRequestSchema: GenMessage<GetUserRequest>;
/**
 * @generated from message certsvc.v1.GetUserResponse
 */
export type GetUserResponse = Message<"certsvc.v1.GetUserResponse"> & {
    /**
     * @generated from field: certsvc.v1.User user = 1;
     */
    user?: User | undefined;
};
/**
 * Describes the message certsvc.v1.GetUserResponse.
 * Use `create(GetUserResponseSchema)` to create a new message.
 */
export declare const GetUserResponseSchema: GenMessage<GetUserResponse>;
/**
 * @generated from message certsvc.v1.ListUsersRequest
 */
export type ListUsersRequest = Message<"certsvc.v1.ListUsersRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * account_id keeps the users of one account; 0 means all the caller may see.
     *
     * @generated from field: int64 account_id = 3;
     */
    accountId: bigint;
};
/**
 * Describes the message certsvc.v1.ListUsersRequest.
 * Use `create(ListUsersRequestSchema)` to create a new message.
 */
export declare const ListUsersRequestSchema: GenMessage<ListUsersRequest>;
/**
 * @generated from message certsvc.v1.ListUsersResponse
 */
export type ListUsersResponse = Message<"certsvc.v1.ListUsersResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.User users = 1;
     */
    users: User[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListUsersResponse.
 * Use `create(ListUsersResponseSchema)` to create a new message.
 */
export declare const ListUsersResponseSchema: GenMessage<ListUsersResponse>;
/**
 * @generated from message certsvc.v1.UpdateUserRequest
 */
export type UpdateUserRequest = Message<"certsvc.v1.UpdateUserRequest"> & {
    /**
     * user carries the id and the new values.
     *
     * @generated from field: certsvc.v1.User user = 1;
     */
    user?: User | undefined;
    /**
     * update_mask names the fields to change: "name", "email", "disabled".
     * A user's level and account never change: create another user instead.
     *
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateUserRequest.
 * Use `create(UpdateUserRequestSchema)` to create a new message.
 */
export declare const UpdateUserRequestSchema: GenMessage<UpdateUserRequest>;
/**
 * @generated from message certsvc.v1.UpdateUserResponse
 */
export type UpdateUserResponse = Message<"certsvc.v1.UpdateUserResponse"> & {
    /**
     * @generated from field: certsvc.v1.User user = 1;
     */
    user?: User | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateUserResponse.
 * Use `create(UpdateUserResponseSchema)` to create a new message.
 */
export declare const UpdateUserResponseSchema: GenMessage<UpdateUserResponse>;
/**
 * @generated from message certsvc.v1.SetUserPasswordRequest
 */
export type SetUserPasswordRequest = Message<"certsvc.v1.SetUserPasswordRequest"> & {
    /**
     * @generated from field: int64 user_id = 1;
     */
    userId: bigint;
    /**
     * @generated from field: string password = 2;
     */
    password: string;
    /**
     * current_password is required when users change their own password.
     *
     * @generated from field: string current_password = 3;
     */
    currentPassword: string;
};
/**
 * Describes the message certsvc.v1.SetUserPasswordRequest.
 * Use `create(SetUserPasswordRequestSchema)` to create a new message.
 */
export declare const SetUserPasswordRequestSchema: GenMessage<SetUserPasswordRequest>;
/**
 * @generated from message certsvc.v1.SetUserPasswordResponse
 */
export type SetUserPasswordResponse = Message<"certsvc.v1.SetUserPasswordResponse"> & {};
/**
 * Describes the message certsvc.v1.SetUserPasswordResponse.
 * Use `create(SetUserPasswordResponseSchema)` to create a new message.
 */
export declare const SetUserPasswordResponseSchema: GenMessage<SetUserPasswordResponse>;
/**
 * @generated from message certsvc.v1.DeleteUserRequest
 */
export type DeleteUserRequest = Message<"certsvc.v1.DeleteUserRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeleteUserRequest.
 * Use `create(DeleteUserRequestSchema)` to create a new message.
 */
export declare const DeleteUserRequestSchema: GenMessage<DeleteUserRequest>;
/**
 * @generated from message certsvc.v1.DeleteUserResponse
 */
export type DeleteUserResponse = Message<"certsvc.v1.DeleteUserResponse"> & {};
/**
 * Describes the message certsvc.v1.DeleteUserResponse.
 * Use `create(DeleteUserResponseSchema)` to create a new message.
 */
export declare const DeleteUserResponseSchema: GenMessage<DeleteUserResponse>;
/**
 * @generated from message certsvc.v1.DepositRequest
 */
export type DepositRequest = Message<"certsvc.v1.DepositRequest"> & {
    /**
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * amount_minor is the amount in minor units; positive.
     *
     * @generated from field: int64 amount_minor = 2;
     */
    amountMinor: bigint;
    /**
     * currency, when given, must equal the account's currency: a guard against
     * paying dollars into a rouble account.
     *
     * @generated from field: string currency = 3;
     */
    currency: string;
    /**
     * @generated from field: string description = 4;
     */
    description: string;
    /**
     * idempotency_key makes retries safe: a second request with the same key on
     * the same account returns the first entry and moves no money.
     *
     * @generated from field: string idempotency_key = 5;
     */
    idempotencyKey: string;
};
/**
 * Describes the message certsvc.v1.DepositRequest.
 * Use `create(DepositRequestSchema)` to create a new message.
 */
export declare const DepositRequestSchema: GenMessage<DepositRequest>;
/**
 * @generated from message certsvc.v1.DepositResponse
 */
export type DepositResponse = Message<"certsvc.v1.DepositResponse"> & {
    /**
     * @generated from field: certsvc.v1.LedgerEntry entry = 1;
     */
    entry?: LedgerEntry | undefined;
    /**
     * @generated from field: certsvc.v1.Account account = 2;
     */
    account?: Account | undefined;
};
/**
 * Describes the message certsvc.v1.DepositResponse.
 * Use `create(DepositResponseSchema)` to create a new message.
 */
export declare const DepositResponseSchema: GenMessage<DepositResponse>;
/**
 * @generated from message certsvc.v1.AdjustBalanceRequest
 */
export type AdjustBalanceRequest = Message<"certsvc.v1.AdjustBalanceRequest"> & {
    /**
     * @generated from field: int64 account_id = 1;
     */
    accountId: bigint;
    /**
     * amount_minor is added to the balance; negative to take money away; not 0.
     *
     * @generated from field: int64 amount_minor = 2;
     */
    amountMinor: bigint;
    /**
     * @generated from field: string currency = 3;
     */
    currency: string;
    /**
     * reason is recorded in the ledger entry's description.
     *
     * @generated from field: string reason = 4;
     */
    reason: string;
    /**
     * @generated from field: string idempotency_key = 5;
     */
    idempotencyKey: string;
};
/**
 * Describes the message certsvc.v1.AdjustBalanceRequest.
 * Use `create(AdjustBalanceRequestSchema)` to create a new message.
 */
export declare const AdjustBalanceRequestSchema: GenMessage<AdjustBalanceRequest>;
/**
 * @generated from message certsvc.v1.AdjustBalanceResponse
 */
export type AdjustBalanceResponse = Message<"certsvc.v1.AdjustBalanceResponse"> & {
    /**
     * @generated from field: certsvc.v1.LedgerEntry entry = 1;
     */
    entry?: LedgerEntry | undefined;
    /**
     * @generated from field: certsvc.v1.Account account = 2;
     */
    account?: Account | undefined;
};
/**
 * Describes the message certsvc.v1.AdjustBalanceResponse.
 * Use `create(AdjustBalanceResponseSchema)` to create a new message.
 */
export declare const AdjustBalanceResponseSchema: GenMessage<AdjustBalanceResponse>;
/**
 * @generated from message certsvc.v1.ListLedgerEntriesRequest
 */
export type ListLedgerEntriesRequest = Message<"certsvc.v1.ListLedgerEntriesRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * account_id keeps one account's entries; 0 means all the caller may see.
     *
     * @generated from field: int64 account_id = 3;
     */
    accountId: bigint;
    /**
     * start_time keeps entries created at or after it.
     *
     * @generated from field: google.protobuf.Timestamp start_time = 4;
     */
    startTime?: Timestamp | undefined;
    /**
     * end_time keeps entries created before it.
     *
     * @generated from field: google.protobuf.Timestamp end_time = 5;
     */
    endTime?: Timestamp | undefined;
    /**
     * kinds keeps entries of these kinds; empty means all.
     *
     * @generated from field: repeated certsvc.v1.LedgerEntryKind kinds = 6;
     */
    kinds: LedgerEntryKind[];
};
/**
 * Describes the message certsvc.v1.ListLedgerEntriesRequest.
 * Use `create(ListLedgerEntriesRequestSchema)` to create a new message.
 */
export declare const ListLedgerEntriesRequestSchema: GenMessage<ListLedgerEntriesRequest>;
/**
 * @generated from message certsvc.v1.ListLedgerEntriesResponse
 */
export type ListLedgerEntriesResponse = Message<"certsvc.v1.ListLedgerEntriesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.LedgerEntry entries = 1;
     */
    entries: LedgerEntry[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListLedgerEntriesResponse.
 * Use `create(ListLedgerEntriesResponseSchema)` to create a new message.
 */
export declare const ListLedgerEntriesResponseSchema: GenMessage<ListLedgerEntriesResponse>;
/**
 * AccessLevel is what a user may do.
 *
 * @generated from enum certsvc.v1.AccessLevel
 */
export declare enum AccessLevel {
    /**
     * @generated from enum value: ACCESS_LEVEL_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * ACCESS_LEVEL_ADMIN is the hoster's staff: every object, every operation.
     *
     * @generated from enum value: ACCESS_LEVEL_ADMIN = 1;
     */
    ADMIN = 1,
    /**
     * ACCESS_LEVEL_USER is a customer: the objects of their own account.
     *
     * @generated from enum value: ACCESS_LEVEL_USER = 2;
     */
    USER = 2
}
/**
 * Describes the enum certsvc.v1.AccessLevel.
 */
export declare const AccessLevelSchema: GenEnum<AccessLevel>;
/**
 * LedgerEntryKind says why money moved.
 *
 * @generated from enum certsvc.v1.LedgerEntryKind
 */
export declare enum LedgerEntryKind {
    /**
     * @generated from enum value: LEDGER_ENTRY_KIND_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * LEDGER_ENTRY_KIND_DEPOSIT is money paid in.
     *
     * @generated from enum value: LEDGER_ENTRY_KIND_DEPOSIT = 1;
     */
    DEPOSIT = 1,
    /**
     * LEDGER_ENTRY_KIND_ADJUSTMENT is a manual correction by an admin.
     *
     * @generated from enum value: LEDGER_ENTRY_KIND_ADJUSTMENT = 2;
     */
    ADJUSTMENT = 2,
    /**
     * LEDGER_ENTRY_KIND_CHARGE is money taken for an order or a renewal.
     *
     * @generated from enum value: LEDGER_ENTRY_KIND_CHARGE = 3;
     */
    CHARGE = 3,
    /**
     * LEDGER_ENTRY_KIND_REFUND is money returned for a cancelled order.
     *
     * @generated from enum value: LEDGER_ENTRY_KIND_REFUND = 4;
     */
    REFUND = 4
}
/**
 * Describes the enum certsvc.v1.LedgerEntryKind.
 */
export declare const LedgerEntryKindSchema: GenEnum<LedgerEntryKind>;
/**
 * AccountService manages customers (accounts), their users and their money.
 *
 * Admins see and change everything. A user sees their own account, the users of
 * that account and its ledger, and may change their own name, e-mail and password.
 *
 * @generated from service certsvc.v1.AccountService
 */
export declare const AccountService: GenService<{
    /**
     * CreateAccount creates a customer account with a zero balance. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.CreateAccount
     */
    createAccount: {
        methodKind: "unary";
        input: typeof CreateAccountRequestSchema;
        output: typeof CreateAccountResponseSchema;
    };
    /**
     * GetAccount returns one account.
     *
     * @generated from rpc certsvc.v1.AccountService.GetAccount
     */
    getAccount: {
        methodKind: "unary";
        input: typeof GetAccountRequestSchema;
        output: typeof GetAccountResponseSchema;
    };
    /**
     * ListAccounts lists accounts by ascending id. A user sees only their own.
     *
     * @generated from rpc certsvc.v1.AccountService.ListAccounts
     */
    listAccounts: {
        methodKind: "unary";
        input: typeof ListAccountsRequestSchema;
        output: typeof ListAccountsResponseSchema;
    };
    /**
     * UpdateAccount changes the fields named in update_mask. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.UpdateAccount
     */
    updateAccount: {
        methodKind: "unary";
        input: typeof UpdateAccountRequestSchema;
        output: typeof UpdateAccountResponseSchema;
    };
    /**
     * DeleteAccount deletes an account that has no users and no ledger entries.
     * An account with history cannot be deleted: money records are kept. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.DeleteAccount
     */
    deleteAccount: {
        methodKind: "unary";
        input: typeof DeleteAccountRequestSchema;
        output: typeof DeleteAccountResponseSchema;
    };
    /**
     * CreateUser creates a user. A user of level USER belongs to exactly one
     * account; an ADMIN belongs to none. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.CreateUser
     */
    createUser: {
        methodKind: "unary";
        input: typeof CreateUserRequestSchema;
        output: typeof CreateUserResponseSchema;
    };
    /**
     * GetUser returns one user.
     *
     * @generated from rpc certsvc.v1.AccountService.GetUser
     */
    getUser: {
        methodKind: "unary";
        input: typeof GetUserRequestSchema;
        output: typeof GetUserResponseSchema;
    };
    /**
     * ListUsers lists users by ascending id. A user sees the users of their own account.
     *
     * @generated from rpc certsvc.v1.AccountService.ListUsers
     */
    listUsers: {
        methodKind: "unary";
        input: typeof ListUsersRequestSchema;
        output: typeof ListUsersResponseSchema;
    };
    /**
     * UpdateUser changes the fields named in update_mask. A user may change
     * their own name and email; level and disabled are for admins.
     *
     * @generated from rpc certsvc.v1.AccountService.UpdateUser
     */
    updateUser: {
        methodKind: "unary";
        input: typeof UpdateUserRequestSchema;
        output: typeof UpdateUserResponseSchema;
    };
    /**
     * SetUserPassword sets a user's password, ends all their sessions and
     * deletes all their API keys (create new ones after the change). A user
     * changing their own password must give the current one; an admin need not.
     *
     * @generated from rpc certsvc.v1.AccountService.SetUserPassword
     */
    setUserPassword: {
        methodKind: "unary";
        input: typeof SetUserPasswordRequestSchema;
        output: typeof SetUserPasswordResponseSchema;
    };
    /**
     * DeleteUser deletes a user and ends their sessions and API keys. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.DeleteUser
     */
    deleteUser: {
        methodKind: "unary";
        input: typeof DeleteUserRequestSchema;
        output: typeof DeleteUserResponseSchema;
    };
    /**
     * Deposit adds money to an account's balance and records it in the ledger,
     * in one transaction. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.Deposit
     */
    deposit: {
        methodKind: "unary";
        input: typeof DepositRequestSchema;
        output: typeof DepositResponseSchema;
    };
    /**
     * AdjustBalance corrects a balance up or down with a stated reason. The
     * balance may not go below zero. Admin only.
     *
     * @generated from rpc certsvc.v1.AccountService.AdjustBalance
     */
    adjustBalance: {
        methodKind: "unary";
        input: typeof AdjustBalanceRequestSchema;
        output: typeof AdjustBalanceResponseSchema;
    };
    /**
     * ListLedgerEntries lists money movements, newest first. The ledger is
     * append-only: entries are never changed or deleted.
     *
     * @generated from rpc certsvc.v1.AccountService.ListLedgerEntries
     */
    listLedgerEntries: {
        methodKind: "unary";
        input: typeof ListLedgerEntriesRequestSchema;
        output: typeof ListLedgerEntriesResponseSchema;
    };
}>;
