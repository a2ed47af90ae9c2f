-- +goose Up
-- create "store_versions" table
CREATE TABLE `store_versions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `value` integer NOT NULL DEFAULT (0));
-- create index "store_versions_name_key" to table: "store_versions"
CREATE UNIQUE INDEX `store_versions_name_key` ON `store_versions` (`name`);

-- +goose Down
-- reverse: create index "store_versions_name_key" to table: "store_versions"
DROP INDEX `store_versions_name_key`;
-- reverse: create "store_versions" table
DROP TABLE `store_versions`;
