package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestConsoleHandler(t *testing.T) {
	files := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>console</title>")},
		"assets/index-AbC1.js": {Data: []byte("console.log(1)")},
		"favicon.svg":          {Data: []byte("<svg/>")},
	}
	gw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "gateway") })
	h := consoleHandler(files, gw)
	do := func(method, target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
		return rec
	}
	for _, tc := range []struct {
		name, method, target string
		code                 int
		body, cache          string
	}{
		{"root is the console", "GET", "/", 200, "<title>console", "no-cache"},
		{"root with func= is the gateway", "GET", "/?func=auth&out=xml", 200, "gateway", ""},
		{"POST to root is the gateway's", "POST", "/", 200, "gateway", ""},
		{"an app route falls back to index.html", "GET", "/certificates/12", 200, "<title>console", "no-cache"},
		{"hashed asset cached for a year", "GET", "/assets/index-AbC1.js", 200, "console.log", "public, max-age=31536000, immutable"},
		{"other file revalidated", "GET", "/favicon.svg", 200, "<svg", "no-cache"},
		{"missing asset is 404, not the page", "GET", "/assets/gone-123.js", 404, "", ""},
		{"missing file is 404", "GET", "/robots.txt", 404, "", ""},
		{"POST elsewhere is 404", "POST", "/certificates", 404, "", ""},
		{"HEAD of a route", "HEAD", "/login", 200, "", "no-cache"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(tc.method, tc.target)
			if rec.Code != tc.code {
				t.Fatalf("%s %s: code %d, want %d", tc.method, tc.target, rec.Code, tc.code)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("%s %s: body %q, want it to contain %q", tc.method, tc.target, rec.Body.String(), tc.body)
			}
			if got := rec.Header().Get("Cache-Control"); tc.cache != "" && got != tc.cache {
				t.Fatalf("%s %s: Cache-Control %q, want %q", tc.method, tc.target, got, tc.cache)
			}
		})
	}
}

func TestConsolePrecompressed(t *testing.T) {
	files := fstest.MapFS{
		"index.html":              {Data: []byte("<!doctype html>")},
		"assets/index-AbC1.js":    {Data: []byte("console.log(1)")},
		"assets/index-AbC1.js.br": {Data: []byte("BROTLI")},
		"assets/index-AbC1.js.gz": {Data: []byte("GZIP")},
		"assets/small-X.css":      {Data: []byte("a{}")},
		"assets/gz-only-Y.js":     {Data: []byte("plain")},
		"assets/gz-only-Y.js.gz":  {Data: []byte("GZ-ONLY")},
	}
	h := consoleHandler(files, http.NotFoundHandler())
	for _, tc := range []struct {
		name, target, accept string
		body, encoding, vary string
	}{
		{"brotli preferred", "/assets/index-AbC1.js", "gzip, deflate, br, zstd", "BROTLI", "br", "Accept-Encoding"},
		{"gzip when brotli is not accepted", "/assets/index-AbC1.js", "gzip, deflate", "GZIP", "gzip", "Accept-Encoding"},
		{"brotli refused with q=0", "/assets/index-AbC1.js", "br;q=0, gzip;q=0.5", "GZIP", "gzip", "Accept-Encoding"},
		{"identity without Accept-Encoding", "/assets/index-AbC1.js", "", "console.log(1)", "", "Accept-Encoding"},
		{"star accepts brotli", "/assets/index-AbC1.js", "*", "BROTLI", "br", "Accept-Encoding"},
		{"star with gzip refused", "/assets/gz-only-Y.js", "gzip;q=0, *", "plain", "", "Accept-Encoding"},
		{"gzip-only asset", "/assets/gz-only-Y.js", "br, gzip", "GZ-ONLY", "gzip", "Accept-Encoding"},
		{"asset without copies", "/assets/small-X.css", "br, gzip", "a{}", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.target, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("code %d, want 200", rec.Code)
			}
			if got := rec.Body.String(); got != tc.body {
				t.Fatalf("body %q, want %q", got, tc.body)
			}
			if got := rec.Header().Get("Content-Encoding"); got != tc.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tc.encoding)
			}
			if got := rec.Header().Get("Vary"); got != tc.vary {
				t.Fatalf("Vary %q, want %q", got, tc.vary)
			}
			ct := rec.Header().Get("Content-Type")
			if want := "text/javascript"; strings.HasSuffix(tc.target, ".js") && !strings.HasPrefix(ct, want) {
				t.Fatalf("Content-Type %q, want %s", ct, want)
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Fatalf("Cache-Control %q", got)
			}
		})
	}
}

// The build's gzip copies must be the files themselves: a copy taken before
// the bundler finished a chunk once shipped a console whose lazy pages failed.
func TestConsoleBuildPrecompressedMatch(t *testing.T) {
	entries, err := fs.ReadDir(consoleFiles, "assets")
	if err != nil {
		t.Skipf("no console build embedded: %v", err)
	}
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".gz") {
			continue
		}
		orig, err := fs.ReadFile(consoleFiles, "assets/"+strings.TrimSuffix(name, ".gz"))
		if err != nil {
			t.Fatalf("%s has no original: %v", name, err)
		}
		gz, err := fs.ReadFile(consoleFiles, "assets/"+name)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, orig) {
			t.Errorf("%s does not decompress to %s", name, strings.TrimSuffix(name, ".gz"))
		}
		if _, err := fs.Stat(consoleFiles, "assets/"+strings.TrimSuffix(name, ".gz")+".br"); err != nil {
			t.Errorf("%s has no brotli copy beside it", name)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("the embedded console has no precompressed assets")
	}
}
