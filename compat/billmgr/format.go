package billmgr

import "strings"

// Format is the value of the legacy out= parameter: the output format the
// client asked for.
type Format string

// The output formats of the legacy API (§3 of docs/legacy-billmgr-api.md).
const (
	// FormatXML is out=xml: <doc> with children, attributes as attributes.
	FormatXML Format = "xml"
	// FormatJSON is out=json: the XML tree as {"doc":…}, "$" text, "$attr".
	FormatJSON Format = "json"
	// FormatSJSON is out=sjson: like json, repeatable nodes always arrays.
	FormatSJSON Format = "sjson"
	// FormatBJSON is out=bjson: BILLmanager 6 flat shape, no doc wrapper.
	FormatBJSON Format = "bjson"
	// FormatJSONData is out=JSONdata: the data only (a bare array for lists).
	FormatJSONData Format = "JSONdata"
	// FormatText is out=text: mgrctl-style OK / ERROR / key=value lines.
	FormatText Format = "text"
	// FormatDevel is out=devel: answered exactly like xml [INF].
	FormatDevel Format = "devel"
)

// Formats lists every supported format, in a stable order.
var Formats = []Format{FormatXML, FormatJSON, FormatSJSON, FormatBJSON, FormatJSONData, FormatText, FormatDevel}

// ParseFormat maps an out= value onto a Format. Matching is case-insensitive
// ("jsondata" is JSONdata). An empty or unknown value yields FormatXML and
// ok=false: real BILLmanager answers HTML when out is absent, which a gateway
// cannot produce, and XML is the format every legacy client can read.
func ParseFormat(s string) (f Format, ok bool) {
	s = strings.TrimSpace(s)
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, true
		}
	}
	return FormatXML, false
}
