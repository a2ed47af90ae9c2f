// Package secretbox encrypts secrets at rest — customers' private keys and
// CA-module credentials — with envelope encryption under a master key taken
// from configuration, and supports rotating that master key.
//
// # Scheme
//
// [Keyring.Seal] draws a fresh random 256-bit data key for every value,
// encrypts the value with AES-256-GCM under that data key, and wraps (encrypts)
// the data key with AES-256-GCM under the keyring's primary [MasterKey]. Both
// encryptions use random 96-bit nonces. The result is one self-describing blob:
//
//	version  1 byte   (currently 1)
//	idLen    1 byte   (1..32)
//	id       idLen bytes: the master key ID, [a-z0-9-]
//	wrapped  60 bytes: nonce(12) | AES-GCM(master key, data key)(32+16)
//	payload  28+n bytes: nonce(12) | AES-GCM(data key, plaintext)(n+16)
//
// The overhead is 90 bytes plus the length of the master key ID.
// [EncodeText] turns a blob into "sb1:" followed by unpadded base64url for TEXT
// columns; [DecodeText] reverses it.
//
// The wrapped data key is authenticated together with the blob header
// (version, ID) and the caller's associated data; the payload is authenticated
// with the caller's associated data. Associated data names where the blob is
// stored, for example "certificate:42:key" (table, primary key, column), so a
// blob copied into another row, or read back as a different column, fails to
// open with [ErrCorrupt]. The associated data is not stored in the blob; the
// caller supplies the same value to [Keyring.Open].
//
// # Rotation
//
// A [Keyring] has one primary master key, used for every Seal, and any number
// of old keys, used only to open existing blobs. To rotate: generate a key with
// [GenerateMasterKey], deploy it as primary with the previous primary listed as
// old, then walk the stored blobs and replace each one for which
// [Keyring.NeedsRewrap] reports true with the result of [Keyring.Rewrap]. Rewrap
// re-encrypts only the 32-byte data key; the payload ciphertext is copied
// unchanged, so rotation is cheap whatever the size of the secret. Once no blob
// needs rewrapping (and no backup you still want to read depends on it), remove
// the old key from configuration.
//
// # Threat model
//
// Protected: a copy of the database taken without the master keys — a stolen
// dump or backup, a leaked replica or snapshot, rows pasted into a ticket. Such
// a copy holds no plaintext private key (no "PRIVATE KEY" PEM) and nothing that
// decrypts one. Tampering with a blob, truncating it, or moving it to another
// row is detected and reported as [ErrCorrupt]; nothing is ever returned
// unauthenticated.
//
// Not protected:
//   - a running process whose memory is read (core dumps, debuggers, a
//     compromised host): the master keys and, transiently, plaintexts live
//     there;
//   - anyone holding the master keys, which is why they must come from
//     configuration or a secret store and never be stored or backed up
//     alongside the database;
//   - an attacker who can write to the database and puts back an older blob of
//     the same row (same associated data), which still opens; rollback needs a
//     version in the associated data or integrity checks elsewhere;
//   - the length of the plaintext, which the blob reveals (and with it, roughly,
//     the key type and size).
//
// A master key should not seal more than about 2^32 values, the limit for
// random GCM nonces; rotating keys keeps far below it.
//
// [MasterKey] and [Keyring] print only key IDs under every fmt verb, so logging
// one by accident leaks no key material. (A MasterKey stored in an unexported
// struct field is printed by fmt without its methods; keep it in a Keyring or
// an exported field.)
package secretbox
