package billmgrhttp

// registerOrderFuncs adds the functions that create or extend certificates:
// certificate.order, certificate.order.csr (sok), certificate.order.param,
// certificate.reissue(.step2), service.prolong, pricelist.export.
func (g *Gateway) registerOrderFuncs() {}
