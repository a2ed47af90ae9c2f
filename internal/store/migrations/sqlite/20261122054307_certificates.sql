-- +goose Up
-- add column "impersonator_user_id" to table: "sessions"
ALTER TABLE `sessions` ADD COLUMN `impersonator_user_id` integer NULL;
-- create "audit_entries" table
CREATE TABLE `audit_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `actor_user_id` integer NULL, `actor_login` text NOT NULL DEFAULT (''), `action` text NOT NULL, `target` text NOT NULL DEFAULT (''), `detail` text NOT NULL DEFAULT (''), `client_address` text NOT NULL DEFAULT (''));
-- create index "auditentry_target_id" to table: "audit_entries"
CREATE INDEX `auditentry_target_id` ON `audit_entries` (`target`, `id`);
-- create index "auditentry_action_id" to table: "audit_entries"
CREATE INDEX `auditentry_action_id` ON `audit_entries` (`action`, `id`);
-- create "certificates" table
CREATE TABLE `certificates` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `plan_id` integer NOT NULL, `period_months` integer NOT NULL, `state` text NOT NULL, `status_message` text NOT NULL DEFAULT (''), `common_name` text NOT NULL, `extra_names` json NULL, `extra_name_slots` integer NOT NULL DEFAULT (0), `subject` json NOT NULL, `pending_subject` json NULL, `admin_contact` json NULL, `tech_contact` json NULL, `organization` json NULL, `validations` json NULL, `auto_renew` bool NOT NULL DEFAULT (false), `client_reference` text NULL, `idempotency_key` text NULL, `processing_module_id` integer NOT NULL DEFAULT (0), `ca_order_id` text NOT NULL DEFAULT (''), `remote_state` blob NULL, `op` text NOT NULL DEFAULT (''), `op_ref` text NOT NULL DEFAULT (''), `op_sent_time` datetime NULL, `cost_minor` integer NOT NULL DEFAULT (0), `currency` text NOT NULL, `csr_pem` text NULL, `private_key` text NULL, `key_algorithm` text NOT NULL DEFAULT (''), `next_csr_pem` text NULL, `next_private_key` text NULL, `cert_pem` text NULL, `chain_pem` text NULL, `serial_number` text NOT NULL DEFAULT (''), `not_before` datetime NULL, `not_after` datetime NULL, `paid_until` datetime NULL, `issue_time` datetime NULL, `account_id` integer NOT NULL, CONSTRAINT `certificates_accounts_certificates` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE RESTRICT);
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
-- create "certificate_events" table
CREATE TABLE `certificate_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `certificate_id` integer NOT NULL, `account_id` integer NOT NULL, `event` text NOT NULL, `from_state` text NOT NULL, `to_state` text NOT NULL, `amount` integer NOT NULL DEFAULT (0), `currency` text NOT NULL DEFAULT (''), `ledger_entry_id` integer NULL, `message` text NOT NULL DEFAULT (''), `actor_user_id` integer NULL);
-- create index "certificateevent_certificate_id_id" to table: "certificate_events"
CREATE INDEX `certificateevent_certificate_id_id` ON `certificate_events` (`certificate_id`, `id`);
-- create index "certificateevent_account_id_id" to table: "certificate_events"
CREATE INDEX `certificateevent_account_id_id` ON `certificate_events` (`account_id`, `id`);
-- create "jobs" table
CREATE TABLE `jobs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `certificate_id` integer NOT NULL, `run_time` datetime NOT NULL, `attempts` integer NOT NULL DEFAULT (0), `lease_owner` text NOT NULL DEFAULT (''), `lease_time` datetime NULL, `last_error` text NOT NULL DEFAULT (''));
-- create index "jobs_certificate_id_key" to table: "jobs"
CREATE UNIQUE INDEX `jobs_certificate_id_key` ON `jobs` (`certificate_id`);
-- create index "job_run_time" to table: "jobs"
CREATE INDEX `job_run_time` ON `jobs` (`run_time`);
-- create "processing_modules" table
CREATE TABLE `processing_modules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `priority` integer NOT NULL DEFAULT (0), `min_balance` integer NOT NULL DEFAULT (0), `enabled` bool NOT NULL DEFAULT (true), `all_plans` bool NOT NULL DEFAULT (false), `plans` json NULL, `settings` json NULL, `credentials` text NULL, `credential_keys` json NULL);
-- create index "processing_modules_name_key" to table: "processing_modules"
CREATE UNIQUE INDEX `processing_modules_name_key` ON `processing_modules` (`name`);
-- create "saved_filters" table
CREATE TABLE `saved_filters` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `name` text NOT NULL, `filter` text NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `saved_filters_users_saved_filters` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create index "savedfilter_user_id_name" to table: "saved_filters"
CREATE UNIQUE INDEX `savedfilter_user_id_name` ON `saved_filters` (`user_id`, `name`);

-- +goose Down
-- reverse: create index "savedfilter_user_id_name" to table: "saved_filters"
DROP INDEX `savedfilter_user_id_name`;
-- reverse: create "saved_filters" table
DROP TABLE `saved_filters`;
-- reverse: create index "processing_modules_name_key" to table: "processing_modules"
DROP INDEX `processing_modules_name_key`;
-- reverse: create "processing_modules" table
DROP TABLE `processing_modules`;
-- reverse: create index "job_run_time" to table: "jobs"
DROP INDEX `job_run_time`;
-- reverse: create index "jobs_certificate_id_key" to table: "jobs"
DROP INDEX `jobs_certificate_id_key`;
-- reverse: create "jobs" table
DROP TABLE `jobs`;
-- reverse: create index "certificateevent_account_id_id" to table: "certificate_events"
DROP INDEX `certificateevent_account_id_id`;
-- reverse: create index "certificateevent_certificate_id_id" to table: "certificate_events"
DROP INDEX `certificateevent_certificate_id_id`;
-- reverse: create "certificate_events" table
DROP TABLE `certificate_events`;
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
-- reverse: create "certificates" table
DROP TABLE `certificates`;
-- reverse: create index "auditentry_action_id" to table: "audit_entries"
DROP INDEX `auditentry_action_id`;
-- reverse: create index "auditentry_target_id" to table: "audit_entries"
DROP INDEX `auditentry_target_id`;
-- reverse: create "audit_entries" table
DROP TABLE `audit_entries`;
-- reverse: add column "impersonator_user_id" to table: "sessions"
ALTER TABLE `sessions` DROP COLUMN `impersonator_user_id`;
