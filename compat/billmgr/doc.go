// Package billmgr is the BILLmanager (ISPsystem mgr5) func= protocol, both
// ends of it: the request a server reads (ParseRequest, Request), the
// readers of its parameter values (Request.Value, Int, ID, PEM,
// Certificate, IsOn, ParseDate: what legacy clients mangle put back, a
// value that cannot be read a ParamError), the response documents (Doc:
// ok, list, form, error, file and nested data), their encoders for every
// out= format (xml, devel, json, sjson, bjson, JSONdata, text), the reader
// of xml documents a client gets back (ParseXML), the item_status and SSL
// service_status codes, and the redaction of the protocol's secrets
// (authinfo, password, key, ...) for logs and echoed parameters.
//
// ParseRequest turns GET/POST (form, multipart, JSON) calls on /billmgr,
// /manager/billmgr, and / or /manager with func=, into a Request: func,
// out, lang, merged params (body wins), elid list, sok, credentials.
// Values are decoded leniently (';' is data, a stray '%' is kept) and never
// repaired; Request.RawParam gives the undecoded value, e.g. for a CSR
// whose unencoded '+' arrived as spaces.
//
// The gateway (compat/billmgrhttp) serves the protocol and the upstream
// BILLmanager module (internal/provider/billmanager) calls it; neither
// keeps a copy of what is here. The package imports the standard library
// only.
//
// Decisions where the legacy API notes are uncertain ([INF]) are commented
// at the code that implements them; the main ones:
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
//   - Unknown or absent out= means xml.
//   - lang is "ru" or "en" (default en); p_cnt defaults to DefaultPageCount.
package billmgr
