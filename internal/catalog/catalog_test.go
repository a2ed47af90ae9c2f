package catalog

import (
	"strings"
	"testing"
)

// seedTable is the table of seed 002, row by row: name, id for Russian
// clients, id for foreign clients ("DigiСert" spelt with a Latin "C").
var seedTable = []struct {
	name      string
	id        int64
	foreignID int64
}{
	{"GlobalSign EV SSL", 55330, 55352},
	{"GlobalSign OrganizationSSL WildCard", 55329, 55351},
	{"GlobalSign OrganizationSSL", 55328, 55350},
	{"GlobalSign DomainSSL Wildcard", 55327, 55349},
	{"GlobalSign DomainSSL", 55326, 55348},
	{"AlphaSSL Wildcard", 55325, 55347},
	{"AlphaSSL", 55324, 55346},
	{"Comodo EV SSL certificate", 55153, 55153},
	{"Comodo PositiveSSL Wildcard", 27650, 27650},
	{"Comodo PositiveSSL Multi Domain (включено 3 домена)", 27648, 27648},
	{"Comodo Positive SSL", 3033, 3033},
	{"Comodo Premium WildCard", 2028, 2028},
	{"Comodo Essential SSL WildCard", 2027, 2027},
	{"Comodo Instant SSL", 2026, 2026},
	{"Comodo Essential SSL", 2025, 2025},
	{"DigiCert Secure Site with EV", 2023, 2023},
	{"DigiCert Secure Site", 2021, 2021},
	{"GeoTrust True BusinessID WildCard", 2020, 2020},
	{"GeoTrust True BusinessID", 2019, 2019},
	{"GeoTrust DV SSL", 2018, 2018},
	{"Thawte SSL Web Server with EV", 2015, 2015},
	{"Thawte SSL Wildcard", 2014, 2014},
	{"Thawte SSL Web Server", 2012, 2012},
	{"GeoTrust True BusinessID with EV", 1032, 1032},
	{"Thawte SSL123", 1013, 1013},
	{"RapidSSL Wildcard", 1012, 1012},
	{"RapidSSL", 1011, 1011},
}

func TestSeedPlansMatchSeedTable(t *testing.T) {
	plans := SeedPlans()
	// Seed 002 lists 27 products.
	if got, want := len(plans), len(seedTable); got != want {
		t.Fatalf("len(SeedPlans()) = %d, want %d", got, want)
	}
	for i, want := range seedTable {
		p := plans[i]
		if p.Name != want.name || p.ID != want.id || p.ForeignID != want.foreignID {
			t.Errorf("plan %d = {%q, %d, %d}, want {%q, %d, %d}",
				i, p.Name, p.ID, p.ForeignID, want.name, want.id, want.foreignID)
		}
	}
}

func TestSeedPlanIDsUnique(t *testing.T) {
	owner := map[int64]string{} // pricelist or add-on id -> plan name
	claim := func(id int64, name, what string) {
		t.Helper()
		if id <= 0 {
			t.Errorf("%s: %s = %d, want positive", name, what, id)
			return
		}
		if other, ok := owner[id]; ok && other != name {
			t.Errorf("%s: %s %d is already used by %s", name, what, id, other)
		}
		owner[id] = name
	}
	for _, p := range SeedPlans() {
		claim(p.ID, p.Name, "ID")
		claim(p.ForeignID, p.Name, "ForeignID")
	}
	// Add-on ids live in the same id space as pricelists (legacy addon_<id>).
	for _, p := range SeedPlans() {
		if p.ExtraNameAddonID != 0 {
			claim(p.ExtraNameAddonID, p.Name+" (add-on)", "ExtraNameAddonID")
		}
	}
}

