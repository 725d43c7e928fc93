package checkproc

import "syscall"

// sysProcAttr has the kernel signal the helper when govrrpd dies, however
// it dies; the helper then exits (cmd/govrrpd-check).
func sysProcAttr() (*syscall.SysProcAttr, error) {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}, nil
}
