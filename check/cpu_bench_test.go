package check_test

import (
	"context"
	"net/netip"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// BenchmarkTCPCheckCPU measures the checker's CPU per TCP_CHECK attempt,
// scheduler included: GOVRRPD_CHECK_CPU_SERVERS (default 300) loopback
// listeners in a separate farm process, each checked every 10 ms, until
// b.N attempts have completed. CPU comes from getrusage, so it counts the
// kernel's connect/close work as keepalived's figure does.
func BenchmarkTCPCheckCPU(b *testing.B) {
	servers := envInt("GOVRRPD_CHECK_CPU_SERVERS", 300)
	raiseNoFile(uint64(servers) + 4096)
	ports, stop := startFarm(b, servers)
	defer stop()
	checkers := make([]check.Checker, len(ports))
	for i, p := range ports {
		checkers[i] = check.Checker{Kind: check.TCP, Source: srcpos.Make("cpu", i),
			Target:    check.Target{Service: "192.0.2.10:80/TCP", Real: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), p)},
			DelayLoop: 10 * time.Millisecond, Warmup: 10 * time.Millisecond, ConnectTimeout: 5 * time.Second,
			Retry: 1, DelayBeforeRetry: 10 * time.Millisecond}
	}
	s, err := check.NewScheduler(checkers, nil, check.Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	var ru0, ru1 syscall.Rusage
	b.ResetTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	s.Start(context.Background())
	for s.Stats().Attempts.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	s.Stop()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	b.StopTimer()
	st := s.Stats()
	n := st.Attempts.Load()
	if f := st.Failures.Load(); f > 0 {
		b.Fatalf("%d of %d attempts failed against live listeners", f, n)
	}
	usec := func(t syscall.Timeval) float64 { return float64(t.Sec)*1e6 + float64(t.Usec) }
	user := (usec(ru1.Utime) - usec(ru0.Utime)) / float64(n)
	sys := (usec(ru1.Stime) - usec(ru0.Stime)) / float64(n)
	b.ReportMetric(user+sys, "cpu-µs/check")
	b.ReportMetric(user, "user-µs/check")
	b.ReportMetric(sys, "sys-µs/check")
}
