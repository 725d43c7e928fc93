package check_test

import (
	"context"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/check/checktest"
	"github.com/govrrpd/govrrpd/srcpos"
)

// TestSchedulerBFD: a BFD_CHECK is never probed; the session's state
// decides it at once, combined with the real server's other checkers, and
// alpha starts it down as keepalived does.
func TestSchedulerBFD(t *testing.T) {
	bfdCk := func(alpha bool) check.Checker {
		return check.Checker{Kind: check.BFD, Source: srcpos.Make("b", 1), Target: rsA, Retry: 3,
			DelayLoop: time.Hour, Alpha: alpha, Settings: &check.BFDSettings{Instance: "srv"}}
	}
	tcp := check.Checker{Kind: check.TCP, Source: srcpos.Make("t", 2), Target: rsA, DelayLoop: time.Hour, Warmup: time.Hour}
	cases := []struct {
		name   string
		cks    []check.Checker
		events []bool
		want   []bool // Up of each Result reported
	}{
		{"down then up", []check.Checker{bfdCk(false)}, []bool{false, true}, []bool{false, true}},
		{"alpha: first up reports", []check.Checker{bfdCk(true)}, []bool{true, false}, []bool{true, false}},
		{"no change, no report", []check.Checker{bfdCk(false)}, []bool{true, true}, nil},
		{"with a TCP_CHECK still up", []check.Checker{bfdCk(false), tcp}, []bool{false, true}, []bool{false, true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			probed := false
			s, err := check.NewScheduler(tc.cks, rec, check.Options{Clock: checktest.NewClock(), Logger: quiet,
				NewProber: func(c check.Checker) (check.Prober, error) {
					if c.Kind == check.BFD {
						return check.New(c)
					}
					return &scripted{clock: checktest.NewClock()}, nil
				},
				Observe: func(check.Kind, bool, time.Duration) { probed = true },
			})
			if err != nil {
				t.Fatal(err)
			}
			s.Start(context.Background())
			defer s.Stop()
			for _, up := range tc.events {
				if n := s.BFD("srv", up); n != 1 {
					t.Fatalf("BFD reached %d checkers, want 1", n)
				}
			}
			if n := s.BFD("other", false); n != 0 {
				t.Fatalf("another session reached %d checkers", n)
			}
			var got []bool
			for _, r := range rec.results() {
				got = append(got, r.Up)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("reports %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("reports %v, want %v", got, tc.want)
				}
			}
			if probed {
				t.Fatal("a checker was probed")
			}
		})
	}
}

func TestBFDCheckerNeedsName(t *testing.T) {
	if _, err := check.New(check.Checker{Kind: check.BFD}); err == nil {
		t.Fatal("BFD_CHECK without a name accepted")
	}
}
