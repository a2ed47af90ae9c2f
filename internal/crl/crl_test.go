package crl_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/processingmodule"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/crl"
	"github.com/certsvc/certsvc/internal/dbtest"
	"github.com/certsvc/certsvc/internal/localca"
	"github.com/certsvc/certsvc/internal/provider/builtin"
	"github.com/certsvc/certsvc/internal/provider/registry"
	"github.com/certsvc/certsvc/internal/secretbox"
	"github.com/certsvc/certsvc/internal/service"
)

// TestCachedUntilHalfValidity: a CRL is served from memory until half of its
// validity has passed, then signed again with a later thisUpdate and a
// larger number, so a CRL served always has days left before nextUpdate.
// A module that is no built-in CA has none.
func TestCachedUntilHalfValidity(t *testing.T) {
	db := dbtest.SQLite(t)
	key, _, err := secretbox.GenerateMasterKey("test")
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := secretbox.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	kinds, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC().Truncate(time.Second)
	var now atomic.Int64
	now.Store(start.UnixNano())
	svc := service.New(service.Options{DB: db, Keyring: keyring, Kinds: kinds, PasswordParams: auth.TestParams,
		Now: func() time.Time { return time.Unix(0, now.Load()) }})
	if _, err := svc.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	mod, err := db.Ent.ProcessingModule.Query().Where(processingmodule.Kind(builtin.KindName)).First(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := crl.New(svc.Core, nil)
	fetch := func() *x509.RevocationList {
		t.Helper()
		der, err := p.CRL(t.Context(), mod.ID)
		if err != nil {
			t.Fatal(err)
		}
		l, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	first := fetch()
	if !first.ThisUpdate.Equal(start) || !first.NextUpdate.Equal(start.Add(localca.CRLValidity)) || len(first.RevokedCertificateEntries) != 0 {
		t.Fatalf("first CRL: this %v next %v, %d entries", first.ThisUpdate, first.NextUpdate, len(first.RevokedCertificateEntries))
	}
	now.Store(start.Add(localca.CRLValidity/2 - time.Minute).UnixNano())
	if got := fetch(); !bytes.Equal(got.Raw, first.Raw) {
		t.Error("the CRL was signed again before half its validity passed")
	}
	now.Store(start.Add(localca.CRLValidity / 2).UnixNano())
	if err := p.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	second := fetch()
	if !second.ThisUpdate.After(first.ThisUpdate) || second.Number.Cmp(first.Number) <= 0 ||
		second.NextUpdate.Sub(time.Unix(0, now.Load())) < localca.CRLValidity/2 {
		t.Errorf("after half the validity: this %v (was %v), number %v (was %v), next %v",
			second.ThisUpdate, first.ThisUpdate, second.Number, first.Number, second.NextUpdate)
	}

	if _, err := p.CRL(t.Context(), 999_999); !errors.Is(err, crl.ErrNoCRL) {
		t.Errorf("CRL of an unknown module: %v, want ErrNoCRL", err)
	}
	mux := http.NewServeMux()
	mux.Handle(crl.Pattern, p)
	for path, want := range map[string]int{"/crl/" + strconv.FormatInt(mod.ID, 10) + ".crl": 200, "/crl/" + strconv.FormatInt(mod.ID, 10): 404, "/crl/x.crl": 404} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}
