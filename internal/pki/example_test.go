package pki_test

import (
	"errors"
	"fmt"

	"github.com/certsvc/certsvc/internal/pki"
)

func ExampleNormalizeDomain() {
	for _, name := range []string{" Пример.РФ. ", "*.Example.com", "exa mple.com", "192.0.2.1"} {
		n, err := pki.NormalizeDomain(name)
		fmt.Printf("%q %v\n", n, err)
	}
	// Output:
	// "xn--e1afmkfd.xn--p1ai" <nil>
	// "*.example.com" <nil>
	// "" "exa mple.com": not a valid domain name
	// "" "192.0.2.1": IP addresses are not supported; use a domain name
}

func ExampleNamePolicy_Check() {
	plan := pki.NamePolicy{MaxNames: 2}
	err := plan.Check([]string{"example.com", "*.example.com", "www.example.com"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, pki.ErrWildcardNotAllowed), errors.Is(err, pki.ErrTooManyNames), errors.Is(err, pki.ErrIDNNotAllowed))
	// Output:
	// the plan does not allow wildcard names: "*.example.com"
	// too many domain names for the plan: 3 names, the plan allows 2 including the common name
	// true true false
}

func Example() {
	// Generate a key and a CSR for a customer's order.
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		panic(err)
	}
	der, err := pki.CreateCSR(key, pki.Subject{CommonName: "пример.рф", Country: "ru", DNSNames: []string{"www.пример.рф"}})
	if err != nil {
		panic(err)
	}
	// What the customer downloads and what comes back from them.
	csr, err := pki.ParseCSR(pki.EncodeCSRPEM(der))
	if err != nil {
		panic(err)
	}
	fmt.Println(csr.Names, csr.Subject.Country, csr.KeyType, csr.KeyBits)
	fmt.Println(csr.Check(pki.NamePolicy{MaxNames: 2, AllowIDN: true}))
	// Output:
	// [xn--e1afmkfd.xn--p1ai www.xn--e1afmkfd.xn--p1ai] RU ECDSA 256
	// <nil>
}
