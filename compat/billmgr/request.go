package billmgr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Errors returned by ParseRequest. They are transport-level failures (the
// request could not be read at all); API-level problems are reported later
// as error documents with HTTP 200. Their texts keep the gateway's prefix:
// the gateway answers them (the desc of its bad-request error).
var (
	// ErrBodyTooLarge is returned (wrapped) when the body exceeds maxBody.
	ErrBodyTooLarge = errors.New("billmgrhttp: request body too large")
	// ErrMethod is returned for methods other than GET, HEAD and POST.
	ErrMethod = errors.New("billmgrhttp: method not allowed")
	// ErrNotGateway is returned when the path is not a gateway path (see
	// IsGatewayPath), including "/" and "/manager" without a func parameter.
	ErrNotGateway = errors.New("billmgrhttp: not a gateway request")
	// ErrBadBody is returned (wrapped) when the body cannot be decoded.
	ErrBadBody = errors.New("billmgrhttp: malformed request body")
)

// Session cookie and language cookie names used by BILLmanager 5/6.
const (
	// SessionCookie carries the session id ("SESSION" or "SESSION:…").
	SessionCookie = "billmgrses5"
	// LangCookie carries "<theme>:<lang>", e.g. "dragon:ru".
	LangCookie = "billmgrlang5"
)

// MaxBody is the default bound of a request body (ParseRequest with
// maxBody <= 0); a CSR and its form fit many times.
const MaxBody = 1 << 20

// Paging defaults and bounds for Request.Page. The real default page size
// is not documented [INF]; API clients normally expect the whole list, so
// the default is generous and the cap only protects the service.
const (
	// DefaultPageCount is the page size when p_cnt is absent or invalid.
	DefaultPageCount = 1000
	// MaxPageCount caps p_cnt.
	MaxPageCount = 5000
	// MaxPageNum caps p_num, so offset arithmetic cannot overflow.
	MaxPageNum = 1_000_000
)

// AuthInfo holds the credentials a request carries. Which of them is used,
// and whether they are valid, is decided by the service, never here.
type AuthInfo struct {
	// Login and Password come from authinfo=LOGIN:PASSWORD, split on the
	// first ':' (the password may contain ':'). Many clients do not
	// URL-encode the password, so a '+' in it arrives as a space; the
	// service may retry with RawParam("authinfo") if the first try fails.
	Login, Password string
	// Session is the auth= parameter, or else the billmgrses5 cookie (the
	// part before the first ':').
	Session string
	// Username is the username= parameter (func=auth and session.newkey).
	Username string
	// UserPassword is the password= parameter of func=auth.
	UserPassword string
	// Key is the one-time login key of func=auth&username=U&key=K. It is only
	// set when func is "auth": elsewhere key= is a private key (PEM).
	Key string
}

// HasAuthinfo reports whether authinfo= was present.
func (a AuthInfo) HasAuthinfo() bool { return a.Login != "" || a.Password != "" }

// Request is a parsed legacy BILLmanager API call.
type Request struct {
	// Func is the func= parameter, trimmed ("certificate.order.param").
	Func string
	// Out is the requested output format (FormatXML when absent/unknown).
	Out Format
	// OutRaw is the out= value as sent, for logging.
	OutRaw string
	// Lang is "ru" or "en": lang=, else the billmgrlang5 cookie, else "en".
	Lang string
	// Params holds the decoded query and body parameters, merged: for a name
	// present in the body the body values replace the query values
	// (ISPsystem's CGI helper concatenates QUERY_STRING&body and the last
	// value wins). Noise parameters are moved to Ignored. Params contains
	// secrets (authinfo, password, key): log only Redact(Params).
	Params url.Values
	// Ignored holds the accepted-and-ignored UI noise parameters.
	Ignored url.Values
	// Elids is elid= split on "," with each id trimmed; empty ids dropped.
	Elids []string
	// Sok reports a non-empty sok= (submit rather than view).
	Sok bool
	// Auth holds the credentials.
	Auth AuthInfo
	// Remote is the client's address (http.Request.RemoteAddr).
	Remote string

	raw map[string][]string // undecoded values, same merge rule as Params
}

// Param returns the first decoded value of name ("" if absent).
func (r *Request) Param(name string) string { return r.Params.Get(name) }

// RawParam returns the first value of name exactly as it was sent, before
// percent- and '+'-decoding ("" if absent). A CSR whose base64 '+' were
// sent unencoded decodes to spaces in Params; a CSR parser can repair it
// from the raw bytes. For multipart and JSON bodies there is no encoding, so
// the raw value equals the decoded one.
func (r *Request) RawParam(name string) string {
	if v := r.raw[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Page returns the 1-based page number (p_num) and the page size (p_cnt),
// defaulting to 1 and DefaultPageCount, bounded by MaxPageNum and
// MaxPageCount. Invalid values fall back to the defaults.
func (r *Request) Page() (num, cnt int) {
	num, cnt = 1, DefaultPageCount
	if n, err := strconv.Atoi(strings.TrimSpace(r.Params.Get("p_num"))); err == nil && n >= 1 {
		num = min(n, MaxPageNum)
	}
	if c, err := strconv.Atoi(strings.TrimSpace(r.Params.Get("p_cnt"))); err == nil && c >= 1 {
		cnt = min(c, MaxPageCount)
	}
	return num, cnt
}

// noiseParams are web-UI parameters that are accepted and ignored.
var noiseParams = map[string]bool{
	"sfrom": true, "clicked_button": true, "hfields": true, "like_admin": true,
	"newbasket": true, "snext": true, "progressid": true, "operafake": true,
	"newface": true, "show_metadata": true, "checkcookie": true, "elname": true,
	"scolname": true,
}

// IsNoiseParam reports whether name is a UI parameter the gateway accepts
// and ignores (sfrom, clicked_button, hfields, zoom-*, ...).
func IsNoiseParam(name string) bool {
	return noiseParams[name] || strings.HasPrefix(name, "zoom-")
}

// gatewayPaths maps a cleaned path to whether it needs func= to count.
var gatewayPaths = map[string]bool{
	"/billmgr":         false,
	"/manager/billmgr": false,
	"/":                true,
	"/manager":         true,
}

func cleanPath(p string) string {
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
		if p == "" {
			p = "/"
		}
	}
	if p == "" {
		p = "/"
	}
	return p
}

// IsGatewayPath reports whether r is addressed to the legacy gateway:
// /billmgr and /manager/billmgr always; / and /manager only when func= is in
// the query, or when the request is a POST whose body may carry func= (the
// body is not read here; ParseRequest then rejects a body without func
// with ErrNotGateway). A trailing slash is ignored.
func IsGatewayPath(r *http.Request) bool {
	needFunc, ok := gatewayPaths[cleanPath(r.URL.Path)]
	if !ok {
		return false
	}
	if !needFunc {
		return true
	}
	if strings.TrimSpace(lenientQuery(r.URL.RawQuery).get("func")) != "" {
		return true
	}
	return r.Method == http.MethodPost
}

// pairs is an ordered list of decoded and raw parameter values.
type pairs struct {
	names     []string
	dec, raws []string
}

func (p *pairs) add(name, dec, raw string) {
	p.names = append(p.names, name)
	p.dec = append(p.dec, dec)
	p.raws = append(p.raws, raw)
}

func (p *pairs) get(name string) string {
	for i, n := range p.names {
		if n == name {
			return p.dec[i]
		}
	}
	return ""
}

// lenientQuery parses a query string or form body. Unlike url.ParseQuery it
// splits on '&' only (';' is data: passwords contain it), keeps raw spaces
// and line breaks, and keeps a '%' that does not start a valid escape.
func lenientQuery(s string) *pairs {
	p := &pairs{}
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, "&")
		if part == "" {
			continue
		}
		rawName, rawVal, _ := strings.Cut(part, "=")
		name := strings.TrimSpace(unescape(rawName))
		if name == "" {
			continue
		}
		p.add(name, unescape(rawVal), rawVal)
	}
	return p
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescape decodes '+' as space and %XX escapes; malformed escapes are kept
// literally.
func unescape(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 < len(s) {
				hi, ok1 := unhex(s[i+1])
				lo, ok2 := unhex(s[i+2])
				if ok1 && ok2 {
					b.WriteByte(hi<<4 | lo)
					i += 2
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// limitedReader reads at most n bytes and reports ErrBodyTooLarge when the
// body holds more.
type limitedReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// Probe one byte to tell "exactly at the limit" from "over it".
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, l.limit)
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// ParseRequest reads a legacy API call from r: GET/HEAD with a query string,
// or POST with an application/x-www-form-urlencoded (also assumed for an
// absent or unknown content type), multipart/form-data or JSON object body.
// At most maxBody bytes of body are read (maxBody <= 0 means MaxBody); a
// larger body yields an error wrapping ErrBodyTooLarge. Parameter values are
// never repaired: see Request.RawParam.
func ParseRequest(r *http.Request, maxBody int64) (*Request, error) {
	if maxBody <= 0 {
		maxBody = MaxBody
	}
	needFunc, ok := gatewayPaths[cleanPath(r.URL.Path)]
	if !ok {
		return nil, ErrNotGateway
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, "":
	default:
		return nil, fmt.Errorf("%w: %s", ErrMethod, r.Method)
	}

	query := lenientQuery(r.URL.RawQuery)
	body := &pairs{}
	if r.Method == http.MethodPost && r.Body != nil && r.Body != http.NoBody {
		var err error
		body, err = parseBody(r, &limitedReader{r: r.Body, n: maxBody, limit: maxBody})
		if err != nil {
			return nil, err
		}
	}

	req := &Request{Params: url.Values{}, Ignored: url.Values{}, raw: map[string][]string{}}
	inBody := map[string]bool{}
	for _, n := range body.names {
		inBody[n] = true
	}
	for _, src := range []*pairs{query, body} {
		for i, n := range src.names {
			if src == query && inBody[n] {
				continue
			}
			if IsNoiseParam(n) {
				req.Ignored[n] = append(req.Ignored[n], src.dec[i])
				continue
			}
			req.Params[n] = append(req.Params[n], src.dec[i])
			req.raw[n] = append(req.raw[n], src.raws[i])
		}
	}

	req.Func = strings.TrimSpace(req.Params.Get("func"))
	if needFunc && req.Func == "" {
		return nil, ErrNotGateway
	}
	req.OutRaw = req.Params.Get("out")
	req.Out, _ = ParseFormat(req.OutRaw)
	req.Lang = parseLang(req.Params.Get("lang"), r)
	req.Sok = strings.TrimSpace(req.Params.Get("sok")) != ""
	req.Elids = SplitElid(req.Params.Get("elid"))
	req.Auth = parseAuth(req, r)
	req.Remote = r.RemoteAddr
	return req, nil
}

func parseBody(r *http.Request, lr io.Reader) (*pairs, error) {
	mt, mp, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = "" // absent or malformed: treat as a form body, as curl -d sends
	}
	switch mt {
	case "multipart/form-data":
		return parseMultipart(lr, mp["boundary"])
	case "application/json":
		return parseJSONBody(lr)
	}
	b, err := io.ReadAll(lr)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrBadBody, err)
	}
	// A body written from a file (curl --data-binary @f) often ends in a
	// line break that belongs to no value.
	return lenientQuery(strings.TrimRight(string(b), "\r\n")), nil
}

