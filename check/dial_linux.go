package check

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// sockopts applies bind_port's address reuse, fwmark and bind_if to fd.
func (e endpoint) sockopts(fd int) error {
	if e.port != 0 {
		// A fixed source port is reused across attempts.
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	}
	if e.mark != 0 {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_MARK, int(e.mark)); err != nil {
			return fmt.Errorf("fwmark %d: %w", e.mark, err)
		}
	}
	if e.bindIf != "" {
		if err := unix.BindToDevice(fd, e.bindIf); err != nil {
			return fmt.Errorf("bind_if %s: %w", e.bindIf, err)
		}
	}
	return nil
}

// connectClose opens a TCP connection to e.remote, bound and marked as the
// checker says, and closes it as soon as the handshake completes: with a
// FIN, or a reset for a fixed bind_port, as the TCP_CHECK loop does
// (resets in tcploop_connect.go). It gives up at deadline (zero: none) or
// when ctx is cancelled.
func (e endpoint) connectClose(ctx context.Context, deadline time.Time) error {
	fd, err := e.startConnect()
	if err != nil || fd < 0 {
		return err
	}
	return waitConnected(ctx, fd, deadline)
}

// startConnect begins a connect on a raw non-blocking socket, because a
// TCP_CHECK needs no net.Conn: the net.Dialer path (address parsing, family
// selection, a context timer per attempt) cost more CPU than the connect
// itself. It returns fd -1 when the connect already finished (the socket is
// then closed) and otherwise the socket whose handshake is under way, for
// the caller to wait on and close.
func (e endpoint) startConnect() (int, error) {
	d := newRawDest(e.remote)
	if d.err != nil {
		return -1, d.err
	}
	fd, err := e.begin(&d)
	if err != nil || fd < 0 {
		return fd, err
	}
	if done, err := connectedNow(fd); done {
		rawClose(fd)
		return -1, err
	}
	return fd, nil
}

// begin opens a socket set up as the checker says (reset on close, mark,
// interface, source) and starts a non-blocking connect to d: fd -1 when
// it already finished (the socket is then closed), else the socket whose
// handshake is under way.
func (e *endpoint) begin(d *rawDest) (int, error) {
	fd, err := rawSocket(d.family)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if resets(e) {
		err = rawLingerZero(fd) // see resets
	}
	if err == nil {
		err = e.sockopts(fd)
	}
	if err == nil && (e.bindTo.IsValid() || e.port != 0) {
		err = e.bind(fd, d.family)
	}
	if err != nil {
		rawClose(fd)
		return -1, err
	}
	switch err := d.connect(fd); err {
	case nil:
		rawClose(fd)
		return -1, nil
	case unix.EINPROGRESS:
		return fd, nil
	default:
		rawClose(fd)
		return -1, os.NewSyscallError("connect", err)
	}
}

// connectedNow looks once, without waiting, whether fd's connect has
// finished: on loopback and nearby servers the handshake usually completes
// within connect(2), and one poll(2) then saves joining the poller (three
// more system calls).
func connectedNow(fd int) (done bool, err error) {
	revents, perr := rawPollOut(fd)
	if perr != nil || revents == 0 {
		return false, nil
	}
	if revents&(unix.POLLERR|unix.POLLHUP) != 0 {
		if err := connectDone(fd); err != unix.EINPROGRESS {
			if err == nil {
				return true, nil
			}
			return true, os.NewSyscallError("connect", err)
		}
		return false, nil
	}
	return revents&unix.POLLOUT != 0, nil
}

// waitConnected waits in the runtime's poller for fd's connect to finish,
// then closes fd.
func waitConnected(ctx context.Context, fd int, deadline time.Time) error {
	f := os.NewFile(uintptr(fd), "tcp-check") // non-blocking, so it joins the poller
	defer f.Close()
	if !deadline.IsZero() {
		if err := f.SetWriteDeadline(deadline); err != nil {
			return err
		}
	}
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var cerr error
	err = rc.Write(func(fd uintptr) bool {
		cerr = connectDone(int(fd))
		return cerr != unix.EINPROGRESS
	})
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return ctx.Err() // stopping, not the server's fault
		}
		return err // os.ErrDeadlineExceeded: "i/o timeout", as net says
	}
	if cerr != nil {
		return os.NewSyscallError("connect", cerr)
	}
	return nil
}

// connectDone reports a pending connect's result: nil when connected,
// EINPROGRESS while the handshake is still under way.
func connectDone(fd int) error {
	n, err := rawSoError(fd)
	if err != nil {
		return err
	}
	switch e := unix.Errno(n); e {
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return unix.EINPROGRESS
	case unix.EISCONN:
		return nil
	case 0:
		if !rawConnected(fd) {
			return unix.EINPROGRESS // writable only because nothing happened yet
		}
		return nil
	default:
		return e
	}
}

// bind binds fd to bindto/bind_port; an unset bindto is the wildcard of
// the remote's family.
func (e endpoint) bind(fd, family int) error {
	ip := e.bindTo
	var sa unix.Sockaddr
	switch {
	case family == unix.AF_INET && (!ip.IsValid() || ip.Unmap().Is4()):
		sa = &unix.SockaddrInet4{Port: int(e.port), Addr: ip.Unmap().As4()}
		if !ip.IsValid() {
			sa = &unix.SockaddrInet4{Port: int(e.port)}
		}
	case family == unix.AF_INET6 && (!ip.IsValid() || ip.Is6()):
		in6 := &unix.SockaddrInet6{Port: int(e.port)}
		if ip.IsValid() {
			zone, err := zoneIndex(ip.Zone())
			if err != nil {
				return err
			}
			in6.Addr, in6.ZoneId = ip.As16(), zone
		}
		sa = in6
	default:
		return fmt.Errorf("bindto %s cannot reach %s: address families differ", ip, e.remote.Addr())
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fmt.Errorf("bind %s port %d: %w", ip, e.port, err)
	}
	return nil
}
