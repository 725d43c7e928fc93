package main

import "time"

// onTime is how regularly the targets were checked inside a measurement
// window.
type onTime struct {
	Windows, WindowsHit int // target × interval windows, and those with at least one check
	Gaps, GapsLate      int // intervals between consecutive checks; late = longer than interval+tolerance
	Checks              int
	MaxGap              time.Duration
}

func (o onTime) windowPct() float64 { return pct(o.WindowsHit, o.Windows) }
func (o onTime) gapPct() float64    { return pct(o.Gaps-o.GapsLate, o.Gaps) }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b) * 100
}

// analyze judges the checks that arrived in [from, to). Two measures,
// because "every target in every window" also fails a checker that is
// never late but whose period is interval plus the probe's duration (as
// keepalived's is: the next check is due delay_loop after the previous one
// finished), once its phase drifts across a window edge; the gap measure
// does not have that artefact. A target whose last check is more than
// interval+tolerance before to counts one more late gap: a check that never
// came is late too.
func analyze(hits [][]time.Duration, from, to, interval, tolerance time.Duration) onTime {
	var o onTime
	nWin := int((to - from) / interval)
	if nWin <= 0 || interval <= 0 {
		return o
	}
	mark := make([]bool, nWin)
	limit := interval + tolerance
	for _, hs := range hits {
		clear(mark)
		prev, havePrev := time.Duration(0), false
		for _, h := range hs {
			if h >= to {
				break
			}
			if h >= from {
				o.Checks++
				if w := int((h - from) / interval); w < nWin {
					mark[w] = true
				}
				if havePrev {
					o.gap(h-prev, limit)
				}
			}
			prev, havePrev = h, true
		}
		switch {
		case !havePrev:
			o.Gaps++
			o.GapsLate++
			o.MaxGap = max(o.MaxGap, to-from)
		case to-prev > limit:
			o.gap(to-prev, limit)
		}
		o.Windows += nWin
		for _, m := range mark {
			if m {
				o.WindowsHit++
			}
		}
	}
	return o
}

func (o *onTime) gap(g, limit time.Duration) {
	o.Gaps++
	if g > limit {
		o.GapsLate++
	}
	o.MaxGap = max(o.MaxGap, g)
}
