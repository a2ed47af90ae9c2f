package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/certsvc/certsvc/internal/errkind"
)

// publicAddr reports whether ip is an address a webhook may reach without
// --webhook-allow-private: not loopback, private (RFC 1918, unique local),
// link-local, unspecified, multicast, CGNAT or otherwise reserved.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// reserved are further ranges that are not the public Internet.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // CGNAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// dialControl refuses, at dial time, a connection to an address that is not
// public, unless allowPrivate: the address checked is the one resolved for
// this very connection, so a name that resolved to a public address when the
// endpoint was configured and to a private one now (DNS rebinding) is
// refused too.
func dialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook: dial %s: %w", address, err)
		}
		if !publicAddr(ap.Addr()) {
			return fmt.Errorf("webhook: refusing to connect to the non-public address %s", ap.Addr())
		}
		return nil
	}
}

// CheckURL checks an endpoint's URL when it is configured: https (http
// only when allowed), a host, no credentials, and every address the host
// resolves to public unless private targets are allowed. Errors name the
// field "url".
func (w *Webhooks) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errkind.Invalid("url", "not a URL: %v", err)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && w.opts.AllowHTTP:
	case u.Scheme == "http":
		return errkind.Invalid("url", "must be https (plain http is not allowed by the operator)")
	default:
		return errkind.Invalid("url", "must be an https URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return errkind.Invalid("url", "has no host")
	}
	if u.User != nil {
		return errkind.Invalid("url", "must not carry credentials")
	}
	if u.Fragment != "" {
		return errkind.Invalid("url", "must not have a fragment")
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !w.opts.AllowPrivate && !publicAddr(ip) {
			return errkind.Invalid("url", "%s is a loopback, private, link-local or otherwise non-public address", ip)
		}
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		if !w.opts.AllowPrivate {
			return errkind.Invalid("url", "%s is a loopback name", host)
		}
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return errkind.Invalid("url", "the host %s does not resolve: %v", host, err)
	}
	if w.opts.AllowPrivate {
		return nil
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return errkind.Invalid("url", "the host %s resolves to the non-public address %s", host, a.Unmap())
		}
	}
	return nil
}