func parseMultipart(lr io.Reader, boundary string) (*pairs, error) {
	if boundary == "" {
		return nil, fmt.Errorf("%w: multipart without boundary", ErrBadBody)
	}
	p := &pairs{}
	mr := multipart.NewReader(lr, boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			if errors.Is(err, ErrBodyTooLarge) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", ErrBadBody, err)
		}
		name := strings.TrimSpace(part.FormName())
		v, err := io.ReadAll(part)
		if err != nil {
			if errors.Is(err, ErrBodyTooLarge) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", ErrBadBody, err)
		}
		if name != "" {
			p.add(name, string(v), string(v))
		}
	}
}

// parseJSONBody accepts {"func":"…","elid":4711,"sok":true,…} [INF: some
// clients send JSON; real mgr5 support is unconfirmed]. Scalars become
// strings (true → "on", false → "off"), arrays give repeated values.
func parseJSONBody(lr io.Reader) (*pairs, error) {
	b, err := io.ReadAll(lr)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrBadBody, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return &pairs{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBody, err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p := &pairs{}
	for _, k := range keys {
		name := strings.TrimSpace(k)
		if name == "" {
			continue
		}
		vals := []any{m[k]}
		if a, ok := m[k].([]any); ok {
			vals = a
		}
		for _, v := range vals {
			s, ok := jsonScalar(v)
			if !ok {
				return nil, fmt.Errorf("%w: parameter %q is not a scalar", ErrBadBody, name)
			}
			p.add(name, s, s)
		}
	}
	return p, nil
}

func jsonScalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "on", true
		}
		return "off", true
	case nil:
		return "", true
	}
	return "", false
}

