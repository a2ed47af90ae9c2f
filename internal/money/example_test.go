package money_test

import (
	"errors"
	"fmt"

	"github.com/certsvc/certsvc/internal/money"
)

func Example() {
	usd, _ := money.Lookup("USD")

	price, err := money.Parse("19.99", usd)
	if err != nil {
		panic(err)
	}
	total, err := money.Mul(price, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(total, money.Format(total, usd))

	_, err = money.Parse("1.234", usd)
	fmt.Println(err, errors.Is(err, money.ErrInvalidAmount))

	_, ok := money.Lookup("usd")
	fmt.Println(ok)
	// Output:
	// 5997 59.97
	// amount "1.234": USD has 2 decimal places true
	// false
}
