package main

import (
	"testing"
	"time"
)

func every(start, period time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = start + time.Duration(i)*period
	}
	return out
}

func TestAnalyze(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	cases := []struct {
		name string
		hits [][]time.Duration
		want onTime
	}{
		{"exact period, two targets", [][]time.Duration{every(500*ms, s, 20), every(900*ms, s, 20)},
			onTime{Windows: 20, WindowsHit: 20, Gaps: 20, GapsLate: 0, Checks: 20, MaxGap: s}},
		// A period of 1.05 s is never late by the gap measure, but its phase
		// crosses a window edge, leaving one window of the ten empty.
		{"period drifts over a window edge", [][]time.Duration{every(4900*ms, 1050*ms, 12)},
			onTime{Windows: 10, WindowsHit: 9, Gaps: 9, GapsLate: 0, Checks: 9, MaxGap: 1050 * ms}},
		{"one 2.5 s gap", [][]time.Duration{{4500 * ms, 5500 * ms, 8 * s, 9 * s, 10 * s, 11 * s, 12 * s, 13 * s, 14 * s, 15 * s}},
			onTime{Windows: 10, WindowsHit: 8, Gaps: 8, GapsLate: 1, Checks: 8, MaxGap: 2500 * ms}},
		{"never checked", [][]time.Duration{nil},
			onTime{Windows: 10, WindowsHit: 0, Gaps: 1, GapsLate: 1, Checks: 0, MaxGap: 10 * s}},
		{"stopped being checked", [][]time.Duration{{4900 * ms, 5900 * ms, 6900 * ms}},
			onTime{Windows: 10, WindowsHit: 2, Gaps: 3, GapsLate: 1, Checks: 2, MaxGap: 8100 * ms}},
		{"within tolerance", [][]time.Duration{every(5*s, 1090*ms, 10)},
			onTime{Windows: 10, WindowsHit: 10, Gaps: 9, GapsLate: 0, Checks: 10, MaxGap: 1090 * ms}},
		// Every window still sees a check, yet every gap is late: the window
		// measure alone would call this checker perfect.
		{"just over tolerance", [][]time.Duration{every(5*s, 1110*ms, 10)},
			onTime{Windows: 10, WindowsHit: 10, Gaps: 9, GapsLate: 9, Checks: 10, MaxGap: 1110 * ms}},
	}
	for _, c := range cases {
		got := analyze(c.hits, 5*s, 15*s, s, 100*ms)
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func TestAnalyzeDegenerate(t *testing.T) {
	if got := analyze([][]time.Duration{{time.Second}}, 0, 0, time.Second, 0); got != (onTime{}) {
		t.Errorf("empty window: %+v", got)
	}
	if (onTime{}).windowPct() != 0 || (onTime{Gaps: 4, GapsLate: 1}).gapPct() != 75 {
		t.Error("percentages")
	}
}
