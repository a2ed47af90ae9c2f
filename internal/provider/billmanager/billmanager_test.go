package billmanager_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certsvc/certsvc/compat/billmgr"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/lifecycle"
	"github.com/certsvc/certsvc/internal/provider"
	"github.com/certsvc/certsvc/internal/provider/billmanager"
)

func isKind(err, kind error) bool { return errors.Is(err, kind) }

// The order form carries everything the upstream needs, as the gateway
// reads it: authinfo split on the first ':', our ref as remoteid, paid at
// once, our CSR without a key, approvers numbered over the CSR's names.
func TestPlaceOrderSendsTheOrderForm(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	r := dvOrder(t, "42-1700000000")
	remote, err := p.PlaceOrder(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	if remote.RemoteID != "100" || remote.Ref != r.Ref || remote.State != provider.StateAwaitingDCV {
		t.Fatalf("remote %+v, want id 100 awaiting validation", remote)
	}
	if len(remote.DCV) != 2 || remote.DCV[1].Domain != "shop.example.com" || remote.DCV[1].Email != "webmaster@shop.example.com" {
		t.Errorf("validation instructions %+v", remote.DCV)
	}
	req := u.last("certificate.order.param")
	want := map[string]string{
		"remoteid": r.Ref, "skipbasket": "on", "pricelist": "3033", "period": "12", "crt_type": "manual",
		"altname": "shop.example.com", "approver_method": "auth_email",
		"approver_email_1": "admin@www.example.com", "approver_email_2": "webmaster@shop.example.com",
		"adm_fname": "Ivan", "adm_phone": "+7 (111) 111-11-11", "key": "",
	}
	for k, v := range want {
		if got := req.Param(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !req.Sok || req.Out != billmgr.FormatXML || req.Auth.Login != login || req.Auth.Password != password ||
		req.Param("csr") != r.CSRPEM {
		t.Errorf("sok %v out %q auth %q, csr sent as is: %v", req.Sok, req.Out, req.Auth.Login, req.Param("csr") == r.CSRPEM)
	}
}

// Sync maps the gateway's legacy codes (lifecycle.Legacy, the table certsvc
// serves) back onto states.
func TestStateOfEveryLegacyStatus(t *testing.T) {
	want := map[lifecycle.State]provider.State{
		lifecycle.Unpaid:             provider.StateSubmitted,
		lifecycle.Submitting:         provider.StateSubmitted,
		lifecycle.AwaitingValidation: provider.StateAwaitingDCV,
		lifecycle.Processing:         provider.StateProcessing,
		lifecycle.Issued:             provider.StateIssued,
		lifecycle.Reissuing:          provider.StateReissuing,
		lifecycle.Renewing:           provider.StateAwaitingDCV, // 5/3, as awaiting validation: waiting for the CA
		lifecycle.Failed:             provider.StateFailed,
		lifecycle.Cancelled:          provider.StateFailed,
		lifecycle.Suspended:          provider.StateIssued,
		lifecycle.Revoked:            provider.StateRevoked,
		lifecycle.Expired:            provider.StateExpired, // 3/5 with the paid term over
		lifecycle.Deleted:            provider.StateCancelled,
	}
	u := newUpstream(t)
	p := u.provider(t)
	for _, s := range lifecycle.AllStates() {
		l := lifecycle.Legacy(s)
		expire := time.Now().AddDate(1, 0, 0)
		if s == lifecycle.Expired {
			expire = time.Now().AddDate(0, 0, -1)
		}
		svc := ""
		if l.ServiceStatus != lifecycle.ServiceStatusNone {
			svc = fmt.Sprint(l.ServiceStatus)
		}
		u.reply["certificate.edit"] = billmgr.NewForm("certificate.edit", "en",
			billmgr.F("elid", "7"), billmgr.FO("item_status", l.ItemStatusName, fmt.Sprint(l.ItemStatus)),
			billmgr.F("service_status", svc), billmgr.F("expiredate", expire.Format(time.DateOnly)))
		if s == lifecycle.Issued || s == lifecycle.Suspended {
			delete(u.reply, "certificate.edit") // issued needs a certificate: checked in TestSyncIssued
			continue
		}
		got, err := p.Sync(t.Context(), provider.RemoteRef{Ref: "r", RemoteID: "7"})
		if err != nil || got.State != want[s] {
			t.Errorf("%s (%d/%s): %v %v, want %v", s, l.ItemStatus, svc, got.State, err, want[s])
		}
	}
}

// Once issued, Sync downloads the leaf (type=crt) and the intermediates
// (type=chain) into ChainPEM, leaf first; without type=chain it keeps the
// leaf alone.
func TestSyncIssued(t *testing.T) {
	for _, noChain := range []bool{false, true} {
		t.Run(fmt.Sprint("noChain=", noChain), func(t *testing.T) {
			u := newUpstream(t)
			u.noChain = noChain
			p := u.provider(t)
			r := dvOrder(t, "issued-1")
			remote, err := p.PlaceOrder(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			u.issue(100)
			got, err := p.Sync(t.Context(), remote.RemoteRef)
			if err != nil || got.State != provider.StateIssued {
				t.Fatalf("sync: %v %+v", err, got)
			}
			var certs []*x509.Certificate
			for rest := []byte(got.ChainPEM); ; {
				var b *pem.Block
				if b, rest = pem.Decode(rest); b == nil {
					break
				}
				c, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					t.Fatal(err)
				}
				certs = append(certs, c)
			}
			wantN := 2
			if noChain {
				wantN = 1
			}
			if len(certs) != wantN || certs[0].Subject.CommonName != "www.example.com" || !got.CertNotAfter.Equal(certs[0].NotAfter) {
				t.Fatalf("chain of %d certificates (want %d), leaf %v, not after %v", len(certs), wantN, certs[0].Subject, got.CertNotAfter)
			}
			if !noChain {
				roots := x509.NewCertPool()
				roots.AddCert(u.ca.Root())
				inter := x509.NewCertPool()
				inter.AddCert(certs[1])
				if _, err := certs[0].Verify(x509.VerifyOptions{DNSName: "shop.example.com", Roots: roots, Intermediates: inter}); err != nil {
					t.Errorf("chain does not verify: %v", err)
				}
			}
		})
	}
}

// Every failure is classified for the core, for a call that changes
// something (certificate.order.param) and for a read (certificate.edit),
// and no error text holds the password.
func TestErrorClassification(t *testing.T) {
	tests := []struct {
		name         string
		fault        fault
		reply        *billmgr.Doc // an error document instead
		timeout      bool
		order, read  error
		msg          string // in the error text
		placedIfOnce bool
	}{
		{name: "dropped after placing", fault: fault{kind: drop, after: true}, order: provider.ErrUnknownOutcome, read: provider.ErrUnavailable},
		{name: "slow reply after placing", fault: fault{kind: slow, after: true}, timeout: true, order: provider.ErrUnknownOutcome, read: provider.ErrUnavailable},
		{name: "truncated reply after placing", fault: fault{kind: garbage, after: true}, order: provider.ErrUnknownOutcome, read: provider.ErrUnavailable},
		{name: "500 after placing", fault: fault{kind: status, status: 500, after: true}, order: provider.ErrUnknownOutcome, read: provider.ErrUnavailable},
		{name: "503", fault: fault{kind: status, status: 503}, order: provider.ErrUnavailable, read: provider.ErrUnavailable},
		{name: "404: wrong URL", fault: fault{kind: status, status: 404}, order: provider.ErrRejected, read: provider.ErrRejected, msg: `"url"`},
		{name: "bad password", reply: billmgr.NewError("", "en", "auth", "badpassword", "", "Invalid username or password"),
			order: provider.ErrRejected, read: provider.ErrRejected, msg: "login or password"},
		{name: "not enough money", reply: notEnoughMoney(), order: provider.ErrInsufficientFunds, read: provider.ErrInsufficientFunds, msg: "balance 10.00 RUB"},
		{name: "bad value", reply: billmgr.NewError("", "en", "value", "approver_email_1", "root@x", `The value of the "approver_email_1" field is invalid: root@x`),
			order: provider.ErrRejected, read: provider.ErrRejected, msg: "approver_email_1"},
		{name: "not found", reply: billmgr.NewError("", "en", "missed", "elid", "9", "elid: certificate 9 not found"),
			order: provider.ErrRejected, read: provider.ErrNotFound},
		{name: "internal", reply: billmgr.NewError("", "en", "internal", "", "", "Internal error; try again later"),
			order: provider.ErrUnknownOutcome, read: provider.ErrUnavailable},
		{name: "message echoes the password", reply: billmgr.NewError("", "en", "value", "x", "", "bad "+password),
			order: provider.ErrRejected, read: provider.ErrRejected, msg: "[redacted]"},
	}
	for _, tc := range tests {
		for _, call := range []string{"certificate.order.param", "certificate.edit"} {
			t.Run(tc.name+"/"+call, func(t *testing.T) {
				u := newUpstream(t)
				p := u.provider(t)
				ctx := t.Context()
				if tc.timeout {
					ctx = withTimeout(t, 300*time.Millisecond)
				}
				if tc.reply != nil {
					u.reply[call] = tc.reply
				} else {
					u.inject(call, tc.fault)
				}
				var err error
				want := tc.read
				if call == "certificate.order.param" {
					want = tc.order
					_, err = p.PlaceOrder(ctx, dvOrder(t, "ref-1"))
				} else {
					_, err = p.Sync(ctx, provider.RemoteRef{Ref: "ref-1", RemoteID: "9"})
				}
				if !errors.Is(err, want) {
					t.Fatalf("error %v, want %v", err, want)
				}
				if !strings.Contains(err.Error(), tc.msg) || strings.Contains(err.Error(), password) ||
					strings.Contains(err.Error(), url.QueryEscape(password)) {
					t.Errorf("error text %q: want %q in it and no password", err, tc.msg)
				}
			})
		}
	}
}

func notEnoughMoney() *billmgr.Doc {
	d := billmgr.NewError("", "en", "not_enough_money", "", "", "Not enough money on the account balance")
	d.Error.Params = []billmgr.Attr{{Name: "desc", Value: "balance 10.00 RUB, price 810.00 RUB"}}
	return d
}

// Nothing reached the upstream: a refused connection, or the core's
// breaker refusing the call (an error wrapping provider.ErrUnavailable).
func TestUnreachable(t *testing.T) {
	u := newUpstream(t)
	hc := u.srv.Client()
	u.srv.Close()
	p := u.providerWith(t, hc, password)
	if _, err := p.PlaceOrder(t.Context(), dvOrder(t, "ref-1")); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("upstream stopped: %v, want unavailable", err)
	}
	breaker := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("circuit breaker open: %w", provider.ErrUnavailable)
	})}
	p = u.providerWith(t, breaker, password)
	if _, err := p.PlaceOrder(t.Context(), dvOrder(t, "ref-1")); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("breaker open: %v, want unavailable", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Whatever interrupts the order, doing what the core does (look the order
// up by remoteid when the outcome is unknown, place it again only when it
// is not there) leaves exactly one order upstream. The fake is not
// idempotent on remoteid: the guarantee is the provider's.
func TestOrderPlacedOnceThroughFaults(t *testing.T) {
	for _, f := range []fault{
		{kind: drop, after: true}, {kind: drop}, {kind: slow, after: true}, {kind: garbage, after: true},
		{kind: status, status: 500, after: true}, {kind: status, status: 503},
	} {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			u := newUpstream(t)
			p := u.provider(t)
			u.inject("certificate.order.param", f)
			r := dvOrder(t, "once-1")
			var remote provider.Remote
			var err error
			if f.kind == slow {
				// The first call times out; the core's next attempts have time.
				_, err = p.PlaceOrder(withTimeout(t, 300*time.Millisecond), r)
				if !errors.Is(err, provider.ErrUnknownOutcome) {
					t.Fatalf("timed out: %v", err)
				}
				remote, _, err = p.(provider.RefLookup).FindByRef(t.Context(), r.Ref)
			} else {
				remote, err = placeLikeCore(t, p, r)
			}
			if err != nil || remote.RemoteID != "100" {
				t.Fatalf("order: %v %+v", err, remote)
			}
			if n := u.ordersPlaced(r.Ref); n != 1 {
				t.Errorf("placed %d times upstream, want once", n)
			}
		})
	}
}

