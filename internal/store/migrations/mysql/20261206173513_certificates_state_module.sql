-- +goose Up
-- modify "certificates" table
ALTER TABLE `certificates` ADD INDEX `certificate_state_processing_module_id` (`state`, `processing_module_id`);

-- +goose Down
-- reverse: modify "certificates" table
ALTER TABLE `certificates` DROP INDEX `certificate_state_processing_module_id`;
