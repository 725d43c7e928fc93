package check_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// farmEnv makes the test binary act as the benchmark's listener farm: a
// separate process, so the servers' goroutines and sockets do not count in
// the checker's CPU and RSS.
const farmEnv = "GOVRRPD_CHECK_FARM"

// TestHelperListenerFarm is not a test: it is the body of the farm process
// started by BenchmarkTCPCheck10k and returns at once otherwise.
func TestHelperListenerFarm(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(farmEnv))
	if err != nil {
		return
	}
	raiseNoFile(uint64(n) + 4096)
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintf(out, "error %v\n", err)
			out.Flush()
			os.Exit(1)
		}
		go acceptAndClose(l)
		fmt.Fprintln(out, l.Addr().(*net.TCPAddr).Port)
	}
	fmt.Fprintln(out, "ready")
	out.Flush()
	_, _ = io.Copy(io.Discard, os.Stdin) // until the benchmark closes stdin
	os.Exit(0)
}

func raiseNoFile(n uint64) {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) != nil {
		return
	}
	if rl.Cur < n {
		rl.Cur = n
		if rl.Max < n {
			rl.Max = n // allowed for root; otherwise the Setrlimit fails and the run reports errors
		}
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkTCPCheck10k runs TCP_CHECK every second against 10,000 loopback
// real servers for 60 s (GOVRRPD_CHECK_BENCH_SERVERS / _SECONDS override)
// and reports the checker's CPU seconds, peak RSS and on-time checks.
func BenchmarkTCPCheck10k(b *testing.B) {
	servers := envInt("GOVRRPD_CHECK_BENCH_SERVERS", 10000)
	secs := envInt("GOVRRPD_CHECK_BENCH_SECONDS", 60)
	raiseNoFile(uint64(servers) + 8192)
	ports, stop := startFarm(b, servers)
	defer stop()
	var checkers []check.Checker
	for i, p := range ports {
		checkers = append(checkers, check.Checker{Kind: check.TCP, Source: srcpos.Make("bench", i),
			Target:    check.Target{Service: "192.0.2.10:80/TCP", Real: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), p)},
			DelayLoop: time.Second, Warmup: time.Second, ConnectTimeout: 5 * time.Second, Retry: 1, DelayBeforeRetry: time.Second})
	}
	for i := 0; i < b.N; i++ {
		downs := 0
		var probeNanos atomic.Int64
		s, err := check.NewScheduler(checkers, check.SinkFunc(func(r check.Result) {
			if !r.Up {
				downs++
			}
		}), check.Options{Logger: quiet, MaxConcurrent: envInt("GOVRRPD_CHECK_BENCH_CONCURRENCY", 0),
			NewProber: func(c check.Checker) (check.Prober, error) {
				p, err := check.New(c)
				return timed{p, &probeNanos}, err
			}})
		if err != nil {
			b.Fatal(err)
		}
		cpu0, rss0 := cpuSeconds(), peakRSSKiB()
		b.ResetTimer()
		s.Start(context.Background())
		time.Sleep(time.Duration(secs) * time.Second)
		s.Stop()
		b.StopTimer()
		cpu := cpuSeconds() - cpu0
		st := s.Stats()
		attempts, late, fails := st.Attempts.Load(), st.Late.Load(), st.Failures.Load()
		onTime := float64(attempts-late) / float64(max(attempts, 1)) * 100
		rate := float64(attempts) / float64(secs)
		b.ReportMetric(cpu, "cpu-s")
		b.ReportMetric(cpu/float64(max(attempts, 1))*1e6, "cpu-µs/check")
		b.ReportMetric(float64(peakRSSKiB())/1024, "peak-rss-MiB")
		b.ReportMetric(onTime, "%on-time")
		b.ReportMetric(float64(fails), "failures")
		fmt.Printf("govrrpd TCP_CHECK: %d servers, delay_loop 1s, %ds: %.2f CPU s (%.1f%% of one core, %.0f µs per check), peak RSS %.1f MiB (%.1f MiB before start), "+
			"%d checks (%.0f/s for %d/s nominal; next run is delay_loop after completion, as in keepalived), %.2f%% on time (late = started >100ms after due; max lateness %v), "+
			"mean probe %v, %d failed attempts, %d DOWN events; load average during run %s; "+
			"keepalived: its checker exits without ip_vs (\"IPVS: Can't initialize ipvs\"), not measured here\n",
			servers, secs, cpu, cpu/float64(secs)*100, cpu/float64(max(attempts, 1))*1e6, float64(peakRSSKiB())/1024, float64(rss0)/1024,
			attempts, rate, servers, onTime, time.Duration(st.MaxLateness.Load()).Round(time.Millisecond),
			(time.Duration(probeNanos.Load()) / time.Duration(max(attempts, 1))).Round(time.Microsecond), fails, downs, loadavg())
	}
}

func startFarm(b *testing.B, n int) ([]uint16, func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperListenerFarm$", "-test.count=1")
	cmd.Env = append(os.Environ(), farmEnv+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop := func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	var ports []uint16
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			return ports, stop
		}
		p, err := strconv.Atoi(line)
		if err != nil {
			stop()
			b.Fatalf("listener farm: %s", line)
		}
		ports = append(ports, uint16(p))
	}
	stop()
	b.Fatal("listener farm exited before it was ready")
	return nil, nil
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// peakRSSKiB reads VmHWM, the process's peak resident set.
func peakRSSKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// timed measures how long probes take, to tell a slow target from a slow
// scheduler.
type timed struct {
	p     check.Prober
	total *atomic.Int64
}

func (t timed) Probe(ctx context.Context) check.Outcome {
	start := time.Now()
	o := t.p.Probe(ctx)
	t.total.Add(int64(time.Since(start)))
	return o
}
