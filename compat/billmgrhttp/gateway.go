package billmgrhttp

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/certsvc/certsvc/compat/billmgr"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
)

// API is everything the gateway may call: the typed RPC clients, and nothing
// of the service's internals. The generated Connect clients satisfy each
// field; tests of the gateway's own logic pass fakes.
type API struct {
	Auth    certsvcv1connect.AuthServiceClient
	Catalog certsvcv1connect.CatalogServiceClient
	Account certsvcv1connect.AccountServiceClient
	Cert    certsvcv1connect.CertificateServiceClient
}

// Gateway serves the legacy func= API by translating each call into typed
// RPCs. It decides nothing itself: credentials, access, validation and
// errors all come from the service, and are only re-expressed here.
type Gateway struct {
	api   API
	log   *slog.Logger
	names *names
	funcs map[string]funcHandler
}

// funcHandler serves one legacy function.
type funcHandler func(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error)

// legacyFunc is one entry of the func= table: its handler.
type legacyFunc struct {
	serve funcHandler
}

// table is the func= table: every legacy function the gateway serves.
func (g *Gateway) table() map[string]legacyFunc {
	return map[string]legacyFunc{
		"auth":           {serve: g.funcAuth},
		"session.newkey": {serve: g.funcSessionNewKey},
		"subaccount":     {serve: g.funcSubaccount},

		// Existing certificates (certificate.go).
		"certificate":           {serve: g.funcCertificate},
		"certificate.filter":    {serve: g.funcCertificateFilter},
		"certificate.setfilter": {serve: g.funcCertificateSetFilter},
		"certificate.edit":      {serve: g.funcCertificateEdit},
		"certificate.open":      {serve: g.funcCertificateOpen},
		"certificate.file":      {serve: g.funcCertificateFile},
		"certificate.file.edit": {serve: g.funcCertificateFileEdit},
		"certificate.retry":     {serve: g.groupAction(g.retryCertificates)},
		"certificate.resume":    {serve: g.groupAction(g.resumeCertificates)},
		"certificate.sync":      {serve: g.groupAction(g.syncCertificates)},
		"certificate.delete":    {serve: g.groupAction(g.deleteCertificates)},
		"certificate.su":        {serve: g.funcCertificateSu},

		// Orders, reissues, renewals and the price list (order.go, pricelist.go).
		"certificate.order":         {serve: g.funcOrder},
		"certificate.order.csr":     {serve: g.funcOrderCSR},
		"certificate.order.param":   {serve: g.funcOrderParam},
		"certificate.reissue":       {serve: g.funcReissue},
		"certificate.reissue.step2": {serve: g.funcReissue},
		"service.prolong":           {serve: g.funcProlong},
		"pricelist.export":          {serve: g.funcPricelistExport},

		// The cart (basket.go).
		"basket": {serve: g.funcBasket},
	}
}

