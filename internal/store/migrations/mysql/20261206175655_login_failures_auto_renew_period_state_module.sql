-- +goose Up
-- modify "certificates" table
ALTER TABLE `certificates` ADD COLUMN `auto_renew_period_months` int NULL, ADD INDEX `certificate_state_processing_module_id` (`state`, `processing_module_id`);
-- create "login_failures" table
CREATE TABLE `login_failures` (`id` bigint NOT NULL AUTO_INCREMENT, `key_hash` varchar(64) NOT NULL, `failures` int NOT NULL DEFAULT 0, `window_start` datetime(6) NOT NULL, `last_failure` datetime(6) NOT NULL, `lockout_us` bigint NOT NULL DEFAULT 0, `locked_until` datetime(6) NOT NULL, `expire_time` datetime(6) NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `key_hash` (`key_hash`), INDEX `loginfailure_expire_time` (`expire_time`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "login_failures" table
DROP TABLE `login_failures`;
-- reverse: modify "certificates" table
ALTER TABLE `certificates` DROP INDEX `certificate_state_processing_module_id`, DROP COLUMN `auto_renew_period_months`;
