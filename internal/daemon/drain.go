package daemon

import "time"

// redrainAfter is how long one pass of fireDue goes on firing
// master-down and BFD detection timers before it looks at the queued
// packets again. A takeover costs 200–300 µs at 4,080 instances
// (its VIP's netlink round trip, GARPs, advert, log lines), so a pass
// looks again every few takeovers; a single failover (one timer due)
// drains once, as before.
const redrainAfter = 2 * time.Millisecond

// drainMark remembers, within one pass of fireDue, when and for which
// timer the loop last caught up with its queue.
type drainMark struct {
	at  time.Time
	in  *instance
	bfd *bfdTimer
	set bool
}

// due reports whether t should wait for the queue to be handled before
// it fires at now, and if so marks it: the first master-down or BFD
// detection timer of a pass, and a later one of another owner once
// redrainAfter has passed since the last look. The timer drained for
// fires next without another look, so a flood cannot starve it.
func (m *drainMark) due(t *timer, now time.Time) bool {
	if m.set && (t.in == m.in && t.bfd == m.bfd || now.Sub(m.at) < redrainAfter) {
		return false
	}
	*m = drainMark{at: now, in: t.in, bfd: t.bfd, set: true}
	return true
}
