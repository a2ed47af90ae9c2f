-- +goose Up
-- modify "certificates" table
ALTER TABLE `certificates` ADD COLUMN `revoke_reason` int NULL, ADD COLUMN `revoke_time` datetime(6) NULL, ADD INDEX `certificate_processing_module_id_revoke_time` (`processing_module_id`, `revoke_time`);

-- +goose Down
-- reverse: modify "certificates" table
ALTER TABLE `certificates` DROP INDEX `certificate_processing_module_id_revoke_time`, DROP COLUMN `revoke_time`, DROP COLUMN `revoke_reason`;
