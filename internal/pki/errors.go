package pki

import "github.com/certsvc/certsvc/internal/errkind"

// kindError is a sentinel error of this package: its own text, and the
// errkind kind it belongs to, so that errors.Is matches both.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// detailError carries a complete message and wraps a sentinel whose text it
// does not repeat ("RSA key of 1024 bits is too weak; use at least 2048").
type detailError struct {
	msg string
	err error
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.err }

// The sentinels. Each is an [errkind.InvalidArgument]: the input is at fault.
// Errors returned by this package wrap them with the detail of what is wrong.
var (
	// ErrInvalidDomain reports a name that cannot be put in a certificate.
	ErrInvalidDomain error = &kindError{"invalid domain name", errkind.InvalidArgument}
	// ErrInvalidSubject reports a subject field (country, e-mail, ...) that is malformed or too long.
	ErrInvalidSubject error = &kindError{"invalid certificate subject", errkind.InvalidArgument}
	// ErrInvalidCSR reports data that is not a usable certificate signing request.
	ErrInvalidCSR error = &kindError{"invalid certificate request", errkind.InvalidArgument}
	// ErrUnacceptableKey reports a public key that certificate authorities refuse (too weak, unsupported).
	ErrUnacceptableKey error = &kindError{"unacceptable key", errkind.InvalidArgument}
	// ErrInvalidKey reports data that is not a usable private key.
	ErrInvalidKey error = &kindError{"invalid private key", errkind.InvalidArgument}
	// ErrInvalidCertificate reports data that is not a certificate in PEM or DER.
	ErrInvalidCertificate error = &kindError{"invalid certificate", errkind.InvalidArgument}
	// ErrKeyMismatch reports a certificate whose public key is not that of the private key or CSR.
	ErrKeyMismatch error = &kindError{"the certificate does not match the key", errkind.InvalidArgument}
	// ErrWildcardNotAllowed reports a wildcard name under a plan without wildcard support.
	ErrWildcardNotAllowed error = &kindError{"the plan does not allow wildcard names", errkind.InvalidArgument}
	// ErrTooManyNames reports more names than the plan allows.
	ErrTooManyNames error = &kindError{"too many domain names for the plan", errkind.InvalidArgument}
	// ErrIDNNotAllowed reports an internationalised (IDN) name under a plan without IDN support.
	ErrIDNNotAllowed error = &kindError{"the plan does not allow internationalised (IDN) names", errkind.InvalidArgument}
)
