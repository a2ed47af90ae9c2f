package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Blob layout; see the package documentation.
const (
	version1    = 1
	nonceSize   = 12
	tagSize     = 16
	wrappedSize = nonceSize + KeySize + tagSize // 60
	minPayload  = nonceSize + tagSize           // 28, empty plaintext
)

// textPrefix starts the text form of a blob produced by [EncodeText].
const textPrefix = "sb1:"

// ErrCorrupt is returned, wrapped with detail, when a blob cannot be opened
// because it was tampered with or truncated, is not a blob at all, or was
// sealed with different associated data (for example, copied from another
// row). Nothing is ever returned from an unauthenticated blob.
var ErrCorrupt = errors.New("secretbox: blob is corrupt or bound to different associated data")

// ErrUnknownMasterKey is returned, wrapped with the key ID, when a blob was
// sealed under a master key the keyring does not hold — typically an old key
// removed from configuration before all blobs were rewrapped.
var ErrUnknownMasterKey = errors.New("secretbox: unknown master key")

// Keyring seals under its primary master key and opens blobs sealed under the
// primary or any old master key. It is immutable and safe for concurrent use.
// It keeps only the expanded AES keys, and prints only key IDs under fmt.
type Keyring struct {
	primary *entry
	byID    map[string]*entry
	ids     []string // primary first, then old keys in the order given
}

type entry struct {
	id   string
	aead cipher.AEAD // AES-256-GCM under the master key, random nonces
}

// NewKeyring returns a keyring that seals under primary and also opens blobs
// sealed under the old keys. Every key must come from [ParseMasterKey] or
// [GenerateMasterKey] and IDs must be unique.
func NewKeyring(primary MasterKey, old ...MasterKey) (*Keyring, error) {
	k := &Keyring{byID: make(map[string]*entry, 1+len(old))}
	for i, mk := range append([]MasterKey{primary}, old...) {
		if err := checkID(mk.ID); err != nil {
			return nil, fmt.Errorf("keyring key %d: %w", i, err)
		}
		if mk.isZero() {
			return nil, fmt.Errorf("%w: key %q has an all-zero key; build keys with ParseMasterKey or GenerateMasterKey", ErrInvalidMasterKey, mk.ID)
		}
		if _, dup := k.byID[mk.ID]; dup {
			return nil, fmt.Errorf("%w: key id %q appears twice in the keyring", ErrInvalidMasterKey, mk.ID)
		}
		aead, err := newAEAD(mk.key[:])
		if err != nil {
			return nil, err
		}
		e := &entry{id: mk.ID, aead: aead}
		k.byID[mk.ID] = e
		k.ids = append(k.ids, mk.ID)
		if i == 0 {
			k.primary = e
		}
	}
	return k, nil
}

// PrimaryID returns the ID of the master key new blobs are sealed under.
func (k *Keyring) PrimaryID() string { return k.primary.id }

// String returns "keyring(primary=<id>, old=[<id> ...])"; it never includes
// key material.
func (k *Keyring) String() string {
	return "keyring(primary=" + k.ids[0] + ", old=[" + strings.Join(k.ids[1:], " ") + "])"
}

// GoString returns the same as [Keyring.String].
func (k *Keyring) GoString() string { return k.String() }

// Format implements [fmt.Formatter] so that every verb prints only
// [Keyring.String], quoted for %q.
func (k *Keyring) Format(f fmt.State, verb rune) {
	s := k.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// Seal encrypts plaintext under a fresh random data key, wraps the data key
// under the primary master key, and returns the blob. associatedData, which
// should name where the blob will be stored (e.g. "certificate:42:key"), is
// authenticated but not stored; [Keyring.Open] needs the same value.
func (k *Keyring) Seal(plaintext, associatedData []byte) ([]byte, error) {
	var dataKey [KeySize]byte
	defer clear(dataKey[:])
	if _, err := rand.Read(dataKey[:]); err != nil {
		return nil, fmt.Errorf("secretbox: generating data key: %w", err)
	}
	payloadAEAD, err := newAEAD(dataKey[:])
	if err != nil {
		return nil, err
	}
	hdr := header(k.primary.id)
	blob := make([]byte, 0, len(hdr)+wrappedSize+minPayload+len(plaintext))
	blob = append(blob, hdr...)
	blob = k.primary.aead.Seal(blob, nil, dataKey[:], wrapAD(hdr, associatedData))
	blob = payloadAEAD.Seal(blob, nil, plaintext, associatedData)
	return blob, nil
}

// Open authenticates and decrypts a blob made by [Keyring.Seal] or
// [Keyring.Rewrap] with the associated data it was sealed with. It returns an
// error wrapping [ErrUnknownMasterKey] if the keyring lacks the blob's master
// key, or [ErrCorrupt] for anything else wrong with the blob, including
// different associated data. It never panics, whatever the input.
func (k *Keyring) Open(blob, associatedData []byte) ([]byte, error) {
	p, err := k.parse(blob)
	if err != nil {
		return nil, err
	}
	dataKey, err := p.unwrap(associatedData)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	return openPayload(dataKey, p.payload, associatedData)
}

// NeedsRewrap reports whether blob was sealed under a master key other than
// the primary, so that [Keyring.Rewrap] would change it. It reads only the
// header and reports false for a blob too malformed to name a key (Open and
// Rewrap report the error).
func (k *Keyring) NeedsRewrap(blob []byte) bool {
	id, err := parseHeader(blob)
	return err == nil && id != k.primary.id
}

// Rewrap returns blob with its data key re-wrapped under the primary master
// key. The payload (nonce and ciphertext of the secret) is copied byte for byte;
// only the header and the wrapped data key change. The blob is fully
// authenticated first, payload included, so Rewrap never turns a corrupt blob
// into one that looks fresh; the plaintext is discarded. A blob already under
// the primary key is returned as an unchanged copy. Errors are as for
// [Keyring.Open].
func (k *Keyring) Rewrap(blob, associatedData []byte) ([]byte, error) {
	p, err := k.parse(blob)
	if err != nil {
		return nil, err
	}
	dataKey, err := p.unwrap(associatedData)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	plaintext, err := openPayload(dataKey, p.payload, associatedData)
	clear(plaintext)
	if err != nil {
		return nil, err
	}
	if p.key == k.primary {
		return append([]byte(nil), blob...), nil
	}
	hdr := header(k.primary.id)
	out := make([]byte, 0, len(hdr)+wrappedSize+len(p.payload))
	out = append(out, hdr...)
	out = k.primary.aead.Seal(out, nil, dataKey, wrapAD(hdr, associatedData))
	out = append(out, p.payload...)
	return out, nil
}

// EncodeText returns the text form of a blob for TEXT columns: "sb1:"
// followed by the blob in unpadded base64url.
func EncodeText(blob []byte) string {
	return textPrefix + base64.RawURLEncoding.EncodeToString(blob)
}

// DecodeText returns the blob encoded by [EncodeText]. Errors wrap
// [ErrCorrupt] and never echo the input, which might be a legacy plaintext
// secret.
func DecodeText(s string) ([]byte, error) {
	enc, ok := strings.CutPrefix(s, textPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: text form does not start with %q", ErrCorrupt, textPrefix)
	}
	blob, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: text form is not valid base64url: %v", ErrCorrupt, err)
	}
	return blob, nil
}

