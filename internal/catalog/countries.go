// Package catalog holds static reference data of the certificate catalog: the
// seeded plans and the country list.
package catalog

import "strings"

// Country is one entry of the country list used by certificate subjects and contacts.
type Country struct {
	ID     int32  // BILLmanager's legacy numeric country id (182 = Russia), used by field_country and the legacy API
	Alpha2 string // ISO 3166-1 alpha-2, upper case
	Name   string // English short name
}

// countryTable lists every officially assigned ISO 3166-1 alpha-2 code (249
// entries), ordered by Name. Names are English short names written in ASCII
// (no diacritics), so that byte order is also the natural alphabetical order.
//
// Where the legacy ids come from: BILLmanager's real country table could not
// be found in public sources. Only one id is documented: 182 = Russia (the
// ispmanager.com certificate API page, seed 002: "field_country – country code
// (182 - Russia)"). The ids below are therefore derived, not copied: ID is the
// 1-based position of the country in this list, ordered by Name. With these
// names Russia lands on 182, which is also where the widely used alphabetical
// "countries" tables (1 = Afghanistan … 182 = Russian Federation) put it, and
// BILLmanager's numbering most likely comes from such a table; but ids other
// than 182 are NOT confirmed. The ids are literals, not computed, so renaming
// or adding a country never renumbers the existing ones. Replace them with the
// upstream's `country` list (func=country, k/v pairs) when one is available.
var countryTable = []Country{
	{1, "AF", "Afghanistan"},
	{2, "AX", "Aland Islands"},
	{3, "AL", "Albania"},
	{4, "DZ", "Algeria"},
	{5, "AS", "American Samoa"},
	{6, "AD", "Andorra"},
	{7, "AO", "Angola"},
	{8, "AI", "Anguilla"},
	{9, "AQ", "Antarctica"},
	{10, "AG", "Antigua and Barbuda"},
	{11, "AR", "Argentina"},
	{12, "AM", "Armenia"},
	{13, "AW", "Aruba"},
	{14, "AU", "Australia"},
	{15, "AT", "Austria"},
	{16, "AZ", "Azerbaijan"},
	{17, "BS", "Bahamas"},
	{18, "BH", "Bahrain"},
	{19, "BD", "Bangladesh"},
	{20, "BB", "Barbados"},
	{21, "BY", "Belarus"},
	{22, "BE", "Belgium"},
	{23, "BZ", "Belize"},
	{24, "BJ", "Benin"},
	{25, "BM", "Bermuda"},
	{26, "BT", "Bhutan"},
	{27, "BO", "Bolivia"},
	{28, "BQ", "Bonaire, Sint Eustatius and Saba"},
	{29, "BA", "Bosnia and Herzegovina"},
	{30, "BW", "Botswana"},
	{31, "BV", "Bouvet Island"},
	{32, "BR", "Brazil"},
	{33, "IO", "British Indian Ocean Territory"},
	{34, "BN", "Brunei"},
	{35, "BG", "Bulgaria"},
	{36, "BF", "Burkina Faso"},
	{37, "BI", "Burundi"},
	{38, "CV", "Cabo Verde"},
	{39, "KH", "Cambodia"},
	{40, "CM", "Cameroon"},
	{41, "CA", "Canada"},
	{42, "KY", "Cayman Islands"},
	{43, "CF", "Central African Republic"},
	{44, "TD", "Chad"},
	{45, "CL", "Chile"},
	{46, "CN", "China"},
	{47, "CX", "Christmas Island"},
	{48, "CC", "Cocos (Keeling) Islands"},
	{49, "CO", "Colombia"},
	{50, "KM", "Comoros"},
	{51, "CG", "Congo"},
	{52, "CD", "Congo, Democratic Republic of the"},
	{53, "CK", "Cook Islands"},
	{54, "CR", "Costa Rica"},
	{55, "CI", "Cote d'Ivoire"},
	{56, "HR", "Croatia"},
	{57, "CU", "Cuba"},
	{58, "CW", "Curacao"},
	{59, "CY", "Cyprus"},
	{60, "CZ", "Czechia"},
	{61, "DK", "Denmark"},
	{62, "DJ", "Djibouti"},
	{63, "DM", "Dominica"},
	{64, "DO", "Dominican Republic"},
	{65, "EC", "Ecuador"},
	{66, "EG", "Egypt"},
	{67, "SV", "El Salvador"},
	{68, "GQ", "Equatorial Guinea"},
	{69, "ER", "Eritrea"},
	{70, "EE", "Estonia"},
	{71, "SZ", "Eswatini"},
	{72, "ET", "Ethiopia"},
	{73, "FK", "Falkland Islands"},
	{74, "FO", "Faroe Islands"},
	{75, "FJ", "Fiji"},
	{76, "FI", "Finland"},
	{77, "FR", "France"},
	{78, "GF", "French Guiana"},
	{79, "PF", "French Polynesia"},
	{80, "TF", "French Southern Territories"},
	{81, "GA", "Gabon"},
	{82, "GM", "Gambia"},
	{83, "GE", "Georgia"},
	{84, "DE", "Germany"},
	{85, "GH", "Ghana"},
	{86, "GI", "Gibraltar"},
	{87, "GR", "Greece"},
	{88, "GL", "Greenland"},
	{89, "GD", "Grenada"},
	{90, "GP", "Guadeloupe"},
	{91, "GU", "Guam"},
	{92, "GT", "Guatemala"},
	{93, "GG", "Guernsey"},
	{94, "GN", "Guinea"},
	{95, "GW", "Guinea-Bissau"},
	{96, "GY", "Guyana"},
	{97, "HT", "Haiti"},
	{98, "HM", "Heard Island and McDonald Islands"},
	{99, "HN", "Honduras"},
	{100, "HK", "Hong Kong"},
	{101, "HU", "Hungary"},
	{102, "IS", "Iceland"},
	{103, "IN", "India"},
	{104, "ID", "Indonesia"},
	{105, "IR", "Iran"},
	{106, "IQ", "Iraq"},
	{107, "IE", "Ireland"},
	{108, "IM", "Isle of Man"},
	{109, "IL", "Israel"},
	{110, "IT", "Italy"},
	{111, "JM", "Jamaica"},
	{112, "JP", "Japan"},
	{113, "JE", "Jersey"},
	{114, "JO", "Jordan"},
	{115, "KZ", "Kazakhstan"},
	{116, "KE", "Kenya"},
	{117, "KI", "Kiribati"},
	{118, "KW", "Kuwait"},
	{119, "KG", "Kyrgyzstan"},
	{120, "LA", "Laos"},
	{121, "LV", "Latvia"},
	{122, "LB", "Lebanon"},
	{123, "LS", "Lesotho"},
	{124, "LR", "Liberia"},
	{125, "LY", "Libya"},
	{126, "LI", "Liechtenstein"},
	{127, "LT", "Lithuania"},
	{128, "LU", "Luxembourg"},
	{129, "MO", "Macao"},
	{130, "MG", "Madagascar"},
	{131, "MW", "Malawi"},
	{132, "MY", "Malaysia"},
	{133, "MV", "Maldives"},
	{134, "ML", "Mali"},
	{135, "MT", "Malta"},
	{136, "MH", "Marshall Islands"},
	{137, "MQ", "Martinique"},
	{138, "MR", "Mauritania"},
	{139, "MU", "Mauritius"},
	{140, "YT", "Mayotte"},
	{141, "MX", "Mexico"},
	{142, "FM", "Micronesia"},
	{143, "MD", "Moldova"},
	{144, "MC", "Monaco"},
	{145, "MN", "Mongolia"},
	{146, "ME", "Montenegro"},
	{147, "MS", "Montserrat"},
	{148, "MA", "Morocco"},
	{149, "MZ", "Mozambique"},
	{150, "MM", "Myanmar"},
	{151, "NA", "Namibia"},
	{152, "NR", "Nauru"},
	{153, "NP", "Nepal"},
	{154, "NL", "Netherlands"},
	{155, "NC", "New Caledonia"},
	{156, "NZ", "New Zealand"},
	{157, "NI", "Nicaragua"},
	{158, "NE", "Niger"},
	{159, "NG", "Nigeria"},
	{160, "NU", "Niue"},
	{161, "NF", "Norfolk Island"},
	{162, "KP", "North Korea"},
	{163, "MK", "North Macedonia"},
	{164, "MP", "Northern Mariana Islands"},
	{165, "NO", "Norway"},
	{166, "OM", "Oman"},
	{167, "PK", "Pakistan"},
	{168, "PW", "Palau"},
	{169, "PS", "Palestine"},
	{170, "PA", "Panama"},
	{171, "PG", "Papua New Guinea"},
	{172, "PY", "Paraguay"},
	{173, "PE", "Peru"},
	{174, "PH", "Philippines"},
	{175, "PN", "Pitcairn Islands"},
	{176, "PL", "Poland"},
	{177, "PT", "Portugal"},
	{178, "PR", "Puerto Rico"},
	{179, "QA", "Qatar"},
	{180, "RE", "Reunion"},
	{181, "RO", "Romania"},
	{182, "RU", "Russian Federation"},
	{183, "RW", "Rwanda"},
	{184, "BL", "Saint Barthelemy"},
	{185, "SH", "Saint Helena, Ascension and Tristan da Cunha"},
	{186, "KN", "Saint Kitts and Nevis"},
	{187, "LC", "Saint Lucia"},
	{188, "MF", "Saint Martin (French part)"},
	{189, "PM", "Saint Pierre and Miquelon"},
	{190, "VC", "Saint Vincent and the Grenadines"},
	{191, "WS", "Samoa"},
	{192, "SM", "San Marino"},
	{193, "ST", "Sao Tome and Principe"},
	{194, "SA", "Saudi Arabia"},
	{195, "SN", "Senegal"},
	{196, "RS", "Serbia"},
	{197, "SC", "Seychelles"},
	{198, "SL", "Sierra Leone"},
	{199, "SG", "Singapore"},
	{200, "SX", "Sint Maarten (Dutch part)"},
	{201, "SK", "Slovakia"},
	{202, "SI", "Slovenia"},
	{203, "SB", "Solomon Islands"},
	{204, "SO", "Somalia"},
	{205, "ZA", "South Africa"},
	{206, "GS", "South Georgia and the South Sandwich Islands"},
	{207, "KR", "South Korea"},
	{208, "SS", "South Sudan"},
	{209, "ES", "Spain"},
	{210, "LK", "Sri Lanka"},
	{211, "SD", "Sudan"},
	{212, "SR", "Suriname"},
	{213, "SJ", "Svalbard and Jan Mayen"},
	{214, "SE", "Sweden"},
	{215, "CH", "Switzerland"},
	{216, "SY", "Syria"},
	{217, "TW", "Taiwan"},
	{218, "TJ", "Tajikistan"},
	{219, "TZ", "Tanzania"},
	{220, "TH", "Thailand"},
	{221, "TL", "Timor-Leste"},
	{222, "TG", "Togo"},
	{223, "TK", "Tokelau"},
	{224, "TO", "Tonga"},
	{225, "TT", "Trinidad and Tobago"},
	{226, "TN", "Tunisia"},
	{227, "TR", "Turkey"},
	{228, "TM", "Turkmenistan"},
	{229, "TC", "Turks and Caicos Islands"},
	{230, "TV", "Tuvalu"},
	{231, "UG", "Uganda"},
	{232, "UA", "Ukraine"},
	{233, "AE", "United Arab Emirates"},
	{234, "GB", "United Kingdom"},
	{235, "US", "United States"},
	{236, "UM", "United States Minor Outlying Islands"},
	{237, "UY", "Uruguay"},
	{238, "UZ", "Uzbekistan"},
	{239, "VU", "Vanuatu"},
	{240, "VA", "Vatican City"},
	{241, "VE", "Venezuela"},
	{242, "VN", "Vietnam"},
	{243, "VG", "Virgin Islands, British"},
	{244, "VI", "Virgin Islands, U.S."},
	{245, "WF", "Wallis and Futuna"},
	{246, "EH", "Western Sahara"},
	{247, "YE", "Yemen"},
	{248, "ZM", "Zambia"},
	{249, "ZW", "Zimbabwe"},
}