// FindByRef lists the certificates filtered by remoteid.
func TestFindByRef(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	rl := p.(provider.RefLookup)
	if _, found, err := rl.FindByRef(t.Context(), "none"); err != nil || found {
		t.Fatalf("unknown ref: found %v, %v", found, err)
	}
	if _, err := p.PlaceOrder(t.Context(), dvOrder(t, "a")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.PlaceOrder(t.Context(), dvOrder(t, "b")); err != nil {
		t.Fatal(err)
	}
	got, found, err := rl.FindByRef(t.Context(), "b")
	if err != nil || !found || got.RemoteID != "101" || got.Ref != "b" || got.State != provider.StateAwaitingDCV {
		t.Fatalf("ref b: %v %v %+v", found, err, got)
	}
	if req := u.last("certificate"); req.Param("filter") != "on" || req.Param("remoteid") != "b" {
		t.Errorf("list params %v", req.Params)
	}
}

// Reissue replaces the names when only they changed, and sends the CSR
// otherwise; a reissue already under way (sent before) is returned as is.
func TestReissue(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	r := dvOrder(t, "re-1")
	remote, err := p.PlaceOrder(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	u.issue(100)
	ri := p.(provider.Reissuer)
	got, err := ri.Reissue(t.Context(), remote.RemoteRef, provider.ReissueRequest{CSRPEM: r.CSRPEM, CommonName: r.CommonName,
		SANs: []string{"api.example.com"}, DCV: map[string]provider.DCVChoice{"api.example.com": {Method: provider.DCVDNSTXT}}})
	if err != nil || got.State != provider.StateReissuing {
		t.Fatalf("reissue with new names: %v %+v", err, got)
	}
	req := u.last("certificate.reissue.step2")
	if req.Param("crt_type") != "altname" || req.Param("altname") != "api.example.com" || req.Param("approver_method") != "auth_dnstxt" {
		t.Errorf("reissue with new names sent %v", req.Params)
	}
	// Sent again after an interrupted answer: the reissue under way.
	if got, err = ri.Reissue(t.Context(), remote.RemoteRef, provider.ReissueRequest{CSRPEM: r.CSRPEM, CommonName: r.CommonName,
		SANs: []string{"api.example.com"}}); err != nil || got.State != provider.StateReissuing {
		t.Fatalf("reissue sent twice: %v %+v", err, got)
	}

	u.issue(100)
	csr := newCSR(t, "www.example.com", "api.example.com")
	if _, err := ri.Reissue(t.Context(), remote.RemoteRef, provider.ReissueRequest{CSRPEM: csr, CommonName: r.CommonName,
		SANs: []string{"api.example.com"}, DCV: map[string]provider.DCVChoice{"api.example.com": {Method: provider.DCVEmail, Email: "admin@api.example.com"}}}); err != nil {
		t.Fatal(err)
	}
	req = u.last("certificate.reissue.step2")
	if req.Param("crt_type") != "manual" || req.Param("csr") != csr || req.Param("approver_email_2") != "admin@api.example.com" {
		t.Errorf("reissue with a new key sent %v", req.Params)
	}
}

// Renew prolongs with the period and our ref; Cancel deletes; both name
// an unknown order ErrNotFound.
func TestRenewAndCancel(t *testing.T) {
	u := newUpstream(t)
	p := u.provider(t)
	remote, err := p.PlaceOrder(t.Context(), dvOrder(t, "rn-1"))
	if err != nil {
		t.Fatal(err)
	}
	u.issue(100)
	got, err := p.(provider.Renewer).Renew(t.Context(), remote.RemoteRef, provider.OrderRequest{Ref: "rn-2", PeriodMonths: 24})
	if err != nil || got.State == provider.StateIssued {
		t.Fatalf("renew: %v %+v", err, got)
	}
	if req := u.last("service.prolong"); req.Param("elid") != "100" || req.Param("period") != "24" || !req.Sok || req.Param("idempotency_key") != "rn-2" {
		t.Errorf("prolong sent %v", req.Params)
	}
	if err := p.Cancel(t.Context(), provider.RemoteRef{Ref: "rn-1"}, "deleted"); err != nil {
		t.Fatalf("cancel by ref: %v", err)
	}
	if got, err := p.Sync(t.Context(), remote.RemoteRef); err != nil || got.State != provider.StateCancelled {
		t.Errorf("after cancel: %v %+v", err, got)
	}
	if err := p.Cancel(t.Context(), provider.RemoteRef{Ref: "x", RemoteID: "999"}, ""); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("cancel unknown: %v", err)
	}
	if _, err := p.(provider.Renewer).Renew(t.Context(), provider.RemoteRef{RemoteID: "999"}, provider.OrderRequest{Ref: "y"}); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("renew unknown: %v", err)
	}
}

