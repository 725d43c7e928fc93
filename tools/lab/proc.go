package lab

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
)

// Proc is a process the lab started in a namespace. Only processes started
// here are ever signalled, and always by their own PID.
type Proc struct {
	Host *Host
	Cmd  *exec.Cmd
	Log  string // path of the combined stdout/stderr
	done chan struct{}
	err  error
}

// Start runs name with args inside h's namespace, logging to logPath.
// `ip netns exec` execs the command, so the PID is the program's own.
func (h *Host) Start(logPath, name string, args ...string) (*Proc, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c := h.Command(context.Background(), name, args...)
	c.Stdout, c.Stderr = f, f
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s in %s: %w", name, h.Name, err)
	}
	p := &Proc{Host: h, Cmd: c, Log: logPath, done: make(chan struct{})}
	go func() {
		p.err = c.Wait()
		f.Close()
		close(p.done)
	}()
	h.lab.procs = append(h.lab.procs, p)
	return p, nil
}

// PID is the process id.
func (p *Proc) PID() int { return p.Cmd.Process.Pid }

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) error {
	if p.Exited() {
		return nil
	}
	return syscall.Kill(p.PID(), sig)
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits up to d for the process to end.
func (p *Proc) Wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// ExitCode is the exit status once the process has ended (-1 if killed).
func (p *Proc) ExitCode() int {
	<-p.done
	return p.Cmd.ProcessState.ExitCode()
}

// Stop asks the process to end (SIGTERM) and kills it after grace.
func (p *Proc) Stop(grace time.Duration) {
	if p.Exited() {
		return
	}
	_ = p.Signal(syscall.SIGTERM)
	if !p.Wait(grace) {
		_ = p.Signal(syscall.SIGKILL)
		p.Wait(grace)
	}
}

// Crash emulates a host dying: the process is frozen, then killed, so it
// has no chance to send a priority-0 advert or remove its addresses.
func (p *Proc) Crash() {
	_ = p.Signal(syscall.SIGSTOP)
	_ = p.Signal(syscall.SIGKILL)
	p.Wait(5 * time.Second)
}

// LogText returns what the process has written so far.
func (p *Proc) LogText() string {
	b, _ := os.ReadFile(p.Log)
	return string(b)
}

// Neighbour returns the link-layer address h has cached for addr ("" if
// none or not usable).
func (h *Host) Neighbour(addr netip.Addr) (string, error) {
	nh, err := h.handle()
	if err != nil {
		return "", err
	}
	fam := netlink.FAMILY_V4
	if addr.Is6() {
		fam = netlink.FAMILY_V6
	}
	list, err := nh.NeighList(0, fam)
	if err != nil {
		return "", err
	}
	for _, n := range list {
		if ip, ok := netip.AddrFromSlice(n.IP); ok && ip.Unmap() == addr && n.HardwareAddr != nil &&
			n.State&(netlink.NUD_FAILED|netlink.NUD_INCOMPLETE) == 0 {
			return n.HardwareAddr.String(), nil
		}
	}
	return "", nil
}

// FlushAddr removes addr from h's interface (used to emulate what a crashed
// host's addresses look like once it is gone).
func (h *Host) FlushAddr(p netip.Prefix) error {
	_, err := h.Run("ip", "addr", "del", p.String(), "dev", h.If)
	return err
}

// StartEnv is Start with extra environment variables.
func (h *Host) StartEnv(logPath string, env []string, name string, args ...string) (*Proc, error) {
	h.env = env
	defer func() { h.env = nil }()
	return h.Start(logPath, name, args...)
}

// RunEnv is Run with extra environment variables.
func (h *Host) RunEnv(env []string, name string, args ...string) (string, error) {
	h.env = env
	defer func() { h.env = nil }()
	return h.Run(name, args...)
}
