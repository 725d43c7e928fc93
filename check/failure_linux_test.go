package check_test

import (
	"context"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// TestSchedulerCountsResults: the TCP loop counts a live server's attempts
// as up and a closed port's as refused failures, and Status shows them.
func TestSchedulerCountsResults(t *testing.T) {
	l := liveListener(t, "127.0.0.1:0")
	var cks []check.Checker
	for i, tg := range []check.Target{target(t, l.Addr()), closedPort(t, "tcp")} {
		cks = append(cks, check.Checker{Kind: check.TCP, Source: srcpos.Make("cnt", i), Target: tg,
			DelayLoop: 30 * time.Millisecond, Warmup: 5 * time.Millisecond, ConnectTimeout: 150 * time.Millisecond})
	}
	s, err := check.NewScheduler(cks, nil, check.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer s.Stop()
	var st []check.CheckerStatus
	if !settle(func() bool {
		st = s.Status()
		return st[0].Results["up"] >= 2 && st[1].Results["refused"] >= 2
	}) {
		t.Fatalf("results %v and %v", st[0].Results, st[1].Results)
	}
	if len(st[0].Results) != 1 || len(st[1].Results) != 1 {
		t.Errorf("results %v and %v, want only up and only refused", st[0].Results, st[1].Results)
	}
}
