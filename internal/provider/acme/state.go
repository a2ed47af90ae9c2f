package acme

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	xacme "golang.org/x/crypto/acme"

	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/provider"
)

// stateVersion is the version of the JSON in RemoteRef.State.
const stateVersion = 1

// maxEarlier caps the earlier certificates an order keeps for revocation.
const maxEarlier = 10

// Challenge types of RFC 8555 §8.3 and §8.4.
const (
	challengeHTTP01 = "http-01"
	challengeDNS01  = "dns-01"
)

// orderState is an ACME order, kept in RemoteRef.State as JSON. Everything in
// it is public (URLs, the CSR, certificates); the key authorizations are
// derived again from the tokens and the account key.
type orderState struct {
	Version  int    `json:"v"`
	OrderURL string `json:"order"`
	// CSRPEM is the customer's CSR, sent when the order is ready.
	CSRPEM string `json:"csr"`
	// Names are the order's names, the common name first.
	Names []string `json:"names"`
	// DCV is the validation method chosen for each name.
	DCV    map[string]provider.DCVMethod `json:"dcv"`
	Authzs []authzState                  `json:"authzs"`
	// Finalized is set once the CSR was sent (perhaps without an answer).
	Finalized bool   `json:"finalized,omitempty"`
	CertURL   string `json:"cert,omitempty"`
	// ChainPEM is the issued chain, leaf first; empty until issued.
	ChainPEM string `json:"chain,omitempty"`
	// Reissue marks an order placed by Reissue.
	Reissue bool `json:"reissue,omitempty"`
	// Earlier are the leaves, PEM, issued before under the same reference
	// (replaced by a reissue), so that Revoke can still send them.
	Earlier []string `json:"earlier,omitempty"`
}

// authzState is one authorization of the order.
type authzState struct {
	URL string `json:"url"`
	// Name is the identifier, "*.example.com" for a wildcard; empty until
	// the authorization was read.
	Name   string             `json:"name,omitempty"`
	Method provider.DCVMethod `json:"method,omitempty"`
	// Challenge and Token are the chosen challenge; empty when none is
	// needed (the authorization was valid already) or not chosen yet.
	Challenge string `json:"chal,omitempty"`
	Token     string `json:"token,omitempty"`
	// PresentedAt is when the module published the response itself.
	PresentedAt time.Time `json:"presented,omitzero"`
	// Accepted is set once the CA was told to check the challenge.
	Accepted  bool `json:"accepted,omitempty"`
	CleanedUp bool `json:"cleaned,omitempty"`
	// Status, Expires and Problem are as last read from the CA.
	Status  string    `json:"status,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
	Problem string    `json:"problem,omitempty"`
}

// loadState decodes RemoteRef.State.
func loadState(ref provider.RemoteRef) (*orderState, error) {
	if len(ref.State) == 0 {
		return nil, fmt.Errorf("acme: order %q: %w: no ACME state was stored with the order", ref.Ref, provider.ErrNotFound)
	}
	var st orderState
	if err := json.Unmarshal(ref.State, &st); err != nil {
		return nil, fmt.Errorf("acme: order %q: decode the stored state: %w", ref.Ref, err)
	}
	if st.Version != stateVersion || st.OrderURL == "" {
		return nil, fmt.Errorf("acme: order %q: stored state has version %d and order %q; want version %d with an order",
			ref.Ref, st.Version, st.OrderURL, stateVersion)
	}
	return &st, nil
}

func (st *orderState) marshal() []byte {
	b, err := json.Marshal(st)
	if err != nil {
		panic(fmt.Sprintf("acme: marshal order state: %v", err)) // plain data: cannot fail
	}
	return b
}

// methodFor is the method chosen for name.
func (st *orderState) methodFor(name string) provider.DCVMethod { return st.DCV[name] }

// leaf is the issued certificate, or nil.
func (st *orderState) leaf() *x509.Certificate {
	if st.ChainPEM == "" {
		return nil
	}
	certs, err := pki.ParseCertificates([]byte(st.ChainPEM))
	if err != nil || len(certs) == 0 {
		return nil
	}
	return certs[0]
}

// certificates are the leaves of the order, the current one first.
func (st *orderState) certificates() []*x509.Certificate {
	var out []*x509.Certificate
	if l := st.leaf(); l != nil {
		out = append(out, l)
	}
	for _, p := range st.Earlier {
		if certs, err := pki.ParseCertificates([]byte(p)); err == nil && len(certs) > 0 {
			out = append(out, certs[0])
		}
	}
	return out
}

// observe records what the CA says about authorization a: its name, status
// and problem, the chosen challenge (picked now if it was not), and whether
// that challenge is being checked already.
func (a *authzState) observe(z *xacme.Authorization, st *orderState) {
	a.Name = z.Identifier.Value
	if z.Wildcard && !strings.HasPrefix(a.Name, "*.") {
		a.Name = "*." + a.Name
	}
	a.Status, a.Expires = z.Status, z.Expires
	if a.Method == "" {
		a.Method = st.methodFor(a.Name)
	}
	if a.Challenge == "" && z.Status == xacme.StatusPending {
		for _, ch := range z.Challenges {
			if ch.Type == challengeType(a.Method) {
				a.Challenge, a.Token = ch.URI, ch.Token
				break
			}
		}
	}
	var problems []string
	for _, ch := range z.Challenges {
		if ch.URI == a.Challenge && ch.Status != xacme.StatusPending {
			a.Accepted = true // accepted before, perhaps by a call whose state was lost
		}
		if ch.Error != nil {
			problems = append(problems, ch.Type+": "+challengeProblem(ch.Error))
		}
	}
	if len(problems) > 0 {
		a.Problem = truncate(strings.Join(problems, "; "), 500)
	}
}

// final reports whether the authorization's status can no longer change.
func (a *authzState) final() bool {
	switch a.Status {
	case "", xacme.StatusPending:
		return false
	}
	return true
}

func challengeType(m provider.DCVMethod) string {
	if m == provider.DCVACMEDNS01 {
		return challengeDNS01
	}
	return challengeHTTP01
}

func challengeProblem(err error) string {
	if ae, ok := err.(*xacme.Error); ok {
		return problemString(ae)
	}
	return err.Error()
}

// dnsRecordName is the TXT record of a DNS-01 challenge for name.
func dnsRecordName(name string) string {
	return "_acme-challenge." + strings.TrimPrefix(name, "*.")
}
