package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// Pieces of well-formed hashes for table cases: 16 bytes of salt and 32 of
// key in unpadded standard base64.
const (
	goodSalt  = "c29tZXNhbHRzb21lc2FsdA"                      // "somesaltsomesalt"
	goodKey   = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" // bytes 0..31
	goodParts = "$m=64,t=1,p=1$" + goodSalt + "$" + goodKey
)

func TestHashPassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		params   Params
		want     *regexp.Regexp
	}{
		{name: "ok/test params", password: "hunter2", params: TestParams,
			want: regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)},
		{name: "ok/default params", password: "hunter2", params: DefaultParams,
			want: regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)},
		{name: "ok/two threads", password: "hunter2", params: Params{Time: 1, MemoryKiB: 64, Threads: 2},
			want: regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)},
		{name: "ok/empty password", password: "", params: TestParams,
			want: regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$`)},
		{name: "error/zero params", params: Params{}},
		{name: "error/zero time", params: Params{Time: 0, MemoryKiB: 64, Threads: 1}},
		{name: "error/zero threads", params: Params{Time: 1, MemoryKiB: 64, Threads: 0}},
		{name: "error/time over 100", params: Params{Time: 101, MemoryKiB: 64, Threads: 1}},
		{name: "error/memory over 1 GiB", params: Params{Time: 1, MemoryKiB: 1<<20 + 1, Threads: 1}},
		{name: "error/memory under 8 KiB per thread", params: Params{Time: 1, MemoryKiB: 15, Threads: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HashPassword(tt.password, tt.params)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("HashPassword(%+v) = %q, want an error", tt.params, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("HashPassword(%+v): %v", tt.params, err)
			}
			if !tt.want.MatchString(got) {
				t.Errorf("HashPassword(%+v) = %q, want match of %s", tt.params, got, tt.want)
			}
			ok, err := VerifyPassword(got, tt.password)
			if err != nil || !ok {
				t.Errorf("VerifyPassword(HashPassword(%q)) = %v, %v, want true, nil", tt.password, ok, err)
			}
		})
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, errA := HashPassword("same password", TestParams)
	b, errB := HashPassword("same password", TestParams)
	if errA != nil || errB != nil {
		t.Fatalf("HashPassword: %v, %v", errA, errB)
	}
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
	ha, _ := parsePHC(a)
	hb, _ := parsePHC(b)
	if string(ha.salt) == string(hb.salt) || len(ha.salt) != 16 || len(ha.key) != 32 {
		t.Errorf("salts %x and %x, key of %d bytes: want distinct 16-byte salts and a 32-byte key",
			ha.salt, hb.salt, len(ha.key))
	}
}

func TestVerifyPassword(t *testing.T) {
	mustHash := func(password string) string {
		t.Helper()
		h, err := HashPassword(password, TestParams)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	hunter2 := mustHash("hunter2")
	unicode := mustHash("пароль 密码 🔑")
	long := mustHash(strings.Repeat("long ", 1000))
	empty := mustHash("")

	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
	}{
		{name: "ok/match", hash: hunter2, password: "hunter2", want: true},
		{name: "ok/unicode match", hash: unicode, password: "пароль 密码 🔑", want: true},
		{name: "ok/long match", hash: long, password: strings.Repeat("long ", 1000), want: true},
		{name: "ok/empty match", hash: empty, password: "", want: true},
		{name: "ok/wrong password", hash: hunter2, password: "hunter3"},
		{name: "ok/case differs", hash: hunter2, password: "Hunter2"},
		{name: "ok/prefix of password", hash: hunter2, password: "hunter"},
		{name: "ok/trailing space", hash: hunter2, password: "hunter2 "},
		{name: "ok/empty against non-empty", hash: hunter2, password: ""},
		{name: "ok/non-empty against empty", hash: empty, password: "x"},
		{name: "ok/other salt and key", hash: "$argon2id$v=19" + goodParts, password: "hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyPassword(tt.hash, tt.password)
			if err != nil {
				t.Fatalf("VerifyPassword(%q, %q): %v", tt.hash, tt.password, err)
			}
			if got != tt.want {
				t.Errorf("VerifyPassword(%q, %q) = %v, want %v", tt.hash, tt.password, got, tt.want)
			}
		})
	}
}

// TestVerifyPasswordInterop checks hashes made by libargon2 (through the
// Python argon2-cffi package, from its README), so that stored hashes stay
// readable by and from other implementations of the PHC format.
func TestVerifyPasswordInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("64-100 MiB argon2id hashes are slow")
	}
	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
	}{
		{name: "ok/argon2-cffi 32-byte key",
			hash:     "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg",
			password: "correct horse battery staple", want: true},
		{name: "ok/argon2-cffi 16-byte key, 8 threads",
			hash:     "$argon2id$v=19$m=102400,t=2,p=8$tSm+JOWigOgPZx/g44K5fQ$WDyus6py50bVFIPkjA28lQ",
			password: "s3kr3tp4ssw0rd", want: true},
		{name: "ok/argon2-cffi wrong password",
			hash:     "$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg",
			password: "Tr0ub4dor&3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyPassword(tt.hash, tt.password)
			if err != nil || got != tt.want {
				t.Errorf("VerifyPassword(%q, %q) = %v, %v, want %v, nil", tt.hash, tt.password, got, err, tt.want)
			}
		})
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	tests := []struct {
		name string
		hash string
	}{
		{name: "error/empty", hash: ""},
		{name: "error/only dollars", hash: "$$$$$"},
		{name: "error/plain text", hash: "hunter2"},
		{name: "error/no leading dollar", hash: "argon2id$v=19" + goodParts},
		{name: "error/argon2i", hash: "$argon2i$v=19" + goodParts},
		{name: "error/argon2d", hash: "$argon2d$v=19" + goodParts},
		{name: "error/upper case algorithm", hash: "$ARGON2ID$v=19" + goodParts},
		{name: "error/bcrypt", hash: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{name: "error/version 16", hash: "$argon2id$v=16" + goodParts},
		{name: "error/missing version", hash: "$argon2id" + goodParts},
		{name: "error/missing key", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt},
		{name: "error/empty key", hash: "$argon2id$v=19" + goodParts[:len(goodParts)-len(goodKey)]},
		{name: "error/missing salt and key", hash: "$argon2id$v=19$m=64,t=1,p=1"},
		{name: "error/extra field", hash: "$argon2id$v=19" + goodParts + "$AAAA"},
		{name: "error/trailing dollar", hash: "$argon2id$v=19" + goodParts + "$"},
		{name: "error/bad base64 salt", hash: "$argon2id$v=19$m=64,t=1,p=1$!!not*base64!!$" + goodKey},
		{name: "error/bad base64 key", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$" + goodKey[:40] + "%%%"},
		{name: "error/padded base64", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "==$" + goodKey},
		{name: "error/base64url alphabet", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$" + goodKey[:41] + "-_"},
		{name: "error/newline in salt", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt[:10] + "\n" + goodSalt[10:] + "$" + goodKey},
		{name: "error/non-canonical trailing bits", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt[:21] + "B$" + goodKey},
		{name: "error/salt too short", hash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + goodKey},
		{name: "error/salt too long", hash: "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 87) + "$" + goodKey},
		{name: "error/key too short", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$AAAAAAAAAA"},
		{name: "error/key too long", hash: "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$" + strings.Repeat("A", 1000)},
		{name: "error/memory 999999999", hash: "$argon2id$v=19$m=999999999,t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/memory just over 1 GiB", hash: "$argon2id$v=19$m=1048577,t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/memory over 32 bits", hash: "$argon2id$v=19$m=4294967296,t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/memory under 8 KiB per thread", hash: "$argon2id$v=19$m=31,t=1,p=4$" + goodSalt + "$" + goodKey},
		{name: "error/time 0", hash: "$argon2id$v=19$m=64,t=0,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/time 101", hash: "$argon2id$v=19$m=64,t=101,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/time negative", hash: "$argon2id$v=19$m=64,t=-1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/threads 0", hash: "$argon2id$v=19$m=64,t=1,p=0$" + goodSalt + "$" + goodKey},
		{name: "error/threads 256", hash: "$argon2id$v=19$m=4096,t=1,p=256$" + goodSalt + "$" + goodKey},
		{name: "error/parameters out of order", hash: "$argon2id$v=19$t=1,m=64,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/missing parameter", hash: "$argon2id$v=19$m=64,t=1$" + goodSalt + "$" + goodKey},
		{name: "error/extra parameter", hash: "$argon2id$v=19$m=64,t=1,p=1,keyid=a$" + goodSalt + "$" + goodKey},
		{name: "error/empty parameter value", hash: "$argon2id$v=19$m=,t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/leading zero", hash: "$argon2id$v=19$m=064,t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/plus sign", hash: "$argon2id$v=19$m=+64,t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/space in parameters", hash: "$argon2id$v=19$m=64, t=1,p=1$" + goodSalt + "$" + goodKey},
		{name: "error/hex parameter", hash: "$argon2id$v=19$m=0x40,t=1,p=1$" + goodSalt + "$" + goodKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.hash, "hunter2")
			if err == nil || ok {
				t.Fatalf("VerifyPassword(%q) = %v, %v, want false and an error", tt.hash, ok, err)
			}
			if !errors.Is(err, errMalformed) {
				t.Errorf("VerifyPassword(%q) error %v does not wrap errMalformed", tt.hash, err)
			}
			if strings.Contains(err.Error(), goodSalt) || strings.Contains(err.Error(), goodKey) {
				t.Errorf("error %q quotes the hash", err)
			}
			if !NeedsRehash(tt.hash, TestParams) {
				t.Errorf("NeedsRehash(%q) = false, want true for a malformed hash", tt.hash)
			}
		})
	}
}

// TestParsePHCLimits parses, without verifying, hashes at the edges of what
// is accepted; verifying the largest would take a gigabyte.
func TestParsePHCLimits(t *testing.T) {
	tests := []struct {
		name string
		hash string
		want Params
	}{
		{name: "ok/largest", hash: "$argon2id$v=19$m=1048576,t=100,p=255$" + goodSalt + "$" + goodKey,
			want: Params{Time: 100, MemoryKiB: 1 << 20, Threads: 255}},
		{name: "ok/smallest", hash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
			want: Params{Time: 1, MemoryKiB: 8, Threads: 1}},
		{name: "ok/64-byte salt and key", hash: "$argon2id$v=19$m=64,t=1,p=1$" + strings.Repeat("A", 86) + "$" + strings.Repeat("A", 86),
			want: Params{Time: 1, MemoryKiB: 64, Threads: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := parsePHC(tt.hash)
			if err != nil {
				t.Fatalf("parsePHC(%q): %v", tt.hash, err)
			}
			if h.p != tt.want {
				t.Errorf("parsePHC(%q) params = %+v, want %+v", tt.hash, h.p, tt.want)
			}
			if got := h.String(); got != tt.hash {
				t.Errorf("parsePHC(%q).String() = %q", tt.hash, got)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	test, err := HashPassword("hunter2", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		hash   string
		params Params
		want   bool
	}{
		{name: "ok/same params", hash: test, params: TestParams, want: false},
		{name: "ok/default params in hash", hash: "$argon2id$v=19$m=19456,t=2,p=1$" + goodSalt + "$" + goodKey, params: DefaultParams, want: false},
		{name: "ok/cheaper than wanted", hash: test, params: DefaultParams, want: true},
		{name: "ok/dearer than wanted", hash: "$argon2id$v=19$m=19456,t=2,p=1$" + goodSalt + "$" + goodKey, params: TestParams, want: true},
		{name: "ok/memory differs", hash: test, params: Params{Time: 1, MemoryKiB: 128, Threads: 1}, want: true},
		{name: "ok/time differs", hash: test, params: Params{Time: 2, MemoryKiB: 64, Threads: 1}, want: true},
		{name: "ok/threads differ", hash: test, params: Params{Time: 1, MemoryKiB: 64, Threads: 2}, want: true},
		{name: "error/malformed", hash: "$argon2i$v=19" + goodParts, params: TestParams, want: true},
		{name: "error/empty", hash: "", params: TestParams, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.hash, tt.params); got != tt.want {
				t.Errorf("NeedsRehash(%q, %+v) = %v, want %v", tt.hash, tt.params, got, tt.want)
			}
		})
	}
}

func TestDummyVerify(t *testing.T) {
	h, err := parsePHC(dummyHash())
	if err != nil {
		t.Fatalf("dummy hash %q: %v", dummyHash(), err)
	}
	if h.p != DefaultParams || len(h.salt) != saltLen || len(h.key) != keyLen {
		t.Errorf("dummy hash has params %+v, %d-byte salt, %d-byte key; want the shape of HashPassword(_, %+v)",
			h.p, len(h.salt), len(h.key), DefaultParams)
	}
	if dummyHash() != dummyHash() {
		t.Error("dummy hash changes between calls")
	}
	for _, pw := range []string{"", "hunter2"} {
		DummyVerify(pw)
		if ok, err := VerifyPassword(dummyHash(), pw); ok || err != nil {
			t.Errorf("VerifyPassword(dummy, %q) = %v, %v, want false, nil", pw, ok, err)
		}
	}
}

// FuzzVerifyPassword checks that no hash string makes VerifyPassword panic,
// and that the parser accepts exactly the canonical form it writes.
func FuzzVerifyPassword(f *testing.F) {
	valid, err := HashPassword("hunter2", TestParams)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		valid,
		"",
		"$argon2id$v=19" + goodParts,
		"$argon2i$v=19" + goodParts,
		"$argon2id$v=19$m=999999999,t=1,p=1$" + goodSalt + "$" + goodKey,
		"$argon2id$v=19$m=64,t=1,p=0$" + goodSalt + "$" + goodKey,
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + goodKey,
		"$argon2id$v=19$m=64,t=1,p=1$" + goodSalt,
		"$$$$$$$",
	} {
		f.Add(seed, "hunter2")
	}
	f.Fuzz(func(t *testing.T, hash, password string) {
		h, perr := parsePHC(hash)
		if perr == nil {
			if got := h.String(); got != hash {
				t.Fatalf("parsePHC(%q) accepted a non-canonical hash; canonical form %q", hash, got)
			}
			if h.p.MemoryKiB > 1024 || h.p.Time > 4 {
				// Well-formed but too dear to verify on every fuzz input;
				// argon2 with checked parameters does not panic.
				return
			}
		}
		ok, err := VerifyPassword(hash, password)
		if (err == nil) != (perr == nil) {
			t.Fatalf("VerifyPassword(%q) error %v, parse error %v", hash, err, perr)
		}
		if err != nil && ok {
			t.Fatalf("VerifyPassword(%q) = true with error %v", hash, err)
		}
		if err != nil && !errors.Is(err, errMalformed) {
			t.Fatalf("VerifyPassword(%q) error %v does not wrap errMalformed", hash, err)
		}
		if NeedsRehash(hash, TestParams) != (perr != nil || h.p != TestParams) {
			t.Fatalf("NeedsRehash(%q) disagrees with the parsed params %+v", hash, h.p)
		}
	})
}
