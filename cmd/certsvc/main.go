// Command certsvc sells and manages SSL/TLS certificates for hosting providers
// and resellers. With no command it serves the API; `certsvc --help` lists the
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
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is the release, set at build time with
// -ldflags "-X main.version=v1.2.3"; without it the module version or the
// VCS revision from the build information is shown.
var version string

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

// command is one top-level command of the binary.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, io cmdIO) error
}

// cmdIO is what a command reads and writes besides its arguments.
type cmdIO struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands are the top-level commands, in the order help lists them.
var commands = []command{
	{"serve", "[flags]", "serve the API (the default when no command is given)",
		func(ctx context.Context, args []string, c cmdIO) error { return serve(ctx, args, c.getenv, c.stderr) }},
	{"migrate", "[flags]", "apply the database migrations and print the schema version",
		func(ctx context.Context, args []string, c cmdIO) error {
			return migrateCmd(ctx, args, c.getenv, c.stdout, c.stderr)
		}},
	{"admin", "COMMAND [flags]", "operator commands on the database (listed below)",
		func(ctx context.Context, args []string, c cmdIO) error {
			return adminCmd(ctx, args, c.getenv, c.stdin, c.stdout, c.stderr)
		}},
	{"version", "", "print the version of this build",
		func(_ context.Context, _ []string, c cmdIO) error {
			_, err := fmt.Fprintln(c.stdout, versionLine())
			return err
		}},
	{"help", "", "this text", nil}, // run answers it: printUsage reads this table
}

// printUsage lists every command, admin commands included.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "certsvc sells and manages SSL/TLS certificates.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-33s %s\n", strings.TrimSpace("certsvc "+c.name+" "+c.args), c.summary)
	}
	fmt.Fprint(w, "\nAdmin commands:\n")
	for _, c := range adminCommands {
		fmt.Fprintf(w, "  %-33s %s\n", "certsvc admin "+c.name, c.summary)
	}
	fmt.Fprint(w, "\nFlags:\n  --help      after a command: its flags, e.g. \"certsvc serve --help\"\n  --version   the version of this build\n")
}

// versionLine is what `certsvc version` prints.
func versionLine() string {
	v, rev := version, ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && modified {
			rev += "-dirty"
		}
	}
	if v == "" {
		v = "devel"
	}
	line := "certsvc " + v
	if rev != "" {
		line += " (" + rev + ")"
	}
	return line + " " + runtime.Version()
}

// run dispatches to a command. It returns flag.ErrHelp after printing help.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := cmdIO{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	name := "serve"
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			printUsage(stdout)
			return flag.ErrHelp
		case "-version", "--version":
			_, err := fmt.Fprintln(stdout, versionLine())
			return err
		}
		if args[0] != "" && args[0][0] != '-' {
			name, args = args[0], args[1:]
		}
	}
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd.run(ctx, args, c)
		}
	}
	printUsage(stderr)
	return fmt.Errorf("unknown command %q", name)
}
