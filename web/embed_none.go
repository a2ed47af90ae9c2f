//go:build nowebconsole

package web

import (
	"io/fs"
	"testing/fstest"
)

// Console returns no files: a binary built with -tags nowebconsole serves
// no console (scripts/web.sh measure builds one to weigh the embedded files).
func Console() fs.FS { return fstest.MapFS{} }
