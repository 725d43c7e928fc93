package reliability

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// faultSetup: VRRPv3 at 100 ms keeps each fault case a few seconds long.
var faultSetup = setup{Version: 3, Advert: 100 * time.Millisecond}

// until polls cond every 2 ms for up to d and returns how long it took.
func until(d time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > d {
			return time.Since(start), false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (r *rig) onlyMaster(i int) func() bool {
	return func() bool { h := r.holders(); return len(h) == 1 && h[0] == i }
}

// clientFollows waits for the client's neighbour entry for the VIP to
// name router i's MAC.
func (r *rig) clientFollows(i int, d time.Duration) (time.Duration, bool) {
	mac, err := r.r[i].MAC()
	if err != nil {
		r.t.Fatal(err)
	}
	return until(d, func() bool { n, err := r.client.Neighbour(vip); return err == nil && n == mac })
}

// children are the processes router i's daemon forked: keepalived's VRRP
// child, which a signal to the parent alone does not stop.
func (r *rig) children(i int) []int {
	if r.impl.name != "keepalived" {
		return nil
	}
	pid, err := lab.ReadPidFile(r.base[i] + "-vrrp.pid")
	if err != nil {
		r.t.Fatal(err)
	}
	return []int{pid}
}

func signalAll(t *testing.T, pids []int, sig syscall.Signal) {
	for _, p := range pids {
		if err := syscall.Kill(p, sig); err != nil {
			t.Errorf("signal %v to %d: %v", sig, p, err)
		}
	}
}

// crash kills r1's daemon as if the host died (keepalived: its VRRP child
// too, frozen first), dropping the VIP with it.
func (r *rig) crash() {
	if err := r.procs[0].CrashTree(r.children(0), vipPfx); err != nil {
		r.t.Fatal(err)
	}
}

// TestFaults: kill -9, SIGSTOP 5 s, link flapping, 30 % loss and repeated
// partitions of the master. Each ends with r1 the only master again, and
// the client following it.
func TestFaults(t *testing.T) {
	set := faultSetup
	mdi := set.masterDown()
	for _, impl := range implementations(t) {
		t.Run(impl.name, func(t *testing.T) {
			r := newRig(t, impl, set)
			ping, err := r.client.StartPinger(vip, 10*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			defer ping.Stop()

			r.crash()
			took, ok := until(mdi+time.Second, r.onlyMaster(1))
			result(t, impl.name, fmt.Sprintf("kill -9 of the master: backup alone holds the VIP after %v (Master_Down_Interval %v)",
				took.Round(time.Millisecond), mdi), ok && took <= mdi+100*time.Millisecond)
			r.start(0)
			if err := r.waitOnly(0, 2*mdi+5*time.Second); err != nil {
				t.Fatal(err)
			}

			kids := r.children(0)
			r.signal(0, syscall.SIGSTOP)
			signalAll(t, kids, syscall.SIGSTOP)
			time.Sleep(5 * time.Second)
			tookOver := r.failovers(time.Now().Add(-5*time.Second), time.Now()) > 0
			signalAll(t, kids, syscall.SIGCONT)
			r.signal(0, syscall.SIGCONT)
			took, ok = until(2*mdi+time.Second, r.onlyMaster(0))
			result(t, impl.name, fmt.Sprintf("SIGSTOP 5 s: backup took over %v; after SIGCONT r1 alone master in %v",
				tookOver, took.Round(time.Millisecond)), tookOver && ok && took <= mdi)

			flapFor := pick(5*time.Second, 20*time.Second)
			from := time.Now()
			for time.Since(from) < flapFor {
				_ = r.r[0].SetLink(false)
				time.Sleep(100 * time.Millisecond)
				_ = r.r[0].SetLink(true)
				time.Sleep(100 * time.Millisecond)
			}
			took, ok = until(2*mdi+time.Second, r.onlyMaster(0))
			result(t, impl.name, fmt.Sprintf("link flap every 200 ms for %v: %d VIP adds on the backup; r1 alone master %v after the last flap",
				flapFor, r.failovers(from, time.Now()), took.Round(time.Millisecond)), ok && took <= mdi+200*time.Millisecond)

			r.loss(t, pick(15*time.Second, 60*time.Second))
			r.partitions(t, pick(3, 20))
		})
	}
}

// addLoss drops pct % of the frames leaving dev in namespace ns: tc netem
// where the kernel has it, else nftables' netdev egress hook with a random
// number (this machine's kernel has no sch_netem). It returns the method
// and how to undo it.
func addLoss(ns, dev string, pct int) (string, func() error, error) {
	run := func(name string, args ...string) error {
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			return fmt.Errorf("%s %v: %w: %s", name, args, err, out)
		}
		return nil
	}
	if run("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "netem", "loss", fmt.Sprintf("%d%%", pct)) == nil {
		return "tc netem", func() error { return run("tc", "-n", ns, "qdisc", "del", "dev", dev, "root") }, nil
	}
	table := "gvloss"
	rules := fmt.Sprintf("table netdev %s {\n chain egress {\n  type filter hook egress device %q priority 0;\n  numgen random mod 100 < %d drop\n }\n}\n", table, dev, pct)
	cmd := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(rules)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("neither tc netem nor nft netdev egress: %w: %s", err, out)
	}
	return "nft egress numgen", func() error { return run("ip", "netns", "exec", ns, "nft", "delete", "table", "netdev", table) }, nil
}

// loss drops 30 % of r1's outgoing frames for d, then checks that r1 ends
// as the only master and the client follows it.
func (r *rig) loss(t *testing.T, d time.Duration) {
	how, undo, err := addLoss(r.r[0].NS, r.r[0].If, 30)
	if err != nil {
		result(t, r.impl.name, "30 % loss: not measured: "+err.Error(), false)
		return
	}
	from := time.Now()
	time.Sleep(d)
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	fails := r.failovers(from, time.Now())
	took, ok := until(2*r.set.masterDown()+time.Second, r.onlyMaster(0))
	follow, fok := r.clientFollows(0, time.Second)
	result(t, r.impl.name, fmt.Sprintf("30 %% loss on r1 for %v (%s): %d false failovers; then r1 alone master in %v, client on r1's MAC %v later",
		d, how, fails, took.Round(time.Millisecond), follow.Round(time.Millisecond)), ok && fok && follow <= 100*time.Millisecond)
}

// partitions cuts r1 off the segment for 10 s, n times. After each heal
// exactly one master must remain within one Master_Down_Interval, and the
// client must follow it within 100 ms.
func (r *rig) partitions(t *testing.T, n int) {
	mdi := r.set.masterDown()
	good := 0
	var worst, worstFollow time.Duration
	for run := 0; run < n; run++ {
		if err := r.r[0].SetPartition(true); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Second)
		if err := r.r[0].SetPartition(false); err != nil {
			t.Fatal(err)
		}
		took, ok := until(mdi+time.Second, r.onlyMaster(0))
		follow, fok := r.clientFollows(0, time.Second)
		worst, worstFollow = max(worst, took), max(worstFollow, follow)
		if ok && fok && took <= mdi && follow <= 100*time.Millisecond {
			good++
		}
		_ = r.waitOnly(0, 2*mdi)
	}
	result(t, r.impl.name, fmt.Sprintf("10 s partition then heal × %d: %d/%d runs with one master within %v and the client following within 100 ms (worst %v, client %v)",
		n, good, n, mdi, worst.Round(time.Millisecond), worstFollow.Round(time.Millisecond)), good == n)
}
