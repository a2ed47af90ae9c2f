-- +goose Up
-- modify "certificates" table
ALTER TABLE `certificates` ADD COLUMN `op_answer_time` datetime(6) NULL;
-- modify "processing_modules" table
ALTER TABLE `processing_modules` ADD COLUMN `debug_log` bool NOT NULL DEFAULT 0, ADD COLUMN `max_concurrent_calls` int NOT NULL DEFAULT 0, ADD COLUMN `balance_minor` bigint NULL, ADD COLUMN `balance_currency` varchar(3) NOT NULL DEFAULT '', ADD COLUMN `balance_time` datetime(6) NULL;
-- create "module_calls" table
CREATE TABLE `module_calls` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `module_id` bigint NOT NULL, `method` varchar(8) NOT NULL, `url` varchar(1024) NOT NULL, `status` int NOT NULL DEFAULT 0, `duration_us` bigint NOT NULL DEFAULT 0, `error` varchar(1024) NOT NULL DEFAULT '', `request` mediumtext NULL, `response` mediumtext NULL, PRIMARY KEY (`id`), INDEX `modulecall_create_time` (`create_time`), INDEX `modulecall_module_id_id` (`module_id`, `id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "module_calls" table
DROP TABLE `module_calls`;
-- reverse: modify "processing_modules" table
ALTER TABLE `processing_modules` DROP COLUMN `balance_time`, DROP COLUMN `balance_currency`, DROP COLUMN `balance_minor`, DROP COLUMN `max_concurrent_calls`, DROP COLUMN `debug_log`;
-- reverse: modify "certificates" table
ALTER TABLE `certificates` DROP COLUMN `op_answer_time`;
