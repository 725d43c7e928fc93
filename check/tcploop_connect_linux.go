package check

import (
	"container/heap"
	"net/netip"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// loopRun is what the loop keeps per TCP_CHECK: the run, its prober, and
// its destination already in the kernel's sockaddr layout. Building a
// unix.Sockaddr per attempt (endpoint.sockaddrs) was the attempt's only
// heap allocation, and for a link-local server it looked the zone's
// interface up every time.
type loopRun struct {
	r    *run
	p    tcpProber
	dest rawDest
}

// rawDest is a destination as connect(2) takes it.
type rawDest struct {
	family int
	in4    unix.RawSockaddrInet4
	in6    unix.RawSockaddrInet6
	err    error // the zone did not resolve; tried again at each attempt
}

func newRawDest(ap netip.AddrPort) rawDest {
	a := ap.Addr()
	if a.Is4() {
		d := rawDest{family: unix.AF_INET, in4: unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: a.As4()}}
		d.in4.Port = htons(int(ap.Port()))
		return d
	}
	zone, err := zoneIndex(a.Zone())
	d := rawDest{family: unix.AF_INET6, err: err,
		in6: unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: a.As16(), Scope_id: zone}}
	d.in6.Port = htons(int(ap.Port()))
	return d
}

// connect starts a non-blocking connect of fd to d.
func (d *rawDest) connect(fd int) error {
	if d.family == unix.AF_INET {
		return rawConnect(fd, unsafe.Pointer(&d.in4), unix.SizeofSockaddrInet4)
	}
	return rawConnect(fd, unsafe.Pointer(&d.in6), unix.SizeofSockaddrInet6)
}

// startConnect is endpoint.startConnect for the loop: it begins lr's
// connect and returns fd -1 when the connect already finished (the socket
// is then closed), otherwise the socket whose handshake is under way. It
// does not poll the socket: pollBegun does, once for the whole batch.
func (l *tcpLoop) startConnect(lr *loopRun) (int, error) {
	e := &lr.p.ep
	if lr.dest.err != nil {
		if lr.dest = newRawDest(e.remote); lr.dest.err != nil {
			return -1, lr.dest.err
		}
	}
	return e.begin(&lr.dest) // pollBegun looks at a connect under way with the rest of the batch
}

// maxBatch bounds the connects begun before pollBegun looks at them: the
// sockets held open meanwhile, and how long the first waits to be closed.
const maxBatch = 16

// begun is a connect started in the current batch and not yet polled.
type begun struct {
	lr    *loopRun
	fd    int
	start time.Time
}

// pollBegun looks at every connect of the batch with one ppoll(2), where a
// poll per check was a system call per check: on loopback and nearby
// servers the handshake has finished by the time connect(2) returns. A
// connect still under way joins the epoll set.
func (l *tcpLoop) pollBegun() {
	if len(l.begun) == 0 {
		return
	}
	l.pfds = l.pfds[:0]
	for _, b := range l.begun {
		l.pfds = append(l.pfds, unix.PollFd{Fd: int32(b.fd), Events: unix.POLLOUT})
	}
	if rawPollNow(l.pfds) != nil {
		for i := range l.pfds {
			l.pfds[i].Revents = 0 // every socket waits in the epoll set instead
		}
	}
	for i, b := range l.begun {
		l.settle(b, l.pfds[i].Revents)
	}
	clear(l.begun)
	l.begun = l.begun[:0]
}

// settle finishes a polled connect, or hands it to the epoll set.
func (l *tcpLoop) settle(b begun, revents int16) {
	lr := b.lr
	if done, err := pollResult(b.fd, revents); done {
		rawClose(b.fd)
		out := up(lr.p.ok)
		if err != nil {
			out = lr.p.failed(err)
		}
		l.finish(lr, b.start, b.start, out)
		return
	}
	if err := rawEpollAdd(l.epfd, b.fd, unix.EPOLLOUT); err != nil {
		rawClose(b.fd)
		l.finish(lr, b.start, b.start, lr.p.failed(os.NewSyscallError("epoll_ctl", err)))
		return
	}
	f := &flight{lr: lr, start: b.start, fd: b.fd, deadline: b.start.Add(probeTimeout(lr.r.c))}
	l.byFD[int32(b.fd)] = f
	heap.Push(&l.byDL, f)
}

// pollResult reads a connect's outcome from its poll events. A reset after
// the handshake (ECONNRESET, EPIPE: a server that accepted and at once
// reset) still means the server accepted the connection; a refusal during
// the handshake is ECONNREFUSED.
func pollResult(fd int, revents int16) (done bool, err error) {
	switch {
	case revents&(unix.POLLERR|unix.POLLHUP) != 0:
		switch e := connectDone(fd); e {
		case unix.EINPROGRESS:
			return false, nil
		case nil, unix.ECONNRESET, unix.EPIPE:
			return true, nil
		default:
			return true, os.NewSyscallError("connect", e)
		}
	case revents&unix.POLLOUT != 0:
		return true, nil
	}
	return false, nil
}
