// Package billmgrhttp is the compatibility gateway: it accepts the legacy
// BILLmanager func=certificate.* HTTP calls and maps them onto the typed RPCs
// through the generated clients (API). It never imports ent or the service
// internals, so authentication, authorisation, validation and money rules are
// decided once, in the service.
//
// # Protocol layer
//
// Below the functions (gateway.go: the func= table; certificate.go,
// order.go, pricelist.go: one handler per function) lies the protocol layer
// (see the legacy API notes, "the doc"):
//
//   - ParseRequest turns GET/POST (form, multipart, JSON) calls on /billmgr,
//     /manager/billmgr, and / or /manager with func=, into a Request: func,
//     out, lang, merged params (body wins), elid list, sok, credentials.
//     Values are decoded leniently (';' is data, a stray '%' is kept) and
//     never repaired; Request.RawParam gives the undecoded value, e.g. for a
//     CSR whose unencoded '+' arrived as spaces.
//   - Doc is a format-neutral response (list, form, ok, error, file) and
//     Encode renders it as xml, devel, json, sjson, bjson, JSONdata or text,
//     always with HTTP 200. Output is always well-formed XML / valid UTF-8
//     JSON whatever the strings inside.
//   - Redact masks secrets before logging or echoing parameters.
//
// Decisions where the doc is uncertain ([INF]) are commented at the code
// that implements them; the main ones:
//
//   - out=xml is sent as exactly "text/xml" (the Perl client compares the
//     raw header); devel is answered as xml.
//   - Value fields always carry "$" in json/sjson ("OU":{"$":""}), while an
//     empty <ok/> is "ok":{}. sjson forces arrays for elem, slist, val and
//     the cells inside elem.
//   - Errors carry type, object and value attributes plus the documented
//     <param name="object"|"value">, <detail> and <msg> children.
//   - A created object gives <id> next to <ok/>; bjson gives "ok":true,
//     "id" and "model":{"id"}.
//   - Names validated by DNS or a file on the site show, in certificate.edit
//     and the reissue form, approver_method_N and what to publish
//     (dcv_dns_name_N, dcv_dns_type_N or dcv_http_url_N, dcv_value_N,
//     dcv_status_N); approver_method_N is also accepted on input, beside
//     approver_method for the other names.
//   - Unknown or absent out= means xml; lang is "ru" or "en" (default en);
//     p_cnt defaults to DefaultPageCount.
package billmgrhttp
