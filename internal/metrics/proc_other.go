//go:build !linux

package metrics

import (
	"fmt"
	"runtime"
)

// readProc: the process's series come from Linux's /proc.
func readProc(name string) ([]byte, error) {
	return nil, fmt.Errorf("process metrics: not supported on %s", runtime.GOOS)
}

func countFDs() (int, error) {
	return 0, fmt.Errorf("process metrics: not supported on %s", runtime.GOOS)
}
