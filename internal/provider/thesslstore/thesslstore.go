// Package thesslstore is the processing module for The SSL Store's REST API
// (kind "thesslstore"): a JSON-over-POST reseller API in front of Sectigo,
// DigiCert and other brands.
//
// Every request body carries an AuthRequest with the partner code and auth
// token; errors come back inside a 200 reply as AuthResponse.isError plus
// Message. Orders are placed with our Ref as CustomOrderID, which lets
// [provider.RefLookup] find an order whose placement had an unknown outcome
// instead of placing it twice.
//
// Failures are classified for the core:
//   - nothing reached the API (refused, DNS, TLS, a 502/503/504 or any 5xx
//     on a read, a timeout before anything was written):
//     [provider.ErrUnavailable];
//   - the request was written and then the call timed out, the connection
//     dropped, the reply was malformed, or a 500 came back, on a call that
//     changes something (new order, renewal, reissue, refund):
//     [provider.ErrUnknownOutcome]; on reads these are ErrUnavailable;
//   - isError replies: [provider.ErrRejected], [provider.ErrInsufficientFunds]
//     when the message is about the balance, [provider.ErrNotFound] when a
//     call about an order says the order does not exist. The API's message
//     is kept in the error text.
//
// The partner code and the token never appear in logs or errors: they are
// masked even where the API echoes them in a message.
//
// Configuration:
//
//	Settings["environment"]  "live" or "sandbox" (default "sandbox")
//	Settings["url"]          an API base URL that overrides the environment
//	                         ("https://api.thesslstore.eu"); "/rest" is added
//	                         when missing. Plain http is accepted for
//	                         loopback hosts only (tests).
//	Secrets["partner_code"]  the API partner code
//	Secrets["auth_token"]    the API auth token
package thesslstore

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strings"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
)

// KindName is the kind of the module, returned by the provider's Kind method.
const KindName = "thesslstore"

// Configuration keys of the module.
const (
	// SettingEnvironment selects the API: EnvironmentLive or
	// EnvironmentSandbox (the default).
	SettingEnvironment = "environment"
	// SettingURL overrides the environment's base URL.
	SettingURL = "url"
	// SecretPartnerCode is the API partner code.
	SecretPartnerCode = "partner_code"
	// SecretAuthToken is the API auth token.
	SecretAuthToken = "auth_token"
)

// The environments and their base URLs (ca-providers.md §1.1).
const (
	EnvironmentLive    = "live"
	EnvironmentSandbox = "sandbox"

	LiveURL    = "https://api.thesslstore.com/rest/"
	SandboxURL = "https://sandbox-wbapi.thesslstore.com/rest/"
)

// Settings are the module's settings and secrets.
var Settings = []provider.Setting{
	{Name: SettingEnvironment, Doc: `the API to use: "live" or "sandbox"`, Default: EnvironmentSandbox},
	{Name: SettingURL, Doc: `an API base URL that overrides the environment's ("/rest" is added when missing)`},
	{Name: SecretPartnerCode, Secret: true, Required: true, Doc: "the API partner code"},
	{Name: SecretAuthToken, Secret: true, Required: true, Doc: "the API auth token"},
}

// Kind returns the module kind for the core's registry.
func Kind() provider.Kind {
	return provider.Kind{
		Name: KindName,
		API:  certsvcv1.ModuleKind_MODULE_KIND_THESSLSTORE,
		Doc:  "The SSL Store's REST API (Sectigo, DigiCert and other brands).",
		Caps: provider.Capabilities{RefLookup: true, Reissue: true, Renew: true, Revoke: true, DCV: true, Catalog: true,
			Approvers: true, Balance: true},
		Settings: Settings,
		New:      New,
		Prepare:  Prepare,
	}
}

// Prepare checks a new module's configuration without calling the API
// (CheckCredentials does that) and returns it with the environment filled
// in when neither it nor a URL is set, and with blanks trimmed from the
// secrets. The input's maps are not modified. Errors wrap
// errkind.InvalidArgument and name the field at fault, never its value when
// it is a secret.
func Prepare(ctx context.Context, c provider.Config) (provider.Config, error) {
	if err := ctx.Err(); err != nil {
		return provider.Config{}, err
	}
	out := c
	out.Settings = cloneMap(c.Settings)
	out.Secrets = cloneMap(c.Secrets)
	for _, k := range []string{SecretPartnerCode, SecretAuthToken} {
		if v, ok := out.Secrets[k]; ok {
			out.Secrets[k] = strings.TrimSpace(v)
		}
	}
	if _, err := parseConfig(out); err != nil {
		return provider.Config{}, err
	}
	if strings.TrimSpace(out.Settings[SettingURL]) == "" && strings.TrimSpace(out.Settings[SettingEnvironment]) == "" {
		out.Settings[SettingEnvironment] = EnvironmentSandbox
	}
	return out, nil
}

// New builds the provider. It does not call the API.
func New(c provider.Config) (provider.Provider, error) {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil, err
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log = log.With("module", KindName)
	if c.Name != "" {
		log = log.With("module_name", c.Name)
	}
	cl := &client{http: hc, base: cfg.base, partner: cfg.partner, token: cfg.token, log: log}
	return &sslStore{c: cl, log: log}, nil
}

// config is a checked configuration.
type config struct {
	base           string // ends with "/"
	partner, token string
}

func parseConfig(c provider.Config) (config, error) {
	env := strings.TrimSpace(c.Settings[SettingEnvironment])
	base := ""
	switch env {
	case "", EnvironmentSandbox:
		base = SandboxURL
	case EnvironmentLive:
		base = LiveURL
	default:
		return config{}, invalid("setting %q must be %q or %q, not %q",
			SettingEnvironment, EnvironmentLive, EnvironmentSandbox, truncate(env, 40))
	}
	if raw := strings.TrimSpace(c.Settings[SettingURL]); raw != "" {
		u, err := baseURL(raw)
		if err != nil {
			return config{}, err
		}
		base = u
	}
	partner := strings.TrimSpace(c.Secrets[SecretPartnerCode])
	token := strings.TrimSpace(c.Secrets[SecretAuthToken])
	switch {
	case partner == "" && token == "":
		return config{}, invalid("secrets %q and %q are empty", SecretPartnerCode, SecretAuthToken)
	case partner == "":
		return config{}, invalid("secret %q is empty", SecretPartnerCode)
	case token == "":
		return config{}, invalid("secret %q is empty", SecretAuthToken)
	}
	return config{base: base, partner: partner, token: token}, nil
}

// baseURL checks a URL setting and returns it ending in "/rest/".
func baseURL(raw string) (string, error) {
	u, err := provider.EndpointURL(SettingURL, raw, LiveURL)
	if err != nil {
		return "", invalid("%w", err)
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, "/rest") {
		p += "/rest"
	}
	u.Path = p + "/"
	return u.String(), nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: thesslstore: "+format, append([]any{errkind.InvalidArgument}, args...)...)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// truncate shortens s to at most n bytes for a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
