package server

import (
	"io"
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
