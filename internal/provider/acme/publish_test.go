package acme_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/certsvc/certsvc/internal/provider/acme"
)

func TestMemoryPublisher(t *testing.T) {
	m := acme.NewMemoryPublisher()
	if err := m.Present(t.Context(), "Example.COM", "tok1", "tok1.thumb"); err != nil {
		t.Fatal(err)
	}
	serve := func(method, host, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://"+host+path, nil)
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name, method, host, path string
		code                     int
		body                     string
	}{
		{"ok/presented token", http.MethodGet, "example.com", "/.well-known/acme-challenge/tok1", 200, "tok1.thumb"},
		{"ok/host with port and any case", http.MethodGet, "EXAMPLE.com:5002", "/.well-known/acme-challenge/tok1", 200, "tok1.thumb"},
		{"ok/head", http.MethodHead, "example.com", "/.well-known/acme-challenge/tok1", 200, ""},
		{"error/other host", http.MethodGet, "other.example.com", "/.well-known/acme-challenge/tok1", 404, ""},
		{"error/unknown token", http.MethodGet, "example.com", "/.well-known/acme-challenge/tok2", 404, ""},
		{"error/other path", http.MethodGet, "example.com", "/tok1", 404, ""},
		{"error/post", http.MethodPost, "example.com", "/.well-known/acme-challenge/tok1", 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(tc.method, tc.host, tc.path)
			if rec.Code != tc.code {
				t.Fatalf("%s %s%s: got %d, want %d", tc.method, tc.host, tc.path, rec.Code, tc.code)
			}
			if tc.body != "" && rec.Body.String() != tc.body {
				t.Errorf("body %q, want %q", rec.Body.String(), tc.body)
			}
		})
	}
	if err := m.CleanUp(t.Context(), "example.com", "tok1"); err != nil {
		t.Fatal(err)
	}
	if rec := serve(http.MethodGet, "example.com", "/.well-known/acme-challenge/tok1"); rec.Code != 404 || m.Len() != 0 {
		t.Errorf("after CleanUp: %d, %d served; want 404, none", rec.Code, m.Len())
	}
}