// New returns a Gateway calling api. Every function of the table is
// wrapped in the same chain, outermost first: recover (a panic answers an
// internal error and is logged), errors (an error becomes the legacy error
// document, errorDoc), tparams (where the table asks) and credentials (the
// caller's authinfo, session and address go with every RPC). Reading the
// request (with its body limit), an unknown function's log line and the
// output format are ServeHTTP's.
func New(api API, log *slog.Logger) *Gateway {
	g := &Gateway{api: api, log: log, names: newNames(), funcs: map[string]funcHandler{}}
	for name, f := range g.table() {
		g.funcs[name] = g.recovered(echoParams(answerErrors(withCredentials(f.serve))))
	}
	return g
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := billmgr.ParseRequest(r, billmgr.MaxBody)
	switch {
	case errors.Is(err, billmgr.ErrNotGateway):
		http.NotFound(w, r)
		return
	case errors.Is(err, billmgr.ErrMethod):
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case err != nil:
		// The format is unknown when the request could not be read: xml is
		// the legacy default.
		billmgr.Encode(w, billmgr.FormatXML, badRequestDoc(err))
		return
	}
	fn, ok := g.funcs[req.Func]
	if !ok {
		// Unauthenticated callers choose what is logged here: a bounded,
		// redacted summary only, never the values.
		g.log.WarnContext(r.Context(), "legacy function missed", "func", billmgr.EchoValue("func", req.Func),
			"params", billmgr.Summary(req.Params))
		d := billmgr.NewError(req.Func, req.Lang, billmgr.ErrorMissed, req.Func, "", message(req.Lang, msgMissed, "object", "'"+billmgr.EchoValue("func", req.Func)+"'"))
		d.TParams = tparams(req)
		billmgr.Encode(w, req.Out, d)
		return
	}
	doc, _ := fn(r.Context(), req) // answerErrors turned any error into doc
	if tok := sessionOf(req, doc); tok != "" {
		// The session cookie a browser needs after func=auth (also after a
		// key login from session.newkey).
		http.SetCookie(w, &http.Cookie{Name: billmgr.SessionCookie, Value: tok, Path: "/", HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		if req.Auth.Key != "" && req.OutRaw == "" {
			// A browser sent by a key login link (session.newkey, then
			// func=auth&username=&key= without out=) lands in the web
			// console, signed in: the session goes in the fragment, which
			// the console takes and removes (it never reaches a server).
			http.Redirect(w, r, ConsoleHandoff+url.QueryEscape(tok), http.StatusSeeOther)
			return
		}
	}
	billmgr.Encode(w, req.Out, doc)
}

// ConsoleHandoff is where a key login by a browser is sent, the session
// appended; the console's adoptHandoff (web/console/src/lib/session.ts)
// reads the same fragment.
const ConsoleHandoff = "/#session="

// badRequestDoc answers a request that could not be read; its format and
// language are unknown, so it is xml in English.
func badRequestDoc(err error) *billmgr.Doc {
	d := billmgr.NewError("", "en", billmgr.ErrorValue, "request", "", message("en", msgBadRequest))
	d.Error.Params = []billmgr.Attr{{Name: "desc", Value: err.Error()}}
	return d
}

// sessionOf returns the session a func=auth answer opened, or "".
func sessionOf(req *billmgr.Request, d *billmgr.Doc) string {
	if req.Func != "auth" || d == nil || d.Kind != billmgr.KindForm {
		return ""
	}
	for _, f := range d.Fields {
		if f.Name == "auth" {
			return f.Value
		}
	}
	return ""
}

// answerErrors re-expresses h's errors as legacy error documents.
func answerErrors(h funcHandler) funcHandler {
	return func(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
		d, err := h(ctx, req)
		if err != nil {
			return errorDoc(req, err), nil
		}
		return d, nil
	}
}

// recovered answers a panic in h as an internal error and logs it with
// the function's name (the request itself is not logged: it may hold
// secrets).
func (g *Gateway) recovered(h funcHandler) funcHandler {
	return func(ctx context.Context, req *billmgr.Request) (d *billmgr.Doc, err error) {
		defer func() {
			if p := recover(); p != nil {
				g.log.ErrorContext(ctx, "legacy function panicked", "func", req.Func,
					"panic", billmgr.EchoValue("panic", fmt.Sprint(p)), "stack", string(debug.Stack()))
				d, err = billmgr.NewError(req.Func, req.Lang, billmgr.ErrorInternal, "", "", message(req.Lang, msgInternal)), nil
			}
		}()
		return h(ctx, req)
	}
}

// withCredentials sends the caller's credentials and address with the
// RPCs h makes.
func withCredentials(h funcHandler) funcHandler {
	return func(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
		return h(withCaller(ctx, req), req)
	}
}

// withCaller passes the caller's credentials and address to the RPCs made
// for this request.
func withCaller(ctx context.Context, req *billmgr.Request) context.Context {
	ctx, call := connect.NewClientContext(ctx)
	h := call.RequestHeader()
	switch a := req.Auth; {
	case a.HasAuthinfo():
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.Login+":"+a.Password)))
	case a.Session != "":
		h.Set("Authorization", "Bearer "+a.Session)
	}
	if host, _, err := net.SplitHostPort(req.Remote); err == nil {
		h.Add("X-Forwarded-For", host)
	}
	return ctx
}

// funcAuth logs in with username and password, or with a one-time key, and
// answers <auth id="SESSION" level="…">SESSION</auth>.
func (g *Gateway) funcAuth(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	in := &certsvcv1.LoginRequest{Login: req.Auth.Username}
	if req.Auth.Key != "" {
		in.Credential = &certsvcv1.LoginRequest_Key{Key: req.Auth.Key}
	} else {
		in.Credential = &certsvcv1.LoginRequest_Password{Password: req.Auth.UserPassword}
	}
	res, err := g.api.Auth.Login(ctx, in)
	if err != nil {
		return nil, err
	}
	return authDoc(req, res.GetToken(), res.GetUser()), nil
}

// BILLmanager's numeric access levels, as its auth answers carry them.
const (
	levelAdmin = 30
	levelUser  = 16
)

// funcSessionNewKey lets an admin create a one-time login key for a user:
// session.newkey&username=U&key=K (user= is accepted too).
func (g *Gateway) funcSessionNewKey(ctx context.Context, req *billmgr.Request) (*billmgr.Doc, error) {
	login := req.Param("username")
	if login == "" {
		login = req.Param("user")
	}
	_, err := g.api.Auth.CreateLoginKey(ctx, &certsvcv1.CreateLoginKeyRequest{Login: login, Key: req.Param("key")})
	if err != nil {
		return nil, err
	}
	return billmgr.NewOK(req.Func, req.Lang, ""), nil
}
