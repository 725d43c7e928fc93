package scriptexec

import "syscall"

// sysProcAttr puts a script in its own process group (a timeout kills the
// group) and has the kernel send it SIGTERM if govrrpd dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
