package thesslstore_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/thesslstore/sslstoretest"
)

// callTimeout bounds the calls that a fault holds until the client gives
// up. It is only a deadline: no assertion depends on how long anything
// takes.
const callTimeout = 500 * time.Millisecond

// TestPlaceOrderFaults places an order through a fault and then does what
// the core does with the error: reconcile an unknown outcome with
// FindByRef, send again when nothing happened. Whatever the fault, exactly
// one order exists at the end (none when refused), and an order the API
// had placed is never sent a second time. The fake accepts duplicate
// CustomOrderIDs, so these guarantees come from the provider alone.
func TestPlaceOrderFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   sslstoretest.Fault
		timeout bool  // the call has a deadline the fault outlasts
		want    error // the kind of PlaceOrder's error
		placed  bool  // the API placed the order despite the error
	}{
		{"timeout after placing", sslstoretest.Fault{Kind: sslstoretest.Slow, After: true}, true, provider.ErrUnknownOutcome, true},
		{"timeout before placing", sslstoretest.Fault{Kind: sslstoretest.Slow}, true, provider.ErrUnknownOutcome, false},
		{"dropped after placing", sslstoretest.Fault{Kind: sslstoretest.Drop, After: true}, false, provider.ErrUnknownOutcome, true},
		{"dropped before placing", sslstoretest.Fault{Kind: sslstoretest.Drop}, false, provider.ErrUnknownOutcome, false},
		{"malformed reply after placing", sslstoretest.Fault{Kind: sslstoretest.Malformed, After: true}, false, provider.ErrUnknownOutcome, true},
		{"500 after placing", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 500, After: true}, false, provider.ErrUnknownOutcome, true},
		{"503 before placing", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 503}, false, provider.ErrUnavailable, false},
		{"502 before placing", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 502}, false, provider.ErrUnavailable, false},
		{"isError", sslstoretest.Fault{Kind: sslstoretest.Reject, Message: "Vendor system is down for maintenance."}, false, provider.ErrRejected, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, p := newFake(t, sslstoretest.Options{AllowDuplicateRefs: true})
			fake.Inject("order/neworder", tc.fault)
			_, csr := newCSR(t, "www.example.com", "example.com")
			req := dvOrder("ord-1", csr)

			ctx := t.Context()
			if tc.timeout {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, callTimeout)
				defer cancel()
			}
			_, err := p.PlaceOrder(ctx, req)
			if !errors.Is(err, tc.want) {
				t.Fatalf("PlaceOrder error = %v, want %v", err, tc.want)
			}
			checkNoSecrets(t, err)
			if tc.timeout && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("PlaceOrder error = %v, want it to wrap context.DeadlineExceeded", err)
			}
			if tc.fault.Kind == sslstoretest.Reject && !strings.Contains(err.Error(), tc.fault.Message) {
				t.Errorf("error %q lost the API's message", err)
			}

			switch {
			case errors.Is(err, provider.ErrUnknownOutcome):
				r, found, ferr := p.FindByRef(t.Context(), "ord-1")
				if ferr != nil {
					t.Fatalf("FindByRef: %v", ferr)
				}
				if found != tc.placed {
					t.Fatalf("FindByRef found = %v, want %v", found, tc.placed)
				}
				if found {
					sent, _ := fake.Order("ord-1")
					if r.RemoteID != sent.TheSSLStoreOrderID || r.Ref != "ord-1" || r.State != provider.StateAwaitingDCV {
						t.Errorf("FindByRef = %q/%q %s, want ord-1/%q awaiting_dcv", r.Ref, r.RemoteID, r.State, sent.TheSSLStoreOrderID)
					}
					break
				}
				placeAgain(t, p, req)
			case errors.Is(err, provider.ErrUnavailable):
				placeAgain(t, p, req)
			}

			wantOrders := 1
			if errors.Is(err, provider.ErrRejected) {
				wantOrders = 0
			}
			if n := fake.OrdersPlaced("ord-1"); n != wantOrders {
				t.Errorf("%d orders placed under ord-1, want %d", n, wantOrders)
			}
			// A placed order is never sent again; one that was not is sent
			// once more, unless refused.
			wantRequests := 2
			if tc.placed || wantOrders == 0 {
				wantRequests = 1
			}
			if n := fake.NewOrderRequests("ord-1"); n != wantRequests {
				t.Errorf("%d neworder requests, want %d", n, wantRequests)
			}
		})
	}
}

func placeAgain(t *testing.T, p testProvider, req provider.OrderRequest) {
	t.Helper()
	r, err := p.PlaceOrder(t.Context(), req)
	if err != nil || r.RemoteID == "" {
		t.Fatalf("PlaceOrder again = %q, %v", r.RemoteID, err)
	}
}

