import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { Duration, FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/module.proto.
 */
export declare const file_certsvc_v1_module: GenFile;
/**
 * ModulePlan links a plan to a module, with the CA's product code for it.
 *
 * @generated from message certsvc.v1.ModulePlan
 */
export type ModulePlan = Message<"certsvc.v1.ModulePlan"> & {
    /**
     * @generated from field: int64 plan_id = 1;
     */
    planId: bigint;
    /**
     * product_code is the CA's product; empty uses the plan id.
     *
     * @generated from field: string product_code = 2;
     */
    productCode: string;
};
/**
 * Describes the message certsvc.v1.ModulePlan.
 * Use `create(ModulePlanSchema)` to create a new message.
 */
export declare const ModulePlanSchema: GenMessage<ModulePlan>;
/**
 * ProcessingModule is one configured integration.
 *
 * @generated from message certsvc.v1.ProcessingModule
 */
export type ProcessingModule = Message<"certsvc.v1.ProcessingModule"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * @generated from field: certsvc.v1.ModuleKind kind = 3;
     */
    kind: ModuleKind;
    /**
     * priority orders modules serving the same plan: lowest first.
     *
     * @generated from field: int32 priority = 4;
     */
    priority: number;
    /**
     * min_balance_minor refuses new orders while the balance at the CA is
     * below it; 0 for no minimum.
     *
     * @generated from field: int64 min_balance_minor = 5;
     */
    minBalanceMinor: bigint;
    /**
     * @generated from field: bool enabled = 6;
     */
    enabled: boolean;
    /**
     * all_plans serves every plan, with the plan id as product code.
     *
     * @generated from field: bool all_plans = 7;
     */
    allPlans: boolean;
    /**
     * @generated from field: repeated certsvc.v1.ModulePlan plans = 8;
     */
    plans: ModulePlan[];
    /**
     * settings are the module's non-secret settings, e.g. "url", "auto_approve".
     *
     * @generated from field: map<string, string> settings = 9;
     */
    settings: {
        [key: string]: string;
    };
    /**
     * credentials are written, never read: on input the secrets to store,
     * on output always empty (see credential_keys).
     *
     * @generated from field: map<string, string> credentials = 10;
     */
    credentials: {
        [key: string]: string;
    };
    /**
     * credential_keys names the credentials that are set. Output only.
     *
     * @generated from field: repeated string credential_keys = 11;
     */
    credentialKeys: string[];
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 12;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp update_time = 13;
     */
    updateTime?: Timestamp | undefined;
    /**
     * debug_log keeps the bodies of the calls to the CA in the call log;
     * it takes effect at once.
     *
     * @generated from field: bool debug_log = 14;
     */
    debugLog: boolean;
    /**
     * max_concurrent_calls bounds the calls to the CA in flight per replica;
     * 0 for the default (8).
     *
     * @generated from field: int32 max_concurrent_calls = 15;
     */
    maxConcurrentCalls: number;
    /**
     * balance is the money left at the CA as last read at balance_time.
     * Output only; unset for CAs without a balance.
     *
     * @generated from field: certsvc.v1.Money balance = 16;
     */
    balance?: Money | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp balance_time = 17;
     */
    balanceTime?: Timestamp | undefined;
    /**
     * unavailable_until is set while this replica's circuit breaker keeps
     * calls away from the CA after repeated failures. Output only.
     *
     * @generated from field: google.protobuf.Timestamp unavailable_until = 18;
     */
    unavailableUntil?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.ProcessingModule.
 * Use `create(ProcessingModuleSchema)` to create a new message.
 */
export declare const ProcessingModuleSchema: GenMessage<ProcessingModule>;
/**
 * Money is an amount in minor units of a currency.
 *
 * @generated from message certsvc.v1.Money
 */
export type Money = Message<"certsvc.v1.Money"> & {
    /**
     * @generated from field: string currency = 1;
     */
    currency: string;
    /**
     * @generated from field: int64 amount_minor = 2;
     */
    amountMinor: bigint;
};
/**
 * Describes the message certsvc.v1.Money.
 * Use `create(MoneySchema)` to create a new message.
 */
export declare const MoneySchema: GenMessage<Money>;
/**
 * @generated from message certsvc.v1.ListProcessingModulesRequest
 */
export type ListProcessingModulesRequest = Message<"certsvc.v1.ListProcessingModulesRequest"> & {};
/**
 * Describes the message certsvc.v1.ListProcessingModulesRequest.
 * Use `create(ListProcessingModulesRequestSchema)` to create a new message.
 */
export declare const ListProcessingModulesRequestSchema: GenMessage<ListProcessingModulesRequest>;
/**
 * @generated from message certsvc.v1.ListProcessingModulesResponse
 */
export type ListProcessingModulesResponse = Message<"certsvc.v1.ListProcessingModulesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.ProcessingModule modules = 1;
     */
    modules: ProcessingModule[];
};
/**
 * Describes the message certsvc.v1.ListProcessingModulesResponse.
 * Use `create(ListProcessingModulesResponseSchema)` to create a new message.
 */
