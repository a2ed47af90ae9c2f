// Package server assembles the HTTP handler that serves every door of certsvc.
package server

import (
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect"
	connectcors "connectrpc.com/cors"
	"connectrpc.com/grpchealth"
	"connectrpc.com/validate"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/certsvc/certsvc/compat/billmgrhttp"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/crl"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/acme"
	"github.com/certsvc/certsvc/internal/service"
)

// Services are the API services, for health and reflection.
var Services = []string{
	certsvcv1connect.AuthServiceName,
	certsvcv1connect.AccountServiceName,
	certsvcv1connect.CatalogServiceName,
	certsvcv1connect.CertificateServiceName,
	certsvcv1connect.ProcessingModuleServiceName,
	certsvcv1connect.WebhookServiceName,
	certsvcv1connect.NotificationServiceName,
}

// MaxRequestBytes bounds the size of one request message.
const MaxRequestBytes = 4 << 20

// NewHandler mounts every door on one mux: the Connect, gRPC and gRPC-Web
// handlers of the API, gRPC health and reflection, /metrics, /healthz,
// /livez and /readyz (svc.Ready). ping checks the database for /healthz;
// origins are the CORS origins. RPCs are traced when svc has a
// TracerProvider. The
// legacy func= gateway is served on /billmgr, /manager/billmgr, /manager and /
// (with func=); the web console on / and every other unrouted GET; the HTTP-01
// answers of the module kinds in kinds (the registry the service was built
// with) under /.well-known/acme-challenge/.
func NewHandler(svc *service.Service, kinds *provider.Registry, log *slog.Logger, gatherer prometheus.Gatherer, ping func(context.Context) error, origins []string) http.Handler {
	// Authentication and the access check run before syntactic validation, so
	// an anonymous caller learns nothing about a request's shape.
	interceptors := append(svc.Interceptors(), validate.NewInterceptor())
	if tp := svc.TracerProvider(); tp != nil {
		// Outermost, so that the RPC's span holds everything it does.
		interceptors = append([]connect.Interceptor{tracing(tp)}, interceptors...)
	}
	opts := []connect.HandlerOption{
		connect.WithInterceptors(interceptors...),
		svc.RecoverOption(),
		// Compressing small responses costs more CPU than it saves on the
		// networks certsvc serves (loopback gateway, LAN, browsers nearby).
		connect.WithCompressMinBytes(16 << 10),
		fastGzip,
		// No request of the API comes near this; a CSR is a few KiB.
		connect.WithReadMaxBytes(MaxRequestBytes),
	}
	opts = append(opts, jsonCodecs...)

	mux := http.NewServeMux()
	mux.Handle(certsvcv1connect.NewAuthServiceHandler(svc.Auth, opts...))
	mux.Handle(certsvcv1connect.NewAccountServiceHandler(svc.Accounts, opts...))
	mux.Handle(certsvcv1connect.NewCatalogServiceHandler(svc.Catalog, opts...))
	certPath, certHandler := certsvcv1connect.NewCertificateServiceHandler(svc.Certificates, opts...)
	mux.Handle(certPath, streamable(certHandler, certsvcv1connect.CertificateServiceWatchCertificatesProcedure))
	mux.Handle(certsvcv1connect.NewProcessingModuleServiceHandler(svc.Modules, opts...))
	mux.Handle(certsvcv1connect.NewWebhookServiceHandler(svc.Webhooks, opts...))
	mux.Handle(certsvcv1connect.NewNotificationServiceHandler(svc.Notifications, opts...))

	mux.Handle(grpchealth.NewHandler(grpchealth.NewStaticChecker(Services...)))
	for path, h := range reflectionHandlers(Services, protoregistry.GlobalFiles, protoregistry.GlobalTypes) {
		mux.Handle(path, h)
	}

	// HTTP-01 answers of the modules publishing through certsvc.
	mux.Handle("GET "+acme.ChallengePath, kinds.HTTP01Handler())
	// The CRLs of the built-in CA modules, where their certificates point.
	mux.Handle(crl.Pattern, svc.CRL)
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /livez", livez)
	mux.HandleFunc("GET /readyz", readyz(svc.Ready))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	// The legacy gateway calls the API in process, through the same mux and
	// interceptors as every other client. It is built on its first request:
	// a server whose clients all speak the API never pays for its function
	// table and its clients of every procedure (issue 11: idle RSS).
	gw := lazyHandler(func() http.Handler {
		api := &http.Client{Transport: inProcess{mux}}
		const self = "http://certsvc.in-process"
		return billmgrhttp.New(billmgrhttp.API{
			Auth:    certsvcv1connect.NewAuthServiceClient(api, self),
			Catalog: certsvcv1connect.NewCatalogServiceClient(api, self),
			Account: certsvcv1connect.NewAccountServiceClient(api, self),
			Cert:    certsvcv1connect.NewCertificateServiceClient(api, self),
		}, log)
	})
	mux.Handle("/billmgr", gw)
	mux.Handle("/manager/billmgr", gw)
	mux.Handle("/manager", gw)
	mux.Handle("/", consoleHandler(consoleFiles, gw)) // / with func= is the gateway; else the web console
	// The gateway's paths with a trailing slash (/billmgr/), as browsers and
	// some clients write them.
	mux.Handle("/billmgr/{$}", gw)
	mux.Handle("/manager/billmgr/{$}", gw)
	mux.Handle("/manager/{$}", gw)
	if len(origins) == 0 {
		return mux
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: connectcors.AllowedMethods(),
		AllowedHeaders: append(connectcors.AllowedHeaders(), "Authorization", "Traceparent", "Tracestate"),
		ExposedHeaders: connectcors.ExposedHeaders(),
		MaxAge:         7200,
	}).Handler(mux)
}

// lazyHandler serves with the handler build returns, built once, on the
// first request.
func lazyHandler(build func() http.Handler) http.Handler {
	get := sync.OnceValue(build)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { get().ServeHTTP(w, r) })
}

// streamable lifts the server's read and write deadlines for the streaming
// procedures among h's: a watch lasts as long as the client wants, while
// every other call keeps the server's timeouts.
func streamable(h http.Handler, procedures ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(procedures, r.URL.Path) {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		}
		h.ServeHTTP(w, r)
	})
}

// fastGzip answers in gzip at its fastest level rather than the default
// one: a page of a listing is compressed about as well (JSON repeats its
// field names) in a third of the CPU, which on a small machine is time the
// caller waits. Requests are read in gzip as before.
var fastGzip = connect.WithCompression("gzip",
	func() connect.Decompressor { return &gzip.Reader{} },
	func() connect.Compressor { return newFastGzip() },
)

// newFastGzip is fastGzip's compressor (BenchmarkAnswerGzip measures it).
func newFastGzip() *gzip.Writer {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // a valid level: no error
	return w
}
