-- +goose Up
-- create "accounts" table
CREATE TABLE `accounts` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `name` varchar(128) NOT NULL, `currency` varchar(3) NOT NULL, `balance` bigint NOT NULL DEFAULT 0, PRIMARY KEY (`id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "users" table
CREATE TABLE `users` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `login` varchar(128) NOT NULL, `password_hash` varchar(255) NOT NULL, `level` enum('admin','user') NOT NULL, `name` varchar(128) NOT NULL DEFAULT '', `email` varchar(254) NOT NULL DEFAULT '', `disabled` bool NOT NULL DEFAULT 0, `last_login_time` datetime(6) NULL, `account_id` bigint NULL, PRIMARY KEY (`id`), UNIQUE INDEX `login` (`login`), INDEX `users_accounts_users` (`account_id`), CONSTRAINT `users_accounts_users` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON UPDATE RESTRICT ON DELETE RESTRICT) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "api_keys" table
CREATE TABLE `api_keys` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `name` varchar(64) NOT NULL, `prefix` varchar(16) NOT NULL, `secret_hash` varchar(64) NOT NULL, `expire_time` datetime(6) NULL, `last_used_time` datetime(6) NULL, `user_id` bigint NOT NULL, PRIMARY KEY (`id`), INDEX `api_keys_users_api_keys` (`user_id`), UNIQUE INDEX `secret_hash` (`secret_hash`), CONSTRAINT `api_keys_users_api_keys` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "ledger_entries" table
CREATE TABLE `ledger_entries` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `kind` enum('deposit','adjustment','charge','refund') NOT NULL, `amount` bigint NOT NULL, `currency` varchar(3) NOT NULL, `balance_after` bigint NOT NULL, `description` varchar(256) NOT NULL DEFAULT '', `actor_user_id` bigint NULL, `idempotency_key` varchar(64) NULL, `account_id` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `ledgerentry_account_id_idempotency_key` (`account_id`, `idempotency_key`), INDEX `ledgerentry_create_time` (`create_time`), CONSTRAINT `ledger_entries_accounts_ledger_entries` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON UPDATE RESTRICT ON DELETE RESTRICT) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "login_keys" table
CREATE TABLE `login_keys` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `key_hash` varchar(64) NOT NULL, `creator_user_id` bigint NOT NULL, `expire_time` datetime(6) NOT NULL, `use_time` datetime(6) NULL, `user_id` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `key_hash` (`key_hash`), INDEX `login_keys_users_login_keys` (`user_id`), CONSTRAINT `login_keys_users_login_keys` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "plans" table
CREATE TABLE `plans` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `foreign_id` bigint NOT NULL, `name` varchar(128) NOT NULL, `brand` varchar(64) NOT NULL, `validation` enum('dv','ov','ev') NOT NULL, `wildcard` bool NOT NULL DEFAULT 0, `multi_domain` bool NOT NULL DEFAULT 0, `included_names` int NOT NULL DEFAULT 1, `max_names` int NOT NULL DEFAULT 1, `extra_name_addon_id` bigint NOT NULL DEFAULT 0, `idn` bool NOT NULL DEFAULT 0, `www_and_bare` bool NOT NULL DEFAULT 0, `enabled` bool NOT NULL DEFAULT 1, PRIMARY KEY (`id`), UNIQUE INDEX `foreign_id` (`foreign_id`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "plan_prices" table
CREATE TABLE `plan_prices` (`id` bigint NOT NULL AUTO_INCREMENT, `period_months` int NOT NULL, `currency` varchar(3) NOT NULL, `amount` bigint NOT NULL, `extra_name_amount` bigint NOT NULL DEFAULT 0, `plan_id` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `planprice_plan_id_period_months_currency` (`plan_id`, `period_months`, `currency`), CONSTRAINT `plan_prices_plans_prices` FOREIGN KEY (`plan_id`) REFERENCES `plans` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_bin;
-- create "sessions" table
CREATE TABLE `sessions` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `token_hash` varchar(64) NOT NULL, `expire_time` datetime(6) NOT NULL, `revoke_time` datetime(6) NULL, `remote_addr` varchar(64) NOT NULL DEFAULT '', `user_id` bigint NOT NULL, PRIMARY KEY (`id`), INDEX `sessions_users_sessions` (`user_id`), INDEX `session_expire_time` (`expire_time`), UNIQUE INDEX `token_hash` (`token_hash`), CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "sessions" table
DROP TABLE `sessions`;
-- reverse: create "plan_prices" table
DROP TABLE `plan_prices`;
-- reverse: create "plans" table
DROP TABLE `plans`;
-- reverse: create "login_keys" table
DROP TABLE `login_keys`;
-- reverse: create "ledger_entries" table
DROP TABLE `ledger_entries`;
-- reverse: create "api_keys" table
DROP TABLE `api_keys`;
-- reverse: create "users" table
DROP TABLE `users`;
-- reverse: create "accounts" table
DROP TABLE `accounts`;
