// @certsvc/client: the certsvc API for TypeScript, generated from api/proto by
// protoc-gen-es (make generate). Use it with @connectrpc/connect:
//
//   import { createClient } from "@connectrpc/connect";
//   import { createConnectTransport } from "@connectrpc/connect-web";
//   import { CatalogService } from "@certsvc/client";
//   const catalog = createClient(CatalogService, createConnectTransport({ baseUrl: "https://certsvc.example" }));
//   const { plans } = await catalog.listPlans({ pageSize: 20 });
export * from "./gen/certsvc/v1/account_pb.js";
export * from "./gen/certsvc/v1/auth_pb.js";
export * from "./gen/certsvc/v1/catalog_pb.js";
export * from "./gen/certsvc/v1/certificate_pb.js";
export * from "./gen/certsvc/v1/module_pb.js";
export * from "./gen/certsvc/v1/notification_pb.js";
export * from "./gen/certsvc/v1/webhook_pb.js";
export { ViolationsSchema } from "./gen/buf/validate/validate_pb.js";
