-- +goose Up
-- create "store_versions" table
CREATE TABLE `store_versions` (`id` bigint NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL, `value` bigint NOT NULL DEFAULT 0, PRIMARY KEY (`id`), UNIQUE INDEX `name` (`name`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "store_versions" table
DROP TABLE `store_versions`;
