package lab

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
)

// ReadPidFile returns the pid a daemon wrote to path.
func ReadPidFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("pid file %s: %w", path, err)
	}
	return pid, nil
}

// parentOf reads the parent pid from /proc/PID/stat.
func parentOf(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: skip past the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if i < 0 || len(f) < 2 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return strconv.Atoi(f[1])
}

// CrashTree emulates the host dying under a daemon that forks (keepalived
// runs a VRRP child): freeze the parent and the given children, remove
// drop from the interface as the dead host's addresses vanish, then kill.
// Freezing first matters: killing the parent alone lets keepalived's child
// shut down cleanly through the parent-death signal, and killing the child
// alone makes the parent respawn it (notes/lab.md). Look the children up
// before the moment being measured; children that are not p's are refused.
func (p *Proc) CrashTree(children []int, drop ...netip.Prefix) error {
	for _, c := range children {
		if pp, err := parentOf(c); err != nil || pp != p.PID() {
			return fmt.Errorf("crash %s: pid %d is not a child of %d (parent %d, %v)", p.Host.Name, c, p.PID(), pp, err)
		}
	}
	_ = p.Signal(syscall.SIGSTOP)
	for _, c := range children {
		_ = syscall.Kill(c, syscall.SIGSTOP)
	}
	var errs []string
	for _, a := range drop {
		if err := p.Host.dropAddr(a); err != nil {
			errs = append(errs, err.Error())
		}
	}
	for _, c := range children {
		_ = syscall.Kill(c, syscall.SIGKILL)
	}
	_ = p.Signal(syscall.SIGKILL)
	p.Wait(5 * time.Second)
	if len(errs) > 0 {
		return fmt.Errorf("crash %s: %s", p.Host.Name, strings.Join(errs, "; "))
	}
	return nil
}

// dropAddr removes a over rtnetlink: no process start, so the address goes
// within a millisecond of the freeze, as it would when the host dies.
func (h *Host) dropAddr(a netip.Prefix) error {
	nh, err := h.handle()
	if err != nil {
		return err
	}
	link, err := nh.LinkByName(h.If)
	if err != nil {
		return err
	}
	addr, err := netlink.ParseAddr(a.String())
	if err != nil {
		return err
	}
	if err := nh.AddrDel(link, addr); err != nil {
		return fmt.Errorf("del %s from %s: %w", a, h.Name, err)
	}
	return nil
}
