package check

import (
	"fmt"
	"reflect"

	"github.com/govrrpd/govrrpd/srcpos"
)

// A reload of a large LVS site usually changes a weight or drops a real
// server; rebuilding 100,000 checkers for it took longer than the rest of
// the reload and threw away every checker's state (a failing server
// counted as up again until its next check). Adopt lets the running
// scheduler take the new configuration's checkers instead, when they are
// the running ones less whole real servers: what stays keeps its timer,
// its retry count and its last verdict, as keepalived keeps the checkers
// of a real server that stays across a reload.

// Adopt makes checkers the scheduler's list if it is the running list
// with the checkers of some real servers left out, each checker's
// settings otherwise identical (its position in the file may move). It
// returns false, changing nothing, for anything else — a checker added,
// changed, moved or dropped from a real server that keeps others — which
// needs a new scheduler. The left-out real servers' checkers stop; an
// attempt of theirs already under way may still report once.
func (s *Scheduler) Adopt(checkers []Checker) (retired int, ok bool) {
	matched := make([]int, len(checkers)) // s.runs index of each new checker
	gone := make([]bool, len(s.runs))
	i := 0
	for k := range checkers {
		for ; i < len(s.runs); i++ {
			if s.runs[i].retired.Load() {
				continue // left out by an earlier Adopt
			}
			if sameSettings(&s.runs[i].c, &checkers[k]) {
				break
			}
			gone[i] = true
		}
		if i == len(s.runs) {
			return 0, false
		}
		matched[k] = i
		i++
	}
	for ; i < len(s.runs); i++ {
		gone[i] = !s.runs[i].retired.Load()
	}
	// A real server loses all its checkers or none: one fewer checker
	// changes its verdict, which the running state cannot tell.
	for j, r := range s.runs {
		if gone[j] {
			for _, o := range r.ts.runs {
				if !o.retired.Load() && !gone[o.idx] {
					return 0, false
				}
			}
		}
	}
	s.mu.Lock()
	for j, r := range s.runs {
		if !gone[j] {
			continue
		}
		r.retired.Store(true)
		retired++
		if r.timer != nil && r.timer.Stop() {
			s.wg.Done()
		}
		// An attempt under way ends with a closed prober's no-verdict
		// answer or its own; either way it is not recorded (retired).
		closeProber(r.prober)
	}
	s.mu.Unlock()
	for k, j := range matched {
		r := s.runs[j]
		if r.c.Source == checkers[k].Source {
			continue
		}
		r.ts.mu.Lock()
		r.c.Source, r.name = checkers[k].Source, fmt.Sprintf("%s at %s", checkers[k].Kind, checkers[k].Source)
		r.ts.mu.Unlock()
	}
	return retired, true
}

// sameSettings says whether two checkers probe the same way, wherever in
// the file they are.
func sameSettings(a, b *Checker) bool {
	x, y := *a, *b
	x.Source, y.Source = srcpos.Pos{}, srcpos.Pos{}
	return x == y || reflect.DeepEqual(x, y)
}
