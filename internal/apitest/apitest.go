// Package apitest runs the real certsvc handler stack (every interceptor,
// validation, health, reflection) on a test HTTP/2 server over a real
// database, and gives tests typed clients speaking Connect or gRPC with the
// credentials they choose. Import it from tests only.
package apitest

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/challenge"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/email"
	"github.com/certsvc/certsvc/internal/outbox/webhook"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/server"
	"github.com/certsvc/certsvc/internal/service"
	"github.com/certsvc/certsvc/internal/store"
	"github.com/certsvc/certsvc/internal/worker"
)

// AdminPassword is the password of the bootstrap admin "admin".
const AdminPassword = "admin-password"

// Env is a running server.
type Env struct {
	URL  string
	HTTP *http.Client
	Svc  *service.Service
	// Core and Worker are Svc's order core and background worker.
	Core   *core.Core
	Worker *worker.Worker
	DB     *store.DB
	Reg    *prometheus.Registry

	srv        *httptest.Server
	stopWorker func()
}

// Options tune the server of NewWith.
type Options struct {
	// Kinds is the registry of the processing-module kinds;
	// registry.DefaultWith an HTTP-01 publisher in db when nil.
	Kinds *provider.Registry
	// ModuleTransport sends the modules' calls to their CAs (one that
	// trusts a test CA's certificate); http.DefaultTransport when nil.
	ModuleTransport http.RoundTripper
	// NoWorker leaves paid orders queued: nothing submits them to a CA
	// until the test calls Env.StartWorker. Benchmarks use it to measure the
	// API's own writes.
	NoWorker bool
	// Outbox tunes the sender of notifications, which runs beside the
	// worker (polling every 20ms unless set); Webhooks configures its webhook
	// channel: a test reaching an httptest receiver sets AllowPrivate and a
	// TLSConfig that trusts it.
	Outbox   outbox.Options
	Webhooks webhook.Options
	// Mail sends the e-mail notifications (a *mail.Sender to a mailtest
	// server); nil: e-mail off. OperatorEmails get the operator notices.
	Mail           email.Sender
	OperatorEmails []string
	// Keyring seals the modules' secrets; a new one when nil. Replicas of
	// one store share it (the same master key).
	Keyring *secretbox.Keyring
	// Logger logs the server; warnings to the test's output when nil.
	Logger *slog.Logger
	// TracerProvider receives the service's spans; tracing is off when nil.
	TracerProvider trace.TracerProvider
	// WatchKeepAlive is the keep-alive interval of WatchCertificates.
	WatchKeepAlive time.Duration
	// Served, when set, is told how long the server took over each
	// request, from its arrival to the end of the answer: a benchmark's
	// measure without the client's share.
	Served func(r *http.Request, d time.Duration)
}

// New serves the API over db on a TLS HTTP/2 test server and bootstraps it.
func New(t testing.TB, db *store.DB) *Env {
	t.Helper()
	return NewWith(t, db, Options{})
}

// NewWith is New with options.
func NewWith(t testing.TB, db *store.DB, o Options) *Env {
	t.Helper()
	if o.Kinds == nil {
		kinds, err := registry.DefaultWith(challenge.New(db.Ent))
		if err != nil {
			t.Fatal(err)
		}
		o.Kinds = kinds
	}
	if o.Outbox.Poll == 0 {
		o.Outbox.Poll = 20 * time.Millisecond
	}
	reg := prometheus.NewRegistry()
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	keyring := o.Keyring
	if keyring == nil {
		keyring = NewKeyring(t)
	}
	svc := service.New(service.Options{
		DB:              db,
		Logger:          log,
		PasswordParams:  auth.TestParams,
		Registerer:      reg,
		Keyring:         keyring,
		Kinds:           o.Kinds,
		ModuleTransport: o.ModuleTransport,
		Worker:          worker.Options{Poll: 20 * time.Millisecond},
		Outbox:          o.Outbox,
		Webhooks:        o.Webhooks,
		Mail:            o.Mail,
		OperatorEmails:  o.OperatorEmails,
		TracerProvider:  o.TracerProvider,
		WatchKeepAlive:  o.WatchKeepAlive,
	})
	if _, err := svc.Bootstrap(context.Background(), AdminPassword); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	var h http.Handler = server.NewHandler(svc, o.Kinds, log, reg, db.SQL.PingContext, nil)
	if o.Served != nil {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			inner.ServeHTTP(w, r)
			o.Served(r, time.Since(start))
		})
	}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	e := &Env{URL: srv.URL, HTTP: srv.Client(), Svc: svc, Core: svc.Core, Worker: svc.Worker, DB: db, Reg: reg, srv: srv}
	if !o.NoWorker {
		e.stopWorker = e.StartWorker(t)
	}
	return e
}

