package server

import (
	"bytes"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/web"
)

// consoleHandler serves the web console at / and every path the mux has no
// other route for, and hands a request the legacy gateway owns (/ or
// /manager with func=) to gw. Files under assets/ carry a content hash in
// their names and are cached for a year; index.html is revalidated on every
// load, so a new binary's console is picked up at once. A GET for any other
// path without a file extension is a route of the single-page app and gets
// index.html; a missing file is a 404. The build puts a brotli (.br) and a
// gzip (.gz) copy beside each larger asset; a browser that accepts one gets
// it as is, with Content-Encoding, so nothing is compressed per request.
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
		if billmgr.IsGatewayPath(r) {
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
			if servePrecompressed(w, r, files, p) {
				return
			}
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

// precompressed lists the encodings the console build stores beside an
// asset, in the order they are preferred, with the suffix of their file.
var precompressed = []struct{ coding, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// servePrecompressed answers a request for file p with its stored brotli or
// gzip copy when the build made one and the request accepts that coding. It
// reports whether it answered; when it did not, the caller serves p itself.
// A file with copies always varies by Accept-Encoding, so a shared cache
// keeps the identity and the compressed answer apart.
func servePrecompressed(w http.ResponseWriter, r *http.Request, files fs.FS, p string) bool {
	has := false
	for _, c := range precompressed {
		if _, err := fs.Stat(files, p+c.suffix); err != nil {
			continue
		}
		has = true
		if !acceptsEncoding(r.Header.Get("Accept-Encoding"), c.coding) {
			continue
		}
		f, err := files.Open(p + c.suffix)
		if err != nil {
			break
		}
		defer f.Close()
		rs, ok := f.(io.ReadSeeker)
		if !ok {
			break
		}
		h := w.Header()
		h.Add("Vary", "Accept-Encoding")
		h.Set("Content-Encoding", c.coding)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		http.ServeContent(w, r, p, time.Time{}, rs)
		return true
	}
	if has {
		w.Header().Add("Vary", "Accept-Encoding")
	}
	return false
}

// acceptsEncoding reports whether an Accept-Encoding header value allows
// coding: named (or matched by *) with a q-value above zero.
func acceptsEncoding(header, coding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := 1.0
		for _, prm := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(prm), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch name {
		case coding:
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}
