package certificates

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/certsvc/certsvc/ent"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/pki"
	"github.com/certsvc/certsvc/internal/rpc"
)

// fileName is the download name of a certificate's files: the domain, with
// a wildcard's "*" spelled out.
func fileName(c *ent.Certificate, ext string) string {
	base := strings.ReplaceAll(c.CommonName, "*", "wildcard")
	return base + ext
}

// GetCertificateFile implements CertificateService.GetCertificateFile.
func (s *Handler) GetCertificateFile(ctx context.Context, req *certsvcv1.GetCertificateFileRequest) (*certsvcv1.GetCertificateFileResponse, error) {
	c, err := s.visibleCert(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	t := req.GetType()
	needsCert := t != certsvcv1.FileType_FILE_TYPE_CSR && t != certsvcv1.FileType_FILE_TYPE_KEY
	if needsCert && c.CertPem == "" {
		return nil, errkind.Field(errkind.FailedPrecondition, "type", "certificate %d is not issued yet (state %q)", c.ID, c.State)
	}
	const pemType = "application/x-pem-file"
	out := &certsvcv1.GetCertificateFileResponse{ContentType: pemType}
	switch t {
	case certsvcv1.FileType_FILE_TYPE_CRT:
		out.FileName, out.Content = fileName(c, ".crt"), []byte(c.CertPem)
	case certsvcv1.FileType_FILE_TYPE_CRT_DER:
		leaf, err := pki.ParseCertificates([]byte(c.CertPem))
		if err != nil || len(leaf) == 0 {
			return nil, fmt.Errorf("stored certificate %d: %w", c.ID, err)
		}
		out.FileName, out.ContentType, out.Content = fileName(c, ".cer"), "application/pkix-cert", leaf[0].Raw
	case certsvcv1.FileType_FILE_TYPE_CHAIN:
		out.FileName, out.Content = fileName(c, ".ca-bundle"), []byte(c.ChainPem)
	case certsvcv1.FileType_FILE_TYPE_FULLCHAIN:
		out.FileName, out.Content = fileName(c, ".fullchain.pem"), []byte(c.CertPem+c.ChainPem)
	case certsvcv1.FileType_FILE_TYPE_CSR:
		out.FileName, out.ContentType, out.Content = fileName(c, ".csr"), "application/pkcs10", []byte(c.CsrPem)
	case certsvcv1.FileType_FILE_TYPE_KEY, certsvcv1.FileType_FILE_TYPE_PEM_BUNDLE, certsvcv1.FileType_FILE_TYPE_PKCS12:
		if t == certsvcv1.FileType_FILE_TYPE_PKCS12 && req.GetPassword() == "" {
			return nil, errkind.Invalid("password", "a PKCS#12 file needs a password")
		}
		key, err := s.PrivateKey(c)
		if err != nil {
			return nil, err
		}
		if err := rpc.Audit(ctx, s.db, nil, s.Clock(), rpc.AuditReadPrivateKey, fmt.Sprintf("certificate/%d", c.ID), "file "+t.String()); err != nil {
			return nil, err
		}
		switch t {
		case certsvcv1.FileType_FILE_TYPE_KEY:
			b, err := pki.MarshalPrivateKeyPEM(key)
			if err != nil {
				return nil, fmt.Errorf("encode key: %w", err)
			}
			out.FileName, out.Content = fileName(c, ".key"), b
		default:
			leaf, chain, err := s.storedChain(c)
			if err != nil {
				return nil, err
			}
			if t == certsvcv1.FileType_FILE_TYPE_PEM_BUNDLE {
				b, err := pki.EncodePEMBundle(key, leaf, chain)
				if err != nil {
					return nil, fmt.Errorf("encode bundle: %w", err)
				}
				out.FileName, out.Content = fileName(c, ".pem"), b
			} else {
				b, err := pki.EncodePKCS12(key, leaf, chain, req.GetPassword())
				if err != nil {
					return nil, fmt.Errorf("encode PKCS#12: %w", err)
				}
				out.FileName, out.ContentType, out.Content = fileName(c, ".p12"), "application/x-pkcs12", b
			}
		}
	default:
		return nil, errkind.Invalid("type", "choose a file type")
	}
	return out, nil
}

func (s *Handler) storedChain(c *ent.Certificate) (*x509.Certificate, []*x509.Certificate, error) {
	certs, err := pki.ParseCertificates([]byte(c.CertPem + c.ChainPem))
	if err != nil || len(certs) == 0 {
		return nil, nil, fmt.Errorf("stored certificate %d: %w", c.ID, err)
	}
	return certs[0], certs[1:], nil
}
