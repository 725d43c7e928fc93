package check_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
	"golang.org/x/sys/unix"
)

// rawAcceptor listens on 127.0.0.1 and accepts and closes connections with
// bare system calls, so the test's own server allocates nothing and a heap
// count measures the checker alone.
func rawAcceptor(t *testing.T) check.Target {
	t.Helper()
	fd, tg := rawListen(t, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, _, e := syscall.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, unix.SOCK_CLOEXEC, 0, 0)
			if e == unix.EINTR || e == unix.ECONNABORTED {
				continue
			}
			if e != 0 {
				return // shut down
			}
			_, _, _ = syscall.RawSyscall(unix.SYS_CLOSE, c, 0, 0)
		}
	}()
	t.Cleanup(func() {
		_ = unix.Shutdown(fd, unix.SHUT_RDWR) // wakes the blocked accept
		<-done
		unix.Close(fd)
	})
	return tg
}

// TestTCPLoopAllocations counts heap allocations per successful TCP_CHECK
// in steady state. At thousands of checks a second every allocation is
// garbage the collector must later find; the loop's path is meant to make
// none (the run, its prober and its success reason are built once).
func TestTCPLoopAllocations(t *testing.T) {
	tg := rawAcceptor(t)
	const n = 50
	var cks []check.Checker
	for i := range n {
		cks = append(cks, check.Checker{Kind: check.TCP, Source: srcpos.Make("alloc", i), Target: tg,
			DelayLoop: 20 * time.Millisecond, ConnectTimeout: time.Second})
	}
	s, err := check.NewScheduler(cks, nil, check.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	defer s.Stop()
	st := s.Stats()
	if !settle(func() bool { return st.Attempts.Load() >= 4*n }) {
		t.Fatalf("only %d attempts", st.Attempts.Load())
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	a0 := st.Attempts.Load()
	time.Sleep(500 * time.Millisecond)
	runtime.ReadMemStats(&m1)
	a1 := st.Attempts.Load()
	if f := st.Failures.Load(); f != 0 {
		t.Fatalf("%d failed attempts against a live server", f)
	}
	if a1-a0 < n {
		t.Fatalf("%d attempts in 500 ms, want at least %d", a1-a0, n)
	}
	per := float64(m1.Mallocs-m0.Mallocs) / float64(a1-a0)
	t.Logf("%d attempts, %d allocations (%.3f per attempt)", a1-a0, m1.Mallocs-m0.Mallocs, per)
	if per > 0.1 {
		t.Errorf("%.3f heap allocations per attempt, want none on the loop's path", per)
	}
}
