// Package certdata holds the structured values a certificate order keeps in
// JSON columns: subject, contacts, organisation, domain validation choices
// and a module's plan links. The store (ent) and the service share them; they
// have no behaviour beyond plain data.
package certdata

// Subject is the distinguished name a certificate is requested for.
type Subject struct {
	CommonName         string `json:"cn,omitempty"`
	CountryID          int32  `json:"country_id,omitempty"`
	Country            string `json:"c,omitempty"`
	State              string `json:"st,omitempty"`
	Locality           string `json:"l,omitempty"`
	Organization       string `json:"o,omitempty"`
	OrganizationalUnit string `json:"ou,omitempty"`
	Email              string `json:"email,omitempty"`
}

// Contact is a person the CA may contact.
type Contact struct {
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Title     string `json:"title,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
}

// Organization is the vetted organisation of an OV or EV order.
type Organization struct {
	Name       string `json:"name,omitempty"`
	Department string `json:"department,omitempty"`
	Address    string `json:"address,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	CountryID  int32  `json:"country_id,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

// Validation is how one name is validated and, once the CA answered, what
// the customer must publish.
type Validation struct {
	Domain  string `json:"domain"`
	Method  string `json:"method"` // provider.DCVMethod
	Email   string `json:"email,omitempty"`
	Status  string `json:"status,omitempty"` // pending, valid, invalid
	HTTPURL string `json:"http_url,omitempty"`
	DNSName string `json:"dns_name,omitempty"`
	DNSType string `json:"dns_type,omitempty"`
	Value   string `json:"value,omitempty"`
}

// ModulePlan links a plan to a processing module.
type ModulePlan struct {
	PlanID      int64  `json:"plan_id"`
	ProductCode string `json:"product_code,omitempty"`
}
