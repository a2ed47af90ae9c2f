export * from "./gen/certsvc/v1/account_pb.js";
export * from "./gen/certsvc/v1/auth_pb.js";
export * from "./gen/certsvc/v1/catalog_pb.js";
export * from "./gen/certsvc/v1/certificate_pb.js";
export * from "./gen/certsvc/v1/module_pb.js";
export * from "./gen/certsvc/v1/notification_pb.js";
export * from "./gen/certsvc/v1/webhook_pb.js";
export { ViolationsSchema } from "./gen/buf/validate/validate_pb.js";
export type { Violations, Violation } from "./gen/buf/validate/validate_pb.js";