// Products reads pricelist.export as the gateway renders it.
func TestProducts(t *testing.T) {
	u := newUpstream(t)
	N := billmgr.N
	u.reply["pricelist.export"] = billmgr.NewData("pricelist.export", "en",
		N("pricelist", "", N("id", "3033"), N("name", "PositiveSSL"), N("brand", "Sectigo"), N("validation", "dv"),
			N("included_names", "2"), N("max_names", "2"),
			N("price", "", N("period", "1 year").Attr("cost", "810.00").Attr("type", "month").Attr("length", "12").List(),
				N("period", "2 years").Attr("cost", "1500.50").Attr("type", "month").Attr("length", "24").List()).Attr("currency", "RUB").List(),
			N("price", "", N("period", "1 year").Attr("cost", "9.00").Attr("type", "month").Attr("length", "12").List()).Attr("currency", "USD").List(),
			N("siteinfo", "wildcard=off, www=on")).List(),
		N("pricelist", "", N("id", "2028"), N("name", "Wildcard"), N("siteinfo", "wildcard=on")).List())
	prods, err := u.provider(t).(provider.Catalog).Products(t.Context())
	if err != nil || len(prods) != 2 {
		t.Fatalf("products: %v %+v", err, prods)
	}
	p := prods[0]
	if p.Code != "3033" || p.Name != "PositiveSSL" || p.Validation != "dv" || p.IncludedNames != 2 || p.Wildcard ||
		fmt.Sprint(p.Periods) != "[12 24]" || fmt.Sprint(p.Prices) != "[{RUB 81000} {RUB 150050}]" {
		t.Errorf("product %+v", p)
	}
	if !prods[1].Wildcard {
		t.Errorf("wildcard product %+v", prods[1])
	}
	if req := u.last("pricelist.export"); req.Param("itemtype") != "certificate" {
		t.Errorf("pricelist.export params %v", req.Params)
	}
}

