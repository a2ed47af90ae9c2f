-- +goose Up
-- modify "certificates" table
ALTER TABLE `certificates` ADD COLUMN `auto_renew_period_months` int NULL;

-- +goose Down
-- reverse: modify "certificates" table
ALTER TABLE `certificates` DROP COLUMN `auto_renew_period_months`;
