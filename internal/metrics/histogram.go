package metrics

import (
	"fmt"
	"slices"
	"sync"
)

// HistogramVec is a histogram family observed as things happen (the
// checkers' latencies), one series per label values. It is a Collector.
type HistogramVec struct {
	d      *Desc
	bounds []float64
	mu     sync.Mutex
	series []*histSeries
}

type histSeries struct {
	labels []string
	counts []uint64 // per bucket, not cumulative; the last is +Inf's
	count  uint64
	sum    float64
}

// NewHistogramVec describes a govrrpd histogram (name gets the govrrpd_
// prefix) with the given upper bounds, increasing, +Inf implied.
func NewHistogramVec(name, help string, bounds []float64, labels ...string) *HistogramVec {
	if !slices.IsSorted(bounds) {
		panic(fmt.Sprintf("metrics: histogram %s: bounds not increasing", name))
	}
	return &HistogramVec{d: newDesc("govrrpd_"+name, help, HistogramType, labels), bounds: bounds}
}

// Observe counts v in the series of these label values. A series is found
// by a scan, not a map key: a checker histogram has a handful.
func (h *HistogramVec) Observe(v float64, labels ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var s *histSeries
	for _, c := range h.series {
		if slices.Equal(c.labels, labels) {
			s = c
			break
		}
	}
	if s == nil {
		s = &histSeries{labels: slices.Clone(labels), counts: make([]uint64, len(h.bounds)+1)}
		h.series = append(h.series, s)
	}
	i, _ := slices.BinarySearch(h.bounds, v) // the first bound ≥ v: v ≤ le
	s.counts[i]++
	s.count++
	s.sum += v
}

func (h *HistogramVec) Describe() []*Desc { return []*Desc{h.d} }

func (h *HistogramVec) Collect(s *Sink) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.series {
		ds := &distribution{bounds: h.bounds, values: make([]float64, len(h.bounds)), count: c.count, sum: c.sum}
		var cum uint64
		for i := range h.bounds {
			cum += c.counts[i]
			ds.values[i] = float64(cum)
		}
		s.add(h.d, 0, ds, c.labels)
	}
}
