// Package localca is certsvc's built-in issuing certificate authority (the
// "local CA" processing module), and the CA/Browser Forum validity schedule
// that caps every publicly trusted TLS certificate.
//
// # Local CA
//
// The local CA lets the whole order → issue flow run on a fresh machine with
// nothing external, and serves private PKI. A [CA] is a two-level hierarchy:
// a self-signed ECDSA P-256 root valid for 10 years and an ECDSA P-256
// intermediate valid for 5 years (path length 0, no name constraints) that
// signs end-entity certificates and CRLs. [New] creates one; [CA.Marshal] and
// [Load] move it to and from PEM so the caller can persist it. The package
// never stores anything and never encrypts: keysPEM from [CA.Marshal] holds
// the unencrypted private keys, and the caller must encrypt them at rest.
//
// [CA.Issue] signs a TLS server certificate for a certificate signing request
// (CSR) and a list of DNS names the caller has already validated. It caps the
// validity per [MaxValidity]: a request for a longer validity is not an error,
// the certificate is issued with the capped NotAfter.
//
// Revocations live in memory: [CA.Revoke] adds one, [CA.Revoked] lists them
// for the caller to persist and [CA.SetRevoked] restores them after [Load].
// [CA.CRL] produces a DER CRL signed by the intermediate.
//
// A *CA is safe for concurrent use by multiple goroutines.
//
// # Errors
//
// Errors name the problem in plain words. Errors caused by the request rather
// than by the CA (a bad CSR, an empty name list, an unknown validation level,
// an unknown revocation reason, malformed PEM) wrap [ErrInvalidRequest].
package localca
