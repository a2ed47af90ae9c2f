-- +goose Up
-- add column "auto_renew_period_months" to table: "certificates"
ALTER TABLE `certificates` ADD COLUMN `auto_renew_period_months` integer NULL;
-- create index "certificate_state_processing_module_id" to table: "certificates"
CREATE INDEX `certificate_state_processing_module_id` ON `certificates` (`state`, `processing_module_id`);
-- create "login_failures" table
CREATE TABLE `login_failures` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `key_hash` text NOT NULL, `failures` integer NOT NULL DEFAULT (0), `window_start` datetime NOT NULL, `last_failure` datetime NOT NULL, `lockout_us` integer NOT NULL DEFAULT (0), `locked_until` datetime NOT NULL, `expire_time` datetime NOT NULL);
-- create index "login_failures_key_hash_key" to table: "login_failures"
CREATE UNIQUE INDEX `login_failures_key_hash_key` ON `login_failures` (`key_hash`);
-- create index "loginfailure_expire_time" to table: "login_failures"
CREATE INDEX `loginfailure_expire_time` ON `login_failures` (`expire_time`);

-- +goose Down
-- reverse: create index "loginfailure_expire_time" to table: "login_failures"
DROP INDEX `loginfailure_expire_time`;
-- reverse: create index "login_failures_key_hash_key" to table: "login_failures"
DROP INDEX `login_failures_key_hash_key`;
-- reverse: create "login_failures" table
DROP TABLE `login_failures`;
-- reverse: create index "certificate_state_processing_module_id" to table: "certificates"
DROP INDEX `certificate_state_processing_module_id`;
-- reverse: add column "auto_renew_period_months" to table: "certificates"
ALTER TABLE `certificates` DROP COLUMN `auto_renew_period_months`;
