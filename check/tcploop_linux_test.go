package check_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
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

// TestTCPLoopCloses checks how the loop ends a successful check: with a
// FIN, as keepalived does (the server reads EOF, and the checker's side
// waits in TIME_WAIT), except with a fixed bind_port, where it resets (the
// server reads ECONNRESET) so the next attempt can use the same four-tuple.
func TestTCPLoopCloses(t *testing.T) {
	from := netip.MustParseAddr("127.0.0.3")
	cases := []struct {
		name     string
		bindPort uint16
		wantErr  error
		wantTW   bool
	}{
		{"ephemeral port: FIN", 0, io.EOF, true},
		{"bind_port: reset", 39219, syscall.ECONNRESET, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			c := check.Checker{Kind: check.TCP, Source: srcpos.Make("close", 0), Target: target(t, l.Addr()),
				DelayLoop: time.Hour, ConnectTimeout: time.Second, Addrs: &check.ConnAddrs{BindTo: &from}, BindPort: tc.bindPort}
			s, err := check.NewScheduler([]check.Checker{c}, nil, check.Options{Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			s.Start(context.Background())
			defer s.Stop()
			conn, err := l.Accept()
			if err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = conn.Read(make([]byte, 1))
			peer := conn.RemoteAddr().(*net.TCPAddr).AddrPort()
			conn.Close()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("server read: %v, want %v", err, tc.wantErr)
			}
			if tw := settle(func() bool { return inTimeWait(t, peer) }); tw != tc.wantTW {
				t.Errorf("checker's socket %v in TIME_WAIT: %v, want %v", peer, tw, tc.wantTW)
			}
		})
	}
}

// inTimeWait reports whether /proc/net/tcp holds a TIME_WAIT socket whose
// local end is ap.
func inTimeWait(t *testing.T, ap netip.AddrPort) bool {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skip("no /proc/net/tcp")
	}
	a := ap.Addr().As4()
	local := fmt.Sprintf("%02X%02X%02X%02X:%04X", a[3], a[2], a[1], a[0], ap.Port())
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 3 && f[1] == local && f[3] == "06" {
			return true
		}
	}
	return false
}
