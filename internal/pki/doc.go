// Package pki is the cryptography and encoding of certificate orders: private
// keys, certificate signing requests (CSRs), domain names and the files a
// customer downloads once a certificate is issued.
//
// It covers three steps of an order:
//
//   - Key and CSR. [GenerateKey] makes an RSA (2048/3072/4096) or ECDSA
//     (P-256/P-384) key and [CreateCSR] a CSR for a [Subject]; a [KeyPool]
//     keeps a few RSA keys ready so that bursts of orders do not wait for
//     prime generation. A customer's own CSR goes through [ParseCSR], which
//     tolerates copy-paste damage, checks the signature and normalises the
//     names, then [CheckKeyStrength] and [NamePolicy.Check] (or both at once
//     with [CSR.Check]) decide whether the plan can take it.
//   - Names. [NormalizeDomain] is the one definition of a valid certificate
//     name: lower case, IDN converted to punycode, an optional leading "*."
//     wildcard label, no IP addresses.
//   - Issued certificates. [ParseCertificates] reads what an admin uploads
//     (PEM or DER), [MatchesKey] checks it against the CSR's key, [SplitChain]
//     separates the leaf from the chain, and the encoders write PEM, a PEM
//     bundle with the key, and PKCS#12.
//
// The package has no database, proto types or logging. Errors about input are
// wrapped sentinels ([ErrInvalidDomain], [ErrInvalidCSR], [ErrUnacceptableKey],
// [ErrWildcardNotAllowed], ...) that also match [errkind.InvalidArgument], so
// the service can hand their text to the caller as it is; any other error
// (a failing random source) is internal.
package pki
