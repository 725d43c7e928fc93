package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// pair is one implementation on two routers: a master (priority 150) and
// the backup (100) that takes over when the master goes.
type pair struct {
	impl   string // govrrpd or keepalived
	bin    string
	hosts  [2]*lab.Host
	procs  [2]*lab.Proc
	kids   [2][]int // keepalived's VRRP child, looked up before any crash
	confs  [2]string
	vip    netip.Prefix
	vrid   int
	dir    string
	starts int
}

func newPair(impl, bin string, hosts [2]*lab.Host, vrid int, vip netip.Prefix, m mode, dir string) (*pair, error) {
	p := &pair{impl: impl, bin: bin, hosts: hosts, vip: vip, vrid: vrid, dir: dir}
	for i, h := range hosts {
		prio := prioMaster
		if i == 1 {
			prio = prioBackup
		}
		p.confs[i] = filepath.Join(dir, fmt.Sprintf("%s-%s.conf", impl, h.Name))
		if err := os.WriteFile(p.confs[i], []byte(instanceConf(h.Name, vrid, prio, vip.String(), m)), 0o644); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// start runs the daemon on router i with keepalived's own flags: -P since
// the host kernel has no IPVS, -D for timestamps to dig into a miss.
func (p *pair) start(i int) error {
	h := p.hosts[i]
	p.starts++
	run := filepath.Join(p.dir, fmt.Sprintf("%s-%s-%d", p.impl, h.Name, p.starts))
	args := []string{"-n", "-l", "-D", "-G", "-P", "-f", p.confs[i], "-p", run + ".pid", "-r", run + "-vrrp.pid",
		"-c", run + "-check.pid", "-b", run + "-bfd.pid"}
	proc, err := h.Start(run+".log", p.bin, args...)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", p.impl, h.Name, err)
	}
	p.procs[i], p.kids[i] = proc, nil
	if p.impl != "keepalived" {
		return nil
	}
	// keepalived forks its VRRP child; its pid is needed to crash the
	// whole tree, and must be known before t0 (notes/lab.md, pitfall 6).
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if pid, err := lab.ReadPidFile(run + "-vrrp.pid"); err == nil && pid != proc.PID() {
			p.kids[i] = []int{pid}
			return nil
		}
		if proc.Exited() {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("keepalived on %s: no VRRP child pid (log %s)", h.Name, proc.Log)
}

// holders lists which of the pair's routers hold the VIP.
func (p *pair) holders() []int {
	var out []int
	for i, h := range p.hosts {
		if ok, err := h.HasAddr(p.vip.Addr()); err == nil && ok {
			out = append(out, i)
		}
	}
	return out
}

// waitOnly waits until router i alone holds the VIP.
func (p *pair) waitOnly(ctx context.Context, i int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		h := p.holders()
		if len(h) == 1 && h[0] == i {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: after %v the VIP is on %v, want only %s", p.impl, timeout, h, p.hosts[i].Name)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// ensureMaster brings the pair to the state every run starts from: both
// daemons up, the master alone holding the VIP.
func (p *pair) ensureMaster(ctx context.Context, m mode) error {
	for i := range p.procs {
		if p.procs[i] == nil || p.procs[i].Exited() {
			if err := p.start(i); err != nil {
				return err
			}
		}
	}
	// A restarted master waits Master_Down_Interval before it preempts.
	return p.waitOnly(ctx, 0, 4*m.Advert+5*time.Second)
}
