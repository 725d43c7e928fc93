package check_test

import (
	"context"
	"log/slog"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checktest"
	"github.com/govrrpd/govrrpd/srcpos"
)

// scripted is a fake prober that answers from a list and records when (on
// the fake clock) it was asked.
type scripted struct {
	mu    sync.Mutex
	clock *checktest.Clock
	outs  []check.Outcome
	times []time.Duration
	start time.Time
}

func (s *scripted) Probe(context.Context) check.Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = append(s.times, s.clock.Now().Sub(s.start))
	if len(s.outs) == 0 {
		return check.Outcome{Up: true}
	}
	o := s.outs[0]
	s.outs = s.outs[1:]
	return o
}

type recorder struct {
	mu  sync.Mutex
	got []check.Result
}

func (r *recorder) Report(res check.Result) {
	r.mu.Lock()
	r.got = append(r.got, res)
	r.mu.Unlock()
}

func (r *recorder) results() []check.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]check.Result(nil), r.got...)
}

var quiet = slog.New(slog.DiscardHandler)

var rsA = check.Target{Service: "192.0.2.10:80/TCP", Real: netip.MustParseAddrPort("192.0.2.1:80")}

func fail() check.Outcome { return check.Outcome{Reason: "boom"} }
func ok() check.Outcome   { return check.Outcome{Up: true} }

