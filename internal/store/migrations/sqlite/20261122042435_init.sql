-- +goose Up
-- create "api_keys" table
CREATE TABLE `api_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `name` text NOT NULL, `prefix` text NOT NULL, `secret_hash` text NOT NULL, `expire_time` datetime NULL, `last_used_time` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `api_keys_users_api_keys` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create index "api_keys_secret_hash_key" to table: "api_keys"
CREATE UNIQUE INDEX `api_keys_secret_hash_key` ON `api_keys` (`secret_hash`);
-- create "accounts" table
CREATE TABLE `accounts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `name` text NOT NULL, `currency` text NOT NULL, `balance` integer NOT NULL DEFAULT (0));
-- create "ledger_entries" table
CREATE TABLE `ledger_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `kind` text NOT NULL, `amount` integer NOT NULL, `currency` text NOT NULL, `balance_after` integer NOT NULL, `description` text NOT NULL DEFAULT (''), `actor_user_id` integer NULL, `idempotency_key` text NULL, `account_id` integer NOT NULL, CONSTRAINT `ledger_entries_accounts_ledger_entries` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE RESTRICT);
-- create index "ledgerentry_account_id_idempotency_key" to table: "ledger_entries"
CREATE UNIQUE INDEX `ledgerentry_account_id_idempotency_key` ON `ledger_entries` (`account_id`, `idempotency_key`);
-- create index "ledgerentry_create_time" to table: "ledger_entries"
CREATE INDEX `ledgerentry_create_time` ON `ledger_entries` (`create_time`);
-- create "login_keys" table
CREATE TABLE `login_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `key_hash` text NOT NULL, `creator_user_id` integer NOT NULL, `expire_time` datetime NOT NULL, `use_time` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `login_keys_users_login_keys` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create index "login_keys_key_hash_key" to table: "login_keys"
CREATE UNIQUE INDEX `login_keys_key_hash_key` ON `login_keys` (`key_hash`);
-- create "plans" table
CREATE TABLE `plans` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `foreign_id` integer NOT NULL, `name` text NOT NULL, `brand` text NOT NULL, `validation` text NOT NULL, `wildcard` bool NOT NULL DEFAULT (false), `multi_domain` bool NOT NULL DEFAULT (false), `included_names` integer NOT NULL DEFAULT (1), `max_names` integer NOT NULL DEFAULT (1), `extra_name_addon_id` integer NOT NULL DEFAULT (0), `idn` bool NOT NULL DEFAULT (false), `www_and_bare` bool NOT NULL DEFAULT (false), `enabled` bool NOT NULL DEFAULT (true));
-- create index "plans_foreign_id_key" to table: "plans"
CREATE UNIQUE INDEX `plans_foreign_id_key` ON `plans` (`foreign_id`);
-- create "plan_prices" table
CREATE TABLE `plan_prices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `period_months` integer NOT NULL, `currency` text NOT NULL, `amount` integer NOT NULL, `extra_name_amount` integer NOT NULL DEFAULT (0), `plan_id` integer NOT NULL, CONSTRAINT `plan_prices_plans_prices` FOREIGN KEY (`plan_id`) REFERENCES `plans` (`id`) ON DELETE CASCADE);
-- create index "planprice_plan_id_period_months_currency" to table: "plan_prices"
CREATE UNIQUE INDEX `planprice_plan_id_period_months_currency` ON `plan_prices` (`plan_id`, `period_months`, `currency`);
-- create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `token_hash` text NOT NULL, `expire_time` datetime NOT NULL, `revoke_time` datetime NULL, `remote_addr` text NOT NULL DEFAULT (''), `user_id` integer NOT NULL, CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- create index "session_expire_time" to table: "sessions"
CREATE INDEX `session_expire_time` ON `sessions` (`expire_time`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `login` text NOT NULL, `password_hash` text NOT NULL, `level` text NOT NULL, `name` text NOT NULL DEFAULT (''), `email` text NOT NULL DEFAULT (''), `disabled` bool NOT NULL DEFAULT (false), `last_login_time` datetime NULL, `account_id` integer NULL, CONSTRAINT `users_accounts_users` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE RESTRICT);
-- create index "users_login_key" to table: "users"
CREATE UNIQUE INDEX `users_login_key` ON `users` (`login`);

-- +goose Down
-- reverse: create index "users_login_key" to table: "users"
DROP INDEX `users_login_key`;
-- reverse: create "users" table
DROP TABLE `users`;
-- reverse: create index "session_expire_time" to table: "sessions"
DROP INDEX `session_expire_time`;
-- reverse: create index "sessions_token_hash_key" to table: "sessions"
DROP INDEX `sessions_token_hash_key`;
-- reverse: create "sessions" table
DROP TABLE `sessions`;
-- reverse: create index "planprice_plan_id_period_months_currency" to table: "plan_prices"
DROP INDEX `planprice_plan_id_period_months_currency`;
-- reverse: create "plan_prices" table
DROP TABLE `plan_prices`;
-- reverse: create index "plans_foreign_id_key" to table: "plans"
DROP INDEX `plans_foreign_id_key`;
-- reverse: create "plans" table
DROP TABLE `plans`;
-- reverse: create index "login_keys_key_hash_key" to table: "login_keys"
DROP INDEX `login_keys_key_hash_key`;
-- reverse: create "login_keys" table
DROP TABLE `login_keys`;
-- reverse: create index "ledgerentry_create_time" to table: "ledger_entries"
DROP INDEX `ledgerentry_create_time`;
-- reverse: create index "ledgerentry_account_id_idempotency_key" to table: "ledger_entries"
DROP INDEX `ledgerentry_account_id_idempotency_key`;
-- reverse: create "ledger_entries" table
DROP TABLE `ledger_entries`;
-- reverse: create "accounts" table
DROP TABLE `accounts`;
-- reverse: create index "api_keys_secret_hash_key" to table: "api_keys"
DROP INDEX `api_keys_secret_hash_key`;
-- reverse: create "api_keys" table
DROP TABLE `api_keys`;
