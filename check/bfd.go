package check

import (
	"context"
	"fmt"
)

// BFD_CHECK is decided by a BFD session, not by a probe: the scheduler
// never arms it, and the daemon reports the session's changes through
// Scheduler.BFD, as keepalived's BFD process sends events to its checker
// process.

// bfdProber stands in the run list for a BFD_CHECK; Probe is never called
// by the scheduler.
type bfdProber struct{ instance string }

func newBFD(c Checker) (Prober, error) {
	if c.BFD() == nil || c.BFD().Instance == "" {
		return nil, fmt.Errorf("BFD_CHECK without a bfd_instance name")
	}
	return bfdProber{instance: c.BFD().Instance}, nil
}

// Probe reports that a BFD session cannot be probed; a BFD_CHECK run by
// hand (govrrpd ctl) says so rather than pass.
func (p bfdProber) Probe(context.Context) Outcome {
	return down("BFD_CHECK %s follows its session's state; it cannot be probed", p.instance)
}

// BFD applies a session's change of state to every BFD_CHECK naming it,
// at once (keepalived has no retry for them). It returns how many
// checkers follow the session.
func (s *Scheduler) BFD(instance string, up bool) int {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return 0
	}
	state := "down"
	if up {
		state = "up"
	}
	now := s.opts.Clock.Now()
	n := 0
	for _, r := range s.runs {
		if r.c.Kind != BFD || r.retired.Load() || r.c.BFD().Instance != instance {
			continue
		}
		out := Outcome{Up: up, Reason: "BFD session " + instance + " " + state}
		s.record(r, out, now, now)
		n++
	}
	return n
}
