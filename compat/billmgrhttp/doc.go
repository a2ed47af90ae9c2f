// Package billmgrhttp will be the compatibility gateway: it accepts the legacy
// BILLmanager func=certificate.* HTTP calls and maps them onto the typed RPCs
// through the generated clients. It never imports ent or the service
// internals, so authentication, authorisation, validation and money rules are
// decided once, in the service.
package billmgrhttp
