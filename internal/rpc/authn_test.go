package rpc

import (
	"net/http"
	"testing"
)

func TestClientAddr(t *testing.T) {
	tests := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"ok/no header", "203.0.113.5:4000", nil, "203.0.113.5:4000"},
		{"ok/loopback proxy", "127.0.0.1:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"ok/rightmost entry", "127.0.0.1:5000", []string{"10.0.0.1, 198.51.100.7"}, "198.51.100.7"},
		{"ok/rightmost header", "[::1]:5000", []string{"10.0.0.1", "198.51.100.8"}, "198.51.100.8"},
		{"error/spoofed from outside", "203.0.113.5:4000", []string{"198.51.100.7"}, "203.0.113.5:4000"},
		{"error/garbage entry", "127.0.0.1:5000", []string{"not-an-ip"}, "127.0.0.1:5000"},
		{"ok/gateway behind local nginx", "127.0.0.1:5000", []string{"198.51.100.9, 127.0.0.1"}, "198.51.100.9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.xff {
				h.Add("X-Forwarded-For", v)
			}
			if got := ClientAddr(h, tc.peer); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
