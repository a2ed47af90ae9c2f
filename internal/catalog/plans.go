package catalog

import "slices"

// Validation is the validation level of a certificate product.
type Validation int

// Validation levels. The zero value means "unspecified".
const (
	// DV is domain validation: only control of the domain names is checked.
	DV Validation = iota + 1
	// OV is organisation validation: the CA also checks the organisation.
	OV
	// EV is extended validation: the strictest organisation checks.
	EV
)

// String returns the usual abbreviation of the validation level ("DV", "OV",
// "EV"), or "unspecified".
func (v Validation) String() string {
	switch v {
	case DV:
		return "DV"
	case OV:
		return "OV"
	case EV:
		return "EV"
	default:
		return "unspecified"
	}
}

// SeedPrice is the price of one period.
type SeedPrice struct {
	PeriodMonths   int32
	Currency       string // ISO 4217
	AmountMinor    int64  // price in minor units (kopecks, cents)
	ExtraNameMinor int64  // price of one extra domain name for this period; 0 when the plan has no extra names
}

// SeedPlan is one product of the seeded catalogue.
type SeedPlan struct {
	ID               int64 // pricelist id for Russian clients (the legacy `pricelist` parameter)
	ForeignID        int64 // pricelist id for foreign clients (equal to ID where the table gives one id)
	Name             string
	Brand            string // GlobalSign, AlphaSSL, Sectigo (for Comodo products), DigiCert, GeoTrust, Thawte, RapidSSL
	Validation       Validation
	Wildcard         bool
	MultiDomain      bool
	IncludedNames    int32 // names included in the base price, counting the main domain (1 for single-name plans)
	MaxNames         int32 // upper limit of names including the main domain
	ExtraNameAddonID int64 // id of the extra-name add-on (legacy `addon_<id>`), 0 when none
	IDN              bool
	WWWAndBare       bool // the certificate covers both www.example.com and example.com
	Prices           []SeedPrice
}

