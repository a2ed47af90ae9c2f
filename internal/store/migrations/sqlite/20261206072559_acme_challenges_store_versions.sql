-- +goose Up
-- create "acme_challenges" table
CREATE TABLE `acme_challenges` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `token` text NOT NULL, `domain` text NOT NULL, `key_auth` text NOT NULL);
-- create index "acme_challenges_token_key" to table: "acme_challenges"
CREATE UNIQUE INDEX `acme_challenges_token_key` ON `acme_challenges` (`token`);
-- create index "acmechallenge_create_time" to table: "acme_challenges"
CREATE INDEX `acmechallenge_create_time` ON `acme_challenges` (`create_time`);
-- create "store_versions" table
CREATE TABLE `store_versions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `value` integer NOT NULL DEFAULT (0));
-- create index "store_versions_name_key" to table: "store_versions"
CREATE UNIQUE INDEX `store_versions_name_key` ON `store_versions` (`name`);

-- +goose Down
-- reverse: create index "store_versions_name_key" to table: "store_versions"
DROP INDEX `store_versions_name_key`;
-- reverse: create "store_versions" table
DROP TABLE `store_versions`;
-- reverse: create index "acmechallenge_create_time" to table: "acme_challenges"
DROP INDEX `acmechallenge_create_time`;
-- reverse: create index "acme_challenges_token_key" to table: "acme_challenges"
DROP INDEX `acme_challenges_token_key`;
-- reverse: create "acme_challenges" table
DROP TABLE `acme_challenges`;
