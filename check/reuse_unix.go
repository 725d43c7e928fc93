//go:build unix && !linux

package check

import "golang.org/x/sys/unix"

// reuseAddr lets bind_port's fixed source port be bound again while the
// previous connection lingers.
func reuseAddr(fd int) error {
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	return nil
}
