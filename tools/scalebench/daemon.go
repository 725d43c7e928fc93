package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// daemon is one implementation running on one router, started by the
// benchmark and only ever signalled by its own PID.
type daemon struct {
	impl, router string
	cmd          *exec.Cmd
	done         chan struct{}
	log          string
}

// startDaemon runs bin in namespace ns with keepalived's own flags: -n to
// stay in the foreground, -l to log to the console (the log file), -P for
// the VRRP subsystem only (as the issue measured), and pid files in dir so
// that two daemons never share one; extra flags follow. govrrpd's control
// socket goes there too: by default both routers' daemons would take
// /run/govrrpd/control.sock on the host, the second from the first.
func startDaemon(impl, bin, router, ns, conf, dir string, extra ...string) (*daemon, error) {
	base := filepath.Join(dir, impl+"-"+router)
	f, err := os.Create(base + ".log")
	if err != nil {
		return nil, err
	}
	args := []string{"netns", "exec", ns, bin, "-n", "-l", "-P", "-f", conf,
		"-p", base + ".pid", "-r", base + "-vrrp.pid", "-c", base + "-check.pid", "-b", base + "-bfd.pid"}
	if impl == "govrrpd" {
		args = append(args, "--control-socket", base+"-control.sock")
	}
	args = append(args, extra...)
	c := exec.Command("ip", args...) // ip netns exec execs bin: the PID is the daemon's
	c.Stdout, c.Stderr = f, f
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s on %s: %w", impl, router, err)
	}
	d := &daemon{impl: impl, router: router, cmd: c, done: make(chan struct{}), log: base + ".log"}
	go func() {
		_ = c.Wait()
		f.Close()
		close(d.done)
	}()
	return d, nil
}

func (d *daemon) pid() int { return d.cmd.Process.Pid }

func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits up to grace (a master hands over each
// instance first), then kills the process.
func (d *daemon) stop(grace time.Duration) error {
	if d.exited() {
		return fmt.Errorf("%s on %s had already exited (log %s)", d.impl, d.router, d.log)
	}
	_ = syscall.Kill(d.pid(), syscall.SIGTERM)
	select {
	case <-d.done:
		return nil
	case <-time.After(grace):
	}
	_ = syscall.Kill(d.pid(), syscall.SIGKILL)
	<-d.done
	return fmt.Errorf("%s on %s did not stop within %v of SIGTERM; killed", d.impl, d.router, grace)
}

// loadAvg is /proc/loadavg's first three fields: the machine is shared, so
// every figure is printed beside the load it was measured under.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