// SplitElid splits an elid value into ids. The documented separator is
// ", "; a bare "," is accepted too. Ids are trimmed and empty ones dropped.
func SplitElid(s string) []string {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "ru" || s == "en" {
		return s
	}
	return ""
}

func parseLang(param string, r *http.Request) string {
	if l := normLang(param); l != "" {
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		v := c.Value
		if i := strings.LastIndexByte(v, ':'); i >= 0 {
			v = v[i+1:] // "dragon:ru"
		}
		if l := normLang(v); l != "" {
			return l
		}
	}
	return "en"
}

func parseAuth(req *Request, r *http.Request) AuthInfo {
	var a AuthInfo
	if ai, ok := req.Params["authinfo"]; ok && len(ai) > 0 {
		a.Login, a.Password, _ = strings.Cut(ai[0], ":")
	}
	a.Session = strings.TrimSpace(req.Params.Get("auth"))
	if a.Session == "" {
		if c, err := r.Cookie(SessionCookie); err == nil {
			s, _, _ := strings.Cut(c.Value, ":")
			a.Session = strings.TrimSpace(s)
		}
	}
	a.Username = req.Params.Get("username")
	if req.Func == "auth" {
		a.UserPassword = req.Params.Get("password")
		a.Key = req.Params.Get("key")
	}
	return a
}
