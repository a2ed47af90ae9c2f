// Package auth holds the credential primitives of certsvc: password hashing,
// random tokens and the failed-login limiter. It stores nothing and knows no
// database; callers keep the strings it returns.
//
// Passwords are hashed with argon2id and kept as PHC strings
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>"). Session tokens, API keys and
// similar secrets come from [NewToken] and are stored only as [HashToken] of
// the secret. [Limiter] slows down guessing by refusing attempts for a while
// after repeated failures.
package auth
