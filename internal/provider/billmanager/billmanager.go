// Package billmanager is the processing module that resells through an
// upstream BILLmanager (kind "billmanager"): any billing that serves the
// legacy func= API, including another certsvc through its gateway
// (compat/billmgrhttp). It calls the API as a client-level reseller
// account would (the legacy API notes, §4):
//
//	CheckCredentials  func=certificate&p_cnt=1 (an authenticated read)
//	PlaceOrder        certificate.order.param&sok=ok&skipbasket=on&remoteid=<Ref>
//	                  with crt_type=manual and our CSR, then certificate.edit
//	Sync              certificate.edit (item_status, service_status, dates),
//	                  then certificate.file&type=crt once issued
//	FindByRef         func=certificate&filter=on&remoteid=<Ref>
//	Reissue           certificate.reissue.step2 (crt_type manual or altname)
//	Renew             service.prolong&elid=…&period=…&sok=ok
//	Cancel            certificate.delete&elid=…&sok=ok
//	Products          pricelist.export&itemtype=certificate
//	Balance           func=subaccount (elem[].balance, currency)
//
// Orders are placed with our Ref as remoteid, the upstream's client
// reference: an order whose placement had an unknown outcome is found by a
// list filtered by remoteid (RefLookup), never by placing it again. (The
// certsvc gateway is also idempotent on remoteid, but a lookup must not
// create what it looks for.)
//
// Failures are classified for the core:
//   - nothing reached the upstream (refused connection, DNS, TLS, the
//     breaker open, a 502/503/504, any failure of a read, a failure before
//     the whole request was written): [provider.ErrUnavailable];
//   - the request was written and then the call timed out, the connection
//     dropped, the reply was unreadable, or another 5xx or an "internal"
//     error document came back, on a call that changes something (order,
//     reissue, renewal, delete): [provider.ErrUnknownOutcome];
//   - error documents: type auth is [provider.ErrRejected] saying the login
//     or password was refused; not_enough_money is
//     [provider.ErrInsufficientFunds]; missed about elid is
//     [provider.ErrNotFound]; the others are [provider.ErrRejected] with
//     the upstream's message.
//
// The password never appears in logs or errors.
//
// Configuration:
//
//	Settings["url"]       the upstream's API URL, "https://host/billmgr"; a
//	                      URL without a path gets /billmgr. Plain http only
//	                      for loopback hosts (tests).
//	Settings["login"]     the reseller account's user at the upstream
//	Settings["currency"]  optional: the currency of the catalog's prices
//	                      (default: the first the upstream lists)
//	Secrets["password"]   its password
package billmanager

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"time"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/provider"
)

// KindName is the kind of the module, returned by the provider's Kind method.
const KindName = "billmanager"

// Configuration keys of the module.
const (
	SettingURL      = "url"
	SettingLogin    = "login"
	SettingCurrency = "currency"
	SecretPassword  = "password"
)

// defaultPath is the API path added to a URL that has none.
const defaultPath = "/billmgr"

// Settings are the module's settings and secrets.
var Settings = []provider.Setting{
	{Name: SettingURL, Required: true,
		Doc: "the upstream's API URL, such as https://host/billmgr (/billmgr is added to a URL without a path)"},
	{Name: SettingLogin, Required: true, Doc: "the reseller account's user at the upstream"},
	{Name: SecretPassword, Secret: true, Required: true, Doc: "the reseller account's password"},
	{Name: SettingCurrency, Doc: "the currency of the imported prices; the first the upstream lists when empty"},
}

// Kind returns the module kind for the core's registry.
func Kind() provider.Kind {
	return provider.Kind{
		Name:     KindName,
		API:      certsvcv1.ModuleKind_MODULE_KIND_BILLMANAGER,
		Doc:      "Resells through an upstream BILLmanager (or another certsvc) over its legacy func= API.",
		Caps:     provider.Capabilities{RefLookup: true, Reissue: true, Renew: true, Catalog: true, Balance: true},
		Settings: Settings,
		New:      New,
		Prepare:  Prepare,
	}
}

// Prepare checks a new module's configuration without calling the
// upstream (CheckCredentials does that) and returns it with the URL
// completed and blanks trimmed. The input's maps are not modified. Errors
// wrap errkind.InvalidArgument and never hold the password.
func Prepare(ctx context.Context, c provider.Config) (provider.Config, error) {
	if err := ctx.Err(); err != nil {
		return provider.Config{}, err
	}
	out := c
	out.Settings = cloneMap(c.Settings)
	out.Secrets = cloneMap(c.Secrets)
	cfg, err := parseConfig(out)
	if err != nil {
		return provider.Config{}, err
	}
	out.Settings[SettingURL] = cfg.endpoint
	out.Settings[SettingLogin] = cfg.login
	return out, nil
}

// New builds the provider. It does not call the upstream.
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
	log = log.With("module_kind", KindName)
	now := c.Now
	if now == nil {
		now = time.Now
	}
	cl := &client{http: hc, endpoint: cfg.endpoint, login: cfg.login, password: cfg.password, log: log}
	return &billmanager{c: cl, log: log, now: now, currency: cfg.currency}, nil
}

// config is a checked configuration.
type config struct {
	endpoint, login, password, currency string
}

func parseConfig(c provider.Config) (config, error) {
	raw := strings.TrimSpace(c.Settings[SettingURL])
	if raw == "" {
		return config{}, invalid("setting %q is empty: give the upstream's API URL, such as https://host/billmgr", SettingURL)
	}
	endpoint, err := endpointURL(raw)
	if err != nil {
		return config{}, err
	}
	cfg := config{
		endpoint: endpoint,
		login:    strings.TrimSpace(c.Settings[SettingLogin]),
		password: c.Secrets[SecretPassword],
		currency: strings.ToUpper(strings.TrimSpace(c.Settings[SettingCurrency])),
	}
	switch {
	case cfg.login == "":
		return config{}, invalid("setting %q is empty", SettingLogin)
	case strings.Contains(cfg.login, ":"):
		return config{}, invalid("setting %q must not contain ':' (authinfo is login:password)", SettingLogin)
	case cfg.password == "":
		return config{}, invalid("secret %q is empty", SecretPassword)
	}
	return cfg, nil
}

// endpointURL checks the URL setting and fills in the default path.
func endpointURL(raw string) (string, error) {
	u, err := provider.EndpointURL(SettingURL, raw, "https://host/billmgr")
	if err != nil {
		return "", invalid("%w", err)
	}
	if strings.Trim(u.Path, "/") == "" {
		u.Path = defaultPath
	}
	return u.String(), nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: billmanager: "+format, append([]any{errkind.InvalidArgument}, args...)...)
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
