package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"

	"github.com/govrrpd/govrrpd/confparse"
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

// configNamespace is keepalived.conf's net_namespace: the daemon runs its
// VRRP, IPVS and checkers there exactly as with -s NAME (which wins when
// both are given, as in keepalived). -t does not look for the namespace,
// as keepalived -t does not; the daemon exits when it does not exist
// ("Unable to set network namespace NAME - exiting").
func configNamespace(o *options) string {
	// The whole parse only when the word is there: -t on a large file
	// must not read it twice.
	if data, err := os.ReadFile(o.configFile); err != nil || !bytes.Contains(data, []byte("net_namespace")) {
		return ""
	}
	cfg, _ := confparse.Load(o.configFile, confparse.Options{ConfigID: o.configID, ElsewhereScripts: true})
	if cfg == nil {
		return ""
	}
	return cfg.Global.NetNamespace
}

func namespaceExists(name string) bool {
	_, err := os.Stat(filepath.Join("/run/netns", name))
	return err == nil
}
