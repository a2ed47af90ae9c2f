import type { GenEnum, GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import type { FieldMask, Timestamp } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
/**
 * Describes the file certsvc/v1/catalog.proto.
 */
export declare const file_certsvc_v1_catalog: GenFile;
/**
 * PlanPrice is the price of one period in one currency.
 *
 * @generated from message certsvc.v1.PlanPrice
 */
export type PlanPrice = Message<"certsvc.v1.PlanPrice"> & {
    /**
     * @generated from field: int32 period_months = 1;
     */
    periodMonths: number;
    /**
     * @generated from field: string currency = 2;
     */
    currency: string;
    /**
     * amount_minor is the price of the certificate in minor units.
     *
     * @generated from field: int64 amount_minor = 3;
     */
    amountMinor: bigint;
    /**
     * extra_name_amount_minor is the price of one extra domain name for this
     * period; 0 for plans without extra names.
     *
     * @generated from field: int64 extra_name_amount_minor = 4;
     */
    extraNameAmountMinor: bigint;
};
/**
 * Describes the message certsvc.v1.PlanPrice.
 * Use `create(PlanPriceSchema)` to create a new message.
 */
export declare const PlanPriceSchema: GenMessage<PlanPrice>;
/**
 * Plan is a certificate product with its features and prices.
 *
 * @generated from message certsvc.v1.Plan
 */
export type Plan = Message<"certsvc.v1.Plan"> & {
    /**
     * id is the pricelist id for Russian clients: the legacy pricelist parameter.
     *
     * @generated from field: int64 id = 1;
     */
    id: bigint;
    /**
     * foreign_id is the pricelist id for foreign clients; equal to id when the
     * product has one id.
     *
     * @generated from field: int64 foreign_id = 2;
     */
    foreignId: bigint;
    /**
     * @generated from field: string name = 3;
     */
    name: string;
    /**
     * @generated from field: string brand = 4;
     */
    brand: string;
    /**
     * @generated from field: certsvc.v1.ValidationLevel validation = 5;
     */
    validation: ValidationLevel;
    /**
     * wildcard plans cover *.example.com.
     *
     * @generated from field: bool wildcard = 6;
     */
    wildcard: boolean;
    /**
     * multi_domain plans take extra names (subjectAltName).
     *
     * @generated from field: bool multi_domain = 7;
     */
    multiDomain: boolean;
    /**
     * included_names counts the names in the base price, the main domain included.
     *
     * @generated from field: int32 included_names = 8;
     */
    includedNames: number;
    /**
     * max_names is the most names a certificate may have, the main domain included.
     *
     * @generated from field: int32 max_names = 9;
     */
    maxNames: number;
    /**
     * extra_name_addon_id is the id of the extra-name add-on (legacy addon_<id>); 0 when none.
     *
     * @generated from field: int64 extra_name_addon_id = 10;
     */
    extraNameAddonId: bigint;
    /**
     * idn plans accept internationalised domain names.
     *
     * @generated from field: bool idn = 11;
     */
    idn: boolean;
    /**
     * www_and_bare plans cover both www.example.com and example.com.
     *
     * @generated from field: bool www_and_bare = 12;
     */
    wwwAndBare: boolean;
    /**
     * enabled plans are on sale.
     *
     * @generated from field: bool enabled = 13;
     */
    enabled: boolean;
    /**
     * @generated from field: repeated certsvc.v1.PlanPrice prices = 14;
     */
    prices: PlanPrice[];
    /**
     * @generated from field: google.protobuf.Timestamp create_time = 15;
     */
    createTime?: Timestamp | undefined;
    /**
     * @generated from field: google.protobuf.Timestamp update_time = 16;
     */
    updateTime?: Timestamp | undefined;
};
/**
 * Describes the message certsvc.v1.Plan.
 * Use `create(PlanSchema)` to create a new message.
 */
export declare const PlanSchema: GenMessage<Plan>;
/**
 * @generated from message certsvc.v1.ListPlansRequest
 */
export type ListPlansRequest = Message<"certsvc.v1.ListPlansRequest"> & {
    /**
     * @generated from field: int32 page_size = 1;
     */
    pageSize: number;
    /**
     * @generated from field: string page_token = 2;
     */
    pageToken: string;
    /**
     * brand keeps one brand's plans (exact, case-insensitive).
     *
     * @generated from field: string brand = 3;
     */
    brand: string;
    /**
     * validation keeps plans of one validation level.
     *
     * @generated from field: certsvc.v1.ValidationLevel validation = 4;
     */
    validation: ValidationLevel;
    /**
     * include_disabled also lists disabled plans; admins only.
     *
     * @generated from field: bool include_disabled = 5;
     */
    includeDisabled: boolean;
};
/**
 * Describes the message certsvc.v1.ListPlansRequest.
 * Use `create(ListPlansRequestSchema)` to create a new message.
 */
export declare const ListPlansRequestSchema: GenMessage<ListPlansRequest>;
/**
 * @generated from message certsvc.v1.ListPlansResponse
 */
export type ListPlansResponse = Message<"certsvc.v1.ListPlansResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.Plan plans = 1;
     */
    plans: Plan[];
    /**
     * @generated from field: string next_page_token = 2;
     */
    nextPageToken: string;
};
/**
 * Describes the message certsvc.v1.ListPlansResponse.
 * Use `create(ListPlansResponseSchema)` to create a new message.
 */
