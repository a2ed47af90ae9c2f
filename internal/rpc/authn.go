package rpc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/apikey"
	"github.com/certsvc/certsvc/ent/session"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/errkind"
)

// Token prefixes tell the kinds of bearer token apart at a glance, in logs
// and in secret scanners.
const (
	SessionPrefix  = "cs_s_"
	APIKeyPrefix   = "cs_k_"
	LoginKeyPrefix = "cs_l_"
)

// ErrBadCredentials answers a login or password that does not check out.
var ErrBadCredentials = &errkind.Error{Kind: errkind.Unauthenticated, Msg: "invalid login or password"}

// authenticate returns the caller the Authorization header names, nil for
// none, or an Unauthenticated error for credentials that do not check out.
func (s *Gate) authenticate(ctx context.Context, header, remote string) (*Principal, error) {
	scheme, cred, _ := strings.Cut(header, " ")
	switch {
	case header == "":
		return nil, nil
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			return nil, &errkind.Error{Kind: errkind.Unauthenticated, Msg: "malformed Basic credentials"}
		}
		login, password, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil, &errkind.Error{Kind: errkind.Unauthenticated, Msg: "malformed Basic credentials"}
		}
		u, err := s.CheckPassword(ctx, login, password, remote)
		if err != nil {
			return nil, err
		}
		return PrincipalOf(u, certsvcv1.CredentialKind_CREDENTIAL_KIND_PASSWORD, ""), nil
	case strings.EqualFold(scheme, "Bearer"):
		return s.checkToken(ctx, strings.TrimSpace(cred))
	default:
		return nil, &errkind.Error{Kind: errkind.Unauthenticated, Msg: "unsupported Authorization scheme; use Basic or Bearer"}
	}
}

func PrincipalOf(u *ent.User, kind certsvcv1.CredentialKind, sessionHash string) *Principal {
	p := &Principal{UserID: u.ID, Login: u.Login, Admin: u.Level == user.LevelAdmin, Credential: kind, sessionHash: sessionHash, user: u}
	if u.AccountID != nil {
		p.AccountID = *u.AccountID
	}
	return p
}

// ClientAddr is the address a request came from. A peer on loopback is a
// proxy on this host (the legacy gateway, a local nginx): then the
// X-Forwarded-For entries that proxies on this host added are read from the
// right, past loopback hops, to the first outside address. From any other
// peer the header is ignored, since anyone could send it.
func ClientAddr(h http.Header, peer string) string {
	host, _, err := net.SplitHostPort(peer)
	if err != nil {
		host = peer
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return peer
	}
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			return peer
		}
		if !ip.IsLoopback() {
			return ip.String()
		}
	}
	return peer
}

// LimiterKeys are the limiters' keys for an attempt: the client's address
// (without port) and the login.
func LimiterKeys(login, remote string) (addr, lgn string) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	return "addr:" + host, "login:" + strings.ToLower(login)
}

// loginGate serialises the attempts of a throttled login or address, so a
// guesser cannot verify guesses in parallel. Keys share a fixed set of
// mutexes by hash: memory stays bounded whatever the keys.
type loginGate struct{ mu [64]sync.Mutex }