// seedPlans is the table of certificate products of seed 002 (ispmanager.com
// "SSL certificate ID's"), in the order of that table. The seed lists 27
// products.
//
// Names are kept as in the seed, including the Russian note of the PositiveSSL
// Multi Domain plan, except that the seed's "DigiСert" (with a Cyrillic "С")
// is spelt "DigiCert". Comodo products are sold under the Sectigo brand.
//
// Features are derived from the real products: EV for the "EV" products; OV
// for OrganizationSSL, True BusinessID, Secure Site, SSL Web Server, Thawte
// SSL Wildcard, Instant SSL and Premium Wildcard; DV for DomainSSL, AlphaSSL,
// PositiveSSL, Essential SSL, GeoTrust DV SSL, SSL123 and RapidSSL.
//
// Extra names: only two plans sell them. GlobalSign DomainSSL uses the
// add-on 55364 (the seed's own order example, addon_55364=2). PositiveSSL
// Multi Domain includes 3 names and sells more through add-on 27649. Every
// other plan is a single-name product (wildcards included: one wildcard name).
// WWWAndBare is set for the single-name, non-wildcard plans, whose CAs add the
// other of www.example.com / example.com for free.
//
// Prices are list prices in minor units for 12 and 24 months in RUB and USD;
// the 24-month price is 90% of two 12-month prices (extra names likewise).
var seedPlans = []SeedPlan{
	{
		ID: 55330, ForeignID: 55352,
		Name: "GlobalSign EV SSL", Brand: "GlobalSign", Validation: EV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 3590000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 6462000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 39900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 71820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 55329, ForeignID: 55351,
		Name: "GlobalSign OrganizationSSL WildCard", Brand: "GlobalSign", Validation: OV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 6290000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 11322000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 69900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 125820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 55328, ForeignID: 55350,
		Name: "GlobalSign OrganizationSSL", Brand: "GlobalSign", Validation: OV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 2240000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 4032000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 24900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 44820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 55327, ForeignID: 55349,
		Name: "GlobalSign DomainSSL Wildcard", Brand: "GlobalSign", Validation: DV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 4040000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 7272000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 44900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 80820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 55326, ForeignID: 55348,
		Name: "GlobalSign DomainSSL", Brand: "GlobalSign", Validation: DV,
		Wildcard: false, MultiDomain: true, IncludedNames: 1, MaxNames: 100, ExtraNameAddonID: 55364,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1790000, ExtraNameMinor: 530000},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 3222000, ExtraNameMinor: 954000},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 19900, ExtraNameMinor: 5900},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 35820, ExtraNameMinor: 10620},
		},
	},
	{
		ID: 55325, ForeignID: 55347,
		Name: "AlphaSSL Wildcard", Brand: "AlphaSSL", Validation: DV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1340000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 2412000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 14900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 26820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 55324, ForeignID: 55346,
		Name: "AlphaSSL", Brand: "AlphaSSL", Validation: DV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 350000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 630000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 3900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 7020, ExtraNameMinor: 0},
		},
	},
	{
		ID: 55153, ForeignID: 55153,
		Name: "Comodo EV SSL certificate", Brand: "Sectigo", Validation: EV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 890000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 1602000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 9900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 17820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 27650, ForeignID: 27650,
		Name: "Comodo PositiveSSL Wildcard", Brand: "Sectigo", Validation: DV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 710000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 1278000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 7900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 14220, ExtraNameMinor: 0},
		},
	},
	{
		ID: 27648, ForeignID: 27648,
		Name: "Comodo PositiveSSL Multi Domain (включено 3 домена)", Brand: "Sectigo", Validation: DV,
		Wildcard: false, MultiDomain: true, IncludedNames: 3, MaxNames: 100, ExtraNameAddonID: 27649,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 350000, ExtraNameMinor: 108000},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 630000, ExtraNameMinor: 194400},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 3900, ExtraNameMinor: 1200},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 7020, ExtraNameMinor: 2160},
		},
	},
	{
		ID: 3033, ForeignID: 3033,
		Name: "Comodo Positive SSL", Brand: "Sectigo", Validation: DV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 81000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 145800, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 1620, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2028, ForeignID: 2028,
		Name: "Comodo Premium WildCard", Brand: "Sectigo", Validation: OV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1790000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 3222000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 19900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 35820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2027, ForeignID: 2027,
		Name: "Comodo Essential SSL WildCard", Brand: "Sectigo", Validation: DV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 800000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 1440000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 8900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 16020, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2026, ForeignID: 2026,
		Name: "Comodo Instant SSL", Brand: "Sectigo", Validation: OV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 440000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 792000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 4900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 8820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2025, ForeignID: 2025,
		Name: "Comodo Essential SSL", Brand: "Sectigo", Validation: DV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 170000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 306000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 1900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 3420, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2023, ForeignID: 2023,
		Name: "DigiCert Secure Site with EV", Brand: "DigiCert", Validation: EV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 8950000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 16110000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 99500, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 179100, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2021, ForeignID: 2021,
		Name: "DigiCert Secure Site", Brand: "DigiCert", Validation: OV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 3590000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 6462000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 39900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 71820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2020, ForeignID: 2020,
		Name: "GeoTrust True BusinessID WildCard", Brand: "GeoTrust", Validation: OV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 4490000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 8082000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 49900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 89820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2019, ForeignID: 2019,
		Name: "GeoTrust True BusinessID", Brand: "GeoTrust", Validation: OV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1340000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 2412000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 14900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 26820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2018, ForeignID: 2018,
		Name: "GeoTrust DV SSL", Brand: "GeoTrust", Validation: DV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 440000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 792000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 4900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 8820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2015, ForeignID: 2015,
		Name: "Thawte SSL Web Server with EV", Brand: "Thawte", Validation: EV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 2690000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 4842000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 29900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 53820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2014, ForeignID: 2014,
		Name: "Thawte SSL Wildcard", Brand: "Thawte", Validation: OV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 5390000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 9702000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 59900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 107820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 2012, ForeignID: 2012,
		Name: "Thawte SSL Web Server", Brand: "Thawte", Validation: OV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1340000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 2412000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 14900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 26820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 1032, ForeignID: 1032,
		Name: "GeoTrust True BusinessID with EV", Brand: "GeoTrust", Validation: EV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 2240000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 4032000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 24900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 44820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 1013, ForeignID: 1013,
		Name: "Thawte SSL123", Brand: "Thawte", Validation: DV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 530000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 954000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 5900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 10620, ExtraNameMinor: 0},
		},
	},
	{
		ID: 1012, ForeignID: 1012,
		Name: "RapidSSL Wildcard", Brand: "RapidSSL", Validation: DV,
		Wildcard: true, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: false,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 1340000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 2412000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 14900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 26820, ExtraNameMinor: 0},
		},
	},
	{
		ID: 1011, ForeignID: 1011,
		Name: "RapidSSL", Brand: "RapidSSL", Validation: DV,
		Wildcard: false, MultiDomain: false, IncludedNames: 1, MaxNames: 1, ExtraNameAddonID: 0,
		IDN: true, WWWAndBare: true,
		Prices: []SeedPrice{
			{PeriodMonths: 12, Currency: "RUB", AmountMinor: 260000, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "RUB", AmountMinor: 468000, ExtraNameMinor: 0},
			{PeriodMonths: 12, Currency: "USD", AmountMinor: 2900, ExtraNameMinor: 0},
			{PeriodMonths: 24, Currency: "USD", AmountMinor: 5220, ExtraNameMinor: 0},
		},
	},
}

// SeedPlans returns all products of the seed table, in the order of that
// table. It returns a fresh deep copy on each call, so the caller may modify it.
func SeedPlans() []SeedPlan {
	out := make([]SeedPlan, len(seedPlans))
	for i, p := range seedPlans {
		p.Prices = slices.Clone(p.Prices)
		out[i] = p
	}
	return out
}