// Lookup indexes, built once at package initialisation.
var (
	countriesByID     = indexCountriesByID(countryTable)
	countriesByAlpha2 = indexCountriesByAlpha2(countryTable)
)

func indexCountriesByID(cs []Country) map[int32]int {
	m := make(map[int32]int, len(cs))
	for i, c := range cs {
		m[c.ID] = i
	}
	return m
}

func indexCountriesByAlpha2(cs []Country) map[string]int {
	m := make(map[string]int, len(cs))
	for i, c := range cs {
		m[c.Alpha2] = i
	}
	return m
}

// Countries returns all countries, ordered by Name. It returns a copy the
// caller may modify.
func Countries() []Country {
	out := make([]Country, len(countryTable))
	copy(out, countryTable)
	return out
}

// CountryByID returns the country with the given legacy BILLmanager id.
func CountryByID(id int32) (Country, bool) {
	i, ok := countriesByID[id]
	if !ok {
		return Country{}, false
	}
	return countryTable[i], true
}

// CountryByAlpha2 returns the country with the given ISO 3166-1 alpha-2 code.
// The code is matched case-insensitively.
func CountryByAlpha2(code string) (Country, bool) {
	if len(code) != 2 {
		return Country{}, false
	}
	i, ok := countriesByAlpha2[strings.ToUpper(code)]
	if !ok {
		return Country{}, false
	}
	return countryTable[i], true
}