export declare const ListPlansResponseSchema: GenMessage<ListPlansResponse>;
/**
 * @generated from message certsvc.v1.GetPlanRequest
 */
export type GetPlanRequest = Message<"certsvc.v1.GetPlanRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.GetPlanRequest.
 * Use `create(GetPlanRequestSchema)` to create a new message.
 */
export declare const GetPlanRequestSchema: GenMessage<GetPlanRequest>;
/**
 * @generated from message certsvc.v1.GetPlanResponse
 */
export type GetPlanResponse = Message<"certsvc.v1.GetPlanResponse"> & {
    /**
     * @generated from field: certsvc.v1.Plan plan = 1;
     */
    plan?: Plan | undefined;
};
/**
 * Describes the message certsvc.v1.GetPlanResponse.
 * Use `create(GetPlanResponseSchema)` to create a new message.
 */
export declare const GetPlanResponseSchema: GenMessage<GetPlanResponse>;
/**
 * @generated from message certsvc.v1.CreatePlanRequest
 */
export type CreatePlanRequest = Message<"certsvc.v1.CreatePlanRequest"> & {
    /**
     * plan is the new plan. id may be 0 to have one assigned; foreign_id 0
     * means the same as id.
     *
     * @generated from field: certsvc.v1.Plan plan = 1;
     */
    plan?: Plan | undefined;
};
/**
 * Describes the message certsvc.v1.CreatePlanRequest.
 * Use `create(CreatePlanRequestSchema)` to create a new message.
 */
export declare const CreatePlanRequestSchema: GenMessage<CreatePlanRequest>;
/**
 * @generated from message certsvc.v1.CreatePlanResponse
 */
export type CreatePlanResponse = Message<"certsvc.v1.CreatePlanResponse"> & {
    /**
     * @generated from field: certsvc.v1.Plan plan = 1;
     */
    plan?: Plan | undefined;
};
/**
 * Describes the message certsvc.v1.CreatePlanResponse.
 * Use `create(CreatePlanResponseSchema)` to create a new message.
 */
export declare const CreatePlanResponseSchema: GenMessage<CreatePlanResponse>;
/**
 * @generated from message certsvc.v1.UpdatePlanRequest
 */
export type UpdatePlanRequest = Message<"certsvc.v1.UpdatePlanRequest"> & {
    /**
     * plan carries the id and the new values.
     *
     * @generated from field: certsvc.v1.Plan plan = 1;
     */
    plan?: Plan | undefined;
    /**
     * update_mask names the fields to change: "name", "brand", "enabled",
     * "prices" (replaces the whole price list), "validation", "wildcard",
     * "multi_domain", "included_names", "max_names", "extra_name_addon_id",
     * "idn", "www_and_bare", "foreign_id".
     *
     * @generated from field: google.protobuf.FieldMask update_mask = 2;
     */
    updateMask?: FieldMask | undefined;
};
/**
 * Describes the message certsvc.v1.UpdatePlanRequest.
 * Use `create(UpdatePlanRequestSchema)` to create a new message.
 */
export declare const UpdatePlanRequestSchema: GenMessage<UpdatePlanRequest>;
/**
 * @generated from message certsvc.v1.UpdatePlanResponse
 */
export type UpdatePlanResponse = Message<"certsvc.v1.UpdatePlanResponse"> & {
    /**
     * @generated from field: certsvc.v1.Plan plan = 1;
     */
    plan?: Plan | undefined;
};
/**
 * Describes the message certsvc.v1.UpdatePlanResponse.
 * Use `create(UpdatePlanResponseSchema)` to create a new message.
 */
export declare const UpdatePlanResponseSchema: GenMessage<UpdatePlanResponse>;
/**
 * @generated from message certsvc.v1.DeletePlanRequest
 */
export type DeletePlanRequest = Message<"certsvc.v1.DeletePlanRequest"> & {
    /**
     * @generated from field: int64 id = 1;
     */
    id: bigint;
};
/**
 * Describes the message certsvc.v1.DeletePlanRequest.
 * Use `create(DeletePlanRequestSchema)` to create a new message.
 */
export declare const DeletePlanRequestSchema: GenMessage<DeletePlanRequest>;
/**
 * @generated from message certsvc.v1.DeletePlanResponse
 */
export type DeletePlanResponse = Message<"certsvc.v1.DeletePlanResponse"> & {};
/**
 * Describes the message certsvc.v1.DeletePlanResponse.
 * Use `create(DeletePlanResponseSchema)` to create a new message.
 */
export declare const DeletePlanResponseSchema: GenMessage<DeletePlanResponse>;
/**
 * Country is one entry of the country list.
 *
 * @generated from message certsvc.v1.Country
 */