export declare const ListProcessingModulesResponseSchema: GenMessage<ListProcessingModulesResponse>;
/**
 * @generated from message certsvc.v1.GetProcessingModuleRequest
 */
export type GetProcessingModuleRequest = Message<"certsvc.v1.GetProcessingModuleRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.GetProcessingModuleRequest.
 * Use `create(GetProcessingModuleRequestSchema)` to create a new message.
 */
export declare const GetProcessingModuleRequestSchema: GenMessage<GetProcessingModuleRequest>;
/**
 * @generated from message certsvc.v1.GetProcessingModuleResponse
 */
export type GetProcessingModuleResponse = Message<"certsvc.v1.GetProcessingModuleResponse"> & {
    /**
     * @generated from field: certsvc.v1.ProcessingModule module = 1;
     */
    module?: ProcessingModule | undefined;
};
/**
 * Describes the message certsvc.v1.GetProcessingModuleResponse.
 * Use `create(GetProcessingModuleResponseSchema)` to create a new message.
 */
export declare const GetProcessingModuleResponseSchema: GenMessage<GetProcessingModuleResponse>;
/**
 * @generated from message certsvc.v1.CreateProcessingModuleRequest
 */
export type CreateProcessingModuleRequest = Message<"certsvc.v1.CreateProcessingModuleRequest"> & {
    /**
     * @generated from field: certsvc.v1.ProcessingModule module = 1;
     */
    module?: ProcessingModule | undefined;
};
/**
 * Describes the message certsvc.v1.CreateProcessingModuleRequest.
 * Use `create(CreateProcessingModuleRequestSchema)` to create a new message.
 */
export declare const CreateProcessingModuleRequestSchema: GenMessage<CreateProcessingModuleRequest>;
/**
 * @generated from message certsvc.v1.CreateProcessingModuleResponse
 */
export type CreateProcessingModuleResponse = Message<"certsvc.v1.CreateProcessingModuleResponse"> & {
    /**
     * @generated from field: certsvc.v1.ProcessingModule module = 1;
     */
    module?: ProcessingModule | undefined;
};
/**
 * Describes the message certsvc.v1.CreateProcessingModuleResponse.
 * Use `create(CreateProcessingModuleResponseSchema)` to create a new message.
 */
export declare const CreateProcessingModuleResponseSchema: GenMessage<CreateProcessingModuleResponse>;
/**
 * @generated from message certsvc.v1.UpdateProcessingModuleRequest
 */
