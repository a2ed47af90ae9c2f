// Command load measures certsvc's latency under concurrent load: N clients
// call one RPC in a loop for a fixed time against a server on this machine,
// and the latency percentiles are printed.
//
//	go run ./internal/tools/load -url http://127.0.0.1:8080 -rpc whoami -auth "Bearer cs_s_..." -c 16 -d 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	rpc := flag.String("rpc", "whoami", "RPC to call: whoami or listplans")
	authz := flag.String("auth", "", "Authorization header value")
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "measuring time (after a 1s warm-up)")
	protocol := flag.String("protocol", "connect", "connect (JSON over HTTP/1.1) or grpc (HTTP/2)")
	pageSize := flag.Int("page-size", 20, "page size for listplans")
	flag.Parse()

	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("-url: only loopback addresses are load-tested")
	}
	var p http.Protocols
	opts := []connect.ClientOption{}
	if *protocol == "grpc" {
		p.SetUnencryptedHTTP2(true)
		opts = append(opts, connect.WithGRPC())
	} else {
		p.SetHTTP1(true)
		opts = append(opts, connect.WithProtoJSON())
	}
	if *authz != "" {
		opts = append(opts, connect.WithInterceptors(headerInterceptor(*authz)))
	}
	hc := &http.Client{Transport: &http.Transport{Protocols: &p, MaxIdleConnsPerHost: *conc}}
	auth := certsvcv1connect.NewAuthServiceClient(hc, *base, opts...)
	cat := certsvcv1connect.NewCatalogServiceClient(hc, *base, opts...)
	call := func(ctx context.Context) error {
		switch *rpc {
		case "whoami":
			_, err := auth.WhoAmI(ctx, &certsvcv1.WhoAmIRequest{})
			return err
		case "listplans":
			_, err := cat.ListPlans(ctx, &certsvcv1.ListPlansRequest{PageSize: int32(*pageSize)})
			return err
		}
		return fmt.Errorf("-rpc: unknown %q", *rpc)
	}
	ctx := context.Background()
	if err := call(ctx); err != nil {
		return fmt.Errorf("first call: %w", err)
	}
	warm := time.Now().Add(time.Second)
	end := warm.Add(*dur)
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  int
		wg        sync.WaitGroup
	)
	for range *conc {
		wg.Go(func() {
			var mine []time.Duration
			fails := 0
			for {
				start := time.Now()
				if start.After(end) {
					break
				}
				err := call(ctx)
				if start.After(warm) {
					if err != nil {
						fails++
					} else {
						mine = append(mine, time.Since(start))
					}
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			failures += fails
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(latencies) == 0 {
		return errors.New("no successful calls")
	}
	slices.Sort(latencies)
	pct := func(q float64) time.Duration { return latencies[int(q*float64(len(latencies)-1))] }
	fmt.Printf("rpc=%s protocol=%s clients=%d calls=%d errors=%d rps=%.0f p50=%s p90=%s p99=%s max=%s\n",
		*rpc, *protocol, *conc, len(latencies), failures, float64(len(latencies))/dur.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond),
		latencies[len(latencies)-1].Round(time.Microsecond))
	return nil
}

type headerInterceptor string

func (h headerInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		req.Header().Set("Authorization", string(h))
		return next(ctx, req)
	}
}
func (h headerInterceptor) WrapStreamingClient(n connect.StreamingClientFunc) connect.StreamingClientFunc {
	return n
}
func (h headerInterceptor) WrapStreamingHandler(n connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return n
}
