package secretbox

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

const testPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2
OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r
1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G
-----END PRIVATE KEY-----
`

func newKey(t testing.TB, id string) MasterKey {
	t.Helper()
	k, _, err := GenerateMasterKey(id)
	if err != nil {
		t.Fatalf("GenerateMasterKey(%q): %v", id, err)
	}
	return k
}

func newKeyring(t testing.TB, primary MasterKey, old ...MasterKey) *Keyring {
	t.Helper()
	kr, err := NewKeyring(primary, old...)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return kr
}

func seal(t testing.TB, kr *Keyring, plaintext, ad string) []byte {
	t.Helper()
	blob, err := kr.Seal([]byte(plaintext), []byte(ad))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return blob
}

func TestSealOpen(t *testing.T) {
	a := newKey(t, "a")
	kr := newKeyring(t, a)
	otherSameID := newKeyring(t, newKey(t, "a")) // same ID, different key material
	onlyB := newKeyring(t, newKey(t, "b"))

	pemBlob := seal(t, kr, testPEM, "certificate:42:key")
	emptyBlob := seal(t, kr, "", "")
	big := strings.Repeat("x", 1<<16)
	bigBlob := seal(t, kr, big, "ca-module:7:credentials")

	badVersion := bytes.Clone(pemBlob)
	badVersion[0] = 2

	tests := []struct {
		name    string
		kr      *Keyring
		blob    []byte
		ad      string
		want    string
		wantErr error
		errHas  string
	}{
		{name: "ok/pem", kr: kr, blob: pemBlob, ad: "certificate:42:key", want: testPEM},
		{name: "ok/empty plaintext and associated data", kr: kr, blob: emptyBlob, ad: "", want: ""},
		{name: "ok/64KiB", kr: kr, blob: bigBlob, ad: "ca-module:7:credentials", want: big},
		{name: "error/associated data of another row", kr: kr, blob: pemBlob, ad: "certificate:43:key", wantErr: ErrCorrupt},
		{name: "error/associated data of another column", kr: kr, blob: pemBlob, ad: "certificate:42:csr", wantErr: ErrCorrupt},
		{name: "error/no associated data", kr: kr, blob: pemBlob, ad: "", wantErr: ErrCorrupt},
		{name: "error/same id different key", kr: otherSameID, blob: pemBlob, ad: "certificate:42:key", wantErr: ErrCorrupt},
		{name: "error/unknown master key", kr: onlyB, blob: pemBlob, ad: "certificate:42:key", wantErr: ErrUnknownMasterKey, errHas: `"a"`},
		{name: "error/nil blob", kr: kr, blob: nil, wantErr: ErrCorrupt},
		{name: "error/plaintext pem instead of blob", kr: kr, blob: []byte(testPEM), ad: "certificate:42:key", wantErr: ErrCorrupt},
		{name: "error/unsupported version", kr: kr, blob: badVersion, ad: "certificate:42:key", wantErr: ErrCorrupt, errHas: "version 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kr.Open(tt.blob, []byte(tt.ad))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open error = %v, want %v", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("Open error %q does not contain %q", err, tt.errHas)
				}
				if got != nil {
					t.Errorf("Open returned %d bytes with an error", len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Open = %.40q..., want %.40q...", got, tt.want)
			}
		})
	}
}

// TestTamper flips every bit pattern of every byte, truncates at every length
// and appends a byte: each must fail with ErrCorrupt or ErrUnknownMasterKey
// (a flipped ID byte may name another valid ID), from Open and from Rewrap,
// never panic.
func TestTamper(t *testing.T) {
	a := newKey(t, "key-a")
	kr := newKeyring(t, newKey(t, "key-b"), a)
	ad := []byte("certificate:42:key")
	blob := seal(t, newKeyring(t, a), testPEM, string(ad))

	check := func(t *testing.T, what string, b []byte) {
		t.Helper()
		for _, op := range []struct {
			name string
			f    func([]byte, []byte) ([]byte, error)
		}{{"Open", kr.Open}, {"Rewrap", kr.Rewrap}} {
			got, err := op.f(b, ad)
			if err == nil {
				t.Fatalf("%s(%s) succeeded", op.name, what)
			}
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnknownMasterKey) {
				t.Fatalf("%s(%s) error = %v, want ErrCorrupt or ErrUnknownMasterKey", op.name, what, err)
			}
			if got != nil {
				t.Fatalf("%s(%s) returned data with an error", op.name, what)
			}
		}
		kr.NeedsRewrap(b) // must not panic
	}

	tests := []struct {
		name   string
		mutate func(i int) ([]byte, bool)
	}{
		{name: "error/flip low bit", mutate: func(i int) ([]byte, bool) { return flip(blob, i, 0x01), i < len(blob) }},
		{name: "error/flip high bit", mutate: func(i int) ([]byte, bool) { return flip(blob, i, 0x80), i < len(blob) }},
		{name: "error/flip all bits", mutate: func(i int) ([]byte, bool) { return flip(blob, i, 0xff), i < len(blob) }},
		{name: "error/truncate", mutate: func(i int) ([]byte, bool) { return bytes.Clone(blob[:min(i, len(blob))]), i < len(blob) }},
		{name: "error/append", mutate: func(i int) ([]byte, bool) { return append(bytes.Clone(blob), byte(i)), i < 256 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; ; i++ {
				b, ok := tt.mutate(i)
				if !ok {
					break
				}
				check(t, fmt.Sprintf("mutation %d", i), b)
			}
		})
	}

	// The unmodified blob still opens: the failures above are the mutations.
	if _, err := kr.Open(blob, ad); err != nil {
		t.Fatalf("Open(original): %v", err)
	}
}

func flip(b []byte, i int, mask byte) []byte {
	c := bytes.Clone(b)
	if i < len(c) {
		c[i] ^= mask
	}
	return c
}

func TestRotation(t *testing.T) {
	a, b := newKey(t, "2025-a"), newKey(t, "2026-b")
	onlyA := newKeyring(t, a)
	bAndA := newKeyring(t, b, a)
	onlyB := newKeyring(t, b)
	ad := []byte("certificate:42:key")

	old := seal(t, onlyA, testPEM, string(ad))

	if got, err := bAndA.Open(old, ad); err != nil || string(got) != testPEM {
		t.Fatalf("keyring(B, A).Open(old) = %.20q, %v", got, err)
	}
	if !bAndA.NeedsRewrap(old) {
		t.Errorf("keyring(B, A).NeedsRewrap(blob under A) = false, want true")
	}
	if onlyA.NeedsRewrap(old) {
		t.Errorf("keyring(A).NeedsRewrap(blob under A) = true, want false")
	}
	if _, err := onlyB.Open(old, ad); !errors.Is(err, ErrUnknownMasterKey) || !strings.Contains(err.Error(), `"2025-a"`) {
		t.Errorf("keyring(B).Open(blob under A) error = %v, want ErrUnknownMasterKey naming 2025-a", err)
	}

	rewrapped, err := bAndA.Rewrap(old, ad)
	if err != nil {
		t.Fatalf("Rewrap: %v", err)
	}
	if got, err := onlyB.Open(rewrapped, ad); err != nil || string(got) != testPEM {
		t.Fatalf("keyring(B).Open(rewrapped) = %.20q, %v", got, err)
	}
	if bAndA.NeedsRewrap(rewrapped) || onlyB.NeedsRewrap(rewrapped) {
		t.Errorf("NeedsRewrap(rewrapped) = true, want false")
	}
	if _, err := onlyA.Open(rewrapped, ad); !errors.Is(err, ErrUnknownMasterKey) {
		t.Errorf("keyring(A).Open(rewrapped) error = %v, want ErrUnknownMasterKey", err)
	}

	// Only the header and wrapped data key change; the payload is the same bytes.
	payload := len(testPEM) + minPayload
	if !bytes.Equal(old[len(old)-payload:], rewrapped[len(rewrapped)-payload:]) {
		t.Errorf("Rewrap changed the payload ciphertext")
	}
	if len(rewrapped)-len(old) != len(b.ID)-len(a.ID) {
		t.Errorf("rewrapped blob is %d bytes, original %d: want a difference of only the id lengths", len(rewrapped), len(old))
	}

	// Rewrapping a blob already under the primary changes nothing.
	again, err := onlyB.Rewrap(rewrapped, ad)
	if err != nil || !bytes.Equal(again, rewrapped) {
		t.Errorf("Rewrap(blob under primary) = changed %v, err %v; want unchanged copy", !bytes.Equal(again, rewrapped), err)
	}

	tamperedPayload := flip(old, len(old)-1, 0x01)
	tests := []struct {
		name    string
		kr      *Keyring
		blob    []byte
		ad      string
		wantErr error
	}{
		{name: "error/wrong associated data", kr: bAndA, blob: old, ad: "certificate:43:key", wantErr: ErrCorrupt},
		{name: "error/tampered payload", kr: bAndA, blob: tamperedPayload, ad: string(ad), wantErr: ErrCorrupt},
		{name: "error/old key missing", kr: onlyB, blob: old, ad: string(ad), wantErr: ErrUnknownMasterKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.kr.Rewrap(tt.blob, []byte(tt.ad))
			if !errors.Is(err, tt.wantErr) || got != nil {
				t.Errorf("Rewrap = %d bytes, %v; want nil, %v", len(got), err, tt.wantErr)
			}
		})
	}
}

func TestNoPlaintextInOutput(t *testing.T) {
	a, b := newKey(t, "a"), newKey(t, "b")
	ad := []byte("certificate:42:key")
	blob := seal(t, newKeyring(t, a), testPEM, string(ad))
	rewrapped, err := newKeyring(t, b, a).Rewrap(blob, ad)
	if err != nil {
		t.Fatalf("Rewrap: %v", err)
	}
	needles := []string{"PRIVATE KEY", "-----BEGIN", testPEM, strings.Split(testPEM, "\n")[1]}
	outputs := map[string][]byte{
		"blob":           blob,
		"text":           []byte(EncodeText(blob)),
		"rewrapped":      rewrapped,
		"rewrapped text": []byte(EncodeText(rewrapped)),
	}
	for name, out := range outputs {
		for _, n := range needles {
			if bytes.Contains(out, []byte(n)) {
				t.Errorf("%s contains plaintext %.30q", name, n)
			}
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	kr := newKeyring(t, newKey(t, "a"))
	x := seal(t, kr, testPEM, "certificate:42:key")
	y := seal(t, kr, testPEM, "certificate:42:key")
	if bytes.Equal(x, y) {
		t.Fatal("two seals of the same plaintext are equal")
	}
	hl := 2 + len("a")
	wrapped := func(b []byte) []byte { return b[hl : hl+wrappedSize] }
	payload := func(b []byte) []byte { return b[hl+wrappedSize:] }
	if bytes.Equal(wrapped(x), wrapped(y)) {
		t.Error("two seals share the wrapped data key")
	}
	if bytes.Equal(payload(x), payload(y)) {
		t.Error("two seals share the payload ciphertext")
	}
}

func TestBlobSize(t *testing.T) {
	kr := newKeyring(t, newKey(t, "prod-1"))
	blob := seal(t, kr, testPEM, "certificate:42:key")
	if want := len(testPEM) + 90 + len("prod-1"); len(blob) != want {
		t.Errorf("blob is %d bytes, want %d (plaintext + 90 + id)", len(blob), want)
	}
}

func TestParseMasterKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xa5}, KeySize)
	b64 := base64.StdEncoding.EncodeToString(raw)
	_, generated, err := GenerateMasterKey("gen-1")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		in     string
		wantID string
		errHas string // non-empty for error cases
	}{
		{name: "ok/basic", in: "prod-2026:" + b64, wantID: "prod-2026"},
		{name: "ok/generated", in: generated, wantID: "gen-1"},
		{name: "ok/surrounding whitespace", in: "  k1:" + b64 + "\n", wantID: "k1"},
		{name: "ok/32 char id", in: strings.Repeat("a", 32) + ":" + b64, wantID: strings.Repeat("a", 32)},
		{name: "error/empty", in: "", errHas: "no ':'"},
		{name: "error/no id", in: b64, errHas: "no ':'"},
		{name: "error/empty id", in: ":" + b64, errHas: "key id is empty"},
		{name: "error/upper case id", in: "Prod:" + b64, errHas: "outside [a-z0-9-] at byte 0"},
		{name: "error/underscore in id", in: "prod_1:" + b64, errHas: "outside [a-z0-9-] at byte 4"},
		{name: "error/id too long", in: strings.Repeat("a", 33) + ":" + b64, errHas: "33 bytes long, want at most 32"},
		{name: "error/bad base64", in: "k1:" + b64[:10] + "!" + b64[11:], errHas: "not valid standard base64"},
		{name: "error/base64url", in: "k1:" + base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, KeySize)), errHas: "not valid standard base64"},
		{name: "error/empty key", in: "k1:", errHas: "decodes to 0 bytes, want 32"},
		{name: "error/short key", in: "k1:" + base64.StdEncoding.EncodeToString(raw[:16]), errHas: "decodes to 16 bytes, want 32"},
		{name: "error/long key", in: "k1:" + base64.StdEncoding.EncodeToString(append(raw, 1)), errHas: "decodes to 33 bytes, want 32"},
		{name: "error/all zero key", in: "k1:" + base64.StdEncoding.EncodeToString(make([]byte, KeySize)), errHas: "all zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseMasterKey(tt.in)
			if tt.errHas != "" {
				if !errors.Is(err, ErrInvalidMasterKey) {
					t.Fatalf("ParseMasterKey error = %v, want ErrInvalidMasterKey", err)
				}
				if !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("ParseMasterKey error %q does not contain %q", err, tt.errHas)
				}
				if strings.Contains(err.Error(), b64[:8]) {
					t.Errorf("ParseMasterKey error %q echoes key material", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMasterKey: %v", err)
			}
			if k.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", k.ID, tt.wantID)
			}
		})
	}
}

func TestGenerateMasterKey(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		wantErr bool
	}{
		{name: "ok/simple", id: "prod-1"},
		{name: "error/empty id", id: "", wantErr: true},
		{name: "error/colon in id", id: "a:b", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, enc, err := GenerateMasterKey(tt.id)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidMasterKey) {
					t.Fatalf("GenerateMasterKey error = %v, want ErrInvalidMasterKey", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseMasterKey(enc)
			if err != nil {
				t.Fatalf("ParseMasterKey(generated): %v", err)
			}
			if parsed != k {
				t.Errorf("parsed key differs from generated key")
			}
			// A blob sealed with the generated key opens with the parsed one.
			blob := seal(t, newKeyring(t, k), "secret", "ad")
			if got, err := newKeyring(t, parsed).Open(blob, []byte("ad")); err != nil || string(got) != "secret" {
				t.Errorf("Open with parsed key = %q, %v", got, err)
			}
			k2, _, _ := GenerateMasterKey(tt.id)
			if k2.key == k.key {
				t.Errorf("two generated keys are equal")
			}
		})
	}
}

func TestNewKeyring(t *testing.T) {
	a, b := newKey(t, "a"), newKey(t, "b")
	a2 := newKey(t, "a")
	tests := []struct {
		name    string
		primary MasterKey
		old     []MasterKey
		errHas  string
	}{
		{name: "ok/primary only", primary: a},
		{name: "ok/with old", primary: b, old: []MasterKey{a}},
		{name: "error/duplicate id", primary: a, old: []MasterKey{b, a2}, errHas: `"a" appears twice`},
		{name: "error/primary repeated as old", primary: a, old: []MasterKey{a}, errHas: "appears twice"},
		{name: "error/literal key has zero key material", primary: MasterKey{ID: "lit"}, errHas: "all-zero"},
		{name: "error/zero value", primary: MasterKey{}, errHas: "key id is empty"},
		{name: "error/bad old id", primary: a, old: []MasterKey{{ID: "BAD"}}, errHas: "keyring key 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, err := NewKeyring(tt.primary, tt.old...)
			if tt.errHas != "" {
				if !errors.Is(err, ErrInvalidMasterKey) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("NewKeyring error = %v, want ErrInvalidMasterKey containing %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kr.PrimaryID() != tt.primary.ID {
				t.Errorf("PrimaryID = %q, want %q", kr.PrimaryID(), tt.primary.ID)
			}
		})
	}
}

func TestFormattingLeaksNoKeyMaterial(t *testing.T) {
	k, enc, err := GenerateMasterKey("prod-1")
	if err != nil {
		t.Fatal(err)
	}
	kr := newKeyring(t, k, newKey(t, "old-1"))
	secrets := []string{
		enc[len("prod-1:"):],
		base64.RawURLEncoding.EncodeToString(k.key[:]),
		hex.EncodeToString(k.key[:]),
		strings.ToUpper(hex.EncodeToString(k.key[:])),
		fmt.Sprint(k.key[:]),       // [12 34 ...]
		fmt.Sprint(k.key[:4])[1:8], // a decimal prefix
	}
	type config struct {
		Master MasterKey
		Ptr    *MasterKey
		Ring   *Keyring
	}
	tests := []struct {
		name   string
		format string
		arg    any
		want   string // exact output, if set
	}{
		{name: "ok/%v", format: "%v", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/%+v", format: "%+v", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/%#v", format: "%#v", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/%s", format: "%s", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/%q", format: "%q", arg: k, want: `"masterkey(prod-1)"`},
		{name: "ok/%x", format: "%x", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/%d", format: "%d", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/pointer %+v", format: "%+v", arg: &k, want: "masterkey(prod-1)"},
		{name: "ok/Println", format: "", arg: k, want: "masterkey(prod-1)"},
		{name: "ok/in struct %+v", format: "%+v", arg: config{Master: k, Ptr: &k, Ring: kr}},
		{name: "ok/in struct %#v", format: "%#v", arg: config{Master: k, Ptr: &k, Ring: kr}},
		{name: "ok/in slice %v", format: "%v", arg: []MasterKey{k}},
		{name: "ok/keyring %v", format: "%v", arg: kr, want: "keyring(primary=prod-1, old=[old-1])"},
		{name: "ok/keyring %+v", format: "%+v", arg: kr, want: "keyring(primary=prod-1, old=[old-1])"},
		{name: "ok/keyring %#v", format: "%#v", arg: kr, want: "keyring(primary=prod-1, old=[old-1])"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if tt.format == "" {
				got = strings.TrimSuffix(fmt.Sprintln(tt.arg), "\n")
			} else {
				got = fmt.Sprintf(tt.format, tt.arg)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !strings.Contains(got, "prod-1") {
				t.Errorf("output %q does not name the key id", got)
			}
			for _, s := range secrets {
				if strings.Contains(got, s) {
					t.Errorf("output %q contains key material %q", got, s)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	kr := newKeyring(t, newKey(t, "a"))
	blob := seal(t, kr, testPEM, "certificate:42:key")
	text := EncodeText(blob)

	tests := []struct {
		name   string
		in     string
		want   []byte
		errHas string
	}{
		{name: "ok/round trip", in: text, want: blob},
		{name: "ok/empty blob", in: "sb1:", want: []byte{}},
		{name: "error/no prefix", in: text[len("sb1:"):], errHas: `does not start with "sb1:"`},
		{name: "error/plaintext pem", in: testPEM, errHas: `does not start with "sb1:"`},
		{name: "error/padded base64", in: text + "==", errHas: "not valid base64url"},
		{name: "error/standard alphabet", in: "sb1:ab+/", errHas: "not valid base64url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeText(tt.in)
			if tt.errHas != "" {
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("DecodeText error = %v, want ErrCorrupt containing %q", err, tt.errHas)
				}
				if strings.Contains(err.Error(), "PRIVATE") {
					t.Errorf("DecodeText error %q echoes its input", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("DecodeText = %x, want %x", got, tt.want)
			}
		})
	}
	if !strings.HasPrefix(text, "sb1:") || strings.ContainsAny(text, "+/=") {
		t.Errorf("EncodeText = %q, want sb1: and unpadded base64url", text)
	}
}

func TestConcurrentUse(t *testing.T) {
	a := newKey(t, "a")
	kr := newKeyring(t, newKey(t, "b"), a)
	old := seal(t, newKeyring(t, a), "old", "row")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ad := []byte(fmt.Sprintf("row:%d", i))
			for range 50 {
				blob, err := kr.Seal([]byte(testPEM), ad)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := kr.Open(blob, ad); err != nil || string(got) != testPEM {
					t.Errorf("Open = %.10q, %v", got, err)
					return
				}
				if _, err := kr.Rewrap(old, []byte("row")); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzOpen(f *testing.F) {
	a, b := newKey(f, "a"), newKey(f, "prod-2")
	kr := newKeyring(f, b, a)
	ad := []byte("certificate:42:key")
	valid := [][]byte{
		seal(f, newKeyring(f, a), testPEM, string(ad)),
		seal(f, kr, "", string(ad)),
		seal(f, kr, "x", ""),
	}
	for _, v := range valid {
		f.Add(v, ad)
		f.Add(v, []byte{})
	}
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1, 32}, ad)
	f.Add([]byte{1, 1, 'a'}, ad)
	f.Add([]byte(testPEM), ad)

	f.Fuzz(func(t *testing.T, blob, ad []byte) {
		orig := bytes.Clone(blob)
		got, err := kr.Open(blob, ad)
		if err == nil {
			// Succeeding means GCM accepted the blob: it must be one we sealed.
			if !slicesContain(valid, blob) {
				t.Fatalf("Open accepted a blob that was never sealed: %x", blob)
			}
		} else if got != nil || (!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnknownMasterKey)) {
			t.Fatalf("Open = %x, %v", got, err)
		}
		re, err := kr.Rewrap(blob, ad)
		if err == nil {
			if opened, err := kr.Open(re, ad); err != nil || !bytes.Equal(opened, got) {
				t.Fatalf("Open(Rewrap(blob)) = %q, %v; want %q", opened, err, got)
			}
		}
		kr.NeedsRewrap(blob)
		_, _ = DecodeText(string(blob))
		if !bytes.Equal(blob, orig) {
			t.Fatal("input blob was modified")
		}
	})
}

func slicesContain(list [][]byte, b []byte) bool {
	for _, v := range list {
		if bytes.Equal(v, b) {
			return true
		}
	}
	return false
}

func BenchmarkSealOpen4KiB(b *testing.B) {
	kr := newKeyring(b, newKey(b, "prod-1"))
	plaintext := bytes.Repeat([]byte("k"), 4096)
	ad := []byte("certificate:42:key")
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	for b.Loop() {
		blob, err := kr.Seal(plaintext, ad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := kr.Open(blob, ad); err != nil {
			b.Fatal(err)
		}
	}
}