func TestSeedPlanFields(t *testing.T) {
	brands := map[string]bool{
		"GlobalSign": true, "AlphaSSL": true, "Sectigo": true, "DigiCert": true,
		"GeoTrust": true, "Thawte": true, "RapidSSL": true,
	}
	for _, p := range SeedPlans() {
		t.Run(p.Name, func(t *testing.T) {
			if !brands[p.Brand] {
				t.Errorf("Brand = %q, not a known brand", p.Brand)
			}
			if strings.HasPrefix(p.Name, "Comodo") && p.Brand != "Sectigo" {
				t.Errorf("Brand = %q, want Sectigo for a Comodo product", p.Brand)
			}
			if strings.ContainsRune(p.Name+p.Brand, 'С') { // Cyrillic Es
				t.Errorf("Name %q or Brand %q contains a Cyrillic С", p.Name, p.Brand)
			}
			switch p.Validation {
			case DV, OV, EV:
			default:
				t.Errorf("Validation = %v, want DV, OV or EV", p.Validation)
			}
			if strings.Contains(p.Name, "EV") && p.Validation != EV {
				t.Errorf("Validation = %v, want EV", p.Validation)
			}
			if want := strings.Contains(strings.ToLower(p.Name), "wildcard"); p.Wildcard != want {
				t.Errorf("Wildcard = %v, want %v", p.Wildcard, want)
			}
			if !p.IDN {
				t.Error("IDN = false, want true")
			}
			if want := !p.Wildcard && p.IncludedNames == 1; p.WWWAndBare != want {
				t.Errorf("WWWAndBare = %v, want %v", p.WWWAndBare, want)
			}
		})
	}
}

func TestSeedPlanValidationLevels(t *testing.T) {
	tests := []struct {
		id   int64
		want Validation
	}{
		{55330, EV}, {55329, OV}, {55328, OV}, {55327, DV}, {55326, DV},
		{55325, DV}, {55324, DV}, {55153, EV}, {27650, DV}, {27648, DV},
		{3033, DV}, {2028, OV}, {2027, DV}, {2026, OV}, {2025, DV},
		{2023, EV}, {2021, OV}, {2020, OV}, {2019, OV}, {2018, DV},
		{2015, EV}, {2014, OV}, {2012, OV}, {1032, EV}, {1013, DV},
		{1012, DV}, {1011, DV},
	}
	byID := map[int64]SeedPlan{}
	for _, p := range SeedPlans() {
		byID[p.ID] = p
	}
	for _, tt := range tests {
		p, ok := byID[tt.id]
		if !ok {
			t.Errorf("no plan with ID %d", tt.id)
			continue
		}
		if p.Validation != tt.want {
			t.Errorf("%s: Validation = %v, want %v", p.Name, p.Validation, tt.want)
		}
	}
}

func TestSeedPlanPrices(t *testing.T) {
	for _, p := range SeedPlans() {
		t.Run(p.Name, func(t *testing.T) {
			type key struct {
				months   int32
				currency string
			}
			got := map[key]SeedPrice{}
			for _, pr := range p.Prices {
				k := key{pr.PeriodMonths, pr.Currency}
				if _, dup := got[k]; dup {
					t.Errorf("duplicate price for %d months in %s", k.months, k.currency)
				}
				got[k] = pr
				if pr.AmountMinor <= 0 {
					t.Errorf("%d months %s: AmountMinor = %d, want positive", k.months, k.currency, pr.AmountMinor)
				}
				if pr.ExtraNameMinor < 0 {
					t.Errorf("%d months %s: ExtraNameMinor = %d, want >= 0", k.months, k.currency, pr.ExtraNameMinor)
				}
			}
			for _, cur := range []string{"RUB", "USD"} {
				p12, ok12 := got[key{12, cur}]
				p24, ok24 := got[key{24, cur}]
				if !ok12 || !ok24 {
					t.Errorf("%s: missing 12- or 24-month price", cur)
					continue
				}
				if p24.AmountMinor <= p12.AmountMinor || p24.AmountMinor >= 2*p12.AmountMinor {
					t.Errorf("%s: 24 months = %d, want between 12 months (%d) and twice that",
						cur, p24.AmountMinor, p12.AmountMinor)
				}
			}
		})
	}
}

