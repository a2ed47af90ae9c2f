package worker

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/certsvc/certsvc/internal/core"
)

// Leases: a claimed job is this worker's until its lease ends, and the
// lease is short (Options.Lease), so that the jobs of a worker that died are
// claimed again soon. While the worker holds a job — queued or running,
// also while a call to a CA takes long — it extends the lease every
// Options.LeaseRenew. A worker that dies stops extending; after at most one
// lease another worker claims the job. The intent of every call to a CA is
// committed before the call under a held lease (markSent), so the new holder
// reconciles an operation whose outcome is unknown instead of sending it again.

// held is the set of jobs a worker holds, whose leases it extends. A job
// finished and claimed again at once is counted twice until its first run
// has dropped it.
type held struct {
	mu  sync.Mutex
	ids map[int64]int
}

func (h *held) add(jobs []core.Job) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ids == nil {
		h.ids = map[int64]int{}
	}
	for _, j := range jobs {
		h.ids[j.ID]++
	}
}

func (h *held) drop(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ids[id]--; h.ids[id] <= 0 {
		delete(h.ids, id)
	}
}

func (h *held) list() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Collect(maps.Keys(h.ids))
}

// extendLeases extends the leases of the jobs this worker holds every
// Options.LeaseRenew until ctx ends.
func (s *Worker) extendLeases(ctx context.Context) {
	t := time.NewTicker(s.opts.LeaseRenew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids := s.held.list()
		n, err := s.ExtendLeases(ctx, s.opts.ID, ids, s.opts.Lease)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.ErrorContext(ctx, "extend job leases", "jobs", len(ids), "error", err)
		case err == nil && n < len(ids):
			// Finished meanwhile, or lost: a lost job is superseded when
			// its worker next writes.
			s.log.DebugContext(ctx, "job leases not extended", "held", len(ids), "extended", n)
		}
	}
}

// holdingLeases runs f while the leases of the jobs this worker holds are
// extended.
func (s *Worker) holdingLeases(ctx context.Context, f func()) {
	lctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.extendLeases(lctx) })
	defer wg.Wait()
	defer stop()
	f()
}
