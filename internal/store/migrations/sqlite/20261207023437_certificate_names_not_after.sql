-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_certificate_names" table
CREATE TABLE `new_certificate_names` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `certificate_id` integer NOT NULL, `suffix` text NOT NULL, `not_after` datetime NULL);
-- copy rows from old table "certificate_names" to new temporary table "new_certificate_names", with the not_after of their certificates
INSERT INTO `new_certificate_names` (`id`, `certificate_id`, `suffix`, `not_after`) SELECT `n`.`id`, `n`.`certificate_id`, `n`.`suffix`, `c`.`not_after` FROM `certificate_names` AS `n` LEFT JOIN `certificates` AS `c` ON `c`.`id` = `n`.`certificate_id`;
-- drop "certificate_names" table after copying rows
DROP TABLE `certificate_names`;
-- rename temporary table "new_certificate_names" to "certificate_names"
ALTER TABLE `new_certificate_names` RENAME TO `certificate_names`;
-- create index "certificatename_suffix_certificate_id_not_after" to table: "certificate_names"
CREATE INDEX `certificatename_suffix_certificate_id_not_after` ON `certificate_names` (`suffix`, `certificate_id`, `not_after`);
-- create index "certificatename_certificate_id_suffix" to table: "certificate_names"
CREATE UNIQUE INDEX `certificatename_certificate_id_suffix` ON `certificate_names` (`certificate_id`, `suffix`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "certificatename_certificate_id_suffix" to table: "certificate_names"
DROP INDEX `certificatename_certificate_id_suffix`;
-- reverse: create index "certificatename_suffix_certificate_id_not_after" to table: "certificate_names"
DROP INDEX `certificatename_suffix_certificate_id_not_after`;
-- reverse: create "new_certificate_names" table
DROP TABLE `new_certificate_names`;
