package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// A crash's outage depends mostly on where in the master's advert interval
// it lands: the backup counts Master_Down_Interval from the last advert it
// heard. Drawn independently per run, that phase alone moves a kill
// cell's median by up to an interval between the two daemons. So each run
// index gets one phase, used for both implementations, and the harness
// takes the master down that far into its advert interval, counted from an
// advert the client heard: the kill ratio then compares the daemons.

// drawPhases returns one phase in [0, 1) per run, stratified (run k's
// phase falls in one of n equal slices, each slice used once, in random
// order) so a handful of runs still covers the whole interval.
func drawPhases(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i, k := range rng.Perm(n) {
		out[i] = (float64(k) + rng.Float64()) / float64(n)
	}
	return out
}

// phaseEdge keeps the crash this far from the adverts themselves: right
// next to one, the SIGSTOP (delivered some 0.3 ms after t0) can land on
// either side of it, and the outage jumps by a whole interval.
func phaseEdge(adv time.Duration) time.Duration { return min(time.Millisecond, adv/4) }

// phaseOffset maps phase phi in [0, 1) onto the part of the interval
// phaseEdge leaves: how long after an advert the crash is due.
func phaseOffset(phi float64, adv time.Duration) time.Duration {
	e := phaseEdge(adv)
	return e + time.Duration(phi*float64(adv-2*e))
}

// phaseTarget is the first moment offset after a firing of an advert
// timer that fired at ref with period adv, no earlier than notBefore. The
// timer is periodic, so a moment missed in one interval is taken in the
// next.
func phaseTarget(ref time.Time, adv, offset time.Duration, notBefore time.Time) time.Time {
	t := ref.Add(offset)
	if t.Before(notBefore) {
		n := notBefore.Sub(t)/adv + 1
		t = t.Add(n * adv)
	}
	return t
}

// phaseOf is how far into its advert interval the master was at t0, given
// the last advert heard before it: the phase a run actually got.
func phaseOf(t0, last time.Time, adv time.Duration) float64 {
	d := t0.Sub(last) % adv
	if d < 0 {
		d += adv
	}
	return float64(d) / float64(adv)
}

// timerRef estimates when the advert timer fired from the times the
// client heard its last adverts. A stamp is only ever late (the client's
// reader wakes after the packet arrives, by up to milliseconds under
// load), so each stamp is projected onto the latest interval and the
// earliest projection wins. Stamps that project far from the latest one
// are not of the current timer: a master that has just preempted sends an
// extra advert on hearing the old master, and govrrpd restarts its timer
// then, so older adverts may keep another phase.
func timerRef(stamps []time.Time, adv time.Duration) time.Time {
	var latest time.Time
	for _, t := range stamps {
		if t.After(latest) {
			latest = t
		}
	}
	tol := min(adv/2, stampLate)
	ref := latest
	for _, t := range stamps {
		n := (latest.Sub(t) + adv/2) / adv
		p := t.Add(n * adv)
		if d := latest.Sub(p); d > tol || d < -tol {
			continue
		}
		if p.Before(ref) {
			ref = p
		}
	}
	return ref
}

// stampLate bounds the lateness timerRef corrects: wider, it would let a
// stale phase in (measured: stamps agree with the adverts the backup counts
// from to 1 ms or better at 1 s adverts).
const stampLate = time.Millisecond

// refAdverts is how many recent adverts timerRef looks at. Few: a timer
// re-armed when it fires runs a little slow (about 0.1 ms per period at
// 10 ms adverts), so projecting from far back would pull the estimate
// early.
const refAdverts = 3

// recentAdverts returns the times of up to n adverts from src on vrid
// heard before t, latest first.
func recentAdverts(a *lab.AdvertLog, src netip.Addr, vrid uint8, t time.Time, n int) []time.Time {
	var out []time.Time
	for len(out) < n {
		s, ok := a.Last(src, vrid, t)
		if !ok {
			break
		}
		out = append(out, s.At)
		t = s.At
	}
	return out
}

// alignGuard is the least time between spotting the reference advert and
// acting on it; a target closer than that moves to the next interval.
const alignGuard = 2 * time.Millisecond

// alignPhase waits for the next advert the client hears from src on vrid,
// then until offset into an interval of the master's advert timer, and
// returns that moment.
func alignPhase(ctx context.Context, a *lab.AdvertLog, src netip.Addr, vrid uint8, adv, offset time.Duration) (time.Time, error) {
	start := time.Now()
	deadline := start.Add(3*adv + time.Second)
	for {
		if s, ok := a.Last(src, vrid, time.Now().Add(time.Hour)); ok && s.At.After(start) {
			ref := timerRef(recentAdverts(a, src, vrid, s.At.Add(time.Nanosecond), refAdverts), adv)
			t := phaseTarget(ref, adv, offset, time.Now().Add(alignGuard))
			sleepUntil(ctx, t)
			return t, ctx.Err()
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("no advert from the master within %v", deadline.Sub(start))
		}
		sleep(ctx, 200*time.Microsecond)
	}
}

// sleepUntil sleeps to within a millisecond of t, then spins: Go's timers
// may wake a millisecond late, a tenth of the interval at 10 ms adverts.
func sleepUntil(ctx context.Context, t time.Time) {
	if d := time.Until(t) - time.Millisecond; d > 0 {
		sleep(ctx, d)
	}
	for time.Now().Before(t) && ctx.Err() == nil {
	}
}
