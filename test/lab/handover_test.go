package lab_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// On SIGTERM govrrpd hands over make-before-break: the priority-0 advert
// goes out first, but the VIP stays on the old master until the backup
// has taken over and advertised, so the client keeps being answered.

const (
	handoverAdvert = 500 * time.Millisecond // v3 0.5 s: sub-second, safe under CI stalls
	handoverProbe  = 2 * time.Millisecond
	// handoverLate marks a probe lost only when its reply is this late, so
	// a stalled test process does not count as an outage.
	handoverLate = 50 * time.Millisecond
)

// handoverRun is what one SIGTERM of the master on r1 looked like.
type handoverRun struct {
	t0       time.Time
	added    lab.AddrEvent   // the VIP appearing on r2
	removed  lab.AddrEvent   // the VIP leaving r1
	advert   lab.AdvertSeen  // r2's first advert as master, heard by the client
	outage   lab.Outage      // what the client's probes saw
	log      string          // r1's log
	backup   string          // r2's address
	leftover map[string]bool // r1's pid files still on disk
}

// sigtermMaster runs govrrpd (with flags) as master on r1 and backup (govrrpd
// or keepalived) on r2, SIGTERMs r1 while a client probes the VIP, and
// records the order of events. It fails the test if r1 does not exit
// cleanly or leaves its VIP behind.
func sigtermMaster(t *testing.T, backup string, flags ...string) handoverRun {
	t.Helper()
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.5", 3 })
	r.startFull(0, "govrrpd", cs[0], nil, append([]string{"-P"}, flags...)...)
	r.waitMaster(vip4, 0, 4*handoverAdvert+2*time.Second)
	r.start(1, backup, cs[1])
	r.stable(vip4, 0, 3*handoverAdvert+500*time.Millisecond)

	watch, err := r.lab.WatchAddrs()
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	adverts, err := r.lab.Client.StartAdvertLog()
	if err != nil {
		t.Fatal(err)
	}
	defer adverts.Close()
	ping, err := r.lab.Client.StartPinger(vip4, handoverProbe)
	if err != nil {
		t.Fatal(err)
	}
	defer ping.Stop()
	waitAnswered(t, ping, 50, 3*time.Second)

	r1, r2 := r.lab.Routers[0], r.lab.Routers[1]
	run := handoverRun{t0: time.Now(), backup: r2.Addr4.String()}
	if err := r.procs["r1"].Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !r.procs["r1"].Wait(5*time.Second) || r.procs["r1"].ExitCode() != 0 {
		t.Fatalf("r1 did not exit cleanly on SIGTERM:\n%s", r.procs["r1"].LogText())
	}
	var ok bool
	if run.added, ok = watch.Wait(r2.Name, vip4, true, run.t0, 3*time.Second); !ok {
		t.Fatalf("%s on r2 never took the VIP", backup)
	}
	if run.removed, ok = watch.Wait(r1.Name, vip4, false, run.t0, time.Second); !ok {
		t.Fatal("r1 exited without removing its VIP (no rtnetlink deletion seen)")
	}
	if has, _ := r1.HasAddr(vip4); has {
		t.Fatal("r1 left the VIP behind on exit")
	}
	r.waitMaster(vip4, 1, time.Second)
	// govrrpd adds the VIP before its first advert: give the advert a moment.
	for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
		if run.advert, ok = adverts.FirstPrio(r2.Addr4, 51, 100, run.t0); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the client never heard r2 advertise as master")
		}
	}
	waitAnswered(t, ping, 50, 3*time.Second)
	run.outage = lab.MeasureOutage(ping.Probes(), run.t0, time.Now().Add(-handoverLate), handoverLate)
	run.log = r.procs["r1"].LogText()
	run.leftover = map[string]bool{}
	for _, f := range []string{"r1.pid", "r1-vrrp.pid"} {
		if _, err := os.Stat(filepath.Join(r.dir, f)); err == nil {
			run.leftover[f] = true
		}
	}
	t.Logf("SIGTERM → r2 VIP %v, r2 advert %v, r1 VIP off %v; client lost %d probes (outage %v)",
		run.added.At.Sub(run.t0).Round(time.Microsecond), run.advert.At.Sub(run.t0).Round(time.Microsecond),
		run.removed.At.Sub(run.t0).Round(time.Microsecond), run.outage.Lost, run.outage.Duration.Round(time.Microsecond))
	return run
}

