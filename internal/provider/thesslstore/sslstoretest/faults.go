package sslstoretest

import (
	"fmt"
	"net/http"
	"time"
)

// FaultKind is what goes wrong.
type FaultKind int

// The kinds of fault.
const (
	// Reject answers isError with Fault.Message.
	Reject FaultKind = iota + 1
	// Status answers HTTP Fault.Status with a plain-text body.
	Status
	// Slow answers after Fault.Delay or, when Delay is 0, never: the fake
	// waits until the client gives up. A slow fault before the request
	// whose client gives up abandons the request.
	Slow
	// Drop closes the connection without an answer, after reading the
	// request.
	Drop
	// Malformed answers 200 with a truncated JSON body.
	Malformed
)

// Fault is one injected failure.
type Fault struct {
	Kind FaultKind
	// After makes the fake carry out the request (place the order) before
	// failing; otherwise it fails first and nothing happens.
	After   bool
	Message string        // for Reject
	Status  int           // for Status; 500 when 0
	Delay   time.Duration // for Slow
}

// Inject makes the next request to endpoint ("order/neworder") fail with
// f. Faults on one endpoint apply in order, one request each.
func (s *Server) Inject(endpoint string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ep := normalise(endpoint)
	s.faults[ep] = append(s.faults[ep], f)
}

// popFault takes the next fault for ep. Callers hold s.mu.
func (s *Server) popFault(ep string) (Fault, bool) {
	q := s.faults[ep]
	if len(q) == 0 {
		return Fault{}, false
	}
	s.faults[ep] = q[1:]
	return q[0], true
}

// wait holds a slow reply; false when the client went away first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// fail answers with a fault other than Slow.
func (s *Server) fail(w http.ResponseWriter, ep string, auth authRequest, f Fault) {
	switch f.Kind {
	case Reject:
		msg := f.Message
		if msg == "" {
			msg = "Injected error."
		}
		writeJSON(w, s.errorReply(ep, auth, msg))
	case Status:
		code := f.Status
		if code == 0 {
			code = http.StatusInternalServerError
		}
		http.Error(w, http.StatusText(code), code)
	case Drop:
		hj, ok := w.(http.Hijacker)
		if !ok {
			s.tb.Errorf("sslstoretest: cannot drop the connection: %T is no Hijacker", w)
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			s.tb.Errorf("sslstoretest: drop the connection: %v", err)
			return
		}
		conn.Close()
	case Malformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, `{"AuthResponse":{"isError":false,"Message":["`)
	default:
		s.tb.Errorf("sslstoretest: unknown fault kind %d", f.Kind)
		http.Error(w, "unknown fault", http.StatusInternalServerError)
	}
}
