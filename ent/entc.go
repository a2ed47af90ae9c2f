//go:build ignore

// entc generates the ent code of certsvc from ./schema (go generate ./ent).
//
// It is `ent generate` with one difference: the SQL storage is declared
// without ent's migration support, so the generated client has no Schema
// field and no ent/migrate package. That package imports ent's migration
// engine and with it Atlas (HCL, cty, go-cmp, inflect, ...): more than fifty
// packages whose init code and tables every certsvc process would page in
// (see scripts/rss.sh) although certsvc migrates with goose from
// internal/store/migrations. The migration writer (internal/store/schemadiff)
// builds the tables from ./schema itself.
package main

import (
	"log"

	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	storage, err := gen.NewStorage("sql")
	if err != nil {
		log.Fatalf("ent: %v", err)
	}
	noMigrate := *storage
	noMigrate.SchemaMode &^= gen.Migrate
	err = entc.Generate("./schema", &gen.Config{Storage: &noMigrate},
		entc.FeatureNames("sql/upsert", "sql/lock", "sql/modifier", "sql/execquery", "intercept", "schema/snapshot"))
	if err != nil {
		log.Fatalf("ent: %v", err)
	}
}
