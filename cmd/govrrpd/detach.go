package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// foregroundEnv marks the detached copy of the process.
const foregroundEnv = "GOVRRPD_DETACHED"

// detach is keepalived without -n/--dont-fork: the command returns at once
// and the daemon carries on in the background, in its own session, with
// its standard streams on /dev/null (SysV init scripts rely on this; the
// systemd unit passes --dont-fork). It re-executes the binary rather than
// forking, which a Go process cannot do safely.
func detach(args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), foregroundEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("detach: %w", err)
	}
	return cmd.Process.Release()
}
