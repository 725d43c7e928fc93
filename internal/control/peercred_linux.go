package control

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// peerCred returns the connecting process's uid and pid (SO_PEERCRED),
// or -1, -1 when the kernel does not say.
func peerCred(c syscall.Conn) (uid, pid int) {
	uid, pid = -1, -1
	raw, err := c.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) {
		if u, err := unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED); err == nil {
			uid, pid = int(u.Uid), int(u.Pid)
		}
	})
	return
}
