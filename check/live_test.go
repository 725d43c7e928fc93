package check_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// settle waits for background goroutines (net poller, exited probes) to
// wind down before comparing counts.
func settle(want func() bool) bool {
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if want() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return want()
}

// TestSchedulerRealServersNoLeaks runs every network checker kind against
// real loopback servers (some up, some down) with the real clock, then
// stops the scheduler and requires goroutines and descriptors back at the
// baseline; it also requires the dead server's DOWN to arrive within one
// delay_loop plus the retries.
func TestSchedulerRealServersNoLeaks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	udpAddr, _ := udpResponder(t, []byte("pong"))
	var rcode atomic.Int32
	var silent atomic.Bool
	var seen atomic.Value
	dnsAddr := dnsServer(t, &rcode, &silent, &seen)
	victim, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go acceptAndClose(victim)
	runtime.GC()
	baseG, baseFD := runtime.NumGoroutine(), openFDs(t)

	const loop = 100 * time.Millisecond
	common := check.Checker{Source: srcpos.Make("t", 1), ConnectTimeout: 200 * time.Millisecond, DelayLoop: loop,
		DelayBeforeRetry: 50 * time.Millisecond, Retry: 1, Warmup: loop}
	var checkers []check.Checker
	add := func(kind check.Kind, tg check.Target, f func(*check.Checker)) {
		c := common
		c.Kind, c.Target = kind, tg
		if f != nil {
			f(&c)
		}
		checkers = append(checkers, c)
	}
	victimT := target(t, victim.Addr())
	add(check.TCP, victimT, nil)
	add(check.TCP, closedPort(t, "tcp"), nil)
	for i := 0; i < 5; i++ {
		add(check.HTTP, target(t, srv.Listener.Addr()), func(c *check.Checker) {
			c.Settings = &check.HTTPSettings{URLs: []check.URL{{Path: "/"}}}
		})
	}
	add(check.UDP, target(t, udpAddr), func(c *check.Checker) { c.Settings = &check.UDPSettings{Reply: "70"} })
	add(check.UDP, closedPort(t, "udp"), nil)
	add(check.DNS, target(t, dnsAddr), nil)
	add(check.Misc, rsA, func(c *check.Checker) { c.Settings = &check.MiscSettings{Path: argv("/bin/true")} })

	events := make(chan check.Result, 64)
	done := make(chan struct{})
	s, err := check.NewScheduler(checkers, check.ChanSink{C: events, Done: done}, check.Options{Logger: quiet, MaxConcurrent: 4})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())

	// Let every checker run, then kill the victim and time its DOWN.
	time.Sleep(3 * loop)
	drain(events)
	victim.Close()
	killed := time.Now()
	budget := loop + time.Duration(common.Retry)*(common.DelayBeforeRetry+common.ConnectTimeout) + loop
	var gotDown time.Duration
	timeout := time.After(2 * budget)
wait:
	for {
		select {
		case r := <-events:
			if r.Target == victimT && !r.Up {
				gotDown = time.Since(killed)
				break wait
			}
		case <-timeout:
			t.Fatalf("no DOWN for the killed server within %v", 2*budget)
		}
	}
	if gotDown > budget {
		t.Errorf("DOWN after %v, budget delay_loop+retries = %v", gotDown, budget)
	}
	t.Logf("killed server reported DOWN after %v (budget %v)", gotDown, budget)
	if alive, known := s.Alive(victimT); alive || !known {
		t.Errorf("Alive(victim) = %v, %v", alive, known)
	}
	if alive, _ := s.Alive(target(t, srv.Listener.Addr())); !alive {
		t.Error("HTTP server reported dead")
	}
	if s.Stats().Attempts.Load() < int64(len(checkers)) {
		t.Errorf("only %d attempts for %d checkers", s.Stats().Attempts.Load(), len(checkers))
	}

	close(done)
	s.Stop()
	if !settle(func() bool { return runtime.NumGoroutine() <= baseG && openFDs(t) <= baseFD }) {
		t.Fatalf("after Stop: %d goroutines (baseline %d), %d fds (baseline %d)",
			runtime.NumGoroutine(), baseG, openFDs(t), baseFD)
	}
}

func drain(c <-chan check.Result) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// TestSchedulerBoundsConcurrency holds probes open and checks no more than
// MaxConcurrent ever run at once.
func TestSchedulerBoundsConcurrency(t *testing.T) {
	var cur, peak atomic.Int32
	release := make(chan struct{})
	p := check.ProberFunc(func(ctx context.Context) check.Outcome {
		n := cur.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		select {
		case <-release:
		case <-ctx.Done():
		}
		cur.Add(-1)
		return check.Outcome{Up: true}
	})
	var checkers []check.Checker
	for i := 0; i < 50; i++ {
		checkers = append(checkers, check.Checker{Kind: check.TCP, Source: srcpos.Make("c", 0), Target: rsA, DelayLoop: time.Hour, ConnectTimeout: 5 * time.Second})
	}
	s, err := check.NewScheduler(checkers, nil, check.Options{MaxConcurrent: 3, Logger: quiet,
		NewProber: func(check.Checker) (check.Prober, error) { return p, nil }})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	if !settle(func() bool { return cur.Load() == 3 }) {
		t.Fatalf("%d probes running, want 3", cur.Load())
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	if !settle(func() bool { return s.Stats().Attempts.Load() == 50 }) {
		t.Fatalf("%d attempts done, want 50", s.Stats().Attempts.Load())
	}
	s.Stop()
	if peak.Load() != 3 {
		t.Fatalf("peak concurrency %d, want 3", peak.Load())
	}
}
