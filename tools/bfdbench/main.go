package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// The measured setup: BFD 50 ms × 3; VRRPv3 every 100 ms, r2 at priority
// 100 (Master_Down_Interval 300 ms + 61 ms skew).
const (
	interval   = 50 * time.Millisecond
	mult       = 3
	masterDown = 361 * time.Millisecond
	target     = mult*interval + masterDown + 10*time.Millisecond
)

var vip = netip.MustParseAddr("192.0.2.200")

func main() {
	bin := flag.String("govrrpd", os.Getenv("GOVRRPD_BIN"), "govrrpd binary (default $GOVRRPD_BIN)")
	ka := flag.String("keepalived", "keepalived", "keepalived binary")
	trials := flag.Int("trials", 5, "trials per implementation")
	flag.Parse()
	if err := run(*bin, *ka, *trials); err != nil {
		fmt.Fprintln(os.Stderr, "bfdbench:", err)
		os.Exit(1)
	}
}

func run(bin, ka string, trials int) error {
	if err := lab.Supported(); err != nil {
		return fmt.Errorf("%w (run as root)", err)
	}
	if bin == "" {
		return errors.New("no govrrpd binary: set GOVRRPD_BIN or -govrrpd")
	}
	if _, err := exec.LookPath(ka); err != nil {
		return fmt.Errorf("keepalived is needed for the gateway's BFD: %w", err)
	}
	dir, err := os.MkdirTemp("", "bfdbench-")
	if err != nil {
		return err
	}
	fmt.Printf("logs in %s\n", dir)
	res := map[string][]time.Duration{}
	impls := map[string]string{"govrrpd": bin, "keepalived": ka}
	for k := range trials {
		for _, impl := range []string{"govrrpd", "keepalived"} {
			d, err := trial(dir, impl, impls[impl], ka, k)
			if err != nil {
				return fmt.Errorf("%s trial %d: %w", impl, k+1, err)
			}
			fmt.Printf("trial %d %-10s VIP moved %s after the gateway died\n", k+1, impl, d.Round(100*time.Microsecond))
			res[impl] = append(res[impl], d)
		}
	}
	g, k := median(res["govrrpd"]), median(res["keepalived"])
	ratio := float64(g) / float64(k)
	verdict := "miss"
	if g <= target {
		verdict = "pass"
	}
	fmt.Printf("\nVIP moved after a tracked gateway died (BFD %s x %d, VRRPv3 100 ms), median of %d:\n", interval, mult, trials)
	fmt.Printf("  govrrpd %s  keepalived %s  ratio %.2f  target <= %s (detection %s + Master_Down %s + 10 ms): %s\n",
		ms(g), ms(k), ratio, ms(target), ms(mult*interval), ms(masterDown), verdict)
	fmt.Printf("ROW name=\"VIP moved after tracked gateway died (BFD 50 ms x 3)\" govrrpd=%s keepalived=%s ratio=%.2f target=\"<=%s\" verdict=%s\n",
		ms(g), ms(k), ratio, ms(target), verdict)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// trial builds a fresh lab, runs r1 (priority 150, track_bfd weight -100)
// and r2 (100) with impl and the gateway's keepalived BFD on r3, waits for
// r1 to hold the VIP, kills the gateway and times the VIP's arrival on r2.
func trial(dir, impl, bin, ka string, k int) (time.Duration, error) {
	l, err := lab.New(lab.Config{Routers: 3})
	if err != nil {
		return 0, err
	}
	defer func() {
		if err := l.Close(); err != nil {
			slog.Error("lab cleanup", "err", err)
		}
	}()
	r1, r2, gw := l.Routers[0], l.Routers[1], l.Routers[2]
	tag := fmt.Sprintf("%s-%d", impl, k+1)
	start := func(h *lab.Host, bin, conf string) (*lab.Proc, error) {
		base := filepath.Join(dir, tag+"-"+h.Name)
		if err := os.WriteFile(base+".conf", []byte(conf), 0o644); err != nil {
			return nil, err
		}
		args := []string{"-n", "-l", "-D", "-G", "-P", "-f", base + ".conf", "-p", base + ".pid",
			"-r", base + "-vrrp.pid", "-c", base + "-check.pid", "-b", base + "-bfd.pid"}
		if bin != ka {
			args = append(args, "--control-socket", base+".sock")
		}
		return h.Start(base+".log", bin, args...)
	}
	var procs []*lab.Proc
	defer func() {
		for _, p := range procs {
			p.Stop(2 * time.Second)
		}
	}()
	for _, c := range []struct {
		h         *lab.Host
		bin, conf string
	}{
		{r1, bin, bfdConf("gw", gw.Addr4) + instance(150, "track_bfd {\n        gw weight -100\n    }")},
		{r2, bin, instance(100, "")},
		{gw, ka, bfdConf("r1", r1.Addr4)},
	} {
		p, err := start(c.h, c.bin, c.conf)
		if err != nil {
			return 0, err
		}
		procs = append(procs, p)
	}
	// r1 must hold the VIP through a settled second (both sides' 50 ms
	// timers, and no flap left over from the session's start).
	for settled := false; !settled; {
		if err := waitHolder(l, 0, 30*time.Second); err != nil {
			return 0, err
		}
		time.Sleep(time.Second)
		has1, _ := r1.HasAddr(vip)
		has2, _ := r2.HasAddr(vip)
		settled = has1 && !has2
	}
	gwp := procs[2]
	_ = syscall.Kill(-gwp.PID(), syscall.SIGSTOP)
	killed := time.Now()
	_ = syscall.Kill(-gwp.PID(), syscall.SIGKILL)
	if err := waitHolder(l, 1, 10*time.Second); err != nil {
		return 0, err
	}
	return time.Since(killed), nil
}

// waitHolder polls every millisecond until router i alone holds the VIP.
func waitHolder(l *lab.Lab, i int, timeout time.Duration) error {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		alone := true
		for j, h := range l.Routers[:2] {
			has, err := h.HasAddr(vip)
			if err != nil {
				return err
			}
			alone = alone && has == (j == i)
		}
		if alone {
			return nil
		}
	}
	return fmt.Errorf("r%d did not become the only holder of %s within %s", i+1, vip, timeout)
}

func bfdConf(name string, neighbor netip.Addr) string {
	return fmt.Sprintf("bfd_instance %s {\n    neighbor_ip %s\n    min_rx %d\n    min_tx %d\n    multiplier %d\n}\n",
		name, neighbor, interval.Milliseconds(), interval.Milliseconds(), mult)
}

func instance(prio int, extra string) string {
	return fmt.Sprintf("vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n"+
		"    priority %d\n    advert_int 0.1\n    version 3\n    %s\n    virtual_ipaddress {\n        %s/24\n    }\n}\n",
		prio, extra, vip)
}
