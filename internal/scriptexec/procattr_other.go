//go:build !linux

package scriptexec

import "syscall"

// sysProcAttr puts a script in its own process group (a timeout kills the
// group). There is no parent-death signal outside Linux: a script outlives
// a crashed govrrpd there.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
