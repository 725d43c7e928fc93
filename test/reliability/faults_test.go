package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
// partitions of the master. Each is a subtest on the same lab (so
// -run 'TestFaults/govrrpd/loss' repeats one case) that starts and ends
// with r1 the only master, and checks the client follows it.
func TestFaults(t *testing.T) {
	set := faultSetup
	for _, impl := range implementations(t) {
		t.Run(impl.name, func(t *testing.T) {
			r := newRig(t, impl, set)
			ping, err := r.client.StartPinger(vip, 10*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			defer ping.Stop()
			cases := []struct {
				name string
				run  func(*testing.T)
			}{
				{"kill", r.kill},
				{"sigstop", r.sigstop},
				{"flap", r.flap},
				{"loss", func(t *testing.T) { r.loss(t, pick(15*time.Second, 60*time.Second)) }},
				{"partitions", func(t *testing.T) { r.partitions(t, pick(3, 20)) }},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if err := r.waitOnly(0, 2*set.masterDown()+5*time.Second); err != nil {
						t.Fatal(err)
					}
					c.run(t)
				})
			}
		})
	}
}

// kill: kill -9 of the master; the backup must take over within one
// Master_Down_Interval (and a scheduling margin), then r1 comes back.
func (r *rig) kill(t *testing.T) {
	mdi := r.set.masterDown()
	r.crash()
	took, ok := until(mdi+time.Second, r.onlyMaster(1))
	result(t, r.impl.name, fmt.Sprintf("kill -9 of the master: backup alone holds the VIP after %v (Master_Down_Interval %v)",
		took.Round(time.Millisecond), mdi), ok && took <= mdi+100*time.Millisecond)
	r.start(0)
}

// sigstop freezes r1's daemon for 5 s: the backup takes over, and r1 is
// the only master again within one Master_Down_Interval of SIGCONT.
func (r *rig) sigstop(t *testing.T) {
	mdi := r.set.masterDown()
	kids := r.children(0)
	r.signal(0, syscall.SIGSTOP)
	signalAll(t, kids, syscall.SIGSTOP)
	time.Sleep(5 * time.Second)
	tookOver := r.failovers(time.Now().Add(-5*time.Second), time.Now()) > 0
	signalAll(t, kids, syscall.SIGCONT)
	r.signal(0, syscall.SIGCONT)
	took, ok := until(2*mdi+time.Second, r.onlyMaster(0))
	result(t, r.impl.name, fmt.Sprintf("SIGSTOP 5 s: backup took over %v; after SIGCONT r1 alone master in %v",
		tookOver, took.Round(time.Millisecond)), tookOver && ok && took <= mdi)
}

// flap takes r1's bridge port down and up every 200 ms.
func (r *rig) flap(t *testing.T) {
	mdi := r.set.masterDown()
	flapFor := pick(5*time.Second, 20*time.Second)
	from := time.Now()
	for time.Since(from) < flapFor {
		_ = r.r[0].SetLink(false)
		time.Sleep(100 * time.Millisecond)
		_ = r.r[0].SetLink(true)
		time.Sleep(100 * time.Millisecond)
	}
	took, ok := until(2*mdi+time.Second, r.onlyMaster(0))
	result(t, r.impl.name, fmt.Sprintf("link flap every 200 ms for %v: %d VIP adds on the backup; r1 alone master %v after the last flap",
		flapFor, r.failovers(from, time.Now()), took.Round(time.Millisecond)), ok && took <= mdi+200*time.Millisecond)
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
// as the only master and the client follows it. What the client heard is
// kept (trail-loss.txt in the rig's directory) and printed on a miss.
func (r *rig) loss(t *testing.T, d time.Duration) {
	tr, err := r.newTrail()
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
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
	end := time.Now()
	tr.note("loss removed")
	fails := r.failovers(from, end)
	took, ok := until(2*r.set.masterDown()+time.Second, r.onlyMaster(0))
	tr.note("r1 alone master")
	follow, fok := r.clientFollows(0, time.Second)
	tr.note("client check done")
	pass := ok && fok && follow <= 100*time.Millisecond
	result(t, r.impl.name, fmt.Sprintf("30 %% loss on r1 for %v (%s): %d false failovers; then r1 alone master in %v, client on r1's MAC %v later",
		d, how, fails, took.Round(time.Millisecond), follow.Round(time.Millisecond)), pass)
	text := tr.since(end.Add(-pick(5*time.Second, 10*time.Second)))
	_ = os.WriteFile(filepath.Join(r.dir, "trail-loss.txt"), []byte(tr.since(from)), 0o644)
	if !pass {
		t.Logf("%s: what the client heard before and after the loss ended (at +%v):\n%s", r.impl.name, pick(5*time.Second, 10*time.Second), text)
	}
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
