package check_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/internal/srcpos"
)

// TestTCPLoopOutcomes runs TCP_CHECKs through the scheduler's epoll loop
// (real clock, real probers): a live server stays up, a closed port goes
// down as refused and a listener that never completes the handshake goes
// down as a timeout.
func TestTCPLoopOutcomes(t *testing.T) {
	l := liveListener(t, "127.0.0.1:0")
	live, refused, stuck := target(t, l.Addr()), closedPort(t, "tcp"), stuckListener(t)
	var mu sync.Mutex
	reasons := map[check.Target]string{}
	sink := check.SinkFunc(func(r check.Result) {
		mu.Lock()
		defer mu.Unlock()
		if !r.Up {
			reasons[r.Target] = r.Reason
		}
	})
	var cks []check.Checker
	for i, tg := range []check.Target{live, refused, stuck} {
		cks = append(cks, check.Checker{Kind: check.TCP, Source: srcpos.Make("loop", i), Target: tg,
			DelayLoop: 50 * time.Millisecond, Warmup: 10 * time.Millisecond, ConnectTimeout: 150 * time.Millisecond,
			Retry: 0, DelayBeforeRetry: 10 * time.Millisecond})
	}
	s, err := check.NewScheduler(cks, sink, check.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer s.Stop()
	if !settle(func() bool { mu.Lock(); defer mu.Unlock(); return len(reasons) == 2 }) {
		t.Fatalf("DOWN reports %v, want the refused and the stuck server", reasons)
	}
	mu.Lock()
	defer mu.Unlock()
	if r := reasons[refused]; !strings.Contains(r, "connection refused") {
		t.Errorf("refused port: reason %q", r)
	}
	if r := reasons[stuck]; !strings.Contains(r, "i/o timeout") {
		t.Errorf("stuck listener: reason %q", r)
	}
	if _, down := reasons[live]; down {
		t.Errorf("live server reported down: %q", reasons[live])
	}
	if alive, _ := s.Alive(live); !alive {
		t.Error("live server not alive")
	}
}

// TestTCPLoopBoundsConnects points many checkers at a listener that never
// answers: the loop must keep at most MaxConcurrent connects open, time
// every one out, and leave no descriptor behind after Stop.
func TestTCPLoopBoundsConnects(t *testing.T) {
	stuck := stuckListener(t)
	base := openFDs(t)
	const n, limit = 20, 3
	var cks []check.Checker
	for i := range n {
		cks = append(cks, check.Checker{Kind: check.TCP, Source: srcpos.Make("bound", i), Target: stuck,
			DelayLoop: 20 * time.Millisecond, ConnectTimeout: 100 * time.Millisecond, Retry: 0})
	}
	s, err := check.NewScheduler(cks, nil, check.Options{Logger: quiet, MaxConcurrent: limit})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	peak := 0
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().Failures.Load() < 2*n && time.Now().Before(deadline) {
		peak = max(peak, openFDs(t)-base)
		time.Sleep(5 * time.Millisecond)
	}
	s.Stop()
	if f := s.Stats().Failures.Load(); f < 2*n {
		t.Fatalf("%d timeouts in 5 s, want at least %d", f, 2*n)
	}
	// The loop's own epoll, eventfd and timerfd descriptors, plus the connects.
	if peak > limit+3 {
		t.Errorf("peak %d extra descriptors, want at most %d connects + 3", peak, limit)
	}
	if !settle(func() bool { return openFDs(t) <= base }) {
		t.Errorf("%d descriptors after Stop, %d before", openFDs(t), base)
	}
}
