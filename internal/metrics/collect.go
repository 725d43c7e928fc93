package metrics

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The helpers below are for the subsystems' collectors, which build
// constant metrics from a state read at scrape time.

// Desc describes a govrrpd metric: name gets the govrrpd_ prefix.
func Desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("govrrpd_"+name, help, labels, nil)
}

// Emit sends one sample. A label/value mismatch is a programming error
// the tests catch; it fails the scrape instead of panicking the daemon.
func Emit(ch chan<- prometheus.Metric, d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
	m, err := prometheus.NewConstMetric(d, t, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	ch <- m
}

// Failed reports a state that could not be read as the scrape's error,
// under d.
func Failed(ch chan<- prometheus.Metric, d *prometheus.Desc, err error) {
	ch <- prometheus.NewInvalidMetric(d, fmt.Errorf("govrrpd snapshot: %w", err))
}

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
