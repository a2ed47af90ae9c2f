// Command certsvc sells and manages SSL/TLS certificates for hosting providers
// and resellers. With no command it serves the API; `certsvc help` lists the
// other commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "certsvc:", err)
		os.Exit(1)
	}
}

const usage = `certsvc sells and manages SSL/TLS certificates.

Usage:
  certsvc [serve] [flags]      serve the API (the default)
  certsvc migrate [flags]      apply database migrations
  certsvc admin ...            operator commands on the database (certsvc admin help)
  certsvc help                 this text

Every command takes the database flags; run "certsvc serve --help" for all flags.
`

// run dispatches to a command. It returns flag.ErrHelp after printing help.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "migrate":
		return migrateCmd(ctx, args, getenv, stdout, stderr)
	case "admin":
		return adminCmd(ctx, args, getenv, stdin, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return flag.ErrHelp
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
