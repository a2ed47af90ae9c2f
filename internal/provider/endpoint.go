package provider

import (
	"fmt"
	"net"
	"net/url"
)

// EndpointURL checks a module's URL setting for a CA that is sent a secret
// on every call: an absolute URL with no user info, query or fragment, on
// https. Plain http would send the secret in clear, so it is allowed only
// to a loopback host (a test peer, or a tunnel on the same machine).
// setting names the setting in the error; example shows a good value.
func EndpointURL(setting, raw, example string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("setting %q must be an absolute URL such as %s", setting, example)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("setting %q must not hold user info, a query or a fragment", setting)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("setting %q must use https (plain http only for loopback hosts)", setting)
		}
	default:
		return nil, fmt.Errorf("setting %q must be an https URL", setting)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
