package check_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checktest"
	"github.com/govrrpd/govrrpd/srcpos"
)

// adoptFarm is three real servers, B with two checkers, each checker on
// its own line of f.conf from line first on.
func adoptFarm(first int) []check.Checker {
	var out []check.Checker
	for i, rs := range []string{"192.0.2.1:80", "192.0.2.2:80", "192.0.2.2:80", "192.0.2.3:80"} {
		c := check.Checker{Kind: check.TCP, Source: srcpos.Make("f.conf", first+i), Retry: 1,
			Target:    check.Target{Service: "192.0.2.10:80/TCP", Real: netip.MustParseAddrPort(rs)},
			DelayLoop: 10 * time.Second, ConnectTimeout: time.Second}
		if i == 2 {
			c.ConnectPort = 8080 // B's second checker
		}
		out = append(out, c)
	}
	return out
}

// TestSchedulerAdopt: the running scheduler takes a new list that is its
// own less whole real servers, wherever the lines moved, and stops the
// left-out servers' checkers; anything else leaves it untouched.
func TestSchedulerAdopt(t *testing.T) {
	drop := func(idx ...int) func([]check.Checker) []check.Checker {
		return func(cs []check.Checker) []check.Checker {
			var out []check.Checker
			for i, c := range cs {
				keep := true
				for _, j := range idx {
					keep = keep && i != j
				}
				if keep {
					out = append(out, c)
				}
			}
			return out
		}
	}
	cases := []struct {
		name    string
		edit    func([]check.Checker) []check.Checker
		ok      bool
		retired int
	}{
		{"lines moved", func(cs []check.Checker) []check.Checker { return cs }, true, 0},
		{"real server C dropped", drop(3), true, 1},
		{"real server B and both its checkers dropped", drop(1, 2), true, 2},
		{"one of B's checkers dropped", drop(2), false, 0},
		{"a connect_timeout changed", func(cs []check.Checker) []check.Checker { cs[0].ConnectTimeout = 2 * time.Second; return cs }, false, 0},
		{"a checker added", func(cs []check.Checker) []check.Checker { return append(cs, adoptFarm(20)[0]) }, false, 0},
		{"two servers swapped", func(cs []check.Checker) []check.Checker { cs[0], cs[3] = cs[3], cs[0]; return cs }, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := checktest.NewClock()
			probes := map[check.Target]int{}
			count := make(chan check.Target, 64)
			s, err := check.NewScheduler(adoptFarm(1), nil, check.Options{Clock: clk, Logger: quiet,
				Jitter: func(max time.Duration) time.Duration { return max },
				NewProber: func(ck check.Checker) (check.Prober, error) {
					return proberFunc(func() check.Outcome { count <- ck.Target; return ok() }), nil
				}})
			if err != nil {
				t.Fatal(err)
			}
			s.Start(context.Background())
			t.Cleanup(s.Stop)
			if !clk.WaitPending(4) {
				t.Fatal("not armed")
			}
			next := c.edit(adoptFarm(11)) // every line ten further down
			retired, adopted := s.Adopt(next)
			if adopted != c.ok || retired != c.retired {
				t.Fatalf("Adopt = %d, %v; want %d, %v", retired, adopted, c.retired, c.ok)
			}
			st := s.Status()
			wantFirst, wantLen := "f.conf:11", len(next)
			if !adopted {
				wantFirst, wantLen = "f.conf:1", 4
			}
			if len(st) != wantLen || st[0].Source != wantFirst {
				t.Errorf("status: %d checkers, first at %s; want %d, at %s", len(st), st[0].Source, wantLen, wantFirst)
			}
			// Two rounds: only the checkers that stay are probed.
			for round := range 2 {
				if !clk.WaitPending(wantLen) {
					t.Fatalf("round %d: %d timers not armed", round, wantLen)
				}
				d, _ := clk.NextIn()
				clk.Advance(d)
				for range wantLen {
					select {
					case tg := <-count:
						probes[tg]++
					case <-time.After(10 * time.Second):
						t.Fatalf("round %d: a probe never ran", round)
					}
				}
			}
			for _, ck := range adoptFarm(1) {
				kept := false
				for _, n := range next {
					kept = kept || n.Target == ck.Target
				}
				if alive, known := s.Alive(ck.Target); adopted && known != kept {
					t.Errorf("%s: Alive = %v, %v; known should be %v", ck.Target.Real, alive, known, kept)
				}
				if adopted && !kept && probes[ck.Target] > 0 {
					t.Errorf("%s was dropped but probed %d times", ck.Target.Real, probes[ck.Target])
				}
			}
		})
	}
}

// proberFunc is a Prober from a function.
type proberFunc func() check.Outcome

func (f proberFunc) Probe(context.Context) check.Outcome { return f() }
