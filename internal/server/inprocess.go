package server

import (
	"bytes"
	"net/http"
)

// inProcess is an http.RoundTripper that serves requests with a handler in
// this process: the legacy gateway calls the API through every interceptor
// (authentication, access, validation, logging) without a network hop. It
// suits unary calls, whose whole response is buffered.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	// A loopback peer, so the service trusts the X-Forwarded-For the gateway
	// sets with the reseller's address.
	r.RemoteAddr = "127.0.0.1:0"
	r.RequestURI = req.URL.RequestURI()
	w := &bufferedResponse{header: http.Header{}}
	t.h.ServeHTTP(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return &http.Response{
		Status:        http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          readCloser{bytes.NewReader(w.body.Bytes())},
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// bufferedResponse collects what a handler writes.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferedResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// Flush is a no-op: the response is delivered whole.
func (w *bufferedResponse) Flush() {}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