export type UpdateProcessingModuleRequest = Message<"certsvc.v1.UpdateProcessingModuleRequest"> & {
    /**
     * @generated from field: certsvc.v1.ProcessingModule module = 1;
     */
    module?: ProcessingModule | undefined;
    /**
     * update_mask names the fields: "name", "priority", "min_balance_minor",
     * "enabled", "all_plans", "plans", "settings" and "credentials" (each
     * replaces the whole map), "debug_log", "max_concurrent_calls".
     *
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateProcessingModuleRequest.
 * Use `create(UpdateProcessingModuleRequestSchema)` to create a new message.
 */
export declare const UpdateProcessingModuleRequestSchema: GenMessage<UpdateProcessingModuleRequest>;
/**
 * @generated from message certsvc.v1.UpdateProcessingModuleResponse
 */
export type UpdateProcessingModuleResponse = Message<"certsvc.v1.UpdateProcessingModuleResponse"> & {
    /**
     * @generated from field: certsvc.v1.ProcessingModule module = 1;
     */
    module?: ProcessingModule | undefined;
};
/**
 * Describes the message certsvc.v1.UpdateProcessingModuleResponse.
 * Use `create(UpdateProcessingModuleResponseSchema)` to create a new message.
 */
export declare const UpdateProcessingModuleResponseSchema: GenMessage<UpdateProcessingModuleResponse>;
/**
 * @generated from message certsvc.v1.DeleteProcessingModuleRequest
 */
export type DeleteProcessingModuleRequest = Message<"certsvc.v1.DeleteProcessingModuleRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeleteProcessingModuleRequest.
 * Use `create(DeleteProcessingModuleRequestSchema)` to create a new message.
 */
export declare const DeleteProcessingModuleRequestSchema: GenMessage<DeleteProcessingModuleRequest>;
/**
 * @generated from message certsvc.v1.DeleteProcessingModuleResponse
 */
export type DeleteProcessingModuleResponse = Message<"certsvc.v1.DeleteProcessingModuleResponse"> & {};
/**
 * Describes the message certsvc.v1.DeleteProcessingModuleResponse.
 * Use `create(DeleteProcessingModuleResponseSchema)` to create a new message.
 */
export declare const DeleteProcessingModuleResponseSchema: GenMessage<DeleteProcessingModuleResponse>;
/**
 * @generated from message certsvc.v1.RefreshModuleBalanceRequest
 */
export type RefreshModuleBalanceRequest = Message<"certsvc.v1.RefreshModuleBalanceRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.RefreshModuleBalanceRequest.
 * Use `create(RefreshModuleBalanceRequestSchema)` to create a new message.
 */
export declare const RefreshModuleBalanceRequestSchema: GenMessage<RefreshModuleBalanceRequest>;
/**
 * @generated from message certsvc.v1.RefreshModuleBalanceResponse
 */
export type RefreshModuleBalanceResponse = Message<"certsvc.v1.RefreshModuleBalanceResponse"> & {
    /**
     * @generated from field: certsvc.v1.ProcessingModule module = 1;
     */
    module?: ProcessingModule | undefined;
};
/**
 * Describes the message certsvc.v1.RefreshModuleBalanceResponse.
 * Use `create(RefreshModuleBalanceResponseSchema)` to create a new message.
 */
export declare const RefreshModuleBalanceResponseSchema: GenMessage<RefreshModuleBalanceResponse>;
/**
 * @generated from message certsvc.v1.ListModuleProductsRequest
 */
export type ListModuleProductsRequest = Message<"certsvc.v1.ListModuleProductsRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.ListModuleProductsRequest.
 * Use `create(ListModuleProductsRequestSchema)` to create a new message.
 */
export declare const ListModuleProductsRequestSchema: GenMessage<ListModuleProductsRequest>;
/**
 * ModuleProduct is a product the CA sells.
 *
 * @generated from message certsvc.v1.ModuleProduct
 */
export type ModuleProduct = Message<"certsvc.v1.ModuleProduct"> & {
    /**
     * @generated from field: string code = 1;
     */
    code: string;
    /**
     * @generated from field: string name = 2;
     */
    name: string;
    /**
     * @generated from field: string brand = 3;
     */
    brand: string;
    /**
     * validation is dv, ov or ev.
     *
     * @generated from field: string validation = 4;
     */
    validation: string;
    /**
     * @generated from field: bool wildcard = 5;
     */
    wildcard: boolean;
    /**
     * @generated from field: int32 included_names = 6;
     */
    includedNames: number;
    /**
     * @generated from field: int32 max_names = 7;
     */
    maxNames: number;
    /**
     * @generated from field: repeated int32 period_months = 8;
     */
    periodMonths: number[];
    /**
     * @generated from field: repeated certsvc.v1.Money prices = 9;
     */
    prices: Money[];
};
/**
 * Describes the message certsvc.v1.ModuleProduct.
 * Use `create(ModuleProductSchema)` to create a new message.
 */
export declare const ModuleProductSchema: GenMessage<ModuleProduct>;
/**
 * @generated from message certsvc.v1.ListModuleProductsResponse
 */
export type ListModuleProductsResponse = Message<"certsvc.v1.ListModuleProductsResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.ModuleProduct products = 1;
     */
    products: ModuleProduct[];
};
/**
 * Describes the message certsvc.v1.ListModuleProductsResponse.
 * Use `create(ListModuleProductsResponseSchema)` to create a new message.
 */
