//go:build !linux

package opsproc

import (
	"context"
	"fmt"
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// waitPending returns when one of lns has a connection pending, without
// accepting it, or when ctx ends. Without epoll each listener has a
// goroutine parked in the poller; the first to see a connection wins.
func waitPending(ctx context.Context, lns []net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { done <- waitOne(ctx, ln) }()
	}
	err := <-done
	cancel()
	for range len(lns) - 1 {
		<-done
	}
	return err
}

func waitOne(ctx context.Context, ln net.Listener) error {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return fmt.Errorf("listener %s: no file descriptor", ln.Addr())
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return fmt.Errorf("listener %s: %w", ln.Addr(), err)
	}
	if dl, ok := ln.(interface{ SetDeadline(time.Time) error }); ok {
		stop := context.AfterFunc(ctx, func() { dl.SetDeadline(time.Unix(1, 0)) })
		defer func() { stop(); dl.SetDeadline(time.Time{}) }()
	}
	ready := false
	err = raw.Read(func(fd uintptr) bool {
		if ctx.Err() != nil {
			return true
		}
		n, _ := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
		ready = n > 0
		return ready
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
