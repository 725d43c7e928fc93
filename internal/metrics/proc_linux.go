package metrics

import (
	"fmt"
	"io"
	"os"
)

// readProc reads /proc/name.
func readProc(name string) ([]byte, error) {
	b, err := os.ReadFile("/proc/" + name)
	if err != nil {
		return nil, fmt.Errorf("process metrics: %w", err)
	}
	return b, nil
}

// countFDs counts the entries of /proc/self/fd, the directory's own
// descriptor included as client_golang counted it.
func countFDs() (int, error) {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, fmt.Errorf("process metrics: %w", err)
	}
	defer d.Close()
	n := 0
	for {
		names, err := d.Readdirnames(512)
		n += len(names)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("process metrics: /proc/self/fd: %w", err)
		}
	}
}