// drive starts a scheduler over checkers with one fake prober each and
// steps the fake clock from timer to timer, n times.
func drive(t *testing.T, checkers []check.Checker, probers []*scripted, steps int) (*recorder, *checktest.Clock) {
	t.Helper()
	clk := checktest.NewClock()
	for _, p := range probers {
		p.clock, p.start = clk, clk.Now()
	}
	i := 0
	byChecker := map[srcpos.Pos]*scripted{}
	for _, c := range checkers {
		byChecker[c.Source] = probers[i]
		i++
	}
	rec := &recorder{}
	s, err := check.NewScheduler(checkers, rec, check.Options{
		Clock:     clk,
		Jitter:    func(max time.Duration) time.Duration { return max },
		NewProber: func(c check.Checker) (check.Prober, error) { return byChecker[c.Source], nil },
		Logger:    quiet,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	t.Cleanup(s.Stop)
	for n := 0; n < steps; n++ {
		if !clk.WaitPending(len(checkers)) {
			t.Fatalf("step %d: timers did not re-arm", n)
		}
		d, _ := clk.NextIn()
		clk.Advance(d)
	}
	if !clk.WaitPending(len(checkers)) {
		t.Fatal("timers did not re-arm after the last step")
	}
	return rec, clk
}

func TestSchedulerRetryTimingExact(t *testing.T) {
	c := check.Checker{Kind: check.TCP, Source: srcpos.Make("a", 0), Target: rsA, Retry: 2,
		DelayLoop: 10 * time.Second, DelayBeforeRetry: 3 * time.Second, Warmup: 5 * time.Second}
	p := &scripted{outs: []check.Outcome{ok(), fail(), fail(), fail(), fail(), ok()}}
	rec, _ := drive(t, []check.Checker{c}, []*scripted{p}, 6)
	// ok at warmup; fail at 15 → retry 1 after 3 s; fail at 18 → retry 2;
	// fail at 21 → retries exhausted: DOWN, back to delay_loop; fail at 31
	// (down: no retries); ok at 41 → UP.
	s := time.Second
	want := []time.Duration{5 * s, 15 * s, 18 * s, 21 * s, 31 * s, 41 * s}
	if len(p.times) != len(want) {
		t.Fatalf("probe times %v, want %v", p.times, want)
	}
	for i := range want {
		if p.times[i] != want[i] {
			t.Fatalf("probe times %v, want %v", p.times, want)
		}
	}
	got := rec.results()
	if len(got) != 2 || got[0].Up || !got[1].Up {
		t.Fatalf("results %v, want one DOWN (after 2 retries) then one UP", got)
	}
	if got[0].Target != rsA || got[0].Checker != "TCP_CHECK at a" || got[0].Reason != "boom" {
		t.Fatalf("down result = %+v", got[0])
	}
}

func TestSchedulerAliveOnlyWhenAllCheckersUp(t *testing.T) {
	base := check.Checker{Kind: check.TCP, Target: rsA, Retry: 0, DelayLoop: 10 * time.Second}
	a, b := base, base
	a.Source, b.Source = srcpos.Make("a", 0), srcpos.Make("b", 0)
	b.Warmup = time.Second // b runs 1 s after a in each round
	pa := &scripted{outs: []check.Outcome{ok(), fail(), fail(), ok()}}
	pb := &scripted{outs: []check.Outcome{ok(), ok(), fail(), ok()}}
	rec, _ := drive(t, []check.Checker{a, b}, []*scripted{pa, pb}, 8)
	got := rec.results()
	// round 2: a fails → down; round 3: b fails (already down: no event);
	// round 4: a and b recover → one up, when the last of them recovers.
	if len(got) != 2 || got[0].Up || got[0].Checker != "TCP_CHECK at a" || !got[1].Up || got[1].Checker != "TCP_CHECK at b" {
		t.Fatalf("results %v", got)
	}
}

func TestSchedulerAlphaStartsDown(t *testing.T) {
	c := check.Checker{Kind: check.TCP, Source: srcpos.Make("a", 0), Target: rsA, Alpha: true, Retry: 1, DelayLoop: time.Second}
	p := &scripted{outs: []check.Outcome{fail(), ok()}}
	rec, _ := drive(t, []check.Checker{c}, []*scripted{p}, 2)
	got := rec.results()
	if len(got) != 1 || !got[0].Up {
		t.Fatalf("alpha: results %v, want only the UP after the first success", got)
	}
}

func TestSchedulerMiscDynamicWeight(t *testing.T) {
	c := check.Checker{Kind: check.Misc, Source: srcpos.Make("m", 0), Target: rsA, DelayLoop: time.Second}
	w := func(n int) check.Outcome { return check.Outcome{Up: true, Weight: n, WeightSet: true} }
	p := &scripted{outs: []check.Outcome{w(5), w(5), w(7), ok(), fail()}}
	rec, _ := drive(t, []check.Checker{c}, []*scripted{p}, 5)
	got := rec.results()
	type ev struct {
		up, set bool
		w       int
	}
	want := []ev{{true, true, 5}, {true, true, 7}, {true, false, 0}, {false, false, 0}}
	if len(got) != len(want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	for i, r := range got {
		if (ev{r.Up, r.WeightSet, r.Weight}) != want[i] {
			t.Fatalf("result %d = %+v, want %+v", i, r, want[i])
		}
	}
}

func TestSchedulerWarmupSpreadsFirstRuns(t *testing.T) {
	var checkers []check.Checker
	for i := 0; i < 100; i++ {
		checkers = append(checkers, check.Checker{Kind: check.TCP, Source: srcpos.Make("x", 0), Target: rsA,
			DelayLoop: time.Minute, Warmup: time.Minute})
	}
	// The default jitter must actually spread: sample it through a real
	// scheduler with a fake clock and count distinct first-run offsets.
	clk := checktest.NewClock()
	s, _ := check.NewScheduler(checkers, nil, check.Options{Clock: clk, Logger: quiet,
		NewProber: func(check.Checker) (check.Prober, error) {
			return check.ProberFunc(func(context.Context) check.Outcome { return ok() }), nil
		}})
	s.Start(context.Background())
	defer s.Stop()
	seen := map[time.Duration]bool{}
	for i := 0; i < 100; i++ {
		d, more := clk.NextIn()
		if !more {
			break
		}
		if d < 0 || d > time.Minute {
			t.Fatalf("first run at %v, outside [0, warmup]", d)
		}
		seen[d] = true
		clk.Advance(d)
		if !clk.WaitPending(100) {
			t.Fatal("timers did not re-arm")
		}
		if len(seen) > 50 {
			return
		}
	}
	t.Fatalf("only %d distinct first-run offsets among 100 checkers", len(seen))
}
