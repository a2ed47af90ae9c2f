-- +goose Up
-- create "acme_challenges" table
CREATE TABLE `acme_challenges` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `token` text NOT NULL, `domain` text NOT NULL, `key_auth` text NOT NULL);
-- create index "acme_challenges_token_key" to table: "acme_challenges"
CREATE UNIQUE INDEX `acme_challenges_token_key` ON `acme_challenges` (`token`);
-- create index "acmechallenge_create_time" to table: "acme_challenges"
CREATE INDEX `acmechallenge_create_time` ON `acme_challenges` (`create_time`);

-- +goose Down
-- reverse: create index "acmechallenge_create_time" to table: "acme_challenges"
DROP INDEX `acmechallenge_create_time`;
-- reverse: create index "acme_challenges_token_key" to table: "acme_challenges"
DROP INDEX `acme_challenges_token_key`;
-- reverse: create "acme_challenges" table
DROP TABLE `acme_challenges`;
