-- +goose Up
-- create "notification_settings" table
CREATE TABLE `notification_settings` (`id` bigint NOT NULL AUTO_INCREMENT, `create_time` datetime(6) NOT NULL, `update_time` datetime(6) NOT NULL, `recipients` json NULL, `event_types` json NULL, `language` enum('en','ru') NOT NULL DEFAULT 'en', `account_id` bigint NOT NULL, PRIMARY KEY (`id`), UNIQUE INDEX `account_id` (`account_id`), CONSTRAINT `notification_settings_accounts_notification_settings` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE) CHARSET utf8mb4 COLLATE utf8mb4_bin;

-- +goose Down
-- reverse: create "notification_settings" table
DROP TABLE `notification_settings`;
