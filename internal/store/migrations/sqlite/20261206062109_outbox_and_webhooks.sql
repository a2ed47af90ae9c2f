-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_accounts" table
CREATE TABLE `new_accounts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `name` text NOT NULL, `currency` text NOT NULL, `balance` integer NOT NULL DEFAULT (0), `low_balance_minor` integer NOT NULL DEFAULT (0));
-- copy rows from old table "accounts" to new temporary table "new_accounts"
INSERT INTO `new_accounts` (`id`, `create_time`, `update_time`, `name`, `currency`, `balance`) SELECT `id`, `create_time`, `update_time`, `name`, `currency`, `balance` FROM `accounts`;
-- drop "accounts" table after copying rows
DROP TABLE `accounts`;
-- rename temporary table "new_accounts" to "accounts"
ALTER TABLE `new_accounts` RENAME TO `accounts`;
-- create "outbox_deliveries" table
CREATE TABLE `outbox_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `notice_id` integer NOT NULL, `account_id` integer NOT NULL DEFAULT (0), `channel` text NOT NULL, `target` text NOT NULL, `state` text NOT NULL DEFAULT ('pending'), `run_time` datetime NOT NULL, `attempts` integer NOT NULL DEFAULT (0), `lease_owner` text NOT NULL DEFAULT (''), `lease_time` datetime NULL, `last_error` text NOT NULL DEFAULT (''), `last_status` integer NOT NULL DEFAULT (0), `last_attempt_time` datetime NULL, `sent_time` datetime NULL, `latency_ms` integer NOT NULL DEFAULT (0));
-- create index "outboxdelivery_notice_id_channel_target" to table: "outbox_deliveries"
CREATE UNIQUE INDEX `outboxdelivery_notice_id_channel_target` ON `outbox_deliveries` (`notice_id`, `channel`, `target`);
-- create index "outboxdelivery_state_run_time" to table: "outbox_deliveries"
CREATE INDEX `outboxdelivery_state_run_time` ON `outbox_deliveries` (`state`, `run_time`);
-- create index "outboxdelivery_channel_target_id" to table: "outbox_deliveries"
CREATE INDEX `outboxdelivery_channel_target_id` ON `outbox_deliveries` (`channel`, `target`, `id`);
-- create index "outboxdelivery_account_id_id" to table: "outbox_deliveries"
CREATE INDEX `outboxdelivery_account_id_id` ON `outbox_deliveries` (`account_id`, `id`);
-- create "outbox_notices" table
CREATE TABLE `outbox_notices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `type` text NOT NULL, `account_id` integer NOT NULL DEFAULT (0), `certificate_id` integer NOT NULL DEFAULT (0), `dedupe_key` text NOT NULL, `data` json NOT NULL, `fanned_out` bool NOT NULL DEFAULT (false));
-- create index "outboxnotice_dedupe_key" to table: "outbox_notices"
CREATE UNIQUE INDEX `outboxnotice_dedupe_key` ON `outbox_notices` (`dedupe_key`);
-- create index "outboxnotice_fanned_out_id" to table: "outbox_notices"
CREATE INDEX `outboxnotice_fanned_out_id` ON `outbox_notices` (`fanned_out`, `id`);
-- create index "outboxnotice_account_id_id" to table: "outbox_notices"
CREATE INDEX `outboxnotice_account_id_id` ON `outbox_notices` (`account_id`, `id`);
-- create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `account_id` integer NOT NULL, `url` text NOT NULL, `description` text NOT NULL DEFAULT (''), `event_types` json NULL, `enabled` bool NOT NULL DEFAULT (true), `secret` text NOT NULL, `previous_secret` text NOT NULL DEFAULT (''), `previous_secret_until` datetime NULL);
-- create index "webhookendpoint_account_id_id" to table: "webhook_endpoints"
CREATE INDEX `webhookendpoint_account_id_id` ON `webhook_endpoints` (`account_id`, `id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "webhookendpoint_account_id_id" to table: "webhook_endpoints"
DROP INDEX `webhookendpoint_account_id_id`;
-- reverse: create "webhook_endpoints" table
DROP TABLE `webhook_endpoints`;
-- reverse: create index "outboxnotice_account_id_id" to table: "outbox_notices"
DROP INDEX `outboxnotice_account_id_id`;
-- reverse: create index "outboxnotice_fanned_out_id" to table: "outbox_notices"
DROP INDEX `outboxnotice_fanned_out_id`;
-- reverse: create index "outboxnotice_dedupe_key" to table: "outbox_notices"
DROP INDEX `outboxnotice_dedupe_key`;
-- reverse: create "outbox_notices" table
DROP TABLE `outbox_notices`;
-- reverse: create index "outboxdelivery_account_id_id" to table: "outbox_deliveries"
DROP INDEX `outboxdelivery_account_id_id`;
-- reverse: create index "outboxdelivery_channel_target_id" to table: "outbox_deliveries"
DROP INDEX `outboxdelivery_channel_target_id`;
-- reverse: create index "outboxdelivery_state_run_time" to table: "outbox_deliveries"
DROP INDEX `outboxdelivery_state_run_time`;
-- reverse: create index "outboxdelivery_notice_id_channel_target" to table: "outbox_deliveries"
DROP INDEX `outboxdelivery_notice_id_channel_target`;
-- reverse: create "outbox_deliveries" table
DROP TABLE `outbox_deliveries`;
-- reverse: create "new_accounts" table
DROP TABLE `new_accounts`;
