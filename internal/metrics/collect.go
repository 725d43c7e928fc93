package metrics

import (
	"maps"
	"slices"
	"time"
)

// The helpers below are for the subsystems' collectors, which emit values
// read from a state at scrape time.

// Bool is a 0/1 gauge value.
func Bool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// UnixSeconds is t as a Prometheus timestamp value; 0 for the zero time.
func UnixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

// SortedKeys orders a counter map's labels, so that the exposition is
// stable.
func SortedKeys(m map[string]uint64) []string { return slices.Sorted(maps.Keys(m)) }