export type Country = Message<"certsvc.v1.Country"> & {
    /**
     * id is the legacy numeric id used by field_country (182 = Russia).
     *
     * @generated from field: int32 id = 1;
     */
    id: number;
    /**
     * alpha2 is the ISO 3166-1 alpha-2 code.
     *
     * @generated from field: string alpha2 = 2;
     */
    alpha2: string;
    /**
     * @generated from field: string name = 3;
     */
    name: string;
};
/**
 * Describes the message certsvc.v1.Country.
 * Use `create(CountrySchema)` to create a new message.
 */
export declare const CountrySchema: GenMessage<Country>;
/**
 * @generated from message certsvc.v1.ListCountriesRequest
 */
export type ListCountriesRequest = Message<"certsvc.v1.ListCountriesRequest"> & {};
/**
 * Describes the message certsvc.v1.ListCountriesRequest.
 * Use `create(ListCountriesRequestSchema)` to create a new message.
 */
export declare const ListCountriesRequestSchema: GenMessage<ListCountriesRequest>;
/**
 * @generated from message certsvc.v1.ListCountriesResponse
 */
export type ListCountriesResponse = Message<"certsvc.v1.ListCountriesResponse"> & {
    /**
     * @generated from field: repeated certsvc.v1.Country countries = 1;
     */
    countries: Country[];
};
/**
 * Describes the message certsvc.v1.ListCountriesResponse.
 * Use `create(ListCountriesResponseSchema)` to create a new message.
 */
export declare const ListCountriesResponseSchema: GenMessage<ListCountriesResponse>;
/**
 * ValidationLevel is how much the CA checks before it issues.
 *
 * @generated from enum certsvc.v1.ValidationLevel
 */
export declare enum ValidationLevel {
    /**
     * @generated from enum value: VALIDATION_LEVEL_UNSPECIFIED = 0;
     */
    UNSPECIFIED = 0,
    /**
     * VALIDATION_LEVEL_DV checks control of the domain.
     *
     * @generated from enum value: VALIDATION_LEVEL_DV = 1;
     */
    DV = 1,
    /**
     * VALIDATION_LEVEL_OV also checks the organisation.
     *
     * @generated from enum value: VALIDATION_LEVEL_OV = 2;
     */
    OV = 2,
    /**
     * VALIDATION_LEVEL_EV is extended validation of the organisation.
     *
     * @generated from enum value: VALIDATION_LEVEL_EV = 3;
     */
    EV = 3
}
/**
 * Describes the enum certsvc.v1.ValidationLevel.
 */
export declare const ValidationLevelSchema: GenEnum<ValidationLevel>;
/**
 * CatalogService is the price list of certificate products ("plans",
 * BILLmanager's pricelists) and the country list used in certificate subjects.
 *
 * Reading the catalogue needs no credentials, so a storefront can show it;
 * anonymous callers and users see enabled plans only. Changes are for admins.
 *
 * @generated from service certsvc.v1.CatalogService
 */
export declare const CatalogService: GenService<{
    /**
     * ListPlans lists plans by ascending id.
     *
     * @generated from rpc certsvc.v1.CatalogService.ListPlans
     */
    listPlans: {
        methodKind: "unary";
        input: typeof ListPlansRequestSchema;
        output: typeof ListPlansResponseSchema;
    };
    /**
     * GetPlan returns one plan by its id or its foreign-client id.
     *
     * @generated from rpc certsvc.v1.CatalogService.GetPlan
     */
    getPlan: {
        methodKind: "unary";
        input: typeof GetPlanRequestSchema;
        output: typeof GetPlanResponseSchema;
    };
    /**
     * CreatePlan adds a plan. Admin only.
     *
     * @generated from rpc certsvc.v1.CatalogService.CreatePlan
     */
    createPlan: {
        methodKind: "unary";
        input: typeof CreatePlanRequestSchema;
        output: typeof CreatePlanResponseSchema;
    };
    /**
     * UpdatePlan renames, re-prices, enables or disables a plan, or changes its
     * features: the fields named in update_mask. Admin only.
     *
     * @generated from rpc certsvc.v1.CatalogService.UpdatePlan
     */
    updatePlan: {
        methodKind: "unary";
        input: typeof UpdatePlanRequestSchema;
        output: typeof UpdatePlanResponseSchema;
    };
    /**
     * DeletePlan removes a plan. Admin only. Disable a plan instead to stop
     * selling it while keeping its history.
     *
     * @generated from rpc certsvc.v1.CatalogService.DeletePlan
     */
    deletePlan: {
        methodKind: "unary";
        input: typeof DeletePlanRequestSchema;
        output: typeof DeletePlanResponseSchema;
    };
    /**
     * ListCountries lists countries with their legacy numeric ids (182 = Russia),
     * ISO 3166-1 alpha-2 codes and English names, ordered by name.
     *
     * @generated from rpc certsvc.v1.CatalogService.ListCountries
     */
    listCountries: {
        methodKind: "unary";
        input: typeof ListCountriesRequestSchema;
        output: typeof ListCountriesResponseSchema;
    };
}>;
