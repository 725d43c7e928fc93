package check

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The TCP_CHECK path makes only system calls that never block (the socket
// is non-blocking, polls have a zero timeout, close lingers on no socket). They go
// through RawSyscall, which skips the runtime's system-call bookkeeping:
// that bookkeeping wakes the sleeping sysmon thread on the first system
// call after the process was idle, and sysmon then spins through about a
// millisecond of 20 µs sleeps. With checks spread over the second, that
// was every check, and under emulation it cost more CPU than the checks.

func errnoErr(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func rawSocket(family int) (int, error) {
	fd, _, e := syscall.RawSyscall(unix.SYS_SOCKET, uintptr(family),
		unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

// rawLingerZero sets SO_LINGER {on, 0 s}: close then resets.
func rawLingerZero(fd int) error {
	l := &unix.Linger{Onoff: 1}
	_, _, e := syscall.RawSyscall6(unix.SYS_SETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_LINGER,
		uintptr(unsafe.Pointer(l)), unsafe.Sizeof(*l), 0)
	return errnoErr(e)
}

// rawConnect connects fd to the sockaddr at sa, n bytes long.
func rawConnect(fd int, sa unsafe.Pointer, n uintptr) error {
	_, _, e := syscall.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(sa), n)
	return errnoErr(e)
}

// htons stores port in network byte order in the uint16 a raw sockaddr holds.
func htons(port int) uint16 {
	var b [2]byte
	b[0], b[1] = byte(port>>8), byte(port)
	return *(*uint16)(unsafe.Pointer(&b[0]))
}

// rawPollOut polls fd for POLLOUT without waiting and returns the revents.
func rawPollOut(fd int) (int16, error) {
	pfd := &unix.PollFd{Fd: int32(fd), Events: unix.POLLOUT}
	ts := &unix.Timespec{}
	n, _, e := syscall.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(pfd)), 1, uintptr(unsafe.Pointer(ts)), 0, 0, 0)
	if e != 0 || n == 0 {
		return 0, errnoErr(e)
	}
	return pfd.Revents, nil
}

// rawPollNow polls fds without waiting, setting their Revents.
func rawPollNow(fds []unix.PollFd) error {
	ts := &unix.Timespec{}
	_, _, e := syscall.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), uintptr(len(fds)),
		uintptr(unsafe.Pointer(ts)), 0, 0, 0)
	return errnoErr(e)
}

func rawClose(fd int) {
	_, _, _ = syscall.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
}

// rawSoError reads SO_ERROR.
func rawSoError(fd int) (int, error) {
	var v int32
	l := uint32(4)
	_, _, e := syscall.RawSyscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_ERROR,
		uintptr(unsafe.Pointer(&v)), uintptr(unsafe.Pointer(&l)), 0)
	return int(v), errnoErr(e)
}

// rawConnected reports whether fd has a peer (getpeername succeeds).
func rawConnected(fd int) bool {
	var sa unix.RawSockaddrAny
	l := uint32(unix.SizeofSockaddrAny)
	_, _, e := syscall.RawSyscall(unix.SYS_GETPEERNAME, uintptr(fd), uintptr(unsafe.Pointer(&sa)), uintptr(unsafe.Pointer(&l)))
	return e == 0
}

// rawEpollPoll collects ready events without waiting.
func rawEpollPoll(epfd int, events []unix.EpollEvent) (int, error) {
	n, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])),
		uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawEpollAdd(epfd, fd int, events uint32) error {
	ev := &unix.EpollEvent{Events: events, Fd: int32(fd)}
	_, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(epfd), unix.EPOLL_CTL_ADD, uintptr(fd),
		uintptr(unsafe.Pointer(ev)), 0, 0)
	return errnoErr(e)
}

// rawTimerfdSet arms fd once, ns nanoseconds from now (0 disarms).
func rawTimerfdSet(fd int, ns int64) error {
	its := &unix.ItimerSpec{Value: unix.NsecToTimespec(ns)}
	_, _, e := syscall.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(fd), 0, uintptr(unsafe.Pointer(its)), 0, 0, 0)
	return errnoErr(e)
}

// rawDrain reads (and discards) a timerfd's or eventfd's counter.
func rawDrain(fd int) {
	var b [8]byte
	_, _, _ = syscall.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), 8)
}