// Kill stops the server abruptly, as a crash of its process would: open
// connections are cut, requests in flight get no answer, and the worker
// stops (the jobs it held keep their leases until they run out).
func (e *Env) Kill() {
	e.srv.CloseClientConnections()
	e.srv.Close()
	if e.stopWorker != nil {
		e.stopWorker()
	}
}

// NewKeyring returns a keyring with a new master key.
func NewKeyring(t testing.TB) *secretbox.Keyring {
	t.Helper()
	key, _, err := secretbox.GenerateMasterKey("test")
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := secretbox.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	return keyring
}

// StartWorker runs the service's worker until the test ends, or until the
// function it returns is called. NewWith starts it unless
// Options.NoWorker; a test that needs orders to stay queued for a while
// starts it itself later.
func (e *Env) StartWorker(t testing.TB) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = e.Worker.RunWorker(ctx)
	}()
	// The outbox (fan-out, sender, expiry scan) runs beside the worker and
	// stops with it.
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		_ = e.Svc.Outbox.Run(ctx)
	}()
	stop = func() { cancel(); <-done; <-outboxDone }
	t.Cleanup(stop)
	return stop
}

// Protocol is a wire protocol a client speaks.
type Protocol string

// The protocols every API test runs with.
const (
	ConnectJSON Protocol = "connect+json"
	GRPC        Protocol = "grpc"
)

// Protocols lists the protocols tests iterate over.
var Protocols = []Protocol{ConnectJSON, GRPC}

// Clients are typed API clients sharing one protocol and credential.
type Clients struct {
	Auth    certsvcv1connect.AuthServiceClient
	Account certsvcv1connect.AccountServiceClient
	Catalog certsvcv1connect.CatalogServiceClient
	Cert    certsvcv1connect.CertificateServiceClient
	Module  certsvcv1connect.ProcessingModuleServiceClient
	Webhook certsvcv1connect.WebhookServiceClient
	Notify  certsvcv1connect.NotificationServiceClient
}

// Clients returns clients that send authorization (an Authorization header
// value; "" for anonymous) over protocol.
func (e *Env) Clients(protocol Protocol, authorization string) Clients {
	opts := []connect.ClientOption{connect.WithInterceptors(setAuth(authorization))}
	switch protocol {
	case GRPC:
		opts = append(opts, connect.WithGRPC())
	default:
		opts = append(opts, connect.WithProtoJSON())
	}
	return Clients{
		Auth:    certsvcv1connect.NewAuthServiceClient(e.HTTP, e.URL, opts...),
		Account: certsvcv1connect.NewAccountServiceClient(e.HTTP, e.URL, opts...),
		Catalog: certsvcv1connect.NewCatalogServiceClient(e.HTTP, e.URL, opts...),
		Cert:    certsvcv1connect.NewCertificateServiceClient(e.HTTP, e.URL, opts...),
		Module:  certsvcv1connect.NewProcessingModuleServiceClient(e.HTTP, e.URL, opts...),
		Webhook: certsvcv1connect.NewWebhookServiceClient(e.HTTP, e.URL, opts...),
		Notify:  certsvcv1connect.NewNotificationServiceClient(e.HTTP, e.URL, opts...),
	}
}

// Basic returns a Basic Authorization header value.
func Basic(login, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(login+":"+password))
}

// Bearer returns a Bearer Authorization header value.
func Bearer(token string) string { return "Bearer " + token }

// AdminAuth is the bootstrap admin's Authorization header value.
var AdminAuth = Basic("admin", AdminPassword)

// Customer is an account with one user of level USER.
type Customer struct {
	Account  *certsvcv1.Account
	User     *certsvcv1.User
	Password string
	Auth     string // Authorization header value
}

// NewCustomer creates an account in currency with one user, through the API.
func (e *Env) NewCustomer(t testing.TB, login, currency string) Customer {
	t.Helper()
	ctx := context.Background()
	admin := e.Clients(ConnectJSON, AdminAuth)
	acc, err := admin.Account.CreateAccount(ctx, &certsvcv1.CreateAccountRequest{Name: "Customer " + login, Currency: currency})
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	password := "pw-" + login + "-secret"
	u, err := admin.Account.CreateUser(ctx, &certsvcv1.CreateUserRequest{
		AccountId: acc.GetAccount().GetId(), Login: login, Password: password,
		Level: certsvcv1.AccessLevel_ACCESS_LEVEL_USER, Email: login + "@example.com",
	})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return Customer{Account: acc.GetAccount(), User: u.GetUser(), Password: password, Auth: Basic(login, password)}
}

type authInterceptor string

func setAuth(v string) connect.Interceptor { return authInterceptor(v) }

func (a authInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if a != "" {
			req.Header().Set("Authorization", string(a))
		}
		return next(ctx, req)
	}
}

func (a authInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		if a != "" {
			conn.RequestHeader().Set("Authorization", string(a))
		}
		return conn
	}
}

func (a authInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}
