package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// directorConf is director i's keepalived.conf: one virtual server on the
// VIP, DR, the case's scheduler, TCP_CHECK on every real server. The real
// servers are listed rotated by i, so that each director's file has them
// in another order: govrrpd adds a new service's real servers in address
// order, which is what keeps the directors' Maglev tables identical.
func directorConf(i, reals int, k kase) string {
	var b strings.Builder
	fmt.Fprintf(&b, "global_defs {\n    router_id d%d\n}\n", i+1)
	fmt.Fprintf(&b, "virtual_server %s %d {\n    delay_loop 2\n    lb_algo %s\n", vip, vipPort, k.sched)
	if k.sched == "mh" {
		// Hash the client's port too, not only its address: one client's
		// connections spread over the real servers.
		b.WriteString("    mh-port\n")
	}
	if k.inhibit {
		// A failed real server keeps its place in the kernel's list.
		b.WriteString("    mh-fallback\n    inhibit_on_failure\n")
	}
	b.WriteString("    lb_kind DR\n    protocol TCP\n")
	for k := range reals {
		// A generous timeout and a retry: a check that fails only because
		// the loaded VM was slow would change the table under the flows.
		fmt.Fprintf(&b, "    real_server %s %d {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 10\n            retry 2\n            delay_before_retry 1\n        }\n    }\n",
			realAddr((k+i)%reals), vipPort)
	}
	b.WriteString("}\n")
	return b.String()
}

// daemon is govrrpd running in a director's namespace.
type daemon struct {
	node   *node
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
}

// startDirector runs govrrpd's checker (-C: IPVS and health checks, which
// is all a BGP-announced director needs here) in d's namespace.
func startDirector(bin, dir string, d *node, conf string) (*daemon, error) {
	base := filepath.Join(dir, d.name)
	if err := os.WriteFile(base+".conf", []byte(conf), 0o644); err != nil {
		return nil, err
	}
	lf, err := os.Create(base + ".log")
	if err != nil {
		return nil, err
	}
	defer lf.Close()
	cmd := exec.Command(bin, "-n", "-l", "-G", "-C", "-f", base+".conf", "-p", base+".pid",
		"-c", base+"-check.pid", "-r", base+"-vrrp.pid", "-b", base+"-bfd.pid")
	cmd.Stdout, cmd.Stderr = lf, lf
	// A child forked from a thread in d's namespace starts there.
	if err := inNS(d.ns, cmd.Start); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", d.name, bin, err)
	}
	g := &daemon{node: d, cmd: cmd, log: base + ".log", exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(g.exited) }()
	return g, nil
}

// waitTable polls the director's IPVS table until it holds the service
// and every real server.
func (g *daemon) waitTable(reals int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-g.exited:
			return fmt.Errorf("%s: govrrpd exited:\n%s", g.node.name, tail(g.log))
		default:
		}
		var b []byte
		if err := inNS(g.node.ns, func() (err error) { b, err = os.ReadFile("/proc/thread-self/net/ip_vs"); return err }); err != nil {
			return fmt.Errorf("%s: %w", g.node.name, err)
		}
		s, n := lab.IPVSCounts(b)
		if s == 1 && n == reals {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: after %v IPVS holds %d services, %d real servers; want 1, %d; log:\n%s",
				g.node.name, limit, s, n, reals, tail(g.log))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// kill ends the daemon's whole tree at once: a crash, no clean-up.
func (g *daemon) kill() {
	if s, err := lab.SampleTree("/proc", g.cmd.Process.Pid); err == nil {
		for _, pid := range s.PIDs {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	_ = g.cmd.Process.Kill()
	<-g.exited
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	l := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(l[max(0, len(l)-15):], "\n")
}
