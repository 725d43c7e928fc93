package check_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checktest"
	"github.com/govrrpd/govrrpd/srcpos"
)

func noVerdict() check.Outcome { return check.NoVerdict("helper down") }

// An attempt without a verdict (the govrrpd-check helper is down) moves
// nothing: no retry is spent, no state changes, nothing is counted, and
// the next attempt comes after delay_loop.
func TestSchedulerNoVerdictChangesNothing(t *testing.T) {
	c := check.Checker{Kind: check.HTTP, Source: srcpos.Make("h", 0), Target: rsA, Retry: 1,
		DelayLoop: 10 * time.Second, DelayBeforeRetry: 3 * time.Second, Warmup: 5 * time.Second}
	p := &scripted{outs: []check.Outcome{ok(), fail(), noVerdict(), noVerdict(), ok(), fail(), fail()}}
	rec, _ := drive(t, []check.Checker{c}, []*scripted{p}, 7)
	// ok at 5; fail at 15 → retry after 3 s; no verdict at 18 and 28
	// (delay_loop, the retry not spent); ok at 38; fail at 48, retry at
	// 51 fails → DOWN. Without the no-verdicts the server would have gone
	// down at 18.
	s := time.Second
	want := []time.Duration{5 * s, 15 * s, 18 * s, 28 * s, 38 * s, 48 * s, 51 * s}
	if len(p.times) != len(want) {
		t.Fatalf("probe times %v, want %v", p.times, want)
	}
	for i := range want {
		if p.times[i] != want[i] {
			t.Fatalf("probe times %v, want %v", p.times, want)
		}
	}
	got := rec.results()
	if len(got) != 1 || got[0].Up {
		t.Fatalf("results %v, want one DOWN at the end", got)
	}
}

// closing is a prober that counts its Close calls.
type closing struct{ closed *atomic.Int32 }

func (closing) Probe(context.Context) check.Outcome { return ok() }
func (c closing) Close() error                      { c.closed.Add(1); return nil }

// The scheduler closes the probers it stops: every one at Stop, a retired
// real server's at Adopt, the ones built before a failing one at
// NewScheduler; so the helper knows when no checker is left.
func TestSchedulerClosesProbers(t *testing.T) {
	var closed atomic.Int32
	mk := func(check.Checker) (check.Prober, error) { return closing{&closed}, nil }
	rsB := rsA
	rsB.Real = netipMust("192.0.2.2:80")
	a := check.Checker{Kind: check.HTTP, Source: srcpos.Make("a", 0), Target: rsA, DelayLoop: time.Second}
	b := a
	b.Source, b.Target = srcpos.Make("b", 0), rsB
	s, err := check.NewScheduler([]check.Checker{a, b}, nil, check.Options{Clock: checktest.NewClock(), Logger: quiet, NewProber: mk})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	if _, ok := s.Adopt([]check.Checker{a}); !ok || closed.Load() != 1 {
		t.Fatalf("after Adopt retired one: adopted %v, %d closed", ok, closed.Load())
	}
	s.Stop()
	if closed.Load() != 2 {
		t.Fatalf("after Stop: %d closed, want 2", closed.Load())
	}
	closed.Store(0)
	bad := b
	bad.Settings = &check.HTTPSettings{}
	n := 0
	_, err = check.NewScheduler([]check.Checker{a, b, bad}, nil, check.Options{Logger: quiet,
		NewProber: func(c check.Checker) (check.Prober, error) {
			if n++; n == 3 {
				return check.New(c)
			}
			return mk(c)
		}})
	if err == nil || closed.Load() != 2 {
		t.Fatalf("a failing NewScheduler: %v, %d closed, want an error and 2", err, closed.Load())
	}
}
