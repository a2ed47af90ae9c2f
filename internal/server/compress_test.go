package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// listingPage is a 50-row ListCertificates answer as Connect JSON.
func listingPage(t testing.TB) []byte {
	t.Helper()
	res := &certsvcv1.ListCertificatesResponse{NextPageToken: "eyJpIjo5OTk5NTEsImYiOiIifQ"}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		res.Certificates = append(res.Certificates, &certsvcv1.Certificate{
			Id: int64(999_950 + i), AccountId: 12, PlanId: 3033, PeriodMonths: 12,
			State: certsvcv1.CertificateState_CERTIFICATE_STATE_ISSUED, CommonName: fmt.Sprintf("host%07d.example.com", 999_950+i),
			Currency: "RUB", CostMinor: 81_000, HasPrivateKey: true,
			CreateTime: timestamppb.New(at.Add(time.Duration(i) * time.Second)), UpdateTime: timestamppb.New(at.Add(time.Duration(i) * time.Minute)),
			NotBefore: timestamppb.New(at), NotAfter: timestamppb.New(at.AddDate(1, 0, i)),
		})
	}
	b, err := protojson.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFastGzipRoundTrip: what fastGzip writes is gzip that any client reads
// back as the answer.
func TestFastGzipRoundTrip(t *testing.T) {
	page := listingPage(t)
	var out bytes.Buffer
	w := newFastGzip()
	w.Reset(&out)
	if _, err := w.Write(page); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, page) {
		t.Fatalf("read back %d bytes, not the %d written", len(got), len(page))
	}
}

// BenchmarkAnswerGzip compresses a 50-row listing page as the API answers
// it (fastGzip) and at gzip's default level, for comparison:
//
//	go test -run - -bench AnswerGzip ./internal/server/
func BenchmarkAnswerGzip(b *testing.B) {
	page := listingPage(b)
	def, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	for _, c := range []struct {
		name string
		w    *gzip.Writer
	}{{"answer", newFastGzip()}, {"default-level", def}} {
		b.Run(c.name, func(b *testing.B) {
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				c.w.Reset(&out)
				c.w.Write(page)
				c.w.Close()
			}
			b.ReportMetric(float64(len(page)), "page-B")
			b.ReportMetric(float64(out.Len()), "gzip-B")
		})
	}
}
