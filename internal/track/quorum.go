package track

import (
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// quorum turns process counts into a debounced up/down state. It is pure:
// the caller passes the time of each observation.
//
// The tracker is up while quorum <= count <= quorum_max. A change of state
// caused by the count rising (a process started) waits fork_delay, one
// caused by the count falling waits terminate_delay, as keepalived's timers
// are started by fork and exit events; if the count goes back before the
// delay ends, nothing is reported. The first observation is reported at
// once, as keepalived's initial /proc scan is.
type quorum struct {
	min, max             int // max < 0: unlimited
	forkDelay, termDelay time.Duration

	known, up bool
	count     int
	pending   bool
	deadline  time.Time
}

func newQuorum(pt vrrp.ProcessTracker) quorum {
	q := quorum{min: max(pt.Quorum, 1), max: -1, forkDelay: pt.ForkDelay, termDelay: pt.TerminateDelay}
	if pt.QuorumMaxSet {
		q.max = pt.QuorumMax
		if pt.QuorumMax == 0 {
			q.min = 0 // quorum_max 0: the process must not run
		}
	}
	return q
}

func (q *quorum) inRange(n int) bool {
	return n >= q.min && (q.max < 0 || n <= q.max)
}

// observe records the count at now and reports whether the state changed.
func (q *quorum) observe(now time.Time, n int) bool {
	prev := q.count
	q.count = n
	want := q.inRange(n)
	if !q.known {
		q.known, q.up = true, want
		return true
	}
	if want == q.up {
		q.pending = false
		return false
	}
	if q.pending {
		if now.Before(q.deadline) {
			return false
		}
		q.pending, q.up = false, want
		return true
	}
	d := q.termDelay
	if n > prev {
		d = q.forkDelay
	}
	if d <= 0 {
		q.up = want
		return true
	}
	q.pending, q.deadline = true, now.Add(d)
	return false
}

// sameProcessProbe reports whether a reload left matching and debouncing
// alone, so the carried state still means the same thing.
func sameProcessProbe(a, b vrrp.ProcessTracker) bool {
	return a.Process == b.Process && slicesEqual(a.Params, b.Params) && a.ParamMatch == b.ParamMatch &&
		a.FullCommand == b.FullCommand && a.Quorum == b.Quorum && a.QuorumMax == b.QuorumMax &&
		a.QuorumMaxSet == b.QuorumMaxSet && a.ForkDelay == b.ForkDelay && a.TerminateDelay == b.TerminateDelay
}

// keepProcs returns the carried state of trackers that probe the same way.
func keepProcs(old, cur []vrrp.ProcessTracker, carry map[string]quorum) map[string]quorum {
	byName := map[string]vrrp.ProcessTracker{}
	for _, p := range old {
		byName[p.Name] = p
	}
	out := map[string]quorum{}
	for _, p := range cur {
		if o, ok := byName[p.Name]; ok && sameProcessProbe(o, p) {
			if q, ok := carry[p.Name]; ok {
				out[p.Name] = q
			}
		}
	}
	return out
}
