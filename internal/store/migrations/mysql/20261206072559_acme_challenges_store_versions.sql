-- +goose Up
-- create "acme_challenges" table
CREATE TABLE `acme_challenges` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `token` varchar(128) NOT NULL, `domain` varchar(253) NOT NULL, `key_auth` varchar(512) NOT NULL, PRIMARY KEY (`id`), INDEX `acmechallenge_create_time` (`create_time`), UNIQUE INDEX `token` (`token`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "store_versions" table
CREATE TABLE `store_versions` (`id` bigint NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL, `value` bigint NOT NULL DEFAULT 0, PRIMARY KEY (`id`), UNIQUE INDEX `name` (`name`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "store_versions" table
DROP TABLE `store_versions`;
-- reverse: create "acme_challenges" table
DROP TABLE `acme_challenges`;
