package billmgrhttp

// registerCertificateFuncs adds the functions that read and change existing
// certificates: certificate, certificate.filter/setfilter, edit, open, file,
// file.edit, retry, resume, sync, delete, su.
func (g *Gateway) registerCertificateFuncs() {}