// waitAnswered waits until the last n probes sent were all answered.
func waitAnswered(t *testing.T, ping *lab.Pinger, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		settled := time.Now().Add(-handoverLate)
		run := 0
		for _, p := range ping.Probes() {
			if p.Sent.After(settled) {
				break
			}
			if p.Recv.IsZero() || p.Recv.Sub(p.Sent) > handoverLate {
				run = 0
				continue
			}
			run++
		}
		if run >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the client was not answered %d times in a row within %v", n, timeout)
}

// checkMakeBeforeBreak asserts the handover order: the backup holds the VIP
// and has advertised before the old master lets go, r1 says it heard its
// successor, and the client hardly noticed.
func checkMakeBeforeBreak(t *testing.T, run handoverRun) {
	t.Helper()
	if !run.added.At.Before(run.removed.At) {
		t.Errorf("r1 removed the VIP %v before r2 added it", run.added.At.Sub(run.removed.At))
	}
	if !run.advert.At.Before(run.removed.At) {
		t.Errorf("r1 removed the VIP %v before r2's first advert as master", run.advert.At.Sub(run.removed.At))
	}
	want := "handover: successor " + run.backup + " heard after"
	if !strings.Contains(run.log, want) {
		t.Errorf("r1 did not log %q:\n%s", want, tail(run.log, 30))
	}
	if i, j := strings.Index(run.log, want), strings.LastIndex(run.log, "VIP removed"); i < 0 || j < i {
		t.Errorf("r1 removed its VIP before hearing its successor:\n%s", tail(run.log, 30))
	}
	if run.outage.Lost > 2 {
		t.Errorf("the client lost %d probes (outage %v) during a make-before-break handover", run.outage.Lost, run.outage.Duration)
	}
	if len(run.leftover) > 0 {
		t.Errorf("pid files left behind: %v", run.leftover)
	}
}

func TestSigtermHandoverMakeBeforeBreak(t *testing.T) {
	run := sigtermMaster(t, "govrrpd")
	checkMakeBeforeBreak(t, run)
}

// keepalived 2.2.7 as the backup: it takes over on the priority-0 advert as
// from any master, and govrrpd releases on hearing it.
func TestSigtermHandoverToKeepalived(t *testing.T) {
	needKeepalived(t)
	run := sigtermMaster(t, "keepalived")
	checkMakeBeforeBreak(t, run)
}

// --release-at-once is keepalived's way: the VIP goes with the priority-0
// advert, before the backup takes over, and the client goes unanswered in
// between.
func TestReleaseAtOnce(t *testing.T) {
	run := sigtermMaster(t, "govrrpd", "--release-at-once")
	if !run.removed.At.Before(run.added.At) {
		t.Errorf("--release-at-once: r1 kept the VIP until %v after r2 added it", run.removed.At.Sub(run.added.At))
	}
	if strings.Contains(run.log, "handover:") {
		t.Errorf("--release-at-once: r1 waited for a successor:\n%s", tail(run.log, 30))
	}
	if run.outage.Lost <= 2 {
		t.Errorf("--release-at-once: the client lost only %d probes; the VIP should have been nowhere for Skew_Time", run.outage.Lost)
	}
	if len(run.leftover) > 0 {
		t.Errorf("pid files left behind: %v", run.leftover)
	}
}

// A master with no peer keeps its VIP for the hold only, then releases and
// exits.
func TestSigtermHandoverNoSuccessor(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.5", 3 })[0]
	r.start(0, "govrrpd", c)
	r.waitMaster(vip4, 0, 4*handoverAdvert+2*time.Second)
	watch, err := r.lab.WatchAddrs()
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	t0 := time.Now()
	r.procs["r1"].Signal(syscall.SIGTERM)
	if !r.procs["r1"].Wait(5*time.Second) || r.procs["r1"].ExitCode() != 0 {
		t.Fatalf("r1 did not exit cleanly:\n%s", r.procs["r1"].LogText())
	}
	if has, _ := r.lab.Routers[0].HasAddr(vip4); has {
		t.Fatal("r1 left the VIP behind on exit")
	}
	// The hold is one advert interval + 100 ms; t0 precedes the signal,
	// so a VIP kept for the hold is removed at least that long after it.
	if gone, ok := watch.First("r1", vip4, false, t0); !ok {
		t.Error("no rtnetlink deletion of the VIP seen")
	} else if held := gone.At.Sub(t0); held < handoverAdvert+100*time.Millisecond {
		t.Errorf("r1 released its VIP %v after SIGTERM, before the hold ran out", held)
	}
	if log := r.procs["r1"].LogText(); !strings.Contains(log, "handover: no successor within") {
		t.Errorf("r1 did not log the hold running out:\n%s", tail(log, 30))
	}
}
