-- +goose Up
-- modify "sessions" table
ALTER TABLE `sessions` ADD COLUMN `impersonator_user_id` bigint NULL;
-- create "audit_entries" table
CREATE TABLE `audit_entries` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `actor_user_id` bigint NULL, `actor_login` varchar(128) NOT NULL DEFAULT '', `action` varchar(64) NOT NULL, `target` varchar(64) NOT NULL DEFAULT '', `detail` varchar(512) NOT NULL DEFAULT '', `client_address` varchar(64) NOT NULL DEFAULT '', PRIMARY KEY (`id`), INDEX `auditentry_action_id` (`action`, `id`), INDEX `auditentry_target_id` (`target`, `id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "certificate_events" table
CREATE TABLE `certificate_events` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `certificate_id` bigint NOT NULL, `account_id` bigint NOT NULL, `event` varchar(32) NOT NULL, `from_state` enum('unpaid','submitting','awaiting_validation','processing','issued','reissuing','renewing','failed','cancelled','suspended','revoked','expired','deleted') NOT NULL, `to_state` enum('unpaid','submitting','awaiting_validation','processing','issued','reissuing','renewing','failed','cancelled','suspended','revoked','expired','deleted') NOT NULL, `amount` bigint NOT NULL DEFAULT 0, `currency` varchar(3) NOT NULL DEFAULT '', `ledger_entry_id` bigint NULL, `message` varchar(512) NOT NULL DEFAULT '', `actor_user_id` bigint NULL, PRIMARY KEY (`id`), INDEX `certificateevent_account_id_id` (`account_id`, `id`), INDEX `certificateevent_certificate_id_id` (`certificate_id`, `id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "jobs" table
CREATE TABLE `jobs` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `certificate_id` bigint NOT NULL, `run_time` datetime(6) NOT NULL, `attempts` int NOT NULL DEFAULT 0, `lease_owner` varchar(64) NOT NULL DEFAULT '', `lease_time` datetime(6) NULL, `last_error` varchar(512) NOT NULL DEFAULT '', PRIMARY KEY (`id`), UNIQUE INDEX `certificate_id` (`certificate_id`), INDEX `job_run_time` (`run_time`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "processing_modules" table
CREATE TABLE `processing_modules` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `name` varchar(64) NOT NULL, `kind` varchar(32) NOT NULL, `priority` int NOT NULL DEFAULT 0, `min_balance` bigint NOT NULL DEFAULT 0, `enabled` bool NOT NULL DEFAULT 1, `all_plans` bool NOT NULL DEFAULT 0, `plans` json NULL, `settings` json NULL, `credentials` mediumtext NULL, `credential_keys` json NULL, PRIMARY KEY (`id`), UNIQUE INDEX `name` (`name`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "certificates" table
CREATE TABLE `certificates` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `plan_id` bigint NOT NULL, `period_months` int NOT NULL, `state` enum('unpaid','submitting','awaiting_validation','processing','issued','reissuing','renewing','failed','cancelled','suspended','revoked','expired','deleted') NOT NULL, `status_message` varchar(512) NOT NULL DEFAULT '', `common_name` varchar(253) NOT NULL, `extra_names` json NULL, `extra_name_slots` int NOT NULL DEFAULT 0, `subject` json NOT NULL, `pending_subject` json NULL, `admin_contact` json NULL, `tech_contact` json NULL, `organization` json NULL, `validations` json NULL, `auto_renew` bool NOT NULL DEFAULT 0, `client_reference` varchar(64) NULL, `idempotency_key` varchar(64) NULL, `processing_module_id` bigint NOT NULL DEFAULT 0, `ca_order_id` varchar(128) NOT NULL DEFAULT '', `remote_state` mediumblob NULL, `op` varchar(16) NOT NULL DEFAULT '', `op_ref` varchar(64) NOT NULL DEFAULT '', `op_sent_time` datetime(6) NULL, `cost_minor` bigint NOT NULL DEFAULT 0, `currency` varchar(3) NOT NULL, `csr_pem` mediumtext NULL, `private_key` mediumtext NULL, `key_algorithm` varchar(32) NOT NULL DEFAULT '', `next_csr_pem` mediumtext NULL, `next_private_key` mediumtext NULL, `cert_pem` mediumtext NULL, `chain_pem` mediumtext NULL, `serial_number` varchar(64) NOT NULL DEFAULT '', `not_before` datetime(6) NULL, `not_after` datetime(6) NULL, `paid_until` datetime(6) NULL, `issue_time` datetime(6) NULL, `account_id` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `certificate_account_id_client_reference` (`account_id`, `client_reference`), INDEX `certificate_account_id_id` (`account_id`, `id`), UNIQUE INDEX `certificate_account_id_idempotency_key` (`account_id`, `idempotency_key`), INDEX `certificate_common_name_id` (`common_name`, `id`), INDEX `certificate_not_after_id` (`not_after`, `id`), INDEX `certificate_plan_id_id` (`plan_id`, `id`), INDEX `certificate_processing_module_id_id` (`processing_module_id`, `id`), INDEX `certificate_state_id` (`state`, `id`), CONSTRAINT `certificates_accounts_certificates` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON UPDATE RESTRICT ON DELETE RESTRICT) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "saved_filters" table
CREATE TABLE `saved_filters` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `name` varchar(64) NOT NULL, `filter` varchar(8192) NOT NULL, `user_id` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `savedfilter_user_id_name` (`user_id`, `name`), CONSTRAINT `saved_filters_users_saved_filters` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "saved_filters" table
DROP TABLE `saved_filters`;
-- reverse: create "certificates" table
DROP TABLE `certificates`;
-- reverse: create "processing_modules" table
DROP TABLE `processing_modules`;
-- reverse: create "jobs" table
DROP TABLE `jobs`;
-- reverse: create "certificate_events" table
DROP TABLE `certificate_events`;
-- reverse: create "audit_entries" table
DROP TABLE `audit_entries`;
-- reverse: modify "sessions" table
ALTER TABLE `sessions` DROP COLUMN `impersonator_user_id`;
