package pki

import (
	"context"
	"crypto"
	"os"
	"slices"
	"testing"
	"time"
)

var benchSubject = Subject{
	CommonName: "example.com", Country: "RU", State: "Moscow", Locality: "Moscow",
	Organization: "Example LLC", Email: "admin@example.com", DNSNames: []string{"www.example.com"},
}

func benchKeyAndCSR(b *testing.B, kt KeyType) {
	for b.Loop() {
		key, err := GenerateKey(kt)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := CreateCSR(key, benchSubject); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateRSA2048KeyAndCSR is what ordering with a generated CSR
// costs without a pool; its time varies widely (prime search).
func BenchmarkGenerateRSA2048KeyAndCSR(b *testing.B) { benchKeyAndCSR(b, RSA2048) }

// BenchmarkGenerateECDSAP256KeyAndCSR is the same for an ECDSA P-256 key,
// which needs no pool.
func BenchmarkGenerateECDSAP256KeyAndCSR(b *testing.B) { benchKeyAndCSR(b, ECDSAP256) }

// BenchmarkKeyPoolGetWarm measures an order inside a burst that the pool
// absorbs: Get from a pool with RSA-2048 keys ready ("get"), and Get plus the
// CSR ("get+csr", what the customer waits for instead of
// BenchmarkGenerateRSA2048KeyAndCSR). So that refilling the pool does not
// dominate the run, its generator hands out copies of one pre-generated key:
// the time of Get does not depend on where the keys come from.
func BenchmarkKeyPoolGetWarm(b *testing.B) {
	key := testKey(b, RSA2048)
	gen := func(KeyType) (crypto.Signer, error) { return key, nil }
	for _, withCSR := range []bool{false, true} {
		name := "get"
		if withCSR {
			name = "get+csr"
		}
		b.Run(name, func(b *testing.B) {
			const size = 256
			p := newKeyPool(RSA2048, size, 1, gen, retryDelay)
			defer p.Close()
			ctx := context.Background()
			waitFull := func() {
				for p.Stats().Ready < size {
					time.Sleep(10 * time.Microsecond)
				}
			}
			waitFull()
			for b.Loop() {
				if p.Stats().Ready == 0 {
					b.StopTimer()
					waitFull()
					b.StartTimer()
				}
				k, err := p.Get(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if withCSR {
					if _, err := CreateCSR(k, benchSubject); err != nil {
						b.Fatal(err)
					}
				}
			}
			if s := p.Stats(); s.Inline > 0 {
				b.Errorf("%d keys generated inline: the pool was not warm", s.Inline)
			}
		})
	}
}

// TestReportKeyGenPercentiles prints the latency distribution of RSA-2048
// key+CSR generation, cold (inline) and from a warm pool in a burst. It
// asserts nothing about time and runs only with CERTSVC_PKI_PERCENTILES=1:
//
//	CERTSVC_PKI_PERCENTILES=1 go test -run TestReportKeyGenPercentiles -v ./internal/pki/
func TestReportKeyGenPercentiles(t *testing.T) {
	if os.Getenv("CERTSVC_PKI_PERCENTILES") != "1" {
		t.Skip("set CERTSVC_PKI_PERCENTILES=1 to measure key generation")
	}
	const n = 200
	cold := make([]time.Duration, 0, n)
	for range n {
		t0 := time.Now()
		key, err := GenerateKey(RSA2048)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := CreateCSR(key, benchSubject); err != nil {
			t.Fatal(err)
		}
		cold = append(cold, time.Since(t0))
	}
	t.Logf("RSA-2048 key+CSR, inline, %d runs: %s", n, percentiles(cold))

	const burst = 32
	p, err := NewKeyPool(RSA2048, burst, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	t0 := time.Now()
	for p.Stats().Ready < burst {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("pool of %d RSA-2048 keys filled by 1 worker in %v", burst, time.Since(t0).Round(time.Millisecond))
	warm := make([]time.Duration, 0, burst)
	for range burst {
		t0 := time.Now()
		key, err := p.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := CreateCSR(key, benchSubject); err != nil {
			t.Fatal(err)
		}
		warm = append(warm, time.Since(t0))
	}
	t.Logf("RSA-2048 key+CSR, burst of %d from a warm pool: %s (stats %+v)", burst, percentiles(warm), p.Stats())
}

// percentiles formats p50, p99 and max of ds (nearest rank).
func percentiles(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	return "p50 " + r(rank(0.50)).String() + ", p99 " + r(rank(0.99)).String() + ", max " + r(s[len(s)-1]).String()
}
