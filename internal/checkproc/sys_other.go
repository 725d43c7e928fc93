//go:build !linux

package checkproc

import (
	"fmt"
	"runtime"
	"syscall"
)

// sysProcAttr: without a parent-death signal the helper could outlive
// govrrpd, so it is not run.
func sysProcAttr() (*syscall.SysProcAttr, error) {
	return nil, fmt.Errorf("checker helper: not supported on %s", runtime.GOOS)
}
