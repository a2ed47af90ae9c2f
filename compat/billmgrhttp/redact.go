package billmgrhttp

import (
	"net/url"
	"strings"
)

// Redacted replaces a secret value in the output of Redact.
const Redacted = "[REDACTED]"

// secretParams are always masked, whatever their value.
var secretParams = map[string]bool{
	"authinfo": true, "password": true, "passwd": true, "key": true, "auth": true,
	"confirm": true, // password confirmation in BILLmanager forms
}

// isSecretName reports whether a parameter name carries a secret.
func isSecretName(name string) bool {
	n := strings.ToLower(name)
	return secretParams[n] || strings.Contains(n, "passw") || strings.HasSuffix(n, "_key")
}

// looksLikePrivateKey reports whether v holds PEM private key material,
// even with its line breaks or '+' mangled in transit.
func looksLikePrivateKey(v string) bool {
	return strings.Contains(strings.ToUpper(v), "PRIVATE KEY")
}

// Redact returns a copy of v that is safe to log or echo: authinfo keeps the
// login and masks the password ("login:[REDACTED]"); password, passwd, key,
// auth, confirm and any name containing "passw" or ending in "_key" are
// masked; any other value that looks like a PEM private key is masked too.
// Redact(nil) is nil.
func Redact(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for name, vals := range v {
		cp := make([]string, len(vals))
		for i, s := range vals {
			switch {
			case strings.EqualFold(name, "authinfo"):
				login, _, _ := strings.Cut(s, ":")
				cp[i] = login + ":" + Redacted
			case isSecretName(name), looksLikePrivateKey(s):
				cp[i] = Redacted
			default:
				cp[i] = s
			}
		}
		out[name] = cp
	}
	return out
}