// lock locks the stripes of keys (each once, in index order) and returns the
// unlock.
func (g *loginGate) lock(keys ...string) func() {
	var idx []int
	for _, k := range keys {
		h := fnv.New32a()
		h.Write([]byte(k))
		i := int(h.Sum32() % uint32(len(g.mu)))
		if !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	for _, i := range idx {
		g.mu[i].Lock()
	}
	return func() {
		for _, i := range idx {
			g.mu[i].Unlock()
		}
	}
}

// tooManyFailures is the answer to a wrong credential while its login or
// address is throttled.
func tooManyFailures(wait time.Duration) error {
	return &errkind.Error{Kind: errkind.ResourceExhausted,
		Msg: fmt.Sprintf("too many failed logins; try again in %s", max(wait, time.Second).Round(time.Second))}
}

// Guard runs check, a verification of a credential for login from remote,
// under the failed-login limits. Guessing is limited per login (the Limiter's
// Free failures) and per address (a much higher threshold). Past a limit the
// attempt is still verified, so the right credential always succeeds and
// guessing one login never locks out another or the owner, but attempts of
// that login or address are serialised and a wrong credential is answered
// ResourceExhausted and extends the lock-out. A success forgets the login's
// failures; the address's failures age out. The limits are those of the
// Gate's LimiterStores: a replica's own, or the store's that every replica
// shares. When the limits cannot be read the attempt is refused (the store is
// unavailable); failing to record an outcome is logged.
func (s *Gate) Guard(ctx context.Context, login, remote string, check func() error) error {
	addrKey, loginKey := LimiterKeys(login, remote)
	vL, vA, err := auth.AllowBoth(ctx, s.limiter, loginKey, s.addrLimiter, addrKey)
	if err != nil {
		return fmt.Errorf("read the failed-login limits: %w", err)
	}
	locked := !vL.OK || !vA.OK
	if locked {
		defer s.loginGate.lock(loginKey, addrKey)()
	}
	err = check()
	if err == nil {
		// Only a login with failures on record has any to forget: one that
		// never failed costs no write.
		if vL.Failed {
			if err := s.limiter.Success(ctx, loginKey); err != nil {
				s.log.ErrorContext(ctx, "forget failed logins", "login", login, "err", err)
			}
		}
		return nil
	}
	if !errors.Is(err, errkind.Unauthenticated) {
		return err // not a wrong credential: the database, say
	}
	s.basicCache.forget(login)
	if ferr := s.limiter.Failure(ctx, loginKey); ferr != nil {
		s.log.ErrorContext(ctx, "record a failed login", "login", login, "err", ferr)
	}
	if ferr := s.addrLimiter.Failure(ctx, addrKey); ferr != nil {
		s.log.ErrorContext(ctx, "record a failed login", "remote", remote, "err", ferr)
	}
	if locked {
		return tooManyFailures(max(vL.RetryAfter, vA.RetryAfter))
	}
	return err
}

// CheckPassword verifies a login and password under the failed-login limits.
//
// Recently verified credentials are remembered for a minute (keyed by an
// HMAC, never stored in the clear), so scripts that send a password with
// every call pay neither for argon2id each time nor for the limits: a pair
// verified against the hash the user row still holds is not a guess, and is
// answered from the user row alone, one query. A changed password or a
// disabled user is still seen at once, because the row is read every time,
// and a wrong credential for the login makes the next right one go through
// the limits again, where its success forgets the failures. (Failures that
// another replica recorded since are left to age out.)
func (s *Gate) CheckPassword(ctx context.Context, login, password, remote string) (*ent.User, error) {
	u, err := s.db.User.Query().Where(user.Login(login)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		u = nil
	case err != nil:
		return nil, fmt.Errorf("load user %q: %w", login, err)
	}
	if u != nil && !u.Disabled && s.basicCache.hit(login, password, u.PasswordHash, s.now()) {
		return u, nil
	}
	err = s.Guard(ctx, login, remote, func() error {
		if u == nil {
			auth.DummyVerify(password)
			return ErrBadCredentials
		}
		ok, err := auth.VerifyPassword(u.PasswordHash, password)
		if err != nil {
			return fmt.Errorf("verify password of user %d: %w", u.ID, err)
		}
		if !ok {
			return ErrBadCredentials
		}
		s.basicCache.put(login, password, u.PasswordHash, s.now())
		if u.Disabled {
			return &errkind.Error{Kind: errkind.Unauthenticated, Msg: "user is disabled"}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// checkToken resolves a session token or an API key.
func (s *Gate) checkToken(ctx context.Context, token string) (*Principal, error) {
	now := s.clock()
	invalid := &errkind.Error{Kind: errkind.Unauthenticated, Msg: "invalid or expired token"}
	switch {
	case strings.HasPrefix(token, SessionPrefix):
		// The enabled user of a live session, and who impersonates them.
		h := auth.HashToken(token)
		var impersonator any
		u, err := s.userWith(ctx, session.Table, session.FieldUserID, func(t *sql.SelectTable) (*sql.Predicate, []column) {
			return sql.And(sql.EQ(t.C(session.FieldTokenHash), h), sql.IsNull(t.C(session.FieldRevokeTime)), sql.GT(t.C(session.FieldExpireTime), now)),
				[]column{{sql.ExprFunc(func(b *sql.Builder) {
					b.WriteString("COALESCE(").Ident(t.C(session.FieldImpersonatorUserID)).WriteString(", 0)")
				}), &impersonator}}
		})
		switch {
		case err != nil:
			return nil, err
		case u == nil:
			return nil, invalid
		}
		p := PrincipalOf(u, certsvcv1.CredentialKind_CREDENTIAL_KIND_SESSION, h)
		if p.ImpersonatorID, err = int64Of(impersonator); err != nil {
			return nil, fmt.Errorf("load session: impersonator: %w", err)
		}
		return p, nil
	case strings.HasPrefix(token, APIKeyPrefix):
		// The enabled user of a key that has not expired, the key and
		// whether its use is a minute old.
		var id, stale any
		u, err := s.userWith(ctx, apikey.Table, apikey.FieldUserID, func(t *sql.SelectTable) (*sql.Predicate, []column) {
			lastUsed := t.C(apikey.FieldLastUsedTime)
			return sql.And(sql.EQ(t.C(apikey.FieldSecretHash), auth.HashToken(token)),
					sql.Or(sql.IsNull(t.C(apikey.FieldExpireTime)), sql.GT(t.C(apikey.FieldExpireTime), now))),
				[]column{{sql.Expr(t.C(apikey.FieldID)), &id}, {sql.ExprFunc(func(b *sql.Builder) {
					b.WriteString("CASE WHEN ").Join(sql.Or(sql.IsNull(lastUsed), sql.LT(lastUsed, now.Add(-time.Minute)))).WriteString(" THEN 1 ELSE 0 END")
				}), &stale}}
		})
		switch {
		case err != nil:
			return nil, err
		case u == nil:
			return nil, invalid
		}
		keyID, err := int64Of(id)
		if err != nil {
			return nil, fmt.Errorf("load api key: id: %w", err)
		}
		touch, err := int64Of(stale)
		if err != nil {
			return nil, fmt.Errorf("load api key %d: last use: %w", keyID, err)
		}
		if touch == 1 {
			// Record use at most once a minute: a busy script should not
			// turn every read into a write. Update, not UpdateOneID: nothing
			// reads the row back.
			if err := s.db.APIKey.Update().Where(apikey.ID(keyID)).SetLastUsedTime(now).Exec(ctx); err != nil {
				return nil, fmt.Errorf("touch api key %d: %w", keyID, err)
			}
		}
		return PrincipalOf(u, certsvcv1.CredentialKind_CREDENTIAL_KIND_API_KEY, ""), nil
	default:
		return nil, invalid
	}
}

// column is a column of a credential's row that userWith reads along with
// its user: an expression of the row, never NULL (a driver cannot tell the
// type of a NULL), and where the value the driver read goes.
type column struct {
	expr sql.Querier
	dst  *any
}

// userWith returns, in one query, the enabled user that owns the row of
// table (userCol its user's id) that match's predicate selects, with match's
// columns of that row; nil when there is none.
func (s *Gate) userWith(ctx context.Context, table, userCol string, match func(t *sql.SelectTable) (*sql.Predicate, []column)) (*ent.User, error) {
	var cols []column
	us, err := s.db.User.Query().Where(user.Disabled(false)).Modify(func(sel *sql.Selector) {
		t := sql.Table(table).As("credential")
		where, cs := match(t)
		cols = cs
		sel.Join(t).On(sel.C(user.FieldID), t.C(userCol)).Where(where)
		for i, c := range cols {
			sel.AppendSelectExprAs(c.expr, fmt.Sprintf("credential_%d", i))
		}
	}).Limit(2).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the credential's user: %w", err)
	}
	if len(us) != 1 {
		return nil, nil // none; two cannot be, the hashes are unique
	}
	for i, c := range cols {
		if *c.dst, err = us[0].Value(fmt.Sprintf("credential_%d", i)); err != nil {
			return nil, fmt.Errorf("load the credential's user: %w", err)
		}
	}
	return us[0], nil
}

// int64Of is the integer a driver read: MySQL and SQLite give int64, a
// MySQL text result may give its digits; NULL is 0.
func int64Of(v any) (int64, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return v, nil
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	}
	return 0, fmt.Errorf("unexpected %T", v)
}

// credentialCache remembers, per login, the password that verified last
// (as an HMAC, never in the clear), for a while. A wrong credential for the
// login forgets it.
type credentialCache struct {
	secret []byte
	ttl    time.Duration
	max    int
	mu     sync.Mutex
	m      map[string]cachedCredential
}

type cachedCredential struct {
	mac     [32]byte // of login and password
	hash    string   // the password hash the password matched
	expires time.Time
}

func newCredentialCache(max int, ttl time.Duration) *credentialCache {
	secret := make([]byte, 32)
	rand.Read(secret)
	return &credentialCache{secret: secret, ttl: ttl, max: max, m: make(map[string]cachedCredential)}
}

func (c *credentialCache) mac(login, password string) [32]byte {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte(login))
	m.Write([]byte{0})
	m.Write([]byte(password))
	var k [32]byte
	copy(k[:], m.Sum(nil))
	return k
}

// hit tells whether password verified for login against hash, at most ttl
// before now, with no wrong credential for login since.
func (c *credentialCache) hit(login, password, hash string, now time.Time) bool {
	mac := c.mac(login, password)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[login]
	return ok && hmac.Equal(e.mac[:], mac[:]) && e.hash == hash && now.Before(e.expires)
}

func (c *credentialCache) put(login, password, hash string, now time.Time) {
	mac := c.mac(login, password)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[login]; !ok && len(c.m) >= c.max {
		for k, e := range c.m {
			if !now.Before(e.expires) || len(c.m) >= c.max {
				delete(c.m, k)
			}
		}
	}
	c.m[login] = cachedCredential{mac: mac, hash: hash, expires: now.Add(c.ttl)}
}

// forget drops what is remembered of login.
func (c *credentialCache) forget(login string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, login)
}
