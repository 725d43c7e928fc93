package check_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// TestSchedulerObserve: Options.Observe hears every attempt of the TCP
// loop and of the worker path, with its outcome and a duration.
func TestSchedulerObserve(t *testing.T) {
	l := liveListener(t, "127.0.0.1:0")
	live, refused := target(t, l.Addr()), closedPort(t, "tcp")
	var mu sync.Mutex
	seen := map[string]int{}
	observe := func(k check.Kind, up bool, took time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if took < 0 || took > 5*time.Second {
			t.Errorf("%s attempt took %v", k, took)
		}
		key := k.String() + " down"
		if up {
			key = k.String() + " up"
		}
		seen[key]++
	}
	var cks []check.Checker
	for i, tg := range []check.Target{live, refused} {
		cks = append(cks, check.Checker{Kind: check.TCP, Source: srcpos.Make("obs", i), Target: tg,
			DelayLoop: 30 * time.Millisecond, Warmup: 5 * time.Millisecond, ConnectTimeout: 150 * time.Millisecond})
	}
	cks = append(cks, check.Checker{Kind: check.File, Source: srcpos.Make("obs", 9), Target: live, DelayLoop: 30 * time.Millisecond,
		Warmup: 5 * time.Millisecond})
	s, err := check.NewScheduler(cks, nil, check.Options{Logger: quiet, Observe: observe,
		NewProber: func(c check.Checker) (check.Prober, error) {
			if c.Kind == check.File { // the worker path, with a prober that is not the TCP loop's
				return check.ProberFunc(func(context.Context) check.Outcome { return check.Outcome{Up: true} }), nil
			}
			return check.New(c)
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer s.Stop()
	if !settle(func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen["TCP_CHECK up"] >= 2 && seen["TCP_CHECK down"] >= 2 && seen["FILE_CHECK up"] >= 2
	}) {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("observed %v", seen)
	}
}
