-- +goose Up
-- create "certificate_names" table
CREATE TABLE `certificate_names` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `certificate_id` integer NOT NULL, `suffix` text NOT NULL);
-- create index "certificatename_suffix_certificate_id" to table: "certificate_names"
CREATE INDEX `certificatename_suffix_certificate_id` ON `certificate_names` (`suffix`, `certificate_id`);
-- create index "certificatename_certificate_id_suffix" to table: "certificate_names"
CREATE UNIQUE INDEX `certificatename_certificate_id_suffix` ON `certificate_names` (`certificate_id`, `suffix`);
-- fill "certificate_names" from the names of the certificates there are
INSERT INTO `certificate_names` (`certificate_id`, `suffix`)
WITH RECURSIVE `names` (`certificate_id`, `suffix`) AS (
  SELECT `id`, LOWER(`common_name`) FROM `certificates`
  UNION SELECT `c`.`id`, LOWER(`j`.`value`) FROM `certificates` AS `c`, json_each(`c`.`extra_names`) AS `j`
  UNION SELECT `certificate_id`, substr(`suffix`, instr(`suffix`, '.') + 1) FROM `names` WHERE instr(`suffix`, '.') > 0
) SELECT `certificate_id`, `suffix` FROM `names` WHERE `suffix` <> '';

-- +goose Down
-- reverse: create index "certificatename_certificate_id_suffix" to table: "certificate_names"
DROP INDEX `certificatename_certificate_id_suffix`;
-- reverse: create index "certificatename_suffix_certificate_id" to table: "certificate_names"
DROP INDEX `certificatename_suffix_certificate_id`;
-- reverse: create "certificate_names" table
DROP TABLE `certificate_names`;
