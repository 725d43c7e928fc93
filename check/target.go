package check

import (
	"log/slog"
	"sync"
	"time"
)

// targetState folds the checkers of one real server into its Result: alive
// only when every checker is up, weight from the latest dynamic checker.
type targetState struct {
	target Target
	runs   []*run

	mu       sync.Mutex // serialises records and reports for this target
	reported Result     // last state told to the sink (or the initial one)
	started  bool
}

// initial is the state the consumer assumes before any Result: up unless a
// checker starts with alpha, as keepalived adds such servers before any
// check has run.
func (ts *targetState) initial() Result {
	r := Result{Target: ts.target, Up: true}
	for _, run := range ts.runs {
		if run.c.Alpha {
			r.Up = false
		}
	}
	return r
}

// Alive reports whether every checker of t is currently up, and whether t is
// known at all.
func (s *Scheduler) Alive(t Target) (alive, known bool) {
	ts := s.targets[t]
	if ts == nil || ts.runs[0].retired.Load() {
		return false, false
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if !ts.started {
		return ts.initial().Up, true
	}
	return ts.reported.Up, true
}

// record applies one outcome to r's machine, reports the real server's new
// aggregate if it changed, and returns the delay to r's next attempt.
func (s *Scheduler) record(r *run, out Outcome, start, end time.Time) time.Duration {
	ts := r.ts
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if !ts.started {
		ts.reported, ts.started = ts.initial(), true
	}
	next, changed := r.m.step(out.Up)
	r.last, r.lastAt, r.latency = out, end, end.Sub(start)
	if out.Up {
		r.ups++
	} else {
		r.fails[out.Fail]++
	}
	// The logger is built only when there is something to say: at
	// thousands of attempts a second, a With per attempt was a visible
	// share of the checker's CPU.
	log := func() *slog.Logger {
		return s.opts.Logger.With("checker", r.name, "service", ts.target.Service, "real", ts.target.Real.String())
	}
	switch {
	case changed && r.m.up:
		log().Info("checker up", "reason", out.Reason)
	case changed:
		log().Warn("checker down", "reason", out.Reason)
	case !out.Up && r.c.LogAllFailures:
		log().Info("checker attempt failed", "reason", out.Reason, "retry", r.m.retryIt)
	}
	agg := ts.aggregate()
	agg.Checker, agg.Reason = r.name, out.Reason
	if agg.Up != ts.reported.Up || agg.WeightSet != ts.reported.WeightSet ||
		agg.Weight != ts.reported.Weight || agg.WeightDelta != ts.reported.WeightDelta {
		ts.reported = agg
		if s.sink != nil {
			s.sink.Report(agg)
		}
	}
	return next
}

// aggregate computes the real server's state from its checkers' latest
// outcomes. A checker's weight only counts while it is up, because a down
// misc_dynamic checker takes the server out regardless of weight.
func (ts *targetState) aggregate() Result {
	res := Result{Target: ts.target, Up: true}
	for _, r := range ts.runs {
		if !r.m.up {
			res.Up = false
		}
		if r.m.up && r.last.WeightSet && !res.WeightSet {
			res.Weight, res.WeightSet = r.last.Weight, true
		}
		res.WeightDelta += r.last.WeightDelta
	}
	return res
}

// CheckerStatus is one checker as status output shows it.
type CheckerStatus struct {
	Kind   Kind
	Source string // file:line of its block
	Target Target
	Up     bool
	// LastReason, LastLatency and LastCheck describe the latest attempt;
	// LastCheck is zero before the first one ends.
	LastReason  string
	LastLatency time.Duration
	LastCheck   time.Time
	// Results counts attempts since start: "up", or the Failure's name.
	Results map[string]uint64
}

// Status returns every checker's state, in configuration order. It is safe
// from any goroutine.
func (s *Scheduler) Status() []CheckerStatus {
	out := make([]CheckerStatus, 0, len(s.runs))
	for _, r := range s.runs {
		if r.retired.Load() {
			continue
		}
		r.ts.mu.Lock()
		out = append(out, CheckerStatus{Kind: r.c.Kind, Source: r.c.Source.String(), Target: r.c.Target,
			Up: r.m.up, LastReason: r.last.Reason, LastLatency: r.latency, LastCheck: r.lastAt, Results: r.results()})
		r.ts.mu.Unlock()
	}
	return out
}

// results is the run's counters by name, leaving out those still zero.
// Called with ts.mu held.
func (r *run) results() map[string]uint64 {
	m := map[string]uint64{}
	if r.ups > 0 {
		m["up"] = r.ups
	}
	for f, n := range r.fails {
		if n > 0 {
			m[Failure(f).String()] = n
		}
	}
	return m
}
