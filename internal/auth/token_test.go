package auth

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	body := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	tests := []struct {
		name   string
		prefix string
	}{
		{name: "ok/session prefix", prefix: "cs_s_"},
		{name: "ok/no prefix", prefix: ""},
		{name: "ok/long prefix", prefix: "certsvc_api_key_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 1000
			seen := make(map[string]bool, n)
			for range n {
				tok := NewToken(tt.prefix)
				if len(tok) != len(tt.prefix)+43 {
					t.Fatalf("NewToken(%q) = %q, %d characters, want %d", tt.prefix, tok, len(tok), len(tt.prefix)+43)
				}
				rest, ok := strings.CutPrefix(tok, tt.prefix)
				if !ok {
					t.Fatalf("NewToken(%q) = %q, want that prefix", tt.prefix, tok)
				}
				if !body.MatchString(rest) {
					t.Fatalf("NewToken(%q) = %q, body not 43 characters of base64url", tt.prefix, tok)
				}
				raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
				if err != nil || len(raw) != 32 {
					t.Fatalf("NewToken(%q) = %q, body decodes to %d bytes (%v), want 32", tt.prefix, tok, len(raw), err)
				}
				if seen[tok] {
					t.Fatalf("NewToken(%q) repeated %q", tt.prefix, tok)
				}
				seen[tok] = true
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{name: "ok/abc", token: "abc", want: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{name: "ok/empty", token: "", want: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{name: "ok/two blocks", token: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			want: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashToken(tt.token); got != tt.want {
				t.Errorf("HashToken(%q) = %s, want %s", tt.token, got, tt.want)
			}
		})
	}
	t.Run("ok/new token", func(t *testing.T) {
		tok := NewToken("cs_s_")
		h := HashToken(tok)
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
			t.Errorf("HashToken(%q) = %q, want 64 lower-case hex digits", tok, h)
		}
		if h != HashToken(tok) {
			t.Errorf("HashToken(%q) is not stable", tok)
		}
		if h == HashToken(tok+"x") {
			t.Errorf("HashToken ignores a trailing character")
		}
	})
}
