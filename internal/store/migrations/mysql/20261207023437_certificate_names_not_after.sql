-- +goose Up
-- modify "certificate_names" table
ALTER TABLE `certificate_names` ADD COLUMN `not_after` datetime(6) NULL, DROP INDEX `certificatename_suffix_certificate_id`, ADD INDEX `certificatename_suffix_certificate_id_not_after` (`suffix`, `certificate_id`, `not_after`);
-- fill "not_after" from the certificates the names belong to
UPDATE `certificate_names` AS `n` JOIN `certificates` AS `c` ON `c`.`id` = `n`.`certificate_id` SET `n`.`not_after` = `c`.`not_after` WHERE `c`.`not_after` IS NOT NULL;

-- +goose Down
-- reverse: modify "certificate_names" table
ALTER TABLE `certificate_names` DROP INDEX `certificatename_suffix_certificate_id_not_after`, ADD INDEX `certificatename_suffix_certificate_id` (`suffix`, `certificate_id`), DROP COLUMN `not_after`;
