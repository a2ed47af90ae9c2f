-- +goose Up
-- modify "certificates" table
ALTER TABLE `certificates` ADD COLUMN `has_private_key` bool NOT NULL DEFAULT 0;
-- create "certificate_names" table
CREATE TABLE `certificate_names` (`id` bigint NOT NULL AUTO_INCREMENT, `certificate_id` bigint NOT NULL, `suffix` varchar(253) NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `certificatename_certificate_id_suffix` (`certificate_id`, `suffix`), INDEX `certificatename_suffix_certificate_id` (`suffix`, `certificate_id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- mark the certificates whose private key is held
UPDATE `certificates` SET `has_private_key` = 1 WHERE `private_key` <> '';
-- fill "certificate_names" from the names of the certificates there are
INSERT INTO `certificate_names` (`certificate_id`, `suffix`)
WITH RECURSIVE `names` (`certificate_id`, `suffix`) AS (
  SELECT `id`, CAST(LOWER(`common_name`) AS CHAR(253)) FROM `certificates`
  UNION SELECT `c`.`id`, LOWER(`j`.`name`) FROM `certificates` AS `c`,
    JSON_TABLE(`c`.`extra_names`, '$[*]' COLUMNS (`name` varchar(253) PATH '$')) AS `j`
  UNION SELECT `certificate_id`, SUBSTRING(`suffix`, LOCATE('.', `suffix`) + 1) FROM `names` WHERE LOCATE('.', `suffix`) > 0
) SELECT `certificate_id`, `suffix` FROM `names` WHERE `suffix` <> '';

-- +goose Down
-- reverse: create "certificate_names" table
DROP TABLE `certificate_names`;
-- reverse: modify "certificates" table
ALTER TABLE `certificates` DROP COLUMN `has_private_key`;
