package bgpproc

import "syscall"

// sysProcAttr has the kernel signal the helper when govrrpd dies, however
// it dies; the helper then withdraws and exits (cmd/govrrpd-bgp).
func sysProcAttr() (*syscall.SysProcAttr, error) {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}, nil
}