export declare const ListModuleProductsResponseSchema: GenMessage<ListModuleProductsResponse>;
/**
 * @generated from message certsvc.v1.ListModuleCallsRequest
 */
export type ListModuleCallsRequest = Message<"certsvc.v1.ListModuleCallsRequest"> & {
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
 * Describes the message certsvc.v1.ListModuleCallsRequest.
 * Use `create(ListModuleCallsRequestSchema)` to create a new message.
 */
export declare const ListModuleCallsRequestSchema: GenMessage<ListModuleCallsRequest>;
/**
 * ModuleCall is one call to a CA.
 *
 * @generated from message certsvc.v1.ModuleCall
 */
export type ModuleCall = Message<"certsvc.v1.ModuleCall"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 2;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: string method = 3;
     */
    method: string;
    /**
     * @generated from field: string url = 4;
     */
    url: string;
    /**
     * status is the HTTP status; 0 when no answer came.
     *
     * @generated from field: int32 status = 5;
     */
    status: number;
    /**
     * @generated from field: google.protobuf.Duration duration = 6;
     */
    duration?: Duration | undefined;
    /**
     * @generated from field: string error = 7;
     */
    error: string;
    /**
     * request and response are the bodies, while debug_log was on.
     *
     * @generated from field: string request = 8;
     */
    request: string;
    /**
     * @generated from field: string response = 9;
     */
    response: string;
};
/**
 * Describes the message certsvc.v1.ModuleCall.
 * Use `create(ModuleCallSchema)` to create a new message.
 */
export declare const ModuleCallSchema: GenMessage<ModuleCall>;
/**
 * @generated from message certsvc.v1.ListModuleCallsResponse
 */
