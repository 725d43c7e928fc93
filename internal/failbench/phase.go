package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/govrrpd/govrrpd/internal/lab"
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

// phaseTarget is the first moment at phase phi of an advert timer that
// fired at ref with period adv, no earlier than notBefore. The timer is
// periodic, so a phase missed in one interval is taken in the next.
func phaseTarget(ref time.Time, adv time.Duration, phi float64, notBefore time.Time) time.Time {
	t := ref.Add(time.Duration(phi * float64(adv)))
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

// alignGuard is the least time between spotting the reference advert and
// acting on it; a target closer than that moves to the next interval.
const alignGuard = 2 * time.Millisecond

// alignPhase waits for the next advert the client hears from src on vrid,
// then until phase phi of the interval it started, and returns that moment.
func alignPhase(ctx context.Context, a *lab.AdvertLog, src netip.Addr, vrid uint8, adv time.Duration, phi float64) (time.Time, error) {
	start := time.Now()
	deadline := start.Add(3*adv + time.Second)
	for {
		if s, ok := a.Last(src, vrid, time.Now().Add(time.Hour)); ok && s.At.After(start) {
			t := phaseTarget(s.At, adv, phi, time.Now().Add(alignGuard))
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
