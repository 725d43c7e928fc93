//go:build !linux

package opsproc

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr: without a parent-death signal the helper relies on EOF on
// its socket alone.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

// socketpair is the helper's line to the daemon.
func socketpair() ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	return fds, err
}