export type ListModuleCallsResponse = Message<"certsvc.v1.ListModuleCallsResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.ModuleCall calls = 1;
     */
    calls: ModuleCall[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListModuleCallsResponse.
 * Use `create(ListModuleCallsResponseSchema)` to create a new message.
 */
export declare const ListModuleCallsResponseSchema: GenMessage<ListModuleCallsResponse>;
/**
 * ModuleKind is the kind of certificate authority integration.
 *
 * @generated from enum certsvc.v1.ModuleKind
 */
export declare enum ModuleKind {
    /**
     * @generated from enum value: MODULE_KIND_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * MODULE_KIND_MANUAL orders are completed by an admin with ActivateCertificate.
     *
     * @generated from enum value: MODULE_KIND_MANUAL = 1;
     */
    MANUAL = 1,
    /**
     * MODULE_KIND_LOCAL_CA is the built-in issuing CA. Setting
     * "auto_approve" = "true" skips the admin's ConfirmValidation step.
     *
     * @generated from enum value: MODULE_KIND_LOCAL_CA = 2;
     */
    LOCAL_CA = 2,
    /**
     * MODULE_KIND_BILLMANAGER resells through an upstream BILLmanager-compatible billing.
     *
     * @generated from enum value: MODULE_KIND_BILLMANAGER = 3;
     */
    BILLMANAGER = 3,
    /**
     * MODULE_KIND_THESSLSTORE is The SSL Store's REST API.
     *
     * @generated from enum value: MODULE_KIND_THESSLSTORE = 4;
     */
    THESSLSTORE = 4,
    /**
     * MODULE_KIND_ACME is an RFC 8555 CA such as Let's Encrypt.
     *
     * @generated from enum value: MODULE_KIND_ACME = 5;
     */
    ACME = 5
}
/**
 * Describes the enum certsvc.v1.ModuleKind.
 */
export declare const ModuleKindSchema: GenEnum<ModuleKind>;
/**
 * ProcessingModuleService manages the integrations with certificate
 * authorities ("processing modules"). Admin only.
 *
 * An order goes to the enabled module serving its plan with the lowest
 * priority number. Credentials are encrypted at rest and never returned:
 * responses name the credential keys that are set, not their values.
 *
 * @generated from service certsvc.v1.ProcessingModuleService
 */
export declare const ProcessingModuleService: GenService<{
    /**
     * @generated from rpc certsvc.v1.ProcessingModuleService.ListProcessingModules
     */
    listProcessingModules: {
        methodKind: "unary";
        input: typeof ListProcessingModulesRequestSchema;
        output: typeof ListProcessingModulesResponseSchema;
    };
    /**
     * @generated from rpc certsvc.v1.ProcessingModuleService.GetProcessingModule
     */
    getProcessingModule: {
        methodKind: "unary";
        input: typeof GetProcessingModuleRequestSchema;
        output: typeof GetProcessingModuleResponseSchema;
    };
    /**
     * CreateProcessingModule checks the connection to the CA before saving;
     * a failure answers unavailable with "Cannot connect to the processing
     * module" and the reason. A built-in CA module generates its CA here.
     *
     * @generated from rpc certsvc.v1.ProcessingModuleService.CreateProcessingModule
     */
    createProcessingModule: {
        methodKind: "unary";
        input: typeof CreateProcessingModuleRequestSchema;
        output: typeof CreateProcessingModuleResponseSchema;
    };
    /**
     * UpdateProcessingModule changes the fields named in update_mask.
     *
     * @generated from rpc certsvc.v1.ProcessingModuleService.UpdateProcessingModule
     */
    updateProcessingModule: {
        methodKind: "unary";
        input: typeof UpdateProcessingModuleRequestSchema;
        output: typeof UpdateProcessingModuleResponseSchema;
    };
    /**
     * DeleteProcessingModule removes a module no certificate uses any more;
     * disable it instead to stop new orders.
     *
     * @generated from rpc certsvc.v1.ProcessingModuleService.DeleteProcessingModule
     */
    deleteProcessingModule: {
        methodKind: "unary";
        input: typeof DeleteProcessingModuleRequestSchema;
        output: typeof DeleteProcessingModuleResponseSchema;
    };
    /**
     * RefreshModuleBalance reads the balance at the CA now and stores it; the
     * worker also refreshes it every few minutes. A CA without a balance
     * answers failed_precondition.
     *
     * @generated from rpc certsvc.v1.ProcessingModuleService.RefreshModuleBalance
     */
    refreshModuleBalance: {
        methodKind: "unary";
        input: typeof RefreshModuleBalanceRequestSchema;
        output: typeof RefreshModuleBalanceResponseSchema;
    };
    /**
     * ListModuleProducts lists the CA's products, to link them to plans.
     *
     * @generated from rpc certsvc.v1.ProcessingModuleService.ListModuleProducts
     */
    listModuleProducts: {
        methodKind: "unary";
        input: typeof ListModuleProductsRequestSchema;
        output: typeof ListModuleProductsResponseSchema;
    };
    /**
     * ListModuleCalls is the module's log of calls to its CA, newest first,
     * with secrets masked; bodies are kept while debug_log is on.
     *
     * @generated from rpc certsvc.v1.ProcessingModuleService.ListModuleCalls
     */
    listModuleCalls: {
        methodKind: "unary";
        input: typeof ListModuleCallsRequestSchema;
        output: typeof ListModuleCallsResponseSchema;
    };
}>;
