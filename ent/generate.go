// Package ent holds the generated data access code; the model is in ./schema.
package ent

//go:generate go tool ent generate --feature sql/upsert,sql/lock,sql/modifier,sql/execquery,sql/versioned-migration,intercept,schema/snapshot ./schema
