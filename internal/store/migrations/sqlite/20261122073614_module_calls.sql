-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- add column "op_answer_time" to table: "certificates"
ALTER TABLE `certificates` ADD COLUMN `op_answer_time` datetime NULL;
-- create "new_processing_modules" table
CREATE TABLE `new_processing_modules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `name` text NOT NULL, `kind` text NOT NULL, `priority` integer NOT NULL DEFAULT (0), `min_balance` integer NOT NULL DEFAULT (0), `enabled` bool NOT NULL DEFAULT (true), `all_plans` bool NOT NULL DEFAULT (false), `plans` json NULL, `settings` json NULL, `credentials` text NULL, `credential_keys` json NULL, `debug_log` bool NOT NULL DEFAULT (false), `max_concurrent_calls` integer NOT NULL DEFAULT (0), `balance_minor` integer NULL, `balance_currency` text NOT NULL DEFAULT (''), `balance_time` datetime NULL);
-- copy rows from old table "processing_modules" to new temporary table "new_processing_modules"
INSERT INTO `new_processing_modules` (`id`, `create_time`, `update_time`, `name`, `kind`, `priority`, `min_balance`, `enabled`, `all_plans`, `plans`, `settings`, `credentials`, `credential_keys`) SELECT `id`, `create_time`, `update_time`, `name`, `kind`, `priority`, `min_balance`, `enabled`, `all_plans`, `plans`, `settings`, `credentials`, `credential_keys` FROM `processing_modules`;
-- drop "processing_modules" table after copying rows
DROP TABLE `processing_modules`;
-- rename temporary table "new_processing_modules" to "processing_modules"
ALTER TABLE `new_processing_modules` RENAME TO `processing_modules`;
-- create index "processing_modules_name_key" to table: "processing_modules"
CREATE UNIQUE INDEX `processing_modules_name_key` ON `processing_modules` (`name`);
-- create "module_calls" table
CREATE TABLE `module_calls` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `module_id` integer NOT NULL, `method` text NOT NULL, `url` text NOT NULL, `status` integer NOT NULL DEFAULT (0), `duration_us` integer NOT NULL DEFAULT (0), `error` text NOT NULL DEFAULT (''), `request` text NULL, `response` text NULL);
-- create index "modulecall_module_id_id" to table: "module_calls"
CREATE INDEX `modulecall_module_id_id` ON `module_calls` (`module_id`, `id`);
-- create index "modulecall_create_time" to table: "module_calls"
CREATE INDEX `modulecall_create_time` ON `module_calls` (`create_time`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "modulecall_create_time" to table: "module_calls"
DROP INDEX `modulecall_create_time`;
-- reverse: create index "modulecall_module_id_id" to table: "module_calls"
DROP INDEX `modulecall_module_id_id`;
-- reverse: create "module_calls" table
DROP TABLE `module_calls`;
-- reverse: create index "processing_modules_name_key" to table: "processing_modules"
DROP INDEX `processing_modules_name_key`;
-- reverse: create "new_processing_modules" table
DROP TABLE `new_processing_modules`;
-- reverse: add column "op_answer_time" to table: "certificates"
ALTER TABLE `certificates` DROP COLUMN `op_answer_time`;
