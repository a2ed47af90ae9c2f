-- +goose Up
-- add column "auto_renew_period_months" to table: "certificates"
ALTER TABLE `certificates` ADD COLUMN `auto_renew_period_months` integer NULL;

-- +goose Down
-- reverse: add column "auto_renew_period_months" to table: "certificates"
ALTER TABLE `certificates` DROP COLUMN `auto_renew_period_months`;
