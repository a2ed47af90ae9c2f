-- +goose Up
-- create "notification_settings" table
CREATE TABLE `notification_settings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `recipients` json NULL, `event_types` json NULL, `language` text NOT NULL DEFAULT ('en'), `account_id` integer NOT NULL, CONSTRAINT `notification_settings_accounts_notification_settings` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE);
-- create index "notification_settings_account_id_key" to table: "notification_settings"
CREATE UNIQUE INDEX `notification_settings_account_id_key` ON `notification_settings` (`account_id`);

-- +goose Down
-- reverse: create index "notification_settings_account_id_key" to table: "notification_settings"
DROP INDEX `notification_settings_account_id_key`;
-- reverse: create "notification_settings" table
DROP TABLE `notification_settings`;
