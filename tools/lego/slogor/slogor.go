// Package slogor stands in for gitlab.com/greyxor/slogor, the colour log
// handler of lego's CLI, which the Go module proxy used here does not serve
// (tools/lego/go.mod replaces it with this directory). It has only what lego
// v5 calls, on top of log/slog's text handler. scripts/bench-acme.sh runs
// lego with --log.format text, so this code is not even on the path there.
package slogor

import (
	"io"
	"log/slog"
)

type options struct {
	level slog.Leveler
}

// OptionFn configures NewHandler.
type OptionFn func(*options)

// SetLevel sets the lowest level logged.
func SetLevel(l slog.Leveler) OptionFn { return func(o *options) { o.level = l } }

// SetTimeFormat is accepted and ignored: times are written as log/slog does.
func SetTimeFormat(string) OptionFn { return func(*options) {} }

// DisableColor is accepted and ignored: this handler has no colours.
func DisableColor() OptionFn { return func(*options) {} }

// NewHandler is a log/slog text handler writing to w.
func NewHandler(w io.Writer, opts ...OptionFn) slog.Handler {
	o := options{level: slog.LevelInfo}
	for _, f := range opts {
		f(&o)
	}
	return slog.NewTextHandler(w, &slog.HandlerOptions{Level: o.level})
}
