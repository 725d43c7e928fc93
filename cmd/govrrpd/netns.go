package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// netnsEnv marks a process that already entered the -s namespace.
const netnsEnv = "GOVRRPD_NETNS"

// enterNamespace is -s/--namespace NAME: the whole process must live in
// /run/netns/NAME, and setns(2) moves only the calling thread, so the
// thread enters the namespace and re-executes the binary from there; the
// new image starts with every thread inside. Returns only on error.
func enterNamespace(name string, args []string) error {
	f, err := os.Open(filepath.Join("/run/netns", name))
	if err != nil {
		return fmt.Errorf("namespace %s: %w", name, err)
	}
	defer f.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("namespace %s: setns: %w", name, err)
	}
	env := append(os.Environ(), netnsEnv+"="+name)
	return syscall.Exec(exe, append([]string{exe}, args...), env)
}

// namespacePidFiles moves the default pid files under /run/keepalived/NAME/
// as keepalived does with -s, so daemons in different namespaces do not
// fight over /run/keepalived.pid.
func namespacePidFiles(o *options) error {
	if o.namespace == "" {
		return nil
	}
	dir := filepath.Join("/run/keepalived", o.namespace)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	set := func(flag string, p *string, base string) {
		if !o.set[flag] {
			*p = filepath.Join(dir, base)
		}
	}
	set("pid", &o.pidFile, "keepalived.pid")
	set("vrrp_pid", &o.vrrpPidFile, "vrrp.pid")
	set("checkers_pid", &o.checkersPidFile, "checkers.pid")
	set("bfd_pid", &o.bfdPidFile, "bfd.pid")
	return nil
}

// applyUmask is -u/--umask (numeric, as keepalived).
func applyUmask(s string) error {
	if s == "" {
		return nil
	}
	m, err := strconv.ParseUint(s, 0, 32)
	if err != nil {
		return fmt.Errorf("--umask %q: %w", s, err)
	}
	syscall.Umask(int(m))
	return nil
}
