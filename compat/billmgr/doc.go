// Package billmgr is the BILLmanager (ISPsystem mgr5) func= protocol, both
// ends of it: the response documents (Doc: ok, list, form, error, file and
// nested data), their encoders for every out= format (xml, devel, json,
// sjson, bjson, JSONdata, text), the reader of xml documents a client gets
// back (ParseXML), the item_status and SSL service_status codes, and the
// redaction of the protocol's secrets (authinfo, password, key, ...) for
// logs and echoed parameters.
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
package billmgr