// The set-up check is an authenticated call; a wrong password says so
// without showing it.
func TestCheckCredentials(t *testing.T) {
	u := newUpstream(t)
	if err := u.provider(t).CheckCredentials(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := u.providerWith(t, u.srv.Client(), "wrong-password").CheckCredentials(t.Context())
	if !errors.Is(err, provider.ErrRejected) || !strings.Contains(err.Error(), "login or password") || strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestConfig(t *testing.T) {
	ok := map[string]string{billmanager.SettingURL: "https://bill.example.com", billmanager.SettingLogin: " r1 "}
	cfg, err := billmanager.Prepare(context.Background(), provider.Config{Settings: ok, Secrets: map[string]string{billmanager.SecretPassword: "pw"}})
	if err != nil || cfg.Settings[billmanager.SettingURL] != "https://bill.example.com/billmgr" || cfg.Settings[billmanager.SettingLogin] != "r1" {
		t.Fatalf("prepare: %v %v", err, cfg.Settings)
	}
	for name, c := range map[string]provider.Config{
		"no url":         {Settings: map[string]string{billmanager.SettingLogin: "r1"}, Secrets: map[string]string{billmanager.SecretPassword: "pw"}},
		"plain http":     {Settings: map[string]string{billmanager.SettingURL: "http://bill.example.com/billmgr", billmanager.SettingLogin: "r1"}, Secrets: map[string]string{billmanager.SecretPassword: "pw"}},
		"no login":       {Settings: map[string]string{billmanager.SettingURL: "https://bill.example.com"}, Secrets: map[string]string{billmanager.SecretPassword: "pw"}},
		"no password":    {Settings: ok},
		"user info":      {Settings: map[string]string{billmanager.SettingURL: "https://u:p@bill.example.com", billmanager.SettingLogin: "r1"}, Secrets: map[string]string{billmanager.SecretPassword: "pw"}},
		"colon in login": {Settings: map[string]string{billmanager.SettingURL: "https://bill.example.com", billmanager.SettingLogin: "a:b"}, Secrets: map[string]string{billmanager.SecretPassword: "pw"}},
	} {
		if _, err := billmanager.New(c); !errors.Is(err, errkind.InvalidArgument) {
			t.Errorf("%s: %v, want invalid argument", name, err)
		}
	}
}

// The balance is read from the subaccount list, in the forms a
// BILLmanager writes it; a reply without one is a malformed reply.
func TestBalance(t *testing.T) {
	u := newUpstream(t)
	p, ok := u.provider(t).(provider.BalanceReporter)
	if !ok {
		t.Fatal("the module reports no balance")
	}
	account := func(balance, currency string) *billmgr.Doc {
		return billmgr.NewList("subaccount", "en").AddRow(billmgr.F("id", "7"), billmgr.F("name", "Reseller"),
			billmgr.F("balance", balance), billmgr.F("currency", currency))
	}
	for _, tc := range []struct {
		doc  *billmgr.Doc
		want provider.Money
	}{
		{account("1234.50", "RUB"), provider.Money{Currency: "RUB", AmountMinor: 123450}},
		{account("1 234.50 RUB", "RUB"), provider.Money{Currency: "RUB", AmountMinor: 123450}},
		{account("-10.00", "usd"), provider.Money{Currency: "USD", AmountMinor: -1000}},
	} {
		u.mu.Lock()
		u.reply["subaccount"] = tc.doc
		u.mu.Unlock()
		if got, err := p.Balance(t.Context()); err != nil || got != tc.want {
			t.Errorf("balance %v: %v %v, want %v", tc.doc.Rows, got, err, tc.want)
		}
	}
	for _, doc := range []*billmgr.Doc{account("lots", "RUB"), account("1.00", "XYZ"), billmgr.NewList("subaccount", "en")} {
		u.mu.Lock()
		u.reply["subaccount"] = doc
		u.mu.Unlock()
		if got, err := p.Balance(t.Context()); !errors.Is(err, provider.ErrUnavailable) {
			t.Errorf("balance %v: %v %v, want a malformed reply", doc.Rows, got, err)
		}
	}
}
