-- +goose Up
-- modify "accounts" table
ALTER TABLE `accounts` ADD COLUMN `low_balance_minor` bigint NOT NULL DEFAULT 0;
-- create "outbox_deliveries" table
CREATE TABLE `outbox_deliveries` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `notice_id` bigint NOT NULL, `account_id` bigint NOT NULL DEFAULT 0, `channel` varchar(16) NOT NULL, `target` varchar(191) NOT NULL, `state` enum('pending','sent','dead') NOT NULL DEFAULT 'pending', `run_time` datetime(6) NOT NULL, `attempts` int NOT NULL DEFAULT 0, `lease_owner` varchar(64) NOT NULL DEFAULT '', `lease_time` datetime(6) NULL, `last_error` varchar(512) NOT NULL DEFAULT '', `last_status` int NOT NULL DEFAULT 0, `last_attempt_time` datetime(6) NULL, `sent_time` datetime(6) NULL, `latency_ms` bigint NOT NULL DEFAULT 0, PRIMARY KEY (`id`), INDEX `outboxdelivery_account_id_id` (`account_id`, `id`), INDEX `outboxdelivery_channel_target_id` (`channel`, `target`, `id`), UNIQUE INDEX `outboxdelivery_notice_id_channel_target` (`notice_id`, `channel`, `target`), INDEX `outboxdelivery_state_run_time` (`state`, `run_time`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "outbox_notices" table
CREATE TABLE `outbox_notices` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `type` varchar(64) NOT NULL, `account_id` bigint NOT NULL DEFAULT 0, `certificate_id` bigint NOT NULL DEFAULT 0, `dedupe_key` varchar(191) NOT NULL, `data` json NOT NULL, `fanned_out` bool NOT NULL DEFAULT 0, PRIMARY KEY (`id`), INDEX `outboxnotice_account_id_id` (`account_id`, `id`), UNIQUE INDEX `outboxnotice_dedupe_key` (`dedupe_key`), INDEX `outboxnotice_fanned_out_id` (`fanned_out`, `id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `account_id` bigint NOT NULL, `url` varchar(2048) NOT NULL, `description` varchar(256) NOT NULL DEFAULT '', `event_types` json NULL, `enabled` bool NOT NULL DEFAULT 1, `secret` varchar(512) NOT NULL, `previous_secret` varchar(512) NOT NULL DEFAULT '', `previous_secret_until` datetime(6) NULL, PRIMARY KEY (`id`), INDEX `webhookendpoint_account_id_id` (`account_id`, `id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "webhook_endpoints" table
DROP TABLE `webhook_endpoints`;
-- reverse: create "outbox_notices" table
DROP TABLE `outbox_notices`;
-- reverse: create "outbox_deliveries" table
DROP TABLE `outbox_deliveries`;
-- reverse: modify "accounts" table
ALTER TABLE `accounts` DROP COLUMN `low_balance_minor`;