func TestSeedPlanNameLimits(t *testing.T) {
	for _, p := range SeedPlans() {
		t.Run(p.Name, func(t *testing.T) {
			if p.IncludedNames < 1 || p.IncludedNames > p.MaxNames {
				t.Errorf("IncludedNames = %d, MaxNames = %d, want 1 <= IncludedNames <= MaxNames",
					p.IncludedNames, p.MaxNames)
			}
			if !p.MultiDomain && (p.IncludedNames != 1 || p.MaxNames != 1) {
				t.Errorf("single-name plan has IncludedNames = %d, MaxNames = %d, want 1, 1",
					p.IncludedNames, p.MaxNames)
			}
			extraPriced := false
			for _, pr := range p.Prices {
				if pr.ExtraNameMinor > 0 {
					extraPriced = true
				} else if p.ExtraNameAddonID != 0 {
					t.Errorf("%d months %s: extra names not priced although the plan sells them",
						pr.PeriodMonths, pr.Currency)
				}
			}
			if hasAddon := p.ExtraNameAddonID != 0; hasAddon != extraPriced {
				t.Errorf("ExtraNameAddonID = %d but extra names priced = %v", p.ExtraNameAddonID, extraPriced)
			}
			if p.ExtraNameAddonID != 0 && (!p.MultiDomain || p.MaxNames <= p.IncludedNames) {
				t.Errorf("sells extra names but MultiDomain = %v, IncludedNames = %d, MaxNames = %d",
					p.MultiDomain, p.IncludedNames, p.MaxNames)
			}
		})
	}
}

func TestSeedPlanMultiDomain(t *testing.T) {
	tests := []struct {
		id       int64
		included int32
		max      int32
		addon    int64
	}{
		{id: 55326, included: 1, max: 100, addon: 55364}, // GlobalSign DomainSSL (seed: addon_55364)
		{id: 27648, included: 3, max: 100, addon: 27649}, // Comodo PositiveSSL Multi Domain
	}
	multi := map[int64]bool{}
	for _, tt := range tests {
		multi[tt.id] = true
	}
	for _, p := range SeedPlans() {
		if p.MultiDomain != multi[p.ID] {
			t.Errorf("%s: MultiDomain = %v, want %v", p.Name, p.MultiDomain, multi[p.ID])
		}
		for _, tt := range tests {
			if p.ID != tt.id {
				continue
			}
			if p.IncludedNames != tt.included || p.MaxNames != tt.max || p.ExtraNameAddonID != tt.addon {
				t.Errorf("%s: included, max, add-on = %d, %d, %d; want %d, %d, %d", p.Name,
					p.IncludedNames, p.MaxNames, p.ExtraNameAddonID, tt.included, tt.max, tt.addon)
			}
		}
	}
}

func TestSeedPlansReturnsCopy(t *testing.T) {
	a := SeedPlans()
	wantName, wantAmount := a[0].Name, a[0].Prices[0].AmountMinor
	a[0].Name = "changed"
	a[0].Prices[0].AmountMinor = -1
	a[0].Prices = append(a[0].Prices, SeedPrice{PeriodMonths: 1})
	a[1] = SeedPlan{}

	b := SeedPlans()
	if b[0].Name != wantName {
		t.Errorf("Name after mutation = %q, want %q", b[0].Name, wantName)
	}
	if b[0].Prices[0].AmountMinor != wantAmount {
		t.Errorf("AmountMinor after mutation = %d, want %d", b[0].Prices[0].AmountMinor, wantAmount)
	}
	if len(b[0].Prices) != len(a[0].Prices)-1 {
		t.Errorf("len(Prices) after append = %d, want %d", len(b[0].Prices), len(a[0].Prices)-1)
	}
	if b[1].ID == 0 {
		t.Error("plan 1 was overwritten in the package table")
	}
}

func TestValidationString(t *testing.T) {
	tests := []struct {
		v    Validation
		want string
	}{
		{0, "unspecified"}, {DV, "DV"}, {OV, "OV"}, {EV, "EV"}, {42, "unspecified"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("Validation(%d).String() = %q, want %q", int(tt.v), got, tt.want)
		}
	}
}

func TestRussia(t *testing.T) {
	c, ok := CountryByID(182)
	if !ok || c.Alpha2 != "RU" {
		t.Fatalf("CountryByID(182) = %+v, %v; want RU", c, ok)
	}
	c, ok = CountryByAlpha2("RU")
	if !ok || c.ID != 182 {
		t.Fatalf("CountryByAlpha2(RU) = %+v, %v; want ID 182", c, ok)
	}
}