// Faults on reads are ErrUnavailable: nothing changed, so the core may
// simply call again.
func TestReadFaults(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		fault    sslstoretest.Fault
		timeout  bool
	}{
		{"status 500", "order/status", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 500}, false},
		{"status 503", "order/status", sslstoretest.Fault{Kind: sslstoretest.Status, Status: 503}, false},
		{"status dropped", "order/status", sslstoretest.Fault{Kind: sslstoretest.Drop, After: true}, false},
		{"status malformed", "order/status", sslstoretest.Fault{Kind: sslstoretest.Malformed, After: true}, false},
		{"status timeout", "order/status", sslstoretest.Fault{Kind: sslstoretest.Slow}, true},
		{"download dropped", "order/download", sslstoretest.Fault{Kind: sslstoretest.Drop}, false},
		{"download malformed", "order/download", sslstoretest.Fault{Kind: sslstoretest.Malformed}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, p := newFake(t, sslstoretest.Options{})
			ref := issued(t, fake, p)
			fake.Inject(tc.endpoint, tc.fault)
			ctx := t.Context()
			if tc.timeout {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, callTimeout)
				defer cancel()
			}
			_, err := p.Sync(ctx, ref)
			if !errors.Is(err, provider.ErrUnavailable) || errors.Is(err, provider.ErrUnknownOutcome) {
				t.Fatalf("Sync error = %v, want ErrUnavailable only", err)
			}
			checkNoSecrets(t, err)
			// Nothing changed: the next call succeeds.
			if r, err := p.Sync(t.Context(), ref); err != nil || r.State != provider.StateIssued || r.ChainPEM == "" {
				t.Errorf("Sync after the fault = %s, %v", r.State, err)
			}
		})
	}
}

func TestSlowReplyIsAnswered(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	fake.Inject("user/accountdetail", sslstoretest.Fault{Kind: sslstoretest.Slow, Delay: 20 * time.Millisecond})
	if _, err := p.Balance(t.Context()); err != nil {
		t.Errorf("Balance with a slow reply: %v", err)
	}
}

func TestListFaults(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	fake.Inject("product/query", sslstoretest.Fault{Kind: sslstoretest.Malformed})
	if _, err := p.Products(t.Context()); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("Products with a malformed reply = %v, want ErrUnavailable", err)
	}
	fake.Inject("product/query", sslstoretest.Fault{Kind: sslstoretest.Reject, Message: "Product service unavailable."})
	if _, err := p.Products(t.Context()); !errors.Is(err, provider.ErrRejected) || !strings.Contains(err.Error(), "Product service unavailable.") {
		t.Errorf("Products with isError = %v, want ErrRejected with the message", err)
	}
}

// Reissue and refund change the order: their interrupted calls are
// unknown outcomes too.
func TestChangeFaults(t *testing.T) {
	fake, p := newFake(t, sslstoretest.Options{})
	ref := issued(t, fake, p)
	_, csr := newCSR(t, "www.example.com", "example.com")
	reissue := provider.ReissueRequest{CSRPEM: csr, CommonName: "www.example.com", SANs: []string{"example.com"},
		DCV: map[string]provider.DCVChoice{"www.example.com": {Method: provider.DCVDNSCNAME}}}

	fake.Inject("order/reissue", sslstoretest.Fault{Kind: sslstoretest.Drop, After: true})
	if _, err := p.Reissue(t.Context(), ref, reissue); !errors.Is(err, provider.ErrUnknownOutcome) {
		t.Errorf("Reissue with a dropped connection = %v, want ErrUnknownOutcome", err)
	}
	// Sync shows that the reissue did happen.
	if r, err := p.Sync(t.Context(), ref); err != nil || r.State != provider.StateReissuing {
		t.Errorf("Sync after the dropped reissue = %s, %v; want reissuing", r.State, err)
	}
	// The core cannot find a reissue by its reference, so it sends it
	// again: the pending reissue is returned, and no second one is made.
	if r, err := p.Reissue(t.Context(), ref, reissue); err != nil || r.State != provider.StateReissuing {
		t.Errorf("Reissue sent again = %s, %v; want the pending reissue", r.State, err)
	}
	if sent, _ := fake.Order("ord-1"); sent.Reissues != 1 {
		t.Errorf("%d reissues at the fake, want 1", sent.Reissues)
	}

	fake.Inject("order/refundrequest", sslstoretest.Fault{Kind: sslstoretest.Malformed, After: true})
	if err := p.Cancel(t.Context(), ref, "test"); !errors.Is(err, provider.ErrUnknownOutcome) {
		t.Errorf("Cancel with a malformed reply = %v, want ErrUnknownOutcome", err)
	}
	// Retrying the refund of a refunded order is harmless.
	if err := p.Cancel(t.Context(), ref, "test"); err != nil {
		t.Errorf("second Cancel = %v", err)
	}
}

// A refused connection is ErrUnavailable even for a new order: nothing
// was sent.
func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	fake := sslstoretest.New(t, sslstoretest.Options{})
	cfg := fake.Config()
	cfg.Settings["url"] = "http://" + addr
	p := newProvider(t, cfg)
	_, csr := newCSR(t, "www.example.com", "example.com")
	_, err = p.PlaceOrder(t.Context(), dvOrder("ord-1", csr))
	if !errors.Is(err, provider.ErrUnavailable) || errors.Is(err, provider.ErrUnknownOutcome) {
		t.Errorf("PlaceOrder to a closed port = %v, want ErrUnavailable only", err)
	}
	checkNoSecrets(t, err)
	if err := p.CheckCredentials(t.Context()); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("CheckCredentials to a closed port = %v, want ErrUnavailable", err)
	}
}

// A wrong base URL answers 404: the error points at the setting.
func TestWrongURL(t *testing.T) {
	fake := sslstoretest.New(t, sslstoretest.Options{})
	cfg := fake.Config()
	cfg.Settings["url"] = fake.URL() + "/api/rest"
	p := newProvider(t, cfg)
	err := p.CheckCredentials(t.Context())
	if !errors.Is(err, provider.ErrRejected) || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), `"url"`) {
		t.Errorf("CheckCredentials with a wrong URL = %v, want ErrRejected naming HTTP 404 and the url setting", err)
	}
}
