package opsproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// waitPending returns when one of lns has a connection pending, without
// accepting it, or when ctx ends (its error). The listeners go into an
// epoll set of their own, and the epoll descriptor into Go's poller: one
// goroutine waits, parked, for every listener, and no thread blocks in a
// system call.
func waitPending(ctx context.Context, lns []net.Listener) error {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return fmt.Errorf("epoll: %w", err)
	}
	// Nonblocking, so that os.NewFile registers it with the poller.
	if err := unix.SetNonblock(ep, true); err != nil {
		unix.Close(ep)
		return fmt.Errorf("epoll: %w", err)
	}
	f := os.NewFile(uintptr(ep), "ops-listeners")
	defer f.Close()
	for _, ln := range lns {
		if err := epollAdd(ep, ln); err != nil {
			return err
		}
	}
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	raw, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("epoll: %w", err)
	}
	var ev [1]unix.EpollEvent
	var werr error
	err = raw.Read(func(fd uintptr) bool {
		n, err := unix.EpollWait(int(fd), ev[:], 0)
		if err != nil && !errors.Is(err, unix.EINTR) {
			werr = err
			return true
		}
		return n > 0
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err == nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("waiting on the operations listeners: %w", err)
	}
	return nil
}

func epollAdd(ep int, ln net.Listener) error {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return fmt.Errorf("listener %s: no file descriptor", ln.Addr())
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return fmt.Errorf("listener %s: %w", ln.Addr(), err)
	}
	var aerr error
	if err := raw.Control(func(fd uintptr) {
		aerr = unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, int(fd), &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)})
	}); err != nil {
		return fmt.Errorf("listener %s: %w", ln.Addr(), err)
	}
	if aerr != nil {
		return fmt.Errorf("listener %s: epoll: %w", ln.Addr(), aerr)
	}
	return nil
}
