-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_certificates" table
CREATE TABLE `new_certificates` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `plan_id` integer NOT NULL, `period_months` integer NOT NULL, `state` text NOT NULL, `status_message` text NOT NULL DEFAULT (''), `common_name` text NOT NULL, `extra_names` json NULL, `extra_name_slots` integer NOT NULL DEFAULT (0), `subject` json NOT NULL, `pending_subject` json NULL, `admin_contact` json NULL, `tech_contact` json NULL, `organization` json NULL, `validations` json NULL, `auto_renew` bool NOT NULL DEFAULT (false), `client_reference` text NULL, `idempotency_key` text NULL, `processing_module_id` integer NOT NULL DEFAULT (0), `ca_order_id` text NOT NULL DEFAULT (''), `remote_state` blob NULL, `op` text NOT NULL DEFAULT (''), `op_ref` text NOT NULL DEFAULT (''), `op_sent_time` datetime NULL, `op_answer_time` datetime NULL, `cost_minor` integer NOT NULL DEFAULT (0), `currency` text NOT NULL, `csr_pem` text NULL, `private_key` text NULL, `has_private_key` bool NOT NULL DEFAULT (false), `key_algorithm` text NOT NULL DEFAULT (''), `next_csr_pem` text NULL, `next_private_key` text NULL, `cert_pem` text NULL, `chain_pem` text NULL, `serial_number` text NOT NULL DEFAULT (''), `not_before` datetime NULL, `not_after` datetime NULL, `paid_until` datetime NULL, `issue_time` datetime NULL, `revoke_reason` integer NULL, `revoke_time` datetime NULL, `account_id` integer NOT NULL, CONSTRAINT `certificates_accounts_certificates` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE RESTRICT);
-- copy rows from old table "certificates" to new temporary table "new_certificates"
INSERT INTO `new_certificates` (`id`, `create_time`, `update_time`, `plan_id`, `period_months`, `state`, `status_message`, `common_name`, `extra_names`, `extra_name_slots`, `subject`, `pending_subject`, `admin_contact`, `tech_contact`, `organization`, `validations`, `auto_renew`, `client_reference`, `idempotency_key`, `processing_module_id`, `ca_order_id`, `remote_state`, `op`, `op_ref`, `op_sent_time`, `op_answer_time`, `cost_minor`, `currency`, `csr_pem`, `private_key`, `has_private_key`, `key_algorithm`, `next_csr_pem`, `next_private_key`, `cert_pem`, `chain_pem`, `serial_number`, `not_before`, `not_after`, `paid_until`, `issue_time`, `account_id`) SELECT `id`, `create_time`, `update_time`, `plan_id`, `period_months`, `state`, `status_message`, `common_name`, `extra_names`, `extra_name_slots`, `subject`, `pending_subject`, `admin_contact`, `tech_contact`, `organization`, `validations`, `auto_renew`, `client_reference`, `idempotency_key`, `processing_module_id`, `ca_order_id`, `remote_state`, `op`, `op_ref`, `op_sent_time`, `op_answer_time`, `cost_minor`, `currency`, `csr_pem`, `private_key`, `has_private_key`, `key_algorithm`, `next_csr_pem`, `next_private_key`, `cert_pem`, `chain_pem`, `serial_number`, `not_before`, `not_after`, `paid_until`, `issue_time`, `account_id` FROM `certificates`;
-- drop "certificates" table after copying rows
DROP TABLE `certificates`;
-- rename temporary table "new_certificates" to "certificates"
ALTER TABLE `new_certificates` RENAME TO `certificates`;
-- create index "certificate_account_id_idempotency_key" to table: "certificates"
CREATE UNIQUE INDEX `certificate_account_id_idempotency_key` ON `certificates` (`account_id`, `idempotency_key`);
-- create index "certificate_account_id_client_reference" to table: "certificates"
CREATE UNIQUE INDEX `certificate_account_id_client_reference` ON `certificates` (`account_id`, `client_reference`);
-- create index "certificate_account_id_id" to table: "certificates"
CREATE INDEX `certificate_account_id_id` ON `certificates` (`account_id`, `id`);
-- create index "certificate_state_id" to table: "certificates"
CREATE INDEX `certificate_state_id` ON `certificates` (`state`, `id`);
-- create index "certificate_not_after_id" to table: "certificates"
CREATE INDEX `certificate_not_after_id` ON `certificates` (`not_after`, `id`);
-- create index "certificate_common_name_id" to table: "certificates"
CREATE INDEX `certificate_common_name_id` ON `certificates` (`common_name`, `id`);
-- create index "certificate_plan_id_id" to table: "certificates"
CREATE INDEX `certificate_plan_id_id` ON `certificates` (`plan_id`, `id`);
-- create index "certificate_processing_module_id_id" to table: "certificates"
CREATE INDEX `certificate_processing_module_id_id` ON `certificates` (`processing_module_id`, `id`);
-- create index "certificate_processing_module_id_revoke_time" to table: "certificates"
CREATE INDEX `certificate_processing_module_id_revoke_time` ON `certificates` (`processing_module_id`, `revoke_time`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "certificate_processing_module_id_revoke_time" to table: "certificates"
DROP INDEX `certificate_processing_module_id_revoke_time`;
-- reverse: create index "certificate_processing_module_id_id" to table: "certificates"
DROP INDEX `certificate_processing_module_id_id`;
-- reverse: create index "certificate_plan_id_id" to table: "certificates"
DROP INDEX `certificate_plan_id_id`;
-- reverse: create index "certificate_common_name_id" to table: "certificates"
DROP INDEX `certificate_common_name_id`;
-- reverse: create index "certificate_not_after_id" to table: "certificates"
DROP INDEX `certificate_not_after_id`;
-- reverse: create index "certificate_state_id" to table: "certificates"
DROP INDEX `certificate_state_id`;
-- reverse: create index "certificate_account_id_id" to table: "certificates"
DROP INDEX `certificate_account_id_id`;
-- reverse: create index "certificate_account_id_client_reference" to table: "certificates"
DROP INDEX `certificate_account_id_client_reference`;
-- reverse: create index "certificate_account_id_idempotency_key" to table: "certificates"
DROP INDEX `certificate_account_id_idempotency_key`;
-- reverse: create "new_certificates" table
DROP TABLE `new_certificates`;
