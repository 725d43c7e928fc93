package opsproc

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr has the kernel signal the helper when govrrpd dies, however
// it dies; the helper also exits on EOF on its socket (cmd/govrrpd-ops).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// socketpair is the helper's line to the daemon, closed on exec (the
// helper's end is passed as an ExtraFile, which exec dups).
func socketpair() ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
}
