package main

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Each of n runs gets a phase in its own n-th of the interval.
func TestDrawPhasesStratified(t *testing.T) {
	for _, n := range []int{1, 3, 5, 8} {
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		got := drawPhases(rng, n)
		if len(got) != n {
			t.Fatalf("n=%d: %d phases", n, len(got))
		}
		seen := make([]bool, n)
		for _, p := range got {
			if p < 0 || p >= 1 {
				t.Fatalf("n=%d: phase %v outside [0,1)", n, p)
			}
			k := int(p * float64(n))
			if seen[k] {
				t.Fatalf("n=%d: two phases in slice %d: %v", n, k, got)
			}
			seen[k] = true
		}
	}
	// The same seed gives the same phases: a run can be repeated.
	a := drawPhases(rand.New(rand.NewPCG(42, 0)), 5)
	b := drawPhases(rand.New(rand.NewPCG(42, 0)), 5)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 42 gave %v then %v", a, b)
		}
	}
}

func TestPhaseTarget(t *testing.T) {
	ref := time.Unix(1000, 0)
	adv := 10 * msec
	cases := []struct {
		name      string
		phi       float64
		notBefore time.Duration // after ref
		want      time.Duration // after ref
	}{
		{"in this interval", 0.5, 2 * msec, 5 * msec},
		{"exactly at notBefore", 0.5, 5 * msec, 5 * msec},
		{"missed: next interval", 0.1, 2 * msec, 11 * msec},
		{"missed by several intervals", 0.3, 35 * msec, 43 * msec},
		{"phase 0", 0, 0, 0},
	}
	for _, c := range cases {
		offset := time.Duration(c.phi * float64(adv))
		got := phaseTarget(ref, adv, offset, ref.Add(c.notBefore)).Sub(ref)
		if got != c.want {
			t.Errorf("%s: target %v after the advert, want %v", c.name, got, c.want)
		}
		if p := phaseOf(ref.Add(got), ref, adv); p < c.phi-1e-9 || p > c.phi+1e-9 {
			t.Errorf("%s: target at phase %v, want %v", c.name, p, c.phi)
		}
	}
}

// Phases map onto the interval less phaseEdge at either end, so no crash
// is due right at an advert.
func TestPhaseOffset(t *testing.T) {
	cases := []struct {
		phi  float64
		adv  time.Duration
		want time.Duration
	}{
		{0, 10 * msec, msec},
		{0.5, 10 * msec, 5 * msec},
		{0.999999, 10 * msec, 9 * msec},
		{0, time.Second, msec},
		{0.5, time.Second, 500 * msec},
		{0, 2 * msec, 500 * time.Microsecond}, // edge at most a quarter of the interval
	}
	for _, c := range cases {
		got := phaseOffset(c.phi, c.adv)
		if d := got - c.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("phase %v of %v: offset %v, want %v", c.phi, c.adv, got, c.want)
		}
	}
}

// timerRef takes the earliest projection of the stamps onto the latest
// interval: late stamps (the client woke late) do not move it.
func TestTimerRef(t *testing.T) {
	base := time.Unix(1000, 0)
	adv := 10 * msec
	at := func(d time.Duration) time.Time { return base.Add(d) }
	cases := []struct {
		name   string
		stamps []time.Time
		want   time.Time
	}{
		{"one", []time.Time{at(50 * msec)}, at(50 * msec)},
		{"latest stamp late by 0.8 ms", []time.Time{at(50*msec + 800*time.Microsecond), at(40 * msec), at(30*msec + 200*time.Microsecond)}, at(50 * msec)},
		{"older stamps late", []time.Time{at(50 * msec), at(40*msec + 900*time.Microsecond), at(30*msec + 500*time.Microsecond)}, at(50 * msec)},
		{"an advert missing", []time.Time{at(50*msec + 500*time.Microsecond), at(30 * msec)}, at(50 * msec)},
		{"order does not matter", []time.Time{at(30 * msec), at(50*msec + 600*time.Microsecond), at(40 * msec)}, at(50 * msec)},
		{"beyond the correction", []time.Time{at(53 * msec), at(40 * msec)}, at(53 * msec)},
	}
	// At 1 s adverts a preemption's extra advert 300 ms off the timer
	// would pull the estimate 300 ms early.
	sec := []time.Time{at(5*time.Second + 500*time.Microsecond), at(4 * time.Second), at(3*time.Second + 700*msec), at(3 * time.Second)}
	if got := timerRef(sec, time.Second); !got.Equal(at(5 * time.Second)) {
		t.Errorf("1 s: ref %v after base, want 5s", got.Sub(base))
	}
	// At 100 ms, adverts 30 ms off before a timer restart are left out.
	hundred := []time.Time{at(500*msec + 700*time.Microsecond), at(400 * msec), at(370 * msec), at(270 * msec)}
	if got := timerRef(hundred, 100*msec); !got.Equal(at(500 * msec)) {
		t.Errorf("100 ms: ref %v after base, want 500ms", got.Sub(base))
	}
	for _, c := range cases {
		if got := timerRef(c.stamps, adv); !got.Equal(c.want) {
			t.Errorf("%s: ref %v after base, want %v", c.name, got.Sub(base), c.want.Sub(base))
		}
	}
}

func TestPhaseOf(t *testing.T) {
	last := time.Unix(1000, 0)
	cases := []struct {
		t0   time.Duration
		adv  time.Duration
		want float64
	}{
		{250 * msec, time.Second, 0.25},
		{0, time.Second, 0},
		{1250 * msec, time.Second, 0.25}, // an advert lost: still the timer's phase
		{7500 * time.Microsecond, 10 * msec, 0.75},
	}
	for _, c := range cases {
		if got := phaseOf(last.Add(c.t0), last, c.adv); got != c.want {
			t.Errorf("t0 %v after the advert at %v: phase %v, want %v", c.t0, c.adv, got, c.want)
		}
	}
}

// Paired differences match run k of one implementation with run k of the
// other, skip runs either failed, and take the median.
func TestPairedDiff(t *testing.T) {
	s := func(impl string, run int, outage time.Duration, err string) sample {
		return sample{Impl: impl, Mode: "v3 10ms", Event: evKill, Run: run, Outage: outage, Err: err}
	}
	all := []sample{
		s("govrrpd", 1, 30*msec, ""), s("keepalived", 1, 31*msec, ""),
		s("govrrpd", 2, 20*msec, ""), s("keepalived", 2, 22*msec, ""),
		s("govrrpd", 3, 25*msec, ""), s("keepalived", 3, 24*msec, ""),
		s("govrrpd", 4, 10*msec, "boom"), s("keepalived", 4, 90*msec, ""),
		s("keepalived", 5, 90*msec, ""),
		{Impl: "govrrpd", Mode: "v3 10ms", Event: evTerm, Run: 1, Outage: time.Second},
	}
	got := pairedDiff(all, "v3 10ms", evKill)
	if got.N != 3 || got.Median != -1*msec || got.Min != -2*msec || got.Max != msec {
		t.Errorf("paired %+v, want 3 pairs, median -1 ms, range -2..+1 ms", got)
	}
	if got := pairedDiff(all, "v3 10ms", evTerm); got.N != 0 {
		t.Errorf("term has no keepalived run, got %+v", got)
	}
	var b bytes.Buffer
	report(&b, all, []mode{allModes[2]}, []event{evKill})
	if !strings.Contains(b.String(), "-1.0 (3)") {
		t.Errorf("report lacks the paired column:\n%s", b.String())
	}
}