// parsed is a blob split into its parts; the slices alias the blob.
type parsed struct {
	key     *entry
	header  []byte // version, idLen, id
	wrapped []byte // nonce | wrapped data key | tag
	payload []byte // nonce | ciphertext | tag
}

// parse splits blob and finds its master key.
func (k *Keyring) parse(blob []byte) (parsed, error) {
	id, err := parseHeader(blob)
	if err != nil {
		return parsed{}, err
	}
	hl := 2 + len(id)
	if len(blob) < hl+wrappedSize+minPayload {
		return parsed{}, fmt.Errorf("%w: blob is %d bytes, shorter than the minimum %d", ErrCorrupt, len(blob), hl+wrappedSize+minPayload)
	}
	e, ok := k.byID[id]
	if !ok {
		return parsed{}, fmt.Errorf("%w %q: keyring holds %s", ErrUnknownMasterKey, id, strings.Join(k.ids, ", "))
	}
	return parsed{
		key:     e,
		header:  blob[:hl],
		wrapped: blob[hl : hl+wrappedSize],
		payload: blob[hl+wrappedSize:],
	}, nil
}

// parseHeader checks the version and returns the master key ID.
func parseHeader(blob []byte) (string, error) {
	if len(blob) < 2 {
		return "", fmt.Errorf("%w: blob is %d bytes, too short for a header", ErrCorrupt, len(blob))
	}
	if blob[0] != version1 {
		return "", fmt.Errorf("%w: unsupported blob version %d", ErrCorrupt, blob[0])
	}
	n := int(blob[1])
	if n == 0 || n > maxIDLen || len(blob) < 2+n {
		return "", fmt.Errorf("%w: bad master key id length %d", ErrCorrupt, n)
	}
	for _, c := range blob[2 : 2+n] {
		if !idByte(c) {
			return "", fmt.Errorf("%w: master key id has a character outside [a-z0-9-]", ErrCorrupt)
		}
	}
	return string(blob[2 : 2+n]), nil
}

// unwrap authenticates the header and associated data and returns the data
// key. The caller clears it.
func (p parsed) unwrap(associatedData []byte) ([]byte, error) {
	dataKey, err := p.key.aead.Open(nil, nil, p.wrapped, wrapAD(p.header, associatedData))
	if err != nil || len(dataKey) != KeySize {
		return nil, fmt.Errorf("%w: data key under master key %q failed authentication (tampered blob or wrong associated data)", ErrCorrupt, p.key.id)
	}
	return dataKey, nil
}

func openPayload(dataKey, payload, associatedData []byte) ([]byte, error) {
	aead, err := newAEAD(dataKey)
	if err != nil {
		return nil, err
	}
	plaintext, err := aead.Open(nil, nil, payload, associatedData)
	if err != nil {
		return nil, fmt.Errorf("%w: payload failed authentication (tampered blob or wrong associated data)", ErrCorrupt)
	}
	return plaintext, nil
}

// header returns version | idLen | id. id has been validated.
func header(id string) []byte {
	h := make([]byte, 0, 2+len(id))
	h = append(h, version1, byte(len(id)))
	return append(h, id...)
}

// wrapAD is the associated data for the wrapped data key: the blob header,
// which is self-delimiting, followed by the caller's associated data. It is a
// fresh slice, so it never overlaps the output of Seal.
func wrapAD(hdr, associatedData []byte) []byte {
	ad := make([]byte, 0, len(hdr)+len(associatedData))
	ad = append(ad, hdr...)
	return append(ad, associatedData...)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return aead, nil
}
