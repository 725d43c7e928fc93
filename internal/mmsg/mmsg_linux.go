package mmsg

import (
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Batch holds datagrams for one Send. Everything Add is given is copied,
// so the caller's buffers are free at once; the batch's own buffers are
// kept from one Send to the next, so a steady rate allocates nothing.
type Batch struct {
	arena []byte
	msgs  []msg
	hdrs  []mmsghdr
	iovs  []unix.Iovec
	// Send's function for the socket, made by the first Send (a closure
	// made per Send escapes, with what it captures: a master of
	// thousands of instances flushes a thousand batches a second), and
	// its state. A Batch is not copied once used.
	write   func(fd uintptr) bool
	next    int
	sent    int
	first   error
	refused func(i int, err error)
}

// msg is where one datagram's parts lie in the arena.
type msg struct{ data, name, oob span }

type span struct{ off, n int }

// mmsghdr is the kernel's struct mmsghdr.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [4]byte
}

// Len is how many datagrams wait.
func (b *Batch) Len() int { return len(b.msgs) }

// Add queues a datagram: data to the raw socket address name, with the
// control messages oob (nil: none).
func (b *Batch) Add(data, name, oob []byte) {
	b.msgs = append(b.msgs, msg{b.put(data), b.put(name), b.put(oob)})
}

func (b *Batch) put(p []byte) span {
	s := span{len(b.arena), len(p)}
	b.arena = append(b.arena, p...)
	return s
}

// Send writes every queued datagram on the socket behind rc, in order,
// and empties the batch. A datagram the kernel refuses (ENOBUFS from an
// egress filter or a full queue, an unreachable destination) is skipped
// and the rest still go: sendmmsg stops at the first failure, and
// retrying from there keeps one refused advert or GARP from silencing
// every instance behind it on the interface. refused, if not nil, hears
// each skipped datagram's index; Send returns how many went and the first
// error.
func (b *Batch) Send(rc syscall.RawConn, refused func(i int, err error)) (int, error) {
	defer b.Reset()
	if !b.start(refused) {
		return 0, nil
	}
	err := rc.Write(b.write)
	b.refused = nil
	if err == nil {
		err = b.first
	}
	return b.sent, err
}

// SendFD is Send on fd, a non-blocking socket the runtime's poller does
// not watch. When its send buffer is full it waits for room in poll(2),
// up to FullWait in all; what is still unsent then is refused with
// EAGAIN.
//
// A socket in the poller's epoll set costs a wake-up per send: the
// kernel signals write space (EPOLLOUT, edge-triggered) as the sent
// packets are freed, and an idle thread blocked in epoll_pwait wakes for
// it and finds nothing to do. On a master of 4,080 instances that was
// four of five epoll_pwait returns and most of its context switches
// (docs/scale.md). A socket no epoll set watches has no sleeper to wake.
func (b *Batch) SendFD(fd int, refused func(i int, err error)) (int, error) {
	defer b.Reset()
	if !b.start(refused) {
		return 0, nil
	}
	var deadline time.Time // set by the first full buffer
	for !b.write(uintptr(fd)) {
		if deadline.IsZero() {
			deadline = time.Now().Add(FullWait)
		}
		if !waitWritable(fd, time.Until(deadline)) {
			b.refuseRest(unix.EAGAIN)
			break
		}
	}
	b.refused = nil
	return b.sent, b.first
}

// start readies a non-empty batch for Send or SendFD; false: nothing queued.
func (b *Batch) start(refused func(i int, err error)) bool {
	if len(b.msgs) == 0 {
		return false
	}
	b.build()
	if b.write == nil {
		b.write = b.writeAll
	}
	b.next, b.sent, b.first, b.refused = 0, 0, nil, refused
	return true
}

// FullWait bounds how long SendFD waits for a full send buffer to drain.
// Only a device that holds its packets (a stopped queue) fills it: a
// batch is at most a few dozen small adverts.
var FullWait = time.Second

// waitWritable waits up to d for room on fd; false: none came.
func waitWritable(fd int, d time.Duration) bool {
	for d > 0 {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		start := time.Now()
		n, err := unix.Poll(fds, int(max(d.Milliseconds(), 1)))
		switch {
		case err == unix.EINTR:
			d -= time.Since(start)
			continue
		case err != nil || n == 0:
			return false
		}
		return fds[0].Revents&unix.POLLOUT != 0
	}
	return false
}

// refuseRest refuses every datagram from b.next on with err.
func (b *Batch) refuseRest(err error) {
	if b.first == nil {
		b.first = err
	}
	for ; b.next < len(b.hdrs); b.next++ {
		if b.refused != nil {
			b.refused(b.next, err)
		}
	}
}

// writeAll sends from b.next on; false: wait on the poller until the
// socket is writable.
func (b *Batch) writeAll(fd uintptr) bool {
	for b.next < len(b.hdrs) {
		n, _, e := unix.RawSyscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&b.hdrs[b.next])),
			uintptr(len(b.hdrs)-b.next), unix.MSG_DONTWAIT, 0, 0)
		switch {
		case e == unix.EAGAIN:
			return false
		case e != 0:
			// sendmmsg reports an error only when the first datagram
			// failed: skip it.
			if b.first == nil {
				b.first = e
			}
			if b.refused != nil {
				b.refused(b.next, e)
			}
			b.next++
			continue
		}
		b.next += int(n)
		b.sent += int(n)
	}
	return true
}

// build points the headers into the arena, which no longer moves.
func (b *Batch) build() {
	b.hdrs, b.iovs = grow(b.hdrs, len(b.msgs)), grow(b.iovs, len(b.msgs))
	for i, m := range b.msgs {
		h := &b.hdrs[i].hdr
		if m.data.n > 0 {
			b.iovs[i].Base = &b.arena[m.data.off]
			b.iovs[i].SetLen(m.data.n)
			h.Iov = &b.iovs[i]
			h.SetIovlen(1)
		}
		if m.name.n > 0 {
			h.Name, h.Namelen = &b.arena[m.name.off], uint32(m.name.n)
		}
		if m.oob.n > 0 {
			h.Control = &b.arena[m.oob.off]
			h.SetControllen(m.oob.n)
		}
	}
}

// Reset drops what is queued.
func (b *Batch) Reset() {
	b.arena, b.msgs = b.arena[:0], b.msgs[:0]
	clear(b.hdrs)
	clear(b.iovs)
}

// grow returns s with length n, zeroed, reusing its array when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