func TestCountriesTable(t *testing.T) {
	cs := Countries()
	// Every officially assigned ISO 3166-1 alpha-2 code.
	if len(cs) != 249 {
		t.Errorf("len(Countries()) = %d, want 249", len(cs))
	}
	ids := map[int32]string{}
	codes := map[string]bool{}
	for i, c := range cs {
		if c.ID <= 0 {
			t.Errorf("%s: ID = %d, want positive", c.Alpha2, c.ID)
		}
		if other, dup := ids[c.ID]; dup {
			t.Errorf("%s: ID %d already used by %s", c.Alpha2, c.ID, other)
		}
		ids[c.ID] = c.Alpha2
		if len(c.Alpha2) != 2 || c.Alpha2[0] < 'A' || c.Alpha2[0] > 'Z' || c.Alpha2[1] < 'A' || c.Alpha2[1] > 'Z' {
			t.Errorf("Alpha2 %q is not two upper-case letters", c.Alpha2)
		}
		if codes[c.Alpha2] {
			t.Errorf("Alpha2 %q is duplicated", c.Alpha2)
		}
		codes[c.Alpha2] = true
		if strings.TrimSpace(c.Name) == "" || c.Name != strings.TrimSpace(c.Name) {
			t.Errorf("%s: bad Name %q", c.Alpha2, c.Name)
		}
		if i > 0 && cs[i-1].Name >= c.Name {
			t.Errorf("not sorted by Name: %q before %q", cs[i-1].Name, c.Name)
		}
		if got, ok := CountryByID(c.ID); !ok || got != c {
			t.Errorf("CountryByID(%d) = %+v, %v; want %+v", c.ID, got, ok, c)
		}
		if got, ok := CountryByAlpha2(c.Alpha2); !ok || got != c {
			t.Errorf("CountryByAlpha2(%q) = %+v, %v; want %+v", c.Alpha2, got, ok, c)
		}
	}
}

func TestCountryByAlpha2(t *testing.T) {
	tests := []struct {
		code   string
		wantID int32
		wantOK bool
	}{
		{"RU", 182, true},
		{"ru", 182, true},
		{"rU", 182, true},
		{"Ru", 182, true},
		{"us", 0, true}, // found; TestCountriesTable checks every id
		{"", 0, false},
		{"R", 0, false},
		{"RUS", 0, false},
		{"XX", 0, false},
		{"ZZ", 0, false},
		{" RU", 0, false},
		{"РУ", 0, false}, // Cyrillic
	}
	for _, tt := range tests {
		c, ok := CountryByAlpha2(tt.code)
		if ok != tt.wantOK {
			t.Errorf("CountryByAlpha2(%q) ok = %v, want %v", tt.code, ok, tt.wantOK)
			continue
		}
		if !ok {
			if c != (Country{}) {
				t.Errorf("CountryByAlpha2(%q) = %+v, want zero Country", tt.code, c)
			}
			continue
		}
		if c.Alpha2 != strings.ToUpper(tt.code) {
			t.Errorf("CountryByAlpha2(%q).Alpha2 = %q", tt.code, c.Alpha2)
		}
		if tt.wantID != 0 && c.ID != tt.wantID {
			t.Errorf("CountryByAlpha2(%q).ID = %d, want %d", tt.code, c.ID, tt.wantID)
		}
	}
}

func TestCountryByIDUnknown(t *testing.T) {
	for _, id := range []int32{0, -1, -182, 100000} {
		if c, ok := CountryByID(id); ok || c != (Country{}) {
			t.Errorf("CountryByID(%d) = %+v, %v; want zero, false", id, c, ok)
		}
	}
}

func TestCountriesReturnsCopy(t *testing.T) {
	a := Countries()
	want := a[0]
	a[0] = Country{ID: -1, Alpha2: "XX", Name: "Nowhere"}
	if b := Countries(); b[0] != want {
		t.Errorf("Countries()[0] after mutation = %+v, want %+v", b[0], want)
	}
	if c, ok := CountryByID(want.ID); !ok || c != want {
		t.Errorf("CountryByID(%d) after mutation = %+v, %v; want %+v", want.ID, c, ok, want)
	}
}
