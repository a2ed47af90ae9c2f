package server_test

import (
	"os"
	"testing"

	"github.com/certsvc/certsvc/internal/server"
)

// TestMain runs the package's tests and benchmarks with the garbage
// collector tuned as the binary tunes it, so that the benchmarks measure
// what a served certsvc does.
func TestMain(m *testing.M) {
	server.TuneGC(os.Getenv)
	os.Exit(m.Run())
}
