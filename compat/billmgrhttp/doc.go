// Package billmgrhttp is the compatibility gateway: it accepts the legacy
// BILLmanager func=certificate.* HTTP calls and maps them onto the typed RPCs
// through the generated clients (API). It never imports ent or the service
// internals, so authentication, authorisation, validation and money rules are
// decided once, in the service.
//
// # Layers
//
// The func= table and the one chain every function runs in are in
// gateway.go (recover, error documents, tparams, credentials); the
// handlers are in certificate.go, order.go, pricelist.go, basket.go (the
// cart) and account.go. Every text an answer can carry is in the
// catalogue (catalogue.go), in English and Russian.
// Each legacy form is one binding table (bind.go): legacy parameter, field
// path, codec; the same table fills requests, shows forms and names the
// parameter of a field error (errors.go, the one mapping from RPC errors to
// legacy error documents, with the one echo policy billmgr.EchoValue).
//
// The protocol itself (reading requests and their parameters, documents,
// encoders, status codes, redaction) is package billmgr, shared with the
// upstream BILLmanager module: handlers get a billmgr.Request and read its
// values with Request.Value, ID, PEM and the like, whose ParamError
// errors.go answers like any field error.
//
// Decisions where the doc is uncertain ([INF]) are commented at the code
// that implements them; the main ones:
//
//   - Names validated by DNS or a file on the site show, in certificate.edit
//     and the reissue form, approver_method_N and what to publish
//     (dcv_dns_name_N, dcv_dns_type_N or dcv_http_url_N, dcv_value_N,
//     dcv_status_N); approver_method_N is also accepted on input, beside
//     approver_method for the other names.
//   - An outage of the service (unavailable) is answered with HTTP 503 and
//     Retry-After, every other error with HTTP 200.
//   - A group action (elid="1, 2") applies to every elid or to none: each is
//     read first, and an unknown one answers missed before anything changes.
//   - certificate.file answers the raw file without out=; with out= (a
//     client that parses every answer) a document in that format: elid,
//     type and the file as data, the fields of certificate.file.edit.
package billmgrhttp
