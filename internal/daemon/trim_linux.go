package daemon

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// trimText unmaps the executable's read-only pages (trim.go) and returns
// how much of them was resident.
func trimText() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("trim binary: %w", err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("trim binary: %w", err)
	}
	var kib int64
	for _, m := range exeMappings(smaps, exe) {
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, uintptr(m.start), uintptr(m.end-m.start), unix.MADV_DONTNEED); errno != 0 {
			return kib << 10, fmt.Errorf("trim binary: madvise %#x-%#x: %w", m.start, m.end, errno)
		}
		kib += m.rssKiB
	}
	return kib << 10, nil
}
