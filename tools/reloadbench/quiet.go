package main

import "time"

// sample is a reading of a daemon's CPU: clock ticks used by its process
// tree up to a moment.
type sample struct {
	at    time.Duration // since the signal
	ticks int64
}

// quietAt finds when a burst of work ended: the first sample after which
// the tree used at most maxTicks over the following window. ok is false
// when the readings never show such a window.
func quietAt(s []sample, window time.Duration, maxTicks int64) (time.Duration, bool) {
	for i := range s {
		j := i
		for j < len(s) && s[j].at-s[i].at < window {
			j++
		}
		if j == len(s) {
			return 0, false
		}
		if s[j].ticks-s[i].ticks <= maxTicks {
			return s[i].at, true
		}
	}
	return 0, false
}
