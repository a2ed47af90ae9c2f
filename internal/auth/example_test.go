package auth_test

import (
	"context"
	"fmt"
	"time"

	"github.com/certsvc/certsvc/internal/auth"
)

func Example() {
	// Tests use auth.TestParams; the service uses auth.DefaultParams.
	hash, err := auth.HashPassword("correct horse", auth.TestParams)
	if err != nil {
		panic(err)
	}
	ok, err := auth.VerifyPassword(hash, "correct horse")
	fmt.Println(ok, err)
	ok, err = auth.VerifyPassword(hash, "wrong horse")
	fmt.Println(ok, err)
	fmt.Println(auth.NeedsRehash(hash, auth.DefaultParams))

	token := auth.NewToken("cs_s_")
	fmt.Println(len(token), len(auth.HashToken(token)))
	// Output:
	// true <nil>
	// false <nil>
	// true
	// 48 64
}

func ExampleLimiter() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := auth.NewLimiter(auth.LimiterConfig{Now: func() time.Time { return now }})
	ctx := context.Background()
	show := func(v auth.Verdict, err error) { fmt.Printf("%+v %v\n", v, err) }
	for range 5 {
		l.Failure(ctx, "login:alice")
	}
	show(l.Allow(ctx, "login:alice"))
	now = now.Add(time.Second)
	show(l.Allow(ctx, "login:alice"))
	l.Failure(ctx, "login:alice")
	show(l.Allow(ctx, "login:alice"))
	l.Success(ctx, "login:alice")
	show(l.Allow(ctx, "login:alice"))
	// Output:
	// {OK:false RetryAfter:1s Failed:true} <nil>
	// {OK:true RetryAfter:0s Failed:true} <nil>
	// {OK:false RetryAfter:2s Failed:true} <nil>
	// {OK:true RetryAfter:0s Failed:false} <nil>
}
