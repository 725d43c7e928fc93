package track

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// uniqueTag is an extra sleep argument (sleep adds up its arguments, so it
// must be a number) that no other process on the machine carries.
func uniqueTag() string {
	return fmt.Sprintf("0.%d%09d", os.Getpid(), time.Now().UnixNano()%1e9)
}

// spawn starts `sleep 600 TAG` (argv[0] "sleep") and kills it at cleanup.
func spawn(t *testing.T, tag string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "600", tag)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Kill()
	cmd.Wait() // reaped: no zombie left to be (not) counted
}

func upIs(up bool) func(Result) bool { return func(r Result) bool { return r.Up == up } }

func TestTrackProcessQuorumAndDelays(t *testing.T) {
	checkNoLeak(t)
	tag := uniqueTag()
	pt := vrrp.ProcessTracker{Name: "sl", Process: "sleep", Params: []string{"600", tag}, Quorum: 2,
		TerminateDelay: 400 * time.Millisecond}
	other := vrrp.ProcessTracker{Name: "none", Process: "sleep", Params: []string{"600", tag + "1"}, Quorum: 1}
	rec := newRecorder()
	a := spawn(t, tag)
	p := startProbes(t, Settings{Processes: []vrrp.ProcessTracker{pt, other}}, rec)
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindProcess, "sl", 2*time.Second, upIs(false)) // 1 of 2
	rec.waitResult(t, vrrp.TrackKindProcess, "none", 2*time.Second, upIs(false))

	start := time.Now()
	b := spawn(t, tag)
	rec.waitResult(t, vrrp.TrackKindProcess, "sl", 2*time.Second, upIs(true))
	t.Logf("quorum reached %s after the second process started (scan every 20 ms)", time.Since(start))

	// Losing quorum waits terminate_delay; a replacement in time cancels it.
	kill(t, a)
	time.Sleep(150 * time.Millisecond)
	c := spawn(t, tag)
	time.Sleep(500 * time.Millisecond)
	if got := rec.results(vrrp.TrackKindProcess, "sl"); len(got) != 2 {
		t.Fatalf("a process replaced within terminate_delay was reported: %v", got)
	}
	start = time.Now()
	kill(t, b)
	rec.waitResult(t, vrrp.TrackKindProcess, "sl", 3*time.Second, upIs(false))
	if took := time.Since(start); took < 350*time.Millisecond {
		t.Fatalf("quorum loss reported after %s, before terminate_delay (400ms)", took)
	}
	kill(t, c)
	if got := rec.results(vrrp.TrackKindProcess, "none"); len(got) != 1 {
		t.Fatalf("non-matching parameters counted: %v", got)
	}
}

func TestTrackProcessMustNotRun(t *testing.T) {
	checkNoLeak(t)
	tag := uniqueTag()
	pt := vrrp.ProcessTracker{Name: "never", Process: "sleep", FullCommand: true, Params: []string{"600", tag},
		QuorumMax: 0, QuorumMaxSet: true, Quorum: 1}
	rec := newRecorder()
	p := startProbes(t, Settings{Processes: []vrrp.ProcessTracker{pt}}, rec)
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindProcess, "never", 2*time.Second, upIs(true))
	a := spawn(t, tag)
	rec.waitResult(t, vrrp.TrackKindProcess, "never", 2*time.Second, upIs(false))
	kill(t, a)
	rec.waitResult(t, vrrp.TrackKindProcess, "never", 2*time.Second, upIs(true))
}

// The comm match sees our own test binary: its comm is the first 15 bytes
// of the executable's name.
func TestTrackProcessComm(t *testing.T) {
	checkNoLeak(t)
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip(err)
	}
	comm := string(b[:len(b)-1])
	rec := newRecorder()
	p := startProbes(t, Settings{Processes: []vrrp.ProcessTracker{
		{Name: "self", Process: comm, Quorum: 1},
		{Name: "selfx", Process: comm + "x", Quorum: 1},
	}}, rec)
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindProcess, "self", 2*time.Second, upIs(true))
	rec.waitResult(t, vrrp.TrackKindProcess, "selfx", 2*time.Second, upIs(false))
}

// BenchmarkProcScan measures one /proc scan with a comm and a cmdline
// tracker, the cost paid every scan period.
func BenchmarkProcScan(b *testing.B) {
	tab := newProcTable([]procMatcher{
		newProcMatcher(vrrp.ProcessTracker{Process: "nginx"}),
		newProcMatcher(vrrp.ProcessTracker{Process: "/usr/sbin/haproxy", Params: []string{"-f"}, ParamMatch: "partial"}),
	})
	counts := make([]int, 2)
	entries, _ := os.ReadDir("/proc")
	procs := 0
	for _, e := range entries {
		if e.Name()[0] >= '1' && e.Name()[0] <= '9' {
			procs++
		}
	}
	// CPU time, not wall time: the figure that matters is what a scan
	// costs the machine, and wall time on a shared box includes waiting.
	before, n := cpuTime(), 0
	for b.Loop() {
		if err := tab.scan(counts); err != nil {
			b.Fatal(err)
		}
		n++
	}
	per := (cpuTime() - before) / time.Duration(n)
	b.ReportMetric(float64(procs), "procs")
	b.ReportMetric(float64(per.Microseconds()), "cpu-µs/scan")
	b.ReportMetric(float64(per)/float64(defaultProcScan)*100, "%cpu@100ms")
}

func cpuTime() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
