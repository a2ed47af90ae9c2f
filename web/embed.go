//go:build !nowebconsole

// Package web embeds the built web console (web/console/dist, produced by
// `make generate` from web/console and committed), so the certsvc binary
// serves it with no Node on the machine.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:console/dist
var dist embed.FS

// Console returns the console's files: index.html at the root and the
// content-hashed bundles under assets/.
func Console() fs.FS {
	sub, err := fs.Sub(dist, "console/dist")
	if err != nil {
		panic(err) // the directory is embedded above; Sub cannot fail
	}
	return sub
}
