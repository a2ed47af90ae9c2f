package galeratest

import (
	"fmt"
	"testing"
	"time"

	"github.com/certsvc/certsvc/ent/loginfailure"
	"github.com/certsvc/certsvc/internal/auth"
	"github.com/certsvc/certsvc/internal/store"
)

// The real LoginLimiter.Failure with and without a cleaning during the run
// and with the row pre-created or not (on request, like the probes above).
func TestProbeFailureVariants(t *testing.T) {
	probe(t)
	dbs := Open(t)
	hot := auth.LimiterConfig{Free: 1 << 20, Window: time.Hour}
	for _, v := range []struct {
		name            string
		warm, precreate bool
	}{{"as is", false, false}, {"no clean during run", true, false}, {"row pre-created", false, true}, {"no clean, pre-created", true, true}} {
		t.Run(v.name, func(t *testing.T) {
			lossy := 0
			for round := range probeRounds(t) {
				ctx := t.Context()
				key := fmt.Sprintf("login:%s:%d", v.name, round)
				var ls []*store.LoginLimiter
				for _, db := range dbs {
					l := db.LoginLimiter(hot)
					if v.warm {
						if err := l.Failure(ctx, "warm:"+key); err != nil {
							t.Fatal(err)
						}
					}
					ls = append(ls, l)
				}
				var pre int64
				if v.precreate {
					if err := dbs[0].LoginLimiter(hot).Failure(ctx, key); err != nil {
						t.Fatal(err)
					}
					pre = 1
				}
				recorded, aborted := failAtOnce(t, ls, key, 4, 20)
				recorded += pre
				r, err := dbs[0].Ent.LoginFailure.Query().Where(loginfailure.KeyHash(keyHash(key))).Only(ctx)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("round %d: recorded %d aborted %d row %d", round, recorded, aborted, r.Failures)
				if int64(r.Failures) != recorded {
					lossy++
				}
			}
			t.Logf("%s: %d lossy rounds", v.name, lossy)
			if lossy > 0 {
				t.Errorf("%d of %d rounds lost failures", lossy, probeRounds(t))
			}
		})
	}
}
