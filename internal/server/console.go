package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/certsvc/certsvc/compat/billmgrhttp"
	"github.com/certsvc/certsvc/web"
)

// consoleHandler serves the web console at / and every path the mux has no
// other route for, and hands a request the legacy gateway owns (/ or
// /manager with func=) to gw. Files under assets/ carry a content hash in
// their names and are cached for a year; index.html is revalidated on every
// load, so a new binary's console is picked up at once. A GET for any other
// path without a file extension is a route of the single-page app and gets
// index.html; a missing file is a 404.
func consoleHandler(files fs.FS, gw http.Handler) http.Handler {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		index = []byte("<!doctype html><title>certsvc</title><p>The web console was not built into this binary.</p>")
	}
	serveIndex := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(index))
	}
	static := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if billmgrhttp.IsGatewayPath(r) {
			gw.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.NotFound(w, r)
			return
		}
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p == "" || p == "index.html" {
			serveIndex(w, r)
			return
		}
		if st, err := fs.Stat(files, p); err == nil && !st.IsDir() {
			if strings.HasPrefix(p, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			w.Header().Set("X-Content-Type-Options", "nosniff")
			static.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(p, "assets/") || strings.Contains(path.Base(p), ".") {
			http.NotFound(w, r)
			return
		}
		serveIndex(w, r)
	})
}

// consoleFiles is the embedded console; a variable so tests can serve another.
var consoleFiles = web.Console()
