package calls

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/internal/provider"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// log collects recorded calls.
type log struct {
	mu    sync.Mutex
	calls []Call
}

func (l *log) record(_ context.Context, c Call) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
}

func (l *log) all() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.calls...)
}

func get(t *testing.T, c *http.Client, url string) (int, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func TestBreakerOpensAndRecovers(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusBadGateway)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	clk := &clock{now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	g := NewGuard(4, 3, time.Minute)
	var l log
	c := NewTransport(Options{ModuleID: 7, Guard: g, Record: l.record, Now: clk.Now}).Client(time.Minute)

	for i := range 3 {
		if code, err := get(t, c, srv.URL); err != nil || code != http.StatusBadGateway {
			t.Fatalf("call %d: %d %v, want the 502 through", i, code, err)
		}
	}
	_, err := get(t, c, srv.URL)
	if !errors.Is(err, ErrOpen) || !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("after 3 failures: %v, want the breaker open (unavailable)", err)
	}
	if n := hits.Load(); n != 3 {
		t.Fatalf("the CA saw %d calls, want 3: an open breaker sends nothing", n)
	}
	if open, until := g.Open(clk.Now()); !open || !until.Equal(clk.Now().Add(time.Minute)) {
		t.Fatalf("Open = %v until %v", open, until)
	}

	// After the open period one trial goes out; it fails: open again.
	clk.Advance(time.Minute)
	if code, err := get(t, c, srv.URL); err != nil || code != http.StatusBadGateway {
		t.Fatalf("trial: %d %v", code, err)
	}
	if _, err := get(t, c, srv.URL); !errors.Is(err, ErrOpen) {
		t.Fatalf("after a failed trial: %v, want open", err)
	}

	// The CA is back: the next trial closes the breaker.
	status.Store(http.StatusOK)
	clk.Advance(time.Minute)
	for i := range 3 {
		if code, err := get(t, c, srv.URL); err != nil || code != http.StatusOK {
			t.Fatalf("call %d after recovery: %d %v", i, code, err)
		}
	}
	if n := hits.Load(); n != 7 {
		t.Errorf("the CA saw %d calls, want 7", n)
	}
	calls := l.all()
	if len(calls) != 9 {
		t.Fatalf("%d calls recorded, want 9 (7 sent, 2 refused by the breaker)", len(calls))
	}
	if c := calls[3]; c.Status != 0 || !strings.Contains(c.Err, "circuit breaker open") || c.ModuleID != 7 {
		t.Errorf("refused call recorded as %+v", c)
	}
}

func TestConnectionErrorsCountAsFailures(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	g := NewGuard(1, 2, time.Hour)
	c := NewTransport(Options{Guard: g}).Client(time.Second)
	for range 2 {
		if _, err := get(t, c, url); err == nil || errors.Is(err, ErrOpen) {
			t.Fatalf("call to a closed port: %v, want a connection error", err)
		}
	}
	if _, err := get(t, c, url); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("third call: %v, want the breaker open", err)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	release := make(chan struct{})
	var inFlight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		inFlight.Add(-1)
	}))
	defer srv.Close()
	c := NewTransport(Options{Guard: NewGuard(2, 0, 0)}).Client(time.Minute)
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if code, err := get(t, c, srv.URL); err != nil || code != http.StatusOK {
				t.Errorf("call: %d %v", code, err)
			}
		})
	}
	// A sixth call with a short deadline cannot get a slot.
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := c.Do(req)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call beyond the limit: %v, want it to wait for a slot until its deadline", err)
	}
	close(release)
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Errorf("%d calls were in flight at once, want at most 2 (and 2 reached)", m)
	}
}

func TestSecretsMasked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write([]byte(`{"echo":"` + strings.ReplaceAll(string(b), `"`, `'`) + `","AuthToken":"tok-s3cret-value"}`))
	}))
	defer srv.Close()
	for _, debug := range []bool{false, true} {
		var l log
		c := NewTransport(Options{Record: l.record, Debug: debug, Secrets: []string{"hunter22", "tok-s3cret-value"}}).Client(time.Minute)
		body := `authinfo=reseller:hunter22&key=-----BEGIN PRIVATE KEY-----
MIIEvQ==
-----END PRIVATE KEY-----&csr=ok`
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/billmgr?authinfo=reseller:hunter22&func=x",
			strings.NewReader(body))
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		calls := l.all()
		if len(calls) != 1 {
			t.Fatalf("%d calls recorded", len(calls))
		}
		got := calls[0]
		all := got.URL + got.Request + got.Response + got.Err
		for _, secret := range []string{"hunter22", "tok-s3cret-value", "MIIEvQ"} {
			if strings.Contains(all, secret) {
				t.Errorf("debug=%v: %q recorded: %+v", debug, secret, got)
			}
		}
		if !strings.Contains(got.URL, "func=x") || got.Status != 200 {
			t.Errorf("debug=%v: call recorded as %+v", debug, got)
		}
		if debug != (got.Request != "" && strings.Contains(got.Response, "echo")) {
			t.Errorf("debug=%v: bodies recorded: %q / %q", debug, got.Request, got.Response)
		}
	}
}
