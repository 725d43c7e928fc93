package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// idleConf is one VRRP instance that becomes master alone on its link.
const idleConf = `global_defs {
    router_id idle
}
vrrp_instance VI_IDLE {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
}
`

// idleSettle is how long each daemon runs before its RSS is read: past
// the master-down interval (3.6 s) and start-up's garbage.
const idleSettle = 15 * time.Second

// runIdleRSS measures the resident memory of govrrpd and of keepalived
// (parent and VRRP child summed) running one master instance in a network
// namespace of their own, and prints the report's ROW line.
func runIdleRSS(ctx context.Context, dir string, o *options) error {
	if os.Getuid() != 0 {
		return writeRows(dir, "idle-rss needs root (network namespace); not measured")
	}
	conf := filepath.Join(dir, "idle.conf")
	if err := os.WriteFile(conf, []byte(idleConf), 0o644); err != nil {
		return err
	}
	gov, err := idleRSS(ctx, dir, o.govrrpd, conf)
	if err != nil {
		return fmt.Errorf("govrrpd: %w", err)
	}
	row := fmt.Sprintf(`ROW name="idle RSS, one VRRP instance (master, %v after start)" govrrpd="%.1f MB"`, idleSettle, gov/1024)
	ka, err := idleRSS(ctx, dir, "keepalived", conf)
	if err != nil {
		row += fmt.Sprintf(` target="≤ 1.00×" verdict=miss by="no keepalived figure: %s"`, strings.ReplaceAll(err.Error(), `"`, "'"))
	} else {
		ratio := gov / ka
		row += fmt.Sprintf(` keepalived="%.1f MB" ratio=%.2f target="≤ 1.00×"`, ka/1024, ratio)
		if v := ratioVerdict(ratio, 1); v == "pass" {
			row += " verdict=pass"
		} else {
			row += fmt.Sprintf(` verdict=miss by="%.0f %%"`, (ratio-1)*100)
		}
	}
	return writeRows(dir, row)
}

func writeRows(dir string, lines ...string) error {
	fmt.Println(strings.Join(lines, "\n"))
	return os.WriteFile(filepath.Join(dir, "stdout.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// idleRSS runs bin in a fresh namespace and returns its process tree's RSS
// in KiB after idleSettle.
func idleRSS(ctx context.Context, dir, bin, conf string) (float64, error) {
	ns := fmt.Sprintf("benchreport-%d-%d", os.Getpid(), rand.IntN(1_000_000))
	if err := ipNetns(ctx, ns); err != nil {
		return 0, err
	}
	defer exec.Command("ip", "netns", "del", ns).Run()
	name := filepath.Base(bin)
	pid := func(s string) string { return filepath.Join(dir, name+s+".pid") }
	log, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return 0, err
	}
	defer log.Close()
	args := []string{"netns", "exec", ns, bin, "-n", "-l", "-G", "-P", "-f", conf,
		"-p", pid(""), "-r", pid("-vrrp"), "-c", pid("-check"), "-b", pid("-bfd")}
	if name != "keepalived" {
		// The control socket stays on, as by default, but in the run's
		// directory: the host's /run/govrrpd is not the benchmark's.
		args = append(args, "--control-socket="+filepath.Join(dir, name+".sock"))
	}
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	select {
	case <-time.After(idleSettle):
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	if cmd.ProcessState != nil || cmd.Process.Signal(syscall.Signal(0)) != nil {
		return 0, fmt.Errorf("%s exited early (log %s)", name, log.Name())
	}
	return treeRSS(cmd.Process.Pid)
}

func ipNetns(ctx context.Context, ns string) error {
	for _, args := range [][]string{
		{"netns", "add", ns},
		{"-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0"},
		{"-n", ns, "link", "set", "eth0", "up"},
		{"-n", ns, "link", "set", "peer0", "up"},
		{"-n", ns, "addr", "add", "192.0.2.1/24", "dev", "eth0"},
	} {
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// treeRSS sums VmRSS (KiB) over pid and its descendants: keepalived's
// figure includes its VRRP child, as an operator's `ps` would show, and
// govrrpd's its operations helper (govrrpd-ops) whenever one runs.
func treeRSS(pid int) (float64, error) {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The parent pid is the 2nd field after the ")" that ends comm.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			children[pp] = append(children[pp], p)
		}
	}
	var total float64
	for todo := []int{pid}; len(todo) > 0; todo = todo[1:] {
		kib, err := vmRSS(todo[0])
		if err != nil {
			return 0, err
		}
		total += kib
		todo = append(todo, children[todo[0]]...)
	}
	return total, nil
}

func vmRSS(pid int) (float64, error) {
	v := procField(filepath.Join("/proc", strconv.Itoa(pid), "status"), "VmRSS")
	f := strings.Fields(v)
	if len(f) == 0 {
		return 0, fmt.Errorf("no VmRSS for pid %d", pid)
	}
	return strconv.ParseFloat(f[0], 64)
}
