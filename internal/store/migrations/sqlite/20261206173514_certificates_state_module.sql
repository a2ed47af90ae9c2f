-- +goose Up
-- create index "certificate_state_processing_module_id" to table: "certificates"
CREATE INDEX `certificate_state_processing_module_id` ON `certificates` (`state`, `processing_module_id`);

-- +goose Down
-- reverse: create index "certificate_state_processing_module_id" to table: "certificates"
DROP INDEX `certificate_state_processing_module_id`;
