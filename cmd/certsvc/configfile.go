package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/peterbourgon/ff/v3"

	"github.com/certsvc/certsvc/internal/config"
)

// Settings come from three places; the first that has one wins:
//
//  1. a command-line flag (--addr :8443);
//  2. its environment variable (CERTSVC_ADDR; what the flag's help names);
//  3. the configuration file named by --config or CERTSVC_CONFIG, one
//     setting per line as the flag's name and value ("addr :8443"),
//     # for comments.
//
// A name in the file that is no flag of certsvc is an error that names it;
// a flag of another command (addr, read by `certsvc migrate`) is ignored,
// so one file serves every command.

// extraEnv are the variables besides CERTSVC_<FLAG> that set a flag.
var extraEnv = map[string][]string{
	"database-url":  {"CERTSVC_DATABASE_URL_FILE"},
	"otlp-endpoint": {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
}

// flagEnv returns the environment variables that set flag name.
func flagEnv(name string) []string {
	return append([]string{"CERTSVC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))}, extraEnv[name]...)
}

// addConfigFlag defines --config on fs.
func addConfigFlag(fs *flag.FlagSet, getenv func(string) string) {
	fs.String("config", getenv("CERTSVC_CONFIG"),
		"configuration `file`: lines of \"flag-name value\"; flags and environment variables win over it (CERTSVC_CONFIG)")
}

// parseArgs parses args into fs (which has the --config flag), then the
// configuration file, if any, for the settings neither a flag nor an
// environment variable gave.
func parseArgs(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	file := fs.Lookup("config").Value.String()
	if file == "" {
		return nil
	}
	// Every flag of certsvc's commands, to tell a setting of another
	// command from a misspelt one.
	all := flag.NewFlagSet("all", flag.ContinueOnError)
	config.RegisterFlags(all, getenv, config.AllFlags)
	parser := func(r io.Reader, set func(name, value string) error) error {
		return ff.PlainParser(r, func(name, value string) error {
			switch {
			case name == "config":
				return fmt.Errorf("--config %s: a configuration file cannot name another", file)
			case fs.Lookup(name) == nil && all.Lookup(name) != nil:
				return nil // another command's setting
			case fs.Lookup(name) == nil:
				return fmt.Errorf("--config %s: unknown setting %q", file, name)
			}
			for _, v := range flagEnv(name) {
				if getenv(v) != "" {
					return nil // the environment wins
				}
			}
			if err := set(name, value); err != nil {
				return fmt.Errorf("--config %s: %s: %w", file, name, err)
			}
			return nil
		})
	}
	// ff skips the flags given on the command line and reads the file.
	if err := ff.Parse(fs, fs.Args(), ff.WithConfigFileFlag("config"), ff.WithConfigFileParser(parser)); err != nil {
		if strings.HasPrefix(err.Error(), "--config") {
			return err
		}
		return fmt.Errorf("--config %s: %w", file, err)
	}
	return nil
}
